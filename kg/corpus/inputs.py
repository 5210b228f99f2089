"""A build's input: the page files of the paths given, their metadata, and why any is skipped.

kg reads page text (``*.txt``), saved web pages (``*.html``, ``*.htm``:
``kg.text.web``) and crawl files of one article a record (``*.jsonl``,
``*.csv``: ``kg.text.crawl``; each record is a page named ``<file stem>#<n>``).
Folders are searched for these (any case: ``A.TXT`` too), not their
subfolders: a subfolder that holds pages is named in the report as not
searched, and so is every other file of a folder, with why. A page takes its
metadata from its folder's ``manifest.csv``. Each page of a PDF file (``*.pdf``) is
a page (``kg.text.pdf``).
A symbolic link that leads out of the folders given is refused unless
``follow_links``. Every problem (a bad manifest or manifest row, a row
naming a missing file, a missing path, two pages with one name, a name too
long for its page file, a page too large or unreadable) is reported with
the file it concerns, so the build can skip that file and go on, or stop
when asked to be strict. File names that are not UTF-8 are built and shown
with their bad bytes written ``\\xNN``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from kg.corpus.parts import PageLinks
from kg.errors import InputError
from kg.extract import (
    MANIFEST,
    RowProblem,
    folder_entries,
    is_page_name,
    manifest_rows,
    page_meta,
    page_stem,
    shown,
)
from kg.link.home import with_home_place
from kg.model import PageMeta, PageResult
from kg.text.crawl import CRAWL_SUFFIXES, is_crawl_file, read_crawl
from kg.text.pdf_names import PDF_SUFFIX, is_pdf, page_name, page_number
from kg.text.read import decode_page, read_page_bytes
from kg.text.web import WEB_SUFFIXES, WebPage, is_web_page, read_web_page, with_web_meta

OnProblem = Callable[[str, str], None]  # (file, reason)

NAME_MAX = 255  # bytes in a file name (Linux, macOS, Windows)
PAGE_FILE_SUFFIX = ".json"
READ_SUFFIXES = (".txt", PDF_SUFFIX, *WEB_SUFFIXES, *CRAWL_SUFFIXES)
READ_FORMATS = ", ".join(f"*{s}" for s in READ_SUFFIXES)  # for messages


def is_input_name(name: str) -> bool:
    """Whether a folder entry named ``name`` is read by a build (any case; not the manifest)."""
    return name != MANIFEST and (is_page_name(name) or is_web_page(name) or is_crawl_file(name))


@dataclass(frozen=True)
class Reading:
    """How a build reads its inputs beyond the files themselves.

    ``follow_links``: build pages that symbolic links lead to outside the folders
    given; ``home_place``: the canonical place a bare 市/县 means on pages whose
    manifest row gives none; ``fields``: a crawl file's own field names.
    """

    follow_links: bool = False
    home_place: str | None = None
    fields: Mapping[str, str] | None = None


@dataclass
class PageJob:
    """One page on its way through the build: read, then extracted or found in the cache."""

    path: Path
    meta: PageMeta
    text: str | None = None
    key: str | None = None  # its cache key (kg.corpus.cache.page_key)
    result: PageResult | None = None
    links: PageLinks | None = None  # what linking needs, kept by an earlier build
    error: str | None = None
    needs_extract: bool = False
    record: str | None = None  # the text of a crawl record (read with its file)

    @property
    def ready(self) -> bool:
        """Whether the page needs no extraction: it failed, or an earlier build kept it."""
        return self.error is not None or self.result is not None or self.links is not None

    @property
    def where(self) -> str:
        """The file the page comes from, as the report names it (a crawl record: ``file#n``)."""
        where = shown(str(self.path))
        return f"{where}#{self.stem.rpartition('#')[2]}" if self.record is not None else where

    @property
    def stem(self) -> str:
        """The name of its page file, without ``.json`` (printable: see ``kg.extract.shown``)."""
        return page_stem(self.meta.source)


def collect_pages(
    paths: Iterable[Path],
    *,
    on_problem: OnProblem,
    on_note: OnProblem | None = None,
    reading: Reading = Reading(),
) -> list[PageJob]:
    """The pages of ``paths`` with their manifest metadata, in a fixed order.

    Folders are searched for the entries a build reads (``READ_SUFFIXES``)
    in any case (every entry, so a folder or a broken link named ``x.txt``
    is reported rather than silently dropped); a page named by path takes
    its metadata from its folder's manifest. A crawl file is read now, one
    page a record (``reading.fields`` maps its field names). Problems (bad manifest
    or row, manifest rows naming missing files, missing paths, links out of
    the folders given, two pages with one name, a bad crawl file or record)
    go to ``on_problem(file, reason)``; subfolders holding pages, which are
    not searched, and files of a format kg does not read, to
    ``on_note(path, reason)``. ``reading.home_place`` (a canonical place) is the
    home place of pages whose manifest row gives none.
    """
    paths = list(paths)
    links = _Links(paths, follow=reading.follow_links)
    manifests = _Manifests(on_problem, links)
    found: list[tuple[Path, PageMeta]] = []
    for p in paths:
        if p.is_dir():
            found.extend(_folder_pages(p, manifests, links, on_problem, on_note))
        elif os.path.lexists(p):
            found.append((p, page_meta(p, manifests.of(p.parent, {p.name}))))
        else:
            on_problem(shown(str(p)), "no such file or folder")
    found = [page for item in found for page in _pdf_pages(item, on_problem)]
    found = [(path, with_home_place(meta, reading.home_place)) for path, meta in found]
    jobs: list[PageJob] = []
    for path, meta in found:
        if is_crawl_file(path.name):
            jobs.extend(_crawl_pages(path, meta, reading.fields, on_problem))
        else:
            jobs.append(PageJob(path=path, meta=meta))
    jobs.sort(key=lambda job: (job.meta.source, str(job.path)))  # the registry's order
    return _one_per_name(jobs, on_problem)


def _crawl_pages(
    path: Path, meta: PageMeta, fields: Mapping[str, str] | None, on_problem: OnProblem
) -> list[PageJob]:
    """One page a record of the crawl file ``path``; its bad records reported."""
    try:
        text, _encoding = decode_page(read_page_bytes(path), path)
        records, bad = read_crawl(text, path, fields=fields)
    except InputError as e:
        on_problem(shown(str(path)), shown(strip_path(str(e), path)))
        return []
    stem = Path(meta.source).stem
    for b in bad:
        on_problem(f"{shown(str(path))}#{b.number}", b.reason)
    if not records and not bad:
        on_problem(shown(str(path)), "holds no record; expected one article a line or row")
    return [
        PageJob(
            path=path,
            meta=replace(
                meta,
                source=f"{stem}#{r.number}",
                date=meta.date or r.date,
                newspaper=meta.newspaper or r.source,
                url=r.url,
            ),
            record=r.text,
        )
        for r in records
    ]


def _folder_pages(
    folder: Path,
    manifests: _Manifests,
    links: _Links,
    on_problem: OnProblem,
    on_note: OnProblem | None,
) -> list[tuple[Path, PageMeta]]:
    """The pages of one folder given, and the problems of its manifest and entries."""
    try:
        entries, subfolders = folder_entries(folder, is_page=is_input_name)
    except OSError as e:
        on_problem(shown(str(folder)), f"cannot list this folder ({e.strerror})")
        return []
    for sub in subfolders:
        if on_note is not None:
            on_note(shown(str(sub)), "a subfolder: not searched (give it as a source to build it)")
    for other in _unread_files(folder, entries):
        if on_note is not None:
            on_note(shown(str(other)), f"not a format kg reads (it reads {READ_FORMATS})")
    manifest = manifests.of(folder)
    found: list[tuple[Path, PageMeta]] = []
    for q in entries:
        target = links.outside(q)
        if target is not None:
            on_problem(
                shown(str(q)),
                f"a symbolic link to {shown(target)}, outside the folders given; "
                "--follow-links builds it",
            )
        else:
            found.append((q, page_meta(q, manifest)))
    named = {q.name for q in entries} | {meta.source for _, meta in found}
    for name in sorted(set(manifest) - named):
        on_problem(shown(str(folder / MANIFEST)), f"lists {name!r}, which is not in {folder}")
    return found


class _Links:
    """Which symbolic links lead out of the folders given (a page file named itself is given)."""

    def __init__(self, paths: list[Path], *, follow: bool) -> None:
        self.follow = follow
        folders = [p if p.is_dir() else p.parent for p in paths]
        self.roots = [Path(os.path.realpath(f)) for f in folders]

    def outside(self, entry: Path) -> str | None:
        """Where ``entry`` leads when it is a link out of the folders given; else None."""
        if self.follow or not entry.is_symlink():
            return None
        target = Path(os.path.realpath(entry))
        if any(target.is_relative_to(root) for root in self.roots):
            return None  # a loop or a dangling link inside fails when read, with its reason
        return str(target)


class _Manifests:
    """Each folder's manifest, read once; a bad one is reported and counts as empty.

    A bad row is reported once, when its page is in the build (every row of
    a folder given is): a bad row of a page left out does not matter.
    """

    def __init__(self, on_problem: OnProblem, links: _Links) -> None:
        self._on_problem = on_problem
        self._links = links
        self._read: dict[Path, tuple[dict[str, PageMeta], list[RowProblem]]] = {}
        self._reported: set[str] = set()

    def of(self, folder: Path, names: set[str] | None = None) -> dict[str, PageMeta]:
        """The manifest of ``folder``; its bad rows reported (only those of ``names`` if given)."""
        if folder not in self._read:
            self._read[folder] = self._rows(folder)
        metas, problems = self._read[folder]
        for problem in problems:
            if problem.where not in self._reported and (names is None or problem.file in names):
                self._reported.add(problem.where)
                self._on_problem(shown(problem.where), shown(problem.reason))
        return metas

    def _rows(self, folder: Path) -> tuple[dict[str, PageMeta], list[RowProblem]]:
        path = folder / MANIFEST
        target = self._links.outside(path)
        if target is not None:
            self._on_problem(
                shown(str(path)),
                f"a symbolic link to {shown(target)}, outside the folders given; not read "
                "(--follow-links reads it)",
            )
            return {}, []
        try:
            return manifest_rows(folder)
        except InputError as e:
            self._on_problem(shown(str(path)), shown(strip_path(str(e), path)))
            return {}, []


def _unread_files(folder: Path, entries: list[Path]) -> list[Path]:
    """The plain files of ``folder`` a build does not read (not hidden, not its manifest)."""
    read = {e.name for e in entries} | {MANIFEST}
    return [
        e
        for e in sorted(folder.iterdir())
        if e.name not in read and not e.name.startswith(".") and e.is_file()
    ]


def _one_per_name(found: list[PageJob], on_problem: OnProblem) -> list[PageJob]:
    """The pages whose name can be an output file's, the first of any two with one name."""
    pages: list[PageJob] = []
    stems: dict[str, Path] = {}
    for page in found:
        path = page.path
        stem = page.stem
        if stem in stems:
            if stems[stem] != path:
                on_problem(
                    page.where,
                    f"another page named {stem!r} is already in the build ({shown(str(stems[stem]))})",
                )
            continue
        if not stem or stem in (".", "..") or Path(stem).name != stem:
            on_problem(page.where, "name cannot be used for an output file")
            continue
        size = len((stem + PAGE_FILE_SUFFIX).encode("utf-8"))
        if size > NAME_MAX:
            on_problem(
                page.where,
                f"its page file {stem[:20]}….json would be a {size}-byte name, over the "
                f"{NAME_MAX}-byte limit of file names; shorten the page's name",
            )
            continue
        stems[stem] = path
        pages.append(page)
    return pages


def _pdf_pages(item: tuple[Path, PageMeta], on_problem: OnProblem) -> list[tuple[Path, PageMeta]]:
    """A PDF file as its pages (``kg.text.pdf`` names them); any other page as itself."""
    path, meta = item
    if not is_pdf(path.name):
        return [item]
    from kg.text.pdf import pdf_page_count  # pdfplumber loads with the first PDF

    try:
        count = pdf_page_count(read_page_bytes(path), path)
    except InputError as e:
        on_problem(shown(str(path)), shown(strip_path(str(e), path)))
        return []
    return [
        (
            path,
            replace(meta, source=page_name(meta.source, n, count), page_no=meta.page_no or str(n)),
        )
        if count > 1
        else item
        for n in range(1, count + 1)
    ]


def read_input(page: PageJob, *, max_bytes: int, max_chars: int) -> tuple[bytes, str, str]:
    """A page's bytes (what its cache key is made of), its text and its encoding
    (``"pdf"`` for a PDF page). A web page's metadata completes ``page.meta``.

    Raises:
        InputError: the page cannot be read, holds no main text, or more than a page.
    """
    if page.record is not None:
        text = page.record
        data, encoding = text.encode("utf-8"), "utf-8"
    else:
        data = read_page_bytes(page.path, max_bytes=max_bytes)
        text, encoding, web = _text_of(page.path, data, page.meta.source)
        if web is not None:
            page.meta = with_web_meta(page.meta, web)
    if len(text) > max_chars:
        raise InputError(
            f"{page.path}: {len(text):,} characters is more than one page holds "
            f"(limit {max_chars:,}); split it into one file per page"
        )
    return data, text, encoding


def page_text(path: Path, source: str) -> str:
    """The text of page ``source`` of a page file, PDF file or saved web page, read again
    (its cache entry was lost).

    Raises:
        InputError: the file cannot be read (any more).
    """
    return _text_of(path, read_page_bytes(path), source)[0]


def _text_of(path: Path, data: bytes, source: str) -> tuple[str, str, WebPage | None]:
    """The text of page ``source`` in the bytes ``data`` of file ``path``, its encoding,
    and for a saved web page what its metadata says."""
    if is_pdf(path.name):
        from kg.text.pdf import pdf_page_text  # pdfplumber loads with the first PDF

        return pdf_page_text(data, page_number(source), path), "pdf", None
    text, encoding = decode_page(data, path)
    if is_web_page(path.name):
        web = read_web_page(text, path)
        return web.text, encoding, web
    return text, encoding, None


def strip_path(message: str, path: Path) -> str:
    """``message`` without a leading ``"<path>: "`` (the report names the file)."""
    for prefix in (f"{path}: ", f"{shown(str(path))}: "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message

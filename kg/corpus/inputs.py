"""A build's input: the page files of the paths given, their metadata, and why any is skipped.

Folders are searched for ``*.txt`` entries; a page takes its metadata from
its folder's ``manifest.csv``. Every problem (a bad manifest, a row naming
a missing file, a missing path, two pages with one name, a page too large
or unreadable) is reported with the file it concerns, so the build can skip
that file and go on, or stop when asked to be strict.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.corpus.parts import PageLinks
from kg.errors import InputError
from kg.extract import MANIFEST, page_meta, read_manifest
from kg.model import PageMeta, PageResult
from kg.text.read import decode_page, read_page_bytes

OnProblem = Callable[[str, str], None]  # (file, reason)


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

    @property
    def ready(self) -> bool:
        """Whether the page needs no extraction: it failed, or an earlier build kept it."""
        return self.error is not None or self.result is not None or self.links is not None


def collect_pages(paths: Iterable[Path], *, on_problem: OnProblem) -> list[PageJob]:
    """The pages of ``paths`` with their manifest metadata, in a fixed order.

    Folders are searched for ``*.txt`` entries (every entry, so a folder or a
    broken link named ``x.txt`` is reported rather than silently dropped);
    a page named by path takes its metadata from its folder's manifest.
    Problems (bad manifest, manifest rows naming missing files, missing
    paths, two pages with one name) go to ``on_problem(file, reason)``.
    """
    manifests = _Manifests(on_problem)
    found: list[tuple[Path, PageMeta]] = []
    for p in paths:
        if p.is_dir():
            manifest = manifests.of(p)
            entries = sorted(p.glob("*.txt"))
            names = {q.name for q in entries}
            for name in sorted(set(manifest) - names):
                on_problem(str(p / MANIFEST), f"lists {name!r}, which is not in {p}")
            found.extend((q, page_meta(q, manifest)) for q in entries)
        elif os.path.lexists(p) and not p.is_dir():
            found.append((p, page_meta(p, manifests.of(p.parent))))
        else:
            on_problem(str(p), "no such file or folder")
    found.sort(key=lambda item: (item[0].name, str(item[0])))
    return _one_per_name(found, on_problem)


class _Manifests:
    """Each folder's manifest, read once; a bad one is reported and counts as empty."""

    def __init__(self, on_problem: OnProblem) -> None:
        self._on_problem = on_problem
        self._read: dict[Path, dict[str, PageMeta]] = {}

    def of(self, folder: Path) -> dict[str, PageMeta]:
        if folder not in self._read:
            try:
                self._read[folder] = read_manifest(folder)
            except InputError as e:
                path = folder / MANIFEST
                self._on_problem(str(path), strip_path(str(e), path))
                self._read[folder] = {}
        return self._read[folder]


def _one_per_name(found: list[tuple[Path, PageMeta]], on_problem: OnProblem) -> list[PageJob]:
    """The pages whose name can be an output file's, the first of any two with one name."""
    pages: list[PageJob] = []
    stems: dict[str, Path] = {}
    for path, meta in found:
        stem = path.stem
        if stem in stems:
            if stems[stem] != path:
                on_problem(
                    str(path),
                    f"another page named {stem!r} is already in the build ({stems[stem]})",
                )
            continue
        if not stem or stem in (".", "..") or Path(stem).name != stem:
            on_problem(str(path), "name cannot be used for an output file")
            continue
        stems[stem] = path
        pages.append(PageJob(path=path, meta=meta))
    return pages


def read_text(path: Path, *, max_bytes: int, max_chars: int) -> tuple[bytes, str, str]:
    """A page file's bytes, its text and the text's encoding.

    Raises:
        InputError: the file cannot be read or decoded, or holds more than a page.
    """
    data = read_page_bytes(path, max_bytes=max_bytes)
    text, encoding = decode_page(data, path)
    if len(text) > max_chars:
        raise InputError(
            f"{path}: {len(text):,} characters is more than one page holds "
            f"(limit {max_chars:,}); split it into one file per page"
        )
    return data, text, encoding


def strip_path(message: str, path: Path) -> str:
    """``message`` without a leading ``"<path>: "`` (the report names the file)."""
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message

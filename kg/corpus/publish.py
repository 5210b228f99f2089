"""Publishing a build's files as one generation: a reader sees the old set or the new, never a mix.

A build writes every output into a staging folder, the report last. The
folder is then renamed into ``OUT/.kg-gen/<generation>`` (named by a digest
of its files, so the same input gives the same name and the same report),
and the symlink ``OUT/current`` is switched to it by one atomic rename.
The paths users know stay where they were: ``OUT/graph.ttl``,
``OUT/report.json``, ``OUT/pages`` … are symlinks to ``current/<name>``, so
a build killed at any moment leaves every one of them in the old generation
or every one in the new. Earlier generations are removed once the switch is
made.

An output folder written by an older kg (plain files) is converted on its
first rebuild. Where the platform cannot make symbolic links, the files are
moved into place one by one (the report last), as older kg did.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from kg.atomic import atomic_write_bytes
from kg.errors import ExportError

logger = logging.getLogger(__name__)

GENERATIONS_DIR = ".kg-gen"
CURRENT = "current"
PAGES_DIR = "pages"
REPORT_NAME = "report.json"
_LINK_TMP = ".kg-link-"


def current_generation(out_dir: Path) -> Path | None:
    """The generation folder ``OUT/current`` points to, or None."""
    link = out_dir / CURRENT
    if not link.is_symlink():
        return None
    target = out_dir / os.readlink(link)
    return target if target.is_dir() else None


def generation_name(staging: Path, page_digest: str) -> str:
    """A digest of the staged files but the report (whose page files are summed in ``page_digest``)."""
    digest = hashlib.blake2b(page_digest.encode("ascii"), digest_size=10)
    for path in sorted(p for p in staging.iterdir() if p.is_file() and p.name != REPORT_NAME):
        digest.update(os.fsencode(path.name) + b"\0")
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
        digest.update(b"\0")
    return f"g-{digest.hexdigest()}"


def stage_page_file(staging: Path, current: Path | None, stem: str, text: str) -> None:
    """Put ``pages/<stem>.json`` in the staging folder: linked from ``current`` when unchanged."""
    data = text.encode("utf-8")
    name = f"{stem}.json"
    target = staging / PAGES_DIR / name
    if current is not None:
        old = current / PAGES_DIR / name
        try:
            if old.stat().st_size == len(data) and old.read_bytes() == data:
                os.link(old, target)
                return
        except OSError:
            pass  # missing, changed, or no hard links here: write it
    atomic_write_bytes(target, data)


def remove_stale_generations(out_dir: Path) -> None:
    """Remove every generation but the current one (left by a build killed before its switch)."""
    folder = out_dir / GENERATIONS_DIR
    if not folder.is_dir():
        return
    current = current_generation(out_dir)
    for gen in sorted(folder.iterdir()):
        if current is None or gen.name != current.name:
            shutil.rmtree(gen, ignore_errors=True)


def publish(
    staging: Path, out_dir: Path, name: str, top_names: Iterable[str], known: Iterable[str]
) -> None:
    """Make ``staging`` the generation ``name`` and switch ``OUT/current`` (and the top links) to it.

    Args:
        staging: the folder holding every output, the report written last.
        out_dir: the output folder.
        name: the generation's name (``generation_name``).
        top_names: the names the output folder shows (graph files, report, pages).
        known: every name a build may show; one an earlier build showed and
            this one does not (a format no longer asked for) is removed.

    Raises:
        ExportError: ``OUT/current`` or a top name is something kg did not make.
    """
    top = sorted(set(top_names), key=lambda n: n == REPORT_NAME)  # the report last
    gens = out_dir / GENERATIONS_DIR
    gens.mkdir(exist_ok=True)
    target = gens / name
    current = current_generation(out_dir)
    if current is not None and current.name == name:  # the very same files: nothing to switch
        shutil.rmtree(staging)
    else:
        if target.exists():  # left by a build killed before its switch
            shutil.rmtree(target)
        os.rename(staging, target)
    _check_current(out_dir)
    old_layout = [n for n in top if _is_plain(out_dir / n)]
    for n in top:
        if n not in old_layout:
            _link(
                out_dir / n, f"{CURRENT}/{n}"
            )  # already there, or new (dangling until the switch)
    _link(out_dir / CURRENT, f"{GENERATIONS_DIR}/{name}")  # the switch
    for n in old_layout:  # an output folder written by an older kg: plain files become links
        _replace_plain(out_dir / n, f"{CURRENT}/{n}")
    for gone in sorted(set(known) - set(top)):  # a format an earlier build wrote, this one did not
        path = out_dir / gone
        if path.is_symlink() or path.is_file():
            path.unlink()
    remove_stale_generations(out_dir)


def can_link(out_dir: Path) -> bool:
    """Whether ``out_dir`` can hold symbolic links (not on Windows without the right)."""
    probe = out_dir / f"{_LINK_TMP}probe"
    try:
        probe.unlink(missing_ok=True)
        os.symlink(CURRENT, probe)
    except (OSError, NotImplementedError):
        return False
    probe.unlink()
    return True


def publish_in_place(
    staging: Path, out_dir: Path, top_names: Iterable[str], known: Iterable[str]
) -> None:
    """Move every staged file into ``out_dir`` (atomic renames, the report last), without links."""
    staged = sorted(p for p in staging.rglob("*") if p.is_file())
    staged.sort(key=lambda p: p.name == REPORT_NAME)
    pages = {p.name for p in (staging / PAGES_DIR).glob("*.json")}
    for src in staged:
        dest = out_dir / src.relative_to(staging)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)
    for old in sorted((out_dir / PAGES_DIR).glob("*.json")):
        if old.name not in pages:
            old.unlink()
    for gone in sorted(set(known) - set(top_names)):  # a format the last build wrote, not this one
        (out_dir / gone).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def _is_plain(path: Path) -> bool:
    return path.exists() and not path.is_symlink()


def _check_current(out_dir: Path) -> None:
    link = out_dir / CURRENT
    if os.path.lexists(link) and not link.is_symlink():
        raise ExportError(
            f"{link} is not the link kg keeps to the latest build's files; "
            "move it away, or build into another folder"
        )


def _link(path: Path, target: str) -> None:
    """Make ``path`` a symlink to ``target``, replacing an older link atomically."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    tmp = path.parent / f"{_LINK_TMP}{path.name}"
    if os.path.lexists(tmp):
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _replace_plain(path: Path, target: str) -> None:
    """Replace a plain file or folder an older kg wrote by a symlink to ``target``."""
    if path.is_dir():
        aside = path.parent / f"{_LINK_TMP}old-{path.name}"
        shutil.rmtree(aside, ignore_errors=True)
        os.rename(path, aside)
        _link(path, target)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        _link(path, target)

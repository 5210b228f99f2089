"""The Oxigraph store a build keeps (``kg build --store``), updated part by part.

The store records which parts it holds; a later build removes the quads of
the parts that went (no two parts share a quad) and adds those of the new
ones, so adding a page to a large corpus touches that page's quads and the
entity buckets it changed. A store with no record, one an interrupted sync
left, or one whose old parts are gone, is loaded again whole (bulk load).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.atomic import atomic_write_text
from kg.corpus.parts import Part, PartStore
from kg.errors import InputError

logger = logging.getLogger(__name__)

STORE_STAMP = "kg-parts.txt"  # in a store kept by the build: the parts it holds


class _ChunkStream(io.RawIOBase):
    """The N-Quads chunks of parts as one readable stream, for a bulk load."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def sync_store(folder: Path, parts: PartStore, digests: Sequence[str]) -> tuple[int, int]:
    """Make the Oxigraph store in ``folder`` hold exactly the quads of the parts ``digests``.

    The parts must hold N-Quads chunks.

    Returns:
        (parts removed, parts added).

    Raises:
        InputError: ``folder`` holds an Oxigraph store kg did not make.
    """
    stamp = folder / STORE_STAMP
    if (folder / "CURRENT").is_file() and not stamp.is_file():
        raise InputError(f"{folder} holds an Oxigraph store kg did not make; not changing it")
    folder.mkdir(parents=True, exist_ok=True)
    wanted = list(digests)
    held = _held_parts(stamp)
    held_set = set(held or ())
    gone = sorted(held_set - set(wanted)) if held is not None else []
    new = [d for d in wanted if d not in held_set]
    old_parts = [parts.get_part(d) for d in gone]
    whole = held is None or any(p is None or "nquads" not in p.chunks for p in old_parts)
    atomic_write_text(stamp, "interrupted\n")
    store = ox.Store(str(folder))
    try:
        if whole:
            gone, new = [], wanted
            store.clear()
            stream = io.BufferedReader(_ChunkStream(_nquads(parts, wanted)), buffer_size=1 << 20)
            store.bulk_load(input=stream, format=ox.RdfFormat.N_QUADS)
        else:
            _update(store, [p for p in old_parts if p is not None], _nquads(parts, new))
        store.flush()
    finally:
        del store  # closes the database before the stamp says it is complete
    atomic_write_text(stamp, "complete\n" + "\n".join(wanted) + "\n")
    return len(gone), len(new)


def _held_parts(stamp: Path) -> list[str] | None:
    """The parts a store's stamp says it holds; None when it has none or a sync was interrupted."""
    if not stamp.is_file():
        return None
    lines = stamp.read_text(encoding="utf-8").split()
    return lines[1:] if lines[:1] == ["complete"] else None


def _nquads(parts: PartStore, digests: Sequence[str]) -> Iterator[bytes]:
    """The N-Quads chunk of each part in ``digests``.

    Raises:
        InputError: a part is missing or has no N-Quads chunk.
    """
    for key in digests:
        part = parts.get_part(key)
        if part is None or "nquads" not in part.chunks:
            raise InputError(f"part {key} has no N-Quads chunk to load")
        yield part.chunks["nquads"]


def _update(store: ox.Store, old_parts: list[Part], new_chunks: Iterator[bytes]) -> None:
    """Remove the quads of the parts that went, then add those of the new ones."""
    for part in old_parts:
        for quad in ox.parse(part.chunks["nquads"], format=ox.RdfFormat.N_QUADS):
            store.remove(quad)
    for chunk in new_chunks:
        store.load(chunk, format=ox.RdfFormat.N_QUADS)

"""Where a built graph is: a graph file, an output folder holding one, or an Oxigraph store.

A store kg loads from a graph file records which file, as it was then
(``stamp_store``), so a later run reuses it while the file is unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

from kg.atomic import atomic_write_text
from kg.errors import InputError

# the graph files a `kg build` output folder may hold, in the order they are looked for
GRAPH_FILES = ("graph.ttl", "graph.nt", "graph.trig", "graph.nq")


def is_store_dir(path: Path) -> bool:
    """Whether ``path`` holds an Oxigraph (RocksDB) store."""
    return path.is_dir() and (path / "CURRENT").is_file()


def graph_file(source: str | Path, *, store_ok: bool = False) -> Path:
    """The RDF file ``source`` names, or the graph file in the output folder it names.

    Args:
        source: a graph file or an output folder.
        store_ok: the caller also takes a store folder (said so in the error).

    Raises:
        InputError: ``source`` does not exist or holds no graph file.
    """
    source = Path(source)
    if source.is_file():
        return source
    if source.is_dir():
        for name in GRAPH_FILES:
            if (source / name).is_file():
                return source / name
        why = " and is not an Oxigraph store" if store_ok else "; run `kg build` first"
        raise InputError(f"{source} holds none of {', '.join(GRAPH_FILES)}{why}")
    expected = (
        "a graph file, an output folder or a store folder"
        if store_ok
        else "a graph file or a `kg build` output folder"
    )
    raise InputError(f"{source} does not exist: expected {expected}")


STAMP_FILE = "kg-source.json"  # in a persisted store: which graph file it was loaded from
BUILD_STAMP = (
    "kg-parts.txt"  # in a store kg build keeps: "complete" and its parts (kg.corpus.store_sync)
)


def source_stamp(path: Path) -> dict[str, object]:
    """What identifies the content of a graph file cheaply: path, size and modification time."""
    st = path.stat()
    return {"path": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def store_is_current(store_dir: Path, path: Path) -> bool:
    """Whether the store in ``store_dir`` was loaded from ``path`` as it is now."""
    stamp = store_dir / STAMP_FILE
    if not (is_store_dir(store_dir) and stamp.is_file()):
        return False
    try:
        return bool(json.loads(stamp.read_text(encoding="utf-8")) == source_stamp(path))
    except (OSError, ValueError):
        return False


def stamp_store(store_dir: Path, path: Path) -> None:
    """Record in ``store_dir`` which graph file it holds."""
    atomic_write_text(store_dir / STAMP_FILE, json.dumps(source_stamp(path), sort_keys=True))

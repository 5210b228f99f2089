"""Content-addressed cache of per-page extraction results.

A page's result depends only on its bytes, its manifest row and the
pipeline (code and data files), so the key is a SHA-256 over those three.
Changing one page, its manifest row, kg's version, any file under
``kg/data`` or any module of ``kg`` gives a new key: a rebuild re-extracts
exactly the pages whose result could differ, then re-links and re-exports.

Entries are pickled ``PageResult``s written atomically, each sealed with its
key (``seal``): a checksum over the key and the pickle, checked before the
pickle is read. An entry that is damaged, edited, or another page's copied
over this one counts as a miss, with a warning, and the page is extracted
again. The cache folder is still trusted like the code itself (unpickling
runs code); do not point ``cache_dir`` at files from elsewhere.

``prune`` drops the entries no build of an output folder that shares the
cache still uses (``CacheUse``), so edited pages and kg upgrades leave
nothing behind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
import os
import pickle
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import kg
from kg.atomic import atomic_write_bytes
from kg.model import PageMeta, PageResult

logger = logging.getLogger(__name__)

CACHE_FORMAT = 2  # 2: entries sealed with their key
_SEAL = b"kg-sealed-1\0"
_SEAL_SIZE = len(_SEAL) + 32
USES_DIR = "uses"  # in the cache folder: which entries each output folder's last build used
STALE_TMP_SECONDS = 24 * 3600  # a temporary file this old was left by a killed build


# The modules a page's extraction runs (tests/test_cache.py checks the list against
# what importing them loads): a change to any of them, or to kg/data, gives every
# page a new key. Changing how the graph is built or written (build, parts, export)
# keeps the extraction cache and renews the graph's parts (``graph_version``).
# What a page's extraction runs: these top-level modules and every module of these
# packages (tests/test_cache.py checks that importing the stages loads nothing else);
# a change to any of them, or to kg/data, gives every page a new key. The graph's
# modules renew the graph's parts only (``graph_version``).
EXTRACTION_TOP = ("__init__", "atomic", "errors", "extract", "intervals", "model", "resources")
EXTRACTION_PACKAGES = ("lexicon", "link", "recognise", "relate", "text")
GRAPH_TOP = ("corpus/__init__", "corpus/parts", "export/__init__", "export/rdf", "link/registry")
GRAPH_PACKAGES = ("graph",)


def _files(root: Path, top: tuple[str, ...], packages: tuple[str, ...]) -> list[Path]:
    files = {root / f"{name}.py" for name in top}
    files |= {f for package in packages for f in (root / package).rglob("*.py")}
    return sorted(files)


def extraction_files(root: Path) -> list[Path]:
    """The source files of a page's extraction (the graph's reduce step left out)."""
    return [f for f in _files(root, EXTRACTION_TOP, EXTRACTION_PACKAGES) if f.name != "registry.py"]


def graph_files(root: Path) -> list[Path]:
    """The source files that turn results into quads and serialisations."""
    return _files(root, GRAPH_TOP, GRAPH_PACKAGES)


def _digest_files(files: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(f.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """A string that changes whenever kg's version, its extraction code or its data files change."""
    root = Path(kg.__file__).resolve().parent
    files = extraction_files(root)
    files += sorted(p for p in (root / "data").rglob("*") if p.is_file())
    return f"kg-{kg.__version__}-c{CACHE_FORMAT}-{_digest_files(files, root)}"


@lru_cache(maxsize=1)
def graph_version() -> str:
    """``pipeline_version`` plus the code that turns results into quads and serialisations."""
    root = Path(kg.__file__).resolve().parent
    files = graph_files(root)
    return f"{pipeline_version()}-g{_digest_files(files, root)}"


def page_key(data: bytes, meta: PageMeta, version: str | None = None) -> str:
    """The cache key of one page: its bytes, its manifest row and the pipeline."""
    digest = hashlib.sha256()
    digest.update((version or pipeline_version()).encode("utf-8") + b"\0")
    digest.update(json.dumps(dataclasses.asdict(meta), sort_keys=True).encode("utf-8") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def seal(key: str, payload: bytes) -> bytes:
    """``payload`` with a header binding it to ``key``: a checksum over both."""
    check = hashlib.blake2b(payload, key=_key_bytes(key), digest_size=32).digest()
    return _SEAL + check + payload


def unseal(key: str, data: bytes) -> bytes | None:
    """The payload ``seal(key, …)`` made, or None if ``data`` is damaged or sealed with another key."""
    if len(data) < _SEAL_SIZE or not data.startswith(_SEAL):
        return None
    payload = data[_SEAL_SIZE:]
    check = hashlib.blake2b(payload, key=_key_bytes(key), digest_size=32).digest()
    return payload if hmac.compare_digest(check, data[len(_SEAL) : _SEAL_SIZE]) else None


def _key_bytes(key: str) -> bytes:
    return hashlib.blake2b(
        key.encode("utf-8"), digest_size=32
    ).digest()  # blake2b keys: <= 64 bytes


class PageCache:
    """Per-page ``PageResult``s stored under a folder, one sealed pickle per key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def has(self, key: str) -> bool:
        """True when an entry for ``key`` exists (it may still turn out damaged)."""
        return self._path(key).is_file()

    def get(self, key: str) -> PageResult | None:
        """The cached result for ``key``, or None (missing, damaged or not this key's entry)."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        result = _unpickle(unseal(key, data), path)
        if not isinstance(result, PageResult):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: PageResult) -> None:
        """Store ``result`` under ``key`` (atomically)."""
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write_bytes(self._path(key), seal(key, data))

    def prune(self, keep: set[str]) -> int:
        """Delete entries whose key is not in ``keep``, and old temporary files; the number deleted."""
        removed = 0
        for path in sorted(self.folder.glob("*/*.pickle")):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        old = time.time() - STALE_TMP_SECONDS
        for path in sorted(self.folder.glob("*/.*.tmp")):  # left by a build killed while writing
            try:
                if path.stat().st_mtime < old:
                    path.unlink()
            except FileNotFoundError:
                pass
        return removed


def _unpickle(payload: bytes | None, path: Path) -> object | None:
    """The object in a cache entry's payload; None, with a warning, when damaged."""
    if payload is None:
        logger.warning(
            "cache entry %s is damaged or not this page's (its seal does not match); "
            "extracting the page again",
            path,
        )
        return None
    try:
        return pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError) as e:
        logger.warning("cache entry %s cannot be read (%s); extracting again", path, e)
        return None


class CacheUse:
    """Which cache entries each output folder sharing a cache folder used in its last build.

    One small file per output folder under ``<cache>/uses``; the entries to
    keep are those any output folder that still exists used last.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder / USES_DIR

    def _path(self, out_dir: Path) -> Path:
        name = hashlib.sha256(os.fsencode(os.path.realpath(out_dir))).hexdigest()[:24]
        return self.folder / f"{name}.json"

    def record(self, out_dir: Path, pages: Iterable[str], parts: Iterable[str]) -> None:
        """Record what the build of ``out_dir`` used: page cache keys and part digests."""
        doc = {"out": os.path.realpath(out_dir), "pages": sorted(pages), "parts": sorted(parts)}
        atomic_write_bytes(self._path(out_dir), json.dumps(doc).encode("ascii"))  # \u-escaped

    def kept(self) -> tuple[set[str], set[str]]:
        """The page keys and part digests some existing output folder used last."""
        pages: set[str] = set()
        parts: set[str] = set()
        for path in sorted(self.folder.glob("*.json")):
            try:
                doc = json.loads(path.read_bytes())
                out = Path(doc["out"])
                used_pages, used_parts = set(doc["pages"]), set(doc["parts"])
            except (OSError, ValueError, KeyError, TypeError) as e:
                logger.warning("%s cannot be read (%s); removing it", path, e)
                path.unlink(missing_ok=True)
                continue
            if not out.is_dir():  # that output folder is gone: its entries may go too
                path.unlink(missing_ok=True)
                continue
            pages |= used_pages
            parts |= used_parts
        return pages, parts

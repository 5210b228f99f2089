"""Content-addressed cache of per-page extraction results.

A page's result depends only on its bytes, its manifest row and the
pipeline (code and data files), so the key is a SHA-256 over those three.
Changing one page, its manifest row, kg's version, any file under
``kg/data`` or any module of ``kg`` gives a new key: a rebuild re-extracts
exactly the pages whose result could differ, then re-links and re-exports.

Entries are pickled ``PageResult``s written atomically. The cache folder is
trusted like the code itself (unpickling runs code); do not point
``cache_dir`` at files from elsewhere. A damaged entry counts as a miss.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import pickle
from functools import lru_cache
from pathlib import Path

import kg
from kg.atomic import atomic_write_bytes
from kg.model import PageMeta, PageResult

logger = logging.getLogger(__name__)

CACHE_FORMAT = 1


# The modules a page's extraction runs (tests/test_cache.py checks the list against
# what importing them loads): a change to any of them, or to kg/data, gives every
# page a new key. Changing how the graph is built or written (build, parts, export)
# keeps the extraction cache and renews the graph's parts (``graph_version``).
EXTRACTION_MODULES = (
    "__init__", "atomic", "errors", "extract", "model", "resources",
    "lexicon", "lexicon.gazetteer", "lexicon.place_rows", "lexicon.tables",
    "link", "link.bare", "link.credits", "link.lexicon", "link.moves", "link.names",
    "link.org_merges", "link.orgs", "link.page", "link.people", "link.place_mentions",
    "link.places", "link.posts", "link.scope", "link.spans", "link.state", "link.term_merges",
    "link.terms",
    "recognise", "recognise.component", "recognise.matching", "recognise.org_names",
    "recognise.orgs", "recognise.persons", "recognise.pipeline", "recognise.places",
    "recognise.quotes", "recognise.spans", "recognise.term_lexicon", "recognise.term_text",
    "recognise.terms", "recognise.unquoted",
    "relate", "relate.credits", "relate.evidence", "relate.facts", "relate.lexicon",
    "relate.page", "relate.posts", "relate.structure", "relate.subjects", "relate.terms",
    "relate.view",
    "text", "text.bylines", "text.chars", "text.clean", "text.furniture", "text.heads",
    "text.lines", "text.pairing", "text.paragraphs", "text.read", "text.split", "text.tables",
    "text.traced",
)  # fmt: skip
GRAPH_MODULES = (
    "corpus", "corpus.parts", "export", "export.rdf",
    "graph", "graph.namespaces", "graph.oxigraph", "graph.quads", "graph.rdf", "graph.terms",
    "graph.view",
    "link.registry",
)  # fmt: skip


def _module_file(root: Path, name: str) -> Path:
    """The source file of module ``kg.<name>`` (a package's ``__init__.py``)."""
    path = root / name.replace(".", "/")
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


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
    files = [_module_file(root, m) for m in EXTRACTION_MODULES]
    files += sorted(p for p in (root / "data").rglob("*") if p.is_file())
    return f"kg-{kg.__version__}-c{CACHE_FORMAT}-{_digest_files(files, root)}"


@lru_cache(maxsize=1)
def graph_version() -> str:
    """``pipeline_version`` plus the code that turns results into quads and serialisations."""
    root = Path(kg.__file__).resolve().parent
    files = [_module_file(root, m) for m in GRAPH_MODULES]
    return f"{pipeline_version()}-g{_digest_files(files, root)}"


def page_key(data: bytes, meta: PageMeta, version: str | None = None) -> str:
    """The cache key of one page: its bytes, its manifest row and the pipeline."""
    digest = hashlib.sha256()
    digest.update((version or pipeline_version()).encode("utf-8") + b"\0")
    digest.update(json.dumps(dataclasses.asdict(meta), sort_keys=True).encode("utf-8") + b"\0")
    digest.update(data)
    return digest.hexdigest()


class PageCache:
    """Per-page ``PageResult``s stored under a folder, one pickle per key."""

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
        """The cached result for ``key``, or None (missing or damaged entry)."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        try:
            result = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError) as e:
            logger.warning("cache entry %s is damaged (%s); extracting again", path, e)
            self.misses += 1
            return None
        if not isinstance(result, PageResult):
            logger.warning("cache entry %s holds a %s; extracting again", path, type(result))
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: PageResult) -> None:
        """Store ``result`` under ``key`` (atomically)."""
        atomic_write_bytes(self._path(key), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))

    def prune(self, keep: set[str]) -> int:
        """Delete entries whose key is not in ``keep``; the number deleted."""
        removed = 0
        for path in sorted(self.folder.glob("*/*.pickle")):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

"""The graph in parts, kept between builds, so that a rebuild redoes only what changed.

A corpus's quads are those of its newspapers, its entities and its pages
(``kg.graph.rdf.page_quads``: no two pages give the same quad). Each is made
into a *part*: one per page, one per bucket of entities (their type and the
first character of their name), one for the newspapers. A part is named by
a digest of everything its quads depend on: for a page, its cache key (its
bytes, manifest row and kg's code) and the corpus keys its mentions and facts
link to; for a bucket, its merged entities. Parts are stored, serialised in
every format the build writes (``kg.export.rdf.serialize_chunk``) together
with the few triples of the networkx view, in one SQLite file beside the page
cache.

A build works out every part's digest (no quads needed), makes the parts the
store lacks, and writes each file by joining the parts in a fixed order
(``kg.export.rdf.write_chunks``). After one page is added to a large corpus
a rebuild serialises that page and the entity buckets it touched and copies
the rest. The same corpus gives the same parts whatever the build history,
so the files are byte-identical to a clean build's.

The store also keeps, per page cache key, what linking needs from a page
(its entities and the keys it names) and its page file (the gold-format
JSON), so a rebuild reads no extraction result of an unchanged page.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.corpus.cache import seal, unseal
from kg.errors import ExportError
from kg.export.rdf import RDF_FORMATS, serialize_chunk
from kg.graph.rdf import (
    Key,
    Quad,
    entity_quads,
    newspaper_quads,
    page_quads,
    paused_gc,
    quads_rdf,
)
from kg.link.registry import Registry
from kg.model import Entity, PageMeta, PageResult

logger = logging.getLogger(__name__)

PART_FORMAT = 3  # change when a part's layout or contents change (3: sealed entries)
STORE_NAME = "parts.sqlite"
SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26  # sqlite3.h result codes

ViewTriple = tuple[str, str, str]  # kg.graph.rdf.ViewIndex.kept


@dataclass
class Part:
    """One part of the graph: its body in each format, its view triples, counts."""

    chunks: dict[str, bytes]
    view: list[ViewTriple]
    quads: int
    facts: int = 0


@dataclass
class PageLinks:
    """What a build needs of an extracted page without reading its result again."""

    entities: list[Entity]
    keys: frozenset[Key]  # entity keys its facts and mentions name
    page_json: str  # the page file (gold format), written to pages/
    counts: dict[str, int] = field(default_factory=dict)  # articles, entities, facts
    meta: PageMeta | None = None  # as extraction completed it (furniture, home place)


def digest(*values: object) -> str:
    """A stable digest of plain values (str, int, bool, None, tuples of them)."""
    return hashlib.blake2b(repr(values).encode("utf-8"), digest_size=20).hexdigest()


def entity_bucket(key: Key) -> str:
    """The part an entity's triples go to: its type and the first character of its name."""
    return f"entities/{key[0]}/{key[1][:1]}"


def entity_buckets(registry: Registry) -> dict[str, list[Entity]]:
    """The corpus's entities by part, each list in key order."""
    buckets: dict[str, list[Entity]] = defaultdict(list)
    for key, ent in registry.entities.items():  # in key order
        buckets[entity_bucket(key)].append(ent)
    return dict(sorted(buckets.items()))


def _entity_signature(ent: Entity, known: frozenset[Key] | dict[Key, Entity]) -> tuple:
    return (
        ent.type, ent.canonical, tuple(sorted(ent.mentions)), ent.parent,
        ent.parent is not None and ("PLACE", ent.parent) in known,
        ent.level, ent.code, ent.kind, ent.core, ent.pseudonym,
    )  # fmt: skip


@dataclass(frozen=True)
class Digests:
    """The digests of a build's parts: each holds the graph code's version and the formats."""

    version: str  # kg.corpus.cache.graph_version()
    formats: tuple[str, ...]

    def _of(self, *values: object) -> str:
        return digest(PART_FORMAT, self.version, self.formats, *values)

    def page(self, cache_key: str, meta: PageMeta, keys: Iterable[Key], registry: Registry) -> str:
        """A page's part: its content key and where each key it names now links."""
        known = registry.entities
        linked = tuple(sorted((k, t, t in known) for k in keys for t in (registry.final(k),)))
        home = bool(meta.home_place) and ("PLACE", meta.home_place) in known
        return self._of("page", cache_key, linked, home)

    def bucket(self, name: str, entities: list[Entity], registry: Registry) -> str:
        """One bucket of entities."""
        return self._of(name, tuple(_entity_signature(e, registry.entities) for e in entities))

    def newspapers(self, names: Sequence[str]) -> str:
        """The newspapers' part."""
        return self._of("newspapers", tuple(names))


def make_part(quads: Iterable[Quad], formats: Sequence[str], *, facts: int = 0) -> Part:
    """Serialise ``quads`` in each RDF format of ``formats`` and keep their view triples."""
    with paused_gc():
        rdf = quads_rdf(quads, keep_view=True)
        chunks = {fmt: serialize_chunk(rdf, fmt) for fmt in formats if fmt in RDF_FORMATS}
    return Part(chunks=chunks, view=rdf.view.kept or [], quads=len(rdf.quads), facts=facts)


def page_part(result: PageResult, registry: Registry, formats: Sequence[str]) -> Part:
    """The part of one page: its page and article nodes, its facts and its mentions."""
    facts, mentions = registry.page(result)
    known = registry.entities.keys()
    quads = page_quads(result.meta, result.articles, facts, mentions, known)
    return make_part(quads, formats, facts=len(facts))


def bucket_part(entities: list[Entity], registry: Registry, formats: Sequence[str]) -> Part:
    """The part of one bucket of entities."""
    return make_part(entity_quads(entities, registry.entities.keys()), formats)


def newspapers_part(names: Sequence[str], formats: Sequence[str]) -> Part:
    """The part of the newspapers."""
    return make_part(newspaper_quads(names), formats)


class PartStore:
    """Parts by digest and page links by cache key, in one SQLite file.

    Entries are pickles sealed with their table and key (``kg.corpus.cache.seal``),
    trusted like the page cache: an entry that is damaged, edited or copied
    from another row reads as missing, with a warning, and is made again. A
    file that is not a sound SQLite database (truncated, a bad header) is
    dropped and started again empty when the store is opened, with a warning.
    Any other failure to write (a full disk) is an ``ExportError``.
    """

    def __init__(self, path: Path, *, repair: bool = True) -> None:
        """Open (or create) the store at ``path``; ``repair``: check it, and start a damaged one again."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            self._db = self._connect(check=repair)
        except sqlite3.DatabaseError as e:
            if not (repair and _is_damage(e)):
                raise ExportError(f"cannot open the part store {path}: {e}") from e
            logger.warning(
                "%s is damaged (%s); starting it again empty: the graph's parts are made again",
                path, e,
            )  # fmt: skip
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            self._db = self._connect(check=False)

    def _connect(self, *, check: bool) -> sqlite3.Connection:
        # Each write commits at once (autocommit): several workers write parts at once,
        # and a transaction held open by one would stall the others.
        db = sqlite3.connect(str(self.path), timeout=600, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if check:
                verdict = db.execute("PRAGMA quick_check").fetchone()
                if verdict != ("ok",):
                    raise sqlite3.DatabaseError(f"integrity check: {verdict}")
            for table in _SQL:
                db.execute(_SQL[table]["create"])
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        """Close the file (every write is already committed)."""
        self._db.close()

    def __enter__(self) -> PartStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, table: str, key: str) -> object | None:
        try:
            row = self._db.execute(_SQL[table]["get"], (key,)).fetchone()
        except sqlite3.DatabaseError as e:
            if not _is_damage(e):
                raise ExportError(f"cannot read the part store {self.path}: {e}") from e
            logger.warning(
                "%s: cannot read %s entry %s (%s); making it again", self.path, table, key, e
            )
            return None
        if row is None:
            return None
        payload = unseal(f"{table}:{key}", row[0])
        if payload is None:
            logger.warning(
                "%s: %s entry %s is damaged or not this key's; making it again",
                self.path,
                table,
                key,
            )
            return None
        try:
            return pickle.loads(payload)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError) as e:
            logger.warning(
                "%s: %s entry %s cannot be read (%s); making it again", self.path, table, key, e
            )
            return None

    def _put(self, table: str, key: str, value: object) -> None:
        data = seal(f"{table}:{key}", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        try:
            self._db.execute(_SQL[table]["put"], (key, data))
        except sqlite3.Error as e:
            raise ExportError(f"cannot write the part store {self.path}: {e}") from e

    def has_part(self, key: str) -> bool:
        """Whether a part with digest ``key`` is stored (it may still turn out damaged)."""
        try:
            return self._db.execute(_SQL["parts"]["has"], (key,)).fetchone() is not None
        except sqlite3.DatabaseError as e:
            if not _is_damage(e):
                raise ExportError(f"cannot read the part store {self.path}: {e}") from e
            return False

    def get_part(self, key: str) -> Part | None:
        """The part with digest ``key``, or None."""
        part = self._get("parts", key)
        view = self.get_view(key)
        if not isinstance(part, Part) or view is None:
            return None
        return replace(part, view=view)

    def get_view(self, key: str) -> list[ViewTriple] | None:
        """The view triples of the part with digest ``key``, or None."""
        view = self._get("views", key)
        return view if isinstance(view, list) else None

    def put_part(self, key: str, part: Part) -> None:
        """Store ``part`` under its digest."""
        self._put("parts", key, replace(part, view=[]))
        self._put("views", key, part.view)

    def get_links(self, key: str) -> PageLinks | None:
        """The links of the page with cache key ``key``, or None."""
        links = self._get("links", key)
        return links if isinstance(links, PageLinks) else None

    def put_links(self, key: str, links: PageLinks) -> None:
        """Store a page's links under its cache key."""
        self._put("links", key, links)

    def prune(self, parts: set[str], links: set[str]) -> int:
        """Delete the parts and links not in ``parts`` and ``links``; the number deleted."""
        removed = 0
        try:
            for table, keep in (("parts", parts), ("views", parts), ("links", links)):
                stale = [(k,) for (k,) in self._db.execute(_SQL[table]["keys"]) if k not in keep]
                self._db.executemany(_SQL[table]["delete"], stale)
                removed += len(stale) if table != "views" else 0
        except sqlite3.Error as e:
            raise ExportError(f"cannot prune the part store {self.path}: {e}") from e
        return removed


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    """Whether ``error`` says the file is damaged (not a database, malformed), not busy or full."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)
    return not isinstance(error, sqlite3.OperationalError)


# A part's view triples are kept apart from its chunks: the HTML page's second pass
# reads only these.
_SQL = {
    table: {
        "create": f"CREATE TABLE IF NOT EXISTS {table} ({column} TEXT PRIMARY KEY, data BLOB)",
        "has": f"SELECT 1 FROM {table} WHERE {column} = ?",
        "get": f"SELECT data FROM {table} WHERE {column} = ?",
        "put": f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",
        "keys": f"SELECT {column} FROM {table}",
        "delete": f"DELETE FROM {table} WHERE {column} = ?",
    }
    for table, column in (("parts", "digest"), ("views", "digest"), ("links", "key"))
}

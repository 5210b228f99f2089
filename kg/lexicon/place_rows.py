"""The gazetteer's rows: read from kg's place tables, or from their cached parse.

The table is ``kg/data/places/china_location.csv.gz`` (five levels, from
jionlp; see ``scripts/build_gazetteer.py``) plus ``places/world.csv`` (foreign
countries and their main cities, also from jionlp; see ``scripts/build_world.py``)
and ``places/extra.csv`` (divisions set up after jionlp's snapshot).
Levels, their ranks and the type suffixes a name may drop are those of
``places/levels.csv`` and ``places/words.csv``. The parsed rows are cached
(marshal) next to the pkuseg model; a change to any of these files rebuilds them.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import mmap
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from kg.lexicon import tables
from kg.resources import cache_dir, data_path, keep

logger = logging.getLogger(__name__)

LEVELS = tuple(p.level for p in tables.place_levels() if p.gazetteer)
RANK = {p.level: p.rank for p in tables.place_levels() if p.gazetteer}
# Type suffixes a town or village name may drop in running text (龙头山镇 → 龙头山).
TOWN_SUFFIXES = tables.words("places/words.csv", "strip_town")
VILLAGE_SUFFIXES = tables.words("places/words.csv", "strip_village")
# 凉山彝族自治州 → 凉山州: the usual name of an autonomous division takes the plain suffix
AUTONOMOUS_SUFFIXES = tuple((w.word, w.plain) for w in tables.place_words("level") if w.plain)

MAIN_TABLE = "places/china_location.csv.gz"
WORLD_TABLE = "places/world.csv"
EXTRA_TABLE = "places/extra.csv"
# the parsed gazetteer is cached; a change to any of these files rebuilds it
SOURCES = (MAIN_TABLE, WORLD_TABLE, EXTRA_TABLE, "places/levels.csv", "places/words.csv")
CACHE_VERSION = "5"


def strip_suffix(name: str, level: str) -> str | None:
    """The bare form of a town or village name (龙头山镇 → 龙头山), if it has one."""
    suffixes = TOWN_SUFFIXES if level == "town" else VILLAGE_SUFFIXES if level == "village" else ()
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@dataclass
class PlaceRows:
    """The gazetteer column by column; row ``uid`` is one place (the cache holds these, in order)."""

    name: list[str] = field(default_factory=list)  # full name: 永善县
    level: list[int] = field(default_factory=list)  # rank of the level; -1 when retired
    code: list[str] = field(default_factory=list)  # GB/T 2260 code, or ""
    short: list[str] = field(default_factory=list)  # official short form, or ""
    parent: list[int] = field(default_factory=list)  # row of the direct parent, or -1
    by_name: dict[str, list[int]] = field(default_factory=dict)  # full name -> rows
    by_short: dict[str, list[int]] = field(default_factory=dict)  # short form -> rows
    # another full name of a row (中华人民共和国 → 中国), indexed with the names
    aliases: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_tables(cls) -> PlaceRows:
        """Parse kg's place tables.

        Raises:
            ModelError: a table is missing or malformed.
        """
        rows = cls()
        rows._read_main()
        rows._read_world()
        rows._read_extra()
        rows._index()
        return rows

    def _add(self, level: int, name: str, code: str, short: str, parent: int) -> int:
        self.name.append(name)
        self.level.append(level)
        self.code.append(code)
        self.short.append(short)
        self.parent.append(parent)
        return len(self.name) - 1

    def _read_main(self) -> None:
        table = tables.read_table(MAIN_TABLE)
        columns = [table.index(c) for c in ("level", "name", "code", "short")]
        china = self._add(RANK["country"], "中国", "", "", -1)
        stack = [(0, china)]  # (rank, uid) of the open ancestors
        for i, row in enumerate(table.rows):
            level, name, code, short = (row[k] for k in columns)
            rank = RANK.get(level)
            if rank is None:
                raise table.error(i, f"unknown level {level!r}; expected one of {LEVELS}")
            while stack[-1][0] >= rank:
                stack.pop()
            uid = self._add(rank, name, code, short, stack[-1][1])
            stack.append((rank, uid))

    def _read_world(self) -> None:
        """Add ``places/world.csv``: foreign countries (aliases too) and their main cities."""
        table = tables.load_table(WORLD_TABLE)
        countries = {self.name[0]: 0}  # the root row is 中国
        for i, row in enumerate(table.records("level", "name", "alias", "country")):
            level, name = row["level"], row["name"]
            if level == "country":
                if name not in countries:
                    countries[name] = self._add(RANK["country"], name, "", "", -1)
                uid = countries[name]
            elif level == "city" and row["country"] in countries:
                uid = self._add(RANK["city"], name, "", "", countries[row["country"]])
            else:
                expected = "a country, or a city after its country"
                raise table.error(i, f"{level} {name!r}: expected {expected}")
            if row["alias"]:
                self.aliases.setdefault(row["alias"], []).append(uid)

    def _read_extra(self) -> None:
        """Add ``places/extra.csv``: ``level name code short parent-path replaces``."""
        table = tables.load_table(EXTRA_TABLE)
        self._index()
        for i, row in enumerate(
            table.records("level", "name", "code", "short", "parent", "replaces")
        ):
            level, name, parent_path = row["level"], row["name"], row["parent"]
            if level not in RANK:
                raise table.error(i, f"unknown level {level!r}; expected one of {LEVELS}")
            parent = self._find_path(parent_path) if parent_path else -1
            if parent_path and parent < 0:
                raise table.error(i, f"parent {parent_path!r} of {name!r} is not in the gazetteer")
            uid = self._add(RANK[level], name, row["code"], row["short"], parent)
            if row["replaces"]:
                self._retire(row["replaces"], parent, uid)
            self.by_name.setdefault(name, []).append(uid)

    def _retire(self, old_name: str, parent: int, successor: int) -> None:
        """Retire the division ``old_name`` under ``parent``; its children move to ``successor``."""
        for u in [u for u in self.by_name.get(old_name, []) if self.parent[u] == parent]:
            rank = self.level[u]
            self.level[u] = -1  # retired: no longer looked up
            child = u + 1  # rows are depth-first: descendants follow
            while child < len(self.level) and self.level[child] > rank:
                if self.parent[child] == u:
                    self.parent[child] = successor
                child += 1

    def _find_path(self, path: str) -> int:
        """The uid of ``中国/云南省/昭通市``-style path, or -1."""
        parent = -1
        for part in path.split("/"):
            options = [
                u for u in self.by_name.get(part, []) if parent < 0 or self.parent[u] == parent
            ]
            if not options:
                return -1
            parent = options[0]
        return parent

    def _index(self) -> None:
        by_name: dict[str, list[int]] = {}
        by_short: dict[str, list[int]] = {}
        town, village = RANK["town"], RANK["village"]
        for uid, (name, rank, short) in enumerate(
            zip(self.name, self.level, self.short, strict=True)
        ):
            if rank < 0:
                continue
            by_name.setdefault(name, []).append(uid)
            if rank >= village:
                continue  # village short forms are looked up on demand
            if short and short != name:
                by_short.setdefault(short, []).append(uid)
                for suffix, plain in AUTONOMOUS_SUFFIXES:
                    if name.endswith(suffix) and not short.endswith(plain):
                        # 凉山彝族自治州 → 凉山州, 威宁彝族回族苗族自治县 → 威宁县
                        by_short.setdefault(short + plain, []).append(uid)
            elif rank == town:
                bare = strip_suffix(name, "town")
                if bare:
                    by_short.setdefault(bare, []).append(uid)
        for alias, uids in self.aliases.items():
            by_name.setdefault(alias, []).extend(uids)
        self.by_name, self.by_short = by_name, by_short


# -- the parsed rows are cached (marshal) next to the pkuseg model ---------------------------


def cache_file() -> Path:
    """The cache of the rows parsed from the current tables."""
    stamp = hashlib.sha1(CACHE_VERSION.encode())
    for name in SOURCES:
        st = data_path(name).stat()
        stamp.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return cache_dir() / f"gazetteer-{stamp.hexdigest()[:16]}.marshal"


Uids = int | tuple[int, ...]  # the rows of one name: most names have one


@dataclass(frozen=True)
class CompactRows:
    """The rows as the gazetteer holds them: 50 MB less than lists of Python ints.

    Levels and parents are machine arrays; codes and short forms, which few
    rows have, are kept by row; a name of one row maps to that row alone.
    """

    name: list[str]
    level: array  # signed byte per row
    parent: array  # int32 per row
    code: dict[int, str]
    short: dict[int, str]
    by_name: dict[str, Uids]
    by_short: dict[str, Uids]
    aliases: list[str]  # the names in ``by_name`` that are no row's own (中华人民共和国)

    @classmethod
    def of(cls, rows: PlaceRows) -> CompactRows:
        def index(by: dict[str, list[int]]) -> dict[str, Uids]:
            return {k: v[0] if len(v) == 1 else tuple(v) for k, v in by.items()}

        return cls(
            name=rows.name,
            level=array("b", rows.level),
            parent=array("i", rows.parent),
            code={u: c for u, c in enumerate(rows.code) if c},
            short={u: s for u, s in enumerate(rows.short) if s},
            by_name=index(rows.by_name),
            by_short=index(rows.by_short),
            aliases=sorted(rows.aliases),
        )

    def dumps(self) -> bytes:
        """The rows as marshal bytes (arrays as their machine bytes)."""
        level, parent = self.level.tobytes(), self.parent.tobytes()
        return marshal.dumps(
            (
                self.name,
                level,
                parent,
                self.code,
                self.short,
                self.by_name,
                self.by_short,
                self.aliases,
            )
        )

    @classmethod
    def loads(cls, data: bytes | mmap.mmap) -> CompactRows:
        """What ``dumps`` wrote.

        Raises:
            ValueError: ``data`` is not rows ``dumps`` wrote.
        """
        parts = marshal.loads(data)
        if not isinstance(parts, tuple) or len(parts) != len(fields(cls)):
            raise ValueError("rows of another layout")
        name, level, parent, code, short, by_name, by_short, aliases = parts
        level_a, parent_a = array("b"), array("i")
        level_a.frombytes(level)
        parent_a.frombytes(parent)
        if not len(name) == len(level_a) == len(parent_a):
            raise ValueError("columns of different lengths")
        return cls(name, level_a, parent_a, code, short, by_name, by_short, aliases)


def uids_of(index: Mapping[str, Uids], name: str) -> tuple[int, ...]:
    """The rows ``index`` (``by_name`` or ``by_short``) gives for ``name``."""
    found = index.get(name)
    return () if found is None else (found,) if isinstance(found, int) else found


def read_cache() -> CompactRows | None:
    """The cached rows, or None when there are none or they cannot be read."""
    try:
        path = cache_file()
        if not path.is_file():
            return None
        with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return CompactRows.loads(data)  # mapped, not copied: its pages go when it is read
    except (OSError, ValueError, EOFError, TypeError) as e:
        logger.warning("gazetteer cache unreadable or of another layout, rebuilding: %s", e)
        return None


def write_cache(rows: CompactRows) -> None:
    """Cache ``rows`` for the next process (a failure only costs the next one a parse)."""
    try:
        path = cache_file()
    except OSError as e:  # a table file went missing
        logger.warning("cannot cache the gazetteer (%s); it will be parsed again next time", e)
        return
    keep(path, rows.dumps(), "the gazetteer")


def load_rows() -> CompactRows:
    """The rows of kg's place tables: from the cache, or parsed (and then cached).

    Raises:
        ModelError: a table is missing or malformed.
    """
    rows = read_cache()
    if rows is None:
        rows = CompactRows.of(PlaceRows.from_tables())
        write_cache(rows)
    return rows

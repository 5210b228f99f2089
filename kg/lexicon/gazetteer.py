"""Chinese administrative divisions: names, levels, GB/T 2260 codes, parents.

The table is ``kg/data/places/china_location.csv.gz`` (five levels, from
jionlp; see ``scripts/build_gazetteer.py``) plus ``places/extra.csv``: the
country, foreign countries, and divisions set up after jionlp's snapshot.
Levels, their ranks and the type suffixes a name may drop are those of
``places/levels.csv`` and ``places/words.csv``.
Loading takes well under a second and is done once per process.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import threading
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from kg.lexicon import tables
from kg.resources import cache_dir, data_path

logger = logging.getLogger(__name__)

LEVELS = tuple(p.level for p in tables.place_levels() if p.gazetteer)
RANK = {p.level: p.rank for p in tables.place_levels() if p.gazetteer}
# Type suffixes a town or village name may drop in running text (龙头山镇 → 龙头山).
TOWN_SUFFIXES = tables.words("places/words.csv", "strip_town")
VILLAGE_SUFFIXES = tables.words("places/words.csv", "strip_village")
# 凉山彝族自治州 → 凉山州: the usual name of an autonomous division takes the plain suffix
AUTONOMOUS_SUFFIXES = tuple((w.word, w.plain) for w in tables.place_words("level") if w.plain)

MAIN_TABLE = "places/china_location.csv.gz"
EXTRA_TABLE = "places/extra.csv"
# the parsed gazetteer is cached; a change to any of these files rebuilds it
SOURCES = (MAIN_TABLE, EXTRA_TABLE, "places/levels.csv", "places/words.csv")
CACHE_VERSION = "2"
# the parsed table as the cache holds it: these attributes, in this order
CACHED_COLUMNS = ("_name", "_level", "_code", "_short", "_parent", "_by_name", "_by_short")
_lock = threading.Lock()
_loaded: Gazetteer | None = None


@dataclass(frozen=True)
class Place:
    """One administrative division (or named locality) of the gazetteer."""

    name: str  # full name with its type suffix: 永善县, 溪洛渡街道
    level: str  # country, province, city, county, town, village, area
    code: str | None  # GB/T 2260 code where known
    parent: str | None  # full name of the direct parent
    short: str | None = None  # the short form used in text: 永善, 昭通
    uid: int = -1  # row of the gazetteer (names are not unique)


def strip_suffix(name: str, level: str) -> str | None:
    """The bare form of a town or village name (龙头山镇 → 龙头山), if it has one."""
    suffixes = TOWN_SUFFIXES if level == "town" else VILLAGE_SUFFIXES if level == "village" else ()
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


class Gazetteer:
    """Look places up by full or short name, resolving ambiguity by context."""

    def __init__(self) -> None:
        self._name: list[str] = []
        self._level: list[int] = []
        self._code: list[str] = []
        self._short: list[str] = []
        self._parent: list[int] = []
        self._by_name: dict[str, list[int]] = {}
        self._by_short: dict[str, list[int]] = {}
        self._places: dict[int, Place] = {}

    @classmethod
    def load(cls) -> Gazetteer:
        """The shared gazetteer, read from ``kg/data/gazetteer`` on first use.

        Raises:
            ModelError: a gazetteer file is missing or malformed.
        """
        global _loaded
        with _lock:
            if _loaded is None:
                gaz = cls()
                if not gaz._read_cache():
                    gaz._read_main()
                    gaz._read_extra()
                    gaz._index()
                    gaz._write_cache()
                _loaded = gaz
                logger.info("gazetteer: %d places", len(gaz._name))
        return _loaded

    # -- the parsed table is cached (marshal) next to the pkuseg model ----------

    @staticmethod
    def _cache_file() -> Path:
        stamp = hashlib.sha1(CACHE_VERSION.encode())
        for name in SOURCES:
            st = data_path(name).stat()
            stamp.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode())
        return cache_dir() / f"gazetteer-{stamp.hexdigest()[:16]}.marshal"

    def _columns(self) -> tuple:
        return tuple(getattr(self, column) for column in CACHED_COLUMNS)

    def _read_cache(self) -> bool:
        try:
            path = self._cache_file()
            if not path.is_file():
                return False
            data = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError) as e:
            logger.warning("gazetteer cache unreadable, rebuilding: %s", e)
            return False
        if not isinstance(data, tuple) or len(data) != len(CACHED_COLUMNS):
            logger.warning("gazetteer cache of another layout, rebuilding")
            return False
        for column, value in zip(CACHED_COLUMNS, data, strict=True):
            setattr(self, column, value)
        return True

    def _write_cache(self) -> None:
        try:
            path = self._cache_file()
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps(self._columns()))
            os.replace(tmp, path)
        except OSError as e:
            logger.warning("cannot cache the gazetteer (%s); it will be parsed again next time", e)

    # -- reading ---------------------------------------------------------------

    def _add(self, level: int, name: str, code: str, short: str, parent: int) -> int:
        self._name.append(name)
        self._level.append(level)
        self._code.append(code)
        self._short.append(short)
        self._parent.append(parent)
        return len(self._name) - 1

    def _read_main(self) -> None:
        table = tables.read_table(MAIN_TABLE)
        columns = [table.index(c) for c in ("level", "name", "code", "short")]
        china = self._add(RANK["country"], "中国", "", "", -1)
        names, levels, codes, shorts, parents = (
            self._name,
            self._level,
            self._code,
            self._short,
            self._parent,
        )
        stack = [(0, china)]  # (rank, uid) of the open ancestors
        for i, row in enumerate(table.rows):
            level, name, code, short = (row[k] for k in columns)
            rank = RANK.get(level)
            if rank is None:
                raise table.error(i, f"unknown level {level!r}; expected one of {LEVELS}")
            while stack[-1][0] >= rank:
                stack.pop()
            uid = len(names)
            names.append(name)
            levels.append(rank)
            codes.append(code)
            shorts.append(short)
            parents.append(stack[-1][1])
            stack.append((rank, uid))

    def _read_extra(self) -> None:
        """Add ``places/extra.csv``: ``level name code short parent-path replaces``."""
        table = tables.load_table(EXTRA_TABLE)
        self._index()
        for i, row in enumerate(
            table.records("level", "name", "code", "short", "parent", "replaces")
        ):
            level, name, parent_path, replaces = (
                row[c] for c in ("level", "name", "parent", "replaces")
            )
            if level not in RANK:
                raise table.error(i, f"unknown level {level!r}; expected one of {LEVELS}")
            parent = self._find_path(parent_path) if parent_path else -1
            if parent_path and parent < 0:
                raise table.error(i, f"parent {parent_path!r} of {name!r} is not in the gazetteer")
            uid = self._add(RANK[level], name, row["code"], row["short"], parent)
            if replaces:
                old = [u for u in self._by_name.get(replaces, []) if self._parent[u] == parent]
                for u in old:  # the old division's children move to its successor
                    rank = self._level[u]
                    self._level[u] = -1  # retired: no longer looked up
                    child = u + 1  # rows are depth-first: descendants follow
                    while child < len(self._level) and self._level[child] > rank:
                        if self._parent[child] == u:
                            self._parent[child] = uid
                        child += 1
            self._by_name.setdefault(name, []).append(uid)

    def _find_path(self, path: str) -> int:
        """The uid of ``中国/云南省/昭通市``-style path, or -1."""
        parent = -1
        for part in path.split("/"):
            options = [
                u for u in self._by_name.get(part, []) if parent < 0 or self._parent[u] == parent
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
            zip(self._name, self._level, self._short, strict=True)
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
        self._by_name, self._by_short = by_name, by_short

    # -- lookup ----------------------------------------------------------------

    def place(self, uid: int) -> Place:
        """The place stored at row ``uid``."""
        found = self._places.get(uid)
        if found is None:
            parent = self._parent[uid]
            found = Place(
                name=self._name[uid],
                level=LEVELS[self._level[uid]],
                code=self._code[uid] or None,
                parent=self._name[parent] if parent >= 0 else None,
                short=self._short[uid] or strip_suffix(self._name[uid], LEVELS[self._level[uid]]),
                uid=uid,
            )
            self._places[uid] = found
        return found

    def rank(self, uid: int) -> int:
        """Index in LEVELS of the level of row ``uid`` (-1 when retired)."""
        return self._level[uid]

    def full_name_uids(self, name: str) -> list[int]:
        """Rows whose full name is ``name``."""
        return self._by_name.get(name, [])

    def short_name_uids(self, name: str) -> list[int]:
        """Rows (province to town) whose short form is ``name``."""
        return self._by_short.get(name, [])

    def names_by_level(self, max_level: str) -> list[tuple[str, str, int]]:
        """``(surface, "full"|"short", rank)`` of places up to ``max_level``, sorted."""
        top = RANK[max_level]
        out: set[tuple[str, str, int]] = set()
        for name, uids in self._by_name.items():
            ranks = [self._level[u] for u in uids if 0 <= self._level[u] <= top]
            if ranks:
                out.add((name, "full", min(ranks)))
        for name, uids in self._by_short.items():
            ranks = [self._level[u] for u in uids if 0 <= self._level[u] <= top]
            if ranks:
                out.add((name, "short", min(ranks)))
        return sorted(out)

    def candidates(self, name: str) -> list[Place]:
        """Every place whose full or short name is ``name``."""
        uids = list(self._by_name.get(name, [])) + list(self._by_short.get(name, []))
        if not uids:
            for suffix in VILLAGE_SUFFIXES:
                uids += [
                    u
                    for u in self._by_name.get(name + suffix, [])
                    if self._level[u] == RANK["village"]
                ]
        return [self.place(u) for u in sorted(set(uids))]

    def ancestors(self, uid: int) -> list[int]:
        """Rows of the ancestors of ``uid``, nearest first."""
        out = []
        parent = self._parent[uid]
        while parent >= 0:
            out.append(parent)
            parent = self._parent[parent]
        return out

    def surfaces(self, uid: int) -> set[str]:
        """Full name, official short form and suffix-less form of row ``uid``."""
        forms = {self._name[uid]}
        if self._short[uid]:
            forms.add(self._short[uid])
        bare = strip_suffix(self._name[uid], LEVELS[self._level[uid]])
        if bare:
            forms.add(bare)
        return forms

    def supported_by(self, uid: int, names: AbstractSet[str]) -> bool:
        """Whether an ancestor of row ``uid`` (below the country) is named in ``names``."""
        for anc in self.ancestors(uid):
            if self._level[anc] <= RANK["country"]:
                return False
            if not self.surfaces(anc).isdisjoint(names):
                return True
        return False

    def support(self, uid: int, context: list[str]) -> float:
        """How strongly places named in ``context`` (nearest first) back row ``uid``."""
        score = 0.0
        weights = {name: 1.0 / (1 + i) for i, name in reversed(list(enumerate(context)))}
        for depth, anc in enumerate(self.ancestors(uid)):
            if self._level[anc] <= RANK["country"]:
                break
            for form in self.surfaces(anc):
                if form in weights:
                    score = max(score, weights[form] * (1.0 - 0.01 * depth) + 1.0)
        return score

    def resolve(self, name: str, *, context: list[str] | None = None) -> Place | None:
        """The one place ``name`` means, given places named around it (nearest first).

        Returns None when the name is unknown or stays ambiguous.
        """
        full = self._by_name.get(name, [])
        short = self._by_short.get(name, [])
        uids = sorted(set(full) | set(short))
        if not uids:
            uids = sorted(
                u
                for suffix in VILLAGE_SUFFIXES
                for u in self._by_name.get(name + suffix, [])
                if self._level[u] == RANK["village"]
            )
        if not uids:
            return None
        if len(uids) == 1 and self._level[uids[0]] <= RANK["county"]:
            return self.place(uids[0])
        ctx = [c for c in (context or []) if c != name]
        scored = sorted(((self.support(u, ctx), u) for u in uids), reverse=True)
        best, best_uid = scored[0]
        if best > 0 and (len(scored) == 1 or scored[1][0] < best):
            return self.place(best_uid)
        if len(uids) == 1 and best > 0:
            return self.place(uids[0])
        # without context, a province/city/county name standing for exactly one
        # place of the highest level among the candidates (阜新 → 阜新市)
        top = min(self._level[u] for u in uids)
        tops = [u for u in uids if self._level[u] == top]
        if len(tops) == 1 and top <= RANK["county"] and (len(uids) == 1 or top <= RANK["city"]):
            return self.place(tops[0])
        return None

    def chain(self, place: Place) -> list[Place]:
        """``place`` and its ancestors, nearest first, up to the country."""
        uid = place.uid if place.uid >= 0 else self._uid_of(place)
        if uid < 0:
            return [place]
        return [place] + [self.place(u) for u in self.ancestors(uid)]

    def _uid_of(self, place: Place) -> int:
        for u in self._by_name.get(place.name, []):
            parent = self._parent[u]
            if place.parent is None or (parent >= 0 and self._name[parent] == place.parent):
                return u
        return -1

    @cached_property
    def country_names(self) -> list[str]:
        """Full names of the countries in the table."""
        return sorted(
            n for n, r in zip(self._name, self._level, strict=True) if r == RANK["country"]
        )

"""The one loader of kg's knowledge tables (``kg/data/<domain>/*.csv``).

Every table is UTF-8 CSV with a header row; lines starting with ``#`` are
comments. Each row names where it comes from in a ``source`` column: ids of
``kg/data/SOURCES.csv``, several separated by ``|``. A large generated table
may instead declare one source for all its rows in a ``# source: <ids>``
line before its header. ``.csv.gz`` tables are gzip-compressed. Columns that
list several values (``uses``) separate them by ``|`` too.

The tables are grouped by domain, so one fact lives once: ``organs/`` (names,
abbreviations, units, head nouns, kinds, the words around organ names),
``places/`` (the gazetteer, levels, type suffixes and place words),
``people/`` (surnames, role and post words, leaders), ``programmes/`` (the
term lexicon) and ``text/`` (page furniture, mastheads, relation cues,
anaphors, function words, character sets, patterns, common words). Where
stages read different subsets of a list, a ``uses`` column names the subset.

``load_table`` reads a table once per process; the typed accessors below
(``organs()``, ``place_levels()``, ``roles()``…) turn rows into the values
the pipeline needs. They take nothing but the table's name, so a component
can be handed their results instead of calling them.
"""

from __future__ import annotations

import csv
import gzip
import logging
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from kg.errors import ModelError
from kg.lexicon.organ_forms import PLACE_SLOT, AbbreviationRule, short_forms
from kg.resources import data_path

logger = logging.getLogger(__name__)

SOURCES_TABLE = "SOURCES.csv"
SEPARATOR = "|"
# "# source: jionlp" (ids separated by |): the source of every row of a generated table
SOURCE_LINE = re.compile(r"#\s*source:\s*(\S+)\s*$")
# white space at the edge of a field, looked for in the whole table at once (it is rare)
EDGE_SPACE = re.compile(r"(?:^|,)\s|\s(?:,|$)", re.MULTILINE)


@dataclass(frozen=True)
class Source:
    """Where rows of the tables come from (one row of ``SOURCES.csv``)."""

    id: str
    what: str
    reference: str  # a URL or a citation; blank for the authors' general knowledge
    licence: str


@dataclass(frozen=True)
class Table:
    """The rows of one table, as read: column names, row values and their line numbers."""

    name: str  # the file under kg/data (organs/names.csv) or the path read
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]  # line number of each row in the file
    source: str = ""  # the ids of a ``# source:`` line, when the table has one

    def index(self, column: str) -> int:
        """Position of ``column`` in the rows.

        Raises:
            ModelError: the table has no such column.
        """
        try:
            return self.columns.index(column)
        except ValueError:
            raise ModelError(
                f"{self.name}: no column {column!r}; the header is {','.join(self.columns)}"
            ) from None

    def column(self, column: str, *, use: str | None = None) -> tuple[str, ...]:
        """The values of ``column`` in file order (only rows whose ``uses`` list ``use``)."""
        k = self.index(column)
        return tuple(row[k] for row in self.rows_for(use))

    def rows_for(self, use: str | None) -> tuple[tuple[str, ...], ...]:
        """The rows whose ``uses`` column lists ``use`` (every row when ``use`` is None)."""
        if use is None:
            return self.rows
        k = self.index("uses")
        return tuple(row for row in self.rows if use in row[k].split(SEPARATOR))

    def records(self, *required: str) -> list[dict[str, str]]:
        """The rows as ``{column: value}`` dicts, in file order.

        Raises:
            ModelError: the table lacks one of the ``required`` columns.
        """
        for column in required:
            self.index(column)
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def sources(self, i: int) -> tuple[str, ...]:
        """The source ids of row ``i``."""
        if "source" in self.columns:
            return tuple(self.rows[i][self.index("source")].split(SEPARATOR))
        return tuple(self.source.split(SEPARATOR))

    def error(self, i: int, message: str) -> ModelError:
        """An error about row ``i`` that names the file and its line."""
        return ModelError(f"{self.name}, line {self.lines[i]}: {message}")


def _text(path: Path) -> str:
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8") as f:
                return f.read()
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ModelError(f"cannot read table {path}: {e}") from e


def _data_lines(text: str, name: str) -> tuple[str, list[tuple[int, str]]]:
    """The ``# source:`` ids and the numbered lines that are not comments or blank."""
    declared = ""
    numbered: list[tuple[int, str]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            m = SOURCE_LINE.fullmatch(line)
            if m and not numbered:
                declared = m.group(1)
        elif line.strip():
            if '"' in line and line.count('"') % 2:
                raise ModelError(
                    f"{name}, line {n}: unbalanced quote (a field must end on its line)"
                )
            numbered.append((n, line))
    if not numbered:
        raise ModelError(f"{name}: no header row")
    return declared, numbered


def parse_table(text: str, name: str) -> Table:
    """A table from its CSV text (``name`` is what errors call the file).

    Raises:
        ModelError: the header is missing, a row has the wrong number of
            fields, a field starts or ends with white space or a quoted field
            runs over the end of its line.
    """
    declared, numbered = _data_lines(text, name)
    header, *rows = (tuple(fields) for fields in csv.reader(line for _, line in numbered))
    lines = tuple(n for n, _ in numbered[1:])
    for i, fields in enumerate(rows):
        if len(fields) != len(header):
            raise ModelError(
                f"{name}, line {lines[i]}: {len(fields)} fields, expected {len(header)} "
                f"({','.join(header)}): {numbered[i + 1][1]!r}"
            )
    if EDGE_SPACE.search("\n".join(line for _, line in numbered)):
        for i, fields in enumerate(rows):
            if any(f != f.strip() for f in fields):
                raise ModelError(
                    f"{name}, line {lines[i]}: a field starts or ends with white space: "
                    f"{numbered[i + 1][1]!r}"
                )
    return Table(name, header, tuple(rows), lines, declared)


def _check_sources(table: Table, known: set[str]) -> None:
    if "source" not in table.columns and not table.source:
        raise ModelError(
            f"{table.name}: no source column and no '# source: <id>' line before the header"
        )
    if "source" in table.columns and table.source:
        raise ModelError(f"{table.name}: both a source column and a '# source:' line")
    if table.source:
        declared = set(table.source.split(SEPARATOR)) - known
        if declared:
            raise ModelError(f"{table.name}: unknown source {sorted(declared)} in '# source:' line")
        return
    for i in range(len(table.rows)):
        ids = table.sources(i)
        if ids == ("",):
            raise table.error(i, "the source is blank")
        unknown = [s for s in ids if s not in known]
        if unknown:
            raise table.error(i, f"unknown source {unknown} (not in {SOURCES_TABLE})")


def read_table(name: str, *, path: Path | None = None) -> Table:
    """Read the table ``kg/data/<name>`` (or the file ``path``), checking its sources.

    Raises:
        ModelError: the file is missing or malformed, or a row names a source
            ``SOURCES.csv`` does not declare.
    """
    table = parse_table(_text(path or data_path(name)), str(path) if path else name)
    if name != SOURCES_TABLE:
        _check_sources(table, set(sources()))
    return table


@cache
def load_table(name: str) -> Table:
    """The table ``kg/data/<name>``, read once per process."""
    table = read_table(name)
    logger.debug("table %s: %d rows", name, len(table.rows))
    return table


@lru_cache(maxsize=1)
def sources() -> dict[str, Source]:
    """The sources rows may name, by id (``kg/data/SOURCES.csv``)."""
    table = read_table(SOURCES_TABLE)
    columns = [table.index(c) for c in ("id", "what", "reference", "licence")]
    out: dict[str, Source] = {}
    for i, row in enumerate(table.rows):
        source = Source(*(row[k] for k in columns))
        if not source.id or source.id in out:
            raise table.error(i, f"source id {source.id!r} is blank or declared twice")
        out[source.id] = source
    return out


# -- typed accessors -------------------------------------------------------------


def _uses(value: str) -> frozenset[str]:
    return frozenset(value.split(SEPARATOR)) if value else frozenset()


def _yes(table: Table, i: int, column: str) -> bool:
    value = table.rows[i][table.index(column)]
    if value not in ("yes", "no"):
        raise table.error(i, f"{column} is {value!r}, expected yes or no")
    return value == "yes"


def words(name: str, use: str | None = None) -> tuple[str, ...]:
    """The ``word`` column of a word table in file order (only rows whose uses list ``use``)."""
    return load_table(name).column("word", use=use)


@dataclass(frozen=True)
class Organ:
    """A standard organ name without its place (``organs/names.csv``)."""

    name: str
    standalone: bool  # the bare name names one body (国务院)
    uses: frozenset[str]  # recognise, misprint
    levels: tuple[str, ...] = ()  # the levels of place the organ exists at (central, city…)
    under: str = ""  # committee: written <place>委<name> (温州市委宣传部)
    short: tuple[str, ...] = ()  # short forms no abbreviation rule makes
    valid: tuple[int | None, int | None] = (None, None)  # first and last year of the name


YEARS = re.compile(r"(\d{4})?-(\d{4})?")


def _years(t: Table, i: int, value: str) -> tuple[int | None, int | None]:
    """A ``valid`` field (``2018-``, ``-2018``, ``2013-2018`` or blank) as first and last year."""
    if not value:
        return (None, None)
    m = YEARS.fullmatch(value)
    if m is None or value == "-":
        raise t.error(i, f"valid is {value!r}, expected YYYY-, -YYYY or YYYY-YYYY")
    return (int(m[1]) if m[1] else None, int(m[2]) if m[2] else None)


@lru_cache(maxsize=1)
def organs() -> tuple[Organ, ...]:
    """The organ names, in file order."""
    t = load_table("organs/names.csv")
    cols = [t.index(c) for c in ("name", "uses", "levels", "under", "short", "valid")]
    return tuple(
        Organ(
            row[cols[0]],
            _yes(t, i, "standalone"),
            _uses(row[cols[1]]),
            tuple(row[cols[2]].split(SEPARATOR)) if row[cols[2]] else (),
            row[cols[3]],
            tuple(row[cols[4]].split(SEPARATOR)) if row[cols[4]] else (),
            _years(t, i, row[cols[5]]),
        )
        for i, row in enumerate(t.rows)
    )


@lru_cache(maxsize=1)
def abbreviation_rules() -> tuple[AbbreviationRule, ...]:
    """The rules that make the short forms of organ names, in file order.

    Raises:
        ModelError: a row's ``at`` is not word, prefix, end or frame, or a frame
            has no place slot.
    """
    t = load_table("organs/abbreviation_rules.csv")
    out = []
    for i, r in enumerate(t.records("full", "short", "at", "level", "canonical")):
        if r["at"] not in ("word", "prefix", "end", "frame"):
            raise t.error(i, f"at is {r['at']!r}, expected word, prefix, end or frame")
        if r["at"] == "frame" and PLACE_SLOT not in r["full"] + r["short"]:
            raise t.error(i, f"the frame {r['full']!r} has no {PLACE_SLOT} for its place")
        out.append(AbbreviationRule(r["full"], r["short"], r["at"], r["level"], r["canonical"]))
    return tuple(out)


@dataclass(frozen=True)
class Abbreviation:
    """A short organ name and the full name it stands for (derived from ``organs/*.csv``)."""

    abbreviation: str
    full: str
    level: str  # only for organs of a place of this level ("" = always)
    uses: frozenset[str]  # recognise, expand


@lru_cache(maxsize=1)
def abbreviations() -> tuple[Abbreviation, ...]:
    """The short forms of the organ names: by the rules, then those names.csv lists.

    In the order of the organ rows; every short form is expanded by linking,
    and recognised where its organ is.
    """
    rules = abbreviation_rules()
    out = []
    for organ in organs():
        uses = frozenset({"expand"} | ({"recognise"} & organ.uses))
        forms = [*short_forms(organ.name, rules), *((s, "") for s in organ.short)]
        out += [Abbreviation(form, organ.name, level, uses) for form, level in forms]
    return tuple(out)


@dataclass(frozen=True)
class PlaceLevel:
    """A level of places and its rank from the country down (``places/levels.csv``)."""

    level: str
    rank: int
    gazetteer: bool  # the gazetteer stores places of this level


@lru_cache(maxsize=1)
def place_levels() -> tuple[PlaceLevel, ...]:
    """The place levels, highest first.

    Raises:
        ModelError: a rank is not a number, or the gazetteer's levels do not
            rank 0, 1, 2… in file order (the gazetteer stores a level as its rank).
    """
    t = load_table("places/levels.csv")
    out = []
    for i, row in enumerate(t.records("level", "rank")):
        if not row["rank"].isdigit():
            raise t.error(i, f"rank {row['rank']!r} is not a whole number")
        out.append(PlaceLevel(row["level"], int(row["rank"]), _yes(t, i, "gazetteer")))
    stored = [p.rank for p in out if p.gazetteer]
    if stored != list(range(len(stored))):
        raise ModelError(f"{t.name}: the gazetteer's levels rank {stored}, expected 0, 1, 2…")
    return tuple(out)


def level_rank() -> dict[str, int]:
    """Rank of each place level (country 0, province 1, …): lower is higher up."""
    return {p.level: p.rank for p in place_levels()}


@lru_cache(maxsize=1)
def _ranks() -> tuple[dict[str, int], int]:
    ranks = level_rank()
    return ranks, max(ranks.values()) + 1


def rank(level: str | None) -> int:
    """Rank of ``level`` (``level_rank``); a missing or unknown level ranks below all known."""
    ranks, below = _ranks()
    return ranks.get(level or "", below)


@dataclass(frozen=True)
class PlaceWord:
    """A word of or around place names (``places/words.csv``)."""

    word: str
    level: str  # the level a type suffix implies or a scope word covers ("" = none)
    plain: str  # an autonomous division's plain suffix (自治州 → 州)
    uses: frozenset[str]


@cache
def place_words(use: str) -> tuple[PlaceWord, ...]:
    """The place words listed for ``use`` (level, bare, generic…), in file order."""
    t = load_table("places/words.csv")
    word, level, plain, uses = (t.index(c) for c in ("word", "level", "plain", "uses"))
    return tuple(
        PlaceWord(row[word], row[level], row[plain], _uses(row[uses])) for row in t.rows_for(use)
    )


@cache
def idle_locality_heads() -> tuple[str, ...]:
    """Generic terms of localities that are places, never actors (``acts`` = no in
    places/locality_heads.csv: rivers, roads, parks; not zones run by a committee)."""
    t = load_table("places/locality_heads.csv")
    return tuple(r["head"] for r in t.records("head", "acts") if r["acts"] != "yes")


@cache
def readings() -> dict[str, frozenset[str]]:
    """The readings of each character, toneless pinyin (``people/readings.csv``, from jionlp)."""
    t = load_table("people/readings.csv")
    return {
        c: frozenset(r.split("|"))
        for c, r in zip(t.column("char"), t.column("readings"), strict=True)
    }


def surnames(use: str) -> tuple[str, ...]:
    """The surnames listed for ``use`` (person, author), single and double, in file order."""
    return load_table("people/surnames.csv").column("surname", use=use)


@dataclass(frozen=True)
class Role:
    """A word next to a person's name (``people/roles.csv``)."""

    word: str
    uses: frozenset[str]  # before, after, post, title, address, credit, credit_suffix
    credit_role: str = ""  # the CREDITED role of a credit word (责编, 记者…)
    credit_scope: str = ""  # page, byline, source, banner
    body: str = ""  # the body a title names (总书记 → 中共中央)


@cache
def roles(use: str) -> tuple[Role, ...]:
    """The role words listed for ``use``, in file order."""
    t = load_table("people/roles.csv")
    cols = [t.index(c) for c in ("word", "uses", "credit_role", "credit_scope", "body")]
    return tuple(
        Role(row[cols[0]], _uses(row[cols[1]]), row[cols[2]], row[cols[3]], row[cols[4]])
        for row in t.rows_for(use)
    )


def _named(table: str, name: str) -> tuple[Table, int]:
    t = load_table(table)
    names = t.column("name")
    if name not in names:
        raise ModelError(f"{table}: no row named {name!r}")
    return t, names.index(name)


@cache
def chars(name: str) -> str:
    """A set of characters of ``text/characters.csv``, written as one string."""
    t, i = _named("text/characters.csv", name)
    return t.rows[i][t.index("chars")]


@cache
def pattern(name: str) -> str:
    """A regular expression of ``text/patterns.csv``.

    Raises:
        ModelError: there is no such row or its pattern does not compile.
    """
    t, i = _named("text/patterns.csv", name)
    text = t.rows[i][t.index("pattern")]
    try:
        re.compile(text)
    except re.error as e:
        raise t.error(i, f"pattern {name!r} does not compile: {e}") from e
    return text


def terms(kind: str, use: str) -> tuple[str, ...]:
    """The terms of one kind of ``programmes/terms.csv`` listed for ``use``, in file order."""
    t = load_table("programmes/terms.csv")
    k, term = t.index("kind"), t.index("term")
    return tuple(row[term] for row in t.rows_for(use) if row[k] == kind)


@dataclass(frozen=True)
class Anaphor:
    """A word that stands for a body or place named earlier (``text/anaphors.csv``)."""

    anaphor: str  # 该局, 该镇
    label: str  # the entity type it refers to: ORG, PLACE
    endings: tuple[str, ...]  # how that entity's canonical name ends


@lru_cache(maxsize=1)
def anaphors() -> tuple[Anaphor, ...]:
    """The anaphors, in file order."""
    return tuple(
        Anaphor(r["anaphor"], r["label"], tuple(e for e in r["endings"].split(";") if e))
        for r in load_table("text/anaphors.csv").records("anaphor", "label", "endings")
    )

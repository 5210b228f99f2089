"""How names are written: normal forms, type suffixes, organ kinds, abbreviations, misprints.

Pure functions of one name (and the lexicon), used by every linking family
and by the cross-page registry.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from kg.lexicon import tables
from kg.link.lexicon import load_tables
from kg.link.organ_index import organ_index

TERM_TYPES = ("PROGRAM", "HONOR", "DOCUMENT")  # entity types named by a term, not a body
NORM_DROP = re.compile(r"[\s\"'“”‘’《》〈〉「」『』【】、，,·•]")
ORDINALS = set(tables.chars("ordinal"))
MISPRINT_RATIO = 85.0
MEDIA = "media"  # organs/heads.csv kind of a medium's publisher (日报社)
# the term of an elected body between its place and its name (第六届, 十一届)
TERM = re.compile(
    f"第?[{tables.chars('ordinal')}]+(?:{'|'.join(tables.words('organs/words.csv', 'term'))})"
)


def norm_name(text: str) -> str:
    """A name without layout spaces, quotes or list punctuation (for comparing names)."""
    return NORM_DROP.sub("", unicodedata.normalize("NFKC", text))


def clean_surface(text: str) -> str:
    """A mention as it reads: no white space (what ``str.split`` splits at, as ``\\s`` matches)."""
    return "".join(text.split())


def ordinals(text: str) -> list[str]:
    """The ordinal characters of ``text`` (第一, 二…), in order: names that differ in them differ."""
    return [c for c in text if c in ORDINALS]


def is_subsequence(short: str, long_: str) -> bool:
    """Whether the characters of ``short`` appear in ``long_`` in order (林改 in 林权制度改革)."""
    it = iter(long_)
    return all(c in it for c in short)


@lru_cache(maxsize=65536)
def place_level(name: str) -> str | None:
    """The level a place name's type suffix implies (``永善县`` → county), if any."""
    if name == "中国":
        return "country"
    for suffix, level in load_tables().levels:
        if name.endswith(suffix) and len(name) > len(suffix):
            return level
    return None


@lru_cache(maxsize=65536)
def place_short(name: str) -> str | None:
    """A place name without its type suffix (``昭通市`` → ``昭通``), if two characters remain."""
    for suffix, _level in load_tables().levels:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def org_kind(canonical: str) -> str | None:
    """The kind of an organ (party, government, …) from its core name."""
    for match, text, kind in load_tables().kinds:
        if (match == "suffix" and canonical.endswith(text)) or (
            match == "contains" and text in canonical
        ):
            return kind
    return None


def is_doctrine(name: str) -> bool:
    """Whether a programme name is a national doctrine or slogan (core = false)."""
    n = norm_name(name)
    t = load_tables()
    return (
        any(n == norm_name(item) for item in t.doctrine)
        or any(n.startswith(norm_name(item)) for item in t.doctrine_prefixes)
        or any(n.endswith(norm_name(item)) for item in t.doctrine_suffixes)
    )


def is_generic(name: str) -> bool:
    """Whether an organ name is a bare body word that names no one body (党委, 支部)."""
    return name in _bare_bodies()


@lru_cache(maxsize=1)
def _bare_bodies() -> frozenset[str]:
    return frozenset(tables.words("organs/words.csv", "bare_body"))


def expand_abbreviations(name: str, *, level: str | None = None, year: int | None = None) -> str:
    """Replace abbreviated organ words by their full form (``人社局`` → ``人力资源和社会保障局``)."""
    return organ_index().expand(name, level, year)


def with_publisher(name: str) -> str:
    """A medium named as an organisation is its publisher (天津日报 → 天津日报社).

    A media head of organs/heads.csv less its last character ends the titles of the
    media it publishes (日报社 → 日报).
    """
    heads = _media_heads()
    if name.endswith(heads):
        return name
    head = next((h for h in heads if name.endswith(h[:-1]) and len(name) > len(h)), None)
    return name + head[-1] if head else name


@lru_cache(maxsize=1)
def _media_heads() -> tuple[str, ...]:
    rows = tables.load_table("organs/heads.csv").records("head", "kind")
    heads = {r["head"] for r in rows if r["kind"] == MEDIA and len(r["head"]) > 2}
    return tuple(sorted(heads, key=lambda h: (-len(h), h)))


def without_term(name: str) -> str:
    """``name`` without the term of a congress or government (莆田市第六届人民代表大会 → …人民代表大会)."""
    return TERM.sub("", name, count=1)


def sub_unit(core: str) -> str:
    """The bare sub-unit ``core`` ends with (党组 of …局党组), or ``""``."""
    return next((s for s in load_tables().sub_units if core.endswith(s) and len(core) > len(s)), "")


def nested_outer(core: str) -> str | None:
    """The outer agency of a nested name (人力资源和社会保障局就业局 → 人力资源和社会保障局)."""
    agencies = _agency_set()
    sub = sub_unit(core)
    base = core[: len(core) - len(sub)] if sub else core
    for n in range(len(base) - 1, 1, -1):
        if base[:n] in agencies and base[n:] in agencies:
            return base[:n]
    return None


@lru_cache(maxsize=1)
def _agency_set() -> frozenset[str]:
    return frozenset(load_tables().agencies)


@lru_cache(maxsize=65536)
def fix_misprint(core: str) -> str:
    """The standard agency name a misprinted one stands for (``政服务管理局`` → ``政务服务管理局``).

    Only the organ part after the place is compared, so a misprint is only
    ever corrected to an agency of the same place. Kept per name: each new
    one is compared with every agency.
    """
    agencies = load_tables().agencies
    sub = sub_unit(core)
    base = core[: len(core) - len(sub)] if sub else core
    # An agency under another (人力资源和社会保障局就业局) is named by itself (就业局).
    outer = nested_outer(core)
    if outer is not None:
        return base[len(outer) :] + sub
    if len(base) < 4 or base in agencies:
        return core
    best = None
    for agency in agencies:
        if agency[-1] != base[-1] or ordinals(agency) != ordinals(base):
            continue
        if abs(len(agency) - len(base)) > 1:
            continue
        score = fuzz.ratio(base, agency)
        if score >= MISPRINT_RATIO and (best is None or score > best[0]):
            best = (score, agency)
    return best[1] + sub if best else core


def printed_prefix(surface: str, outer: str) -> str | None:
    """The start of ``surface`` that, expanded, ends with the agency ``outer`` (…人社局)."""
    for k in range(len(surface), 1, -1):
        if expand_abbreviations(surface[:k]).endswith(outer):
            return surface[:k]
    return None


def without_level_infix(name: str) -> list[str]:
    """``name`` without a town, community or village word after its stem (红光社区派出所 → 红光派出所)."""
    local = (tables.rank("town"), tables.rank("village"))
    out = []
    for k in range(2, len(name) - 3):
        for suffix, level in load_tables().levels:
            if not local[0] <= tables.rank(level) <= local[1] or not name.startswith(suffix, k):
                continue
            if len(name) - k - len(suffix) >= 2:
                out.append(name[:k] + name[k + len(suffix) :])
    return sorted(set(out))


def team_stem(name: str) -> str | None:
    """The sending organ of a work team (``X驻村工作队`` → ``X``), if ``name`` is one."""
    for head in load_tables().team_heads:
        if name.endswith(head) and len(name) - len(head) >= 2:
            return name[: -len(head)]
    return None

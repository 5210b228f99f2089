"""Programme, honour and document mentions to terms, and the names the recogniser gives them.

A term is named as printed without quotes; a bare code (“133”) takes the
head noun printed after it; ``全市…`` drops its scope word (a programme) or
names the place (a city or county honour). Once the page is linked, a term
takes the recogniser's canonical name where that is a real rename (党章 →
中国共产党章程), and terms that now share a name are one.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kg.lexicon import tables
from kg.link.lexicon import load_tables
from kg.link.moves import follow
from kg.link.names import TERM_TYPES, clean_surface, is_doctrine, norm_name
from kg.link.spans import Key, Link
from kg.link.state import PageLinking
from kg.link.term_merges import merge_terms
from kg.model import Entity

QUOTES = re.compile(r"[\"'“”‘’《》〈〉「」『』]")
LEADING_CONJUNCTIONS = "".join(tables.words("text/words.csv", "leading"))  # never 和 (和谐…)
CONJUNCTION_MIN = 5  # a name this long may open with a conjunction to drop
NUMERALS = tables.chars("numeral")  # a name opening with one is a numbered formula (七个一)
FORMULA = re.compile(r"[0-9+A-Za-z]")  # a code (133, 8+N, 1+1+N)
HEAD_NOUN_REACH = 16
# the most characters between a code and its head for a mention to name a programme of its
# own (“两学一做”红色讲堂); longer (“8+N”基层社会治理模式) names the page's programme
OWN_HEAD_REACH = 2  # characters after a bare code its head noun may be printed in
CLOSING_QUOTES = "”’」』\"'"
LAW_PREFIX = tables.terms("law_prefix", "link")  # the state's name, which opens a law's
LAW_SUFFIXES = tables.terms("law_suffix", "link")
NOT_LAW_SUFFIXES = tables.terms("not_law_suffix", "link")  # 办法, 工作法: not laws
LAW_NAME_MIN = 2  # a bare 法 is no law; 宪法, 刑法 are
SCOPE_LEVELS = ("city", "county")  # 全市/全县 + honour: the place of that level


def link_terms(run: PageLinking, levels: dict[str, str]) -> None:
    """Link every programme, honour and document mention.

    Args:
        run: the page being linked.
        levels: level -> place along the home place's chain (for ``全市…`` honours).
    """
    for m in run.mentions:
        if m.label not in TERM_TYPES:
            continue
        surface = clean_surface(m.text)
        canonical = QUOTES.sub("", surface)
        if len(canonical) >= CONJUNCTION_MIN and canonical[0] in LEADING_CONJUNCTIONS:
            canonical = canonical[1:]  # 暨优秀年轻科级干部专题培训班
        if m.label == "PROGRAM":
            canonical = with_head_noun(run.page.text, canonical)
            named = clean_surface(m.canonical or "")
            if _adds_head_noun(named, canonical, reach=OWN_HEAD_REACH):
                canonical = named  # “两学一做”红色讲堂: its own programme
        canonical = scope_prefix(canonical, m.label, levels)
        if m.label == "DOCUMENT":
            canonical = national_law(canonical)
        key = (m.label, canonical)
        ent = run.entities.get(key)
        if ent is None:
            ent = Entity(type=m.label, canonical=canonical)
            ent.core = not (m.label == "PROGRAM" and is_doctrine(canonical))
            run.entities[key] = ent
            run.first_seen[key] = m.start
        ent.mentions.add(surface)
        run.links.append((m, key))


def with_head_noun(text: str, name: str) -> str:
    """A bare code (“133”) takes the head noun printed after it (133工作思路).

    The longest head noun printed after any occurrence of the code in
    ``text`` wins, so ``“12345”思路`` in a title and ``“12345”工作思路`` in the
    body are one programme.
    """
    if re.search(r"[\u4e00-\u9fff]", name):
        return name
    best = ""
    for m in re.finditer(re.escape(name), text):
        after = clean_surface(text[m.end() : m.end() + HEAD_NOUN_REACH]).lstrip(CLOSING_QUOTES)
        noun = next((n for n in load_tables().head_nouns if after.startswith(n)), "")
        if len(noun) > len(best):
            best = noun
    return name + best


def national_law(name: str) -> str:
    """A law (…法) by its official name: only the national legislature makes laws, and their
    names open with the state's (大气污染防治法 -> 中华人民共和国大气污染防治法)."""
    prefix = LAW_PREFIX[0] if LAW_PREFIX else ""
    if not prefix or name.startswith(prefix) or len(name) < LAW_NAME_MIN:
        return name
    if name.endswith(LAW_SUFFIXES) and not name.endswith(NOT_LAW_SUFFIXES):
        return prefix + name
    return name


def scope_prefix(name: str, label: str, levels: dict[str, str]) -> str:
    """``全市…``: a programme drops the scope word, a city or county honour names the place."""
    for scope in tables.place_words("scope"):
        word = scope.word
        level = scope.level if scope.level in SCOPE_LEVELS else None
        if name.startswith(word) and len(name) > len(word) + 1:
            if label == "PROGRAM" or (label == "HONOR" and level is None):
                return name[len(word) :]
            if label == "HONOR" and level and levels.get(level):
                return levels[level] + name[len(word) :]
    return name


def name_terms(entities: list[Entity], links: list[Link]) -> tuple[list[Entity], list[Link]]:
    """Rename terms after the recogniser's canonical names, merging what then shares a name.

    The recogniser (``kg_terms``) knows a term's name plus head noun, the
    full name of an abbreviation and whether it is core; it travels on the
    ``Mention``. Returns the entities (by type and name) and the links moved.
    """
    if not any(m.label in TERM_TYPES and m.canonical for m, _ in links):
        return entities, links
    renamed, cores = _renames(links)
    by_key = {e.key: e for e in entities}
    for old in sorted(renamed):
        ent = by_key.pop(old, None)
        if ent is not None:
            _put(by_key, ent, renamed[old], ent.core and cores[old])
    moves = merge_terms(by_key.values(), by_suffix=True)
    for src in sorted(moves):
        dst = follow(moves, src)
        if src in by_key and dst in by_key and src != dst:
            by_key[dst].mentions |= by_key.pop(src).mentions
    final = {k: follow(moves, renamed.get(k, k)) for _, k in links}
    named = sorted(by_key.values(), key=lambda e: (e.type, e.canonical))
    return named, [(m, final[k]) for m, k in links]


def _renames(links: list[Link]) -> tuple[dict[Key, Key], dict[Key, bool]]:
    """The new key and the core flag of each term, from the first mention of it that has a name."""
    renamed: dict[Key, Key] = {}
    cores: dict[Key, bool] = {}  # by the entity's key before renaming
    # a code that already has a named form on the page (“警格+网格”管理模式) keeps its name
    longer = {k for _, k in links if k[0] in TERM_TYPES}
    for m, key in links:
        if not m.canonical or m.label not in TERM_TYPES:
            continue
        if key[0] not in TERM_TYPES or key in renamed:
            continue
        name = clean_surface(QUOTES.sub("", m.canonical))
        # A real rename (党章 -> 中国共产党章程) or the name plus its head noun (“两学一做”
        # 学习教育 -> 两学一做学习教育); other longer forms stay as linked.
        formed = any(k[0] == key[0] and k != key and k[1].startswith(key[1]) for k in longer)
        rename = _renames_to(name, m.text) and not (formed and name.startswith(key[1]))
        renamed[key] = (key[0], name if rename else key[1])
        cores[key] = m.core
    return renamed, cores


def _renames_to(name: str, surface: str) -> bool:
    """Whether the recogniser's ``name`` for ``surface`` is a rename, or adds a head noun."""
    return not norm_name(name).startswith(norm_name(surface)) or _adds_head_noun(name, surface)


def _adds_head_noun(name: str, surface: str, *, reach: int = HEAD_NOUN_REACH) -> bool:
    """Whether ``name`` is the numbered formula ``surface`` (“七个一”, “8+N”) plus its head
    noun (七个一学习机制), with at most ``reach`` characters before the head; a worded name
    (书记领航) stays as printed."""
    short, full = norm_name(surface), norm_name(name)
    numbered = bool(FORMULA.search(short)) or short[:1] in NUMERALS
    extra = full[len(short) :]
    head = next((n for n in load_tables().head_nouns if extra.endswith(n)), "")
    return numbered and full.startswith(short) and bool(head) and len(extra) - len(head) <= reach


def _put(by_key: dict[Key, Entity], ent: Entity, key: Key, core: bool) -> None:
    """Put ``ent`` under ``key``, into the entity already there if there is one."""
    known = by_key.get(key)
    if known is not None:
        known.mentions |= ent.mentions
        known.core = known.core and core
    else:
        by_key[key] = replace(ent, canonical=key[1], core=core)

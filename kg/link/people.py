"""Person mentions to people: one person per full name, a pseudonym marked as such."""

from __future__ import annotations

import re
from collections import Counter

from kg.lexicon.tables import readings
from kg.link.names import clean_surface
from kg.link.state import PageLinking

PSEUDONYM = re.compile(r"[（(]化名[)）]")
PSEUDONYM_REACH = 6  # characters after a name a (化名) may follow it by
GIVEN_NAME_LEN = 2  # a given name alone (海新) is this long


def link_people(run: PageLinking) -> None:
    """Link every person mention; a given name alone goes to the one full name it ends."""
    people = run.labelled("PERSON")
    counts = Counter(clean_surface(PSEUDONYM.sub("", m.text)) for m in people)
    fulls = sorted(counts)
    misprints = homophone_misprints(counts)
    for m in people:
        surface = clean_surface(m.text)
        name = PSEUDONYM.sub("", surface)
        after = run.page.text[m.end : m.end + PSEUDONYM_REACH]
        pseudo = bool(PSEUDONYM.search(surface)) or bool(PSEUDONYM.match(clean_surface(after)))
        # A given name alone (海新) is the person named in full on the page (王海新).
        longer = [f for f in fulls if len(f) == len(name) + 1 and f.endswith(name)]
        canonical = longer[0] if len(name) == GIVEN_NAME_LEN and len(longer) == 1 else name
        canonical = misprints.get(canonical, canonical)
        ent = run.add_person(canonical, name)
        ent.pseudonym = ent.pseudonym or pseudo
        run.links.append((m, ent.key))


def homophone_misprints(counts: Counter[str]) -> dict[str, str]:
    """Names of a page misprinted by a homophone (吕朝辉 for 吕朝晖), to the name meant.

    Typing by pinyin makes this the usual misprint of a name: two names of one
    page alike but for one character of the given name, the two characters
    read alike, are one person. The name printed more often is meant; on a
    tie, the one that sorts first.
    """
    out: dict[str, str] = {}
    names = sorted(counts, key=lambda n: (-counts[n], n))
    for i, meant in enumerate(names):
        if meant in out:
            continue
        for other in names[i + 1 :]:
            if other not in out and _one_homophone_apart(meant, other):
                out[other] = meant
    return out


def _one_homophone_apart(a: str, b: str) -> bool:
    if len(a) != len(b) or len(a) < 3 or a[0] != b[0]:
        return False
    apart = [(x, y) for x, y in zip(a[1:], b[1:], strict=True) if x != y]
    if len(apart) != 1:
        return False
    x, y = apart[0]
    table = readings()
    return bool(table.get(x, frozenset()) & table.get(y, frozenset()))

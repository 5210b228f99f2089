"""Person mentions to people: one person per full name, a pseudonym marked as such."""

from __future__ import annotations

import re

from kg.link.names import clean_surface
from kg.link.state import PageLinking

PSEUDONYM = re.compile(r"[（(]化名[)）]")
PSEUDONYM_REACH = 6  # characters after a name a (化名) may follow it by
GIVEN_NAME_LEN = 2  # a given name alone (海新) is this long


def link_people(run: PageLinking) -> None:
    """Link every person mention; a given name alone goes to the one full name it ends."""
    people = run.labelled("PERSON")
    fulls = sorted({clean_surface(PSEUDONYM.sub("", m.text)) for m in people})
    for m in people:
        surface = clean_surface(m.text)
        name = PSEUDONYM.sub("", surface)
        after = run.page.text[m.end : m.end + PSEUDONYM_REACH]
        pseudo = bool(PSEUDONYM.search(surface)) or bool(PSEUDONYM.match(clean_surface(after)))
        # A given name alone (海新) is the person named in full on the page (王海新).
        longer = [f for f in fulls if len(f) == len(name) + 1 and f.endswith(name)]
        canonical = longer[0] if len(name) == GIVEN_NAME_LEN and len(longer) == 1 else name
        ent = run.add_person(canonical, name)
        ent.pseudonym = ent.pseudonym or pseudo
        run.links.append((m, ent.key))

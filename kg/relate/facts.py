"""The facts of one page as they are found: a repeat is dropped, a repeated post is added to."""

from __future__ import annotations

from collections.abc import Mapping

from kg.link.spans import Key
from kg.model import Entity, Fact

POST_JOINER = "、"  # between the posts one person holds in one body


class FactList:
    """The facts of one page, in the order found, each between two of the page's entities."""

    def __init__(self, entities: Mapping[Key, Entity]) -> None:
        self.entities = entities
        self.facts: list[Fact] = []
        self.seen: dict[tuple, Fact] = {}

    def add(self, fact: Fact, *, merge_post: bool = False) -> None:
        """Keep ``fact`` unless an end is unknown, it loops or it repeats one found before.

        With ``merge_post``, a repeated ``HOLDS_POST`` adds its post to the one found before.
        """
        if fact.head not in self.entities or (
            fact.tail is not None and fact.tail not in self.entities
        ):
            return
        if fact.head == fact.tail:
            return
        sig: tuple = (fact.relation, fact.head, fact.tail)
        if fact.relation == "CREDITED":
            sig = (fact.relation, fact.head, fact.attrs.get("role"), fact.attrs.get("article"))
        known = self.seen.get(sig)
        if known is None:
            self.seen[sig] = fact
            self.facts.append(fact)
        elif merge_post and fact.attrs.get("post"):
            posts = (known.attrs.get("post") or "").split(POST_JOINER)
            for p in str(fact.attrs["post"]).split(POST_JOINER):
                if p and p not in posts:
                    posts.append(p)
            known.attrs["post"] = POST_JOINER.join(p for p in posts if p)

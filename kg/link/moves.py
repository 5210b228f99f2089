"""Moves: an entity key merged into another, followed to the end of the chain."""

from __future__ import annotations

from dataclasses import replace

from kg.link.spans import Key
from kg.model import Entity


def follow(moves: dict[Key, Key], key: Key) -> Key:
    """Where ``key`` ends up after the ``moves`` (a cycle stops where it would repeat)."""
    seen = {key}
    while key in moves and moves[key] not in seen:
        key = moves[key]
        seen.add(key)
    return key


def apply_moves(entities: dict[Key, Entity], moves: dict[Key, Key]) -> None:
    """Merge each moved entity of ``entities`` into the one its key ends up at."""
    for src in sorted(moves):
        dst = follow(moves, src)
        if src == dst or src not in entities:
            continue
        ent = entities.pop(src)
        if dst not in entities:
            entities[dst] = replace(ent, canonical=dst[1], mentions=set())
        entities[dst].mentions |= ent.mentions

"""kg.recognise.matching: every dictionary word in a text, overlapping ones too, in one order."""

from __future__ import annotations

import random

from kg.recognise.matching import Dictionary, longest_first


def by_hand(words: dict[str, object], text: str) -> list[tuple[int, int, object]]:
    """Every occurrence of every word, by end and, at one end, the longest first."""
    found = [
        (start, start + len(word), value)
        for word, value in words.items()
        for start in range(len(text) - len(word) + 1)
        if text.startswith(word, start)
    ]
    return sorted(found, key=lambda m: (m[1], m[0]))


def test_matching_finds_what_a_scan_by_hand_finds_on_random_texts() -> None:
    rng = random.Random(3)
    alphabet = "昭通市委人社局县😀"
    for _ in range(300):
        words = {
            "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))): rng.randint(0, 9)
            for _ in range(rng.randint(0, 12))
        }
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert Dictionary(words.items()).matches(text) == by_hand(words, text), (words, text)


def test_matching_keeps_the_last_value_of_a_word_and_drops_the_empty_word() -> None:
    names = Dictionary([("昭通", 1), ("", 2), ("昭通", 3), ("通市", 4)])
    assert len(names) == 2
    assert names.matches("昭通市") == [(0, 2, 3), (1, 3, 4)]
    assert Dictionary([]).matches("昭通市") == []


def test_matching_reads_past_lone_surrogates() -> None:
    """A page decoded with surrogateescape holds lone surrogates: they match nothing and
    shift nothing."""
    names = Dictionary([("昭通", "city")])
    assert names.matches("\udcff昭通\ud800昭通") == [(1, 3, "city"), (4, 6, "city")]


def test_matching_longest_first_keeps_leftmost_longest() -> None:
    assert longest_first([(0, 2, "a"), (0, 3, "b"), (2, 4, "c"), (3, 5, "d")]) == [
        (0, 3, "b"),
        (3, 5, "d"),
    ]

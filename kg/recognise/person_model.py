"""The model's names (LAC's PER words) checked by the grammar of a name, for ``kg_persons``.

The rules of :mod:`kg.recognise.persons` win; the model fills the gaps. A
word LAC tags PER is a name when it overlaps no rule span (of any type) and
passes these checks: a title right after a bare surname is no name
(王副市长); a title, address or common word run into the word is trimmed
off (焦裕禄同志学习 → 焦裕禄, 石红明组织 → 石红明); a doctrine named after a
person (邓小平理论) does not name the person; a two-character word before a
noun (林权制度) or alone in quotes (“林改”) is a word; an item of a 、-list of
things (日巡检、周汇总) is no name. A name of no Chinese shape (no surname of
the table, not only a transcription's characters: 扬帆) needs a cue, a name
beside it in a list, or the model finding it twice.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from kg.intervals import Intervals, Span
from kg.recognise.matching import CJK

if TYPE_CHECKING:
    from kg.recognise.persons import PersonDoc

Spans = set[tuple[int, int]]
MAX_CHINESE_NAME = 4  # characters of the longest name of surname and given name (欧阳育南)
FOREIGN_NAME_DOTS = "·•‧"  # between the parts of a transcribed foreign name
LIST_SEPARATORS = "、 \u3000"  # between the names of a list
LIST_ITEM_MAX = 12  # characters of an item of a 、-list (a title and a name)
QUOTES_OPEN = "“‘「『"
QUOTES_CLOSE = "”’」』"
GIVEN_NAME_ALONE = 2  # a name this short may be a word the model took for one (林权)


def _titled(doc: PersonDoc, pos: int, end: int) -> bool:
    """Whether the rest of a model's word, ``[pos, end)``, opens with a title or a common word.

    A one-character word of address (总, 哥) is too often a given name's last character to cut.
    """
    text, t = doc.text, doc.tables
    if text.startswith(t.long_titles, pos):
        return True
    return any(text[pos : pos + n] in t.text.common_words for n in (2, 3, 4) if pos + n <= end)


def _trimmed(doc: PersonDoc, s: int, e: int, sl: int) -> int:
    """The end of the name in the model's word ``[s, e)``: a title or word run into it cut off.

    焦裕禄同志学习 → 焦裕禄, 石红明组织 → 石红明; a name of no Chinese shape (施特劳斯) stays whole.
    """
    if sl:
        for k in range(sl + doc.max_given, sl, -1):
            if s + k < e and _titled(doc, s + k, e):
                return s + k
    return e


def _name_chars(name: str) -> bool:
    """Whether ``name`` is written in name characters: CJK, a Latin letter, the dot of 约翰·施特劳斯."""
    return all(CJK.match(c) or c in FOREIGN_NAME_DOTS or c.isascii() and c.isalpha() for c in name)


def _compound(doc: PersonDoc, s: int, end: int) -> bool:
    """Whether a two-character word the model took for a name modifies the noun after it
    (林权制度, 林草产业) or stands alone in quotes (“林改”): a word, not a person."""
    text = doc.text
    if 0 < s and end < len(text) and text[s - 1] in QUOTES_OPEN and text[end] in QUOTES_CLOSE:
        return True
    return (
        end - s == GIVEN_NAME_ALONE
        and end in doc.nominal_starts
        and not text.startswith(doc.tables.titles, end)
    )


def model_name(doc: PersonDoc, s: int, e: int) -> int | None:
    """The end of the name in the model's PER word ``[s, e)``, or None when it has no name's grammar."""
    text, t = doc.text, doc.tables
    if any(i in doc.covered for i in range(s, e)) or not _name_chars(text[s:e]):
        return None  # a span of the rules wins
    sl = t.surname_len(text, s)
    if sl and text.startswith(t.titles, s + sl):
        return None  # 王副市长, 戚局长, 卢老师: a surname and a title
    end = _trimmed(doc, s, e, sl)
    name = text[s:end]
    if (
        len(name) < GIVEN_NAME_ALONE
        or "某" in name[sl:]  # 王某: anonymised
        or len(set(name)) == 1  # 祖祖 of 祖祖辈辈
        or text.startswith(t.doctrine, end)  # 邓小平理论 names a doctrine, not its author
        or sl
        and len(name) > MAX_CHINESE_NAME
        and not any(c in FOREIGN_NAME_DOTS for c in name)
        or _compound(doc, s, end)
    ):
        return None
    return end


def _cued(doc: PersonDoc, s: int, e: int) -> bool:
    """Whether a role word stands before ``[s, e)`` or a title or speech verb after it."""
    text, t = doc.text, doc.tables
    if text.startswith(t.titles, e) or text.startswith(t.after, e):
        return True
    return s in doc.cue_starts


def _list_mates(doc: PersonDoc, s: int, e: int, names: Intervals[Span]) -> bool | None:
    """Whether an item of a 、-list beside ``[s, e)`` holds a name; None when it is in no list.

    An item may carry a title with its name (相声演员苗阜、儿童演员武东博).
    """
    text = doc.text
    left = s > 0 and text[s - 1] in LIST_SEPARATORS
    right = e < len(text) and text[e] in LIST_SEPARATORS
    if not (left or right):
        return None
    lo = s - 1 if left else s
    while lo > 0 and s - lo <= LIST_ITEM_MAX and CJK.match(text[lo - 1]):
        lo -= 1
    hi = e + 1 if right else e
    while hi < len(text) and hi - e <= LIST_ITEM_MAX and CJK.match(text[hi]):
        hi += 1
    return any(span != (s, e) for span in names.within(lo, hi))


def extended(doc: PersonDoc, rules: Spans) -> Spans:
    """The rules' names, each grown to the model's longer name starting where it starts.

    A rule stops a given name at a character that often follows names (文 of 张三 文/图,
    任 of 周益群任网格长) and after ``max_given`` characters; the model reads the
    context: 选手郑钦文, 作曲家施特劳斯. The name grows only to a name's shape (a
    surname and a given name, or a transcription) that passes the model's own checks.
    """
    longer = {s: e for s, e in doc.model}
    out: Spans = set()
    for s, e in rules:
        end = longer.get(s, e)
        sl = doc.tables.surname_len(doc.text, s)
        grows = end > e and model_name(doc, s, end) == end and _shaped(doc, doc.text[s:end], sl)
        out.add((s, end if grows else e))
    return out


def _shaped(doc: PersonDoc, name: str, sl: int) -> bool:
    """Whether ``name`` has a Chinese name's shape (a surname of the table and a given name),
    a transcribed name's dot (勒布朗·詹姆斯) or only a transcription's characters (特朗普)."""
    if sl:
        return len(name) - sl <= doc.max_given or all(
            c in doc.tables.transcription for c in name[sl:]
        )  # 施特劳斯
    return any(c in FOREIGN_NAME_DOTS for c in name) or all(
        c in doc.tables.transcription for c in name
    )


def model_names(doc: PersonDoc, rules: Spans) -> Spans:
    """The model's PER words that pass a name's grammar, where no rule span lies.

    A name of no Chinese shape (no surname of the table, or a longer given name)
    needs a cue, a name beside it in a list, or the model finding it twice; an
    item of a list of things (日巡检、周汇总、月通报) is no name.
    """
    taken = {i for s, e in rules for i in range(s, e)}
    found: Spans = set()
    for s, e in doc.model:
        end = model_name(doc, s, e)
        if end is not None and not taken.intersection(range(s, end)):
            found.add((s, end))
    times = Counter(doc.text[s:e] for s, e in doc.model)
    out: Spans = set()
    names = Intervals(sorted(rules | found))
    for s, e in found:
        mates = _list_mates(doc, s, e, names)
        if mates is False:
            continue
        sl = doc.tables.surname_len(doc.text, s)
        name = doc.text[s:e]
        shaped = _shaped(doc, name, sl)
        if shaped or mates or _cued(doc, s, e) or times[name] > 1:
            out.add((s, e))
    return out

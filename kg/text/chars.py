"""What a character or a line of page text is: CJK or not, a layout space, how wide it prints."""

from __future__ import annotations

# Horizontal white space (never the newline, which carries the layout).
SPACE = " \t\u3000\xa0"


def width(line: str) -> float:
    """Printed width of a line in CJK characters (ASCII and curly quotes count half).

    Spaces do not count: justification spreads them over short lines.
    """
    ascii_spaces = line.count(" ") + line.count("\t")
    spaces = ascii_spaces + line.count("\u3000") + line.count("\xa0")
    half = len(line.encode("ascii", "ignore")) - ascii_spaces + line.count("“") + line.count("”")
    return len(line) - spaces - 0.5 * (half + line.count("‘") + line.count("’"))


def line_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each line (without its newline)."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def is_cjk(ch: str) -> bool:
    """A Han character (basic block and extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def is_cjk_punct(ch: str) -> bool:
    """CJK punctuation, full-width forms, and the quotes and dashes set in Chinese text."""
    return "\u3000" < ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…·"


def token_len(text: str, i: int, step: int) -> int:
    """Length of the run of non-space characters at ``i`` going in ``step`` (counted up to 2)."""
    n = 0
    while 0 <= i < len(text) and text[i] not in SPACE and text[i] != "\n":
        n += 1
        i += step
        if n > 1:
            break
    return n

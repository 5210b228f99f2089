"""The tables of the term recogniser, and the rules' view of them under its settings.

The word lists are those of ``kg/data/programmes/terms.csv`` (kind, term,
min, uses, source), by kind; the character sets and patterns come from
``kg/data/text``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from kg.lexicon import tables

LEXICON_FILE = "programmes/terms.csv"


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``programmes/terms.csv``, by kind, longest first."""

    words: dict[str, tuple[str, ...]]
    head_min: dict[tuple[str, str], int]

    @classmethod
    def load(cls, path: Path | None = None) -> Lexicon:
        """Read a lexicon table (``kind,term,min,uses,source``; kg's own by default).

        Rows whose ``uses`` do not list ``recognise`` are for other stages; a
        table without a ``uses`` column is read whole.

        Raises:
            ModelError: the file is missing or a row is malformed (file and line named).
        """
        table = tables.read_table(str(path), path=path) if path else tables.load_table(LEXICON_FILE)
        kind_at, term_at = table.index("kind"), table.index("term")
        min_at = table.index("min") if "min" in table.columns else None
        uses_at = table.index("uses") if "uses" in table.columns else None
        words: dict[str, list[str]] = defaultdict(list)
        head_min: dict[tuple[str, str], int] = {}
        for i, row in enumerate(table.rows):
            if uses_at is not None and "recognise" not in row[uses_at].split("|"):
                continue
            kind, term = row[kind_at], row[term_at]
            if not kind or not term:
                raise table.error(i, "the row lacks a kind or a term")
            words[kind].append(term)
            if min_at is not None and row[min_at]:
                if not row[min_at].isdigit():
                    raise table.error(i, f"min {row[min_at]!r} of {term!r} is not a whole number")
                head_min[(kind, term)] = int(row[min_at])
        return cls(
            words={k: tuple(sorted(set(v), key=lambda w: (-len(w), w))) for k, v in words.items()},
            head_min=head_min,
        )

    def get(self, kind: str) -> tuple[str, ...]:
        """The terms of one kind, longest first (empty when the kind is absent)."""
        return self.words.get(kind, ())


@dataclass(frozen=True)
class TermTables:
    """Everything the term rules read: the lexicon, character sets and patterns."""

    lexicon: Lexicon
    numerals: str  # a quote opening with one is a formula (“三个一”)
    chain_joiners: tuple[str, ...]  # between two quotes of one chain ("", 、, 和)
    a_not_a: str  # pattern: a reduplicated question (做没做, 好不好)
    count_prefix: str  # pattern: a number and classifier before a head (一条, 三项)
    gap_break: str  # characters between two quotes that keep them two names
    head_stop: str  # characters after which no head noun is attached
    contrast: tuple[str, ...]  # “小切口”…“大变化”: the two openers of a figure of speech
    common_words: frozenset[str] = frozenset()  # words of running text (一把手): no coined name

    @classmethod
    def shipped(cls, lexicon_path: str | Path | None = None) -> TermTables:
        """kg's tables; the lexicon read from ``lexicon_path`` when it is given."""
        return cls(
            lexicon=Lexicon.load(Path(lexicon_path) if lexicon_path else None),
            numerals=tables.chars("numeral"),
            chain_joiners=("", "、", *tables.words("text/words.csv", "joins_quotes")),
            a_not_a=tables.pattern("a_not_a"),
            count_prefix=tables.pattern("count_prefix"),
            gap_break=tables.chars("gap_break"),
            head_stop=tables.chars("head_stop"),
            contrast=tables.words("text/words.csv", "contrast"),
            common_words=frozenset(tables.words("text/common_words.csv")),
        )


@dataclass(frozen=True)
class TermOptions:
    """Settings of the term recogniser (its pipeline config)."""

    max_quote_len: int = 60  # the longest quote read as one name
    max_title_len: int = 100  # the longest title in 《》
    max_modifier_len: int = 24  # the longest modifier before an unquoted head noun


def _alternation(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled regex matching any of ``words`` (longest first)."""
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words))


class TermRules:
    """The tables as the rules read them: word sets and patterns compiled once."""

    def __init__(self, term_tables: TermTables, options: TermOptions) -> None:
        lexicon = term_tables.lexicon
        self.tables = term_tables
        self.options = options
        self.lex = lexicon
        n = options.max_quote_len
        self.quote_patterns = (
            re.compile(rf"“([^“”\n]{{1,{n}}})”"),
            re.compile(rf"‘([^‘’“”\n]{{1,{n}}})’"),
            re.compile(rf'"([^"“”\n]{{1,{n}}})"'),
        )
        self.title_pattern = re.compile(rf"《([^《》\n]{{1,{options.max_title_len}}})》")
        self.program_heads = _alternation(lexicon.get("unquoted_program_head"))
        self.named_heads = _alternation(lexicon.get("named_program_head"))
        self.launched_heads = _alternation(lexicon.get("launched_program_head"))
        self.document_heads = _alternation(lexicon.get("document_head"))
        self.named_document_heads = _alternation(lexicon.get("named_document_head"))
        self.launch_verbs = _alternation(lexicon.get("launch_verb"))
        self.honour_cues = _alternation(lexicon.get("honour_before"))
        self.honour_heads = _alternation(lexicon.get("honour_head"))
        self.doctrine_patterns = tuple(re.compile(p) for p in lexicon.get("doctrine_pattern"))
        self.sets = {k: frozenset(v) for k, v in lexicon.words.items()}
        # the head nouns that may follow a quoted programme, longest first
        heads = {*lexicon.get("program_after"), *lexicon.get("program_head")}
        self.heads_after = tuple(sorted(heads, key=lambda w: (-len(w), w)))
        self.known_documents = dict(
            sorted(w.split("=", 1) for w in lexicon.get("known_document") if "=" in w)
        )
        self.a_not_a = re.compile(term_tables.a_not_a)
        self.count_prefix = re.compile(term_tables.count_prefix)

    def get(self, kind: str) -> tuple[str, ...]:
        """The terms of one kind, longest first."""
        return self.lex.get(kind)

    def set(self, kind: str) -> frozenset[str]:
        """The terms of one kind, as a set."""
        return self.sets.get(kind, frozenset())

    def is_doctrine(self, content: str) -> bool:
        """Whether a quote names the doctrine (“两个确立”): a programme, but not a core one."""
        if content in self.set("doctrine"):
            return True
        return any(p.search(content) for p in self.doctrine_patterns)

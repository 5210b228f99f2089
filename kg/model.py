"""Plain data handed from stage to stage.

Every stage of the pipeline takes and returns these dataclasses (or spaCy
``Doc``s and ``rdflib.Graph``s), so each stage can be tested on its own and
the per-page results can cross process boundaries (they pickle).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Entity types of GUIDELINES.md, in the order reports list them.
ENTITY_TYPES = ("ORG", "PLACE", "PERSON", "PROGRAM", "HONOR", "DOCUMENT")
RELATION_TYPES = (
    "HOLDS_POST",
    "CREDITED",
    "PART_OF",
    "SUB_ORG_OF",
    "LOCATED_IN",
    "PROMOTES",
    "AWARDED",
    "ISSUED",
)


GAZETTEER = "gazetteer"  # the source of a place's parent that kg's tables, not the text, give
# PageMeta.home_from of a home place given, not inferred: by a manifest row, by the build option
FROM_MANIFEST = "manifest"
FROM_OPTION = "option"


@dataclass(frozen=True)
class PageMeta:
    """What is known about a page before reading its body.

    ``home_place`` is the canonical place a bare 市/县 resolves to when an
    article names no place of its own (the newspaper's home city);
    ``home_from`` says where it was found (``kg.link.home``).
    """

    source: str  # file name of the page, e.g. "000_e59ba49bd64a9ae0.txt"
    newspaper: str | None = None
    date: str | None = None  # ISO 8601, "2022-11-22"
    home_place: str | None = None
    page_no: str | None = None
    column: str | None = None  # column banner, e.g. "党建"
    home_from: str | None = None  # "manifest", "option", "newspaper 昭通日报", …
    url: str | None = None  # where a web page or crawl record was fetched from


@dataclass(frozen=True)
class Credit:
    """A person or body credited for an article or the page (责编, 记者, 供稿…)."""

    role: str  # 记者, 通讯员, 责编, 组版, 校对, 供稿, 供图, 摄影, 联办
    name: str
    start: int  # offsets of the name in the raw page (page furniture is not
    end: int  # in the clean text, so credits point at the raw file)


@dataclass
class CleanPage:
    """A page after cleaning.

    ``offsets[i]`` is the index in ``raw`` of the character ``text[i]`` was read
    from; cleaning deletes, re-orders and normalises one character for one
    (traditional to simplified, full-width to ASCII: ``kg.text.normalise``), so
    any span of ``text`` maps back to the source, and
    ``kg.text.normalise.original_text`` gives back what the page printed.
    """

    meta: PageMeta
    raw: str
    text: str
    offsets: list[int]
    credits: list[Credit] = field(default_factory=list)  # page-level (责编…)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the clean text to the raw page."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.raw)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass
class Article:
    """One article of a page, in reading order.

    ``body_start`` is the offset of ``body`` in the clean page text, so a
    span of the body maps to the page (and through it to the raw file).
    The recogniser reads ``page.text[start:end]``, so mentions in the title,
    kicker and subtitle are found too.
    """

    index: int
    title: str
    body: str
    body_start: int
    start: int  # [start, end) of the clean page text the article covers,
    end: int  # kicker and title through body (captions inside included)
    kicker: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    credits: list[Credit] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    title_printed: bool = True
    title_start: int | None = None  # offset of the title in the clean text

    @property
    def first_words(self) -> str:
        return "".join(self.body.split())[:12]


@dataclass(frozen=True)
class Mention:
    """A recognised span of an article, before linking."""

    text: str
    label: str  # one of ENTITY_TYPES
    start: int  # offsets in the clean page text
    end: int
    article: int  # Article.index
    sentence: str
    sentence_start: int
    raw_start: int | None = None  # the mention's span in the raw page file,
    raw_end: int | None = None  # filled in once the page's offset map is known
    # what the recogniser knows of the name (kg_terms: name plus head noun, the full name
    # of an abbreviation; core False for doctrine and national slogans)
    canonical: str | None = None
    core: bool = True


@dataclass
class Entity:
    """One node of the graph: a canonical agency, place, person, programme…"""

    type: str
    canonical: str
    mentions: set[str] = field(default_factory=set)
    parent: str | None = None  # PLACE: canonical name of the direct parent
    parent_source: str | None = None  # PLACE: GAZETTEER when kg's tables, not the text, give it
    level: str | None = None  # PLACE: province, city, county, town, village, area
    code: str | None = None  # PLACE: GB/T 2260 code where known
    kind: str | None = None  # ORG: party, government, judicial, public, …
    core: bool = True
    pseudonym: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.canonical)


@dataclass(frozen=True)
class Evidence:
    """Where a fact was stated: the sentence and its place on the page."""

    source: str  # page file name
    article: str | None  # article title, None for page furniture
    sentence: str
    start: int  # offsets of the sentence in the raw page
    end: int


@dataclass
class Fact:
    """A relation the text states between two entities (tail None for CREDITED)."""

    relation: str  # one of RELATION_TYPES
    head: tuple[str, str]  # Entity.key
    tail: tuple[str, str] | None
    attrs: dict[str, str | None] = field(default_factory=dict)
    evidence: Evidence | None = None


@dataclass
class PageResult:
    """Everything extracted from one page, linked within the page."""

    meta: PageMeta
    articles: list[Article]
    entities: list[Entity]
    facts: list[Fact]
    mentions: list[tuple[Mention, tuple[str, str]]] = field(default_factory=list)


@dataclass
class Corpus:
    """Pages linked across each other: what the graph and the exporters read.

    Built by ``kg.link.registry.Registry.link_corpus`` (a build adds pages to a
    ``Registry`` as they stream and holds no Corpus); entity keys are unique across the corpus.
    """

    pages: list[PageMeta] = field(default_factory=list)
    articles: dict[str, list[Article]] = field(default_factory=dict)  # by page source
    entities: list[Entity] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    # (mention, page source, entity key): provenance of every node
    mentions: list[tuple[Mention, str, tuple[str, str]]] = field(default_factory=list)

"""Read a saved web page: its main text and what its metadata says (title, date, site).

Government and party sites wrap each article in navigation, breadcrumbs, a
sidebar of other headlines, share buttons, a footer with the ICP number,
scripts and styles. trafilatura (Apache-2.0; maintained, and the best of the
open main-text extractors in its authors' and others' comparisons) finds the
article's own text, so none of that reaches recognition. The page is handed
on in the shape kg reads a web article in: the headline, a blank line, the
body. A page where no main text is found is an ``InputError``, not an empty
page.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import PageMeta
from kg.text.read import decode_page

logger = logging.getLogger(__name__)

WEB_SUFFIXES = (".html", ".htm")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# trafilatura's threshold below which it distrusts what it found (250 characters) is
# made for alphabetic text; a short Chinese report of 50 characters is a whole article.
MIN_EXTRACTED_SIZE = 50
# An article states something: main text without one sentence end is furniture (a
# date-and-source line, a list of links) that the extractor fell back on.
_SENTENCE_END = re.compile(r"[。！？!?]")
# What a <title> adds after the headline: "headline_site", "headline - site", "headline | site".
_TITLE_TAIL = r"\s*[-_|–—丨｜]\s*{site}\s*$"


@lru_cache(maxsize=1)
def _config() -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(MIN_EXTRACTED_SIZE))
    return config


@dataclass(frozen=True)
class WebPage:
    """The main text of a saved web page and its metadata."""

    text: str  # the headline, a blank line, the body
    title: str | None
    date: str | None  # ISO 8601, "2023-03-24"
    site: str | None
    url: str | None


def is_web_page(name: str) -> bool:
    """Whether a file named ``name`` is a saved web page (``*.html``/``*.htm``, any case)."""
    return name.lower().endswith(WEB_SUFFIXES)


def read_web_page(html: str, path: Path | str = "<html>") -> WebPage:
    """The main text, title, date, site name and address of the HTML page ``html``.

    Raises:
        InputError: no main text is found (a page of links, a frameset, a
            page its scripts fill in), or the text is not HTML.
    """
    # imported by the first web page: trafilatura and lxml add 30 MB and 0.2 s to every start
    import trafilatura
    from trafilatura.settings import Document

    try:
        found = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=True,  # a sidebar of headlines is worse than a lost line
            config=_config(),
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError) as e:  # trafilatura's own parse errors
        raise InputError(f"{path}: cannot be read as HTML ({e})") from e
    doc: dict[str, Any] = found.as_dict() if isinstance(found, Document) else {}
    body = (doc.get("text") or "").strip()
    if not _SENTENCE_END.search(body):
        raise InputError(
            f"{path}: no main text found in this web page (only navigation, links, "
            "scripts or a line of no sentence); expected a saved article page"
        )
    site = _clean(doc.get("sitename"))
    title = _headline(_clean(doc.get("title")), site)
    date = doc.get("date")
    date = date if isinstance(date, str) and _ISO_DATE.fullmatch(date) else None
    text = f"{title}\n\n{body}\n" if title else f"{body}\n"
    text, _encoding = decode_page(text.encode("utf-8"), path)  # newlines, control characters
    return WebPage(text=text, title=title, date=date, site=site, url=_clean(doc.get("url")))


def with_web_meta(meta: PageMeta, page: WebPage) -> PageMeta:
    """``meta`` (from a manifest row, which wins) completed by the page's own metadata."""
    return replace(
        meta,
        date=meta.date or page.date,
        newspaper=meta.newspaper or page.site,
        url=meta.url or page.url,
    )


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def _headline(title: str | None, site: str | None) -> str | None:
    """The title without the site name a ``<title>`` appends to it."""
    if title and site:
        title = re.sub(_TITLE_TAIL.format(site=re.escape(site)), "", title) or title
    return title

"""Read a crawl file: one article a record, in JSON Lines (``*.jsonl``) or CSV (``*.csv``).

Crawlers and scraping tools export the articles they fetched with a title,
a date, the site or source, the address and the body, under names that vary
(``content``, ``text``, ``正文``, ``发布时间``…). The usual names are
recognised (``kg/data/text/crawl_fields.csv``); others are given as a mapping, e.g.
``parse_field_map("body=content,title=headline")``. Each record becomes the
text of one page in the shape kg reads a web article in (headline, blank
line, body) with its metadata. A record that cannot be used (a line that is
not JSON, an empty body) is returned as a ``BadRecord`` with its reason; a
file that cannot be used at all (a CSV with no body column) is an
``InputError``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date as Date
from functools import cache
from pathlib import Path

from kg.errors import InputError
from kg.lexicon.tables import load_table

CRAWL_SUFFIXES = (".jsonl", ".csv")
FIELDS = ("body", "title", "date", "source", "url")  # what kg reads from a record
_DATE = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})")


@dataclass(frozen=True)
class CrawlRecord:
    """One article of a crawl file."""

    number: int  # line of a JSON Lines file, record (from 1) of a CSV
    text: str  # the headline, a blank line, the body
    title: str | None
    date: str | None  # ISO 8601, "2023-03-24"
    source: str | None
    url: str | None


@dataclass(frozen=True)
class BadRecord:
    """A record that cannot be a page, and why."""

    number: int
    reason: str


def is_crawl_file(name: str) -> bool:
    """Whether a file named ``name`` is a crawl file (``*.jsonl``/``*.csv``, any case)."""
    return name.lower().endswith(CRAWL_SUFFIXES)


def parse_field_map(spec: str) -> dict[str, str]:
    """``"body=content,title=headline"`` as ``{"body": "content", "title": "headline"}``.

    Raises:
        InputError: an item is not ``field=name`` or names a field kg does not use.
    """
    mapping: dict[str, str] = {}
    for item in filter(None, (s.strip() for s in spec.split(","))):
        field, eq, name = (s.strip() for s in item.partition("="))
        if not eq or not name:
            raise InputError(f"field mapping {item!r} is not field=name (e.g. body=content)")
        if field not in FIELDS:
            raise InputError(f"field {field!r} is not one of {', '.join(FIELDS)}")
        mapping[field] = name
    return mapping


def read_crawl(
    text: str, path: Path, *, fields: Mapping[str, str] | None = None
) -> tuple[list[CrawlRecord], list[BadRecord]]:
    """The articles of a crawl file and its records that cannot be one.

    Args:
        text: the file's text (``kg.text.read.decode_page``).
        path: the file; its suffix says JSON Lines or CSV.
        fields: the record's name of each field kg uses, where not a usual one.

    Raises:
        InputError: (CSV) the header has no body column.
    """
    if path.name.lower().endswith(".csv"):
        rows = _csv_rows(text, path, fields or {})
    else:
        rows = _jsonl_rows(text)
    records: list[CrawlRecord] = []
    bad: list[BadRecord] = []
    for number, row in rows:
        if isinstance(row, str):
            bad.append(BadRecord(number, row))
            continue
        record = _record(number, row, fields or {})
        if isinstance(record, str):
            bad.append(BadRecord(number, record))
        else:
            records.append(record)
    return records, bad


def _jsonl_rows(text: str) -> list[tuple[int, dict[str, object] | str]]:
    """Each line's object, or why it is not one; blank lines are passed over."""
    rows: list[tuple[int, dict[str, object] | str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            rows.append((number, f"not JSON ({e.msg} at column {e.colno}); expected one object"))
            continue
        if isinstance(row, dict):
            rows.append((number, row))
        else:
            rows.append((number, f"a JSON {type(row).__name__}, expected an object"))
    return rows


def _csv_rows(
    text: str, path: Path, fields: Mapping[str, str]
) -> list[tuple[int, dict[str, object] | str]]:
    """Each record of a CSV file with a header.

    Raises:
        InputError: the header has no column for the body.
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h for h in (reader.fieldnames or []) if h is not None]
    if _column(header, "body", fields) is None:
        wanted = fields.get("body") or "/".join(field_names("body")[:3])
        raise InputError(
            f"{path}: no body column in its header ({', '.join(header) or 'empty'}); "
            f"expected {wanted} (or name it with --fields body=COLUMN)"
        )
    return [(n, dict(row)) for n, row in enumerate(reader, start=1)]


def _column(names: list[str], field: str, fields: Mapping[str, str]) -> str | None:
    """The name ``names`` give ``field``: the one mapped, else the first usual one."""
    if field in fields:
        return fields[field] if fields[field] in names else None
    by_lower = {n.strip().lower(): n for n in names}
    return next((by_lower[n] for n in field_names(field) if n in by_lower), None)


def _record(number: int, row: dict[str, object], fields: Mapping[str, str]) -> CrawlRecord | str:
    """The article of one record, or why it is none."""
    names = [str(k) for k in row]
    value = {
        f: _text(row.get(c)) if c else None for f in FIELDS for c in [_column(names, f, fields)]
    }
    body = value["body"]
    if body is None:
        wanted = fields.get("body") or "/".join(field_names("body")[:3])
        if _column(names, "body", fields) is None:
            return (
                f"no {wanted} field (it has {', '.join(names) or 'none'}); expected the "
                "article's text (name its field with --fields body=NAME)"
            )
        return f"an empty {wanted} field; expected the article's text"
    title = " ".join(value["title"].split()) if value["title"] else None
    text = f"{title}\n\n{body}\n" if title else f"{body}\n"
    return CrawlRecord(number, text, title, iso_date(value["date"]), value["source"], value["url"])


@cache
def field_names(field: str) -> tuple[str, ...]:
    """The usual names of ``field`` in crawl exports, lower case, in the table's order."""
    table = load_table("text/crawl_fields.csv")
    return tuple(r["name"].lower() for r in table.records("name", "field") if r["field"] == field)


def _text(value: object) -> str | None:
    """A field's text, trimmed; None when empty or not text."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = str(value).replace("\r\n", "\n").strip()
        return text or None
    return None


def iso_date(value: str | None) -> str | None:
    """``2023-03-24``, ``2023/3/24 10:00`` or ``2023年3月24日`` as ``2023-03-24``; None if no real date."""
    match = _DATE.search(value or "")
    if match is None:
        return None
    try:
        return Date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None

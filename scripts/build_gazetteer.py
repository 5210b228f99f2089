#!/usr/bin/env python3
"""Derive kg's compact place table from jionlp's five-level gazetteer.

Source: ``jionlp/dictionary/china_location.zip`` (china_location.txt) of the
``jionlp`` package on PyPI (version recorded in the output header), itself
compiled from the National Bureau of Statistics' division codes: province,
city and county carry GB/T 2260 codes; towns and villages carry names only.

The output ``kg/data/places/china_location.csv.gz`` keeps the tree as CSV
rows ``level,name,code,short`` in depth-first order (a row's parent is the
nearest earlier row of a higher level), read by ``kg.lexicon.tables`` like
every other table: its ``# source: jionlp`` line names the source of all its
rows (``kg/data/SOURCES.csv``). The city level that
jionlp repeats for the four municipalities (上海市/上海市) is dropped, so
their districts hang off the municipality directly. Written with a fixed
gzip mtime, so rebuilding from the same jionlp gives identical bytes.

It also writes ``kg/data/text/common_words.csv``: the two- to
four-character Chinese words of jionlp's corpus word counts
(``dictionary/word_distribution.zip``) seen at least COMMON_MIN times; the
recogniser reads them as "an ordinary word, not a bare name" (新店 is rare
enough to be a town's short form, 团结 and 管理 are not).

usage: python scripts/build_gazetteer.py [OUT]
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import zipfile
from datetime import date
from pathlib import Path

from jionlp_tables import SOURCE_LINE, jionlp_dictionary, jionlp_version, sourced_csv

COMMON_MIN = 15000
CJK_WORD = re.compile(r"[\u4e00-\u9fff]+")
LEVELS = ("province", "city", "county", "town", "village")
DATA = Path(__file__).resolve().parents[1] / "kg" / "data"
OUT = DATA / "places" / "china_location.csv.gz"
COMMON_WORDS = DATA / "text" / "common_words.csv"


def rows(lines: list[str]) -> list[tuple[str, str, str, str]]:
    """The tree rows, municipality duplicates removed."""
    out: list[tuple[str, str, str, str]] = []
    province = ""
    skip_city = False
    for line in lines:
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        fields = line.strip().split("\t")
        name = fields[0]
        code = fields[1] if len(fields) > 1 else ""
        short = fields[2] if len(fields) > 2 else ""
        if depth == 0:
            province = name
        if depth == 1:
            skip_city = name == province
            if skip_city:
                continue
        out.append((LEVELS[depth], name, code, short))
    return out


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    with zipfile.ZipFile(jionlp_dictionary() / "china_location.zip") as zf:
        text = zf.read("china_location.txt").decode("utf-8")
    table = rows(text.splitlines())
    version = jionlp_version()
    about = f"jionlp {version} dictionary/china_location.zip; built {date.today()}"
    text = sourced_csv(about, ("level", "name", "code", "short"), table)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))
    print(f"{len(table)} places -> {out}")
    # a custom OUT gets its common words next to it, the default one in kg/data/text
    write_common_words(COMMON_WORDS if out == OUT else out.parent / "common_words.csv", version)


def write_common_words(out: Path, version: str) -> None:
    """Frequent 2-4 character words of jionlp's word counts, one per line under a ``word`` header."""
    words = []
    with zipfile.ZipFile(jionlp_dictionary() / "word_distribution.zip") as zf:
        name = next(n for n in zf.namelist() if n.endswith(".json"))
        for line in zf.read(name).decode("utf-8").splitlines():
            line = line.strip().rstrip(",")
            if not line.startswith("["):
                continue
            try:
                word, count = json.loads(line)
            except ValueError:
                continue
            if 2 <= len(word) <= 4 and CJK_WORD.fullmatch(word) and count >= COMMON_MIN:
                words.append(word)
    header = (
        f"{SOURCE_LINE}# jionlp {version} dictionary/word_distribution.zip, words of 2-4 CJK "
        f"characters counted at least {COMMON_MIN} times; built {date.today()}\nword\n"
    )
    out.write_text(header + "\n".join(sorted(set(words))) + "\n", encoding="utf-8")
    print(f"{len(words)} common words -> {out}")


if __name__ == "__main__":
    main()

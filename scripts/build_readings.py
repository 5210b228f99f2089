#!/usr/bin/env python3
"""Derive kg's table of character readings (toneless pinyin) from jionlp's character dictionary.

Source: ``jionlp/dictionary/chinese_char_dictionary.txt`` of the ``jionlp``
package on PyPI (Apache-2.0; version recorded in the output header): each
line holds a character and its dictionary entry, whose readings stand in
brackets (``[huī]1.阳光…``). The output ``kg/data/people/readings.csv`` keeps
``char,readings`` rows, the readings without tones (ü written ``v``) and
joined by ``|``; linking reads it to tell a name misprinted by a homophone
(吕朝辉 for 吕朝晖) from another person.

usage: python scripts/build_readings.py [OUT]
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import io
import re
import sys
import unicodedata
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "kg" / "data" / "people" / "readings.csv"
SOURCE_LINE = "# source: jionlp\n"
READING = re.compile(r"\[([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+)\]")


def jionlp_dictionary() -> Path:
    """Folder of jionlp's dictionaries, found without importing jionlp (slow)."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("jionlp is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary"


def toneless(reading: str) -> str:
    """``huī`` -> ``hui``; ``lǜ`` -> ``lv``."""
    base = unicodedata.normalize("NFD", reading.lower()).replace("u\u0308", "v")
    return "".join(c for c in base if not unicodedata.combining(c))


def readings(text: str) -> list[tuple[str, str]]:
    """(character, readings) of every one-character entry, readings in entry order."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) < 8 or len(fields[0]) != 1:
            continue
        found = out.setdefault(fields[0], [])
        for r in READING.findall(fields[7]):
            if toneless(r) not in found:
                found.append(toneless(r))
    return [(c, "|".join(rs)) for c, rs in out.items() if rs]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    text = (jionlp_dictionary() / "chinese_char_dictionary.txt").read_text(encoding="utf-8")
    table = readings(text)
    version = importlib.metadata.version("jionlp")
    buf = io.StringIO()
    buf.write(SOURCE_LINE)
    buf.write(f"# jionlp {version} dictionary/chinese_char_dictionary.txt; built {date.today()}\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(("char", "readings"))
    writer.writerows(table)
    out.write_text(buf.getvalue(), encoding="utf-8")
    print(f"{len(table)} characters -> {out}")


if __name__ == "__main__":
    main()

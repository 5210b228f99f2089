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

import re
import sys
import unicodedata
from datetime import date
from pathlib import Path

from jionlp_tables import jionlp_dictionary, jionlp_version, sourced_csv

OUT = Path(__file__).resolve().parents[1] / "kg" / "data" / "people" / "readings.csv"
READING = re.compile(r"\[([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+)\]")


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
    about = (
        f"jionlp {jionlp_version()} dictionary/chinese_char_dictionary.txt; built {date.today()}"
    )
    out.write_text(sourced_csv(about, ("char", "readings"), table), encoding="utf-8")
    print(f"{len(table)} characters -> {out}")


if __name__ == "__main__":
    main()

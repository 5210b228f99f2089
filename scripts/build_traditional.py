#!/usr/bin/env python3
"""Derive kg's traditional -> simplified character table from jionlp's.

Source: ``jionlp/dictionary/tra2sim_char.txt`` of the ``jionlp`` package on
PyPI (Apache-2.0; version recorded in the output header): one traditional
character and its simplified form per line. The output
``kg/data/text/traditional.csv`` keeps every pair as a CSV row
``traditional,simplified``, in jionlp's order, read by ``kg.lexicon.tables``
like every other table: its ``# source: jionlp`` line names the source of all
its rows (``kg/data/SOURCES.csv``). The cleaning step
``kg.text.normalise.normalise_characters`` reads it; the characters that are
also standard simplified characters (著, 覆, 乾…) are left out there, from
the ``simplified_too`` row of ``text/characters.csv``, not here.

usage: python scripts/build_traditional.py [OUT]
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from jionlp_tables import jionlp_dictionary, jionlp_version, sourced_csv

OUT = Path(__file__).resolve().parents[1] / "kg" / "data" / "text" / "traditional.csv"


def pairs(text: str) -> list[tuple[str, str]]:
    """The (traditional, simplified) pairs of single characters, first one of a repeated key."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.strip().split("\t")
        if len(fields) == 2 and len(fields[0]) == 1 and len(fields[1]) == 1:
            out.setdefault(fields[0], fields[1])
    return list(out.items())


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    text = (jionlp_dictionary() / "tra2sim_char.txt").read_text(encoding="utf-8")
    table = pairs(text)
    about = f"jionlp {jionlp_version()} dictionary/tra2sim_char.txt; built {date.today()}"
    out.write_text(sourced_csv(about, ("traditional", "simplified"), table), encoding="utf-8")
    print(f"{len(table)} traditional characters -> {out}")


if __name__ == "__main__":
    main()

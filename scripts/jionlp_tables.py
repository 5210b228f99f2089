"""What kg's table-building scripts share: jionlp's dictionaries, and a table written with its source.

Each ``scripts/build_*.py`` derives one of ``kg/data``'s tables from a
dictionary of the ``jionlp`` package; the table opens with the ``# source:
jionlp`` line (its id in ``kg/data/SOURCES.csv``) and a line naming the file
and version it came from.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import io
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

SOURCE_LINE = "# source: jionlp\n"


def jionlp_dictionary() -> Path:
    """Folder of jionlp's dictionaries, found without importing jionlp (slow)."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("jionlp is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary"


def jionlp_version() -> str:
    """The installed jionlp's version, which a table names."""
    return importlib.metadata.version("jionlp")


def sourced_csv(about: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """CSV text: the source line, ``about`` as ``#`` lines, the header, the rows."""
    buf = io.StringIO()
    buf.write(SOURCE_LINE)
    buf.writelines(f"# {line}\n" for line in about.splitlines())
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()

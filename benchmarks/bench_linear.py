"""Time to extract one hostile page, by its length: is every stage linear?

    .venv/bin/python benchmarks/bench_linear.py                 # 12.5, 50 and 200 KB of each shape
    .venv/bin/python benchmarks/bench_linear.py --kb 200 --repeats 3

Each shape is a page an attacker or a broken export could hand kg; issue 17's
reproduction is the first (one agency name printed 20,000 times with no
break). For each shape and size the script prints the median wall time of
``kg.extract_page`` (the pipeline already loaded) and, last, how the time per
character of the largest page compares with the smallest: about 1 when the
stages are linear, the size ratio (16 for 12.5 → 200 KB) when one is quadratic.
The bar of issue 17: the 200 KB repeated-name page extracts in under 10 s.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

NAME = "昭通市政务服务管理局"


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda chars: unit * (chars // len(unit))


SHAPES: dict[str, Callable[[int], str]] = {
    "one name, no break (issue 17)": _repeat(NAME),
    "one name per sentence": _repeat(NAME + "召开会议。"),
    "one name per line": _repeat(NAME + "\n"),
    "a list of names, no sentence end": _repeat("张三、李四、王五、鲁甸县龙头山镇、"),
    "a post sentence, repeated": _repeat("市人社局局长张三到永善县溪洛渡街道调研，"),
}


@cache
def _nlp() -> Language:
    from kg.recognise.pipeline import build_nlp

    return build_nlp()


def extract_seconds(text: str, repeats: int) -> float:
    """Median wall time of extracting ``text`` as one page."""
    from kg.extract import extract_page
    from kg.model import PageMeta

    nlp = _nlp()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        extract_page(text, PageMeta(source="hostile.txt"), nlp)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=float, nargs="+", default=[12.5, 50, 200],
                        help="page sizes in KB of UTF-8 (3 bytes a character)")  # fmt: skip
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    sizes = sorted(int(kb * 1000 / 3) for kb in args.kb)
    logging.disable(logging.WARNING)  # "no article found" on most shapes: expected here
    extract_seconds(NAME, 1)  # load the pipeline and its tables once
    print(
        "| shape | " + " | ".join(f"{c * 3 / 1000:.1f} KB" for c in sizes) + " | per-char ratio |"
    )
    print("|---|" + "---:|" * (len(sizes) + 1))
    for label, make in SHAPES.items():
        secs = [extract_seconds(make(c), args.repeats) for c in sizes]
        ratio = (secs[-1] / sizes[-1]) / (secs[0] / sizes[0]) if secs[0] else float("nan")
        cells = " | ".join(f"{s:.2f} s" for s in secs)
        print(f"| {label} | {cells} | {ratio:.2f} |", flush=True)


if __name__ == "__main__":
    main()

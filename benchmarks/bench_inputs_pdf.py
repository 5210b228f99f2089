"""Benchmark PDF input beside text input: the seed pages, and the same pages set as PDFs.

Run:
    .venv/bin/python benchmarks/bench_inputs_pdf.py               # 3 repeats
    .venv/bin/python benchmarks/bench_inputs_pdf.py --keep /tmp/pdfs

Each seed page is set as a one-page newspaper PDF by ``tests/pdf_pages.py``
(4 columns, its article titles as headlines in a larger font, a jump line),
named like its text file so both extract to the same page files. Prints, for
text and for PDF: reading alone (file to page text) and whole extraction
(``kg extract``), in pages/s and chars/s of page text, and, when the gold of
``../shared/gold`` is there, both scored against it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.corpus.inputs import page_text  # noqa: E402
from kg.evaluate import score  # noqa: E402
from kg.extract import extract_files, iter_pages  # noqa: E402
from kg.recognise.pipeline import build_nlp  # noqa: E402
from tests.pdf_pages import page_pdf  # noqa: E402

SEEDS = ROOT / "seeds"
GOLD = ROOT.parent / "shared" / "gold"


def make_pdfs(folder: Path, nlp: object) -> list[Path]:
    """Each seed page as ``<stem>.pdf`` in ``folder``, with the seeds' manifest renamed."""
    with tempfile.TemporaryDirectory() as tmp:
        extract_files([SEEDS], Path(tmp), nlp=nlp)  # type: ignore[arg-type]
        titles = {
            p.stem: {a["title"] for a in json.loads(p.read_text("utf-8"))["articles"]}
            for p in Path(tmp).glob("*.json")
        }
    for page in iter_pages([SEEDS]):
        text = page.read_text(encoding="utf-8")
        (folder / f"{page.stem}.pdf").write_bytes(page_pdf(text, titles[page.stem], columns=4))
    manifest = (SEEDS / "manifest.csv").read_text(encoding="utf-8")
    (folder / "manifest.csv").write_text(manifest.replace(".txt,", ".pdf,"), encoding="utf-8")
    return sorted(folder.glob("*.pdf"))


def read_rate(pages: list[Path], repeats: int) -> tuple[float, int]:
    """Median seconds to read every page to text, and the characters read."""
    times, chars = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        chars = sum(len(page_text(p, p.name)) for p in pages)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), chars


def extract_rate(pages: list[Path], nlp: object, repeats: int, out: Path) -> float:
    """Median seconds of ``kg extract`` of the pages (pipeline loaded)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        skipped = extract_files(pages, out, nlp=nlp)  # type: ignore[arg-type]
        times.append(time.perf_counter() - t0)
        assert not skipped, skipped
    return statistics.median(times)


def scores(out: Path) -> str:
    """Entity and article F1 of a folder of page files against the gold, or why not."""
    if not GOLD.is_dir():
        return f"(no gold at {GOLD})"
    pairs = [
        (json.loads(g.read_text("utf-8")), json.loads((out / g.name).read_text("utf-8")))
        for g in sorted(GOLD.glob("*.json"))
        if (out / g.name).exists()
    ]
    report = score(pairs)
    return (
        f"entity F1 {report['ent']['ALL']['f1']:.3f}, articles F1 {report['art']['ALL']['f1']:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the PDFs here (kept)")
    args = parser.parse_args()
    nlp = build_nlp()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "pdf"
        folder.mkdir(parents=True, exist_ok=True)
        kinds = {"text": iter_pages([SEEDS]), "pdf": make_pdfs(folder, nlp)}
        print(f"{len(kinds['text'])} seed pages; median of {args.repeats} runs")
        for kind, pages in kinds.items():
            out = Path(tmp) / f"out-{kind}"
            out.mkdir()
            read_s, chars = read_rate(pages, args.repeats)
            extract_s = extract_rate(pages, nlp, args.repeats, out)
            n = len(pages)
            print(
                f"{kind:>4}: read {n / read_s:8.1f} pages/s {chars / read_s:12,.0f} chars/s | "
                f"extract {n / extract_s:5.2f} pages/s {chars / extract_s:8,.0f} chars/s | "
                f"{scores(out)}"
            )


if __name__ == "__main__":
    main()

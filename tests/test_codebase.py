"""The shape of the code (issue 15): small modules, classes and functions, a tree that shows the pipeline."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KG = ROOT / "kg"
MODULE_MAX, CLASS_MAX, FUNCTION_MAX = 500, 300, 60
STAGES = ("text", "recognise", "lexicon", "link", "relate", "graph", "export", "store", "corpus")
SOURCES = sorted(KG.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(KG)))
def test_codebase_units_are_small(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MODULE_MAX, f"{path} has more than {MODULE_MAX} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            most = CLASS_MAX if isinstance(node, ast.ClassDef) else FUNCTION_MAX
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            assert size <= most, (
                f"{path}:{node.lineno} {node.name} is {size} lines (at most {most})"
            )


def test_codebase_tree_shows_the_pipeline() -> None:
    packages = {p.parent.name for p in KG.glob("*/__init__.py")}
    assert packages == set(STAGES)
    top = {p.stem for p in KG.glob("*.py")}
    assert top <= {"__init__", "atomic", "cli", "errors", "evaluate", "explore", "extract",
                   "intervals", "model", "resources"}  # fmt: skip


def test_codebase_readme_layout_names_every_package() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    for stage in STAGES:
        assert f"kg/{stage}/" in layout, f"README's layout table does not name kg/{stage}/"


DOCS = (
    sorted(p for p in ROOT.glob("*.md"))
    + sorted((ROOT / "benchmarks").glob("*.md"))
    + sorted((ROOT / "docs").glob("*.md"))
)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_codebase_docs_repeat_no_section(path: Path) -> None:
    """A scripted edit that pasted one section between every character of the benchmarks README
    grew it to 32 MB; a document is short and names each section once."""
    text = path.read_text(encoding="utf-8")
    assert len(text) < 200_000, f"{path} is {len(text):,} characters"
    headings = [line for line in text.splitlines() if line.startswith("#")]
    repeated = sorted({h for h in headings if headings.count(h) > 1})
    assert not repeated, f"{path} repeats {repeated}"

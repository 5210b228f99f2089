"""The lexicon: one loader reads every table of kg/data, every row names its source, and
no CJK word list is left in the code."""

from __future__ import annotations

import ast
import gzip
import re
from pathlib import Path

import pytest

import kg.lexicon.gazetteer
import kg.link.page
import kg.relate.page
from kg.errors import ModelError
from kg.lexicon import tables

ROOT = Path(__file__).resolve().parent.parent
KG = ROOT / "kg"
DATA = KG / "data"
NOT_TABLES = ("html",)  # the HTML page's template and assets (kg.export.html), not tables

CJK = re.compile(r"[\u3400-\u9fff]")
CHAR_CLASS = re.compile(r"\[(?:\\.|[^\]\\])*\]")
CHARSET_CALLS = ("set", "frozenset", "tuple")
CHARSET_METHODS = ("strip", "lstrip", "rstrip")

# Literals allowed to stay in code, each for a reason (path, a phrase of the literal).
ALLOWED = {
    # the title kg writes for an article printed without one: output text, not a word list
    ("kg/text/split.py", "标题未印出"),
    # example IRIs in the generated ontology page: documentation, not a word list
    ("kg/export/ontology_doc.py", "昭通市政务服务管理局"),
}


def data_tables() -> list[str]:
    """Every file under kg/data that is a table, as its name for ``load_table``."""
    return sorted(
        p.relative_to(DATA).as_posix()
        for p in DATA.rglob("*")
        if p.is_file() and p.relative_to(DATA).parts[0] not in NOT_TABLES
    )


def code_strings() -> set[str]:
    """Every string constant of kg's modules."""
    return {
        node.value
        for path in KG.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


# -- the loader ----------------------------------------------------------------------


def test_lexicon_every_data_file_is_a_table_some_module_loads() -> None:
    names = data_tables()
    assert "SOURCES.csv" in names and "organs/names.csv" in names
    strings = code_strings()
    for name in names:
        assert name.endswith((".csv", ".csv.gz")), name
        assert name in strings, f"no module of kg names the table {name}"
        table = tables.read_table(name)
        assert table.rows, name


def test_lexicon_every_row_names_a_known_source_and_every_source_is_named() -> None:
    known = set(tables.sources())
    named: set[str] = set()
    for name in data_tables():
        if name == tables.SOURCES_TABLE:
            continue
        table = tables.load_table(name)
        for i in range(len(table.rows)):
            ids = set(table.sources(i))
            assert ids <= known, (name, table.lines[i], ids - known)
            named |= ids
    assert named == known


def test_lexicon_every_use_a_table_lists_is_read_by_the_code() -> None:
    strings = code_strings()
    for name in data_tables():
        table = tables.load_table(name)
        if "uses" not in table.columns:
            continue
        uses = {u for value in table.column("uses") for u in value.split("|")}
        assert "" not in uses, f"{name}: a row lists no use"
        assert uses <= strings, f"{name}: nothing reads the uses {sorted(uses - strings)}"


def test_lexicon_tables_are_read_once() -> None:
    assert tables.load_table("organs/names.csv") is tables.load_table("organs/names.csv")


def _write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("a,b,general\nc,general\n", "line 4: 2 fields, expected 3"),
        ("a,b,general\nc, d,general\n", "line 4: a field starts or ends with white space"),
        ('a,b,general\n"c,d,general\n', "line 4: unbalanced quote"),
        ("a,b,general\nc,d,nowhere\n", r"line 4: unknown source \['nowhere'\]"),
        ("a,b,general\nc,d,\n", "line 4: the source is blank"),
    ],
)
def test_lexicon_malformed_row_error_names_file_and_line(
    tmp_path: Path, rows: str, message: str
) -> None:
    path = _write(tmp_path, "# a comment\nword,uses,source\n" + rows)
    with pytest.raises(ModelError, match=f"{re.escape(str(path))}, {message}"):
        tables.read_table(path.name, path=path)


def test_lexicon_table_without_source_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "word\na\n")
    with pytest.raises(ModelError, match="t.csv: no source column"):
        tables.read_table(path.name, path=path)
    with pytest.raises(ModelError, match="missing.csv"):
        tables.read_table("missing.csv", path=tmp_path / "missing.csv")


def test_lexicon_source_line_names_the_source_of_a_generated_table(tmp_path: Path) -> None:
    path = tmp_path / "t.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("# source: jionlp\n# built by a script\nword\n一一\n一万\n")
    table = tables.read_table(path.name, path=path)
    assert table.columns == ("word",) and table.column("word") == ("一一", "一万")
    assert table.sources(1) == ("jionlp",) and table.lines == (4, 5)
    bad = _write(tmp_path, "# source: nowhere\nword\na\n")
    with pytest.raises(ModelError, match="unknown source"):
        tables.read_table(bad.name, path=bad)


def test_lexicon_rows_for_a_use_keep_file_order() -> None:
    table = tables.parse_table("word,uses\na,x|y\nb,y\nc,x\n", "t.csv")
    assert table.column("word", use="x") == ("a", "c")
    assert table.column("word", use="y") == ("a", "b")
    assert table.records()[1] == {"word": "b", "uses": "y"}


def test_lexicon_one_ranking_of_place_levels() -> None:
    rank = tables.level_rank()
    # link and relate rank levels only through tables.rank (an unknown level ranks below all)
    assert [tables.rank(level) for level in rank] == list(rank.values())
    assert tables.rank(None) == tables.rank("unknown") == max(rank.values()) + 1
    for module in (kg.link, kg.relate):
        for path in Path(module.__file__).parent.glob("*.py"):
            assert "level_rank(" not in path.read_text(encoding="utf-8"), path
    gazetteer = kg.lexicon.gazetteer
    assert gazetteer.LEVELS[0] == "country" and gazetteer.LEVELS[-1] == "area"
    assert all(rank[level] == i for i, level in enumerate(gazetteer.LEVELS))
    assert rank["community"] == rank["village"] > rank["town"]


def test_lexicon_accessors_give_typed_rows() -> None:
    organs = {o.name: o for o in tables.organs()}
    assert organs["国务院"].standalone and "recognise" in organs["国务院"].uses
    assert "misprint" in organs["人民政府办公室"].uses
    expand = {a.abbreviation: a.full for a in tables.abbreviations() if "expand" in a.uses}
    assert expand["人社局"] == "人力资源和社会保障局"
    assert "王" in tables.surnames("person") and "王" in tables.surnames("author")
    title = next(r for r in tables.roles("title") if r.word == "总书记")
    assert title.body == "中共中央" and "post" in title.uses
    assert re.fullmatch(tables.pattern("one_person"), "一名")
    with pytest.raises(ModelError, match="no row named"):
        tables.chars("nothing")


# -- no answers copied from the seed pages -------------------------------------------------

SEEDS = ROOT / "seeds"
SEED_MIN = 4  # CJK characters: shorter entries are words any page shares with the seeds
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
# kg's annotation guidelines were written on the seed pages: they cannot vouch for a seed phrase
OWN_SOURCES = ("guidelines",)


def uncited_sources() -> set[str]:
    """Source ids that cite nothing outside kg: general knowledge and the guidelines."""
    own = {s.id for s in tables.sources().values() if not s.reference}
    return own | set(OWN_SOURCES)


def seed_text() -> str:
    """The seed pages' text without white space (a phrase may be broken over lines)."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    return re.sub(r"\s+", "", text)


def entries(value: str) -> set[str]:
    """The entries of one field: the field itself and each run of CJK characters in it
    (the literal words of a pattern, both sides of 党章=中国共产党章程)."""
    return {value, *CJK_RUN.findall(value)}


def seed_entries(table: tables.Table, seeds: str, uncited: set[str]) -> list[str]:
    """``line: entry`` of each row of ``table`` whose long entry occurs in ``seeds`` and
    whose sources cite nothing outside kg."""
    found = []
    for i, row in enumerate(table.rows):
        if not set(table.sources(i)) <= uncited:
            continue
        for value in row:
            for entry in sorted(entries(value)):
                if len(CJK.findall(entry)) >= SEED_MIN and entry in seeds:
                    found.append(f"{table.lines[i]}: {entry}")
    return found


def test_lexicon_seed_check_flags_an_uncited_seed_phrase(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "word,source\n蓝莓示范工程,general\n星光工程,general\n工程,general\n"
        "蓝莓示范工程,gbt2260\n蓝莓示范工程,guidelines\n(?:蓝莓示范)\\s*工程,general\n",
    )
    uncited = uncited_sources()
    assert {"general", "guidelines"} <= uncited and "gbt2260" not in uncited
    found = seed_entries(tables.read_table(path.name, path=path), "今年启动蓝莓示范工程。", uncited)
    assert found == ["2: 蓝莓示范工程", "6: 蓝莓示范工程", "7: 蓝莓示范"]


def test_lexicon_no_uncited_table_entry_is_a_seed_phrase() -> None:
    if not any(SEEDS.glob("*.txt")):
        pytest.skip(f"no seed pages in {SEEDS}")
    seeds, uncited = seed_text(), uncited_sources()
    found = []
    for name in data_tables():
        table = tables.load_table(name)
        if name == tables.SOURCES_TABLE or table.source:
            continue  # the generated tables (# source: jionlp) are another project's lists
        found += [f"{name}, line {hit}" for hit in seed_entries(table, seeds, uncited)]
    assert found == [], (
        "table entries of four or more characters that occur word for word in seeds/*.txt "
        "and cite only general knowledge: an entry copied from a page we measure on is the "
        "answer, not knowledge. Cite a real source for each (an id of kg/data/SOURCES.csv "
        "with a reference: a national document, a public organ list, a dictionary) or remove "
        "it:\n" + "\n".join(found)
    )


# -- no word lists in code ---------------------------------------------------------------


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _cjk_string(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(CJK.search(node.value))
    )


def _holds_cjk(node: ast.AST) -> bool:
    """A CJK string, or a display that holds one (a pair like ("街道", "town"))."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_cjk_string(e) for e in node.elts)
    return _cjk_string(node)


def _charset_strings(node: ast.AST) -> list[ast.Constant]:
    """String constants a call or comparison uses as a set of characters."""
    args: list[ast.AST] = []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in CHARSET_CALLS:
            args = node.args
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in CHARSET_METHODS:
            args = node.args
    elif isinstance(node, ast.Compare):
        args = [c for op, c in zip(node.ops, node.comparators, strict=True)
                if isinstance(op, ast.In | ast.NotIn)]  # fmt: skip
    return [
        c
        for a in args
        for c in ast.walk(a)
        if isinstance(c, ast.Constant)
        and isinstance(c.value, str)
        and len(CJK.findall(c.value)) >= 3
    ]


def word_lists(source: str) -> list[tuple[int, str]]:
    """``(line, literal)`` of every CJK word list in ``source`` outside docstrings."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            if sum(_holds_cjk(e) for e in node.elts) >= 2:
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Dict):
            if sum(_holds_cjk(e) for e in [*node.keys, *node.values] if e is not None) >= 2:
                found.append((node.lineno, ast.unparse(node)))
        found += [(c.lineno, c.value) for c in _charset_strings(node)]
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            text = node.value
            cjk = len(CJK.findall(text))
            in_class = any(len(CJK.findall(c)) >= 3 for c in CHAR_CLASS.findall(text))
            alternation = sum(bool(CJK.search(part)) for part in text.split("|")) >= 2
            if cjk >= 5 or in_class or alternation:
                found.append((node.lineno, text))
    return sorted(set(found))


@pytest.mark.parametrize(
    ("code", "flagged"),
    [
        ('X = ("镇", "乡", "街道", "苏木")', True),
        ('X = (("街道", "town"), ("社区", "community"))', True),
        ('X = {"全市": "city", "全县": "county"}', True),
        ('X = set("全本该各我")', True),
        ('ok = ch in "县州旗"', True),
        ('s = name.strip("文图摄")', True),
        ('X = re.compile(r"该(街道|社区|镇)$")', True),
        ('X = re.compile(r"(.)[没不对]\\1")', True),
        ('X = "人民代表大会"', True),
        ('ok = text.startswith("委员", pos)', False),
        ('ok = ch in "市省"', False),
        ('X = ("PLACE", "ORG")', False),
        ('X = re.compile(r"((?:19|20)\\d{2})年")', False),
        ('def f():\n    """人民代表大会常务委员会 (a docstring)."""', False),
        ("# 全本该各我两每外跨城都超这那此其\nX = 1", False),
    ],
)
def test_lexicon_word_list_check_flags_what_it_should(code: str, flagged: bool) -> None:
    assert bool(word_lists(code)) is flagged


def test_lexicon_no_cjk_word_list_left_in_code() -> None:
    found = []
    for path in sorted(KG.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for line, text in word_lists(path.read_text(encoding="utf-8")):
            if not any(rel == p and phrase in text for p, phrase in ALLOWED):
                found.append(f"{rel}:{line}: {text[:60]}")
    assert found == [], "CJK word lists in code (move them to kg/data):\n" + "\n".join(found)

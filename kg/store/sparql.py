"""The text of a SPARQL query: what kg refuses, parameters, and syntax errors a user can act on.

Everything here reads the query as text, with its comments, strings and IRIs
masked (``mask``) so that a keyword inside a string is not taken for one.
``check_query`` refuses updates and ``SERVICE`` (kg is offline by design)
before a query runs; ``bind_params`` adds ``--param`` values as a trailing
``VALUES`` clause, which leaves every position in the user's text where it
was; ``syntax_message`` turns Oxigraph's parser error into one line that
names the position in the user's own text and the unknown prefix or the
misspelt first keyword.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kg.errors import InputError, QueryError
from kg.graph.namespaces import PREFIXES

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset(
    ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
)


class QueryRefused(QueryError):
    """A query kg will not run: an update, or SERVICE without leave."""


_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_PROLOGUE = re.compile(r"\s*(?:BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_]\w*")
# SERVICE as a keyword: not part of a name, a variable or a prefixed name
_SERVICE = re.compile(r"(?<![^\W\d])(?<![?$:])SERVICE(?![\w:])", re.IGNORECASE)
_DECLARED = re.compile(r"PREFIX\s+([^\s:]*):", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_POSITION = re.compile(r"^error at (\d+):(\d+): ")
_CHAR_CLASS = re.compile(r"\[[^\]]*\]")  # the parser's character classes: ['0'..='9'], [_]


@dataclass(frozen=True)
class Masked:
    """A query with comments blanked and string and IRI contents blanked, same length and lines.

    ``plain_strings`` are the string literals that carry neither a language
    tag nor a datatype, as (offset, text).
    """

    text: str
    plain_strings: tuple[tuple[int, str], ...]


def _string_end(text: str, i: int) -> int:
    """The offset just past the string literal that starts at ``i`` (at its end if unclosed)."""
    quote = text[i] * 3 if text.startswith(text[i] * 3, i) else text[i]
    j = i + len(quote)
    while j < len(text):
        if text[j] == "\\":
            j += 2
        elif text.startswith(quote, j):
            return j + len(quote)
        elif len(quote) == 1 and text[j] == "\n":
            return j  # an unclosed short string ends at the line; the parser reports it
        else:
            j += 1
    return len(text)


def _blank(text: str) -> str:
    """``text`` with every character but line breaks turned into a space."""
    return re.sub(r"[^\n]", " ", text)


def mask(text: str) -> Masked:
    """Blank the comments of ``text`` and the contents of its strings and IRIs (see ``Masked``)."""
    out: list[str] = []
    plain: list[tuple[int, str]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            out.append(_blank(text[i:end]))
        elif ch in "\"'":
            end = _string_end(text, i)
            q = 3 if text.startswith(ch * 3, i) else 1
            out.append(text[i : i + q] + _blank(text[i + q : end - q]) + text[end - q : end])
            if not text.startswith(("@", "^^"), end):
                plain.append((i, text[i + q : end - q]))
        elif ch == "<" and (iri := _IRIREF.match(text, i)):
            end = iri.end()
            out.append("<" + _blank(text[i + 1 : end - 1]) + ">")
        else:
            end = i + 1
            out.append(ch)
        i = end
    return Masked("".join(out), tuple(plain))


def line_col(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _first_word(masked: str) -> tuple[str, int]:
    """The first word after the prologue (PREFIX and BASE lines) and its offset; ``""`` if none."""
    i = 0
    while m := _PROLOGUE.match(masked, i):
        i = m.end()
    word = _WORD.search(masked, i)
    if word is None or masked[i : word.start()].strip():
        rest = masked[i:].lstrip()
        return rest[:1], len(masked) - len(rest)
    return word.group(), word.start()


def check_query(text: str, *, allow_service: bool = False, tool: str = "kg query") -> None:
    """Refuse what kg does not run: an empty query, an update, a misspelt query form, SERVICE.

    Raises:
        QueryRefused: an update, or SERVICE without ``allow_service``.
        QueryError: the query is empty or does not start with a query form;
            each names the keyword and its line and column in ``text``.
    """
    masked = mask(text).text
    word, at = _first_word(masked)
    if not word:
        raise QueryError("the query is empty: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    line, col = line_col(text, at)
    if word.upper() in UPDATE_KEYWORDS:
        raise QueryRefused(
            f"{tool} is read-only: {word.upper()} (line {line}) starts a SPARQL update; "
            "only SELECT, ASK, CONSTRUCT and DESCRIBE queries run"
        )
    if word.upper() not in QUERY_FORMS:
        raise QueryError(
            f"SPARQL syntax error at line {line}, column {col}: expected SELECT, ASK, "
            f"CONSTRUCT or DESCRIBE (after any PREFIX and BASE lines), not {word!r}"
        )
    service = _SERVICE.search(masked)
    if service and not allow_service:
        line, col = line_col(text, service.start())
        raise QueryRefused(
            f"the query calls SERVICE at line {line}, column {col}, which would send it to "
            f"another server; kg works offline, so {tool} refuses it unless given --allow-service"
        )


def declared_prefixes(text: str) -> set[str]:
    """The prefixes ``text`` declares itself."""
    return set(_DECLARED.findall(mask(text).text))


def syntax_message(text: str, error: str) -> str:
    """One line for Oxigraph's syntax ``error`` on ``text``: position, then what is wrong.

    The project prefixes are passed to the parser rather than written above
    the query, so positions are already those of the user's text; this
    names an unknown prefix and drops the parser's character-class dumps.
    """
    m = _POSITION.match(error)
    if m is None:
        return f"SPARQL syntax error: {_tidy(error)}"
    line, col = int(m.group(1)), int(m.group(2))
    detail = error[m.end() :]
    if "Prefix not found" in detail:
        lines = text.split("\n")
        before = lines[line - 1][: col - 1] if 0 < line <= len(lines) else ""
        name = re.search(r"([^\s{}()<>\"',;:]*):[^\s{}()<>\"',;]*$", before)
        if name:
            col = name.start() + 1
            known = ", ".join(sorted(set(PREFIXES) | declared_prefixes(text)))
            return (
                f"SPARQL syntax error at line {line}, column {col}: unknown prefix "
                f"'{name.group(1)}:'; declare it (PREFIX {name.group(1)}: <…>) "
                f"or use one of {known}"
            )
        detail = "unknown prefix"
    return f"SPARQL syntax error at line {line}, column {col}: {_tidy(detail)}"


def _tidy(detail: str) -> str:
    """A parser message without character-class dumps, on one line."""
    detail = _CHAR_CLASS.sub("", detail.replace("\n", " "))
    detail = re.sub(r"(,\s*)+(?=,|$)", "", re.sub(r"\s+", " ", detail))
    return re.sub(r"(one of)\s*,\s*", r"\1 ", detail).strip(" ,")


# ---------------------------------------------------------------- parameters

_PARAM_LINE = re.compile(r"^\s*#\s*param\s+(\w+)\s*=\s*(.*?)\s*$", re.MULTILINE)
_NUMBER = re.compile(r"[+-]?(?:\d+|\d*\.\d+)(?:[eE][+-]?\d+)?")
_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^\S+)?')
_PREFIXED = re.compile(r"([A-Za-z][\w\-.]*):(\S*)")
_TRAILING_VALUES = re.compile(r"\bVALUES\s*(?:\([^(){}]*\)|[?$]\w+)\s*\{[^{}]*\}\s*$", re.I)


def default_params(text: str) -> dict[str, str]:
    """The ``# param NAME = VALUE`` lines of a query: the values its parameters take by default."""
    return {name: value for name, value in _PARAM_LINE.findall(text)}


def param_term(value: str) -> str:
    """``value`` as a SPARQL term.

    An IRI (``<…>`` or ``http(s)://…``), a prefixed name with a project
    prefix (``kgr:place/永善县``), a literal written as in SPARQL (``"…"@zh``,
    ``"…"^^xsd:gYear``), a number or a boolean stands for itself; any other
    text is a string literal, tagged ``@zh`` when it holds Chinese characters
    (as every label kg writes is).
    """
    if _IRIREF.fullmatch(value) or _LITERAL.fullmatch(value) or _NUMBER.fullmatch(value):
        return value
    if value in ("true", "false"):
        return value
    if re.fullmatch(r"https?://\S+", value) and _IRIREF.fullmatch(f"<{value}>"):
        return f"<{value}>"
    prefixed = _PREFIXED.fullmatch(value)
    if prefixed and prefixed.group(1) in PREFIXES:
        iri = PREFIXES[prefixed.group(1)] + prefixed.group(2)
        if _IRIREF.fullmatch(f"<{iri}>"):
            return f"<{iri}>"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@zh' if _CJK.search(value) else f'"{escaped}"'


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings (``--param``) as a mapping.

    Raises:
        InputError: a pair has no ``=`` or its name is not a SPARQL variable name.
    """
    params: dict[str, str] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not eq or not re.fullmatch(r"\w+", name):
            raise InputError(f"--param {pair!r}: expected NAME=VALUE, e.g. county=永善县")
        params[name] = value
    return params


def bind_params(text: str, params: Mapping[str, str]) -> str:
    """``text`` with ``params`` (and the query's own ``# param`` defaults) bound by a trailing VALUES.

    The clause goes after the user's text, so error positions stay those of
    the text they wrote.

    Raises:
        InputError: a parameter names no variable of the query, or the query
            already ends with a VALUES clause.
    """
    values = {**default_params(text), **params}
    if not values:
        return text
    masked = mask(text).text
    for name in values:
        if not re.search(rf"[?$]{name}(?!\w)", masked):
            raise InputError(f"--param {name}: the query has no variable ?{name} or ${name}")
    if _TRAILING_VALUES.search(masked):
        raise InputError("the query ends with a VALUES clause of its own; put the values there")
    names = " ".join(f"?{n}" for n in values)
    terms = " ".join(param_term(v) for v in values.values())
    return f"{text}\nVALUES ({names}) {{ ({terms}) }}\n"


def plain_cjk_strings(text: str) -> list[str]:
    """The string literals of ``text`` holding Chinese characters with no language tag or datatype."""
    return [s for _, s in mask(text).plain_strings if _CJK.search(s)]


def label_hint(text: str) -> str | None:
    """Why a query may have found nothing: it compares plain Chinese strings with ``@zh`` labels."""
    plain = plain_cjk_strings(text)
    if not plain:
        return None
    example = plain[0]
    return (
        f'the query found nothing and holds the plain string "{example}": kg\'s labels '
        f'(skos:prefLabel, rdfs:label, …) are tagged @zh, and "{example}" does not equal '
        f'"{example}"@zh; write "{example}"@zh, or compare STR(?label) = "{example}"'
    )

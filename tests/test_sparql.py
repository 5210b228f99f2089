"""Tests of kg.store.sparql: refusals, parameters and syntax errors, read from the query's text."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import InputError, QueryError
from kg.graph.namespaces import PREFIXES
from kg.store.sparql import (
    QueryRefused,
    bind_params,
    check_query,
    default_params,
    label_hint,
    mask,
    param_term,
    parse_params,
    plain_cjk_strings,
    syntax_message,
)


def _oxigraph_error(text: str) -> str:
    """What Oxigraph's parser says about ``text`` (with the project prefixes predeclared)."""
    with pytest.raises(SyntaxError) as err:
        ox.Store().query(text, prefixes=PREFIXES)
    return str(err.value)


def test_sparql_mask_blanks_comments_strings_and_iris_keeping_positions():
    text = 'SELECT ?x { ?x <http://a#b> "a#b"@zh, "昭通" } # SERVICE\nLIMIT 1'
    masked = mask(text)
    assert len(masked.text) == len(text) and masked.text.count("\n") == 1
    assert "SERVICE" not in masked.text and "a#b" not in masked.text
    assert masked.text.endswith("\nLIMIT 1")
    assert [s for _, s in masked.plain_strings] == ["昭通"]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "select * { ?s ?p ?o .service silent <http://x/> {} }",
        "SELECT * { ?o ?p 1SERVICE<http://x>{} }",
        "ASK { SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * { { SELECT * { Service <http://x/> {} } } }",
    ],
)
def test_sparql_service_is_refused(query):
    with pytest.raises(QueryRefused, match=r"SERVICE at line 1.*--allow-service"):
        check_query(query)
    check_query(query, allow_service=True)  # leave given


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE <http://x/> {}" }',
        "SELECT ?SERVICE { ?s ?p ?o } # SERVICE <http://x/>",
        "PREFIX ex: <http://e/> SELECT * { ?s ex:SERVICE ?o . ?s ?p $service }",
        "SELECT * { ?s <http://x/SERVICE> ?o }",
    ],
)
def test_sparql_service_only_as_keyword(query):
    check_query(query)


@pytest.mark.parametrize(
    "query, keyword",
    [
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "INSERT"),
        ("PREFIX x: <http://x/>\ndelete where { ?s ?p ?o }", "DELETE"),
        ("LOAD <http://example.org/x.ttl>", "LOAD"),
        ("# a comment\nDROP ALL", "DROP"),
    ],
)
def test_sparql_updates_are_read_only(query, keyword):
    with pytest.raises(QueryRefused, match=rf"kg query is read-only: {keyword}"):
        check_query(query)


def test_sparql_misspelt_query_form_is_named_with_its_position():
    with pytest.raises(QueryError, match=r"line 3, column 2: expected SELECT.*not 'SELEC'"):
        check_query("PREFIX x: <http://a#b>\n# comment\n SELEC ?x WHERE { ?x ?y ?z }")
    with pytest.raises(QueryError, match="empty"):
        check_query("  # nothing\n")
    # what Oxigraph says alone: "expected CONSTRUCT", for a typo and an update alike
    assert "CONSTRUCT" in _oxigraph_error("SELEC ?x WHERE { ?x ?y ?z }")


def test_sparql_unknown_prefix_is_named_at_its_place_in_the_users_text():
    text = 'SELECT ?x WHERE {\n  "昭通市委" foo:bar ?z }'
    message = syntax_message(text, _oxigraph_error(text))
    assert message.startswith("SPARQL syntax error at line 2, column 10: unknown prefix 'foo:'")
    assert message.endswith(
        "declare it (PREFIX foo: <…>) or use one of " + ", ".join(sorted(PREFIXES))
    )
    assert "\\u{" not in message and "\n" not in message


def test_sparql_syntax_message_drops_character_class_dumps():
    text = "SELECT ?x WHERE {\n ?x kg:bar ?z \n} LIMIT"
    error = _oxigraph_error(text)
    assert "['0'..='9']" in error
    message = syntax_message(text, error)
    assert message == (
        "SPARQL syntax error at line 3, column 8: expected one of GROUP, LATERAL, ORDER, SERVICE"
    )


def test_sparql_params_parse_and_read_as_terms():
    assert parse_params(["county=永善县", "$year=2022", "x=a=b"]) == {
        "county": "永善县",
        "year": "2022",
        "x": "a=b",
    }
    with pytest.raises(InputError, match="NAME=VALUE"):
        parse_params(["county"])
    assert param_term("永善县") == '"永善县"@zh'
    assert param_term("county") == '"county"'
    assert param_term('say "hi"') == '"say \\"hi\\""'
    assert param_term("kgr:place/永善县") == "<https://w3id.org/kg/id/place/永善县>"
    assert param_term("https://w3id.org/kg/ns#Place") == "<https://w3id.org/kg/ns#Place>"
    for literal in ('"a"@en', '"2022"^^xsd:gYear', "12", "-1.5e3", "true", "<urn:x>"):
        assert param_term(literal) == literal


def test_sparql_bind_params_appends_values_after_the_users_text():
    text = "# param county = 永善县\nSELECT ?c WHERE { ?c skos:prefLabel $county }"
    assert default_params(text) == {"county": "永善县"}
    bound = bind_params(text, {})
    assert bound.startswith(text) and bound.endswith('VALUES (?county) { ("永善县"@zh) }\n')
    assert '"盐津县"@zh' in bind_params(text, {"county": "盐津县"})
    assert bind_params("SELECT * {}", {}) == "SELECT * {}"
    with pytest.raises(InputError, match=r"no variable \?town"):
        bind_params(text, {"town": "x"})
    with pytest.raises(InputError, match="VALUES clause of its own"):
        bind_params("SELECT ?x { ?x ?p ?o } VALUES ?x { <urn:a> }", {"x": "1"})


def test_sparql_plain_chinese_strings_and_the_label_hint():
    text = 'SELECT * { ?o skos:prefLabel "昭通市委" ; rdfs:label "昭通"@zh ; kg:x "abc" }'
    assert plain_cjk_strings(text) == ["昭通市委"]
    hint = label_hint(text)
    assert hint is not None and '"昭通市委"@zh' in hint
    assert label_hint('SELECT * { ?o skos:prefLabel "昭通市委"@zh }') is None

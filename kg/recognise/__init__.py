"""Recognition: the spaCy ``zh`` pipeline and its components, which mark entity spans.

``pipeline`` builds the pipeline (``build_nlp``) and reads its mentions
(``mentions_of``); one module per component: ``places`` (kg_places),
``orgs`` with ``org_names`` (kg_orgs), ``persons`` (kg_persons), ``terms``
with ``quotes``, ``unquoted``, ``term_lexicon`` and ``term_text``
(kg_terms). ``component`` holds what they share (tables through
``initialize``, ``to_disk``/``from_disk``), ``spans`` the span group and
exact spans, ``matching`` the character matching.
"""

"""kg: Chinese government and party-building news pages to a linked RDF knowledge graph.

The public entry points, imported on first use so that ``import kg`` stays light:
``kg.extract_page`` (one page through every stage), ``kg.build`` (a corpus to
graph files, with ``kg.BuildOptions``) and ``kg.Registry`` (linking across pages).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_ENTRY_POINTS = {
    "extract_page": "kg.extract",
    "build": "kg.corpus.build",
    "BuildOptions": "kg.corpus.options",
    "Registry": "kg.link.registry",
}


def __getattr__(name: str) -> Any:
    """``kg.build`` and the other entry points, imported when first asked for."""
    if name in _ENTRY_POINTS:
        return getattr(import_module(_ENTRY_POINTS[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")

"""kg: Chinese government and party-building news pages to a linked RDF knowledge graph."""

__version__ = "0.1.0"

"""The SPARQL store: queries on an embedded Oxigraph store, and a read-only endpoint."""

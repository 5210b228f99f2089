"""Exporters: RDF files, the network files, the interactive HTML page, the ontology's docs."""

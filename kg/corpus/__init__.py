"""Corpus builds: inputs, extraction engines, the page cache and the graph in parts."""

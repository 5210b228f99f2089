"""The graph: RDF quads of a linked corpus, its namespaces, and its networkx view."""

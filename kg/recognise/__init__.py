"""Recognition: the spaCy ``zh`` pipeline and its components, which mark entity spans."""

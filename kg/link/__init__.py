"""Linking: a page's mentions to canonical entities, then one node per entity across pages."""

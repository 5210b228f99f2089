"""The project's exceptions: one base class and a few kinds callers can catch."""

from __future__ import annotations


class KgError(Exception):
    """Base class of every error kg raises on purpose."""


class InputError(KgError):
    """A page, manifest or argument cannot be used (names the file and the reason)."""


class ModelError(KgError):
    """A model or data resource kg needs is missing or unreadable."""


class ExportError(KgError):
    """A graph or page could not be written."""


class QueryError(KgError):
    """A SPARQL query is malformed or failed."""

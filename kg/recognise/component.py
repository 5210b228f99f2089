"""What kg's spaCy components share: tables set by ``initialize``, saved by ``to_disk``.

A component's tables are a frozen dataclass of plain values (strings, tuples,
frozensets, dicts, nested table dataclasses). ``initialize`` loads kg's
shipped tables through :mod:`kg.lexicon.tables` unless it is handed others;
``to_disk`` writes the tables the component holds as JSON and ``from_disk``
reads them back, so a saved pipeline finds the same spans wherever it is
loaded, and two pipelines in one process can hold different tables.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin, get_type_hints

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from kg.errors import ModelError
from kg.recognise.spans import add_exact_spans, outside_titles, text_of

logger = logging.getLogger(__name__)

TABLES_FILE = "tables.json"
T = TypeVar("T")
Options = TypeVar("Options")


def to_json(value: Any) -> Any:
    """``value`` (a table dataclass or one of its fields) as JSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):  # as pairs: a key may be a tuple
        return [[to_json(k), to_json(v)] for k, v in value.items()]
    if isinstance(value, frozenset):
        return sorted(to_json(v) for v in value)
    if isinstance(value, tuple):
        return [to_json(v) for v in value]
    return value


def from_json(hint: Any, data: Any) -> Any:
    """The value of type ``hint`` that :func:`to_json` wrote as ``data``.

    ``data`` may also be the value with its dataclasses turned into dicts, as
    spaCy hands over objects made by a function its config names.
    """
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = get_type_hints(hint)
        values = {f.name: from_json(hints[f.name], data[f.name]) for f in dataclasses.fields(hint)}
        return hint(**values)
    origin, args = get_origin(hint), get_args(hint)
    if origin is dict:
        pairs = data.items() if isinstance(data, dict) else data
        return {from_json(args[0], k): from_json(args[1], v) for k, v in pairs}
    if origin is frozenset:
        return frozenset(from_json(args[0], v) for v in data)
    if origin is tuple and args[-1:] == (Ellipsis,):
        return tuple(from_json(args[0], v) for v in data)
    if origin is tuple:
        return tuple(from_json(a, v) for a, v in zip(args, data, strict=True))
    return data


def not_initialised(name: str) -> ModelError:
    """The error of a component used before its tables were set."""
    return ModelError(f"{name} has no tables: call nlp.initialize() or load a saved pipeline")


class TableComponent(Generic[T]):
    """A spaCy component whose rules read tables of type ``tables_type``."""

    tables_type: ClassVar[type[Any]]  # a frozen dataclass with a ``shipped()`` classmethod

    def __init__(self, name: str) -> None:
        self.name = name
        self._tables: T | None = None

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]] | None = None,
        *,
        nlp: Language | None = None,
        tables: T | None = None,
    ) -> None:
        """Hold ``tables``: kg's shipped ones unless others are given.

        In a pipeline's config, ``[initialize.components.<name>.tables]`` may
        name a function that makes them (``kg.term_tables.v1``).
        """
        if isinstance(tables, dict):  # made by a function the config names
            tables = from_json(self.tables_type, tables)
        self.use_tables(tables if tables is not None else self.tables_type.shipped())

    @property
    def tables(self) -> T:
        """The tables the rules read.

        Raises:
            ModelError: the component has not been initialised nor loaded.
        """
        if self._tables is None:
            raise not_initialised(self.name)
        return self._tables

    def use_tables(self, tables: T) -> None:
        """Hold ``tables`` (a subclass builds what it derives from them here)."""
        self._tables = tables

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the tables the component holds to ``path/tables.json``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / TABLES_FILE, to_json(self.tables))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> TableComponent[T]:
        """Hold the tables :meth:`to_disk` wrote to ``path``.

        Raises:
            ModelError: the file is missing or not tables of this component.
        """
        file = Path(path) / TABLES_FILE
        try:
            tables = from_json(self.tables_type, srsly.read_json(file))
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ModelError(f"{file}: no tables of {self.name} ({e})") from e
        self.use_tables(tables)
        return self


# spaCy checks [initialize] settings with pydantic against these annotations, which
# postponed evaluation leaves as strings pydantic cannot resolve in spaCy's module
TableComponent.initialize.__annotations__ = get_type_hints(TableComponent.initialize)


class SpanRecognizer(TableComponent[T], Generic[T, Options]):
    """A component that finds the character spans of one label and adds them exactly.

    ``options`` are its settings, from the pipeline config.
    """

    label: ClassVar[str]

    def __init__(self, nlp: Language, name: str, *, options: Options) -> None:
        super().__init__(name)
        self.options = options

    def __call__(self, doc: Doc) -> Doc:
        found = outside_titles(text_of(doc), self.find(doc))
        return add_exact_spans(doc, [(s, e, self.label) for s, e in found])

    def find(self, doc: Doc) -> list[tuple[int, int]]:
        """Character spans of the label's names in ``doc``."""
        raise NotImplementedError

"""How a build runs: one frozen record of its settings, checked once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.text.read import MAX_BYTES

# A newspaper page holds under 20,000 characters; extraction time grows with length.
MAX_CHARS = 200_000
# A page of MAX_CHARS extracts in well under 30 s on one core, and the first page a
# process extracts also loads the stages' tables (a few seconds); a page still
# running after this long is pathological input (a name repeated 10,000 times).
PAGE_TIMEOUT = 60.0
ENGINES = ("local", "dask")


@dataclass(frozen=True)
class BuildOptions:
    """The settings of one build (``kg.corpus.build.build`` takes them as keywords).

    Attributes:
        workers: extraction processes; None picks 1 for small inputs, more
            (up to the cores) for large ones. With ``engine="dask"``, the
            number of local workers when no ``scheduler`` is given.
        engine: ``"local"`` (this machine) or ``"dask"`` (dask.distributed).
        scheduler: address of a running Dask scheduler; None starts a
            LocalCluster. Remote workers need kg and its pkuseg model
            installed; page texts are sent to them, so they need no shared disk.
        cache_dir: folder of the per-page cache (default ``out_dir/.kg-cache``).
        use_cache: False extracts every page again and stores nothing.
        strict: stop at the first bad page or manifest instead of skipping it.
        progress: show a progress bar; None shows it when stderr is a terminal.
        formats: export formats to write (None: the exporter's default set).
        max_bytes: largest page file accepted.
        max_chars: most characters a page may hold after decoding.
        partition_size: pages per Dask task.
        sparql_store: also keep ``out_dir/store``, an Oxigraph store of the
            graph for ``kg query`` and ``kg serve``, updated part by part.
        html_max_nodes: most entities ``graph.html`` draws (the best-connected).
        html_title: title of ``graph.html`` (None: the exporter's default).
        page_timeout: seconds of processor time one page's extraction may
            take before it is stopped and skipped (0: no limit). Not
            enforced under Dask, whose workers run pages in threads.
        follow_links: build pages (and read manifests) that a symbolic link
            leads to outside the folders given; refused by default.
        home_place: the place a bare 市/县 means on pages whose manifest row
            gives none (``--home-place``); a name the gazetteer knows, kept
            as its canonical name (昭通 → 昭通市). None: inferred per page
            (``kg.link.home``).
        fields: a crawl file's name for each field kg reads (``body``,
            ``title``, ``date``, ``source``, ``url``) where it is not a usual
            one (``kg/data/text/crawl_fields.csv``), e.g. ``{"body": "content"}``.
    """

    workers: int | None = None
    engine: str = "local"
    scheduler: str | None = None
    cache_dir: Path | None = None
    use_cache: bool = True
    strict: bool = False
    progress: bool | None = None
    formats: Sequence[str] | None = None
    max_bytes: int = MAX_BYTES
    max_chars: int = MAX_CHARS
    partition_size: int = 8
    sparql_store: bool = False
    html_max_nodes: int = 5000
    html_title: str | None = None
    page_timeout: float = PAGE_TIMEOUT
    follow_links: bool = False
    home_place: str | None = None
    fields: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        """Check the settings a build cannot run with.

        Raises:
            InputError: an unknown engine or export format, fewer than one
                worker, a negative page time limit, or a home place the
                gazetteer does not know.
        """
        from kg.export.rdf import ALL_FORMATS
        from kg.link.home import home_place_named

        if self.engine not in ENGINES:
            raise InputError(f"engine {self.engine!r} is not known; expected 'local' or 'dask'")
        if self.workers is not None and self.workers < 1:
            raise InputError(f"workers={self.workers}; expected 1 or more")
        if not self.page_timeout >= 0:  # also refuses NaN
            raise InputError(f"page_timeout={self.page_timeout}; expected 0 (no limit) or more")
        if self.fields is not None:
            from kg.text.crawl import FIELDS

            unknown = sorted(set(self.fields) - set(FIELDS))
            if unknown:
                raise InputError(f"fields {unknown} are not among {list(FIELDS)}")
        if self.formats is not None:
            object.__setattr__(self, "formats", tuple(self.formats))
            for fmt in self.formats:
                if fmt not in ALL_FORMATS:
                    raise InputError(f"export format {fmt!r} is not one of {list(ALL_FORMATS)}")
        if self.home_place is not None:
            object.__setattr__(self, "home_place", home_place_named(self.home_place))

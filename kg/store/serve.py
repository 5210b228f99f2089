"""A read-only SPARQL endpoint over a built graph: ``kg serve``.

``serve`` first binds its port (a port in use is an error at once), then
takes a snapshot of the graph into a temporary store of its own (a copy of
a ``kg build --store`` store, or a store loaded from ``graph.ttl``), and
answers the SPARQL protocol at ``/query`` and a query form at ``/`` (see
``kg.store.endpoint``). Each query runs in a child process that dies with
the server. When the build later rewrites the graph the server served from,
queries are answered 503 with a message saying so, not from the old graph.
``stop()`` (and SIGTERM, SIGHUP or Ctrl-C inside ``stop_on_signals``) ends
the queries, closes the port and removes the snapshot; one left by a
server killed outright is removed by the next ``kg serve``.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import signal
import socket
import socketserver
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError, KgError, QueryError
from kg.store.endpoint import SparqlHandler
from kg.store.query import load_file
from kg.store.source import BUILD_STAMP, graph_file, is_store_dir
from kg.store.worker import QueryLimits, QueryProcess

log = logging.getLogger(__name__)

SNAPSHOT_PREFIX = "kg-serve-"  # temporary folders: kg-serve-<pid>-<random>
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class ServeOptions:
    """Where ``kg serve`` listens and what it allows."""

    host: str = "127.0.0.1"
    port: int = 7878
    limits: QueryLimits = QueryLimits()
    allow_service: bool = False
    allow_hosts: tuple[str, ...] = ()


def fingerprint(path: Path) -> tuple[Any, ...] | None:
    """What changes when a build rewrites ``path`` (a graph file or a store folder); None if gone."""
    try:
        if path.is_dir():
            names = ("CURRENT", BUILD_STAMP, "kg-source.json")
            files = [path / n for n in names] + sorted(path.glob("MANIFEST-*"))
            return tuple(
                (f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files if f.exists()
            )
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def remove_orphans(tmp: Path | None = None) -> None:
    """Remove the snapshots of ``kg serve`` processes that no longer run (killed with SIGKILL)."""
    for folder in Path(tmp or tempfile.gettempdir()).glob(f"{SNAPSHOT_PREFIX}*-*"):
        m = re.fullmatch(rf"{SNAPSHOT_PREFIX}(\d+)-.*", folder.name)
        if m is None or not folder.is_dir():
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            log.info("removing %s, left by a kg serve that was killed", folder)
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # another user's process runs under that id


class Snapshot:
    """The store ``kg serve`` answers from: a private copy of the graph it was given.

    Raises (on construction):
        InputError: no graph in ``source``, or a build is writing its store.
    """

    def __init__(self, source: Path) -> None:
        self.source = Path(source)
        remove_orphans()
        self.folder = Path(tempfile.mkdtemp(prefix=f"{SNAPSHOT_PREFIX}{os.getpid()}-"))
        self.store = self.folder / "store"
        try:
            self._watched, self._print = self._take()
        except BaseException:
            self.remove()
            raise

    def _take(self) -> tuple[Path, tuple[Any, ...] | None]:
        if is_store_dir(self.source):
            stamp = self.source / BUILD_STAMP
            if stamp.is_file() and not stamp.read_text(encoding="utf-8").startswith("complete"):
                raise InputError(
                    f"{self.source} is being written by kg build, or a build stopped half-way: "
                    "wait for it to end, or build again"
                )
            before = fingerprint(self.source)
            try:
                ox.Store.read_only(str(self.source)).backup(str(self.store))
            except OSError as e:
                raise InputError(f"cannot copy the store {self.source}: {e}") from e
            return self.source, before
        graph = graph_file(self.source, store_ok=True)
        before = fingerprint(graph)
        store = ox.Store(str(self.store))
        load_file(store, graph)
        store.flush()
        del store
        return graph, before

    def changed(self) -> str | None:
        """A message if the graph served was rewritten (by a later build) since the snapshot."""
        if fingerprint(self._watched) == self._print:
            return None
        return (
            f"{self._watched} changed after kg serve started (a later kg build?); this server "
            "still holds the old graph and answers no more queries: restart kg serve"
        )

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, kg: SparqlServer) -> None:
        self.kg = kg
        family, *_, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        self.address_family = family
        super().__init__((str(address[0]), int(address[1])), SparqlHandler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # not HTTPServer's, which looks up the FQDN
        self.server_name, self.server_port = (
            str(self.server_address[0]),
            int(self.server_address[1]),
        )

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.info("request from %s ended early", client_address, exc_info=True)


def _bind(options: ServeOptions, kg: SparqlServer) -> _HTTPServer:
    """Listen on the host and port of ``options``, or say why not."""
    where = f"{options.host}:{options.port}"
    try:
        return _HTTPServer(options.host, options.port, kg)
    except socket.gaierror as e:
        raise InputError(f"cannot listen on {where}: unknown host {options.host!r} ({e})") from e
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise KgError(
                f"port {options.port} on {options.host} is already in use (another kg serve?): "
                "stop that one, or choose another port with --port"
            ) from e
        raise KgError(f"cannot listen on {where}: {e.strerror or e}") from e


class SparqlServer:
    """A running endpoint: ``url`` of its SPARQL protocol, ``stop()`` to end it (also a context manager)."""

    def __init__(self, source: Path, options: ServeOptions) -> None:
        self.options = options
        self._active: set[QueryProcess] = set()
        self._lock = threading.Lock()
        self._stopping = False
        self._httpd = _bind(options, self)
        self.host, self.port = options.host, int(self._httpd.server_address[1])
        try:
            self.snapshot = Snapshot(source)
        except BaseException:
            self._httpd.server_close()
            raise
        wildcard = options.host in ("", "0.0.0.0", "::")
        names = {options.host.lower(), *(h.lower() for h in options.allow_hosts)}
        if wildcard or options.host.lower() in LOOPBACK_NAMES or options.host.startswith("127."):
            names |= set(LOOPBACK_NAMES)
        if wildcard:
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        self.host_names = frozenset(names)
        self.any_ip = wildcard
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="kg-serve", daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.base_url}/query"

    @contextmanager
    def query_process(self, sparql: str) -> Iterator[QueryProcess]:
        """Run ``sparql`` on the snapshot in a child process the server stops if it stops first."""
        with self._lock:
            if self._stopping:
                raise QueryError("kg serve is stopping")
            process = QueryProcess(
                {"store": str(self.snapshot.store), "query": sparql}, self.options.limits
            )
            self._active.add(process)
        try:
            with process:
                yield process
        finally:
            with self._lock:
                self._active.discard(process)

    def wait(self) -> None:
        """Block until the server stops (a signal handler may raise out of this)."""
        while self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self) -> None:
        """Stop serving: end the running queries, free the port, remove the snapshot."""
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            active = list(self._active)
        self._httpd.shutdown()
        for process in active:
            process.close()
        self._httpd.server_close()
        self.snapshot.remove()
        log.info("kg serve on %s stopped", self.base_url)

    def __enter__(self) -> SparqlServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(source: Path, options: ServeOptions | None = None) -> SparqlServer:
    """Start a read-only SPARQL endpoint over the graph in ``source`` (an output folder, a graph file or a store).

    Returns once the port is bound and the snapshot taken; the server answers
    from a thread until ``stop()``.

    Raises:
        InputError: no graph to serve.
        KgError: the port is in use or cannot be bound.
    """
    return SparqlServer(Path(source), options or ServeOptions())


class ServerStopped(BaseException):
    """Raised in the main thread by SIGTERM or SIGHUP inside ``stop_on_signals``."""


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``ServerStopped`` (as Ctrl-C is ``KeyboardInterrupt``), and end quietly on either."""

    stopping: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        if not stopping:  # a second signal must not cut short the clean-up the first started
            stopping.append(signum)
            raise ServerStopped(signal.Signals(signum).name)

    caught = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {s: signal.signal(s, stop) for s in caught}
    try:
        yield
    except (ServerStopped, KeyboardInterrupt) as e:
        log.info("stopping on %s", e or "Ctrl-C")
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)

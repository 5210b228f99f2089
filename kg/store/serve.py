"""A read-only SPARQL endpoint over the exported graph, served by the Oxigraph server.

``serve`` loads the graph of an output folder into an Oxigraph store (the
``oxigraph load`` command of the ``oxigraph`` PyPI package) and starts
``oxigraph serve-read-only`` on it: the SPARQL protocol at ``/query``,
no SPARQL UPDATE, bound to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from kg.errors import InputError, KgError
from kg.store.source import STAMP_FILE, graph_file, is_store_dir, stamp_store, store_is_current

log = logging.getLogger(__name__)


def oxigraph_command() -> str:
    """Path of the ``oxigraph`` server executable (next to the running Python, or on PATH)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise KgError("the oxigraph server is not installed: pip install oxigraph")
    return found


class SparqlServer:
    """A running Oxigraph server: ``url`` of its endpoint, ``stop()`` to end it (also a context manager)."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        host: str,
        port: int,
        tmp: tempfile.TemporaryDirectory[str] | None,
    ) -> None:
        self.process = process
        self.host = host
        self.port = port
        self._tmp = tmp

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.base_url}/query"

    def wait(self) -> int:
        """Block until the server exits; return its exit code."""
        return self.process.wait()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and remove its temporary store."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> SparqlServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _wait_ready(server: SparqlServer, timeout: float) -> None:
    """Poll the endpoint until it answers, the process dies, or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    probe = f"{server.url}?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            err = (
                server.process.stderr.read().decode("utf-8", "replace")
                if server.process.stderr
                else ""
            )
            raise KgError(
                f"oxigraph server exited with code {server.process.returncode}: {err.strip()}"
            )
        try:
            with urllib.request.urlopen(probe, timeout=1) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    server.stop()
    raise KgError(f"oxigraph server did not answer on {server.url} within {timeout:.0f} s")


def serve(
    output_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    store_dir: Path | None = None,
    timeout: float = 30.0,
) -> SparqlServer:
    """Start a read-only SPARQL endpoint over the graph in ``output_dir`` (or a graph file, or a store).

    The store is built in ``store_dir`` (reused if it already holds data) or
    in a temporary folder removed on ``stop()``. Returns once the endpoint answers.

    Raises:
        InputError: no graph to serve.
        KgError: the server could not start.
    """
    exe = oxigraph_command()
    source = Path(output_dir)
    tmp = None
    if is_store_dir(source):
        location = source
    else:
        graph = graph_file(source, store_ok=True)
        if store_dir is None:
            tmp = tempfile.TemporaryDirectory(prefix="kg-store-")
            location = Path(tmp.name)
        else:
            location = Path(store_dir)
        try:
            _load(exe, location, graph)
        except InputError:
            if tmp is not None:
                tmp.cleanup()
            raise
    cmd = [
        exe,
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"{host}:{port}",
        "--union-default-graph",
    ]
    log.info("starting %s", " ".join(cmd))
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = SparqlServer(process, host, port, tmp)
    _wait_ready(server, timeout)
    log.info("SPARQL endpoint at %s", server.url)
    return server


def _load(exe: str, location: Path, graph: Path) -> None:
    """Load ``graph`` into a store at ``location`` with ``oxigraph load``, unless it holds it already.

    Raises:
        InputError: ``location`` holds a store kg did not make, or the load fails.
    """
    if store_is_current(location, graph):
        return
    if is_store_dir(location):
        if not (location / STAMP_FILE).is_file():
            raise InputError(
                f"{location} holds an Oxigraph store kg did not make; not replacing it"
            )
        shutil.rmtree(location)  # stale: made by kg from an older graph file
    location.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [exe, "load", "--location", str(location), "--file", str(graph)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip()
        raise InputError(f"oxigraph could not load {graph}: {err}")
    stamp_store(location, graph)

"""Run one SPARQL query in a child process, so that a time limit can stop it and a crash stays there.

Oxigraph evaluates a query in Rust without a way to cancel it from Python,
and an unbounded one (a cartesian product sorted with DISTINCT) grows until
the allocator aborts the process. ``kg query`` and every request to ``kg
serve`` therefore run the query in ``python -m kg.store.worker``, which
opens the store, runs the query and writes its answer as JSON lines; the
parent (``QueryProcess``) reads them as they come, stops the child when the
query has waited longer than the time limit or the rows pass the result
limit, and names a crash. The child dies with its parent (Linux
``PR_SET_PDEATHSIG``), so no query outlives ``kg``.

Lines the child writes: ``{"ready": true}`` once the store is open; the
head, ``{"kind": "select"|"graph", "vars": [...]}`` or ``{"kind": "ask",
"boolean": b}``; one JSON list of W3C terms per row; ``{"end": true}``; or
``{"error": message, "kind": "syntax"|"eval"|"input"}`` instead.
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kg.errors import KgError, QueryError
from kg.store.terms import GRAPH_COLUMNS, Results, Row, term_json

PR_SET_PDEATHSIG = 1
_EOF = b""


@dataclass(frozen=True)
class QueryLimits:
    """How long a query may run (seconds of waiting for it) and how many rows it may return; 0: no limit."""

    timeout: float = 60.0
    limit: int = 100_000


class QueryFailed(QueryError):
    """A query that ran in a child process failed; ``kind`` says how (syntax, eval, input, timeout, died)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def _env() -> dict[str, str]:
    """The child's environment: the parent's, with the folder kg is imported from on the path."""
    root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": root if not path else os.pathsep.join([root, path])}


class QueryProcess:
    """A query running in a child process: ``results()`` streams its answer, ``close()`` ends it.

    Use as a context manager so that the child is stopped however the
    caller leaves. ``truncated`` is True once the rows passed the limit.
    """

    def __init__(self, job: dict[str, Any], limits: QueryLimits) -> None:
        from kg.graph.namespaces import PREFIXES  # here: the child must not import rdflib

        job = {"prefixes": PREFIXES, **job}
        self.limits = limits
        self.truncated = False
        self._budget = limits.timeout if limits.timeout > 0 else math.inf
        self._stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "kg.store.worker", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=_env(),
        )
        self._lines: queue.Queue[bytes] = queue.Queue(maxsize=256)
        self._reader = threading.Thread(target=self._read, name="kg-query-reader", daemon=True)
        self._reader.start()
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps(job, ensure_ascii=False).encode("utf-8"))
            self._process.stdin.close()
        except BrokenPipeError:
            pass  # the child died at once; reading says how

    @property
    def pid(self) -> int:
        return self._process.pid

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.put(line)
        self._lines.put(_EOF)

    def _next(self, *, timed: bool) -> Any:
        """The next message of the child; waiting counts against the time limit when ``timed``."""
        start = time.monotonic()
        try:
            line = self._lines.get(timeout=self._budget if timed else None)
        except queue.Empty:
            self.close()
            raise QueryFailed(
                f"the query ran longer than {self.limits.timeout:g} s and was stopped; "
                "raise the limit with --timeout SECONDS (0: none)",
                "timeout",
            ) from None
        finally:
            if timed:
                self._budget -= time.monotonic() - start
        if not line.endswith(b"\n"):  # the end of the pipe, or a line cut short by a crash
            raise QueryFailed(self._death(), "died")
        message = json.loads(line)
        if isinstance(message, dict) and "error" in message:
            raise QueryFailed(message["error"], message.get("kind", "eval"))
        return message

    def _death(self) -> str:
        """Why the child ended without an answer."""
        code = self._process.wait()
        self._stderr.seek(0, os.SEEK_END)
        self._stderr.seek(max(0, self._stderr.tell() - 2000))
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        said = f": {lines[-1]}" if lines else ""
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        return (
            f"the query process died ({how}{said}); a query that builds a very large "
            "intermediate result runs out of memory: narrow it or add LIMIT"
        )

    def results(self) -> Results:
        """Wait for the store to open and the query to start; its head, with its rows to iterate."""
        self._next(timed=False)  # {"ready": true}: the store is open; the clock starts now
        head = self._next(timed=True)
        if head["kind"] == "ask":
            self.close()
            return Results("ask", [], boolean=bool(head["boolean"]))
        return Results(head["kind"], list(head["vars"]), self._rows())

    def _rows(self) -> Iterator[Row]:
        n = 0
        while True:
            message = self._next(timed=True)
            if isinstance(message, dict):  # {"end": true}
                return
            if self.limits.limit > 0 and n >= self.limits.limit:
                self.truncated = True
                self.close()
                return
            n += 1
            yield message

    def close(self) -> None:
        """Stop the child (if it still runs) and release what it held."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        while self._reader.is_alive():  # let the reader reach the end of the pipe
            try:
                self._lines.get(timeout=0.1)
            except queue.Empty:
                pass
        self._reader.join()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()

    def __enter__(self) -> QueryProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------- the child


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent ends (Linux); exit now if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    else:  # elsewhere, watch for being handed to another parent

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)


def _send(out: IO[bytes], message: Any) -> None:
    out.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
    out.flush()


def _open(job: dict[str, Any]) -> Any:
    """The store a job names: a store folder opened read-only, or a graph source (``open_store``)."""
    import pyoxigraph as ox

    from kg.store.query import open_store

    if job.get("store"):
        try:
            return ox.Store.read_only(job["store"])
        except OSError as e:
            raise KgError(f"cannot open the store {job['store']}: {e}") from e
    store_dir = Path(job["store_dir"]) if job.get("store_dir") else None
    return open_store(Path(job["source"]), store_dir=store_dir)


def run_job(job: dict[str, Any], out: IO[bytes]) -> None:
    """Open the store of ``job``, run its query and write the answer to ``out`` as JSON lines."""
    import pyoxigraph as ox

    try:
        store = _open(job)
    except KgError as e:
        return _send(out, {"error": str(e), "kind": "input"})
    _send(out, {"ready": True})
    try:
        result = store.query(
            job["query"], prefixes=job["prefixes"], use_default_graph_as_union=True
        )
        if isinstance(result, ox.QueryBoolean):
            return _send(out, {"kind": "ask", "boolean": bool(result)})
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            _send(out, {"kind": "select", "vars": columns})
            for solution in result:
                _send(out, [term_json(solution[c]) for c in columns])
        else:
            _send(out, {"kind": "graph", "vars": GRAPH_COLUMNS})
            for t in result:
                _send(out, [term_json(t.subject), term_json(t.predicate), term_json(t.object)])
    except SyntaxError as e:
        from kg.store.sparql import syntax_message

        return _send(out, {"error": syntax_message(job["query"], str(e)), "kind": "syntax"})
    except (OSError, ValueError, TypeError, RuntimeError) as e:
        return _send(out, {"error": f"SPARQL query failed: {e}", "kind": "eval"})
    _send(out, {"end": True})


def main() -> None:
    """``python -m kg.store.worker PARENT_PID``: run the job read from stdin."""
    die_with_parent(int(sys.argv[1]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us
    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    try:
        run_job(job, sys.stdout.buffer)
    except BrokenPipeError:
        os._exit(0)  # the parent stopped reading (a limit, or it ended)


if __name__ == "__main__":
    main()

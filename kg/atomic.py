"""Write output files atomically: a killed build never leaves half a file."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# A temporary file's name is ``.<name>.<8 random>.tmp``; a name longer than this
# (in bytes) is shortened and given a hash, so the temporary name stays under the
# 255-byte limit of file names (NAME_MAX) even when ``name`` itself is near it.
_MAX_TMP_STEM = 200


def file_mode() -> int:
    """The mode a plain ``open()`` would give a new file under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def temporary_prefix(name: str) -> str:
    """The prefix of a temporary file for ``name``: its name, shortened with a hash if long."""
    raw = os.fsencode(name)
    if len(raw) <= _MAX_TMP_STEM:
        return f".{name}."
    short = raw[: _MAX_TMP_STEM - 17].decode("utf-8", "ignore")  # whole characters only
    return f".{short}~{hashlib.sha256(raw).hexdigest()[:16]}."


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through: a temporary file renamed over ``path`` on success.

    If the block raises, or the process dies, ``path`` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(path.name), suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, file_mode())  # mkstemp creates files readable by their owner only
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    with atomic_writer(path) as fh:
        fh.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))

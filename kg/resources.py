"""Models and data files kg needs, found offline or fetched once at set-up.

The segmentation model is the mixed-domain pkuseg model that the ``pkuseg``
0.0.25 source distribution on PyPI carries (``pkuseg/models/default``).
``spacy-pkuseg`` would download its own models from the internet at run
time, which kg never does: ``kg setup`` fetches the source distribution
through pip (so pip's index settings and mirrors apply) and unpacks the
model into the cache folder; the pipeline then loads it from disk.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from importlib import resources
from pathlib import Path

from kg.errors import ModelError

logger = logging.getLogger(__name__)

PKUSEG_SDIST = "pkuseg==0.0.25"
MODEL_FILES = ("features.pkl", "weights.npz")


def data_path(name: str) -> Path:
    """Path of a data file shipped in ``kg/data`` (gazetteers, tables, patterns)."""
    return Path(str(resources.files("kg") / "data" / name))


def cache_dir() -> Path:
    """The folder kg keeps fetched models in: ``$KG_HOME`` or ``~/.cache/kg``."""
    return Path(os.environ.get("KG_HOME") or Path.home() / ".cache" / "kg")


# Versions of one cache file kept in cache_dir(): each change to kg's tables
# (or a checkout beside another) makes a new one; older ones are removed.
CACHE_KEEP = 3


def prune_cache(path: Path, keep: int = CACHE_KEEP) -> None:
    """Remove all but the newest ``keep`` versions of the cache file ``path`` (itself kept).

    Versions share the name up to its last ``-`` and the suffix:
    ``gazetteer-<key>.marshal``. A file that cannot be removed is left.
    """
    stem = path.name.rsplit("-", 1)[0]

    def age(p: Path) -> float:
        try:
            return -p.stat().st_mtime
        except OSError:
            return 0.0

    others = sorted((p for p in path.parent.glob(f"{stem}-*{path.suffix}") if p != path), key=age)
    for old in others[max(keep - 1, 0) :]:
        try:
            old.unlink()
        except OSError:
            pass


def keep(path: Path, data: bytes, what: str) -> bool:
    """Write ``data`` to the cache file ``path`` (through a temporary file and a rename),
    then prune its older versions.

    A failure only costs the next process the work of making it again: it is
    logged, naming ``what``, and False is returned.
    """
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
        prune_cache(path)
    except OSError as e:
        with contextlib.suppress(OSError):  # the folder may be no folder at all
            tmp.unlink(missing_ok=True)
        logger.warning(
            "cannot keep %s in %s (%s); it is made again next time", what, path.parent, e
        )
        return False
    return True


def pkuseg_model_dir() -> Path:
    """Folder of the pkuseg model: ``$KG_PKUSEG_MODEL`` or the cache.

    Raises:
        ModelError: the model is not there; the message says how to fetch it.
    """
    folder = Path(os.environ.get("KG_PKUSEG_MODEL") or cache_dir() / "pkuseg-default")
    missing = [f for f in MODEL_FILES if not (folder / f).is_file()]
    if missing:
        raise ModelError(
            f"pkuseg model not found in {folder} (missing {', '.join(missing)}); "
            "run `kg setup` once to fetch it, or set KG_PKUSEG_MODEL to a folder "
            "holding features.pkl and weights.npz"
        )
    return folder


def fetch_pkuseg_model(*, dest: Path | None = None) -> Path:
    """Fetch the pkuseg source distribution with pip and unpack its model.

    Does nothing when the model is already in place.

    Raises:
        ModelError: pip could not fetch the package or it holds no model.
    """
    dest = dest or cache_dir() / "pkuseg-default"
    if all((dest / f).is_file() for f in MODEL_FILES):
        logger.info("pkuseg model already in %s", dest)
        return dest
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
            "--no-build-isolation", PKUSEG_SDIST, "-d", tmp,
        ]  # fmt: skip
        logger.info("fetching %s with pip", PKUSEG_SDIST)
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise ModelError(f"pip could not fetch {PKUSEG_SDIST}: {done.stderr[-2000:]}")
        sdists = sorted(Path(tmp).glob("pkuseg-*.tar.gz"))
        if not sdists:
            raise ModelError(f"pip fetched no source distribution of {PKUSEG_SDIST}")
        staging = Path(tmp) / "model"
        staging.mkdir()
        with tarfile.open(sdists[0]) as tar:
            for member in tar.getmembers():
                parts = Path(member.name).parts
                if parts[-3:-1] == ("models", "default") and parts[-1] in MODEL_FILES:
                    member.name = parts[-1]
                    tar.extract(member, staging, filter="data")
        missing = [f for f in MODEL_FILES if not (staging / f).is_file()]
        if missing:
            raise ModelError(f"{sdists[0].name} holds no pkuseg model ({', '.join(missing)})")
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            shutil.rmtree(dest)
        shutil.move(str(staging), dest)
    logger.info("pkuseg model unpacked into %s", dest)
    return dest

"""pyproject.toml as setuptools and pytest read it: no deprecation banners, third-party warnings filtered."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_project_license_is_an_spdx_expression(tmp_path, monkeypatch):
    """`project.license = { text = … }` made setuptools print three deprecation banners."""
    from setuptools.config.pyprojecttoml import apply_configuration
    from setuptools.dist import Distribution

    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dist = apply_configuration(Distribution(), "pyproject.toml")
    assert [str(w.message)[:80] for w in caught] == []
    assert dist.metadata.license_expression == "MIT"


def test_project_dev_extra_brings_a_notebook_front_end():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(d.startswith("jupyterlab") for d in project["optional-dependencies"]["dev"])
    assert ".venv/bin/jupyter lab notebooks/explore.ipynb" in (ROOT / "README.md").read_text()


def test_project_suite_filters_rdflib_deprecations_by_name(tmp_path):
    """rdflib's own parsers warn on every quad they read (1,941 warnings); kg's code still warns."""
    (tmp_path / "test_quads.py").write_text(
        "import warnings\n"
        "from rdflib import Dataset\n"
        "def test_parse():\n"
        "    Dataset().parse(data='<urn:a> <urn:b> <urn:c> <urn:g> .', format='nquads')\n"
        "def test_own():\n"
        "    warnings.warn('kg says', DeprecationWarning)\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c",
         str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "2 passed, 1 warning" in done.stdout, done.stdout
    assert "kg says" in done.stdout and "default_context" not in done.stdout

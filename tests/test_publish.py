"""Publishing a build as one generation: readers see the old set of files or the new, never a mix."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kg.corpus.publish as publish_module
from kg.corpus.publish import (
    CURRENT,
    GENERATIONS_DIR,
    current_generation,
    generation_name,
    publish,
    publish_in_place,
    stage_page_file,
)

KNOWN = ("graph.ttl", "graph.html", "graph.graphml")
SHOWN = ("graph.ttl", "graph.html", "pages/a.json", "report.json")


def _stage(out: Path, tag: str, *, formats: tuple[str, ...] = ("graph.ttl", "graph.html")) -> str:
    staging = out / ".kg-staging"
    (staging / "pages").mkdir(parents=True)
    for name in formats:
        (staging / name).write_text(f"{tag} {name}\n", encoding="utf-8")
    stage_page_file(staging, current_generation(out), "a", f"{tag} page\n")
    name = generation_name(staging, tag)
    (staging / "report.json").write_text(f"{tag} report {name}\n", encoding="utf-8")
    return name


def _seen(out: Path) -> dict[str, str | None]:
    """What a reader of the paths users know sees now."""
    seen = {}
    for name in SHOWN:
        try:
            seen[name] = (out / name).read_text(encoding="utf-8").split()[0]
        except FileNotFoundError:
            seen[name] = None
    return seen


def test_publish_switches_one_link_and_keeps_the_known_paths(tmp_path: Path) -> None:
    first = _stage(tmp_path, "old", formats=("graph.ttl", "graph.html", "graph.graphml"))
    publish(
        tmp_path / ".kg-staging",
        tmp_path,
        first,
        ["graph.ttl", "graph.html", "graph.graphml", "pages", "report.json"],
        KNOWN,
    )
    assert set(_seen(tmp_path).values()) == {"old"}
    assert (tmp_path / "graph.graphml").read_text(encoding="utf-8") == "old graph.graphml\n"
    assert os.readlink(tmp_path / CURRENT) == f"{GENERATIONS_DIR}/{first}"
    assert os.readlink(tmp_path / "graph.ttl") == f"{CURRENT}/graph.ttl"

    second = _stage(tmp_path, "new")
    assert second != first
    publish(
        tmp_path / ".kg-staging",
        tmp_path,
        second,
        ["graph.ttl", "graph.html", "pages", "report.json"],
        KNOWN,
    )
    assert set(_seen(tmp_path).values()) == {"new"}
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == f"new report {second}\n"
    assert not os.path.lexists(tmp_path / "graph.graphml")  # a format no longer written
    assert [p.name for p in (tmp_path / GENERATIONS_DIR).iterdir()] == [second]
    assert not (tmp_path / ".kg-staging").exists()


def test_publish_the_same_files_twice_is_the_same_generation(tmp_path: Path) -> None:
    names = ["graph.ttl", "graph.html", "pages", "report.json"]
    first = _stage(tmp_path, "same")
    publish(tmp_path / ".kg-staging", tmp_path, first, names, KNOWN)
    page = (tmp_path / "pages" / "a.json").stat()
    second = _stage(tmp_path, "same")
    assert second == first
    publish(tmp_path / ".kg-staging", tmp_path, second, names, KNOWN)
    assert set(_seen(tmp_path).values()) == {"same"}
    assert (tmp_path / "pages" / "a.json").stat().st_ino == page.st_ino  # linked, not rewritten


def test_publish_a_reader_never_sees_a_mix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After every step of publishing (where a kill could stop it) the files are all old or all new."""
    names = ["graph.ttl", "graph.html", "pages", "report.json"]
    publish(tmp_path / ".kg-staging", tmp_path, _stage(tmp_path, "old"), names, KNOWN)
    steps: list[dict[str, str | None]] = []
    for fn in ("rename", "replace", "symlink", "unlink", "link"):
        real = getattr(os, fn)

        def spy(*args, _real=real, **kwargs):
            result = _real(*args, **kwargs)
            steps.append(_seen(tmp_path))
            return result

        monkeypatch.setattr(publish_module.os, fn, spy)
    publish(tmp_path / ".kg-staging", tmp_path, _stage(tmp_path, "new"), names, KNOWN)
    assert len(steps) >= 3
    for seen in steps:
        assert set(seen.values()) in ({"old"}, {"new"}), seen
    assert steps[-1]["report.json"] == "new"


def test_publish_converts_an_output_folder_of_an_older_kg(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "gone.json").write_text("{}", encoding="utf-8")
    for name in ("graph.ttl", "graph.graphml", "report.json"):
        (tmp_path / name).write_text("plain", encoding="utf-8")
    gen = _stage(tmp_path, "new")
    publish(
        tmp_path / ".kg-staging",
        tmp_path,
        gen,
        ["graph.ttl", "graph.html", "pages", "report.json"],
        KNOWN,
    )
    assert set(_seen(tmp_path).values()) == {"new"}
    assert all((tmp_path / n).is_symlink() for n in ("graph.ttl", "pages", "report.json"))
    assert not os.path.lexists(tmp_path / "graph.graphml")
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == ["a.json"]


def test_publish_refuses_a_current_kg_did_not_make(tmp_path: Path) -> None:
    from kg.errors import ExportError

    (tmp_path / CURRENT).mkdir()
    gen = _stage(tmp_path, "new")
    with pytest.raises(ExportError, match="current is not the link kg keeps"):
        publish(
            tmp_path / ".kg-staging", tmp_path, gen, ["graph.ttl", "pages", "report.json"], KNOWN
        )


def test_publish_in_place_where_links_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "graph.graphml").write_text("old", encoding="utf-8")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "gone.json").write_text("{}", encoding="utf-8")
    _stage(tmp_path, "new")
    publish_in_place(
        tmp_path / ".kg-staging",
        tmp_path,
        ["graph.ttl", "graph.html", "pages", "report.json"],
        KNOWN,
    )
    assert set(_seen(tmp_path).values()) == {"new"}
    assert not (tmp_path / "graph.graphml").exists() and not (tmp_path / CURRENT).exists()
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == ["a.json"]

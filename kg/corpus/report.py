"""What a build did, for people (``summary``) and for ``report.json`` (``to_json``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kg
from kg.model import FROM_MANIFEST, FROM_OPTION, PageMeta

STORE_DIR = "store"  # the Oxigraph store a build keeps when asked (--store)


@dataclass
class BuildReport:
    """What a build did: pages built and skipped, encodings, timings, outputs.

    ``timings`` (seconds per stage) are only here and in the log, never in the
    output files, which are byte-identical for the same input.
    """

    pages_ok: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    ignored: list[tuple[str, str]] = field(
        default_factory=list
    )  # not searched, by design: (path, why)
    left_out: dict[str, str] = field(default_factory=dict)  # default format not written -> why
    encodings: dict[str, str] = field(default_factory=dict)  # page name -> encoding
    pages: dict[str, dict[str, int]] = field(default_factory=dict)  # name -> counts
    timings: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    cached: int = 0  # pages whose extraction came from the cache
    extracted: int = 0
    parts: int = 0  # parts of the graph (kg.corpus.parts): newspapers, entity buckets, pages
    parts_made: int = 0  # parts serialised in this build (the rest were kept from the last)
    quads: int = 0
    store_sync: tuple[int, int] | None = None  # parts removed from and added to the store
    entities: int = 0
    facts: int = 0
    chars: int = 0
    generation: str | None = None  # the published set of files (kg.corpus.publish)
    # page name -> its home place and where it was found (None, None: none could be chosen)
    home_places: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def note_home(self, meta: PageMeta) -> None:
        """Keep a built page's home place and where it came from (``kg.link.home``)."""
        self.home_places[meta.source] = (meta.home_place, meta.home_from)

    @property
    def page_facts(self) -> int:
        """The facts of the built pages, as extraction counted them (before the graph is written)."""
        return sum(counts.get("facts", 0) for counts in self.pages.values())

    @property
    def ok(self) -> bool:
        """True when no page or manifest was skipped."""
        return not self.skipped

    def summary(self) -> str:
        """A few lines for people: counts, skipped files with reasons, time."""
        total = self.timings.get("total", 0.0)
        rate = self.chars / total if total else 0.0
        lines = [
            f"built {self.pages_ok} page(s) ({self.cached} from cache), "
            f"{self.entities} entities, {self.facts} facts in {total:.1f} s "
            f"({rate:,.0f} chars/s)",
            *(f"  {p.name}" for p in self.outputs if p.parent.name != "pages"),
        ]
        lines.extend(f"  not written: {fmt} ({why})" for fmt, why in self.left_out.items())
        if self.store_sync is not None:
            gone, new = self.store_sync
            lines.append(f"  {STORE_DIR}/ (Oxigraph store: {new} part(s) loaded, {gone} removed)")
        lines.extend(self._home_lines())
        if self.ignored:
            lines.append(f"not searched {len(self.ignored)}:")
            lines.extend(f"  {f}: {r}" for f, r in self.ignored)
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)}:")
            lines.extend(f"  {f}: {r}" for f, r in self.skipped)
        return "\n".join(lines)

    def _home_lines(self) -> list[str]:
        """The home places kg inferred, and the pages it could choose none for."""
        given = (FROM_MANIFEST, FROM_OPTION)
        inferred = {
            n: h for n, h in sorted(self.home_places.items()) if h[0] and h[1] and h[1] not in given
        }
        lines = [f"home place inferred for {len(inferred)} page(s):"] if inferred else []
        lines.extend(f"  {n}: {place} (from the {why})" for n, (place, why) in inferred.items())
        none = sorted(n for n, (place, _) in self.home_places.items() if not place)
        if none:
            lines.append(
                f"warning: no home place for {len(none)} page(s), a bare 市/县 on them stays "
                "place-less; give --home-place or a manifest.csv row:"
            )
            lines.extend(f"  {n}" for n in none)
        return lines

    def stage_times(self) -> dict[str, Any]:
        """Seconds per stage and what was extracted and made (``kg build --timings``)."""
        counts = {"extracted": self.extracted, "parts": self.parts, "made": self.parts_made}
        return {"timings": self.timings, **counts}

    def to_json(self, out_dir: Path) -> dict[str, Any]:
        """The deterministic part of the report (no timings, no cache counts)."""
        left_out = {"left_out": dict(self.left_out)} if self.left_out else {}
        ignored = {"ignored": [{"path": f, "reason": r} for f, r in self.ignored]}
        generation = {"generation": self.generation} if self.generation else {}
        return {
            **left_out,
            **(ignored if self.ignored else {}),
            **generation,
            "kg_version": kg.__version__,
            "pages_ok": self.pages_ok,
            "encodings": dict(sorted(self.encodings.items())),
            "pages": dict(sorted(self.pages.items())),
            "home_places": {
                n: {"place": place, "from": why}
                for n, (place, why) in sorted(self.home_places.items())
            },
            "skipped": [{"file": f, "reason": r} for f, r in self.skipped],
            "entities": self.entities,
            "facts": self.facts,
            "outputs": sorted(p.relative_to(out_dir).as_posix() for p in self.outputs),
        }

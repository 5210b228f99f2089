"""Generate a large, realistic corpus from the seed pages, for benchmarks.

Each generated page starts from one seed page, swaps some of its paragraphs
for paragraphs of other seed pages (so pages recombine), and renames every
city and county the seeds name (full and short forms) to another real one of
the same level drawn from the gazetteer, so agencies become other real-looking
agencies (昭通市政务服务管理局 → 曲靖市政务服务管理局) and the linker sees many
distinct entities rather than the same few again. Deterministic for a seed.
"""

from __future__ import annotations

import csv
import io
import logging
import random
import re
from dataclasses import dataclass
from pathlib import Path

from kg.atomic import atomic_write_text
from kg.extract import MANIFEST, MANIFEST_FIELDS, iter_pages, read_manifest
from kg.lexicon.gazetteer import Gazetteer

logger = logging.getLogger(__name__)

# Gazetteer ranks of the levels renamed: city (地级) and county (县级).
CITY, COUNTY = 2, 3


@dataclass(frozen=True)
class SeedPage:
    """A seed page split into its header (furniture) and paragraphs."""

    name: str
    header: str
    paragraphs: list[str]
    home_place: str | None
    newspaper: str | None


@dataclass(frozen=True)
class PlaceName:
    """A place the generator may rename or rename to."""

    full: str
    short: str | None
    rank: int


def load_seeds(folder: Path) -> list[SeedPage]:
    """The seed pages of ``folder`` split at blank lines."""
    manifest = read_manifest(folder)
    seeds = []
    for path in iter_pages([folder]):
        text = path.read_text(encoding="utf-8")
        blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
        meta = manifest.get(path.name)
        seeds.append(
            SeedPage(
                name=path.name,
                header="\n\n".join(blocks[:3]),
                paragraphs=blocks[3:],
                home_place=meta.home_place if meta else None,
                newspaper=meta.newspaper if meta else None,
            )
        )
    return seeds


def place_names(gazetteer: Gazetteer) -> list[PlaceName]:
    """Cities and counties of the gazetteer with their short forms, sorted."""
    full = {}
    for name, form, rank in gazetteer.names_by_level("county"):
        if form == "full" and rank in (CITY, COUNTY) and len(name) >= 3:
            full[name] = rank
    out = []
    for name, rank in sorted(full.items()):
        shorts = sorted(
            {p.short for p in gazetteer.candidates(name) if p.short and len(p.short) >= 2}
        )
        out.append(PlaceName(full=name, short=shorts[0] if shorts else None, rank=rank))
    return out


class CorpusGenerator:
    """Makes page texts by recombining seed paragraphs and renaming places."""

    def __init__(self, seeds: list[SeedPage], places: list[PlaceName], *, seed: int = 0) -> None:
        if not seeds:
            raise ValueError("no seed pages to generate from")
        self.seeds = seeds
        self.seed = seed
        text = "\n".join(p for s in seeds for p in [s.header, *s.paragraphs])
        self.present = [p for p in places if p.full in text]
        self.pool = {
            rank: [p for p in places if p.rank == rank and p not in self.present]
            for rank in (CITY, COUNTY)
        }
        logger.info("renaming %d seed places from a pool of %d", len(self.present), len(places))

    def page(self, index: int) -> tuple[str, str | None, str | None]:
        """Text, home place and newspaper of generated page ``index``."""
        rng = random.Random(f"{self.seed}:{index}")
        base = self.seeds[index % len(self.seeds)]
        paragraphs = list(base.paragraphs)
        for i in range(len(paragraphs)):
            if rng.random() < 0.3:
                other = rng.choice(self.seeds)
                if other.paragraphs:
                    paragraphs[i] = rng.choice(other.paragraphs)
        mapping: dict[str, str] = {}
        for place in self.present:
            pool = self.pool.get(place.rank) or []
            if not pool:
                continue
            new = rng.choice(pool)
            mapping[place.full] = new.full
            if place.short and new.short:
                mapping[place.short] = new.short
        text = "\n\n".join([base.header, *paragraphs]) + "\n"
        home = base.home_place
        if mapping:
            pattern = re.compile(
                "|".join(map(re.escape, sorted(mapping, key=lambda s: (-len(s), s))))
            )
            text = pattern.sub(lambda m: mapping[m.group(0)], text)
            if home:
                home = pattern.sub(lambda m: mapping[m.group(0)], home)
        return text, home, base.newspaper


def generate_corpus(
    seeds_dir: Path,
    out_dir: Path,
    n_pages: int,
    *,
    seed: int = 0,
    gazetteer: Gazetteer | None = None,
) -> list[Path]:
    """Write ``n_pages`` generated pages and a manifest into ``out_dir``; the page paths."""
    generator = CorpusGenerator(
        load_seeds(seeds_dir), place_names(gazetteer or Gazetteer.load()), seed=seed
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(MANIFEST_FIELDS)
    paths = []
    width = max(5, len(str(n_pages)))
    for i in range(n_pages):
        text, home, paper = generator.page(i)
        path = out_dir / f"gen_{i:0{width}d}.txt"
        atomic_write_text(path, text)
        writer.writerow([path.name, paper or "", "", home or ""])
        paths.append(path)
    atomic_write_text(out_dir / MANIFEST, rows.getvalue())
    return paths


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.corpus.generate SEEDS OUT N``: write N generated pages."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kg.corpus.generate", description=__doc__)
    parser.add_argument("seeds", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("pages", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    generate_corpus(args.seeds, args.out, args.pages, seed=args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

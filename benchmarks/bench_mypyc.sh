#!/usr/bin/env bash
# An experiment toward issue 20: kg's own stages compiled with mypyc, beside this checkout.
#
#     .venv/bin/pip install mypy          # the dev extra has it; mypyc comes with mypy
#     benchmarks/bench_mypyc.sh                      # link, relate and lexicon
#     benchmarks/bench_mypyc.sh link relate lexicon graph recognise text
#
# kg is typed throughout (mypy is clean), so mypyc can compile its modules to C
# extensions as they are. This copies kg/, benchmarks/, seeds/ and pyproject.toml
# into a temporary folder, compiles every module of the folders named
# (kg/<name>/*.py) there, checks that `kg extract` gives the same files on the
# seeds and the dev articles, then runs bench_extract.py in the copy against this
# checkout (one repeat of each in turn, medians of 5). Needs a C compiler and
# Python's headers. Nothing here is shipped: the figures are in benchmarks/README.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
py="$root/.venv/bin/python"
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(link relate lexicon)
# What mypyc cannot compile as written: a cached closure that calls itself
# (organ_forms), a namespace built by __getattr__ (graph/terms, graph/namespaces),
# a subclass of a builtin (text/pdf), a surrogate in a string literal
# (recognise/matching), and spaCy's factories reading annotations (recognise/component).
skip='organ_forms|graph/terms|graph/namespaces|text/pdf|recognise/matching|recognise/component'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/kg"
# pyproject.toml holds mypy's settings, which mypyc reads
cp -r "$root/kg" "$root/benchmarks" "$root/seeds" "$root/pyproject.toml" "$work/kg/"
ln -s "$root/../shared" "$work/shared"  # bench_extract reads ../shared/dev beside its checkout

cd "$work/kg"
# mypyc compiles functools.cached_property as a plain property: computed again on every
# read (PlaceTables' patterns on every sentence made the recognisers 4-5x slower). In the
# copy it becomes a property that keeps each value (and its object, so no id is reused).
cat >kg/_memo.py <<'PY'
from typing import Any, Callable

_kept: dict[tuple[int, str], tuple[Any, Any]] = {}


def cached_property(f: Callable[[Any], Any]) -> Any:
    def get(self: Any) -> Any:
        hit = _kept.get((id(self), f.__name__))
        if hit is None:
            hit = _kept[(id(self), f.__name__)] = (self, f(self))
        return hit[1]

    return property(get)
PY
grep -rl "import.*cached_property" kg | xargs sed -i -E \
    -e 's/^from functools import cached_property$/from kg._memo import cached_property/' \
    -e 's/^from functools import cached_property, (.*)$/from functools import \1\nfrom kg._memo import cached_property/'
mapfile -t modules < <(for g in "${groups[@]}"; do ls "kg/$g"/*.py; done | grep -v __init__ | grep -Ev "$skip")
echo "compiling ${#modules[@]} modules of: ${groups[*]}"
"$root/.venv/bin/mypyc" "${modules[@]}" >"$work/mypyc.log" 2>&1 || { tail -20 "$work/mypyc.log"; exit 1; }

cd "$work"
for set in seeds dev; do
    if [ "$set" = seeds ]; then pages=("$root"/seeds/*.txt); else pages=("$root"/../shared/dev/articles/*.txt); fi
    [ -e "${pages[0]}" ] || continue
    PYTHONPATH="$work/kg" "$py" -m kg.cli extract "${pages[@]}" -o "$work/compiled-$set" 2>/dev/null
    PYTHONPATH="$root" "$py" -m kg.cli extract "${pages[@]}" -o "$work/plain-$set" 2>/dev/null
    diff -r -q "$work/compiled-$set" "$work/plain-$set" >/dev/null \
        && echo "$set: the same files compiled and not" \
        || { echo "$set: the compiled modules give other files"; exit 1; }
done
PYTHONPATH="$work/kg" "$py" "$work/kg/benchmarks/bench_extract.py" --repeats 5 --against "$root" 2>/dev/null

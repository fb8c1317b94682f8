#!/usr/bin/env bash
# Runs libFuzzer targets: run.sh fuzz|fuzz-check BUILD "NAMES" SECONDS RUNS
#   fuzz        each target for SECONDS, its corpus kept in BUILD/corpus/<name>
#               (seeded from tests/fuzz/seeds/<name>), so the next run goes on
#               from what this one found
#   fuzz-check  each target over its seeds, then RUNS inputs mutated from
#               them with a fixed seed: the same inputs every time (CI)
# A crash leaves its input in BUILD/crashes/<name>/ and fails the run, with
# the command that replays it.
set -uo pipefail
mode=$1 build=$2 names=$3 seconds=$4 runs=$5
here=$(cd "$(dirname "$0")" && pwd)
failed=()
for name in $names; do
  bin=$build/fuzzers/fuzz_$name
  seeds=$here/seeds/$name
  if [ ! -x "$bin" ]; then
    echo "fuzz: no target $name (tests/fuzz/fuzz_$name.c)" >&2
    failed+=("$name")
    continue
  fi
  crashes=$build/crashes/$name
  mkdir -p "$crashes" "$seeds"
  if [ "$mode" = fuzz ]; then
    corpus=$build/corpus/$name
    mkdir -p "$corpus"
    args=(-max_total_time="$seconds" "$corpus" "$seeds")
  else
    corpus=$(mktemp -d)
    args=(-runs="$runs" -seed=1 "$corpus" "$seeds")
  fi
  # post.dict, plus the target's own tokens in <name>.dict or <service>.dict
  dict=$build/fuzz_$name.dict
  own=
  for d in "$here/$name.dict" "$here/${name%%_*}.dict"; do
    if [ -f "$d" ]; then own=$d; break; fi
  done
  cat "$here/post.dict" $own > "$dict"
  echo "fuzz: $name ($mode)"
  "$bin" -artifact_prefix="$crashes/" -print_final_stats=1 -dict="$dict" "${args[@]}" \
    > "$build/fuzz_$name.log" 2>&1
  rc=$?
  grep -E "^(stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb|Done )" \
    "$build/fuzz_$name.log" | sed 's/^/  /'
  if [ "$mode" != fuzz ]; then
    rm -rf "$corpus"
  fi
  if [ $rc -ne 0 ]; then
    echo "fuzz: $name FAILED (exit $rc); the report is in $build/fuzz_$name.log:" >&2
    grep -E "ERROR|SUMMARY|Test unit written" "$build/fuzz_$name.log" | head -5 >&2
    echo "  replay: $bin $crashes/<file>" >&2
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: every target passed"

#!/usr/bin/env bash
# Runs every cmocka unit-test binary given, prints each one's output, and ends
# with one closing line over all of them: "unit: N passed, N failed".
set -u
pass=0; fail=0; failed=()
for t in "$@"; do
  if out=$("$t" 2>&1); then status=0; else status=$?; fi
  printf '%s\n' "$out"
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
  if [ "$status" -ne 0 ]; then
    failed+=("$(basename "$t")")
    [ -z "$f" ] && fail=$((fail + 1))   # crashed before cmocka could count
  fi
done
[ ${#failed[@]} -gt 0 ] && echo "unit: failing binaries: ${failed[*]}"
echo "unit: ${pass} passed, ${fail} failed"
[ "$fail" -eq 0 ] && [ ${#failed[@]} -eq 0 ]

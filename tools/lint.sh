#!/usr/bin/env bash
# Project lint: banned functions (curl's list, for the reasons in docs/CODING.md),
# files that grew past ~600 lines without saying why (a line
# "lint: long-file <reason>" in the file admits it), and pyflakes over the
# Python files.
set -u
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h' 2>/dev/null; git ls-files --others --exclude-standard '*.c' '*.h' 2>/dev/null)
bad=0
banned='\b(sprintf|vsprintf|strcpy|strcat|strtok|gets|atoi|atol)[[:space:]]*\('
for f in $files; do
  [ -f "$f" ] || continue
  if grep -nE "$banned" "$f" | grep -v 'lint: allow'; then
    echo "lint: $f uses a banned function (use snprintf, memcpy with a length, strtok_r, strtol)"; bad=1
  fi
  n=$(wc -l < "$f")
  if [ "$n" -gt 650 ] && ! grep -q 'lint: long-file' "$f"; then
    echo "lint: $f has $n lines; split it by concern or say why with a 'lint: long-file <reason>' comment"; bad=1
  fi
done
# Python (integration tests, bench): unused imports and undefined names.
pyfiles=$(git ls-files '*.py' 2>/dev/null)
if ! /usr/bin/python3 -m pyflakes --version >/dev/null 2>&1; then
  echo "lint: pyflakes is missing for /usr/bin/python3; install python3-pyflakes (make deps)"; bad=1
elif ! /usr/bin/python3 -m pyflakes $pyfiles; then
  echo "lint: the Python files above have unused or undefined names"; bad=1
fi
[ "$bad" -eq 0 ] && echo "lint: ok ($(echo "$files" | wc -w) C files, $(echo "$pyfiles" | wc -w) Python files)"
exit $bad

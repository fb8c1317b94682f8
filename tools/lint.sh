#!/usr/bin/env bash
# Project lint: banned functions (curl's list, for the reasons in docs/CODING.md)
# and files that grew past ~600 lines without saying why (a line
# "lint: long-file <reason>" in the file admits it).
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
[ "$bad" -eq 0 ] && echo "lint: ok ($(echo "$files" | wc -w) files)"
exit $bad

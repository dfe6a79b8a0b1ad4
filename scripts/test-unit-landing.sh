#!/usr/bin/env bash
# While many branches land on main in one session, each landing runs only the unit tests its
# branch added or changed (the whole suite runs on main itself: `npm test`, and CI). Restore
# `test:unit` to the full suite once the parallel work is merged.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git diff --name-only main...HEAD -- test/unit | grep -E '\.test\.tsx?$' | while read -r f; do [ -f "$f" ] && echo "$f"; done)
if [ ${#files[@]} -eq 0 ]; then echo "no unit test changed on this branch"; echo "0 passed, 0 failed"; exit 0; fi
exec node --import tsx --test --test-reporter=spec "${files[@]}"

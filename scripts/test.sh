#!/usr/bin/env bash
# `npm test`: installs what the tests need on a fresh Debian machine, builds, type-checks,
# then runs every test (unit, real SSH, practice cluster) with node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages for the real-SSH and practice-cluster tests (no-op when present).
bash scripts/install-deps.sh

npm run --silent build
npx tsc --noEmit

mapfile -t files < <(find test -name '*.test.ts' -o -name '*.test.tsx' | sort)
# One file at a time: the practice-cluster tests share one set of namespaces.
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"

#!/usr/bin/env bash
# `npm test`: installs what the tests need on a fresh Debian machine, builds, type-checks,
# then runs every test (unit, real SSH, practice cluster) with node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages for the real-SSH and practice-cluster tests (no-op when present).
bash scripts/install-deps.sh

npm run --silent build
npx tsc --noEmit
# The layering: no import cycles; the domain (src/) never imports the shell (app/) or views (screens/).
npx depcruise app src screens --config .dependency-cruiser.cjs --output-type err
# Lint: typescript-eslint recommended + React's rules of hooks (eslint.config.js).
npx eslint --max-warnings=0 .

# The tests assert English messages and never touch the operator's own remembered settings
# (~/.config/mfs-tui: the last inventory, the language): a Chinese locale or an earlier
# `mfs-tui --lang zh` on this machine must not change what they see. Tests of Chinese set their own.
export LC_ALL=C.UTF-8
export MFS_TUI_CONFIG_DIR="${MFS_TUI_CONFIG_DIR:-$(mktemp -d -t mfs-tui-test-config.XXXXXX)}"

mapfile -t files < <(find test -name '*.test.ts' -o -name '*.test.tsx' | sort)
# One file at a time: the practice-cluster tests share one set of namespaces.
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"

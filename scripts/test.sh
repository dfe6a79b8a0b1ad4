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
# Format: Prettier (.prettierrc.json; .prettierignore keeps runbooks and fixtures byte for byte).
npx prettier --check --log-level warn .

# The tests assert English messages and never touch the operator's own remembered settings
# (~/.config/mfs-tui: the last inventory, the language): a Chinese locale or an earlier
# `mfs-tui --lang zh` on this machine must not change what they see. Tests of Chinese set their own.
export LC_ALL=C.UTF-8
config_base="${MFS_TUI_CONFIG_DIR:-$(mktemp -d -t mfs-tui-test-config.XXXXXX)}"

# Two chains side by side, each one file at a time, each with its own config folder:
# - the cluster chain: the practice-cluster tests (the files that use its test supports,
#   test/support/lab.ts, lab-runbook.ts or drill-cli.ts). They take a machine-wide lock (the
#   lab's names, mfslab-* and 10.77.0.0/24, are machine-wide), so they can only run one at a time;
# - the rest: unit tests, real-sshd, CLI, engine and packaging tests, and the tests on their
#   own small real clusters (status, preconditions, recovery, ha-failover: namespaces, bridge
#   and subnet of their own, 10.251.12.0/24 and 10.88.0.0/24), which share no namespaces,
#   ports or folders with the practice cluster and finish while the cluster chain runs.
cluster=()
rest=()
while IFS= read -r f; do
  if grep -qE "support/(lab|lab-runbook|drill-cli)\.ts'" "$f"; then cluster+=("$f"); else rest+=("$f"); fi
done < <(find test -name '*.test.ts' -o -name '*.test.tsx' | sort)

# The practice-cluster runbook tests log in as the lab operator `ops` and act through sudo with
# its password, as on most real servers (test/support/lab-runbook.ts; MFS_TUI_LAB_TEST_OPERATOR=root
# runs them as root instead). systemd-lab, ops-lab and firewalld-lab always run as ops.
export MFS_TUI_LAB_TEST_OPERATOR="${MFS_TUI_LAB_TEST_OPERATOR:-ops}"

run_chain() {
  local name=$1
  shift
  mkdir -p "$config_base/$name"
  MFS_TUI_CONFIG_DIR="$config_base/$name" node --import tsx --test --test-concurrency=1 --test-reporter=spec "$@"
}

# The rest's report is printed whole when both chains are done; the cluster chain's streams.
rest_log=$(mktemp -t mfs-tui-test-rest.XXXXXX)
started=$SECONDS
run_chain rest "${rest[@]}" >"$rest_log" 2>&1 &
rest_pid=$!
# Interrupted: the rest goes too (the cluster chain is in the foreground and gets the signal itself).
trap 'kill "$rest_pid" 2>/dev/null || true' INT TERM
cluster_log=$(mktemp -t mfs-tui-test-cluster.XXXXXX)
cluster_code=0
run_chain cluster "${cluster[@]}" 2>&1 | tee "$cluster_log" || cluster_code=$?
rest_code=0
wait "$rest_pid" || rest_code=$?
echo
echo "# ---- unit, sshd, CLI, engine, packaging and own-cluster tests (ran beside the practice-cluster tests) ----"
cat "$rest_log"
# A CI log is often read from its end: repeat each chain's failures (the reporter's own
# summary, with every failed assertion's message) last.
for log in "$cluster_log" "$rest_log"; do
  if grep -q '^✖ failing tests:' "$log"; then
    echo
    echo "# ---- failures of the $([ "$log" = "$cluster_log" ] && echo cluster || echo other) tests, again ----"
    sed -n '/^✖ failing tests:/,$p' "$log" | head -n 400
  fi
done
rm -f "$rest_log" "$cluster_log"
echo "# cluster tests: exit $cluster_code; the rest: exit $rest_code; $((SECONDS - started)) s in all"
[ "$cluster_code" -eq 0 ] && [ "$rest_code" -eq 0 ]

#!/usr/bin/env bash
# Runs a command (an apt-get install) with package scripts kept from starting daemons on this
# machine, and leaves the machine as it was afterwards: a policy-rc.d (exit 101) exists only
# while the command runs, and only if none was there before. Ours carries a marker, so one left
# by an install that was killed (SIGKILL, power loss) is recognised and removed by the next run.
# `no-daemon-start.sh --cleanup` only removes such a leftover. MFS_TUI_POLICY_RC_D overrides the path (tests only).
set -uo pipefail
policy="${MFS_TUI_POLICY_RC_D:-/usr/sbin/policy-rc.d}"
marker='# mfs-tui: temporary, removed when its install ends'

if [ -e "$policy" ] && grep -qxF "$marker" "$policy" 2>/dev/null; then
  rm -f "$policy"   # left by an interrupted earlier install
fi
[ "${1:-}" = --cleanup ] && exit 0   # only that: nothing to install

if [ -e "$policy" ]; then
  exec "$@"         # someone else's policy: use it as it is, never touch it
fi

printf '#!/bin/sh\n%s\nexit 101\n' "$marker" > "$policy"
chmod 755 "$policy"
cleanup() { grep -qxF "$marker" "$policy" 2>/dev/null && rm -f "$policy"; }
trap cleanup EXIT
# A background job ignores SIGINT in a script, so any signal is passed on as SIGTERM; the
# policy is removed only once the command has ended.
child=
on_signal() { [ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child"; exit "$1"; }
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
"$@" &
child=$!
wait "$child"
rc=$?; exit "$rc"

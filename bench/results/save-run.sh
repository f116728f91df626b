#!/usr/bin/env bash
# End a session's share of the main benchmark (run-coder-v2.sh) in one step: stop its
# processes, copy the records a separate run checkout wrote into this checkout, and pack
# the sessions (the unfinished ones into one archive, each finished one into its own, once)
# so another machine can resume the runs and fork the steered ones. Committing stays yours.
#
#   bench/results/save-run.sh RUN_CHECKOUT [SESSIONS]
#   bench/results/save-run.sh /work/benchrun            (SESSIONS: ../benchset/sessions-v2)
#
# RUN_CHECKOUT is the checkout the run was started from (a copy kept apart, so that work on
# this one never changes the code under a running benchmark). Records are only ever
# appended, so a file is copied only when the run's copy holds at least as many lines.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$#" -lt 1 ] || [ ! -d "$1/bench/results" ]; then
  echo "usage: bench/results/save-run.sh RUN_CHECKOUT [SESSIONS]" >&2
  exit 2
fi
run=$(cd "$1" && pwd -P)
sessions=${2:-$here/../benchset/sessions-v2}

# The benchmark's processes started from RUN_CHECKOUT (those of other checkouts are left
# alone): the run-coder-v2.sh shells (`run-coder-v2.sh before` becomes bench/run_before.sh
# by exec) and the `orps bench` each one started.
ours() {
  for pid in $(pgrep -f "$1" || true); do
    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$run" ] && echo "$pid"
  done
  return 0
}
# Each run was started with setsid, so its process group is its own.
for pid in $(ours "bench/results/run-coder-v2.sh"; ours "bench/run_before.sh"); do
  kill -- "-$(ps -o pgid= "$pid" | tr -d ' ')" 2>/dev/null || true
done
for _ in $(seq 1 30); do
  [ -z "$(ours "orps bench")" ] && break
  sleep 1
done
if [ -n "$(ours "orps bench")" ]; then
  echo "save-run: an orps bench process is still running; stop it, then run this again" >&2
  exit 1
fi

for src in "$run"/bench/results/coder-v2-*.jsonl; do
  [ -f "$src" ] || continue
  dst=$here/bench/results/$(basename "$src")
  have=$( [ -f "$dst" ] && wc -l < "$dst" || echo 0 )
  got=$(wc -l < "$src")
  if [ "$got" -lt "$have" ]; then
    echo "save-run: $src has $got lines, $dst $have: left as it is" >&2
    continue
  fi
  [ "$got" -eq "$have" ] && continue
  cp "$src" "$dst"
  echo "save-run: $(basename "$src"): $have -> $got records"
done

if [ -d "$sessions" ]; then
  "$here/.venv/bin/python" "$here/bench/pack_sessions.py" "$sessions" \
    "$here/bench/results/in-progress-sessions.tar.xz" --finished "$here/bench/results/sessions"
fi

#!/usr/bin/env bash
# Run the ORPS engine as it was before the fixed-budget protocol (commit 95cf9db) on the
# same problems and seeds, so `orps bench --compare before.jsonl:orps-before new.jsonl`
# can pair its answers with the new engine's.
#
#   bench/run_before.sh OUT MODEL K B R SEEDS PROBLEM...
#   bench/run_before.sh before.jsonl embedded:coder 3 2 3 1,2,3 fn-merge-intervals dance-pairs
#
# Makes a git worktree of that commit in a temporary folder, installs it (editable, so its
# starter set resolves) into its own venv, runs its `orps bench --method orps` once per
# seed and problem (skipping the problems and seeds already in OUT, so an interrupted run
# resumes), and appends each record to OUT with the fields the old command did not write:
# `seed`, `commit`, `samples`, `beam`, `rounds`. The old engine has no call budget and
# stops early on a top critic score; K/B/R bound it. PYTHON picks the interpreter
# (default python3); ORPS_BEFORE_COMMIT another commit. Everything temporary is removed
# on exit.
set -euo pipefail

usage() { sed -n '6,7p' "$0" | sed 's/^#   //' >&2; }
if [ "$#" -lt 7 ]; then
    echo "usage:" >&2
    usage
    exit 2
fi
out=$1 model=$2 k=$3 b=$4 r=$5 seeds=$6
shift 6
for n in "$k" "$b" "$r"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "run_before.sh: K, B and R must be whole numbers, got '$n'" >&2; exit 2; }
done
[[ "$seeds" =~ ^-?[0-9]+(,-?[0-9]+)*$ ]] || {
    echo "run_before.sh: SEEDS must be whole numbers separated by commas, got '$seeds'" >&2; exit 2; }

commit=${ORPS_BEFORE_COMMIT:-95cf9db}
python=${PYTHON:-python3}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
out_abs=$(realpath -m "$out")
tmp=$(mktemp -d)
cleanup() {
    git -C "$repo" worktree remove --force "$tmp/src" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

git -C "$repo" worktree add --quiet --detach "$tmp/src" "$commit"
"$python" -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check -e "$tmp/src"
short=$(git -C "$tmp/src" rev-parse --short HEAD)

for seed in ${seeds//,/ }; do
  for problem in "$@"; do
    # one problem at a time, skipping those already in OUT: an interrupted run resumes
    # (the old `orps bench` has no resume of its own)
    id=$(basename "$problem" .toml)
    if [ -f "$out_abs" ] && "$python" - "$out_abs" "$id" "$seed" <<'PY'
import json, sys
path, problem, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
for line in open(path, encoding="utf-8"):
    if line.strip():
        record = json.loads(line)
        if record.get("problem") == problem and record.get("seed") == seed:
            sys.exit(0)
sys.exit(1)
PY
    then
        continue
    fi
    rm -f "$tmp/seed.jsonl"
    "$tmp/venv/bin/orps" bench "$problem" --method orps --model "$model" \
        -k "$k" -b "$b" -r "$r" --seed "$seed" --out "$tmp/seed.jsonl" || true
    [ -f "$tmp/seed.jsonl" ] || continue
    "$tmp/venv/bin/python" - "$tmp/seed.jsonl" "$out_abs" "$seed" "$short" "$k" "$b" "$r" <<'PY'
import json
import sys

src, dst, seed, commit, k, b, r = sys.argv[1:]
with open(src, encoding="utf-8") as f, open(dst, "a", encoding="utf-8") as g:
    for line in f:
        if line.strip():
            record = json.loads(line)
            record.update(seed=int(seed), commit=commit, samples=int(k), beam=int(b),
                          rounds=int(r))
            g.write(json.dumps(record) + "\n")
PY
  done
done
echo "run_before.sh: records appended to $out_abs" >&2

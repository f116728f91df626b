#!/usr/bin/env bash
# The "before" column of the ORPS benchmark: the engine as it was at commit 95cf9db, run
# one problem at a time so that an interrupted run resumes where it stopped (the old
# `orps bench` had no resume). Usage:
#   bench/run_before_loop.sh BEFORE_CHECKOUT OUT.jsonl SEED K B R PROBLEM...
# BEFORE_CHECKOUT: a checkout of 95cf9db with its .venv installed (`make install`).
set -euo pipefail
checkout=$1 out=$2 seed=$3 k=$4 b=$5 r=$6
shift 6
for problem in "$@"; do
  id=$(basename "$problem" .toml)
  if [ -f "$out" ] && grep -q "\"problem\": \"$id\"" "$out"; then
    continue
  fi
  tmp=$(mktemp)
  "$checkout/.venv/bin/orps" bench "$problem" --method orps --model embedded:coder \
    -k "$k" -b "$b" -r "$r" -c 1 --seed "$seed" --out "$tmp" || true
  python3 - "$tmp" "$out" "$seed" <<'PY'
import json, sys
src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(dst, "a", encoding="utf-8") as out:
    for line in open(src, encoding="utf-8"):
        if line.strip():
            record = json.loads(line)
            record.update(seed=seed, method="orps-before", engine="95cf9db")
            out.write(json.dumps(record) + "\n")
PY
  rm -f "$tmp"
done

#!/usr/bin/env bash
# The main ORPS benchmark (issue 10): 40 problems, embedded coder model, K=2 B=2 R=3,
# a fixed budget of 16 LLM calls for every method, seed 1. Resumable: run it again and it
# skips the records already in the output file. Run from a checkout with .venv installed.
#
#   bench/results/run-coder-v2.sh [OUT]      (default bench/results/coder-v2-seed1.jsonl)
#   bench/results/run-coder-v2.sh before [OUT]   the engine before this work (commit 95cf9db)
#       on the same problems and seed, K=2 B=2 R=2 (its budget shape, at most 20 calls; it
#       has no call cap), through bench/run_before.sh (default OUT:
#       bench/results/coder-v2-before-seed1.jsonl)
#   bench/results/run-coder-v2.sh steered [OUT]   ORPS steered by the scripted policy
#       (issue 14), same problems, seed and budget, each forked from the finished `orps`
#       session of its problem where the policy first acts (none: that search is the
#       steered one; docs/bench.md) (default OUT: bench/results/coder-v2-steered-seed1.jsonl)
#   METHODS=orps,oneshot,bestofn bench/results/run-coder-v2.sh   only those methods (the
#       others run later into the same file: records are keyed by problem, method, seed)
#   ONLY="bus-sync lbpp-1" bench/results/run-coder-v2.sh steered   only those problems, each
#       in its part's file (a later full run skips them: records are keyed)
#   PART=2/2 bench/results/run-coder-v2.sh [before|steered] [OUT]   one of N parts, to run N at once
#       (one llama.cpp thread each): the list below is cut into pairs (one LBPP task, one
#       starter problem) and part I takes pairs I, I+N, ...; part 1 writes the default OUT,
#       part I > 1 writes it with "-partI" before ".jsonl". `orps bench --compare` merges
#       the files.
#
# Concurrency (model calls in flight, one llama.cpp server slot each): 1 for the records
# written before 2026-12-02 17:40 UTC, 4 after (each record's `concurrency` field; older
# records lack it and ran at 1). Until commit "the search's concurrency reaches the model"
# (2026-12-03) the model itself was opened with the setting's 2 (client semaphore and
# server slots), so the records at "4" had 2 calls generating and 2 waiting; from then on
# all 4 generate. Four calls in flight on one thread give about 1.7-1.9x the tokens/s of
# one, two about 1.15x (bench/README.md); the pace changes nothing a run may do, and a run
# cut short at one pace goes on at another (SearchConfig.same_search).
#
# ORPS and reflexion records made before the engine stopped repeated programs (commit
# 6a140dd and earlier) were moved to coder-v2-seed1-engine-6a140dd.jsonl, their sessions
# out of ../benchset/sessions-v2: those runs go again with the current engine. The pool's
# records stay (its samples are roots, whose prompts did not change).
#
# The problem set: the 22 medium and hard starter problems (each with a performance input)
# and 18 LBPP tasks, imported with the dev asserts as public tests:
#   orps import lbpp ../shared/datasets/lbpp/test.csv \
#       --public-from ../shared/datasets/lbpp/dev.csv --skip-unavailable --out $LBPP
# The LBPP tasks are the first 18 (by number) of the 141 that need only the standard
# library, leaving out every task whose number is a multiple of 5: those form the tuning
# set (with MBPP), on which prompts may be tried; nothing is tuned on the reported set.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
mode=run
if [ "${1:-}" = before ] || [ "${1:-}" = steered ]; then mode=$1; shift; fi
out=${1:-$here/bench/results/coder-v2-seed1.jsonl}
[ "$mode" = before ] && out=${1:-$here/bench/results/coder-v2-before-seed1.jsonl}
[ "$mode" = steered ] && out=${1:-$here/bench/results/coder-v2-steered-seed1.jsonl}
methods=${METHODS:-orps,oneshot,bestofn,reflexion}
[ "$mode" = steered ] && methods=orps-steered
lbpp=${LBPP:-$here/../benchset/lbpp}
if [ ! -d "$lbpp" ]; then
  "$here/.venv/bin/orps" import lbpp "$here/../shared/datasets/lbpp/test.csv" \
    --public-from "$here/../shared/datasets/lbpp/dev.csv" --skip-unavailable --out "$lbpp"
fi
lbpp_ids=(1 2 3 4 6 7 11 12 14 16 17 18 19 21 23 24 26 27)
starter=(beacon-spacing bus-sync dance-pairs echo-stamps fair-split fire-station
  fn-coin-change-ways fn-gcd-pair-sum fn-lfu-evictions fn-longest-distinct-run
  fn-merge-intervals fn-primes-in-window fn-smallest-topo-order fn-split-min-largest
  fn-top-k-frequent fn-voucher-cheapest-route fn-weighted-job-scheduling heavy-trucks
  maze-rover nested-envelopes orchard-queries roadblock-paths)
problems=()
for i in $(seq 0 21); do
  if [ "$i" -lt ${#lbpp_ids[@]} ]; then problems+=("$lbpp/lbpp-${lbpp_ids[$i]}.toml"); fi
  problems+=("${starter[$i]}")
done
part=${PART:-1/1}
part_i=${part%/*}; part_n=${part#*/}
if [ "$part_i" -gt 1 ] && [ -z "${1:-}" ]; then out=${out%.jsonl}-part$part_i.jsonl; fi
mine=()
for i in "${!problems[@]}"; do
  if [ $(( i / 2 % part_n )) -eq $(( part_i - 1 )) ]; then mine+=("${problems[$i]}"); fi
done
problems=("${mine[@]}")
if [ -n "${ONLY:-}" ]; then
  kept=()
  for p in "${problems[@]}"; do
    case " $ONLY " in *" $(basename "$p" .toml) "*) kept+=("$p") ;; esac
  done
  problems=("${kept[@]}")
  if [ ${#problems[@]} -eq 0 ]; then echo "run-coder-v2: no problem of ONLY in part $part"; exit 0; fi
fi
sessions=${SESSIONS:-$here/../benchset/sessions-v2}
# the sessions committed at the end of a session (bench/results/save-run.sh): the runs cut
# short when a machine went away (in-progress-sessions.tar.xz), which `orps bench
# --sessions` resumes, and the finished ones (bench/results/sessions/), which steered runs
# fork; each goes back only where this machine lacks it
"$here/.venv/bin/python" "$here/bench/pack_sessions.py" --unpack "$sessions" \
  "$here/bench/results/in-progress-sessions.tar.xz" --finished "$here/bench/results/sessions"
export ORPS_CONFIG=${ORPS_CONFIG:-$here/bench/results/coder-bench.toml}
if [ "$mode" = steered ] && [ ! -d "$sessions/orps" ]; then
  # without them every steered run would start from scratch, unpaired with ORPS's
  echo "run-coder-v2: steered runs fork ORPS's finished sessions, and $sessions/orps is" \
    "missing (save-run.sh archives them in bench/results/sessions: run ORPS first)" >&2
  exit 2
fi
if [ "$mode" = before ]; then
  exec "$here/bench/run_before.sh" "$out" embedded:coder 2 2 2 1 "${problems[@]}"
fi
"$here/.venv/bin/orps" bench "${problems[@]}" --model embedded:coder \
  --method "$methods" -k 2 -b 2 -r 3 -c "${CONCURRENCY:-4}" --calls 16 --seeds 1 --out "$out" \
  --sessions "$sessions"

"""Where would the steering policy act on the benchmark's unsteered ORPS searches? Reads
saved sessions (`orps bench --sessions DIR`, its `orps/` runs) and, per finished search,
the first round in which the policy (`steering_policy.first_actions`) would send a
command, and which. A search where it never acts is grown unchanged by a steered search
with the same seeds (generation aside: llama.cpp's batched slots are not bit-for-bit
repeatable), so only the others can make the steered column differ. No model call.

    .venv/bin/python bench/policy_replay.py ../benchset/sessions-v2/orps \\
        [--records bench/results/coder-v2-seed1.jsonl ...]

With `--records`, each acting search's problem is shown with ORPS's hidden result.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.search.bench import read_records  # noqa: E402
from orps_tui.search.bench_derive import all_passed  # noqa: E402
from orps_tui.search.session import LoadedSession, find_sessions  # noqa: E402
from orps_tui.search.steering_policy import POLICY_NAME, first_actions  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sessions", type=Path, help="a folder of ORPS sessions, any depth")
    parser.add_argument("--records", type=Path, nargs="*", default=[],
                        help="bench records, for ORPS's hidden result per problem")
    parser.add_argument("--json", action="store_true", help="one JSON object per search")
    args = parser.parse_args()
    solved = {r["problem"]: bool(all_passed(r.get("hidden"))) for path in args.records
              for r in read_records(path) if r.get("method") == "orps"}
    searches = acting = 0
    rules: Counter[str] = Counter()
    for directory, loaded in find_sessions(args.sessions):
        if not isinstance(loaded, LoadedSession) or loaded.finished is None:
            continue
        searches += 1
        actions = first_actions(loaded.tree)
        rules.update(str(a.rule) for a in actions)
        acting += bool(actions)
        row = {"session": directory.name, "problem": loaded.problem_id,
               "round": actions[0].round if actions else None,
               "actions": [a.to_dict() for a in actions],
               "orps_solved": solved.get(loaded.problem_id)}
        if args.json:
            print(json.dumps(row))
        elif actions:
            result = {True: "ORPS solved it", False: "ORPS did not solve it",
                      None: "no record"}[row["orps_solved"]]
            said = ", ".join(f"{a.rule} #{a.command.node_id}" for a in actions)
            print(f"{loaded.problem_id:28} round {row['round']}: {said} ({result})")
    if not args.json:
        print(f"policy {POLICY_NAME}: acts on {acting} of {searches} finished searches "
              f"before their last round; first-round commands by rule: {dict(rules)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

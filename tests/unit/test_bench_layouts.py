"""bench/repeats.py's experimental child layouts: what a child's programmer call carries."""

from __future__ import annotations

from pathlib import Path

from orps_tui.search.prompts import programmer_messages, strategy_for
from tests.support.scripted_model import sample_problem
from tests.support.starter import load_tool
from tests.unit.test_search_prompts import _all_text, _branch

repeats = load_tool(Path(__file__).resolve().parents[2] / "bench" / "repeats.py", "repeats")


def test_a_child_that_may_not_see_code_reads_how_its_branch_ran_and_its_reviews() -> None:
    problem = sample_problem()
    branch = _branch(problem, 2)
    branch[0].reasoning = "## Approach\nAdd the two numbers.\n\n## Evidence\nThe examples."
    messages = repeats.CodeUnseen().programmer(problem, branch, strategy_for(3))
    assert [m.role for m in messages] == ["system", "user"]
    text = _all_text(messages)
    assert "return a + b" not in text  # no attempt's code
    assert "Approach: Add the two numbers." in text and "The examples" not in text
    assert "critique 0" in text and "critique 1" in text and "Score 3/5" in text
    assert text.count("Execution analysis on the public tests") == 2
    assert "hint 1" in text  # the parent's hint goes where a hint goes
    assert "their code is not" in text and "Define `add`" in text
    assert text.endswith(strategy_for(3))


def test_a_fresh_sample_child_is_asked_for_as_a_root_is() -> None:
    problem = sample_problem()
    branch = _branch(problem, 2)
    assert repeats.FreshSample().programmer(problem, branch, strategy_for(1)) == \
        programmer_messages(problem, [], strategy_for(1))


def test_the_summary_counts_children_passing_every_test_with_the_bench_rule() -> None:
    def row(outcome: str, public: list[int] | None, hidden: list[int] | None) -> dict:
        return {"text": "sample", "retry": False, "outcome": outcome, "public": public,
                "hidden": hidden}
    rows = [row("better", [3, 3], [4, 4]), row("same", [1, 3], [0, 4]),
            row("no-code", None, None), row("same", [0, 0], [0, 0])]  # no tests: no pass
    line = repeats.summary(rows).splitlines()[-1]
    assert line == "| sample | 4 | 0 | 1 | 1 | 2 | 0 | 1 | 1/3 | 0 |"

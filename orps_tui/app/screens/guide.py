"""F1: what ORPS does and what each pane shows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

GUIDE = """\
# How orps solves a problem

**ORPS** (Outcome-Refining Process Supervision) is a tree search over *reasoning + code*.

1. **Root expansion.** The programmer model writes **K** answers, each nudged by a
   different strategy (efficient, concise, iterative, mathematical…).
2. **Execution.** Each answer's code runs in a sandbox on the **public** tests: verdict,
   CPU time and peak memory per test, plus static metrics (size, complexity).
3. **Critique.** A critic call sees the problem, the code and that execution analysis,
   writes a critique and a **1-5 process score**, and may declare the solution finished.
4. **Outcome score** = pass rate × (1 + mean(static, dynamic efficiency)), in [0, 2).
5. **Beam.** The top **B** new nodes (by critic score, then outcome score) are *kept*;
   each gets K children who see the branch's whole history and improve on it.
6. After **R** rounds (or when nothing is active) the answer is the node with the best
   public pass rate (then lower time, then outcome score), graded once on hidden tests.

**Sampling** (the budget box's other method): K independent programs, no critic, no
refinement; the same answer rule picks one. With the small models a CPU runs, it has
solved more problems than ORPS for the same number of model calls (README, "What to
expect"): use it for answers, ORPS to study and steer the search.

## The panes

- **Tree** (left): one line per node: state glyph, `#id`, pass rate on public tests,
  `p` critic score, `o` outcome score, strategy. `★` marks the current best.
  Glyphs: `✎` generating, `⚖` judging, `✍` critiquing, `○` scored, `●` kept,
  `◌` stopped, `▲` boosted, `✂` pruned, `✔` finished, `⊘` cancelled, `✖` error,
  `↺` a child that repeats a program on its branch (not judged or reviewed).
  After `r` or `R` (judge on all tests, hidden ones too): `✓all` passes every test, `✗all` not.
- **Detail** (right, top): keys `1`-`5`: Reasoning (streams while the model writes),
  Code, Critique, Diff against the parent, and the Prompt that was sent.
- **Profiler** (right, bottom): one row per test (verdict, CPU ms, peak MB; amber above
  80% of a limit, red over it), expected vs actual for the first failing test, static
  metrics, time and memory bars. `P` profiles one test: per-line heat next to the code.
- **Header**: state, problem, model, round, nodes, model calls and tokens, elapsed time.

## Steering

`p` prune (again: unprune) · `b` boost · `e` expand now (`o`: with its own K, temperature
and instruction) · `h` hint · `B` budget · `S` stop and grade · `E` edit into a
person-written child (`ctrl+e`: in $EDITOR) · `space` pause/resume · `esc` cancel in-flight
calls · `r` re-judge on all tests (`R`: every node) · `c` copy code · `x` export · `s` save · `?` keys.
A finished search (or a finished session reopened) is **continued** by `e`, `o`, `h`, `E`
and `B` (more rounds or calls), in the same session file. One opened with `--review` (or
`v` on the home screen) is **read-only**: keys that would change it say so.
"""


class GuideScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close_guide", "Close", id="guide.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="guide-body", classes="dialog wide"):
            yield Markdown(GUIDE)

    def action_close_guide(self) -> None:
        self.dismiss(None)

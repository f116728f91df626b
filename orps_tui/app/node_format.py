"""How a search node looks in the app: state glyphs, colours and one-line labels.

Pure functions over `Node`, kept apart from the widgets so tests and the benchmark can
call them without a running app.
"""

from __future__ import annotations

import re
from dataclasses import asdict

from rich.text import Text

from orps_tui.app.palette import DEFAULT, Palette
from orps_tui.sandbox.report import JudgeReport, Verdict
from orps_tui.search.tree import Author, Node, NodeFate, NodeState, repeated_id

# One glyph per state; the colour is a theme variable name so themes recolour the tree.
STATE_GLYPHS: dict[NodeState, str] = {
    NodeState.PENDING: "·",
    NodeState.GENERATING: "✎",
    NodeState.JUDGING: "⚖",
    NodeState.CRITIQUING: "✍",
    NodeState.ACTIVE: "○",
    NodeState.KEPT: "●",
    NodeState.STOPPED: "◌",
    NodeState.PRUNED: "✂",
    NodeState.BOOSTED: "▲",
    NodeState.FINISHED: "✔",
    NodeState.CANCELLED: "⊘",
    NodeState.ERROR: "✖",
}

# Rich styles per state: `{role}` is filled with that colour of the theme's palette.
STATE_STYLES: dict[NodeState, str] = {
    NodeState.PENDING: "dim",
    NodeState.GENERATING: "bold {primary}",
    NodeState.JUDGING: "bold {warning}",
    NodeState.CRITIQUING: "bold {secondary}",
    NodeState.ACTIVE: "",
    NodeState.KEPT: "bold {success}",
    NodeState.STOPPED: "dim",
    NodeState.PRUNED: "dim strike",
    NodeState.BOOSTED: "bold {accent}",
    NodeState.FINISHED: "bold {success}",
    NodeState.CANCELLED: "dim italic",
    NodeState.ERROR: "bold {error}",
}

STATE_WORDS: dict[NodeState, str] = {
    NodeState.PENDING: "waiting for a model slot",
    NodeState.GENERATING: "the programmer is writing",
    NodeState.JUDGING: "running on the public tests",
    NodeState.CRITIQUING: "the critic is reviewing",
    NodeState.ACTIVE: "scored, waiting for the beam",
    NodeState.KEPT: "kept in the beam",
    NodeState.STOPPED: "fell out of the beam",
    NodeState.PRUNED: "pruned: never expands",
    NodeState.BOOSTED: "boosted: kept in the next beam",
    NodeState.FINISHED: "the critic declared it finished",
    NodeState.CANCELLED: "its model call was cancelled",
    NodeState.ERROR: "error",
}


# A child the engine stopped because it repeats a program on its branch is an ERROR node,
# but not a crash: it has a glyph, colour and words of its own.
REPEAT_GLYPH = "↺"
REPEAT_STYLE = "dim {warning}"
REPEAT_WORDS = "repeats a program on its branch: not judged"


def glyph(state: NodeState) -> str:
    return STATE_GLYPHS.get(state, "?")


def node_glyph(node: Node) -> str:
    return REPEAT_GLYPH if node.fate is NodeFate.REPEATED else glyph(node.state)


def node_words(node: Node) -> str:
    if node.fate is NodeFate.REPEATED:
        return REPEAT_WORDS
    return STATE_WORDS.get(node.state, str(node.state))


def _node_style(node: Node, palette: Palette) -> str:
    style = REPEAT_STYLE if node.fate is NodeFate.REPEATED else STATE_STYLES.get(node.state, "")
    return style.format_map(asdict(palette))


def fmt_rate(rate: float | None) -> str:
    return "  –  " if rate is None else f"{rate * 100:3.0f}%"


def fmt_score(score: float | None, digits: int = 1) -> str:
    return "–" if score is None else f"{score:.{digits}f}"


def node_label(node: Node, *, best: bool = False, palette: Palette = DEFAULT,
               width: int | None = None, all_tests: bool | None = None) -> Text:
    """`● #12 ★ 100% p4.0 o1.42 Keep it short and clear` — glyph, id, best mark, pass
    rate, scores, strategy; with `width`, the strategy is cut to fit the line in it.
    `all_tests`: the node was judged on every test (hidden ones too) and passed them all
    (`✓all`) or not (`✗all`)."""
    text = Text()
    text.append(node_glyph(node), style=_node_style(node, palette))
    text.append(f" #{node.id}", style="bold" if best else "")
    if best:
        text.append(" ★", style=f"bold {palette.warning}")
    rate = node.pass_rate
    rate_style = ""
    if rate is not None:
        rate_style = palette.verdict(rate)
    text.append(f" {fmt_rate(rate)}", style=rate_style)
    text.append(f" p{fmt_score(node.process_score)}")
    text.append(f" o{fmt_score(node.outcome_score, 2)}")
    if all_tests is not None:
        text.append(" ✓all" if all_tests else " ✗all",
                    style=palette.verdict(1.0 if all_tests else 0.0))
    if node.author is Author.PERSON:
        text.append(" person", style=f"italic {palette.accent}")
    elif node.strategy and node.fate is not NodeFate.REPEATED:  # which program it repeats says more
        room = 30 if width is None else min(60, width - text.cell_len - 1)
        if room >= 8:
            text.append(f" {short_strategy(node.strategy, room)}", style="dim")
    if node.hints:
        text.append(f" +{len(node.hints)} hint", style="italic")
    if node.fate is NodeFate.REPEATED and node.error:
        earlier = repeated_id(node)
        text.append(f" same as #{earlier}" if earlier is not None else f" {node.error[:40]}",
                    style="dim")
    elif node.state is NodeState.ERROR and node.error:
        text.append(f" {node.error[:40]}", style=palette.error)
    return text


def short_strategy(strategy: str, width: int = 30) -> str:
    """The strategy hint's first clause (up to `:`, `,` or ` (`), cut at a word boundary
    when longer than `width`: `Keep it short and clear`, `Aim for the most efficient…`."""
    clause = re.split(r":|,| \(", strategy.strip(), maxsplit=1)[0].rstrip(". ")
    if len(clause) <= width:
        return clause
    cut = clause[:width - 1].rsplit(" ", 1)[0].rstrip(",.;:(")
    return cut + "…"


def hidden_counts(report: JudgeReport) -> tuple[int, int]:
    """Passed and total among the report's hidden tests (a re-judge on all tests holds the
    public ones too)."""
    hidden = [t for t in report.tests if not t.public]
    return sum(t.verdict is Verdict.AC for t in hidden), len(hidden)


def hidden_grade(report: JudgeReport | None) -> str:
    """`hidden 11/11 AC` (the verdict of the hidden tests alone), or "" with none."""
    if report is None:
        return ""
    passed, total = hidden_counts(report)
    if not total:
        return ""
    verdict = next((t.verdict for t in report.tests if not t.public and t.verdict is not
                    Verdict.AC), Verdict.AC)
    return f"hidden {passed}/{total} {verdict.value}"


def node_summary(node: Node) -> str:
    """One plain line for notifications and the detail title."""
    parts = [f"#{node.id}", node_words(node)]
    if node.rewrite_of is not None:
        parts.append(f"written again after #{node.rewrite_of}")
    if node.report is not None:
        parts.append(f"{node.report.passed}/{node.report.total} public tests")
    if node.hidden_report is not None:
        passed, total = hidden_counts(node.hidden_report)
        parts.append(f"{passed}/{total} hidden tests")
    if node.process_score is not None:
        parts.append(f"critic {node.process_score:.1f}/5")
    if node.outcome_score is not None:
        parts.append(f"outcome {node.outcome_score:.2f}")
    return " · ".join(parts)


def generation_note(node: Node) -> str:
    """The generation settings a person gave this node (ExpandNow), for the detail pane;
    empty when it used the search's own."""
    parts = []
    if node.temperature is not None:
        parts.append(f"temperature {node.temperature:g}")
    if node.instruction:
        first = node.instruction.splitlines()[0]
        parts.append(f"instruction: {first[:60]}{'…' if len(first) > 60 else ''}")
    return " · set by you: " + ", ".join(parts) if parts else ""

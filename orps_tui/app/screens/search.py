"""The search screen: tree, node detail and profiler, fed in batches from the engine.

Engine events land in an `EventBuffer` (any thread); a timer drains it every
`REFRESH_S` and applies one batch, so streaming and large trees never flood the UI.
Steering keys turn into engine commands; in a read-only session they only say so.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from orps_tui.app.event_buffer import Batch, EventBuffer
from orps_tui.app.keymap import (
    APP_KEYS,
    BY_ID,
    SEARCH_KEYS,
    TREE_KEYS,
    KeySpec,
    bindings,
    refusal_bindings,
)
from orps_tui.app.profile_view import heat_from_profile
from orps_tui.app.screens.budget_modal import BudgetModal, BudgetNow
from orps_tui.app.screens.edit_modal import EditModal
from orps_tui.app.screens.expand_modal import ExpandModal
from orps_tui.app.screens.guide import GuideScreen
from orps_tui.app.screens.help import HelpScreen, keys_markdown
from orps_tui.app.screens.hint_modal import HintModal
from orps_tui.app.screens.path_modal import PathModal
from orps_tui.app.screens.pick_modal import PickModal
from orps_tui.app.search_link import ReadOnlyError, SearchLink
from orps_tui.app.widgets.detail_pane import DetailPane
from orps_tui.app.widgets.profiler_pane import ProfilerPane
from orps_tui.app.widgets.search_tree import SearchTree
from orps_tui.app.widgets.static_metrics_view import sandbox_help
from orps_tui.app.widgets.status_header import StatusHeader
from orps_tui.sandbox.report import JudgeReport
from orps_tui.search import events as ev
from orps_tui.search.tree import Node, NodeFate, NodeState

REFRESH_S = 0.075


class ScreenState(StrEnum):
    """What the search screen shows (the header's state word)."""

    STARTING = "starting"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    ERROR = "error"
    REVIEW = "review"


_LIVE = (ScreenState.RUNNING, ScreenState.PAUSED)
_GOING = (ScreenState.RUNNING, ScreenState.PAUSED, ScreenState.STARTING)


_CHANGES_SEARCH = {s.action for s in SEARCH_KEYS if s.changes_search}
_CONTINUES = {s.action for s in SEARCH_KEYS if s.continues}
_NEEDS_CODE = {"profile"}


class SearchScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings(SEARCH_KEYS) + refusal_bindings(SEARCH_KEYS)
    AUTO_FOCUS = "SearchTree"

    def __init__(self, link: SearchLink, *, autostart: bool = True) -> None:
        super().__init__()
        self.link = link
        self.autostart = autostart and link.engine is not None and not link.read_only \
            and not link.finished
        self.buffer = EventBuffer()
        self.selected_id: int | None = None
        self.regrades: dict[int, JudgeReport] = {}
        """Each node's last `r` (all tests), shown in its profiler pane; the engine's own
        reports are not touched."""
        self.regrading_all: set[int] = set()
        """Nodes an `R` asked to judge whose reports have not come back yet."""
        self.state = ScreenState.REVIEW if link.read_only else \
            ScreenState.FINISHED if link.finished else ScreenState.STARTING
        self.unsaved = False
        self.flushes = 0
        self._unsubscribe = link.subscribe(self.buffer.push)
        self._run_worker: Worker | None = None

    # ---- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status-header")
        with Horizontal(id="panes"):
            tree = SearchTree(self.link.problem.title or self.link.problem.id, id="tree")
            tree.border_title = "tree"
            yield tree
            with Vertical(id="right"):
                yield DetailPane(id="detail")
                yield ProfilerPane(id="profiler")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SearchTree).sync(self.link.nodes, self.link.nodes.keys(),
                                        self.link.best_id())
        self._refresh_header()
        self.set_interval(REFRESH_S, self.flush)
        if self.autostart:
            self.state = ScreenState.RUNNING
            self._run_worker = self.run_worker(self._run_engine(), name="engine",
                                               group="engine", exit_on_error=False)
        first = self.link.best_id()
        if first is None and self.link.nodes:
            first = min(self.link.nodes)
        if first is not None:
            self.query_one(SearchTree).move_to(first)
        self.app.theme_changed_signal.subscribe(self, self._restyle)

    def _restyle(self, _theme: object) -> None:
        """Redraw the text coloured from the theme's palette (tree lines, panes, header)."""
        self.query_one(SearchTree).sync(self.link.nodes, self.link.nodes.keys(),
                                        self.link.best_id())
        self.query_one(ProfilerPane).forget_shown()
        self.show_selected()
        self._refresh_header()

    def on_unmount(self) -> None:
        self._unsubscribe()

    async def _run_engine(self) -> None:
        await self.link.run()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._run_worker:
            return
        if event.state is WorkerState.ERROR:
            self.state = ScreenState.ERROR
            self.notify(f"the search stopped: {event.worker.error}", severity="error",
                        timeout=10)
        elif event.state in (WorkerState.SUCCESS, WorkerState.CANCELLED) and \
                self.state in _GOING:
            self.state = ScreenState.FINISHED
        self._refresh_header()

    # ---- the batched refresh -------------------------------------------------------

    def flush(self) -> None:
        """Apply everything the engine reported since the last flush, in one pass."""
        batch = self.buffer.drain()
        self.flushes += 1
        if not batch.empty:
            self.apply(batch)
        elif self.state in _LIVE:
            self._refresh_header()

    def apply(self, batch: Batch) -> None:
        nodes = self.link.nodes
        if batch.changed and not self.link.autosaves:
            self.unsaved = True
        self.query_one(SearchTree).sync(nodes, batch.changed, self.link.best_id())
        if batch.paused is not None and self.state in _LIVE:
            self.state = ScreenState.PAUSED if batch.paused else ScreenState.RUNNING
        if batch.finished is not None:
            self.state = ScreenState.FINISHED
            answer = f"answer #{batch.finished.answer_id}" if batch.finished.answer_id is not None \
                else "no answer"
            grade = self.link.header(self.state).hidden
            self.notify(f"search finished ({batch.finished.reason}): {answer}"
                        + (f", {grade}" if grade else ""), timeout=8)
            batch.changed.update(i for i in (batch.finished.answer_id,) if i is not None)
        self._show_regrades(batch.regraded)
        batch.changed.update(e.node_id for e in batch.regraded)
        for error in batch.errors:
            self.notify(error.message, severity="error" if error.fatal else "warning",
                        timeout=10 if error.fatal else 5)
            self._answered_for_all(error.node_id)  # an `R` whose judge failed on it
        if self.selected_id is None and nodes:
            self.query_one(SearchTree).move_to(min(nodes))
        elif self.selected_id in batch.changed:
            self.show_selected()
            self.refresh_bindings()
        if batch.finished is not None:
            self.refresh_bindings()
        self._refresh_header()

    def _refresh_header(self) -> None:
        frozen = bool(getattr(self.app, "frozen_clock", False))
        self.query_one(StatusHeader).show(self.link.header(self.state, frozen_clock=frozen))

    # ---- selection -------------------------------------------------------------------

    def on_search_tree_node_focused(self, message: SearchTree.NodeFocused) -> None:
        had_code = self._selected_has_code()
        self.selected_id = message.node_id
        self.show_selected()
        # Of the keys offered, only those that need code depend on the node (check_action);
        # refreshing the bindings rebuilds the footer, most of a key's cost in review.
        if self._selected_has_code() != had_code:
            self.refresh_bindings()

    def _selected_has_code(self) -> bool:
        node = self.link.node(self.selected_id)
        return node is not None and bool(node.code.strip())

    def show_selected(self) -> None:
        node = self.link.node(self.selected_id)
        if node is None:
            return
        parent = self.link.node(node.parent_id)
        self.query_one(DetailPane).show_node(
            node, parent,
            programmer_stream=node.raw_output if node.state.busy else "",
            critic_stream=node.critic_raw if node.state is NodeState.CRITIQUING else "",
            answer=node.id == self.link.answer_id,
        )
        self.query_one(ProfilerPane).show_node(node, self.link.problem.limits,
                                               self.regrades.get(node.id))

    def _selected(self, *, need_code: bool = False) -> Node | None:
        node = self.link.node(self.selected_id)
        if node is None:
            self.notify("no node selected", severity="warning")
            return None
        if need_code and not node.code.strip():
            self.notify(f"#{node.id} has no code yet", severity="warning")
            return None
        return node

    # ---- which keys are offered now ------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that change the search are offered only while it can be changed (their
        hidden twins say why otherwise); `P` only on a node with code."""
        if action in _CHANGES_SEARCH:
            return self.link.refusal(continues=action in _CONTINUES) is None
        if action == "refused":
            spec = BY_ID.get(str(parameters[0])) if parameters else None
            return self.link.refusal(continues=spec is not None and spec.continues) is not None
        if action in _NEEDS_CODE:
            return self._selected_has_code()
        return True

    def action_refused(self, binding_id: str) -> None:
        spec = BY_ID[binding_id]
        why = self.link.refusal(continues=spec.continues) or "not now"
        name = spec.palette.split(": ", 1)[1]
        self.notify(f"{why}: {name} changes a running search", severity="warning")

    # ---- steering --------------------------------------------------------------------

    def _send(self, command: ev.Command, done: str, *, continues: bool = False) -> bool:
        """Send `command`; `continues`: it may continue a finished search, which then runs
        again."""
        try:
            self.link.send(command, continues=continues)
        except ReadOnlyError as exc:
            self.notify(f"{exc}: this key changes a running search", severity="warning")
            return False
        self.unsaved = not self.link.autosaves
        if self.link.can_continue:
            self._continue_search()
            done += " (the search continues)"
        self.notify(done, timeout=3)
        return True

    def _continue_search(self) -> None:
        """Run the finished engine again: it applies what was queued, in its session."""
        self.state = ScreenState.RUNNING
        self._run_worker = self.run_worker(self._run_engine(), name="engine",
                                           group="engine", exit_on_error=False)
        self.refresh_bindings()
        self._refresh_header()

    def _read_only_refused(self, *, continues: bool = False) -> bool:
        why = self.link.refusal(continues=continues)
        if why is not None:
            self.notify(f"{why}: this key changes a running search", severity="warning")
            return True
        return False

    def action_prune(self) -> None:
        node = self._selected()
        if node is None:
            return
        if node.state is NodeState.PRUNED:
            self._send(ev.Unprune(node.id), f"#{node.id} unpruned")
        else:
            self._send(ev.Prune(node.id), f"#{node.id} and its subtree pruned")

    def action_boost(self) -> None:
        node = self._selected()
        if node is None:
            return
        if self.link.last_round:
            self._send(ev.Boost(node.id), f"#{node.id} boosted, but this is the last round: no "
                       "beam follows, and the answer is picked by the tests")
        else:
            self._send(ev.Boost(node.id), f"#{node.id} boosted: kept in the next beam")

    def action_expand(self) -> None:
        node = self._selected()
        if node is not None:
            self._send(ev.ExpandNow(node.id), f"expanding #{node.id} now", continues=True)

    def action_hint(self) -> None:
        node = self._selected()
        if node is None or self._read_only_refused(continues=True):
            return

        def done(text: str | None) -> None:
            if text:
                self._send(ev.AddHint(node.id, text), f"hint added to #{node.id}",
                           continues=True)

        self.app.push_screen(HintModal(node.id), done)

    def action_edit(self) -> None:
        node = self._selected()
        if node is None or self._read_only_refused(continues=True):
            return

        def done(code: str | None) -> None:
            if code is not None:
                self._submit_edit(node, code)

        self.app.push_screen(EditModal(node.id, node.code), done)

    def action_edit_external(self) -> None:
        node = self._selected()
        if node is None or self._read_only_refused(continues=True):
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            self.notify("set $EDITOR (or use E for the built-in editor)", severity="warning")
            return
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
            handle.write(node.code)
            path = Path(handle.name)
        try:
            with self.app.suspend():
                result = subprocess.run([*shlex.split(editor), str(path)], check=False)
            code = path.read_text(encoding="utf-8")
        except SuspendNotSupported:
            self.notify("this terminal cannot hand over to $EDITOR: use E", severity="warning")
            return
        except (OSError, subprocess.SubprocessError) as exc:
            self.notify(f"could not run {editor!r}: {exc}", severity="error")
            return
        finally:
            path.unlink(missing_ok=True)
        if result.returncode != 0:
            self.notify(f"{editor} exited with status {result.returncode}: nothing submitted",
                        severity="warning")
        else:
            self._submit_edit(node, code)

    def _submit_edit(self, node: Node, code: str) -> None:
        """An edited copy of `node`'s code becomes its child, unless nothing but trailing
        whitespace changed (an editor adds the final newline on save)."""
        if _same_code(code, node.code):
            self.notify("code unchanged: nothing submitted")
            return
        self._send(ev.AddHandWritten(node.id, code), f"your child of #{node.id} is being judged",
                   continues=True)

    def action_pause(self) -> None:
        if self._read_only_refused():
            return
        if self.state is ScreenState.FINISHED:
            self.notify("the search has finished")
            return
        paused = self.link.paused
        self._send(ev.Resume() if paused else ev.Pause(),
                   "resumed" if paused else "paused: calls in flight finish, nothing new starts")
        self.state = ScreenState.RUNNING if paused else ScreenState.PAUSED
        self._refresh_header()

    def action_cancel(self) -> None:
        if self._read_only_refused():
            return
        self._send(ev.CancelInFlight(), "cancelling the model calls in flight")

    def action_expand_with(self) -> None:
        node = self._selected()
        config = self.link.config
        if node is None or self._read_only_refused(continues=True) or config is None:
            return

        def done(command: ev.ExpandNow | None) -> None:
            if command is not None:
                extra = ", with an instruction" if command.instruction else ""
                self._send(command, f"expanding #{node.id} now: K={command.samples}, "
                           f"temperature {command.temperature:g}{extra}", continues=True)

        self.app.push_screen(ExpandModal(node.id, config.samples, config.temperature), done)

    def action_budget(self) -> None:
        config = self.link.config
        engine = self.link.engine
        if self._read_only_refused(continues=True) or config is None or engine is None:
            return
        now = BudgetNow(rounds=config.rounds, max_calls=config.max_calls,
                        samples=config.samples, beam=config.beam, round=engine.stats.round,
                        calls_used=self.link.header(self.state).llm_calls,
                        finished=self.link.finished)

        def done(command: ev.SetBudget | None) -> None:
            if command is None:
                return
            finished = self.link.finished
            cap = f", cap {command.max_calls} calls" if command.max_calls else ""
            said = f"budget: R={command.rounds}, K={command.samples}, B={command.beam}{cap}"
            if self._send(command, said, continues=True) and finished and \
                    not self.link.can_continue:
                self.notify("the search stays finished: give more rounds or calls than it "
                            "has used to go on", timeout=6)

        self.app.push_screen(BudgetModal(now), done)

    def action_stop(self) -> None:
        if self._read_only_refused():
            return
        self._send(ev.Stop(), "stopping: the calls in flight are cancelled and the best "
                   "node is graded")

    def action_rejudge(self) -> None:
        node = self._selected(need_code=True)
        if node is not None:
            self.notify(f"judging #{node.id} on all tests…", timeout=2)
            self.link.regrade(node.id)

    def action_rejudge_all(self) -> None:
        ids = [n.id for n in self.link.nodes.values()
               if n.code.strip() and n.fate is not NodeFate.REPEATED]  # a repeat's is judged
        if not ids:
            self.notify("no node has code yet", severity="warning")
            return
        self.regrading_all = set(ids)
        self.notify(f"judging {len(ids)} node(s) on all tests…", timeout=3)
        for node_id in ids:
            self.link.regrade(node_id)

    def _show_regrades(self, regraded: list[ev.NodeRegraded]) -> None:
        tree = self.query_one(SearchTree)
        for event in regraded:
            report = self.regrades[event.node_id] = event.report
            tree.mark_all_tests(event.node_id, report.passes_every_test)
            if self._answered_for_all(event.node_id):
                continue
            self.notify(f"#{event.node_id} on all tests: {report.passed}/{report.total} pass "
                        f"({report.verdict.value})", timeout=6)

    def _answered_for_all(self, node_id: int | None) -> bool:
        """Whether an `R` was waiting on this node; the summary comes with its last one."""
        if node_id not in self.regrading_all:
            return False
        self.regrading_all.discard(node_id)
        if not self.regrading_all:
            self._tell_all_regraded()
        return True

    def _tell_all_regraded(self) -> None:
        """After `R`: which nodes pass every test, and whether the answer is one of them."""
        passing = sorted(i for i, r in self.regrades.items() if r.passes_every_test)
        answer = self.link.answer_id if self.link.answer_id is not None else self.link.best_id()
        if not passing:
            self.notify("on all tests: no node passes every test", timeout=10)
            return
        names = ", ".join(f"#{i}" for i in passing)
        verb = "passes" if len(passing) == 1 else "pass"
        if answer is None or answer in passing:
            whose = "" if answer is None else f"; the answer #{answer} is one"
        else:
            whose = f"; the answer #{answer} does not"
        self.notify(f"on all tests: {names} {verb} every test{whose}", timeout=10)

    def action_copy_code(self) -> None:
        node = self._selected(need_code=True)
        if node is not None:
            self.app.copy_to_clipboard(node.code)
            self.notify(f"copied the code of #{node.id} ({len(node.code.splitlines())} lines)")

    def action_export(self) -> None:
        node = self.link.node(self.selected_id) or self.link.node(self.link.best_id())
        if node is None or not node.code.strip():
            self.notify("nothing to export yet", severity="warning")
            return
        default = f"./{self.link.problem.id}.py"

        def done(path: str | None) -> None:
            if path:
                self._export(node, Path(path).expanduser())

        self.app.push_screen(
            PathModal(f"Export the code of #{node.id}", default, "enter saves, esc cancels"),
            done,
        )

    def _export(self, node: Node, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(node.code if node.code.endswith("\n") else node.code + "\n",
                            encoding="utf-8")
        except OSError as exc:
            self.notify(f"cannot write {path}: {exc.strerror}", severity="error")
            return
        self.notify(f"exported #{node.id} to {path}")

    def action_save(self) -> None:
        try:
            where = self.link.save()
        except Exception as exc:  # disk full, permissions: tell the user, keep running
            self.notify(f"could not save: {exc}", severity="error")
            return
        if where is None:
            self.notify("this search has no session file", severity="warning")
            return
        self.unsaved = False
        self.notify(f"saved to {where}")

    def action_profile(self) -> None:
        node = self._selected(need_code=True)
        if node is None:
            return
        tests = self.link.problem.tests
        choices = [(t.name, f"{t.name} ({'public' if t.public else 'hidden'})") for t in tests]
        if not choices:
            self.notify("this problem has no tests", severity="warning")
            return

        def done(test_name: str | None) -> None:
            if test_name:
                self.query_one(ProfilerPane).show_heat(node.id, None,
                                                       f"profiling {test_name}…")
                self._profile(node, test_name)

        self.app.push_screen(PickModal(f"Profile #{node.id} on which test?", choices), done)

    @work(group="profile", exclusive=True, exit_on_error=False)
    async def _profile(self, node: Node, test_name: str) -> None:
        try:
            report = await self.link.profile(node.code, test_name)
        except Exception as exc:  # shown, not raised: a profile is an optional view
            self.query_one(ProfilerPane).show_heat(node.id, None, f"profiling failed: {exc}")
            return
        self.query_one(ProfilerPane).show_heat(node.id, heat_from_profile(report, node.code,
                                                                          test_name))

    # ---- comparing nodes ---------------------------------------------------------------

    marked_id: int | None = None
    """The node `m` marked; `D` diffs the selected node against it."""

    def action_mark(self) -> None:
        node = self._selected()
        if node is None:
            return
        self.marked_id = node.id
        self.notify(f"#{node.id} marked: D diffs the selected node against it", timeout=4)

    def action_diff_mark(self) -> None:
        from orps_tui.app.screens.node_diff import NodeDiffScreen

        node = self._selected()
        mark = self.link.node(self.marked_id)
        if node is None:
            return
        if mark is None:
            self.notify("mark a node first (m), then select another and press D",
                        severity="warning")
            return
        if mark.id == node.id:
            self.notify(f"#{node.id} is the mark: select another node", severity="warning")
            return
        self.app.push_screen(NodeDiffScreen(mark, node))

    def action_node_table(self) -> None:
        from orps_tui.app.screens.node_table import NodeTableScreen

        def go(node_id: int | None) -> None:
            if node_id is not None:
                self.query_one(SearchTree).move_to(node_id)

        self.app.push_screen(NodeTableScreen(self.link.nodes, regrades=self.regrades), go)

    def action_show_tab(self, tab: str) -> None:
        self.query_one(DetailPane).show_tab(tab)

    def action_help(self) -> None:
        focused = self.focused
        pane, about = self._pane_of(focused)
        keymap: dict[str, str] = getattr(self.app, "key_overrides", {})

        def rows(specs: tuple[KeySpec, ...]) -> list[tuple[str, KeySpec]]:
            return [(keymap.get(s.id, s.key_display or s.keys), s) for s in specs]

        sections = []
        if pane == "tree":
            sections.append(("Tree", rows(TREE_KEYS)))
        sections.append(("Steering and panes", rows(SEARCH_KEYS)))
        sections.append(("App", rows(APP_KEYS)))
        if pane == "profiler":
            node = self.link.node(self.selected_id)
            about += "\n\n" + sandbox_help(node.report if node is not None else None)
        self.app.push_screen(HelpScreen(keys_markdown(pane, about, sections)))

    def _pane_of(self, widget: Widget | None) -> tuple[str, str]:
        while widget is not None:
            if isinstance(widget, SearchTree | DetailPane | ProfilerPane):
                return str(widget.border_title or "pane"), str(getattr(widget, "HELP", ""))
            widget = widget.parent  # type: ignore[assignment]
        return "search", ""

    def action_guide(self) -> None:
        self.app.push_screen(GuideScreen())

    @property
    def running_unsaved(self) -> bool:
        return self.state in _GOING and self.unsaved


def _same_code(a: str, b: str) -> bool:
    def lines(code: str) -> list[str]:
        return [line.rstrip() for line in code.rstrip().splitlines()]

    return lines(a) == lines(b)

"""Practice mode: write your own solution to a problem and judge it, with custom tests,
stress testing, a coach (the search's critic reviewing your code) and your history.

The solution lives in `<data dir>/practice/<id>/solution.py`: edit it inline or in $EDITOR;
with the watcher on, every save re-judges it on the public and custom tests.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static, TabbedContent, TabPane, TextArea

from orps_tui.app.keymap import PRACTICE_KEYS, bindings
from orps_tui.app.widgets.code_editor import code_editor
from orps_tui.app.widgets.custom_tests_table import CustomTestsTable
from orps_tui.app.widgets.history_table import HistoryTable
from orps_tui.app.widgets.practice_coach import PracticeCoach
from orps_tui.app.widgets.practice_results import PracticeResults
from orps_tui.app.widgets.practice_stress import PracticeStress
from orps_tui.practice.custom_tests import CustomTest
from orps_tui.practice.file_watch import MtimeWatcher
from orps_tui.practice.judging import Judged, PracticeJudge
from orps_tui.practice.workspace import ensure_solution, solution_language
from orps_tui.problems.model import Problem, ProblemKind
from orps_tui.sandbox.languages import Language

if TYPE_CHECKING:
    from orps_tui.app.screens.practice_stress_modal import StressRequest
    from orps_tui.llm.base import ChatModel
    from orps_tui.practice.coach import Coach
    from orps_tui.practice.stress import Progress, StressResult, StressRunner
    from orps_tui.sandbox.judge import Judge

WATCH_INTERVAL_S = 0.5


TAB_IDS = ("tab-statement", "tab-results", "tab-tests", "tab-stress", "tab-coach",
           "tab-history")


def _shown_path(path: Path) -> str:
    """The solution file, relative to the data dir (`<data>/practice/<id>/solution.py`)."""
    from orps_tui import locations

    try:
        return "<data dir>/" + str(path.resolve().relative_to(locations.data_dir().resolve()))
    except ValueError:
        return str(path)


def statement_markdown(problem: Problem) -> str:
    """The statement, the limits, the function to write and the public examples."""
    limits = problem.limits
    text = problem.statement.text.strip()
    title = [] if text.startswith("#") else [f"# {problem.title}", ""]
    parts = [*title, text, "",
             f"*time limit {limits.time_s:g} s of CPU, memory {limits.memory_mb} MB per test*",
             ""]
    if problem.kind is ProblemKind.FUNCTION and problem.function is not None:
        parts += ["## Write", "", "```python", problem.function.signature.strip(), "```", ""]
    for test in problem.public_tests:
        parts += [f"## Example {test.name}", ""]
        if test.call is not None or test.code is not None:
            shown = test.call or (test.code or "").strip()
            result = f" → {test.expected}" if test.expected is not None else ""
            parts += ["```python", f"{shown}{result}", "```", ""]
        else:
            parts += ["input:", "", "```", (test.input or "").rstrip(), "```", "",
                      "output:", "", "```", (test.output or "").rstrip(), "```", ""]
    return "\n".join(parts)


class PracticeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings(PRACTICE_KEYS)
    DEFAULT_CSS = """
    PracticeScreen #practice-header { height: 1; background: $boost; padding: 0 1; }
    PracticeScreen #practice-columns { height: 1fr; }
    PracticeScreen #practice-editor { width: 1fr; }
    PracticeScreen #practice-tabs { width: 1fr; }
    PracticeScreen TabPane { padding: 0; }
    """

    def __init__(self, problem: Problem, *, solution: Path | None = None,
                 model_factory: Callable[[], ChatModel] | None = None,
                 warm: bool = True, language: Language | None = None) -> None:
        super().__init__()
        self.problem = problem
        self.solution = ensure_solution(problem, solution, language)
        self.language = solution_language(self.solution)
        self.model_factory = model_factory
        self.judge = PracticeJudge(problem, warm=warm, language=self.language)
        self.watcher = MtimeWatcher(self.solution)
        self.watching = False
        self.last: Judged | None = None
        self.stress_result: StressResult | None = None
        self.stress_runner: StressRunner | None = None
        self.coach: Coach | None = None
        self._coach_judge: Judge | None = None
        self.busy_judging = False
        self.judged_count = 0
        self._judge_seq = 0

    # ---- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="practice-header")
        with Horizontal(id="practice-columns"):
            with Vertical(id="practice-editor"):
                yield code_editor(self.language, "practice-code")
            with TabbedContent(id="practice-tabs", initial="tab-statement"):
                yield TabPane("statement", VerticalScroll(
                    Markdown(statement_markdown(self.problem), id="practice-statement")),
                    id="tab-statement")
                yield TabPane("results", PracticeResults(id="practice-results"),
                              id="tab-results")
                yield TabPane("custom tests", CustomTestsTable(id="practice-tests"),
                              id="tab-tests")
                yield TabPane("stress", PracticeStress(id="practice-stress"), id="tab-stress")
                yield TabPane("coach", PracticeCoach(id="practice-coach"), id="tab-coach")
                yield TabPane("history", HistoryTable(id="practice-history"), id="tab-history")
        yield Footer()

    def on_mount(self) -> None:
        self.editor.border_title = _shown_path(self.solution)
        self._load_file()
        self._refresh_tests()
        self._refresh_history()
        self._update_header()
        self.set_interval(WATCH_INTERVAL_S, self._poll_file)
        self.query_one("#practice-code", TextArea).focus()

    def on_unmount(self) -> None:
        if self.stress_runner is not None:
            self.stress_runner.cancel()
        self.judge.close()
        if self._coach_judge is not None:
            self._coach_judge.close()

    def _update_header(self, note: str = "") -> None:
        p = self.problem
        watch = "watch on" if self.watching else "watch off"
        verdict = f"  last: {self.last.report.verdict} {self.last.report.passed}/" \
                  f"{self.last.report.total} ({self.last.which})" if self.last else ""
        self.query_one("#practice-header", Static).update(
            f"practice · {p.id} — {p.title} · {p.kind}{self._language_note()} · {watch}{verdict}"
            + (f" · {note}" if note else "") + " · alt+1-6 tabs")

    def _language_note(self) -> str:
        return "" if self.language is Language.PYTHON else f" · {self.language.label}"

    @property
    def editor(self) -> TextArea:
        return self.query_one("#practice-code", TextArea)

    def _show_tab(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane

    def action_tab(self, pane: str) -> None:
        self._show_tab(pane)

    def action_next_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        at = TAB_IDS.index(tabs.active) if tabs.active in TAB_IDS else 0
        tabs.active = TAB_IDS[(at + step) % len(TAB_IDS)]

    # ---- the file ------------------------------------------------------------------------
    def _load_file(self) -> None:
        try:
            text = self.solution.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.notify(f"{self.solution}: cannot read: {exc}", severity="error")
            return
        if text != self.editor.text:
            self.editor.load_text(text)
        self.watcher.forget()

    def _write_file(self) -> bool:
        try:
            self.solution.write_text(self.editor.text, encoding="utf-8")
        except OSError as exc:
            self.notify(f"{self.solution}: cannot save: {exc.strerror or exc}", severity="error")
            return False
        self.watcher.forget()
        return True

    def action_save(self) -> None:
        if self._write_file():
            self.notify(f"saved {self.solution.name}", timeout=2)
            if self.watching:
                self.action_judge("public")

    def action_open_editor(self) -> None:
        from textual.app import SuspendNotSupported

        if not self._write_file():
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            with self.app.suspend():
                code = subprocess.call([*shlex.split(editor), str(self.solution)])
        except SuspendNotSupported:
            self.notify("this terminal cannot hand over to $EDITOR: edit inline, or in another "
                        "window with the watcher on (f3)", severity="warning")
            return
        except OSError as exc:
            self.notify(f"$EDITOR {editor!r} failed to start: {exc.strerror or exc}",
                        severity="error")
            return
        if code != 0:
            self.notify(f"$EDITOR exited with status {code}", severity="warning")
        self._load_file()
        if self.watching:
            self.action_judge("public")

    def action_toggle_watch(self) -> None:
        self.watching = not self.watching
        self.watcher.forget()
        self._update_header()
        self.notify(f"watching {self.solution.name}: "
                    + ("every save re-judges on the public tests" if self.watching else "off"),
                    timeout=3)

    def _poll_file(self) -> None:
        if self.watching and self.watcher.changed():
            self._load_file()
            self.action_judge("public")

    # ---- judging -------------------------------------------------------------------------
    def action_judge(self, which: str = "public") -> None:
        self._write_file()
        self.busy_judging = True
        self._judge_seq += 1
        self._update_header(f"judging on {which} tests…")
        self._judge_worker(self.editor.text, which, self._judge_seq)

    @work(thread=True, group="practice-judge", exit_on_error=False)
    def _judge_worker(self, code: str, which: str, seq: int) -> None:
        try:
            judged = self.judge.judge(code, which)
        except Exception as exc:  # noqa: BLE001 - shown, never a crash of the app
            self.app.call_from_thread(self._judge_failed, str(exc))
            return
        self.app.call_from_thread(self._judged, judged, seq)

    def _judge_failed(self, message: str) -> None:
        self.busy_judging = False
        self._update_header()
        self.notify(f"judging failed: {message}", severity="error")

    def _judged(self, judged: Judged, seq: int) -> None:
        self._refresh_history()
        if seq != self._judge_seq:
            return  # a newer run was asked for while this one ran: show that one
        self.last = judged
        self.busy_judging = False
        self.judged_count += 1
        self.query_one(PracticeResults).show(judged.report, judged.which)
        self._show_tab("tab-results")
        self._update_header()

    # ---- custom tests ----------------------------------------------------------------------
    def _refresh_tests(self) -> None:
        try:
            tests = self.judge.store.load()
        except ValueError as exc:
            self.notify(str(exc), severity="error")
            tests = []
        self.query_one(CustomTestsTable).show(tests)

    def _tests_changed(self, message: str) -> None:
        self.judge.reload_tests()
        self._refresh_tests()
        self.notify(message, timeout=3)

    def action_add_test(self) -> None:
        self._edit_test(None)

    def _edit_test(self, test: CustomTest | None) -> None:
        from orps_tui.app.screens.practice_test_modal import PracticeTestModal, TestDraft

        def done(draft: TestDraft | None) -> None:
            if draft is None:
                return
            text, expected = draft
            try:
                if test is None:
                    added = self.judge.store.add(text, expected)
                    self._tests_changed(f"added {added.name}")
                else:
                    self.judge.store.update(test.name, input=text, expected=expected,
                                            any_output=expected is None)
                    self._tests_changed(f"updated {test.name}")
            except (OSError, ValueError, KeyError) as exc:
                self.notify(f"custom tests: {exc}", severity="error")
            self._show_tab("tab-tests")

        title = "new custom test" if test is None else f"edit {test.name}"
        self.app.push_screen(PracticeTestModal(
            title, test, function_kind=self.problem.kind is ProblemKind.FUNCTION), done)

    def on_custom_tests_table_requested(self, event: CustomTestsTable.Requested) -> None:
        if event.what == "add":
            self._edit_test(None)
        elif event.what == "edit" and event.test is not None:
            self._edit_test(event.test)
        elif event.what == "delete" and event.test is not None:
            try:
                self.judge.store.delete(event.test.name)
            except (OSError, ValueError, KeyError) as exc:
                self.notify(f"custom tests: {exc}", severity="error")
                return
            self._tests_changed(f"deleted {event.test.name}")

    def action_mark_expected(self) -> None:
        """The selected result's actual output becomes the expected output: of that custom
        test, or of a new custom test with the same input."""
        results = self.query_one(PracticeResults)
        chosen = results.selected() or results.first_failing()
        if chosen is None or self.problem.kind is ProblemKind.FUNCTION:
            self.notify("judge first, then pick a stdio test's row in the results",
                        severity="warning")
            return
        if len(chosen.output_head) >= 2000:
            self.notify("the output is too long to keep (over 2000 characters)",
                        severity="warning")
            return
        test = next((t for t in self.judge.problem.tests if t.name == chosen.name), None)
        if test is None:
            return
        store = self.judge.store
        try:
            if any(t.name == chosen.name for t in store.load()):
                store.update(chosen.name, expected=chosen.output_head)
                self._tests_changed(f"{chosen.name}: the produced output is now expected")
            else:
                added = store.add(test.input or "", chosen.output_head)
                self._tests_changed(f"added {added.name} with the produced output as expected")
        except (OSError, ValueError, KeyError) as exc:
            self.notify(f"custom tests: {exc}", severity="error")

    # ---- stress -------------------------------------------------------------------------
    def action_stress(self) -> None:
        from orps_tui.app.screens.practice_stress_modal import PracticeStressModal

        if self.stress_runner is not None:
            self.stress_runner.cancel()
            self.notify("stress run cancelled")
            return
        self.app.push_screen(PracticeStressModal(), self._start_stress)

    def _start_stress(self, request: StressRequest | None) -> None:
        from orps_tui.practice.stress import StressRunner, StressSetupError
        from orps_tui.sandbox.languages import UnsupportedLanguage, language_for_path

        if request is None:
            return
        self._write_file()
        try:
            generator = request.generator.read_text(encoding="utf-8")
            brute = request.brute.read_text(encoding="utf-8") if request.brute else None
            languages = {"solution": self.language,
                         "generator": language_for_path(request.generator)}
            if request.brute:
                languages["brute"] = language_for_path(request.brute)
            runner = StressRunner(self.problem, self.editor.text, generator, brute, n=request.n,
                                  seed=request.seed, progress=self._stress_progress,
                                  languages=languages)
        except (OSError, UnicodeDecodeError, StressSetupError, UnsupportedLanguage) as exc:
            self.notify(f"stress: {exc}", severity="error")
            return
        self.stress_runner = runner
        self.stress_result = None
        self._show_tab("tab-stress")
        self._stress_worker(runner)

    def _stress_progress(self, progress: Progress) -> None:
        if progress.done % 5 == 0 or progress.done == progress.total:
            self.app.call_from_thread(self._show_stress_progress, progress)

    def _show_stress_progress(self, progress: Progress) -> None:
        if self.stress_runner is not None:
            self.query_one(PracticeStress).progress(progress)

    @work(thread=True, exclusive=True, group="practice-stress", exit_on_error=False)
    def _stress_worker(self, runner: StressRunner) -> None:
        try:
            result = runner.run()
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.notify, f"stress failed: {exc}", severity="error")
            self.app.call_from_thread(setattr, self, "stress_runner", None)
            return
        self.app.call_from_thread(self._stressed, result)

    def _stressed(self, result: StressResult) -> None:
        self.stress_runner = None
        self.stress_result = result
        self.query_one(PracticeStress).show(result)
        self._show_tab("tab-stress")

    def action_save_stress(self) -> None:
        result = self.stress_result
        if result is None or result.status.value != "found":
            self.notify("no stress failure to save", severity="warning")
            return
        text, expected = result.custom_test(self.problem)
        try:
            added = self.judge.store.add(text, expected)
        except (OSError, ValueError) as exc:
            self.notify(f"custom tests: {exc}", severity="error")
            return
        self._tests_changed(f"saved the failing input as {added.name}")

    # ---- coach ---------------------------------------------------------------------------
    def _open_model(self) -> ChatModel:
        if self.model_factory is not None:
            return self.model_factory()
        from orps_tui.llm.registry import open_model

        settings = self.app.settings  # type: ignore[attr-defined]
        return open_model(settings.model.default, settings.model)

    def action_coach(self) -> None:
        self._write_file()
        self.query_one(PracticeCoach).busy("asking the critic to review your code…")
        self._show_tab("tab-coach")
        self._coach_worker(self.editor.text, expand=False)

    def action_coach_solutions(self) -> None:
        if self.coach is None or self.coach.root is None:
            self.notify("ask for a review first (f4)", severity="warning")
            return
        self.query_one(PracticeCoach).busy("asking the model for solutions…")
        self._show_tab("tab-coach")
        self._coach_worker(self.editor.text, expand=True)

    @work(exclusive=True, group="practice-coach", exit_on_error=False)
    async def _coach_worker(self, code: str, expand: bool) -> None:
        from orps_tui.llm.base import ModelError
        from orps_tui.practice.coach import Coach, CoachError
        from orps_tui.sandbox.judge import Judge
        from orps_tui.search.engine import SearchConfig

        view = self.query_one(PracticeCoach)
        try:
            if expand and self.coach is not None and self.coach.root is not None:
                children = await self.coach.expand()
                view.show(self.coach.root, children)
                return
            settings = self.app.settings  # type: ignore[attr-defined]
            model = self._open_model()
            if self._coach_judge is not None:
                self._coach_judge.close()
            self._coach_judge = Judge(self.judge.problem, warm=False)
            self.coach = Coach(self.judge.problem, model, self._coach_judge,
                               SearchConfig.from_settings(settings))
            root = await self.coach.review(code)
            view.show(root)
        except (CoachError, ModelError, ValueError) as exc:
            view.busy(f"the coach could not answer: {exc}")
            self.notify(f"coach: {exc}", severity="error")

    # ---- history -------------------------------------------------------------------------
    def _refresh_history(self) -> None:
        from orps_tui.practice.history import History

        try:
            with History() as history:
                attempts = history.attempts(self.problem.id)
                overview = history.overview()
        except Exception as exc:  # noqa: BLE001 - sqlite3.Error and friends, shown
            self.notify(f"history: {exc}", severity="error")
            return
        self.query_one(HistoryTable).show(self.problem.id, attempts, overview)

    def on_history_table_export_requested(self, event: HistoryTable.ExportRequested) -> None:
        self.action_export_history()

    def action_export_history(self) -> None:
        from orps_tui.app.screens.path_modal import PathModal

        default = str(Path.cwd() / "orps-history.json")
        self.app.push_screen(PathModal("Export the practice history",
                                       default, "a .csv name writes CSV, anything else JSON"),
                             self._export_to)

    def _export_to(self, target: str | None) -> None:
        from orps_tui.practice.history import History

        if not target:
            return
        path = Path(target).expanduser()
        fmt = "csv" if path.suffix.lower() == ".csv" else "json"
        try:
            with History() as history:
                text = history.export(fmt)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self.notify(f"export to {path}: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"history exported to {path} ({fmt})")

    def action_leave(self) -> None:
        self._write_file()
        self.app.pop_screen()

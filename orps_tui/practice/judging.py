"""One practice problem: its tests (with the user's custom tests), a warm judge for it,
and the history every judged attempt goes into."""

from __future__ import annotations

from dataclasses import dataclass

from orps_tui.practice.custom_tests import CustomTestStore
from orps_tui.practice.history import Attempt, History
from orps_tui.problems.model import Problem
from orps_tui.sandbox.judge import Judge
from orps_tui.sandbox.languages import Language
from orps_tui.sandbox.report import JudgeReport


@dataclass(frozen=True)
class Judged:
    report: JudgeReport
    attempt: Attempt
    which: str


class PracticeJudge:
    """Blocking and thread-safe like `Judge`; call `judge` from a worker thread in a UI."""

    def __init__(self, problem: Problem, *, history: History | None = None,
                 store: CustomTestStore | None = None, warm: bool = True,
                 language: Language = Language.PYTHON):
        self.base = problem
        self.language = language
        self.store = store or CustomTestStore(problem.id)
        self.warm = warm
        self._history = history
        self.problem = self.store.with_custom_tests(problem)
        self._judge: Judge | None = None

    def reload_tests(self) -> None:
        """Pick up changed custom tests (the next judge run uses them)."""
        self.problem = self.store.with_custom_tests(self.base)
        if self._judge is not None:
            self._judge.close()
            self._judge = None

    def judge(self, code: str, which: str = "public") -> Judged:
        """Judge `code` on `public` (samples and custom tests) or `all` tests; record it."""
        if self._judge is None:
            self._judge = Judge(self.problem, warm=self.warm)
        report = self._judge.run(code, which, self.language)
        # SQLite handles are per thread: open one for each record from a worker thread.
        if self._history is not None:
            attempt = self._history.record(self.problem, code, report, which)
        else:
            with History() as history:
                attempt = history.record(self.problem, code, report, which)
        return Judged(report, attempt, which)

    def close(self) -> None:
        if self._judge is not None:
            self._judge.close()
            self._judge = None

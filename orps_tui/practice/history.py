"""The user's practice history: every judged attempt, kept in SQLite in the user data dir.

One table of attempts; the per-problem table and the overall view (solved/attempted by
tag and by difficulty) are queries over it. Exports to JSON or CSV.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from orps_tui import locations
from orps_tui.problems.model import Problem
from orps_tui.sandbox.report import JudgeReport

SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    problem_id TEXT NOT NULL,
    title TEXT NOT NULL,
    difficulty TEXT,
    tags TEXT NOT NULL,
    created_at REAL NOT NULL,
    tests TEXT NOT NULL,
    verdict TEXT NOT NULL,
    passed INTEGER NOT NULL,
    total INTEGER NOT NULL,
    max_cpu_s REAL NOT NULL,
    max_rss_mb REAL NOT NULL,
    code_sha256 TEXT NOT NULL,
    code TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'python'
);
CREATE INDEX IF NOT EXISTS attempts_problem ON attempts(problem_id, created_at);
"""


@dataclass(frozen=True)
class Attempt:
    id: int
    problem_id: str
    title: str
    difficulty: str | None
    tags: tuple[str, ...]
    created_at: float
    tests: str
    """Which tests were run: public, hidden, all."""
    verdict: str
    passed: int
    total: int
    max_cpu_s: float
    max_rss_mb: float
    code_sha256: str
    code: str
    language: str = "python"
    """The solution's language (sandbox/languages.py's Language value)."""

    @property
    def solved(self) -> bool:
        return self.tests == "all" and self.verdict == "AC"


@dataclass(frozen=True)
class GroupStats:
    key: str
    attempted: int
    solved: int


@dataclass(frozen=True)
class Overview:
    attempted: int
    solved: int
    attempts: int
    by_tag: list[GroupStats]
    by_difficulty: list[GroupStats]


class History:
    """A handle on the history database. Cheap to open; safe to use from one thread."""

    def __init__(self, path: Path | None = None):
        self.path = path or locations.data_dir() / "history.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(attempts)")}
        if "language" not in columns:  # a history written before languages: all Python
            with self._db:
                self._db.execute(
                    "ALTER TABLE attempts ADD COLUMN language TEXT NOT NULL DEFAULT 'python'"
                )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._db:
            yield self._db

    def record(self, problem: Problem, code: str, report: JudgeReport, tests: str) -> Attempt:
        row = (
            problem.id,
            problem.title,
            problem.difficulty.value if problem.difficulty else None,
            json.dumps(list(problem.tags)),
            time.time(),
            tests,
            report.verdict.value,
            report.passed,
            report.total,
            report.max_cpu_s,
            report.max_rss_mb,
            hashlib.sha256(code.encode()).hexdigest(),
            code,
            report.language,
        )
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO attempts (problem_id, title, difficulty, tags, created_at, tests,"
                " verdict, passed, total, max_cpu_s, max_rss_mb, code_sha256, code, language)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        return self._attempt((cur.lastrowid, *row))

    def attempts(self, problem_id: str | None = None) -> list[Attempt]:
        """Newest first; all problems when `problem_id` is None."""
        sql = "SELECT * FROM attempts"
        args: tuple[str, ...] = ()
        if problem_id is not None:
            sql += " WHERE problem_id = ?"
            args = (problem_id,)
        sql += " ORDER BY created_at DESC, id DESC"
        return [self._attempt(r) for r in self._db.execute(sql, args)]

    def overview(self) -> Overview:
        attempts = self.attempts()
        problems: dict[str, tuple[Attempt, bool]] = {}
        for a in attempts:
            seen, solved = problems.get(a.problem_id, (a, False))
            problems[a.problem_id] = (seen, solved or a.solved)
        by_tag: dict[str, list[int]] = {}
        by_diff: dict[str, list[int]] = {}
        for a, solved in problems.values():
            for key, bucket in [(t, by_tag) for t in a.tags] + [
                (a.difficulty or "unrated", by_diff)
            ]:
                counts = bucket.setdefault(key, [0, 0])
                counts[0] += 1
                counts[1] += int(solved)
        return Overview(
            attempted=len(problems),
            solved=sum(1 for _, s in problems.values() if s),
            attempts=len(attempts),
            by_tag=[GroupStats(k, a, s) for k, (a, s) in sorted(by_tag.items())],
            by_difficulty=[
                GroupStats(k, a, s)
                for k, (a, s) in sorted(by_diff.items(), key=lambda kv: _DIFF_ORDER.get(kv[0], 9))
            ],
        )

    def export(self, fmt: str = "json") -> str:
        rows = [asdict(a) | {"tags": list(a.tags)} for a in reversed(self.attempts())]
        if fmt == "json":
            return json.dumps(rows, indent=2)
        if fmt == "csv":
            out = io.StringIO()
            fields = list(Attempt.__dataclass_fields__)
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                writer.writerow(row | {"tags": " ".join(row["tags"])})
            return out.getvalue()
        raise ValueError(f"unknown export format {fmt!r}: use json or csv")

    @staticmethod
    def _attempt(row: tuple) -> Attempt:
        (id_, pid, title, diff, tags, created, tests, verdict, passed, total, cpu, rss, sha,
         code, language) = row
        return Attempt(id_, pid, title, diff, tuple(json.loads(tags)), created, tests, verdict,
                       passed, total, cpu, rss, sha, code, language)


_DIFF_ORDER = {"easy": 0, "medium": 1, "hard": 2}

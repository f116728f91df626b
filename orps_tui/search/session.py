"""Search sessions on disk: an append-only JSONL log, written as the search runs.

`<sessions_dir>/<UTC timestamp>-<problem id>/session.jsonl`, plus a copy of the problem
(`problem.toml`, or the whole problem folder as `problem/`). Every record is one JSON object
on one line, written and flushed to the OS before the engine goes on, so a search killed at
any moment (even by SIGKILL) keeps every node that had finished; a background thread then
fsyncs the file (within milliseconds) against power loss, without ever blocking the event
loop. A torn last line is ignored on load.
The format is documented (and versioned) in docs/search.md.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orps_tui import locations
from orps_tui.problems.model import Problem
from orps_tui.sandbox.report import (
    FunctionMetrics,
    IsolationStatus,
    JudgeReport,
    StaticMetrics,
    SyntaxIssue,
    TestResult,
    Verdict,
)
from orps_tui.search import events as ev
from orps_tui.search.search_config import SearchConfig, SearchStats, StopReason
from orps_tui.search.tree import (
    Author,
    CallOutcome,
    CallStats,
    Node,
    NodeFate,
    NodeState,
    ScoreParts,
    SearchTree,
    SteeringMark,
)

FORMAT = "orps-session"
VERSION = 1
LOG_NAME = "session.jsonl"
LOCK_NAME = "writer.lock"
"""Held (flock) by the one process writing the session; it holds that process's id."""
RESUMABLE_REASONS = frozenset({StopReason.CANCELLED, StopReason.ERROR})
"""A search that ended for one of these goes on where it stopped when opened again (quit
mid-way, a dead model server); any other end is final and opens for review."""


class SessionError(Exception):
    """A session folder or file that cannot be read; the message names it."""


def resumable(finished: dict[str, Any] | None) -> bool:
    """Whether a session whose last `finished` record is this (None: none) continues."""
    return finished is None or finished.get("reason") in RESUMABLE_REASONS


def _lock(directory: Path) -> int:
    """Take the session's writer lock (a file descriptor that holds it until closed);
    SessionError when another process holds it."""
    fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise SessionError(f"{directory.name} is open in another orps process (pid {holder}): "
                           "quit it there first, or open the session for review") from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd


def in_use(directory: Path) -> bool:
    """Whether some process (this one included) is writing the session now."""
    try:
        fd = os.open(directory / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


# ---- (de)serialising nodes and reports ------------------------------------------------


def report_to_dict(report: JudgeReport | None) -> dict[str, Any] | None:
    return report.to_dict() if report is not None else None


def report_from_dict(data: dict[str, Any] | None) -> JudgeReport | None:
    if data is None:
        return None
    static = dict(data.get("static") or {})
    static["functions"] = [FunctionMetrics(**f) for f in static.get("functions", [])]
    static["syntax_errors"] = [SyntaxIssue(**s) for s in static.get("syntax_errors", [])]
    tests = []
    for t in data.get("tests", []):
        t = dict(t)
        t["verdict"] = Verdict(t["verdict"])
        tests.append(TestResult(**t))
    ce = data.get("compile_error")
    return JudgeReport(
        verdict=Verdict(data["verdict"]), passed=data["passed"], total=data["total"], tests=tests,
        static=StaticMetrics(**static), isolation=IsolationStatus(**(data.get("isolation") or {})),
        compile_error=SyntaxIssue(**ce) if ce else None,
    )


_PLAIN_FIELDS = ("id", "parent_id", "depth", "strategy", "error", "reasoning", "code",
                 "raw_output", "thinking", "prompt", "critique", "critic_raw", "process_score",
                 "outcome_score", "critic_finished", "hints", "children", "round", "seed",
                 "issues", "started_s", "finished_s", "temperature", "instruction",
                 "rewrite_of")


def node_to_dict(node: Node) -> dict[str, Any]:
    d: dict[str, Any] = {name: getattr(node, name) for name in _PLAIN_FIELDS}
    d["author"] = str(node.author)
    d["state"] = str(node.state)
    d["report"] = report_to_dict(node.report)
    d["hidden_report"] = report_to_dict(node.hidden_report)
    d["calls"] = [asdict(c) for c in node.calls]
    d["score_parts"] = asdict(node.score_parts) if node.score_parts is not None else None
    d["fate"] = str(node.fate) if node.fate is not None else None
    d["steered"] = [asdict(m) for m in node.steered]
    return d


def node_from_dict(d: dict[str, Any]) -> Node:
    values = {name: d[name] for name in _PLAIN_FIELDS if name in d}
    values["children"] = list(values.get("children", []))
    node = Node(**values)
    node.author = Author(d.get("author", "model"))
    node.state = NodeState(d.get("state", "pending"))
    node.report = report_from_dict(d.get("report"))
    node.hidden_report = report_from_dict(d.get("hidden_report"))
    node.calls = [CallStats(**{**c, "outcome": CallOutcome(c.get("outcome", "ok"))})
                  for c in d.get("calls", [])]
    # fields added within version 1: older sessions have none of them
    parts = d.get("score_parts")
    node.score_parts = ScoreParts(**parts) if parts else None
    node.fate = _fate(d.get("fate"))
    node.steered = [SteeringMark(**m) for m in d.get("steered", [])]
    return node


def _fate(value: object) -> NodeFate | None:
    return NodeFate(str(value)) if value else None


def command_to_dict(command: ev.Command) -> dict[str, Any]:
    return {"command": command.name(), "args": asdict(command)}


def command_from_dict(d: dict[str, Any]) -> ev.Command | None:
    cls = ev.COMMANDS.get(str(d.get("command", "")))
    return None if cls is None else cls(**d.get("args", {}))


# ---- writing --------------------------------------------------------------------------


class SessionWriter:
    """Appends records to one session's log. Each record is written and flushed to the OS
    before returning (it survives the process being killed); a background thread fsyncs
    the file soon after (against power loss), and `close()` fsyncs what is left.
    It holds the session's writer lock until `close()`: a second writer (another process
    resuming the same session) gets a SessionError saying so."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / LOG_NAME
        self._started = time.monotonic()
        self._lock_fd: int | None = _lock(directory)
        self._trim_torn_tail()
        self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
        self._dirty = threading.Event()
        self._closing = False
        self._syncer = threading.Thread(target=self._sync_loop, name="orps-session-fsync",
                                        daemon=True)
        self._syncer.start()

    @classmethod
    def create(cls, problem: Problem, model_uri: str, config: SearchConfig,
               root: Path | None = None) -> SessionWriter:
        """A new session folder under `root` (default: the sessions dir) with a header."""
        directory = _new_directory(root or locations.sessions_dir(), problem.id)
        copy = _copy_problem(problem, directory)
        writer = cls(directory)
        writer._write({
            "type": "header", "format": FORMAT, "version": VERSION,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "problem": {"id": problem.id, "title": problem.title,
                        "path": str(problem.path) if problem.path else None, "copy": copy},
            "model": model_uri, "config": config.to_dict(),
        })
        return writer

    @classmethod
    def append_to(cls, directory: Path, *, resumed: bool = True) -> SessionWriter:
        """Continue an existing session (resume, or a finished search continued): appends a
        `resumed` record. `resumed=False`: only amend it (a hint or a budget given to a
        finished search), which leaves it finished."""
        writer = cls(directory)
        if resumed:
            writer._write({"type": "resumed",
                           "at": datetime.now(UTC).isoformat(timespec="seconds")})
        return writer

    def _trim_torn_tail(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            with open(self.path, "r+b") as f:
                f.truncate(data.rfind(b"\n") + 1)

    def _write(self, record: dict[str, Any]) -> None:
        record.setdefault("t", round(time.monotonic() - self._started, 3))
        if self._file.closed:
            return
        self._file.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._file.flush()
        self._dirty.set()

    def _sync_loop(self) -> None:
        fd = self._file.fileno()
        while True:
            self._dirty.wait()
            if self._closing:
                return
            self._dirty.clear()
            try:
                os.fsync(fd)
            except OSError:  # closed under us at exit; close() fsyncs itself
                return

    def node_added(self, node: Node) -> None:
        self._write({"type": "node_added", "node": node_to_dict(node)})

    def node(self, node: Node) -> None:
        """The whole node, as it stands (written whenever it settles or changes)."""
        self._write({"type": "node", "node": node_to_dict(node)})

    def state(self, node_id: int, old: NodeState, new: NodeState,
              fate: NodeFate | None = None) -> None:
        self._write({"type": "state", "node_id": node_id, "old": str(old), "new": str(new),
                     "fate": str(fate) if fate is not None else None})

    def steered(self, node_id: int, mark: SteeringMark) -> None:
        """A steering command touched the node (also in its next `node` record)."""
        self._write({"type": "steered", "node_id": node_id, **asdict(mark)})

    def command(self, command: ev.Command) -> None:
        self._write({"type": "command", **command_to_dict(command)})

    def round(self, round_no: int, kept: list[int]) -> None:
        self._write({"type": "round", "round": round_no, "kept": kept})

    def continued(self, continuation: Continuation) -> None:
        """A finished search goes on (see `Continuation`)."""
        self._write({"type": "continued", "round": continuation.round,
                     "round_cap": continuation.round_cap,
                     "first_node": continuation.first_node})

    def finished(self, answer_id: int | None, reason: str, hidden: JudgeReport | None,
                 stats: SearchStats, message: str) -> None:
        self._write({"type": "finished", "answer_id": answer_id, "reason": reason,
                     "message": message, "hidden": report_to_dict(hidden),
                     "stats": stats.to_dict()})

    def close(self) -> None:
        """Fsync what is left and close the file. Safe to call twice."""
        if self._file.closed:
            return
        self._closing = True
        self._dirty.set()
        self._syncer.join(timeout=5)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def _new_directory(root: Path, problem_id: str) -> Path:
    """A new, empty session folder under `root`: the time, then the problem's id."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    safe_id = "".join(c if c.isalnum() or c in "-_." else "_" for c in problem_id)[:60]
    directory = root / f"{stamp}-{safe_id}"
    n = 1
    while directory.exists():
        n += 1
        directory = root / f"{stamp}-{safe_id}-{n}"
    directory.mkdir(parents=True)
    return directory


def _copy_problem(problem: Problem, directory: Path) -> str | None:
    """Copy the problem's files into the session so it can be resumed anywhere."""
    if problem.path is None or not problem.path.exists():
        return None
    src = problem.path
    if src.name == "problem.toml":  # a directory problem: its test files come along
        shutil.copytree(src.parent, directory / "problem")
        return "problem/problem.toml"
    shutil.copy2(src, directory / "problem.toml")
    return "problem.toml"


# ---- reading --------------------------------------------------------------------------


@dataclass(frozen=True)
class Continuation:
    """A finished search continued by a person (a second `run()`): it works in `round`,
    ends after `round_cap` unless that is None (more rounds or calls were given), and the
    nodes from `first_node` on are its own. A resume of a continuation killed part-way
    keeps to what was asked: no beam of its own in a capped round, and the nodes a Stop
    had cancelled before it stay cancelled."""

    round: int
    round_cap: int | None
    first_node: int


@dataclass
class LoadedSession:
    """A session read back: the tree (nodes in flight at the end are left busy), the
    rounds' beams, the steering commands and the end record, if the search finished."""

    directory: Path
    header: dict[str, Any]
    tree: SearchTree
    rounds: list[tuple[int, list[int]]] = field(default_factory=list)
    commands: list[ev.Command] = field(default_factory=list)
    finished: dict[str, Any] | None = None
    skipped_lines: int = 0
    """Lines that could not be read (a torn last line after a crash)."""
    last_wall_s: float = 0.0
    """The search's running time in its last `finished` record (even one a resume
    followed); 0 when it never wrote one."""
    continuation: Continuation | None = None
    """The continuation it was in when it stopped without an end record, if any."""

    @property
    def elapsed_s(self) -> float:
        """How long the search has run, over all its runs: the last end record's time, or
        (killed without one) the time its last node settled."""
        settled = max((n.finished_s for n in self.tree.nodes.values()), default=0.0)
        return max(self.last_wall_s, settled)

    @property
    def config(self) -> SearchConfig:
        """The header's config with every recorded SetBudget applied, in order: the budget
        the search had when it stopped (a resume or a continuation goes on with it)."""
        config = SearchConfig.from_dict(self.header.get("config", {}))
        for command in self.commands:
            if isinstance(command, ev.SetBudget):
                try:
                    config = config.with_overrides(**asdict(command))
                except ValueError:
                    continue  # refused when it was sent, too
        return config

    @property
    def problem_id(self) -> str:
        return str(self.header.get("problem", {}).get("id", "?"))

    @property
    def resumable(self) -> bool:
        """Opening it continues the search (see RESUMABLE_REASONS)."""
        return resumable(self.finished)

    @property
    def model(self) -> str:
        return str(self.header.get("model", "?"))

    @property
    def problem_file(self) -> Path | None:
        """The session's own copy of the problem, else the original path."""
        problem = self.header.get("problem", {})
        if problem.get("copy"):
            copy = self.directory / problem["copy"]
            if copy.exists():
                return copy
        return Path(problem["path"]) if problem.get("path") else None


def _session_dir(path: Path) -> Path:
    path = Path(path).expanduser()
    if path.is_file():
        if path.name != LOG_NAME:
            raise SessionError(f"{path}: not a session (give its folder or its {LOG_NAME})")
        return path.parent
    if not path.is_dir():
        named = locations.sessions_dir() / str(path)
        if named.is_dir():
            return named
        raise SessionError(f"{path}: no such session folder")
    return path


def load_session(path: Path | str) -> LoadedSession:
    """Read a session folder (or its session.jsonl, or its name under the sessions dir)."""
    directory = _session_dir(Path(path))
    log_path = directory / LOG_NAME
    if not log_path.exists():
        raise SessionError(f"{directory}: not a session (no {LOG_NAME})")
    records, skipped = _read_records(log_path)
    if not records or records[0].get("type") != "header":
        raise SessionError(f"{log_path}: no header record")
    header = records[0]
    if header.get("format") != FORMAT:
        raise SessionError(f"{log_path}: not an orps session file")
    if int(header.get("version", 0)) > VERSION:
        raise SessionError(f"{log_path}: session format version {header.get('version')} is "
                           f"newer than this orps reads ({VERSION}); upgrade orps")
    loaded = LoadedSession(directory, header, SearchTree(), skipped_lines=skipped)
    tree = loaded.tree
    for record in records[1:]:
        kind = record.get("type")
        try:
            if kind in ("node_added", "node"):
                node = node_from_dict(record["node"])
                if kind == "node_added" and node.id in tree:
                    continue
                old = tree.nodes.get(node.id)
                if old is not None:
                    node.children = sorted(set(old.children) | set(node.children))
                tree.add(node)
            elif kind == "state" and record["node_id"] in tree:
                tree[record["node_id"]].state = NodeState(record["new"])
                if "fate" in record:
                    tree[record["node_id"]].fate = _fate(record["fate"])
            elif kind == "steered" and record["node_id"] in tree:
                tree[record["node_id"]].steered.append(
                    SteeringMark(str(record["command"]), int(record["round"])))
            elif kind == "round":
                loaded.rounds.append((int(record["round"]), [int(i) for i in record["kept"]]))
            elif kind == "command":
                command = command_from_dict(record)
                if command is not None:
                    loaded.commands.append(command)
            elif kind == "continued":
                cap = record.get("round_cap")
                loaded.continuation = Continuation(int(record["round"]),
                                                   None if cap is None else int(cap),
                                                   int(record["first_node"]))
            elif kind == "finished":
                loaded.finished = record
                if not resumable(record):
                    loaded.continuation = None
                loaded.last_wall_s = float((record.get("stats") or {}).get("wall_s", 0.0))
            elif kind == "resumed":
                loaded.finished = None
        except (KeyError, TypeError, ValueError):
            loaded.skipped_lines += 1
    return loaded


@dataclass(frozen=True)
class SessionSummary:
    directory: Path
    problem_id: str
    model: str
    created: str
    nodes: int
    finished: bool
    """It has an end record (which may be resumable: see `resumable`)."""
    reason: str | None
    resumable: bool = False
    in_use: bool = False
    """A process is writing it now (a running search, here or in another orps)."""

    @property
    def opens_as(self) -> str:
        """What opening it does: `resume`, `review`, or `in use` (it cannot be resumed
        while another process writes it)."""
        if self.in_use:
            return "in use"
        return "resume" if self.resumable else "review"


def read_sessions(root: Path) -> Iterator[LoadedSession]:
    """Every readable session directly under `root`, newest first (unreadable ones are
    passed over)."""
    if not root.is_dir():
        return
    for directory in sorted(root.iterdir(), reverse=True):
        if not (directory / LOG_NAME).is_file():
            continue
        try:
            yield load_session(directory)
        except SessionError:
            continue


def find_sessions(folder: Path) -> Iterator[tuple[Path, LoadedSession | SessionError]]:
    """Every session folder at any depth below `folder`, in path order, with the session
    loaded or the error that kept it from loading (for scripts that read a benchmark's
    `--sessions DIR`, laid out `DIR/RUN/seedS/SESSION`)."""
    for log in sorted(folder.rglob(LOG_NAME)):
        try:
            yield log.parent, load_session(log.parent)
        except SessionError as exc:
            yield log.parent, exc


def fork_session(source: Path, round_no: int, root: Path) -> Path:
    """A new session folder under `root` holding `source`'s search as it stood when round
    `round_no` had settled and its beam was not chosen yet: every record before the first
    that chose that beam (a node of the round kept or stopped, or the round's `round`
    record). Resumed, the search settles that round again, so what acts on `RoundSettled`
    (a person, a steering policy) acts on that very tree; its header names the source
    (`forked_from`, `fork_round`). SessionError when `source` never got that far."""
    loaded = load_session(source)
    records, _ = _read_records(loaded.directory / LOG_NAME)
    in_round = {n.id for n in loaded.tree.nodes.values() if n.round == round_no}
    cut = next((i for i, r in enumerate(records)
                if (r.get("type") == "round" and r.get("round") == round_no)
                or (r.get("type") == "state" and r.get("node_id") in in_round
                    and r.get("new") in (NodeState.KEPT, NodeState.STOPPED))), None)
    if not in_round or cut is None or any(r.get("type") == "finished" for r in records[:cut]):
        raise SessionError(f"{loaded.directory}: round {round_no} never settled in it")
    directory = _new_directory(root, loaded.problem_id)
    copy = loaded.header.get("problem", {}).get("copy")
    if copy:
        src = loaded.directory / copy
        if src.name == "problem.toml" and src.parent != loaded.directory:
            shutil.copytree(src.parent, directory / Path(copy).parent)
        elif src.exists():
            shutil.copy2(src, directory / copy)
    header = {**records[0], "forked_from": str(loaded.directory), "fork_round": round_no}
    lines = [header, *records[1:cut]]
    (directory / LOG_NAME).write_text("".join(json.dumps(r) + "\n" for r in lines),
                                      encoding="utf-8")
    return directory


def _read_records(log_path: Path) -> tuple[list[dict[str, Any]], int]:
    """A session log's records, and how many lines were not JSON (a torn last line)."""
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError as exc:
        raise SessionError(f"{log_path}: cannot be read ({exc.strerror or exc})") from exc
    records: list[dict[str, Any]] = []
    skipped = 0
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            skipped += 1
            continue
        if isinstance(record, dict):
            records.append(record)
    return records, skipped


def list_sessions(root: Path | None = None) -> list[SessionSummary]:
    """Every readable session under `root` (default: the sessions dir), newest first."""
    out = []
    for s in read_sessions(root or locations.sessions_dir()):
        directory = s.directory
        out.append(SessionSummary(directory, s.problem_id, s.model,
                                  str(s.header.get("created", "")), len(s.tree),
                                  s.finished is not None,
                                  s.finished.get("reason") if s.finished else None,
                                  resumable=s.resumable, in_use=in_use(directory)))
    return out

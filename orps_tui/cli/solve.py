"""`orps solve`: run the ORPS search on a problem, headless.

Progress goes to stderr (a live bar on a terminal, plain lines otherwise); the answer, or
with `--json` one JSON object, goes to stdout. Ctrl-C cancels cleanly: the session is kept
and can be continued with `--resume`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

from orps_tui.cli import CliError
from orps_tui.cli.arg_types import setting_number, whole_number
from orps_tui.search.search_config import METHOD_ON_RESUME, SearchMethod

if TYPE_CHECKING:
    from orps_tui.problems.model import Problem
    from orps_tui.search.engine import SearchEngine, SearchResult
    from orps_tui.search.events import Event

HELP = "run the ORPS search on a problem, headless"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("solve", help=HELP, description=HELP)
    parser.add_argument("problem", nargs="?", metavar="PROBLEM",
                        help="a problem file or folder, or a starter-set id")
    add_search_arguments(parser)
    parser.add_argument("--method", choices=tuple(SearchMethod),
                        help="orps: the tree search; sampling: K independent programs, no "
                             "critic, no refinement, the best on the public tests answers "
                             "(default: config `search.method`)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object at the end instead of text")
    parser.add_argument("--resume", metavar="SESSION",
                        help="continue a saved session (its folder, or its name)")
    parser.set_defaults(func=run)


def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    """The model and K/B/R options `solve` and `bench` share."""
    parser.add_argument("--model", metavar="URI",
                        help="ollama:NAME, embedded, embedded:coder or openai:URL#NAME "
                             "(default: the configured model)")
    parser.add_argument("--samples", "-k", type=setting_number("search.samples"), metavar="K",
                        help="programmer samples per expansion")
    parser.add_argument("--beam", "-b", type=setting_number("search.beam"), metavar="B",
                        help="nodes kept per round")
    parser.add_argument("--rounds", "-r", type=setting_number("search.rounds"), metavar="R",
                        help="rounds of expansion after the first")
    parser.add_argument("--concurrency", "-c", type=setting_number("model.concurrency"), metavar="C",
                        help="model calls in flight at once")
    parser.add_argument("--calls", type=whole_number(1, 100_000), metavar="N",
                        help="a fixed budget of LLM calls for the whole search, set before "
                             "it starts (default: only K/B/R bound it; `bench`: 16)")
    parser.add_argument("--seed", type=int, metavar="S", help="sampling seed")
    parser.add_argument("--ranking", choices=("lexicographic", "weighted"),
                        help="how the beam ranks nodes")


# ---- shared helpers (bench uses them too) ----------------------------------------------


def load_settings_or_fail() -> Any:
    from orps_tui.config import ConfigError, load_settings

    try:
        return load_settings()
    except ConfigError as exc:
        raise CliError(str(exc)) from None


def find_problem_or_fail(ref: str) -> Problem:
    from orps_tui.search.launch import LaunchError, load_problem

    try:
        return load_problem(ref)
    except LaunchError as exc:
        raise CliError(str(exc)) from None


def model_ready_or_fail(uri: str, settings: Any) -> None:
    """One clear line when the model cannot answer (its server down, the model not
    pulled), before a search starts or writes a session: not a search of failed calls."""
    from orps_tui.search.launch import model_answers

    health = asyncio.run(model_answers(uri, settings.model))
    if not health.ok:
        fix = f" ({health.fix})" if health.fix else ""
        raise CliError(f"{uri} cannot answer: {health.message}{fix}")


def open_model_or_fail(uri: str, settings: Any, concurrency: int | None = None) -> Any:
    """The model, sized for `concurrency` calls in flight (`launch.open_model`)."""
    from orps_tui.search.launch import LaunchError, open_model

    try:
        return open_model(uri, settings.model, concurrency=concurrency)
    except LaunchError as exc:
        raise CliError(str(exc)) from None


def make_judge(problem: Problem, settings: Any) -> Any:
    from orps_tui.search.launch import open_judge

    return open_judge(problem, settings)


async def close_quietly(*things: Any) -> None:
    for thing in things:
        for name in ("aclose", "close"):
            method = getattr(thing, name, None)
            if callable(method):
                try:
                    result = method()
                    if asyncio.iscoroutine(result):
                        await result
                except Exception:  # closing is best effort at exit
                    pass
                break


def config_overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides = {name: getattr(args, name, None)
                 for name in ("samples", "beam", "rounds", "concurrency", "seed", "ranking")}
    overrides["max_calls"] = getattr(args, "calls", None)
    return overrides


# ---- progress ---------------------------------------------------------------------------


class Progress:
    """Prints the search as it goes: a bar redrawn in place on a terminal (on every event
    and every `tick_s`, so its clock moves while a call streams), plain lines otherwise
    (one per finished node and per round, and a status line every `tick_s`). Both count
    the calls done (not started) of the budget and name the nodes being written, with the
    tokens streamed so far (estimated at 4 characters a token)."""

    def __init__(self, engine: SearchEngine, out: TextIO, live: bool, *,
                 tick_s: float | None = None) -> None:
        self.engine = engine
        self.out = out
        self.live = live
        self.tick_s = tick_s if tick_s is not None else (0.5 if live else 15.0)
        self._drawn = False
        self._streamed: dict[int, int] = {}
        """Characters streamed by each node's current call."""

    def __call__(self, event: Event) -> None:
        from orps_tui.search import events as ev
        from orps_tui.search.tree import NodeState

        if isinstance(event, ev.TextStreamed):
            self._streamed[event.node_id] = (0 if event.reset else
                                             self._streamed.get(event.node_id, 0)) + len(event.text)
            if self.live:
                self._bar()
        elif isinstance(event, ev.NodeCritiqued | ev.NodeJudged | ev.NodeStateChanged):
            if isinstance(event, ev.NodeStateChanged) and event.new in (NodeState.GENERATING,
                                                                        NodeState.CRITIQUING):
                self._streamed[event.node_id] = 0
            if isinstance(event, ev.NodeStateChanged) and not event.new.busy \
                    and event.old.busy and not self.live:
                self._line(self._node_line(event.node_id))
            elif self.live:
                self._bar()
        elif isinstance(event, ev.RoundFinished):
            self._line(self._round_line(event))
        elif isinstance(event, ev.EngineError):
            if not self.live and self._said_by_node_line(event):
                return
            self._line(f"{'fatal: ' if event.fatal else 'warning: '}{event.message}")
        elif isinstance(event, ev.SearchFinished):
            self._clear()

    def _said_by_node_line(self, event: Any) -> bool:
        """A node's own error, which its line (printed when it settles) already says."""
        node = self.engine.tree.nodes.get(event.node_id) if event.node_id is not None else None
        return node is not None and bool(node.error) and event.message.endswith(node.error)

    async def ticking(self) -> None:
        """Redraw every `tick_s` until cancelled (run it beside the search)."""
        while True:
            await asyncio.sleep(self.tick_s)
            if self.engine.running:
                self.tick()

    def tick(self) -> None:
        if self.live:
            self._bar()
        else:
            s = self.engine.stats
            activity = self._activity()
            self._line(f"  ... {self._calls_done()}/{s.budget} calls done"
                       f"{', ' + activity if activity else ''}, {s.elapsed_s:.0f} s")

    def _calls_done(self) -> int:
        return sum(len(n.calls) for n in self.engine.tree.nodes.values())

    def _activity(self) -> str:
        """`#4 writing ~120 tok, #2 critic ~40 tok, 3 queued`."""
        from orps_tui.search.tree import NodeState

        parts, queued = [], 0
        for node in self.engine.tree.nodes.values():
            if node.state is NodeState.PENDING:
                queued += 1
            elif node.state in (NodeState.GENERATING, NodeState.CRITIQUING):
                what = "writing" if node.state is NodeState.GENERATING else "critic"
                parts.append(f"#{node.id} {what} ~{self._streamed.get(node.id, 0) // 4} tok")
        if queued:
            parts.append(f"{queued} queued")
        return ", ".join(parts)

    def _node_line(self, node_id: int) -> str:
        node = self.engine.tree[node_id]
        if node.error:
            return f"  node {node.id}: {node.state} - {node.error}"
        passed = f"{node.report.passed}/{node.report.total}" if node.report else "-"
        score = f"{node.process_score:g}" if node.process_score is not None else "-"
        return f"  node {node.id} (round {node.round}): public {passed}, critic {score}, {node.state}"

    def _round_line(self, event: Any) -> str:
        tree = self.engine.tree
        nodes = [n for n in tree.nodes.values() if n.round == event.round]
        best = max((n.pass_rate or 0.0 for n in nodes), default=0.0)
        errors = sum(1 for n in nodes if n.error)
        s = self.engine.stats
        return (f"round {event.round}: {len(nodes)} nodes, best public pass rate {best:.0%}, "
                f"{errors} errors, kept {list(event.kept)}; {self._calls_done()}/{s.budget} "
                f"calls, {s.elapsed_s:.1f} s")

    def _bar(self) -> None:
        s = self.engine.stats
        width = 24
        done_calls = self._calls_done()
        done = min(width, int(width * done_calls / max(1, s.budget)))
        activity = self._activity()
        self.out.write(f"\r\x1b[2K[{'#' * done}{'.' * (width - done)}] round {s.round} "
                       f"calls {done_calls}/{s.budget} nodes {s.nodes}"
                       f"{'  ' + activity if activity else ''}  {s.elapsed_s:.1f}s")
        self.out.flush()
        self._drawn = True

    def _clear(self) -> None:
        if self._drawn:
            self.out.write("\r\x1b[2K")
            self.out.flush()
            self._drawn = False

    def _line(self, text: str) -> None:
        self._clear()
        self.out.write(text + "\n")
        self.out.flush()


# ---- the command --------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from orps_tui.search.launch import LaunchError

    settings = load_settings_or_fail()
    try:
        problem, uri, engine = _launch(args, settings)
    except LaunchError as exc:
        raise CliError(str(exc)) from None
    if engine.concluded is not None:
        # a finished session (`--resume`): no model call, nothing written to it
        result = engine.concluded
        asyncio.run(close_quietly(engine.model, engine.judge))
    else:
        result_or_code = _search(args, problem, uri, engine)
        if isinstance(result_or_code, int):
            return result_or_code
        result = result_or_code
    if args.json:
        print(json.dumps(result_json(problem.id, uri, result), indent=None))
    else:
        print_result(result, sys.stdout)
    return 0 if answer_passed(result) else 1


def _search(args: argparse.Namespace, problem: Problem, uri: str,
            engine: SearchEngine) -> SearchResult | int:
    """Runs the search with progress on stderr; the exit code 130 when Ctrl-C cancels it."""
    model, judge, config = engine.model, engine.judge, engine.config
    assert engine.session is not None
    session = engine.session
    progress = Progress(engine, sys.stderr, sys.stderr.isatty())
    engine.subscribe(progress)
    if not args.json:
        print(f"solving {problem.id} with {uri}: {config.shape()}; session "
              f"{session.directory}", file=sys.stderr)

    async def main() -> SearchResult:
        ticking = asyncio.create_task(progress.ticking())
        try:
            return await engine.run()
        finally:
            ticking.cancel()
            await close_quietly(model, judge)

    try:
        result = asyncio.run(main())
    except KeyboardInterrupt:
        session.close()
        print(f"orps solve: cancelled; session saved: {session.directory}\n"
              f"continue with: orps solve --resume {session.directory}", file=sys.stderr)
        return 130
    session.close()
    return result


def _launch(args: argparse.Namespace, settings: Any) -> tuple[Problem, str, SearchEngine]:
    """The problem, the model URI and the engine: a new search, or `--resume`d."""
    from orps_tui.search import launch

    if args.resume:
        if args.method:
            raise launch.LaunchError(METHOD_ON_RESUME)
        saved, problem = launch.load_resumable(args.resume)
        if args.problem and args.problem not in (problem.id, str(saved.problem_file)):
            raise launch.LaunchError(f"--resume continues {problem.id!r}; leave PROBLEM out")
        _warn_if_no_statement(problem)
        uri = args.model or saved.model
        config = launch.resume_config(saved, config_overrides(args))
        if saved.resumable:  # a finished one only reports its answer again
            model_ready_or_fail(uri, settings)
        model = open_model_or_fail(uri, settings, config.concurrency)
        engine = launch.resume_search(saved, problem, model=model,
                                      judge=make_judge(problem, settings), config=config,
                                      hold_final=True)
        return problem, uri, engine
    if not args.problem:
        raise launch.LaunchError("give a PROBLEM (a path or a starter-set id), or --resume SESSION")
    problem = find_problem_or_fail(args.problem)
    _warn_if_no_statement(problem)
    uri = args.model or settings.model.default
    config = launch.search_config(settings, method=args.method, **config_overrides(args))
    model_ready_or_fail(uri, settings)
    model = open_model_or_fail(uri, settings, config.concurrency)
    engine = launch.new_search(problem, config, model=model,
                               judge=make_judge(problem, settings), model_uri=uri)
    return problem, uri, engine


def _warn_if_no_statement(problem: Problem) -> None:
    """Said before anything else starts: the model would read only the tests."""
    from orps_tui.problems.statement import missing_statement_note

    note = missing_statement_note(problem)
    if note is not None:
        print(f"warning: {note}", file=sys.stderr)


def answer_passed(result: SearchResult) -> bool:
    """Exit status 0 means solved: the answer passed every test it was run on (the public
    ones, and the hidden ones when it was graded on them)."""
    answer = result.answer
    if answer is None or answer.report is None or answer.report.passed < answer.report.total:
        return False
    return result.hidden is None or result.hidden.passed == result.hidden.total


def result_json(problem_id: str, uri: str, result: SearchResult) -> dict[str, Any]:
    answer = result.answer
    body: dict[str, Any] | None = None
    if answer is not None:
        public = answer.report
        hidden = result.hidden
        body = {
            "node_id": answer.id,
            "code": answer.code,
            "public": {"verdict": str(public.verdict), "passed": public.passed,
                       "total": public.total} if public else None,
            "hidden": {"verdict": str(hidden.verdict), "passed": hidden.passed,
                       "total": hidden.total} if hidden else None,
            "process_score": answer.process_score,
            "outcome_score": answer.outcome_score,
        }
    return {
        "problem": problem_id, "model": uri, "answer": body,
        "stats": result.stats.to_dict(),
        "reason": result.reason, "message": result.message,
        "session": result.session_path,
    }


def print_result(result: SearchResult, out: TextIO) -> None:
    s = result.stats
    out.write(f"search ended ({result.reason}{': ' + result.message if result.message else ''})"
              f" after {s.llm_calls} model calls, {s.nodes} nodes, {s.elapsed_s:.1f} s\n")
    answer = result.answer
    if answer is None:
        why = "the model failed" if result.reason == "error" else "no node produced runnable code"
        out.write(f"no answer: {why}\n")
        return
    out.write(f"\nanswer: node {answer.id} (round {answer.round}, critic "
              f"{answer.process_score if answer.process_score is not None else '-'})\n")
    out.write(f"```python\n{answer.code.rstrip()}\n```\n")
    if answer.report is not None:
        r = answer.report
        out.write(f"public tests: {r.verdict} {r.passed}/{r.total}\n")
    if result.hidden is not None:
        h = result.hidden
        out.write(f"hidden tests: {h.verdict} {h.passed}/{h.total}\n")
    else:
        out.write("hidden tests: none\n")
    if result.session_path:
        out.write(f"session: {result.session_path}\n")

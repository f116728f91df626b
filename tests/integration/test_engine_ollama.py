"""The real engine through the real `ollama` client (`open_model("ollama:NAME")`) against the
fake Ollama HTTP server, with the real sandboxed judge on a starter problem."""

from __future__ import annotations

import asyncio
import json
import socket
import threading

import pytest

from orps_tui.config import ModelSettings
from orps_tui.llm.registry import open_model
from orps_tui.problems.library import find_problem
from orps_tui.problems.model import Problem
from orps_tui.sandbox.judge import Judge
from orps_tui.search import events as ev
from orps_tui.search.engine import SearchConfig, SearchEngine
from orps_tui.search.tree import NodeState, cached_share
from tests.support.fake_ollama import FakeOllama, Reply, Request, text_reply

MODEL = "qwen2.5-coder:7b"
WRONG = "def factorial_zeros(n: int, base: int) -> int:\n    return 0\n"


@pytest.fixture(scope="module")
def problem() -> Problem:
    return find_problem("fn-factorial-zeros")


class Script:
    """Replies like a model that is wrong on the first root sample and right elsewhere
    (each program made new by an `ATTEMPT = N` line);
    `fault(n, request)` may replace the n-th chat reply (0-based) with a faulty one."""

    def __init__(self, problem: Problem, fault=None, chunk_delay_s: float = 0.0) -> None:
        self.problem = problem
        self.fault = fault
        self.chunk_delay_s = chunk_delay_s
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, request: Request) -> Reply:
        with self.lock:
            n = self.count
            self.count += 1
        if self.fault is not None:
            faulty = self.fault(n, request)
            if faulty is not None:
                return faulty
        if request.is_critic:
            reply = text_reply(json.dumps({"critique": "Looks right.", "score": 4,
                                           "finished": False}))
        else:
            first = "most efficient" in request.last_user and len(request.messages) == 2
            code = WRONG if first else self.problem.reference
            # a new program every time, as a model's would be (the engine stops repeats)
            reply = text_reply(f"Count prime factors.\n\n```python\n{code}\n\nATTEMPT = {n}\n"
                               "```\n")
        reply.chunk_delay_s = self.chunk_delay_s
        return reply


async def run_search(server: FakeOllama, problem: Problem, backend_retries: int = 1,
                     **config: object):
    settings = ModelSettings(ollama_host=server.url, timeout_s=20, retries=backend_retries)
    model = open_model(f"ollama:{MODEL}", settings)
    judge = Judge(problem)
    cfg = SearchConfig(**config)  # type: ignore[arg-type]
    engine = SearchEngine(problem, model, judge=judge, config=cfg)
    events: list[ev.Event] = []
    engine.subscribe(events.append)
    try:
        result = await asyncio.wait_for(engine.run(), 60)
    finally:
        await model.aclose()
        judge.close()
    return engine, result, events


async def test_a_search_through_ollama_and_the_real_judge(problem: Problem) -> None:
    with FakeOllama(models=[MODEL], reply=Script(problem)) as server:
        engine, result, _ = await run_search(server, problem, samples=3, beam=2, rounds=1,
                                             concurrency=2, seed=3)
        chats = server.requests_to("/api/chat")
    assert result.reason == "budget" and result.stats.llm_calls == 18
    assert len(chats) >= 18  # a keep-alive connection reset may make the client resend one
    wrong = engine.tree[0]
    assert wrong.report is not None and wrong.report.passed < wrong.report.total
    answer = result.answer
    assert answer is not None and answer.report.passed == answer.report.total
    assert result.hidden is not None and result.hidden.verdict == "AC"
    assert result.hidden.total == len(problem.hidden_tests)
    critic = [r for r in chats if r.is_critic]
    programmer = [r for r in chats if not r.is_critic]
    assert critic and all(r.body.get("format") for r in critic)
    assert all(r.options.get("num_ctx") == 16384 for r in chats)
    # one request shape for the whole search: only the seed differs (a changed option such
    # as num_ctx would make Ollama reload the model and drop its prompt cache)
    shapes = {json.dumps({k: v for k, v in r.options.items() if k not in ("seed", "num_predict")},
                         sort_keys=True) for r in chats}
    assert len(shapes) == 1  # num_predict (the critic's lower cap) reloads nothing
    # this server sends no cached count (Ollama before 0.30): the prompt counts reach the
    # node and the stats, and nothing claims a cached share (it showed "0% cached")
    calls = [c for n in engine.tree.nodes.values() for c in n.calls]
    assert calls and all(c.prompt_tokens > 0 and c.prompt_evaluated is None for c in calls)
    assert result.stats.prompt_tokens == sum(c.prompt_tokens for c in calls)
    assert result.stats.evaluated_share is None and cached_share(calls) is None
    assert len({r.options.get("seed") for r in programmer}) == len(programmer)
    roots = [r for r in programmer if len(r.messages) == 2]
    assert all(r.messages[-1]["content"].startswith(roots[0].messages[-1]["content"][:200])
               for r in roots)
    assert len({json.dumps(r.messages[:-1]) for r in roots}) == 1
    # each critic call extends the programmer call it reviews
    for critic_request in critic:
        assert any(critic_request.messages[:len(p.messages)] == p.messages for p in programmer)
    assert server.stats.max_in_flight <= 2
    prompts = ["\n".join(str(m.get("content", "")) for m in r.messages) for r in chats]
    hidden = [t.code for t in problem.hidden_tests if t.code]
    assert hidden and not any(code in text for code in hidden for text in prompts)
    public = [t.code for t in problem.public_tests if t.code]
    assert all(code in prompts[0] for code in public)


async def test_prompt_tokens_ollama_served_from_its_cache_reach_nodes_and_stats(
        problem: Problem) -> None:
    # a server that says what it served from its prompt cache (Ollama >= 0.30's
    # prompt_eval_cached_count), with one cache slot; one call at a time, so each critic
    # call follows the programmer call it extends
    with FakeOllama(models=[MODEL], reply=Script(problem), prefix_cache=True) as server:
        engine, result, _ = await run_search(server, problem, samples=2, beam=1, rounds=1,
                                             concurrency=1, seed=3)
    calls = [c for n in engine.tree.nodes.values() for c in n.calls]
    assert calls and all(c.prompt_evaluated is not None
                         and 0 <= c.prompt_evaluated <= c.prompt_tokens for c in calls)
    critic = [c for c in calls if c.role == "critic"]
    # a review re-reads only what follows the answer it reviews: the execution analysis
    # and the review task
    assert critic and all(c.prompt_evaluated < c.prompt_tokens / 2 for c in critic)
    stats = result.stats
    assert stats.evaluated_tokens == sum(c.prompt_evaluated or 0 for c in calls)
    assert stats.cached_tokens == sum(c.cached_tokens for c in calls) > 0
    assert stats.evaluated_share == pytest.approx(stats.evaluated_tokens / stats.prompt_tokens)
    assert cached_share(calls) == pytest.approx(1 - stats.evaluated_share)


async def test_server_errors_and_cut_streams_are_retried(problem: Problem) -> None:
    def fault(n: int, request: Request) -> Reply | None:
        if n in (0, 3):
            return Reply(status=503, error="overloaded")
        if n in (1, 5):
            reply = text_reply("Count prime factors, carefully, with a long preamble here.")
            reply.cut_after = 3
            return reply
        return None

    with FakeOllama(models=[MODEL], reply=Script(problem, fault)) as server:
        engine, result, events = await run_search(server, problem, backend_retries=2,
                                                  samples=2, beam=1, rounds=0, concurrency=1)
        chats = server.requests_to("/api/chat")
    # the backend retries both: a 5xx before the first chunk quietly, a stream cut after
    # chunks with a restart chunk, on which the engine drops the text and counts a retry
    assert result.stats.retries == 2
    assert len(chats) == result.stats.llm_calls + 4
    assert all(n.state is not NodeState.ERROR for n in engine.tree.nodes.values())
    resets = [e for e in events if isinstance(e, ev.TextStreamed) and e.reset]
    assert resets
    for node in engine.tree.nodes.values():
        assert "long preamble" not in node.raw_output  # the cut attempt's text was dropped
        assert node.code and node.report is not None
    assert result.hidden is not None


async def test_too_many_failures_end_in_error_nodes_then_the_search_goes_on(problem: Problem) -> None:
    def fault(n: int, request: Request) -> Reply | None:
        first = "most efficient" in request.last_user and not request.is_critic
        return Reply(status=500, error="boom") if first else None

    with FakeOllama(models=[MODEL], reply=Script(problem, fault)) as server:
        engine, result, _ = await run_search(server, problem, backend_retries=2, samples=2,
                                             beam=1, rounds=0)
    assert engine.tree[0].state is NodeState.ERROR and "boom" in engine.tree[0].error
    assert result.answer_id == 1 and result.reason == "budget"


async def test_a_model_that_is_not_pulled_ends_the_search_with_the_fix(problem: Problem) -> None:
    with FakeOllama(models=["other:1b"], reply=Script(problem)) as server:
        engine, result, events = await run_search(server, problem, samples=3, beam=1, rounds=2)
    assert result.reason == "error"
    assert MODEL in result.message
    assert len([n for n in engine.tree.nodes.values() if n.state is NodeState.ERROR]) <= 2
    assert any(isinstance(e, ev.EngineError) and e.fatal for e in events)


async def test_no_server_ends_the_search_instead_of_hanging(problem: Problem) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = ModelSettings(ollama_host=f"http://127.0.0.1:{port}", timeout_s=5, retries=0)
    model = open_model(f"ollama:{MODEL}", settings)
    judge = Judge(problem)
    engine = SearchEngine(problem, model, judge=judge,
                          config=SearchConfig(samples=3, beam=1, rounds=2))
    try:
        result = await asyncio.wait_for(engine.run(), 30)
    finally:
        await model.aclose()
        judge.close()
    assert result.reason == "error" and result.answer is None
    assert result.message

"""Benchmark the judge: isolation overhead, tests/second fresh vs warm, parallel speed-up.

    .venv/bin/python bench/judge.py [--runs N] [--problems DIR] [--json]

(a) per-run overhead: a sandboxed `pass` (fresh interpreter, every layer) against a bare
    `python -c pass` started with subprocess, in the same process, as a ratio of medians;
(b) tests judged per second on the starter set's reference solutions, fresh-interpreter
    mode against warm (fork server) mode, function and stdio problems apart;
(c) the speed-up of 2 parallel jobs over 1 (warm mode).

    .venv/bin/python bench/judge.py --ab-harness OTHER/harness.py [--rounds 3]

runs only (d): warm judging of the public tests with this tree's child-side harness
against another version of it (e.g. `git show HEAD~1:orps_tui/sandbox/harness.py`),
alternating in one process, as the ratio of this tree's figures to the other's.

    .venv/bin/python bench/judge.py --languages [--runs N]

runs only (e): per compiled language whose compiler is here (C++, Rust), the compile time
of a small stdio solution (median of 3) and one test's run of its binary under every
layer against the same binary run bare with subprocess, as a ratio of medians (the full
run includes (e) too).

Ratios are what to compare between machines; absolute numbers move with the load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.problems.model import Limits, Problem, ProblemKind  # noqa: E402
from orps_tui.sandbox import judge as judge_module  # noqa: E402
from orps_tui.sandbox.compile import binary_run_spec, compile_solution, run_argv  # noqa: E402
from orps_tui.sandbox.forkserver import ForkServer  # noqa: E402
from orps_tui.sandbox.judge import Judge  # noqa: E402
from orps_tui.sandbox.languages import Language, compiler_path  # noqa: E402
from orps_tui.sandbox.runner import (  # noqa: E402
    FRESH,
    RunOutcome,
    RunSpec,
    Spawner,
    execute,
    run_isolated,
)

LIMITS = Limits(time_s=2.0, memory_mb=256, output_kb=64)


def _timings_ms(fn, runs: int) -> tuple[float, float]:
    """(median, minimum) milliseconds of `runs` calls after one warm-up call."""
    fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1000, min(samples) * 1000


def overhead(runs: int) -> dict[str, float]:
    exe = sys.executable
    figures = {
        "bare_python_c_pass": _timings_ms(
            lambda: subprocess.run([exe, "-c", "pass"], check=True), runs
        ),
        "bare_python_S_c_pass": _timings_ms(
            lambda: subprocess.run([exe, "-S", "-c", "pass"], check=True), runs
        ),
        "isolated_fresh": _timings_ms(
            lambda: run_isolated([exe, "-c", "pass"], limits=LIMITS), runs
        ),
    }
    with ForkServer() as server:
        server.ensure_started()
        figures["isolated_warm"] = _timings_ms(
            lambda: run_isolated([exe, "-c", "pass"], limits=LIMITS, spawner=server), runs
        )
    out: dict[str, float] = {}
    for name, (median, least) in figures.items():
        out[f"{name}_median_ms"] = round(median, 1)
        out[f"{name}_min_ms"] = round(least, 1)
    for stat in ("median", "min"):
        bare, bare_s = out[f"bare_python_c_pass_{stat}_ms"], out[f"bare_python_S_c_pass_{stat}_ms"]
        out[f"ratio_fresh_vs_bare_{stat}"] = _ratio(out[f"isolated_fresh_{stat}_ms"], bare)
        out[f"ratio_fresh_vs_bare_S_{stat}"] = _ratio(out[f"isolated_fresh_{stat}_ms"], bare_s)
        out[f"ratio_warm_vs_bare_{stat}"] = _ratio(out[f"isolated_warm_{stat}_ms"], bare)
    return out


LANGUAGE_SUM = {
    Language.CPP: (
        "#include <iostream>\nint main(){long long s=0,x;while(std::cin>>x)s+=x;"
        'std::cout<<s<<"\\n";}\n'
    ),
    Language.RUST: (
        "use std::io::Read;\nfn main(){let mut s=String::new();"
        "std::io::stdin().read_to_string(&mut s).unwrap();"
        "let t:i64=s.split_whitespace().map(|x|x.parse::<i64>().unwrap()).sum();"
        'println!("{}",t);}\n'
    ),
    Language.JAVA: (
        "import java.util.*;\npublic class Main { public static void main(String[] a) {"
        " var sc = new Scanner(System.in); long s = 0; while (sc.hasNextLong()) s += sc.nextLong();"
        " System.out.println(s); } }\n"
    ),
}


def languages(runs: int) -> dict[str, dict[str, float]]:
    """(e): compile time, and an isolated run of the binary (Java: the JVM on the classes,
    with the judge's flags) against a bare one."""
    import tempfile

    stdin = b"1 2 3 4 5\n"
    out: dict[str, dict[str, float]] = {}
    for language, source in LANGUAGE_SUM.items():
        if compiler_path(language) is None:
            continue
        compile_s = []
        build = None
        for _ in range(3):
            build = compile_solution(language, source)
            compile_s.append(build.compile_s)
        assert build is not None and build.files is not None, build and build.error
        with tempfile.TemporaryDirectory() as tmp:
            for name, data in build.files.items():
                path = Path(tmp) / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                path.chmod(0o700)
            argv = run_argv(build, LIMITS)
            bare = _timings_ms(
                lambda argv=argv, tmp=tmp: subprocess.run(
                    argv, input=stdin, capture_output=True, check=True, cwd=tmp
                ),
                runs,
            )
        spec = binary_run_spec(build, LIMITS, stdin, wall_factor=3.0)
        isolated = _timings_ms(lambda spec=spec: execute(spec, FRESH), runs)
        out[language.value] = {
            "compile_median_s": round(statistics.median(compile_s), 2),
            "bare_binary_median_ms": round(bare[0], 1),
            "isolated_binary_median_ms": round(isolated[0], 1),
            "ratio_isolated_vs_bare_median": _ratio(isolated[0], bare[0]),
            "ratio_isolated_vs_bare_min": _ratio(isolated[1], bare[1]),
        }
    return out


def starter_problems(folder: Path) -> list[Problem]:
    from orps_tui.problems.library import problem_files
    from orps_tui.problems.load import check_problem

    problems = []
    for file in problem_files(folder):
        result = check_problem(file)
        if result.problem is not None and result.problem.reference:
            problems.append(result.problem)
    if not problems:
        problems = built_in_problems()
    return problems


def built_in_problems() -> list[Problem]:
    """Used when the starter set is empty: one stdio and one function problem."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from dataclasses import replace

    from tests.support.sandbox_problems import function_problem, stdio_problem

    stdio = replace(stdio_problem(), reference="print(sum(map(int, input().split())))\n")
    function = replace(function_problem(), reference="def add(a, b):\n    return a + b\n")
    return [stdio, function]


def _own_cpu() -> float:
    """CPU of this process (the judge and its threads), to the microsecond."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _server_cpu(pid: int | None) -> float:
    """CPU of a fork server itself (its scheduler run time, in ns)."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/schedstat", "rb") as f:
            return int(f.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


class _ChildCpu:
    """The CPU of every sandboxed child, summed from each run's own figure (wait4 of
    that child, fresh or forked). os.times() and /proc/<pid>/stat count whole clock
    ticks (10 ms), too coarse for children that live 1-2 ms."""

    def __init__(self) -> None:
        self.total = 0.0
        self._original = judge_module.execute

    def __enter__(self) -> _ChildCpu:
        def counted(spec: RunSpec, spawner: Spawner | None = None) -> RunOutcome:
            outcome = self._original(spec, spawner)
            self.total += outcome.cpu_s
            return outcome

        judge_module.execute = counted
        return self

    def __exit__(self, *exc: object) -> None:
        judge_module.execute = self._original


def throughput(
    problems: list[Problem], *, warm: bool, jobs: int, which: str = "all", repeat: int = 3
) -> dict[str, float]:
    """Judge every reference on `which` tests: tests per second of wall time, and CPU
    milliseconds per test (judge + server + children: robust to a busy machine). Each
    problem is judged `repeat` times; the fastest time and the least CPU count, the
    usual way to take noise from other processes out of a benchmark. Every judging
    gets its own copy of the code (a comment added), as every candidate of a search
    is new: nothing the fork server prepared for one candidate serves the next."""
    tests = failures = 0
    elapsed = cpu = 0.0
    for problem in problems:
        with Judge(problem, jobs=jobs, warm=warm) as judge, _ChildCpu() as children:
            if warm:
                judge.run(problem.reference or "", "public")  # start the server outside the clock
            server = getattr(judge._server, "pid", None)
            best_wall = best_cpu = float("inf")
            for i in range(repeat):
                code = f"{problem.reference or ''}\n# candidate {i}\n"
                cpu0, server0, child0 = _own_cpu(), _server_cpu(server), children.total
                t = time.perf_counter()
                report = judge.run(code, which)
                best_wall = min(best_wall, time.perf_counter() - t)
                used = _own_cpu() - cpu0 + _server_cpu(server) - server0 + children.total - child0
                best_cpu = min(best_cpu, used)
            elapsed += best_wall
            cpu += best_cpu
        tests += report.total
        failures += report.total - report.passed
    return {
        "tests": tests,
        "tests_per_s": round(tests / elapsed, 1) if elapsed else 0.0,
        "cpu_ms_per_test": round(cpu / tests * 1000, 1) if tests else 0.0,
        "failures": failures,
    }


def harness_ab(problems: list[Problem], other: Path, rounds: int, repeat: int) -> dict:
    """(d) Warm judging with this tree's harness ("this") against `other` ("other"): the
    fork server boots with whichever harness `runner.child_code()` holds, so each
    variant gets fresh servers; the variants alternate (and swap order every round),
    the best of the rounds counts for each."""
    from orps_tui.sandbox import runner

    this_code = runner.child_code()
    source = other.read_text(encoding="utf-8")
    variants = {
        "this": this_code,
        "other": (this_code[0], compile(source, str(other), "exec", dont_inherit=True)),
    }
    best: dict[str, dict[str, float]] = {}
    try:
        for round_no in range(rounds):
            order = ["this", "other"] if round_no % 2 == 0 else ["other", "this"]
            for name in order:
                runner._COMPILED = variants[name]
                got = throughput(problems, warm=True, jobs=1, which="public", repeat=repeat)
                if got["failures"]:
                    raise SystemExit(f"{name} harness: {got['failures']} reference failures")
                seen = best.setdefault(name, dict(got))
                seen["tests_per_s"] = max(seen["tests_per_s"], got["tests_per_s"])
                seen["cpu_ms_per_test"] = min(seen["cpu_ms_per_test"], got["cpu_ms_per_test"])
    finally:
        runner._COMPILED = this_code
    return {
        "tests": best["this"]["tests"],
        "this_tests_per_s": best["this"]["tests_per_s"],
        "other_tests_per_s": best["other"]["tests_per_s"],
        "this_over_other_tests_per_s": _ratio(
            best["this"]["tests_per_s"], best["other"]["tests_per_s"]
        ),
        "this_cpu_ms_per_test": best["this"]["cpu_ms_per_test"],
        "other_cpu_ms_per_test": best["other"]["cpu_ms_per_test"],
        "this_over_other_cpu": _ratio(
            best["this"]["cpu_ms_per_test"], best["other"]["cpu_ms_per_test"]
        ),
    }


def _ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs per overhead figure (median)")
    parser.add_argument(
        "--problems", type=Path, default=Path(__file__).resolve().parent.parent / "problems"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="judge each problem this many times, keep the best"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--ab-harness", type=Path, help="only (d): this harness.py against that one, warm"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of (d)")
    parser.add_argument("--languages", action="store_true", help="only (e): compiled languages")
    args = parser.parse_args()

    results: dict[str, object] = {"cpus": os.cpu_count(), "load_avg_1m": os.getloadavg()[0]}
    if args.ab_harness is not None:
        problems = starter_problems(args.problems)
        for kind in (ProblemKind.FUNCTION, ProblemKind.STDIO):
            group = [p for p in problems if p.kind is kind]
            if group:
                results[f"harness_ab_public_{kind.value}"] = harness_ab(
                    group, args.ab_harness, args.rounds, args.repeat
                )
        results["load_avg_1m_after"] = os.getloadavg()[0]
        print(json.dumps(results, indent=2))
        return 0
    if args.languages:
        results["languages"] = languages(args.runs)
        results["load_avg_1m_after"] = os.getloadavg()[0]
        print(json.dumps(results, indent=2))
        return 0
    results["overhead"] = overhead(args.runs)
    results["languages"] = languages(args.runs)
    problems = starter_problems(args.problems)
    by_kind = {
        kind.value: [p for p in problems if p.kind is kind]
        for kind in (ProblemKind.FUNCTION, ProblemKind.STDIO)
    }
    # Public tests are what the search judges for every candidate (small samples, so the
    # judge's own cost shows); all tests include big hidden ones where the solution's own
    # CPU time dominates whatever the mode.
    for which in ("public", "all"):
        speed: dict[str, dict[str, float]] = {}
        for kind, group in by_kind.items():
            if not group:
                continue
            fresh = throughput(group, warm=False, jobs=1, which=which, repeat=args.repeat)
            warm = throughput(group, warm=True, jobs=1, which=which, repeat=args.repeat)
            speed[kind] = {
                "problems": len(group),
                "tests": fresh["tests"],
                "fresh_tests_per_s": fresh["tests_per_s"],
                "warm_tests_per_s": warm["tests_per_s"],
                "warm_over_fresh": _ratio(warm["tests_per_s"], fresh["tests_per_s"]),
                "fresh_cpu_ms_per_test": fresh["cpu_ms_per_test"],
                "warm_cpu_ms_per_test": warm["cpu_ms_per_test"],
                "cpu_fresh_over_warm": _ratio(fresh["cpu_ms_per_test"], warm["cpu_ms_per_test"]),
                "reference_failures": fresh["failures"] + warm["failures"],
            }
        results[f"throughput_{which}_tests_jobs1"] = speed
    one = throughput(problems, warm=True, jobs=1, repeat=args.repeat)
    two = throughput(problems, warm=True, jobs=2, repeat=args.repeat)
    results["parallel_all_tests_warm"] = {
        "tests": one["tests"],
        "jobs1_tests_per_s": one["tests_per_s"],
        "jobs2_tests_per_s": two["tests_per_s"],
        "speedup": _ratio(two["tests_per_s"], one["tests_per_s"]),
    }
    results["load_avg_1m_after"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key, value in results.items():
            print(f"{key}: {json.dumps(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every verdict for each compiled language (real compiler, real sandbox runs); a language
whose compiler is absent is skipped with the reason."""

from __future__ import annotations

import sys

import pytest

from orps_tui.problems.model import Problem
from orps_tui.sandbox.judge import Judge
from orps_tui.sandbox.languages import Language, UnsupportedLanguage
from orps_tui.sandbox.report import JudgeReport, Verdict
from tests.support.native_solutions import COMPILED, SOURCES, toolchain
from tests.support.sandbox_problems import function_problem, stdio_problem

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the sandbox runs on Linux"
)


@pytest.fixture(params=COMPILED, ids=[language.value for language in COMPILED])
def language(request: pytest.FixtureRequest) -> Language:
    return toolchain(request.param)


def run(problem: Problem, language: Language, name: str, which: str = "all") -> JudgeReport:
    with Judge(problem, jobs=2) as j:
        return j.run(SOURCES[language][name], which, language)


def test_ac_compiled_once(language: Language) -> None:
    problem = stdio_problem()
    with Judge(problem, jobs=2) as j:
        report = j.run(SOURCES[language]["sum"], "all", language)
        assert report.verdict is Verdict.AC and report.passed == report.total == 2
        assert report.language == language.value
        for t in report.tests:
            assert 0 <= t.cpu_s < 1 and t.peak_rss_mb >= 0  # 0: ended before a sample
        assert report.tests[0].output_head == "6\n"
        assert len(j._builds) == 1
        j.run(SOURCES[language]["sum"], "public", language)
        assert len(j._builds) == 1  # the same solution is not compiled again
    layers = report.isolation
    assert layers.rlimits


def test_wa(language: Language) -> None:
    report = run(stdio_problem(), language, "sum_plus_one")
    assert [t.verdict for t in report.tests] == [Verdict.WA, Verdict.WA]
    assert "'6'" in report.tests[0].message and "'7'" in report.tests[0].message


def test_tle_on_cpu(language: Language) -> None:
    report = run(stdio_problem(time_s=0.3), language, "spin", "public")
    assert report.verdict is Verdict.TLE
    assert 0.25 < report.tests[0].cpu_s < 2.0


def test_tle_by_the_wall_guard(language: Language) -> None:
    report = run(stdio_problem(time_s=0.2), language, "sleep", "public")
    assert report.verdict is Verdict.TLE and "wall" in report.tests[0].message
    assert report.tests[0].cpu_s < 0.2


def test_mle(language: Language) -> None:
    report = run(stdio_problem(memory_mb=64), language, "alloc", "public")
    assert report.verdict is Verdict.MLE, report.tests[0].message


def test_re_names_the_signal_or_exit_code(language: Language) -> None:
    if language is Language.JAVA:  # no segfault in Java: an uncaught exception, named
        report = run(stdio_problem(), language, "throw", "public")
        message = report.tests[0].message
        assert report.verdict is Verdict.RE and "exit code 1" in message
        assert "java.lang.ArrayIndexOutOfBoundsException" in message, message
    else:
        report = run(stdio_problem(), language, "segfault", "public")
        assert report.verdict is Verdict.RE and "SIGSEGV" in report.tests[0].message
    report = run(stdio_problem(), language, "exit3", "public")
    assert report.verdict is Verdict.RE and report.tests[0].exit_code == 3
    assert "exit code 3" in report.tests[0].message


def test_ce_shows_the_compilers_first_lines(language: Language) -> None:
    report = run(stdio_problem(), language, "syntax")
    assert report.verdict is Verdict.CE and report.compile_error is not None
    assert report.compile_error.line == 1 and "error" in report.compile_error.message
    assert {t.verdict for t in report.tests} == {Verdict.SKIPPED}


def test_ole(language: Language) -> None:
    report = run(stdio_problem(output_kb=16), language, "flood", "public")
    assert report.verdict is Verdict.OLE


def test_function_problems_stay_python(language: Language) -> None:
    with Judge(function_problem()) as j, pytest.raises(UnsupportedLanguage, match="Python"):
        j.run(SOURCES[language]["sum"], "all", language)


@pytest.fixture
def java() -> Language:
    return toolchain(Language.JAVA)


def test_java_runs_public_class_main_only(java: Language) -> None:
    named = "public class Solution { public static void main(String[] a) {} }\n"
    report = run_code(stdio_problem(), java, named)
    assert report.verdict is Verdict.CE and report.compile_error is not None
    assert "must be named Main" in report.compile_error.message
    hidden = "class Solution { public static void main(String[] a) {} }\n"
    report = run_code(stdio_problem(), java, hidden)
    assert report.verdict is Verdict.CE and report.compile_error is not None
    assert "no class Main" in report.compile_error.message


def test_java_inner_classes_travel_with_main(java: Language) -> None:
    code = (
        "import java.util.*;\npublic class Main {\n  record P(long v) {}\n"
        "  public static void main(String[] a) {\n    var sc = new Scanner(System.in);"
        " List<P> ps = new ArrayList<>();\n    while (sc.hasNextLong()) ps.add(new P(sc.nextLong()));\n"
        "    Comparator<P> c = new Comparator<>() { public int compare(P x, P y) "
        "{ return Long.compare(x.v(), y.v()); } };\n    ps.sort(c);\n"
        "    System.out.println(ps.stream().mapToLong(P::v).sum());\n  }\n}\n"
    )
    report = run_code(stdio_problem(), java, code)
    assert report.verdict is Verdict.AC, report.tests[0].message


def test_java_deep_recursion_and_threads(java: Language) -> None:
    code = (
        "public class Main {\n  static long depth(long n) { return n == 0 ? 0 : 1 + depth(n - 1); }\n"
        "  public static void main(String[] a) throws Exception {\n"
        "    long[] r = new long[1];\n    Thread t = new Thread(() -> r[0] = depth(200_000));\n"
        "    t.start(); t.join();\n    var sc = new java.util.Scanner(System.in); long s = 0;\n"
        "    while (sc.hasNextLong()) s += sc.nextLong();\n"
        "    System.out.println(s + depth(200_000) - r[0]);\n  }\n}\n"
    )
    report = run_code(stdio_problem(), java, code)
    assert report.verdict is Verdict.AC, report.tests[0].message


def test_java_stack_overflow_is_named(java: Language) -> None:
    code = "public class Main { static int f(int n) { return f(n + 1) + 1; }\n" + (
        "  public static void main(String[] a) { System.out.println(f(0)); } }\n"
    )
    # 64 MB of frames, and the JIT's unwinding of them takes some 300 MB of native memory
    report = run_code(stdio_problem(time_s=10.0, memory_mb=1024), java, code, "public")
    assert report.verdict is Verdict.RE and "StackOverflowError" in report.tests[0].message


def run_code(problem: Problem, language: Language, code: str, which: str = "all") -> JudgeReport:
    with Judge(problem, jobs=2) as j:
        return j.run(code, which, language)

"""Problems built in code for the judge's tests (no files, no starter set needed)."""

from __future__ import annotations

from orps_tui.problems.model import (
    Checker,
    CheckerType,
    FunctionSpec,
    Limits,
    Problem,
    ProblemKind,
    Source,
    Statement,
    TestCase,
)

SOURCE = Source(dataset="orps-tui tests", license="MIT")


def stdio_problem(
    tests: list[tuple[str, str, str, bool]] | None = None,
    *,
    time_s: float = 1.0,
    memory_mb: int = 128,
    output_kb: int = 64,
    checker: Checker | None = None,
) -> Problem:
    """Sum of the integers on standard input; tests are (name, input, output, public)."""
    tests = tests or [
        ("sample", "1 2 3\n", "6\n", True),
        ("hidden", "10 20\n", "30\n", False),
    ]
    return Problem(
        id="sum",
        title="Sum",
        kind=ProblemKind.STDIO,
        source=SOURCE,
        statement=Statement(text="Print the sum of the integers."),
        limits=Limits(time_s=time_s, memory_mb=memory_mb, output_kb=output_kb),
        tests=tuple(TestCase(name=n, public=p, input=i, output=o) for n, i, o, p in tests),
        checker=checker or Checker(),
    )


def function_problem(
    tests: list[tuple[str, str, bool]] | None = None,
    *,
    setup: str = "",
    time_s: float = 1.0,
    memory_mb: int = 128,
    call_expected: dict[str, tuple[str, str]] | None = None,
) -> Problem:
    """`add(a, b)`; tests are (name, assertion code, public)."""
    tests = tests or [
        ("t1", "assert add(1, 2) == 3", True),
        ("t2", "assert add(-1, 1) == 0", False),
    ]
    call_expected = call_expected or {}
    return Problem(
        id="add",
        title="Add",
        kind=ProblemKind.FUNCTION,
        source=SOURCE,
        statement=Statement(text="Return a + b."),
        limits=Limits(time_s=time_s, memory_mb=memory_mb, output_kb=64),
        tests=tuple(
            TestCase(
                name=n,
                public=p,
                code=c,
                call=call_expected.get(n, (None, None))[0],
                expected=call_expected.get(n, (None, None))[1],
            )
            for n, c, p in tests
        ),
        function=FunctionSpec(name="add", signature="def add(a: int, b: int) -> int:", setup=setup),
        checker=Checker(type=CheckerType.ASSERT),
    )

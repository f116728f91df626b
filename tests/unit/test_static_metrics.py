"""Static metrics: every expected value below was counted by hand from the rules in
docs/profiler.md (the comment on each line says which increment it adds)."""

from __future__ import annotations

import textwrap
import threading

import pytest

from orps_tui.sandbox import static_metrics
from orps_tui.sandbox.report import FunctionMetrics, SyntaxIssue
from orps_tui.sandbox.static_metrics import analyze, check_syntax


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_empty_code() -> None:
    m = analyze("")
    assert (m.loc, m.ast_nodes, m.cyclomatic, m.cognitive) == (0, 0, 1, 0)
    assert m.functions == [] and m.syntax_errors == []


def test_only_comments_and_blank_lines() -> None:
    m = analyze("# a comment\n\n    # an indented one\n\n")
    assert (m.loc, m.ast_nodes, m.cyclomatic, m.cognitive) == (0, 0, 1, 0)
    assert m.syntax_errors == []


def test_straight_line_code_counts_named_nodes() -> None:
    code = src(
        """
        import sys
        x = int(sys.stdin.readline())  # trailing comments do not matter
        print(x * 2)
        """
    )
    m = analyze(code)
    # import_statement dotted_name identifier                                           = 3
    # expression_statement assignment x call int argument_list call attribute attribute
    #   sys stdin readline argument_list                                                = 13
    # expression_statement call print argument_list binary_operator x integer          = 7
    assert m.ast_nodes == 23
    assert (m.loc, m.cyclomatic, m.cognitive) == (3, 1, 0)


def test_nested_loops_pay_nesting() -> None:
    code = src(
        '''
        def count_pairs(xs, k):
            """Pairs summing to k."""
            n = 0
            for i in range(len(xs)):  # cyc +1, cog +1
                for j in range(i + 1, len(xs)):  # cyc +1, cog +2 (nesting 1)

                    # a comment line inside
                    if xs[i] + xs[j] == k and i != j:  # cyc +2, cog +3 (nesting 2) +1 (and)
                        n += 1
            return n
        '''
    )
    m = analyze(code)
    assert m.cyclomatic == 5
    assert m.cognitive == 7
    assert m.loc == 8  # the docstring is code; the blank and the comment-only line are not
    assert m.functions == [
        FunctionMetrics(name="count_pairs", line=1, cyclomatic=5, cognitive=7, loc=8)
    ]


def test_if_elif_else_ternary_and_mixed_boolean_operators() -> None:
    code = src(
        """
        def grade(s):
            if s >= 90:  # cyc +1, cog +1
                return "A"
            elif s >= 80 or s == -1 and True:  # cyc +1 +2, cog +1 (elif) +1 (or) +1 (and)
                return "B"
            else:  # cog +1
                return "C" if s > 50 else "F"  # cyc +1, cog +2 (nesting 1)
        """
    )
    m = analyze(code)
    assert (m.cyclomatic, m.cognitive) == (6, 7)
    assert m.functions[0].cyclomatic == 6 and m.functions[0].cognitive == 7


def test_boolean_sequence_of_one_operator_counts_once() -> None:
    m = analyze("ok = a and b and c and d\n")
    assert m.cyclomatic == 4  # one per operator
    assert m.cognitive == 1  # one sequence


def test_classes_decorators_nested_functions_lambdas_and_recursion() -> None:
    code = src(
        """
        import functools

        class Solver:
            @functools.lru_cache(maxsize=None)
            def fib(self, n):
                if n < 2:  # cyc +1, cog +1
                    return n
                return self.fib(n - 1) + self.fib(n - 2)  # cog +1 (recursion, once)

        def outer(xs):
            def inner(x):
                if x:  # inner: cyc +1, cog +1; outer: cog +2 (nesting 1 inside inner)
                    return 1
                return 0
            key = lambda v: v if v > 0 else -v  # outer: cyc +1, cog +2 (lambda nests)
            return sorted(map(inner, xs), key=key)
        """
    )
    m = analyze(code)
    assert m.functions == [
        FunctionMetrics(name="Solver.fib", line=5, cyclomatic=2, cognitive=2, loc=4),
        FunctionMetrics(name="outer", line=10, cyclomatic=2, cognitive=4, loc=7),
        FunctionMetrics(name="outer.inner", line=11, cyclomatic=2, cognitive=1, loc=4),
    ]
    assert m.cyclomatic == 4  # 1 + fib's if + inner's if + the lambda's ternary
    assert m.cognitive == 6  # fib 2 + outer 4 (outer already holds inner)
    assert m.loc == 14


def test_comprehensions() -> None:
    code = src(
        """
        def f(grid):
            return [[c for c in row if c > 0 and c < 9] for row in grid if row]
        """
    )
    m = analyze(code)
    # cyc: outer for, outer if, inner for, inner if, and
    assert m.cyclomatic == 6
    # cog: outer for +1, outer if +1, inner for +2 (the element is one level deeper),
    #      inner if +1, and +1
    assert m.cognitive == 6


def test_match_statement_default_case_is_free() -> None:
    code = src(
        """
        def kind(cmd):
            match cmd:  # cog +1
                case "go" | "run":  # cyc +1
                    return 1
                case [x, y] if x > y:  # cyc +1 (case) +1 (guard)
                    return 2
                case _:  # the default: nothing
                    return 0
        """
    )
    m = analyze(code)
    assert (m.cyclomatic, m.cognitive) == (4, 1)


def test_async_with_while_else_and_try_except() -> None:
    code = src(
        """
        async def fetch(q):
            async with q.lock:  # with: nothing, no nesting
                while q:  # cyc +1, cog +1
                    try:
                        item = await q.get()
                    except (ValueError, KeyError):  # cyc +1, cog +2 (nesting 1)
                        continue
                    except Exception:  # cyc +1, cog +2
                        break
                else:  # cog +1
                    return None
            async for x in q:  # cyc +1, cog +1
                pass
        """
    )
    m = analyze(code)
    assert (m.cyclomatic, m.cognitive) == (5, 7)
    assert m.functions[0].name == "fetch"
    assert m.syntax_errors == []


def test_module_level_code_counts_for_the_module_only() -> None:
    code = src(
        """
        def f(x):
            return x if x else 0  # f: cyc +1, cog +1

        for i in range(3):  # module: cyc +1, cog +1
            if i:  # module: cyc +1, cog +2
                print(f(i))
        """
    )
    m = analyze(code)
    assert m.functions == [FunctionMetrics(name="f", line=1, cyclomatic=2, cognitive=1, loc=2)]
    assert (m.cyclomatic, m.cognitive) == (4, 4)


def test_f_string_interpolations_are_walked() -> None:
    m = analyze('print(f"{a if b else c} {x and y}")\n')
    assert (m.cyclomatic, m.cognitive) == (3, 2)  # ternary +1/+1, and +1/+1


def test_comment_lookalike_inside_a_multiline_string_is_code() -> None:
    code = 'TEXT = """\n# not a comment\n"""\n# a comment\n'
    assert analyze(code).loc == 3


# --- syntax errors -----------------------------------------------------------------------------
def test_missing_colon() -> None:
    assert check_syntax("def f(x)\n    return x\n") == [
        SyntaxIssue(line=1, column=9, message="expected ':'")
    ]


def test_unclosed_parenthesis() -> None:
    assert check_syntax("x = 1\ny = (2,\n") == [
        SyntaxIssue(line=2, column=5, message="'(' was never closed")
    ]


def test_columns_count_characters_not_bytes() -> None:
    (issue,) = check_syntax('s = "éé" + )\n')
    assert (issue.line, issue.column) == (1, 12)


@pytest.mark.parametrize(
    ("code", "line", "column", "message"),
    [
        ("for i in range(3):\n    pass\nbreak\n", 3, 1, "'break' outside loop"),
        ("return 5\n", 1, 1, "'return' outside function"),
        ("def f(a, a):\n    pass\n", 1, 10, "duplicate argument 'a' in function definition"),
    ],
)
def test_compiler_stage_errors_that_tree_sitter_accepts(
    code: str, line: int, column: int, message: str
) -> None:
    assert check_syntax(code) == [SyntaxIssue(line=line, column=column, message=message)]


def test_indentation_errors() -> None:
    assert check_syntax("x = 1\nif x:\npass\n")[0].line == 3
    assert check_syntax("def f():\n    x = 1\n      y = 2\n")[0].message == "unexpected indent"


def test_cpython_first_then_tree_sitter_errors_on_later_lines() -> None:
    issues = check_syntax("f(**)\nz = [1, 2\n")
    assert issues[0] == SyntaxIssue(line=1, column=5, message="invalid syntax")
    assert issues[1].line == 2 and issues[1].column == 1
    assert "z = [1, 2" in issues[1].message


def test_tree_sitter_missing_token_message() -> None:
    issues = check_syntax("x = (1\ny = 2\ndef g(:\n    pass\n")
    assert issues[0].line == 1  # CPython's
    assert SyntaxIssue(line=3, column=7, message="missing `)`") in issues


def test_valid_code_wins_over_tree_sitter_errors() -> None:
    """Grammar lag: an error only tree-sitter sees is dropped (CPython runs the code)."""
    code = "x = 1\n"
    assert static_metrics._syntax_errors(code, code.encode(), [(0, 0, "unexpected `x`")]) == []


def test_python_312_syntax_is_an_error_on_311() -> None:
    (issue,) = check_syntax("type X = int\n")
    assert issue.line == 1


def test_syntax_warnings_do_not_become_errors() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_syntax("x = 1\nprint(x is 1)\n") == []


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("a\x00b\n", "null bytes"),
        ("\ud800\n", "lone surrogate"),
        ("(" * 300 + "\n", "too many nested parentheses"),
    ],
)
def test_hostile_strings_give_an_issue_not_an_exception(code: str, message: str) -> None:
    issues = check_syntax(code)
    assert issues and message in issues[0].message


def test_metrics_still_computed_for_code_with_errors() -> None:
    m = analyze("def f(x):\n    if x:\n        return 1\n    return 0\n\nx = = 2\n")
    assert m.syntax_errors[0].line == 6
    assert m.functions and m.functions[0].name == "f"
    assert m.cyclomatic == 2


def test_deep_nesting_does_not_recurse() -> None:
    m = analyze("x = " + "[" * 180 + "]" * 180 + "\n")
    assert m.syntax_errors == []
    assert m.ast_nodes == 183  # expression_statement, assignment, x, 180 lists
    m = analyze("x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert "too many nested parentheses" in m.syntax_errors[0].message
    assert m.ast_nodes > 5000


def test_thread_safe() -> None:
    code = src(
        """
        def f(n):
            return sum(i for i in range(n) if i % 2 or i % 3)
        """
    )
    expected = analyze(code)
    results: list[object] = []

    def work() -> None:
        for _ in range(50):
            results.append(analyze(code))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 200 and all(r == expected for r in results)

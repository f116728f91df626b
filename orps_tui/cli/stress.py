"""`orps stress`: stress-test a solution against a brute force with a generator."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from orps_tui.cli import CliError
from orps_tui.cli.arg_types import whole_number

if TYPE_CHECKING:
    from orps_tui.practice.stress import Progress, StressResult
    from orps_tui.problems.model import Problem

HELP = "stress-test a solution against a brute force with a generator"
EPILOG = """\
The generator is run in the sandbox as `GEN SEED` and prints one input (for function
problems: a Python literal tuple of arguments). Each program's language is its file's
extension: .py, .cpp, .rs, .java (function problems: the solution and brute force in Python). Exit status: 0 all inputs agreed,
1 a difference (or a crash or time-out of the solution) was found, 2 usage error,
3 the generator or the brute force failed (not a bug in the solution)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stress", help=HELP, description=HELP, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("problem", metavar="PROBLEM",
                        help="problem file or folder, or a starter-set id")
    parser.add_argument("solution", metavar="SOLUTION", help="the solution under test")
    parser.add_argument("--gen", metavar="GEN", required=True,
                        help="input generator: gets a seed as its first argument")
    parser.add_argument("--brute", metavar="BRUTE",
                        help="a slow but correct solution (default: the problem's [reference])")
    parser.add_argument("--n", type=whole_number(1), default=500, metavar="N",
                        help="inputs to try (default 500)")
    parser.add_argument("--seed", type=int, default=None, metavar="S",
                        help="first generator seed (default: random); input i uses S+i")
    parser.add_argument("--save", action="store_true",
                        help="save a failing input as a custom test of the problem")
    parser.add_argument("--no-warm", action="store_true",
                        help="a fresh interpreter per run instead of the warm fork server")
    parser.set_defaults(func=run)


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{what} {path}: no such file") from None
    except UnicodeDecodeError:
        raise CliError(f"{what} {path}: not UTF-8 text; is it a source file?") from None
    except OSError as exc:
        raise CliError(f"{what} {path}: cannot read: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    from orps_tui.cli.judge import _load_problem
    from orps_tui.practice.stress import StressRunner, StressSetupError
    from orps_tui.sandbox.languages import Language, UnsupportedLanguage, language_for_path

    problem = _load_problem(args.problem)
    solution = _read(args.solution, "solution")
    generator = _read(args.gen, "--gen")
    brute = _read(args.brute, "--brute") if args.brute else None
    languages: dict[str, Language] = {}
    try:
        for role, path in (("solution", args.solution), ("generator", args.gen),
                           ("brute", args.brute)):
            if path:
                languages[role] = language_for_path(path)
    except UnsupportedLanguage as exc:
        raise CliError(str(exc)) from None
    tty = sys.stderr.isatty()
    try:
        runner = StressRunner(problem, solution, generator, brute, n=args.n, seed=args.seed,
                              warm=not args.no_warm, progress=_progress_line if tty else None,
                              languages=languages)
    except StressSetupError as exc:
        raise CliError(str(exc)) from None
    print(f"stress {problem.id}: {args.n} inputs from seed {runner.seed}", file=sys.stderr)
    try:
        result = runner.run()
    except KeyboardInterrupt:
        runner.cancel()
        if tty:
            print(file=sys.stderr)
        print("stress: interrupted", file=sys.stderr)
        return 130
    if tty:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    _print_result(result)
    if args.save and result.input and result.status.value == "found":
        _save(problem, result)
    elif result.status.value == "found":
        print(f"(run again with --seed {result.seed} --n 1 to reproduce; --save keeps it as a "
              "custom test)", file=sys.stderr)
    return result.exit_code


def _progress_line(p: Progress) -> None:
    print(f"\r\033[K{p.done}/{p.total} inputs agree  ({p.per_s:.1f}/s)", end="",
          file=sys.stderr, flush=True)


def _block(title: str, text: str) -> str:
    if not text:
        text = "(nothing)"
    return f"--- {title} ---\n{text if text.endswith(chr(10)) else text + chr(10)}"


def _print_result(result: StressResult) -> None:
    from orps_tui.practice.stress import StressStatus

    rate = f"{result.iterations} inputs in {result.elapsed_s:.1f} s ({result.per_s:.1f}/s)"
    if result.status is StressStatus.AGREED:
        print(f"OK: {result.message}; {rate}")
        return
    if result.status is StressStatus.FOUND:
        print(f"FOUND a difference on input #{result.iterations} (seed {result.seed}): "
              f"{result.message}")
        print(_block("input", result.input) + _block("solution output", result.solution_output)
              + _block("brute force output", result.brute_output), end="")
        print(rate, file=sys.stderr)
        return
    print(f"{result.status.value.upper()}: {result.message}")
    if result.input:
        print(_block("input", result.input), end="")
    if result.status is StressStatus.BRUTE_FAILED and result.brute_output:
        print(_block("brute force output", result.brute_output), end="")
    broken = "generator" if result.status is StressStatus.GENERATOR_FAILED else "brute force"
    print(f"(not a bug in the solution: fix the {broken})", file=sys.stderr)


def _save(problem: Problem, result: StressResult) -> None:
    from orps_tui.practice.custom_tests import CustomTestStore

    store = CustomTestStore(problem.id)
    test_input, expected = result.custom_test(problem)
    try:
        test = store.add(test_input, expected)
    except ValueError as exc:  # the store's file is damaged: the finding still stands
        print(f"not saved: {exc}", file=sys.stderr)
        return
    print(f"saved as custom test {test.name} in {store.path}")

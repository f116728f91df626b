"""The user's solution file for a problem: where it lives and what a new one holds.

Default: `<data dir>/practice/<problem id>/solution.py` (`solution.cpp`, `.rs`, `.java` in
another language), created from a template the first time (the function's signature for
function problems, a stdin-reading skeleton for stdio). The file's extension is its
language (sandbox/languages.py).
"""

from __future__ import annotations

from pathlib import Path

from orps_tui import locations
from orps_tui.problems.model import Problem, ProblemKind
from orps_tui.sandbox.languages import Language, check_language, language_for_path

STDIO_TEMPLATE = '''import sys


def main() -> None:
    data = sys.stdin.read().split()
    # data holds every whitespace-separated token of the input
    n = int(data[0])
    print(n)


main()
'''


CPP_TEMPLATE = """#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    long long n;
    cin >> n;
    cout << n << "\\n";
}
"""

RUST_TEMPLATE = """use std::io::{self, Read};

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let mut tokens = input.split_whitespace();
    let n: i64 = tokens.next().unwrap().parse().unwrap();
    println!("{}", n);
}
"""

JAVA_TEMPLATE = """import java.io.*;
import java.util.*;

// The judge runs `public class Main` (docs/judge.md, Languages).
public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer tokens = new StringTokenizer(in.readLine());
        long n = Long.parseLong(tokens.nextToken());
        System.out.println(n);
    }
}
"""

STDIO_TEMPLATES = {
    Language.CPP: CPP_TEMPLATE,
    Language.RUST: RUST_TEMPLATE,
    Language.JAVA: JAVA_TEMPLATE,
}


def practice_dir(problem_id: str) -> Path:
    return locations.data_dir() / "practice" / problem_id


def solution_path(problem_id: str, language: Language = Language.PYTHON) -> Path:
    return practice_dir(problem_id) / ("solution" + language.spec.extensions[0])


def solution_language(path: Path) -> Language:
    """The language of a practice file (its extension); UnsupportedLanguage otherwise."""
    return language_for_path(path)


def last_solution(problem_id: str) -> Path:
    """The practice file last written among solution.py/.cpp/.rs/.java (solution.py if none)."""
    found = [p for p in (solution_path(problem_id, lang) for lang in Language) if p.exists()]
    if not found:
        return solution_path(problem_id)
    return max(found, key=lambda p: p.stat().st_mtime)


def template(problem: Problem, language: Language = Language.PYTHON) -> str:
    if language is not Language.PYTHON:
        return STDIO_TEMPLATES[language]
    if problem.kind is ProblemKind.FUNCTION and problem.function is not None:
        fn = problem.function
        setup = fn.setup.strip()
        head = f"{setup}\n\n\n" if setup else ""
        signature = fn.signature.strip()
        if not signature.endswith(":"):
            signature += ":"
        return f"{head}{signature}\n    raise NotImplementedError\n"
    return STDIO_TEMPLATE


def ensure_solution(
    problem: Problem, path: Path | None = None, language: Language | None = None
) -> Path:
    """The solution file, created from the template if it does not exist yet; its
    language is `language`, else `path`'s extension, else Python."""
    if path is None:
        path = solution_path(problem.id, language) if language else last_solution(problem.id)
    if language is None:
        language = solution_language(path)
    check_language(problem, language)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template(problem, language), encoding="utf-8")
    return path

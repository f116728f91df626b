"""`orps stress` with programs in compiled languages (real compilers, real sandbox)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orps_tui.cli import main
from orps_tui.practice.stress import StressRunner, StressStatus
from orps_tui.sandbox.languages import Language
from tests.integration.test_judge_cli import PROBLEM
from tests.support.native_solutions import SOURCES, toolchain
from tests.support.sandbox_problems import stdio_problem

CPP_GEN = (
    "#include <cstdio>\n#include <cstdlib>\n"
    "int main(int argc,char**argv){unsigned s=atoi(argv[1]);s=s*1103515245u+12345u;"
    'printf("%u %u\\n",(s>>16)%6,(s>>8)%6);}\n'
)
CPP_PLANTED = (
    "#include <iostream>\nint main(){long long s=0,x;while(std::cin>>x)s+=x;"
    'std::cout<<(s==7?8:s)<<"\\n";}\n'
)
PY_BRUTE = "print(sum(map(int, open(0).read().split())))\n"


@pytest.fixture
def cpp() -> Language:
    return toolchain(Language.CPP)


def test_cpp_solution_and_generator_agree_with_a_python_brute(cpp: Language) -> None:
    runner = StressRunner(
        stdio_problem(),
        SOURCES[cpp]["sum"],
        CPP_GEN,
        PY_BRUTE,
        n=12,
        seed=1,
        languages={"solution": cpp, "generator": cpp},
    )
    result = runner.run()
    assert result.status is StressStatus.AGREED, result.message
    assert result.iterations == 12


def test_a_planted_cpp_bug_is_found(cpp: Language) -> None:
    result = StressRunner(
        stdio_problem(),
        CPP_PLANTED,
        CPP_GEN,
        SOURCES[cpp]["sum"],
        n=200,
        seed=1,
        languages={"solution": cpp, "generator": cpp, "brute": cpp},
    ).run()
    assert result.status is StressStatus.FOUND and result.verdict is not None
    assert sum(map(int, result.input.split())) == 7
    assert result.solution_output.strip() == "8" and result.brute_output.strip() == "7"


def test_a_brute_that_does_not_compile_is_not_a_bug(cpp: Language) -> None:
    result = StressRunner(
        stdio_problem(),
        PY_BRUTE,
        CPP_GEN,
        SOURCES[cpp]["syntax"],
        n=3,
        seed=1,
        languages={"generator": cpp, "brute": cpp},
    ).run()
    assert result.status is StressStatus.BRUTE_FAILED and "does not compile" in result.message


def test_the_cli_takes_each_programs_language_from_its_extension(
    cpp: Language, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = tmp_path / "sum.toml"
    problem.write_text(PROBLEM, encoding="utf-8")
    files = {"sol.cpp": CPP_PLANTED, "gen.cpp": CPP_GEN, "brute.py": PY_BRUTE}
    for name, code in files.items():
        (tmp_path / name).write_text(code, encoding="utf-8")
    code = main(
        [
            "stress",
            str(problem),
            str(tmp_path / "sol.cpp"),
            "--gen",
            str(tmp_path / "gen.cpp"),
            "--brute",
            str(tmp_path / "brute.py"),
            "--n",
            "200",
            "--seed",
            "1",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1 and "FOUND a difference" in out


JAVA_GEN = (
    "public class Main { public static void main(String[] a) {"
    " long s = Long.parseLong(a[0]) * 1103515245L + 12345L;"
    ' System.out.println(((s >> 16) % 6) + " " + ((s >> 8) % 6)); } }\n'
)


def test_java_solution_and_generator_agree_with_a_python_brute() -> None:
    java = toolchain(Language.JAVA)
    result = StressRunner(
        stdio_problem(),
        SOURCES[java]["sum"],
        JAVA_GEN,
        PY_BRUTE,
        n=5,
        seed=1,
        languages={"solution": java, "generator": java},
    ).run()
    assert result.status is StressStatus.AGREED, result.message
    assert result.iterations == 5

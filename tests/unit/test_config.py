"""Settings: loading, the errors a bad file gets, and docs/config.example.toml kept in step."""

from __future__ import annotations

import ast
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from orps_tui import config
from orps_tui.config import ConfigError, Settings, load_settings

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "config.example.toml"


def _field_docs() -> dict[tuple[str, str], str]:
    """(section, key) -> the docstring under that field in config.py, whitespace folded."""
    tree = ast.parse((REPO / "orps_tui" / "config.py").read_text(encoding="utf-8"))
    classes = {type(getattr(Settings(), f.name)).__name__: f.name for f in fields(Settings)}
    docs = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or node.name not in classes:
            continue
        for stmt, after in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[(classes[node.name], stmt.target.id)] = " ".join(after.value.value.split())
    return docs


def _example_comments() -> dict[tuple[str, str], str]:
    """(section, key) -> the comment lines right above that key in the example file."""
    out: dict[tuple[str, str], str] = {}
    section, comment = "", []
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section, comment = stripped.strip("[]"), []
        elif stripped.startswith("#"):
            comment.append(stripped.lstrip("# "))
        elif "=" in stripped and section:
            out[(section, stripped.split("=")[0].strip())] = " ".join(comment)
            comment = []
        else:
            comment = []
    return out


def test_example_file_loads_to_the_defaults() -> None:
    assert load_settings(EXAMPLE) == Settings(path=EXAMPLE)


def test_example_file_lists_every_setting_with_its_docstring() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    defaults = Settings()
    for section in (f.name for f in fields(Settings) if f.name != "path"):
        expected = {f.name for f in fields(getattr(defaults, section))}
        assert set(data.get(section, {})) == expected, f"[{section}] in {EXAMPLE.name}"
    docs, comments = _field_docs(), _example_comments()
    for section, key in (
        (s, f.name)
        for s in (f.name for f in fields(Settings) if f.name != "path")
        for f in fields(getattr(defaults, s))
    ):
        assert (section, key) in docs, f"{section}.{key} has no docstring in config.py"
        assert comments.get((section, key)) == docs[(section, key)], f"{section}.{key}"


def test_absent_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml").search == Settings().search


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[model]\ndefualt = "x"\n', "unknown setting `model.defualt`"),
        (b'[search]\nsamples = "3"\n', "`search.samples` must be int, got str '3'"),
        (b"[search\n", "Expected ']'"),
        (b"search = 3\n", "`search` must be a table"),
        (b"[search]\nsamples = 0\n", "`search.samples` must be at least 1, got 0"),
        (b"[search]\nbeam = 100000\n", "`search.beam` must be at most 1000"),
        (b'[search]\nranking = "best"\n', "`search.ranking` must be one of lexicographic"),
        (b'[search]\nmethod = "mcts"\n', "`search.method` must be one of orps, sampling"),
        (b"[search]\nast_scale = nan\n", "`search.ast_scale` must be a finite number"),
        (b"[model]\ntimeout_s = -5\n", "`model.timeout_s` must be greater than 0"),
        (b"[judge]\njobs = -3\n", "`judge.jobs` must be at least 0"),
        (b"\x7fELF\x02\x01\x01\x00\xd0\xff", "not UTF-8 text"),
    ],
)
def test_bad_file_is_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    text = str(err.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read: Is a directory"):
        load_settings(tmp_path)


def test_ints_are_accepted_for_floats_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[model]\ntimeout_s = 20\ndefault = "embedded"\n', encoding="utf-8")
    monkeypatch.setenv("OLLAMA_HOST", "10.0.0.2:11434")
    monkeypatch.setenv("ORPS_MODEL", "ollama:x")
    settings = load_settings(path)
    assert settings.model.timeout_s == 20.0 and isinstance(settings.model.timeout_s, float)
    assert settings.model.ollama_host == "http://10.0.0.2:11434"
    assert settings.model.default == "ollama:x"


def test_every_bound_names_a_real_numeric_setting() -> None:
    defaults = Settings()
    for name, bounds in config.SETTING_BOUNDS.items():
        section, key = name.split(".")
        value = getattr(getattr(defaults, section), key)
        assert bounds.problem(value) is None, f"the default of {name} is out of its bounds"


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("127.0.0.1", "http://127.0.0.1:11434"),  # Ollama's default port, not HTTP's 80
        ("0.0.0.0:8080", "http://0.0.0.0:8080"),
        (":9999", "http://127.0.0.1:9999"),
        ("[::1]", "http://[::1]:11434"),
        ("https://gpu.example:443/", "https://gpu.example:443"),
        ("http://10.0.0.2", "http://10.0.0.2"),
    ],
)
def test_ollama_address_reads_ollama_host_as_ollama_does(value: str, address: str) -> None:
    assert config.ollama_address(value) == address


@pytest.mark.parametrize("value", ["host:abc", "http://[::1", "ftp://x", "http://"])
def test_a_malformed_ollama_host_is_one_clear_error(
    value: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", value)
    with pytest.raises(ConfigError, match=r"^OLLAMA_HOST=.*e\.g\. http://127\.0\.0\.1:11434$"):
        load_settings(tmp_path / "absent.toml")
    path = tmp_path / "config.toml"
    path.write_text(f'[model]\nollama_host = "{value}"\n', encoding="utf-8")
    monkeypatch.delenv("OLLAMA_HOST")
    with pytest.raises(ConfigError, match="`model.ollama_host`"):
        load_settings(path)


def test_the_method_setting_takes_exactly_the_search_methods() -> None:
    """config.py cannot import the search package (it imports config): its list of
    `search.method` values is checked against `SearchMethod` here."""
    from orps_tui.config import SETTING_CHOICES
    from orps_tui.search.search_config import SearchMethod

    assert SETTING_CHOICES["search.method"] == tuple(m.value for m in SearchMethod)

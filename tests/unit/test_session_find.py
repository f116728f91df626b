"""`session.find_sessions`: every session below a folder, loaded or with its error."""

from __future__ import annotations

from pathlib import Path

import pytest

from orps_tui.search.session import LoadedSession, SessionError, find_sessions
from tests.support.two_sessions import two_sessions


def test_sessions_at_any_depth_come_in_path_order_with_their_errors(tmp_path: Path) -> None:
    first, second = two_sessions()
    (tmp_path / "orps" / "seed1").mkdir(parents=True)
    first.rename(tmp_path / "orps" / "seed1" / first.name)
    second.rename(tmp_path / second.name)
    broken = tmp_path / "pool" / "seed1" / "broken"
    broken.mkdir(parents=True)
    (broken / "session.jsonl").write_text("not json\n")
    found = list(find_sessions(tmp_path))
    assert [d.relative_to(tmp_path).as_posix() for d, _ in found] == [
        second.name, f"orps/seed1/{first.name}", "pool/seed1/broken"]
    assert isinstance(found[0][1], LoadedSession) and isinstance(found[1][1], LoadedSession)
    assert isinstance(found[2][1], SessionError)


def test_a_session_file_that_cannot_be_read_is_an_error_that_names_it(tmp_path: Path) -> None:
    """Not a traceback: a `session.jsonl` that is a folder (as root, permissions do not
    stop a read) is an OSError on reading, reported as the session's error."""
    (tmp_path / "odd" / "session.jsonl").mkdir(parents=True)
    [(directory, error)] = list(find_sessions(tmp_path))
    assert directory == tmp_path / "odd" and isinstance(error, SessionError)
    assert str(error).startswith(f"{tmp_path / 'odd' / 'session.jsonl'}: cannot be read")


def test_a_fork_needs_a_round_that_settled(tmp_path: Path) -> None:
    from orps_tui.search.session import fork_session, load_session

    first, _ = two_sessions()  # one round (0), chosen and finished
    forked = load_session(fork_session(first, 0, tmp_path / "forks"))
    assert forked.resumable and forked.rounds == [] and len(forked.tree) == 2
    assert forked.header["forked_from"] == str(first) and forked.header["fork_round"] == 0
    assert forked.problem_file is not None and forked.problem_file.exists()
    with pytest.raises(SessionError, match="round 1 never settled"):
        fork_session(first, 1, tmp_path / "forks")

"""`session.find_sessions`: every session below a folder, loaded or with its error."""

from __future__ import annotations

from pathlib import Path

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

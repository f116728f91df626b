"""An HTTP listener for the Competitive Companion browser extension.

The extension POSTs one JSON problem per request to 127.0.0.1:<port> (10043 is one of the
ports it tries). Each payload becomes a `Problem` and goes to a callback (`save_to` makes
one that writes TOML files); the reply is 200, or 400 with a message for a bad payload.
Requests are handled one at a time on a background thread, so the callback needs no lock.
Used by `orps listen` and by the app's practice mode.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from orps_tui.problems.importers.common import ImportFailure
from orps_tui.problems.importers.companion import problem_from_payload
from orps_tui.problems.model import Problem
from orps_tui.problems.write import (
    DIR_PROBLEM_FILE,
    problem_document,
    problem_target,
    write_problem,
)

DEFAULT_PORT = 10043
MAX_BODY_BYTES = 16 * 1024 * 1024

ProblemCallback = Callable[[Problem], "Path | str | None"]
"""Receives each problem; what it returns (e.g. the file written) is echoed in the reply."""


class ListenerError(Exception):
    """The listener could not start (port in use, bad address)."""


class CompanionListener:
    def __init__(
        self,
        on_problem: ProblemCallback,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        on_error: Callable[[str], None] | None = None,
    ):
        self._on_problem = on_problem
        self._on_error = on_error
        self._host = host
        self._requested_port = port
        self._server: HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (useful with port=0, which picks a free one)."""
        if self._server is None:
            return self._requested_port
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}/"

    def start(self) -> None:
        if self._server is not None:
            return
        handler = _make_handler(self)
        try:
            self._server = HTTPServer((self._host, self._requested_port), handler)
        except OSError as exc:
            raise ListenerError(
                f"cannot listen on {self._host}:{self._requested_port}: {exc.strerror or exc}"
                + (" (another listener running? pass --port)" if exc.errno == 98 else "")
            ) from None
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # how soon stop() takes effect
            name="companion-listener",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> CompanionListener:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Called on the server thread, one request at a time.
    def _handle(self, body: bytes) -> tuple[HTTPStatus, str]:
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return self._reject(HTTPStatus.BAD_REQUEST, f"malformed JSON: {exc}")
        try:
            problem = problem_from_payload(payload, where="request")
        except ImportFailure as exc:
            return self._reject(HTTPStatus.BAD_REQUEST, str(exc))
        try:
            outcome = self._on_problem(problem)
        except Exception as exc:  # the server must keep running whatever the callback does
            return self._reject(
                HTTPStatus.INTERNAL_SERVER_ERROR, f"could not save {problem.id}: {exc}"
            )
        return HTTPStatus.OK, f"received {problem.title}" + (f": {outcome}" if outcome else "")

    def _reject(self, status: HTTPStatus, message: str) -> tuple[HTTPStatus, str]:
        if self._on_error is not None:
            self._on_error(message)
        return status, message


def _make_handler(listener: CompanionListener) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "orps-listen"

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY_BYTES:
                self._reply(HTTPStatus.BAD_REQUEST, "missing or too large Content-Length")
                return
            status, message = listener._handle(self.rfile.read(length))
            self._reply(status, message)

        def do_GET(self) -> None:  # noqa: N802
            self._reply(HTTPStatus.OK, "orps listener: POST Competitive Companion problems here")

        def _reply(self, status: HTTPStatus, message: str) -> None:
            data = (message + "\n").encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the callback reports what matters; no per-request noise on stderr

    return Handler


def save_to(out_dir: str | Path, on_saved: Callable[[Path], None] | None = None, *,
            force: bool = False) -> ProblemCallback:
    """A callback writing each problem to `out_dir/<id>.toml` (or `<id>/`). The rule
    `orps import` follows too: a saved problem is never overwritten without `force`. The
    same problem sent again is already saved (its file is reported, nothing is written);
    a different one under a taken id is refused with a message that says how to replace it."""
    folder = Path(out_dir)

    def save(problem: Problem) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        target = problem_target(problem, folder)
        if target.exists() and not force:
            if not _same_problem(problem, target):
                raise FileExistsError(f"{target} holds a different problem with this id; "
                                      "`orps listen --force` replaces it")
            path = target if target.suffix == ".toml" else target / DIR_PROBLEM_FILE
        else:
            path = write_problem(problem, target)
        if on_saved is not None:
            on_saved(path)
        return path

    return save


def _same_problem(problem: Problem, target: Path) -> bool:
    from orps_tui.problems.load import load_problem
    from orps_tui.problems.model import ProblemError

    try:
        saved = load_problem(target)
    except (ProblemError, OSError):
        return False
    return problem_document(saved) == problem_document(problem)

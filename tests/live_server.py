"""The real server in its own process on 127.0.0.1, for durability, multi-instance and load runs.

It is started exactly as an operator would start it (uvicorn, the ``survey_app.asgi`` app, the
settings in environment variables) and can be stopped politely or killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody on 127.0.0.1 is listening on just now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """``uvicorn survey_app.asgi:app`` on 127.0.0.1, with the given ``SURVEY_*`` environment."""

    def __init__(
        self,
        env: Mapping[str, str],
        port: int | None = None,
        workers: int = 1,
        *,
        access_log: bool = False,
        via_cli: bool = False,
    ) -> None:
        """``access_log`` keeps uvicorn's access log on; ``via_cli`` runs ``survey-app serve``."""
        self.env = dict(env)
        self.port = port or free_port()
        self.workers = workers
        self.access_log = access_log
        self.via_cli = via_cli
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(tempfile.mkstemp(prefix="lv-server-", suffix=".log")[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> LiveServer:
        """Start the server and wait until it answers its health check."""
        return self.launch().wait(timeout)

    def launch(self) -> LiveServer:
        """Start the server process without waiting for it (to start several at once)."""
        where = ["--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        command = (
            [sys.executable, "-c", "from survey_app.cli import main; main()", "serve", *where]
            if self.via_cli
            else [
                sys.executable,
                "-m",
                "uvicorn",
                "survey_app.asgi:app",
                *where,
                *([] if self.access_log else ["--no-access-log"]),
                "--no-server-header",
            ]
        )
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group, so SIGKILL reaches every worker at once.
                start_new_session=True,
            )
        return self

    def wait(self, timeout: float = 60) -> LiveServer:
        """Wait until the launched server answers its health check."""
        assert self.process is not None, "launch the server first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited at start:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server did not answer within {timeout} s:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL the server and all its workers: no shutdown, no flush, as a power cut."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop the server as an operator would (SIGTERM), killing it if it will not go."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        """What the server has printed, for failure messages."""
        return self.log.read_text(errors="replace")[-5000:]

# ruff: noqa: RUF001 - the description prints the multiplication sign on purpose
"""gunicorn serving the app under the production settings, on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def production_env(port: int, database: str) -> dict[str, str]:
    """Production settings as README documents them, for plain HTTP on loopback."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # wrk speaks plain HTTP on loopback: no TLS to redirect to, and cookies
        # flagged Secure would never be sent back.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "LOG_LEVEL": "WARNING",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn serving ``outsourcing.wsgi`` with ``bench.settings``."""

    def __init__(self, port: int, workers: int, threads: int, logdir: Path) -> None:
        self.port = port
        self.workers = workers
        self.threads = threads
        self.log = logdir / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def description(self) -> str:
        return (
            f"gunicorn {self.workers} gthread workers × {self.threads} threads, "
            "keep-alive 10 s, bound to 127.0.0.1"
        )

    def start(self) -> None:
        command = [
            str(VENV_BIN / "gunicorn"),
            "outsourcing.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            "--worker-class=gthread",
            f"--threads={self.threads}",
            f"--chdir={ROOT}",
            # Longer than the POST run's drain, so connections held idle then stay open.
            "--keep-alive=10",
            "--log-level=warning",
            f"--error-logfile={self.log}",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: gunicorn exited; see {self.log}")
            with contextlib.suppress(OSError):
                if self.get("/_bench/bare")[0] == 200:
                    return
            time.sleep(0.3)
        raise SystemExit("bench: gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def tracebacks(self) -> int:
        """How many request errors the server logged so far."""
        if not self.log.exists():
            return 0
        return self.log.read_text(errors="replace").count("Traceback")

    def get(self, path: str, cookie: str = "") -> tuple[int, list[tuple[str, str]], str]:
        """One GET over HTTP: status, headers, body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            return response.status, response.getheaders(), body
        finally:
            conn.close()

    def form_session(self, path: str, cookie: str) -> tuple[str, str]:
        """GET a form page with a session cookie: (cookie with the CSRF cookie, form token)."""
        status, headers, body = self.get(path, cookie)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}, expected a form")
        set_cookie = " ".join(v for k, v in headers if k.lower() == "set-cookie")
        csrf = re.search(r"csrftoken=([^;]+)", set_cookie)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not csrf or not token:
            raise RuntimeError(f"no CSRF cookie or form token on {path}")
        return f"{cookie}; csrftoken={csrf.group(1)}", token.group(1)

"""Load on loopback with wrk and ``bench/wrk.lua``: GET a page, or walk the questionnaire.

Every run is bounded in time and targets 127.0.0.1 only. The Lua script counts
each response by status in a ``response`` hook and prints one ``BENCH_JSON``
line, which :func:`run` turns into a :class:`Load`.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).with_name("wrk.lua")
LOOPBACK = "127.0.0.1"
SOCKET_ERRORS = ("connect", "read", "write", "timeout")


@dataclass(frozen=True)
class Posts:
    """Questionnaire POSTs: functions to walk (a file, one id a line), the option id of
    each step in order, and a CSRF form token matching the cookie sent."""

    targets: Path
    options: Sequence[int]
    token: str


@dataclass(frozen=True)
class Load:
    """What one or more wrk runs against one endpoint measured."""

    name: str
    requests: int  # responses counted (in POST mode: to POSTs only)
    seconds: float
    status: dict[str, int]  # "2xx", "3xx", "302", "4xx", "5xx", "other", "204"
    socket_errors: dict[str, int]
    latency_ms: dict[str, float]  # mean, p50, p90, p95, p99, max
    posts: bool = False
    issued: int = 0  # POST mode: POSTs sent
    exhausted: int = 0  # POST mode: requests past the end of the walk
    late: int = 0  # POST mode: connections reopened after the POST window

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def expected(self) -> int:
        """Responses of the expected kind: 200 for a page, 302 for an answer saved."""
        return self.status.get("302", 0) if self.posts else self.status.get("2xx", 0)

    @property
    def errors(self) -> int:
        """Every other response, plus socket errors and time-outs."""
        sockets = sum(self.socket_errors.get(kind, 0) for kind in SOCKET_ERRORS)
        return self.requests - self.expected + sockets

    @classmethod
    def combine(cls, name: str, loads: Sequence[Load]) -> Load:
        """Several runs of one endpoint as one: counts add up, latencies are medians."""
        first = loads[0]

        def total(key: str) -> dict[str, int]:
            out: dict[str, int] = {}
            for load in loads:
                for k, v in getattr(load, key).items():
                    out[k] = out.get(k, 0) + v
            return out

        return cls(
            name=name,
            requests=sum(x.requests for x in loads),
            seconds=sum(x.seconds for x in loads),
            status=total("status"),
            socket_errors=total("socket_errors"),
            latency_ms={
                k: statistics.median(x.latency_ms[k] for x in loads) for k in first.latency_ms
            },
            posts=first.posts,
            issued=sum(x.issued for x in loads),
            exhausted=sum(x.exhausted for x in loads),
            late=sum(x.late for x in loads),
        )


def ensure() -> str:
    """The wrk binary, installing Debian's package when it is missing (as root)."""
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: wrk is missing, installing Debian's package", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, timeout=300)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"], check=False, env=env, timeout=300
        )
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit("bench: wrk is not installed (Debian package `wrk`).")
    return found


def version(binary: str) -> str:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    lines = (out.stdout or out.stderr).splitlines()
    return lines[0].split(" Copyright")[0] if lines else "wrk"


def run(
    binary: str,
    name: str,
    *,
    port: int,
    path: str,
    seconds: float,
    threads: int,
    connections: int,
    cookie: str = "",
    posts: Posts | None = None,
    drain: float = 3.0,
) -> Load:
    """Drive ``http://127.0.0.1:port/path`` for ``seconds``.

    With ``posts``, each request answers the next (function, step) pair of the
    walk instead (``path`` only names the endpoint). POSTs are sent for
    ``seconds``, then connections idle ``drain`` seconds more so every POST in
    flight is answered and counted; the rate is over ``seconds``.
    """
    threads = max(1, min(threads, connections))
    env = {**os.environ, "BENCH_COOKIE": cookie, "BENCH_MODE": "post" if posts else "get"}
    run_for = seconds
    if posts:
        env |= {
            "BENCH_TARGETS": str(posts.targets),
            "BENCH_OPTIONS": ",".join(map(str, posts.options)),
            "BENCH_TOKEN": posts.token,
            "BENCH_WIDTH": str(max(1, connections // threads)),
            "BENCH_THREADS": str(threads),
            "BENCH_POST_UNTIL": f"{time.time() + seconds:.3f}",
        }
        run_for = seconds + drain
    command = [
        binary,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(run_for))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        f"http://{LOOPBACK}:{port}{path}",
    ]
    out = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=run_for + 60, check=False
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result for {name}:\n{out.stdout}\n{out.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    status: dict[str, int] = data["status"]
    return Load(
        name=name,
        # POST mode: the 204s of /_bench/idle are no POSTs and are not counted.
        requests=data["requests"] - (status["204"] if posts else 0),
        seconds=seconds if posts else data["duration_us"] / 1e6,
        status=status,
        socket_errors=data["errors"],
        latency_ms={k: v / 1000 for k, v in data["latency_us"].items()},
        posts=posts is not None,
        issued=data["issued"],
        exhausted=data["exhausted"],
        late=data["late"],
    )

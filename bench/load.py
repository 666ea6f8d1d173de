"""Load generation on loopback: wrk with bench/wrk/bench.lua, or a Python fallback.

Both return the same :class:`LoadResult`. Every run is bounded in time (the
duration) and only ever targets 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LUA = Path(__file__).resolve().parent / "wrk" / "bench.lua"
LOOPBACK = "127.0.0.1"


@dataclass
class LoadResult:
    name: str
    requests: int
    duration_s: float
    status: dict[str, int]
    socket_errors: dict[str, int]
    latency_ms: dict[str, float]
    exhausted: int = 0
    issued: int = 0
    late: int = 0
    tool: str = "wrk"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def errors(self) -> int:
        """Responses outside 2xx/3xx plus socket errors (connect, read, write, timeout)."""
        s = self.status
        sock = self.socket_errors
        return (
            s.get("4xx", 0)
            + s.get("5xx", 0)
            + s.get("other", 0)
            + sock.get("connect", 0)
            + sock.get("read", 0)
            + sock.get("write", 0)
            + sock.get("timeout", 0)
        )


def ensure_wrk() -> str | None:
    """The wrk binary, installing Debian's package when missing (as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: wrk is missing, installing Debian's package", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, timeout=300)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"], check=False, env=env, timeout=300
        )
    return shutil.which("wrk")


def wrk_version(binary: str | None) -> str:
    if not binary:
        return "not installed (Python fallback load generator)"
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].split(" Copyright")[0] if first else "wrk"


def run_load(
    name: str,
    *,
    port: int,
    path: str,
    duration: float,
    threads: int,
    connections: int,
    wrk: str | None,
    cookie: str = "",
    post: dict[str, str] | None = None,
    drain: float = 5.0,
) -> LoadResult:
    """Drive ``http://127.0.0.1:port/path`` for ``duration`` seconds.

    ``post`` switches to questionnaire POSTs (keys: targets file, options,
    token; see bench.lua). POSTs are sent for ``duration`` seconds, then the
    run waits ``drain`` seconds more, sending nothing, so every POST in flight
    is answered and counted; throughput is over the ``duration``.
    """
    if wrk:
        return _run_wrk(name, port, path, duration, threads, connections, wrk, cookie, post, drain)
    return asyncio.run(_run_python(name, port, path, duration, connections, cookie, post, threads))


def _run_wrk(
    name: str,
    port: int,
    path: str,
    duration: float,
    threads: int,
    connections: int,
    wrk: str,
    cookie: str,
    post: dict[str, str] | None,
    drain: float,
) -> LoadResult:
    env = {**os.environ, "BENCH_COOKIE": cookie, "BENCH_MODE": "post" if post else "get"}
    run_for = duration
    if post:
        env |= {
            "BENCH_TARGETS": post["targets"],
            "BENCH_OPTIONS": post["options"],
            "BENCH_TOKEN": post["token"],
            "BENCH_WIDTH": str(max(1, connections // threads)),
            "BENCH_THREADS": str(threads),
            "BENCH_POST_UNTIL": f"{time.time() + duration:.3f}",
        }
        run_for = duration + drain
    command = [
        wrk,
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
    lat = data["latency_us"]
    # POST mode: responses of /_bench/idle (204) are no POSTs and not counted.
    requests = data["requests"] - (data["status"]["204"] if post else 0)
    return LoadResult(
        name=name,
        requests=requests,
        duration_s=duration if post else data["duration_us"] / 1e6,
        status=data["status"],
        socket_errors=data["errors"],
        latency_ms={k: v / 1000 for k, v in lat.items()},
        exhausted=data["exhausted"],
        issued=data["issued"],
        late=data["late"],
        tool="wrk",
    )


# --- fallback: a small asyncio HTTP/1.1 client with keep-alive -------------------


def _percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


async def _run_python(
    name: str,
    port: int,
    path: str,
    duration: float,
    connections: int,
    cookie: str,
    post: dict[str, str] | None,
    threads: int,
) -> LoadResult:
    latencies: list[float] = []
    status = {"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, "other": 0, "302": 0, "204": 0}
    sock = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    deadline = time.monotonic() + duration
    pairs: list[tuple[str, str]] = []
    if post:
        targets = Path(post["targets"]).read_text().split()
        options = post["options"].split(",")
        width = max(1, connections // threads)
        # The same walk as bench.lua: blocks of `width` functions, step by step.
        for block in range(0, len(targets), width):
            chunk = targets[block : block + width]
            for step, option in enumerate(options, start=1):
                pairs.extend((f"/functions/{t}/steps/{step}/", option) for t in chunk)
    cursor = iter(pairs)
    exhausted = issued = 0

    def next_request() -> bytes:
        nonlocal exhausted, issued
        headers = f"Host: {LOOPBACK}:{port}\r\n"
        if cookie:
            headers += f"Cookie: {cookie}\r\n"
        if not post:
            return f"GET {path} HTTP/1.1\r\n{headers}\r\n".encode()
        pair = next(cursor, None)
        if pair is None:
            exhausted += 1
            return f"GET /_bench/idle HTTP/1.1\r\n{headers}\r\n".encode()
        target, option = pair
        issued += 1
        body = f"csrfmiddlewaretoken={post['token']}&option={option}&note=&action=continue"
        return (
            f"POST {target} HTTP/1.1\r\n{headers}"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}"
        ).encode()

    async def worker() -> None:
        reader = writer = None
        while time.monotonic() < deadline:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(LOOPBACK, port)
                assert reader is not None
                started = time.perf_counter()
                writer.write(next_request())
                await writer.drain()
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                lines = head.decode("latin-1").split("\r\n")
                code = int(lines[0].split()[1])
                fields = {
                    k.strip().lower(): v.strip()
                    for k, v in (x.split(":", 1) for x in lines[1:] if ":" in x)
                }
                length = int(fields.get("content-length", "0"))
                if length:
                    await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                key = f"{code // 100}xx" if 2 <= code // 100 <= 5 else "other"
                status["204" if code == 204 else key] += 1
                status["302"] += code == 302
                if fields.get("connection", "").lower() == "close":
                    writer.close()
                    reader = writer = None
            except TimeoutError:
                sock["timeout"] += 1
                reader = writer = None
            except (OSError, asyncio.IncompleteReadError, ValueError):
                sock["read"] += 1
                reader = writer = None

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.monotonic() - started
    values = sorted(x * 1000 for x in latencies)
    return LoadResult(
        name=name,
        requests=len(latencies) - (status["204"] if post else 0),
        duration_s=elapsed,
        status=status,
        socket_errors=sock,
        latency_ms={
            "mean": sum(values) / len(values) if values else 0.0,
            "p50": _percentile(values, 50),
            "p90": _percentile(values, 90),
            "p95": _percentile(values, 95),
            "p99": _percentile(values, 99),
            "max": values[-1] if values else 0.0,
        },
        exhausted=exhausted,
        issued=issued,
        tool="python-asyncio",
    )

"""What every phase of the bench is given (:class:`Bench`) and returns (:class:`Outcome`).

A phase is a function ``Bench -> Outcome`` listed in ``bench.phases.PHASES``.
It measures through what a user or an operator has: HTTP against the running
server (:meth:`Bench.load`, wrk), the Django test client in this process
(:meth:`Bench.client`, :func:`measure`), public selectors and services, and
management commands. It states its targets with what was measured, writes its
section of docs/benchmarks.md, and lists errors (which fail the run; a missed
target does not).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import data, wrk
from bench.server import Server


@dataclass(frozen=True)
class Options:
    quick: bool
    seconds: float  # of load per endpoint, all rounds together
    rounds: int  # the endpoints take turns this many times
    warmup: float  # seconds of load per GET endpoint before measuring
    threads: int
    connections: int
    repeat: int  # in-process requests per measurement (best of / median of)
    small_assessments: int
    large_assessments: int
    per_assessment: int  # functions per assessment
    walk_assessments: int  # of unanswered functions, for the POST run


@dataclass(frozen=True)
class Target:
    goal: str
    measured: str
    met: bool


@dataclass
class Outcome:
    section: str  # Markdown, under the phase's own heading
    targets: list[Target] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Bench:
    """The running server, the loaded organisations, and ways to measure against them."""

    options: Options
    wrk_binary: str
    server: Server
    small: data.Org  # a manager's organisation of ordinary size
    large: data.Org  # the same pages' worth in an organisation many times its size
    walk: data.Org  # unanswered functions for questionnaire POSTs
    staff_id: int  # a superuser, for the admin
    workdir: Path
    log: Callable[[str], None]
    _cookies: dict[int, str] = field(default_factory=dict)

    def cookie(self, user_id: int) -> str:
        """A signed-in session's Cookie header for HTTP requests."""
        if user_id not in self._cookies:
            self._cookies[user_id] = data.session_cookie(user_id)
        return self._cookies[user_id]

    def client(self, user_id: int | None = None) -> Client:
        """The Django test client in this process, signed in as ``user_id`` if given."""
        from django.contrib.auth import get_user_model

        client = Client(SERVER_NAME="127.0.0.1")
        if user_id is not None:
            user = get_user_model().objects.get(pk=user_id)
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    def load(
        self,
        name: str,
        path: str,
        *,
        seconds: float,
        cookie: str = "",
        connections: int | None = None,
        threads: int | None = None,
        posts: wrk.Posts | None = None,
    ) -> wrk.Load:
        """wrk against the server for ``seconds``, then a pause while the server drains.

        Requests still queued in the server when wrk stops would otherwise be
        served on the next run's clock; they drain in about one latency.
        """
        load = wrk.run(
            self.wrk_binary,
            name,
            port=self.server.port,
            path=path,
            seconds=seconds,
            threads=threads or self.options.threads,
            connections=connections or self.options.connections,
            cookie=cookie,
            posts=posts,
        )
        time.sleep(min(5.0, load.latency_ms.get("p99", 0.0) / 1000))
        return load


@dataclass(frozen=True)
class InProcess:
    """One page requested several times through the test client, after a warm-up."""

    status: int
    queries: int
    best_ms: float
    median_ms: float
    content: bytes


def measure(client: Client, path: str, repeat: int) -> InProcess:
    """GET ``path`` once to warm caches, then ``repeat`` times, timing each."""
    client.get(path)
    times: list[float] = []
    queries = 0
    response: Any = None
    for _ in range(max(1, repeat)):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        queries = max(queries, len(captured))
    return InProcess(
        status=response.status_code,
        queries=queries,
        best_ms=min(times),
        median_ms=statistics.median(times),
        content=response.content,
    )


def table(header: Mapping[str, str], rows: list[list[str]]) -> str:
    """A Markdown table; ``header`` maps each column's title to its alignment (``---:``)."""
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(header.values()) + " |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass(frozen=True)
class Phase:
    title: str
    run: Callable[[Bench], Outcome]

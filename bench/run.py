# ruff: noqa: RUF001 - messages print the multiplication sign on purpose
"""`make bench`: throughput, integrity under load, scale and PDF cost, on this machine.

Creates a fresh PostgreSQL database (``sourcing_advisor_bench``), migrates it,
collects static files, runs ``setup_demo`` and loads more data; serves the app
with gunicorn under the production settings (``bench.settings`` adds only two
reference URLs); drives it with wrk on 127.0.0.1; writes the results with the
machine's description to ``docs/benchmarks.md`` and prints them.

    .venv/bin/python bench/run.py [--duration 15] [--threads 2] [--connections 16]
                                  [--quick] [--keep-db]

``--quick`` is a smoke run (short loads, a small "large" organisation, PDFs of
1 and 10 functions only); its report goes to a temporary file so it never
replaces the real one.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import data, load, report  # noqa: E402

DB_NAME = "sourcing_advisor_bench"
VENV_BIN = Path(sys.executable).parent
PDF_SIZES = (1, 10, 50, 200)


def log(message: str) -> None:
    print(f"bench [{time.strftime('%H:%M:%S')}] {message}", flush=True)


def production_env(port: int) -> dict[str, str]:
    """Production settings as README documents them, for plain HTTP on loopback."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # The load generator speaks plain HTTP on loopback: no TLS to redirect to,
        # and cookies flagged Secure would never be sent back.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "LOG_LEVEL": "WARNING",
        "BENCH_PORT": str(port),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- machine ---------------------------------------------------------------------


def machine_facts(wrk: str | None) -> dict[str, str]:
    import django
    import weasyprint

    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    os_name = platform.platform()
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"') + f" (kernel {platform.release()})"
    gunicorn = subprocess.run(
        [str(VENV_BIN / "gunicorn"), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    ).stdout.strip()
    pg = data.postgres_facts()
    load1, load5, _load15 = os.getloadavg()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "os": os_name,
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": f"{pg['version']} (shared_buffers {pg['shared_buffers']}, "
        f"work_mem {pg['work_mem']}, stock configuration)",
        "gunicorn": gunicorn.replace("gunicorn (version ", "").rstrip(")") or "?",
        "weasyprint": weasyprint.__version__,
        "load generator": load.wrk_version(wrk),
        "commit": (commit + (" + uncommitted changes" if dirty else "")) or "?",
        "load average at start": f"{load1:.2f} (1 min), {load5:.2f} (5 min)",
    }


# --- server ----------------------------------------------------------------------


class Server:
    """gunicorn serving outsourcing.wsgi with bench.settings, on 127.0.0.1 only."""

    def __init__(self, port: int, workers: int, threads: int, logdir: Path) -> None:
        self.port = port
        self.workers = workers
        self.threads = threads
        self.log = logdir / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def description(self) -> str:
        kind = "gthread" if self.threads > 1 else "sync"
        extra = f" × {self.threads} threads" if self.threads > 1 else ""
        return f"gunicorn, {self.workers} {kind} workers{extra}, bound to 127.0.0.1"

    def start(self) -> None:
        command = [
            str(VENV_BIN / "gunicorn"),
            "outsourcing.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread" if self.threads > 1 else "sync",
            "--threads",
            str(self.threads),
            "--chdir",
            str(ROOT),
            # Longer than the POST run's drain, so connections held idle then stay open.
            "--keep-alive",
            "10",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log),
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: gunicorn exited; see {self.log}")
            with contextlib.suppress(OSError):
                if http_get(self.port, "/_bench/bare")[0] == 200:
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

    def server_errors(self) -> int:
        """How many request errors (tracebacks) the server logged."""
        if not self.log.exists():
            return 0
        return self.log.read_text(errors="replace").count("Traceback")


def http_get(port: int, path: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        headers: dict[str, str] = {}
        for key, value in response.getheaders():
            headers[key.lower()] = (
                (headers[key.lower()] + "\n" + value) if key.lower() in headers else value
            )
        return response.status, headers, body
    finally:
        conn.close()


def csrf_for(port: int, path: str, session: str) -> tuple[str, str]:
    """GET a form page as the user: (cookie header with the CSRF cookie, form token)."""
    status, headers, body = http_get(port, path, session)
    if status != 200:
        raise SystemExit(f"bench: GET {path} answered {status}, expected a form")
    match = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not match or not token:
        raise SystemExit("bench: no CSRF cookie or token on the step page")
    return f"{session}; csrftoken={match.group(1)}", token.group(1)


# --- measurements ------------------------------------------------------------------


def query_counts(
    pages: dict[str, list[tuple[str, int, str]]], repeat: int = 5
) -> dict[str, list[dict[str, Any]]]:
    """For each page: the queries one request runs, and where its time goes.

    Django test client, in process, after a first request warmed the caches:
    the median time of ``repeat`` requests and of the SQL part of them (as the
    client sees it, round trip included); the rest is Python (ORM, template).
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    users = get_user_model().objects
    out: dict[str, list[dict[str, Any]]] = {}
    for page, variants in pages.items():
        rows = []
        for label, user_id, path in variants:
            client = Client(SERVER_NAME="127.0.0.1")
            client.force_login(
                users.get(pk=user_id), backend="django.contrib.auth.backends.ModelBackend"
            )
            client.get(path)  # warm caches (templates, content types) once
            times, sql_times, counts, status = [], [], set(), 0
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(path)
                    times.append(time.perf_counter() - started)
                sql_times.append(sum(float(q["time"]) for q in queries.captured_queries))
                counts.add(len(queries))
                status = response.status_code
            rows.append(
                {
                    "label": label,
                    "queries": max(counts),
                    "status": status,
                    "ms": statistics.median(times) * 1000,
                    "best_ms": min(times) * 1000,
                    "sql_ms": statistics.median(sql_times) * 1000,
                }
            )
        out[page] = rows
    return out


def post_query_counts(
    user_id: int, function_ids: list[int], options: list[int]
) -> dict[str, list[float]]:
    """Queries and time of each step POST walking a function from step 1 to the last
    (the first function warms the caches; the last one is measured)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(
        get_user_model().objects.get(pk=user_id),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    counts: list[float] = []
    times: list[float] = []
    for function_id in function_ids:
        counts, times = [], []
        for step, option in enumerate(options, start=1):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.post(
                    f"/functions/{function_id}/steps/{step}/",
                    {"option": option, "note": "", "action": "continue"},
                )
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 302:
                raise SystemExit(f"bench: step POST answered {response.status_code}")
            counts.append(len(queries))
    return {"queries": counts, "ms": times}


def integrity(
    org: data.Org, posts: load.LoadResult, targets: list[int], steps: int
) -> dict[str, Any]:
    """After the POST run: stored answers vs successful posts, and consistent progress."""
    from django.db.models import Count

    from decisions.models import Answer, FunctionAssessment

    answers = Answer.objects.filter(function_id__in=targets).count()
    functions = FunctionAssessment.objects.filter(pk__in=targets).annotate(n=Count("answers"))
    mismatched = sum(1 for f in functions if f.answered_count != f.n)
    complete = [f for f in functions if f.n == steps]
    wrong_status = sum(
        1 for f in complete if f.status != FunctionAssessment.Status.RECOMMENDED or not f.result
    )
    answered = posts.requests  # responses to POSTs (late /_bench/idle ones left out)
    return {
        "posts": posts.issued,
        "answered": answered,
        "in_flight_lost": posts.issued - answered,
        "successful": posts.status.get("302", 0),
        "answers": answers,
        "equal": answers == posts.status.get("302", 0),
        "progress_mismatch": mismatched,
        "completed": len(complete),
        "completed_wrong": wrong_status,
        "rejected": posts.status.get("2xx", 0),
        "5xx": posts.status.get("5xx", 0),
        "exhausted": posts.exhausted,
        "late": posts.late,
        "capacity": len(targets) * steps,
    }


PDF_REPEATS = {1: 5, 10: 3}


def pdf_costs(sizes: dict[int, int], warmup: int) -> list[dict[str, Any]]:
    """Per size, in a process of its own: the exporter and WeasyPrint alone, alternately."""
    rows = []
    for size, pk in sizes.items():
        command = [
            sys.executable,
            "-m",
            "bench.pdf_probe",
            "--assessment",
            str(pk),
            "--repeat",
            str(PDF_REPEATS.get(size, 1)),
            "--warmup",
            str(warmup),
        ]
        out = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
        )
        line = next((x for x in out.stdout.splitlines() if x.startswith("PDF_JSON ")), None)
        if line is None:
            raise SystemExit(f"bench: PDF probe failed ({size}):\n{out.stderr[-3000:]}")
        row = json.loads(line.removeprefix("PDF_JSON "))
        row["ratio"] = row["exporter_cpu_s"] / row["layout_cpu_s"]
        row["wall_ratio"] = row["exporter_s"] / row["layout_s"]
        row["own_ratio"] = (row["layout_s"] + row["context_s"] + row["template_s"]) / row[
            "layout_s"
        ]
        log(
            f"PDF {size:>3} functions: exporter {row['exporter_s']:.2f} s, WeasyPrint alone "
            f"{row['layout_s']:.2f} s, ours (context + template) "
            f"{row['context_s'] + row['template_s']:.2f} s"
        )
        rows.append(row)
    return rows


# --- main --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=15, help="seconds per endpoint")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default cores+1)")
    parser.add_argument(
        "--worker-threads", type=int, default=4, help="threads per worker (gthread)"
    )
    parser.add_argument("--scale-assessments", type=int, default=10_000)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run; report to a temporary file"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep sourcing_advisor_bench afterwards"
    )
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    if args.quick:
        args.duration = min(args.duration, 3)
        args.scale_assessments = min(args.scale_assessments, 500)
    quick_output = Path(tempfile.gettempdir()) / "sourcing-bench-quick.md"
    output = args.output or (quick_output if args.quick else ROOT / "docs/benchmarks.md")
    started = time.monotonic()
    phases: dict[str, float] = {}

    # A SIGTERM (a time-out, Ctrl-C from make) still stops gunicorn and drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    port = free_port()
    os.environ.update(production_env(port))
    os.chdir(ROOT)
    wrk = load.ensure_wrk()
    if not wrk:
        log("wrk unavailable: using the Python fallback load generator")
    data.ensure_postgres()

    t = time.monotonic()
    log(f"creating database {DB_NAME}")
    data.recreate_database(DB_NAME)
    try:
        results = _measure(args, port, wrk, phases, t)
    finally:
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            data.drop_database(DB_NAME)
    results["phases"] = phases
    results["total_s"] = time.monotonic() - started
    text = report.render(results)
    output.write_text(text)
    print()
    print(text)
    log(f"written to {output} in {results['total_s'] / 60:.1f} min")


def _measure(
    args: argparse.Namespace, port: int, wrk: str | None, phases: dict[str, float], t: float
) -> dict[str, Any]:
    def phase(name: str, since: float) -> float:
        now = time.monotonic()
        phases[name] = now - since
        return now

    import django

    django.setup()
    from django.core.management import call_command

    from decisions import selectors

    machine = machine_facts(wrk)
    log("migrate, collectstatic, setup_demo")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("setup_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    template_ids = data.templates()
    question_ids = selectors.questionnaire_question_ids()
    questions = selectors.questionnaire_questions()
    first_options = [q.options.all()[0].pk for q in questions]
    steps = len(question_ids)

    per_assessment = 10
    small = data.load_computed_org(
        name="Baseline Ltd (bench)",
        slug="bench-small",
        username="bench-small",
        sizes=[per_assessment] * 50,
        template_ids=template_ids,
        title="Baseline review",
    )
    t = phase("setup: database, migrate, collectstatic, demo, small org", t)

    workers = args.workers or (os.cpu_count() or 1) + 1
    tmp = Path(tempfile.mkdtemp(prefix="sourcing-bench-"))
    server = Server(port, workers, args.worker_threads, tmp)
    log(f"starting {server.description} on port {port}")
    server.start()
    results: dict[str, Any] = {"machine": machine, "server": server.description, "args": vars(args)}
    try:
        small_cookie = data.session_cookie(small.user_id)
        small_function = _function_of(small.assessment_ids[-1])
        scale_pages = {
            "dashboard": "/dashboard/",
            "assessment overview": "/assessments/{assessment}/",
            "result page": "/functions/{function}/result/",
        }

        def scale_run(org: data.Org, cookie: str, function_id: int, label: str) -> dict[str, Any]:
            # One connection, one thread: service time without queueing.
            out = {}
            for page, pattern in scale_pages.items():
                path = pattern.format(assessment=org.assessment_ids[-1], function=function_id)
                load.run_load(
                    f"warm {page}",
                    port=port,
                    path=path,
                    duration=2,
                    threads=args.threads,
                    connections=args.connections,
                    wrk=wrk,
                    cookie=cookie,
                )
                out[page] = load.run_load(
                    f"{page} ({label})",
                    port=port,
                    path=path,
                    duration=max(2, args.duration / 4),
                    threads=1,
                    connections=1,
                    wrk=wrk,
                    cookie=cookie,
                )
                log(f"scale {label:<28} {page:<20} p50 {out[page].latency_ms['p50']:.1f} ms")
            return out

        def in_process(org: data.Org, function_id: int) -> dict[str, dict[str, Any]]:
            """The scale pages' server time in process (test client), less noisy than HTTP."""
            rows = query_counts(
                {
                    page: [
                        (
                            org.username,
                            org.user_id,
                            pattern.format(assessment=org.assessment_ids[-1], function=function_id),
                        )
                    ]
                    for page, pattern in scale_pages.items()
                },
                repeat=9,
            )
            return {page: found[0] for page, found in rows.items()}

        log("scale baseline: small organisation in an otherwise empty database")
        scale_small = scale_run(small, small_cookie, small_function, "small org, empty database")
        inproc_small = in_process(small, small_function)
        t = phase("scale baseline (small organisation)", t)

        poster, targets = data.load_post_targets(
            name="Walkthrough Ltd (bench)",
            slug="bench-post",
            username="bench-poster",
            assessments=600,
            per_assessment=10,
        )
        targets_file = tmp / "targets.txt"
        targets_file.write_text("\n".join(map(str, targets)) + "\n")
        poster_session = data.session_cookie(poster.user_id)
        poster_cookie, token = csrf_for(port, f"/functions/{targets[0]}/steps/1/", poster_session)

        endpoints: list[tuple[str, str, str, dict[str, str] | None]] = [
            ("(a) bare Django view", "/_bench/bare", "", None),
            ("(b) framework floor: base.html, signed in", "/_bench/floor", small_cookie, None),
            (
                "(c) questionnaire step GET",
                f"/functions/{small_function}/steps/3/",
                small_cookie,
                None,
            ),
            (
                "(c) questionnaire step POST (saves an answer)",
                f"/functions/{targets[0]}/steps/1/",
                poster_cookie,
                {
                    "targets": str(targets_file),
                    "options": ",".join(map(str, first_options)),
                    "token": token,
                },
            ),
            ("(d) result page", f"/functions/{small_function}/result/", small_cookie, None),
            (
                "assessment overview",
                f"/assessments/{small.assessment_ids[-1]}/",
                small_cookie,
                None,
            ),
            ("(e) dashboard (50 assessments)", "/dashboard/", small_cookie, None),
        ]
        log("warm-up: every GET endpoint for 2 s")
        for name, path, cookie, post in endpoints:
            if post is None:
                load.run_load(
                    name,
                    port=port,
                    path=path,
                    duration=2,
                    threads=args.threads,
                    connections=args.connections,
                    wrk=wrk,
                    cookie=cookie,
                )
        throughput = []
        for name, path, cookie, post in endpoints:
            result = load.run_load(
                name,
                port=port,
                path=path,
                duration=args.duration,
                threads=args.threads,
                connections=args.connections,
                wrk=wrk,
                cookie=cookie,
                post=post,
            )
            throughput.append(result)
            log(
                f"{name:<48} {result.rps:8.1f} req/s  p50 {result.latency_ms['p50']:.1f} ms  "
                f"errors {result.errors} {result.socket_errors} {result.status}"
            )
        results["throughput"] = throughput
        t = phase("throughput (wrk)", t)

        results["integrity"] = integrity(poster, throughput[3], targets, steps)
        results["integrity"]["server_tracebacks"] = server.server_errors()
        integ = results["integrity"]
        log(
            f"integrity: {integ['answers']} answers stored, {integ['successful']} successful "
            f"POSTs, {integ['in_flight_lost']} unanswered at the end, "
            f"{integ['server_tracebacks']} tracebacks"
        )

        log(
            f"loading the large organisation: {args.scale_assessments:,} assessments "
            f"× {per_assessment} functions"
        )
        large = data.load_computed_org(
            name="Large Corp (bench)",
            slug="bench-large",
            username="bench-large",
            sizes=[per_assessment] * args.scale_assessments,
            template_ids=template_ids,
            title="Review",
        )
        results["large_load_s"] = large.seconds
        results["db_size"] = data.database_size(DB_NAME)
        log(f"loaded in {large.seconds:.0f} s; database {results['db_size']}")
        t = phase("bulk load of the large organisation", t)

        large_cookie = data.session_cookie(large.user_id)
        large_function = _function_of(large.assessment_ids[-1])
        scale_large = scale_run(large, large_cookie, large_function, "large org")
        inproc_large = in_process(large, large_function)
        scale_small_after = scale_run(
            small, small_cookie, small_function, "small org, large database"
        )
        results["scale"] = {
            "small": scale_small,
            "large": scale_large,
            "small_after": scale_small_after,
            "small_inproc": inproc_small,
            "large_inproc": inproc_large,
            "assessments": args.scale_assessments,
            "functions": args.scale_assessments * per_assessment,
            "small_assessments": len(small.assessment_ids),
        }
        t = phase("scale (large organisation)", t)

        pdf_org = data.load_computed_org(
            name="Report Ltd (bench)",
            slug="bench-pdf",
            username="bench-pdf",
            sizes=list(PDF_SIZES),
            template_ids=template_ids,
            title="Report",
        )
        pdf_assessments = dict(zip(PDF_SIZES, pdf_org.assessment_ids, strict=True))
        demo_manager = _user_id("manager")
        demo_assessment = _latest_assessment(demo_manager)
        fresh = _unanswered(targets)
        results["queries"] = query_counts(
            {
                "(b) framework floor": [("signed in", small.user_id, "/_bench/floor")],
                "(c) step GET": [
                    ("small org", small.user_id, f"/functions/{small_function}/steps/3/"),
                    ("large org", large.user_id, f"/functions/{large_function}/steps/3/"),
                ],
                "(d) result page": [
                    ("small org", small.user_id, f"/functions/{small_function}/result/"),
                    ("large org", large.user_id, f"/functions/{large_function}/result/"),
                ],
                "assessment overview": [
                    (
                        "small org, 10 functions",
                        small.user_id,
                        f"/assessments/{small.assessment_ids[-1]}/",
                    ),
                    (
                        "large org, 10 functions",
                        large.user_id,
                        f"/assessments/{large.assessment_ids[-1]}/",
                    ),
                    ("1 function", pdf_org.user_id, f"/assessments/{pdf_assessments[1]}/"),
                    ("200 functions", pdf_org.user_id, f"/assessments/{pdf_assessments[200]}/"),
                ],
                "(e) dashboard": [
                    ("small org, 50 assessments", small.user_id, "/dashboard/"),
                    (
                        f"large org, {args.scale_assessments:,} assessments",
                        large.user_id,
                        "/dashboard/",
                    ),
                    ("demo manager, 2 assessments", demo_manager, "/dashboard/"),
                ],
                "CSV export": [
                    ("demo assessment", demo_manager, f"/assessments/{demo_assessment}/export.csv"),
                    (
                        "1 function",
                        pdf_org.user_id,
                        f"/assessments/{pdf_assessments[1]}/export.csv",
                    ),
                    (
                        "200 functions",
                        pdf_org.user_id,
                        f"/assessments/{pdf_assessments[200]}/export.csv",
                    ),
                ],
            }
        )
        results["post_queries"] = post_query_counts(poster.user_id, fresh, first_options)
        t = phase("query counts", t)
    finally:
        server.stop()

    log("PDF cost: one process per size")
    measured = PDF_SIZES if not args.quick else (1, 10)
    results["pdf"] = pdf_costs(
        {size: pdf_assessments[size] for size in measured}, warmup=pdf_assessments[1]
    )
    phase("PDF cost", t)
    return results


def _function_of(assessment_id: int) -> int:
    from decisions.models import FunctionAssessment

    function = (
        FunctionAssessment.objects.filter(assessment_id=assessment_id).order_by("order").first()
    )
    assert function is not None
    return function.pk


def _user_id(username: str) -> int:
    from django.contrib.auth import get_user_model

    return int(get_user_model().objects.get(username=username).pk)


def _latest_assessment(user_id: int) -> int:
    from decisions.models import Assessment

    return int(
        Assessment.objects.filter(owner_id=user_id).order_by("-pk").values_list("pk", flat=True)[0]
    )


def _unanswered(targets: list[int], count: int = 2) -> list[int]:
    """POST targets the load run did not reach (for timing a walk through the steps)."""
    from decisions.models import FunctionAssessment

    pks = list(
        FunctionAssessment.objects.filter(pk__in=targets, answers__isnull=True)
        .order_by("-pk")
        .values_list("pk", flat=True)[:count]
    )
    if len(pks) < count:
        raise SystemExit("bench: the load run answered every POST target; load more targets")
    return pks


if __name__ == "__main__":
    main()

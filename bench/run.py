# ruff: noqa: RUF001 - the report prints the multiplication sign on purpose
"""`make bench`: the performance targets, measured on this machine.

Creates a PostgreSQL database of its own, migrates it, collects static files,
runs ``setup_demo`` and loads organisations in bulk; serves the app with
gunicorn under the production settings (``bench.settings`` adds only
reference URLs); runs the phases of ``bench.phases`` against it (wrk over
HTTP on 127.0.0.1, the Django test client in process); writes the targets,
what was measured and the machine to docs/benchmarks.md; drops the database.

    .venv/bin/python -m bench.run [--quick] [--seconds 15] [--database NAME] ...

``--quick`` is a smoke run (short loads, small organisations) whose report
goes to a temporary file. The exit status is 1 when a phase hit an error
(a failed request, a lost answer, a traceback), never for a missed target.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import data, wrk
from bench.server import ROOT, Server, free_port, production_env


def log(message: str) -> None:
    print(f"bench [{time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="smoke run; report to a temp file")
    parser.add_argument("--seconds", type=float, help="load per endpoint (15; quick 2)")
    parser.add_argument("--rounds", type=int, help="turns the endpoints take (3; quick 1)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-threads", type=int, default=4, help="gthread threads")
    parser.add_argument("--large-assessments", type=int, help="large org (10,000; quick 200)")
    parser.add_argument("--database", help="sourcing_advisor_bench[_quick] by default")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument("--output", type=Path, help="where the report goes")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    quick = args.quick
    database = args.database or (
        "sourcing_advisor_bench_quick" if quick else "sourcing_advisor_bench"
    )
    output = args.output or (
        Path(tempfile.gettempdir()) / "sourcing-bench-quick.md"
        if quick
        else ROOT / "docs/benchmarks.md"
    )
    started = time.monotonic()
    # A SIGTERM (a time-out, Ctrl-C from make) still stops gunicorn and drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    port = free_port()
    os.environ.update(production_env(port, database))
    os.chdir(ROOT)
    wrk_binary = wrk.ensure()
    data.ensure_postgres()
    log(f"creating database {database}")
    data.recreate_database(database)
    try:
        import django

        django.setup()
        text, failed = _run(args, database, port, wrk_binary, started)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            data.drop_database(database)
    output.write_text(text)
    print(f"\n{text}")
    log(f"written to {output} in {(time.monotonic() - started) / 60:.1f} min")
    if failed:
        log("errors during the run (see the report)")
    return 1 if failed else 0


def _run(
    args: argparse.Namespace, database: str, port: int, wrk_binary: str, started: float
) -> tuple[str, bool]:
    from django.core.management import call_command

    from bench import report
    from bench.core import Bench, Options, Outcome
    from bench.phases import PHASES

    quick = args.quick
    options = Options(
        quick=quick,
        seconds=args.seconds or (2 if quick else 15),
        rounds=args.rounds or (1 if quick else 3),
        warmup=0 if quick else 2,
        threads=args.threads,
        connections=args.connections,
        repeat=3 if quick else 7,
        small_assessments=10 if quick else 50,
        large_assessments=args.large_assessments or (200 if quick else 10_000),
        per_assessment=2 if quick else 10,
        walk_assessments=40 if quick else 600,
    )
    log("migrate, collectstatic, setup_demo")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    with open(os.devnull, "w") as devnull:
        call_command("setup_demo", stdout=devnull)
    sources = data.computed_functions()
    per = options.per_assessment
    log("loading organisations")
    small = data.load_computed_org(
        "Baseline Ltd (bench)", "bench-small", [per] * options.small_assessments, sources
    )
    large = data.load_computed_org(
        "Large Corp (bench)", "bench-large", [per] * options.large_assessments, sources
    )
    walk = data.load_walk_org(
        "Walkthrough Ltd (bench)", "bench-walk", options.walk_assessments, per
    )
    staff_id = data.make_superuser("bench-admin")
    size = data.database_size(database)
    log(f"large organisation loaded in {large.seconds:.0f} s; database {size}")

    workdir = Path(tempfile.mkdtemp(prefix="sourcing-bench-"))
    server = Server(port, args.workers, args.worker_threads, workdir)
    facts = report.machine(
        load_generator=wrk.version(wrk_binary),
        postgres=data.postgres_facts(),
        server=server.description,
    )
    log(f"starting {server.description} on port {port}")
    server.start()
    bench = Bench(options, wrk_binary, server, small, large, walk, staff_id, workdir, log)
    done = []
    try:
        for phase in PHASES:
            log(f"phase: {phase.title}")
            phase_started = time.monotonic()
            try:
                outcome = phase.run(bench)
            except Exception as error:  # one broken phase must not hide the others' results
                traceback.print_exc()
                outcome = Outcome(section=f"The phase failed: `{error!r}`.", errors=[repr(error)])
            done.append(report.Done(phase, outcome, time.monotonic() - phase_started))
    finally:
        server.stop()

    setup = [
        f"A fresh PostgreSQL database `{database}`: migrated, `collectstatic`, "
        "`manage.py setup_demo`, then organisations loaded in bulk (COPY into a staging table, "
        "then `INSERT … SELECT` copying every column of a real computed function of the demo "
        f"and its answers): a manager's organisation of {options.small_assessments} "
        f"assessments × {per} functions; a large one of {options.large_assessments:,} × {per} "
        f"(loaded in {large.seconds:.0f} s); {options.walk_assessments} × {per} unanswered "
        f"functions for the POSTs. Database size afterwards: {size}. Dropped at the end.",
        f"Server: {server.description}, serving `outsourcing.wsgi` with the production "
        "settings: `DEBUG` off, a random `SECRET_KEY`, `ALLOWED_HOSTS=127.0.0.1`, WhiteNoise "
        "with hashed static files, the strict CSP, django-axes, database sessions, persistent "
        "database connections. `bench/settings.py` only swaps `ROOT_URLCONF` for "
        "`bench/benchurls.py` (the production URLs plus `/_bench/bare`, `/_bench/floor`, "
        "`/_bench/idle`).",
        "Plain HTTP on loopback, so `SECURE_SSL_REDIRECT=false` and `SECURE_COOKIES=false`; "
        "TLS termination (the proxy's job in production) is not in these figures.",
        "In-process measurements use Django's test client with the same settings, in the "
        "bench's own process.",
    ]
    minutes = (time.monotonic() - started) / 60
    text = report.render(facts=facts, setup=setup, done=done, minutes=minutes)
    return text, any(d.outcome.errors for d in done)


if __name__ == "__main__":
    sys.exit(main())

# ruff: noqa: RUF001 - sections print typographic signs (times, en dash) on purpose
"""The phases of `make bench`, in the order they run (see ``bench.core`` for the contract).

To add a measurement, write a function ``Bench -> Outcome`` and list it in
:data:`PHASES`; load any data it needs with ``bench.data`` from inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from bench import data, report_phases, wrk
from bench.core import Bench, Outcome, Phase, Target, measure, table
from bench.data import Org

# --- throughput against the framework floor ---------------------------------------

FLOOR = "framework floor: base.html, signed in"
POST = "questionnaire step POST (saves an answer)"


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    cookie: str
    share: float | None  # target: this share of the floor's throughput (None: the floor)
    posts: tuple[wrk.Posts, ...] = ()  # POST mode: one walk per round


def _walk_posts(b: Bench) -> tuple[str, tuple[wrk.Posts, ...]]:
    """The walk organisation's cookie (with CSRF) and one POST walk per round."""
    from decisions import questionnaire

    options = [question.options[0].id for question in questionnaire.current().questions]
    cookie, token = b.server.form_session(
        f"/functions/{b.walk.function_ids[0]}/steps/1/", b.cookie(b.walk.user_id)
    )
    rounds = b.options.rounds
    chunk = len(b.walk.function_ids) // rounds
    walks = []
    for number in range(rounds):
        targets = b.workdir / f"walk-{number}.txt"
        ids = b.walk.function_ids[number * chunk : (number + 1) * chunk]
        targets.write_text("".join(f"{pk}\n" for pk in ids))
        walks.append(wrk.Posts(targets=targets, options=options, token=token))
    return cookie, tuple(walks)


def throughput(b: Bench) -> Outcome:
    small, manager = b.small, b.cookie(b.small.user_id)
    walk_cookie, walks = _walk_posts(b)
    endpoints = [
        Endpoint(FLOOR, "/_bench/floor", manager, None),
        Endpoint(
            "questionnaire step GET", f"/functions/{small.function_id}/steps/3/", manager, 0.5
        ),
        Endpoint(POST, "/_bench/idle", walk_cookie, 0.5, walks),
        Endpoint("assessment overview", f"/assessments/{small.assessment_id}/", manager, 0.5),
        Endpoint("dashboard", "/dashboard/", manager, 0.5),
        Endpoint("result page", f"/functions/{small.function_id}/result/", manager, 0.35),
        Endpoint("public guide (anonymous)", "/guide/", "", 0.8),
    ]
    o = b.options
    for e in endpoints:
        if not e.posts and o.warmup > 0:
            b.load(f"warm {e.name}", e.path, seconds=o.warmup, cookie=e.cookie)
    runs: dict[str, list[wrk.Load]] = {e.name: [] for e in endpoints}
    per_round = o.seconds / o.rounds
    for number in range(o.rounds):
        for e in endpoints:
            posts = e.posts[number] if e.posts else None
            load = b.load(e.name, e.path, seconds=per_round, cookie=e.cookie, posts=posts)
            runs[e.name].append(load)
            b.log(f"round {number + 1}: {e.name:<42} {load.rps:7.1f} req/s")
    loads = {name: wrk.Load.combine(name, found) for name, found in runs.items()}
    floor = loads[FLOOR].rps

    outcome = Outcome(section="")
    rows = []
    for e in endpoints:
        load = loads[e.name]
        ratio = load.rps / floor if floor else 0.0
        met = e.share is None or ratio >= e.share
        if e.share is not None:
            outcome.targets.append(
                Target(
                    f"{e.name}: throughput ≥ {e.share:.0%} of the framework floor",
                    f"{ratio:.0%} ({load.rps:.0f} vs {floor:.0f} req/s)",
                    met,
                )
            )
        lat = load.latency_ms
        rows.append(
            [
                e.name,
                f"{load.rps:.0f}",
                f"{lat['p50']:.1f}",
                f"{lat['p95']:.1f}",
                str(load.errors),
                f"{ratio:.0%}",
                "—" if e.share is None else f"≥ {e.share:.0%}: {'met' if met else '**not met**'}",
            ]
        )
        if load.errors:
            outcome.errors.append(
                f"{e.name}: {load.errors} unexpected responses or socket errors "
                f"(status {load.status}, sockets {load.socket_errors})"
            )
    outcome.errors += _walk_errors(b, loads[POST])
    warmup = f", after a {o.warmup:.0f} s warm-up of every GET endpoint" if o.warmup else ""
    outcome.section = "\n\n".join(
        [
            f"wrk, {o.threads} threads, {o.connections} connections, against 127.0.0.1. "
            f"The endpoints take turns, {_count(o.rounds, 'round')} of {per_round:.0f} s each "
            f"({o.seconds:.0f} s per endpoint in all){warmup}, so the ratios to the floor are "
            "measured side by side. The **framework floor** (`/_bench/floor`) renders "
            "`base.html` for a signed-in user behind the full middleware and reads no table of "
            "ours: a page cannot beat it. Signed-in pages carry a manager's session made with "
            f"`SessionStore`; the manager's organisation holds {len(small.assessment_ids)} "
            f"assessments of {len(small.function_ids)} computed functions. Latencies are the "
            "median over the rounds.",
            "The POSTs (`bench/wrk.lua`) answer each (function, step) pair at most once with a "
            "valid CSRF token, walking unanswered functions step by step (the last step computes "
            "the recommendation, as in real use); functions posted side by side belong to "
            "different assessments. After each round's POST window wrk idles 3 s so every POST "
            "in flight is answered and counted. An **error** is any response but 200 (302 for a "
            "POST), a socket error or a time-out.",
            table(
                {
                    "endpoint": "---",
                    "req/s": "---:",
                    "p50 ms": "---:",
                    "p95 ms": "---:",
                    "errors": "---:",
                    "of the floor": "---:",
                    "target": "---",
                },
                rows,
            ),
            _walk_summary(b, loads[POST]),
        ]
    )
    return outcome


def _walk_errors(b: Bench, posts: wrk.Load) -> list[str]:
    errors = []
    stored = data.answers_stored(b.walk.function_ids)
    if stored != posts.expected:
        errors.append(f"answers stored ({stored}) ≠ POSTs answered with a redirect")
    if posts.issued != posts.requests:
        errors.append(f"{posts.issued - posts.requests} POSTs were unanswered when wrk stopped")
    if posts.exhausted:
        errors.append("the POST walk ran out of functions: load more (--walk-assessments)")
    if tracebacks := b.server.tracebacks():
        errors.append(f"the server logged {tracebacks} tracebacks (see {b.server.log})")
    return errors


def _walk_summary(b: Bench, posts: wrk.Load) -> str:
    stored = data.answers_stored(b.walk.function_ids)
    return (
        f"Integrity: {posts.issued:,} answer POSTs sent, {posts.expected:,} redirected to the "
        f"next step, {stored:,} answers stored; {b.server.tracebacks()} tracebacks in the "
        "server's log."
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


# --- the Django admin ------------------------------------------------------------

ADMIN_GOAL_MS = 300.0


def admin_change_page(b: Bench) -> Outcome:
    from django.db.models import Prefetch

    from decisions.models import AnswerOption, Question

    questions = Question.objects.select_related("criterion").prefetch_related(
        Prefetch("options", queryset=AnswerOption.objects.prefetch_related("scores"))
    )
    by_criterion: dict[int, list[Question]] = {}
    for question in questions:
        by_criterion.setdefault(question.criterion_id, []).append(question)

    def inline_rows(questions: list[Question]) -> int:
        return sum(1 + sum(1 + len(o.scores.all()) for o in q.options.all()) for q in questions)

    # The criterion with the most nested rows: the heaviest change page.
    mine = max(by_criterion.values(), key=inline_rows)
    busiest = mine[0]
    options = [o for q in mine for o in q.options.all()]
    scores = sum(len(o.scores.all()) for o in options)
    path = reverse("admin:decisions_criterion_change", args=[busiest.criterion_id])
    m = measure(b.client(b.staff_id), path, b.options.repeat)
    outcome = Outcome(
        section=(
            f"`GET {path}` as a superuser through the Django test client, in this process (no "
            f"HTTP): the change page of the criterion “{busiest.criterion.name}”, with "
            f"{_count(len(mine), 'question')}, {_count(len(options), 'answer option')} and "
            f"{_count(scores, 'score')} in "
            f"nested inlines. After one warm-up request, {b.options.repeat} requests: best "
            f"{m.best_ms:.0f} ms, median {m.median_ms:.0f} ms, {m.queries} queries."
        ),
        targets=[
            Target(
                "Django admin change page of a criterion ≤ 300 ms in process (best of "
                f"{b.options.repeat})",
                f"{m.best_ms:.0f} ms (median {m.median_ms:.0f} ms, {m.queries} queries)",
                m.best_ms <= ADMIN_GOAL_MS,
            )
        ],
    )
    if m.status != 200 or escape(busiest.text).encode() not in m.content:
        outcome.errors.append(f"admin change page answered {m.status} without its questions")
    return outcome


# --- query counts in data size ----------------------------------------------------

PAGES: dict[str, Callable[[Org], str]] = {
    "questionnaire step GET": lambda org: f"/functions/{org.function_id}/steps/3/",
    "questionnaire review": lambda org: f"/functions/{org.function_id}/review/",
    "result page": lambda org: f"/functions/{org.function_id}/result/",
    "assessment overview": lambda org: f"/assessments/{org.assessment_id}/",
    "dashboard": lambda org: "/dashboard/",
    "CSV export": lambda org: f"/assessments/{org.assessment_id}/export.csv",
    "JSON export": lambda org: f"/assessments/{org.assessment_id}/export.json",
    # The PDF renders in a background worker (issue 12): its page is what a request reads.
    "report and approval page": lambda org: f"/assessments/{org.assessment_id}/report/",
}


def _page_queries(b: Bench, org: Org) -> tuple[dict[str, int], list[str]]:
    client = b.client(org.user_id)
    counts, errors = {}, []
    for page, path in PAGES.items():
        m = measure(client, path(org), 1)
        counts[page] = m.queries
        if m.status != 200:
            errors.append(f"{page} of {org.name} answered {m.status}")
    return counts, errors


def _walk_queries(b: Bench, org: Org) -> list[int]:
    """Queries of each step POST answering a new function of ``org`` through the steps."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from decisions import questionnaire, selectors, services
    from decisions.models import Organization

    assessment = services.assessment_create(
        user=get_user_model().objects.get(pk=org.user_id),
        organization=Organization.objects.get(pk=org.organization_id),
        title="Walked by the bench",
        custom_functions=[("Walked function", None)],
    )
    function = selectors.assessment_functions(assessment)[0]
    client = b.client(org.user_id)
    client.get(f"/functions/{function.pk}/steps/1/")
    counts = []
    for step, question in enumerate(questionnaire.current().questions, start=1):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                f"/functions/{function.pk}/steps/{step}/",
                {"option": question.options[0].id, "action": "continue"},
            )
        if response.status_code != 302:
            raise RuntimeError(f"step {step} POST answered {response.status_code}")
        counts.append(len(captured))
    return counts


def _yes(same: bool) -> str:
    return "yes" if same else "**no**"


def _steps(counts: list[int]) -> str:
    first = sorted(set(counts[:-1]))
    return f"{'–'.join(map(str, first))} (steps 1–{len(counts) - 1}), {counts[-1]} (last step)"


def query_counts(b: Bench) -> Outcome:
    small, small_errors = _page_queries(b, b.small)
    large, large_errors = _page_queries(b, b.large)
    small_walk, large_walk = _walk_queries(b, b.small), _walk_queries(b, b.large)
    rows = [
        [
            page,
            str(small[page]),
            str(large[page]),
            _yes(small[page] == large[page]),
        ]
        for page in PAGES
    ]
    rows.append(
        [
            "questionnaire step POST",
            _steps(small_walk),
            _steps(large_walk),
            _yes(small_walk == large_walk),
        ]
    )
    varying = [row[0] for row in rows if row[3] != "yes"]
    s, big = b.small, b.large
    return Outcome(
        section="\n\n".join(
            [
                "Queries one request runs (`CaptureQueriesContext`, Django test client in this "
                "process, after a warm-up request), for a manager of an organisation with "
                f"{len(s.assessment_ids):,} assessments and for one with "
                f"{len(big.assessment_ids):,} assessments / "
                f"{len(big.assessment_ids) * len(big.function_ids):,} functions, each with a "
                "real stored result and answers; both pages show the newest assessment of "
                f"{len(s.function_ids)} functions. The POST row walks a new function through "
                "every step. Growth in what a page *shows* (functions in an assessment, "
                "assessments on the dashboard, providers, the catalogue behind the guide) is "
                "covered by `tests/test_query_counts.py`.",
                table(
                    {
                        "page": "---",
                        "small organisation": "---:",
                        "large organisation": "---:",
                        "constant": ":---:",
                    },
                    rows,
                ),
            ]
        ),
        targets=[
            Target(
                "query counts constant in data size",
                f"varies: {', '.join(varying)}"
                if varying
                else f"constant on all {len(rows)} pages measured",
                not varying,
            )
        ],
        errors=small_errors + large_errors,
    )


PHASES = (
    Phase("Throughput against the framework floor", throughput),
    Phase("Django admin: a criterion's change page", admin_change_page),
    Phase("Query counts in data size", query_counts),
    Phase("Report rendering", report_phases.report_render),
    Phase("Reports in the background", report_phases.report_background),
)

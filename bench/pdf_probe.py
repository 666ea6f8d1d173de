"""PDF cost for one assessment, in a process of its own (so its peak memory is its own).

    python -m bench.pdf_probe --assessment PK --repeat N --warmup PK

Times, alternately, in the same process (so background load hits both alike):

- the **exporter**: ``PDFReport().render(assessment, functions)``, the whole
  pipeline (context, summaries, charts, template, WeasyPrint layout, PDF);
- **WeasyPrint alone**: the same HTML, rendered beforehand, laid out and
  written by ``HTML(string=html, base_url, url_fetcher=AssetFetcher,
  media_type="print").write_pdf()`` with the exporter's own fetcher.

Prints one line ``PDF_JSON {...}``: median wall-clock and CPU times of both
(this process's CPU time, which other work on the machine does not inflate;
the few database queries run in PostgreSQL's process and are left out), the
time of our
own part measured on its own (context + template), the peak RSS of the
process (``ru_maxrss``) after the first exporter run and how much that run
raised it over the warmed-up process, the exporter's query count, and the
PDF's size and page count.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assessment", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--warmup", type=int, help="a small assessment rendered once first")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext
    from weasyprint import HTML

    from decisions import selectors
    from decisions.models import Assessment
    from decisions.reports import pdf
    from decisions.reports.fetcher import AssetFetcher

    def load(pk: int) -> tuple[Assessment, list[Any]]:
        assessment = Assessment.objects.select_related("organization", "owner").get(pk=pk)
        return assessment, selectors.assessment_functions(assessment)

    exporter = pdf.PDFReport()

    def layout_only(markup: str) -> bytes:
        document = HTML(
            string=markup,
            base_url=str(exporter.asset_dirs[0]) + "/",
            url_fetcher=AssetFetcher(exporter.asset_dirs),
            media_type="print",
        )
        return document.write_pdf() or b""

    if args.warmup:
        # Fonts, stylesheets and templates load once per process, not per report.
        small, small_functions = load(args.warmup)
        exporter.render(small, small_functions)
        layout_only(render_to_string(pdf.TEMPLATE, exporter.context(small, small_functions)))

    started = time.perf_counter()
    assessment, functions = load(args.assessment)
    fetch_seconds = time.perf_counter() - started
    started = time.perf_counter()
    context = exporter.context(assessment, functions)
    context_seconds = time.perf_counter() - started
    started = time.perf_counter()
    html = render_to_string(pdf.TEMPLATE, context)
    template_seconds = time.perf_counter() - started
    del context
    baseline_rss = _maxrss_mib()

    exporter_times: list[float] = []
    layout_times: list[float] = []
    exporter_cpu: list[float] = []
    layout_cpu: list[float] = []
    content = b""
    queries = 0
    # Check that the exporter hands WeasyPrint the very HTML timed alone.
    seen: list[str] = []
    real_html = pdf.HTML

    def recording_html(*a: Any, **kw: Any) -> Any:
        seen.append(kw.get("string", ""))
        return real_html(*a, **kw)

    for run in range(max(1, args.repeat)):
        pdf.HTML = recording_html if run == 0 else real_html  # type: ignore[misc]
        # The previous run's garbage (a large report leaves much) must not be
        # collected on the next run's clock.
        gc.collect()
        started = time.perf_counter()
        cpu = time.process_time()
        if run == 0:
            with CaptureQueriesContext(connection) as captured:
                content = exporter.render(assessment, functions)[2]
            queries = len(captured)
        else:
            exporter.render(assessment, functions)
        exporter_times.append(time.perf_counter() - started)
        exporter_cpu.append(time.process_time() - cpu)
        if run == 0:
            peak_rss = _maxrss_mib()
        gc.collect()
        started = time.perf_counter()
        cpu = time.process_time()
        layout_only(html)
        layout_times.append(time.perf_counter() - started)
        layout_cpu.append(time.process_time() - cpu)

    pages = None
    try:
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(content)).pages)
    except Exception:
        pages = None

    result = {
        "functions": len(functions),
        "fetch_s": fetch_seconds,
        "context_s": context_seconds,
        "template_s": template_seconds,
        "exporter_s": statistics.median(exporter_times),
        "layout_s": statistics.median(layout_times),
        "exporter_cpu_s": statistics.median(exporter_cpu),
        "layout_cpu_s": statistics.median(layout_cpu),
        "exporter_runs_s": exporter_times,
        "layout_runs_s": layout_times,
        "baseline_rss_mib": baseline_rss,
        "peak_rss_mib": peak_rss,
        "rss_growth_mib": peak_rss - baseline_rss,
        "queries": queries,
        "pdf_bytes": len(content),
        "pages": pages,
        "html_chars": len(html),
        "same_html": (seen[0] == html) if seen else None,
    }
    print("PDF_JSON " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()

"""Benchmark: where the time goes in each Home Office PDF of the demo, phase by phase.

For the 2024-25 consolidated delivery plan, the 2023-24 VRU Q1 quarterly return and the 2023-24
annual summary (all as drafts, as the web downloads are), it times: gathering the records (our
queries), the template (our HTML), WeasyPrint's layout (``render``) and WeasyPrint writing the
PDF. Best of ``--repeats`` (default 3) in CPU seconds of this process, so other work on a shared
machine counts less; the first, cold run (imports, fonts, first queries) is shown apart.

Run from the repository root against a database with the demo loaded::

    VRP_ENV=development DATABASE_URL=sqlite:////tmp/demo.sqlite3 python bench/bench_pdf_phases.py
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from reports import annual, delivery, queries
from reports.document import Report

OUTPUTS: dict[str, Callable[[], Report]] = {
    "Delivery plan 2024-25": lambda: delivery.delivery_plan("2024-25", allow_draft=True),
    "Quarterly return VRU 2023-24 Q1": lambda: queries.quarterly_return(
        "VRU", "2023-24", 1, allow_draft=True
    ),
    "Annual summary 2023-24": lambda: annual.annual_summary("2023-24", allow_draft=True),
}


def phases(gather: Callable[[], Report]) -> tuple[list[float], int]:
    """Seconds of CPU for gather, template, layout and write; and the page count."""
    from exports.pdfs import render_document
    from reports.pages import build_html

    marks = [time.process_time()]
    report = gather()
    marks.append(time.process_time())
    html = build_html(report)
    marks.append(time.process_time())
    document = render_document(html)
    marks.append(time.process_time())
    document.write_pdf()
    marks.append(time.process_time())
    return [b - a for a, b in pairwise(marks)], len(document.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    start = time.process_time()
    app = create_app()
    print("| output | run | gather (ms) | template (ms) | layout (ms) | write (ms) | total (ms) "
          "| pages |")  # fmt: skip
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    with app.test_request_context():
        for name, gather in OUTPUTS.items():
            runs = [phases(gather) for _ in range(repeats + 1)]
            cold, warm = runs[0], min(runs[1:], key=lambda run: sum(run[0]))
            for label, (times, pages) in (("cold", cold), ("warm", warm)):
                cells = " | ".join(f"{t * 1000:,.0f}" for t in times)
                print(f"| {name} | {label} | {cells} | {sum(times) * 1000:,.0f} | {pages} |")
    print(f"\nWhole run: {time.process_time() - start:.1f} s of CPU.")


if __name__ == "__main__":
    main()

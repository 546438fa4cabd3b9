"""Deadline computations per second for the SLA working calendar, in one process.

Usage:
    python bench/sla_deadline.py [--count 200000] [--rounds 5] [--seed 12345]

The mix is realistic: starts are random instants over 2025-2026 (nights, weekends and
holidays included, at whole seconds) in Asia/Shanghai or UTC, and every budget is either
1.9 working days (consultations) or 4.3 (all other appeals), given as strings. The starts
are built before timing, so only add_working_days is measured. The script prints the best
and median round.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from app.sla.calendar import SHANGHAI, WorkingCalendar  # noqa: E402
from app.sla.holidays import official_schedule  # noqa: E402


def build_requests(count, seed):
    """Build (start, days) pairs spread over 2025-2026, a third of the starts in UTC."""
    rng = random.Random(seed)
    first = datetime(2025, 1, 1, tzinfo=SHANGHAI)
    span_seconds = 730 * 86400
    requests = []
    for _ in range(count):
        start = first + timedelta(seconds=rng.randrange(span_seconds))
        if rng.random() < 1 / 3:
            start = start.astimezone(timezone.utc)
        requests.append((start, "1.9" if rng.random() < 0.5 else "4.3"))
    return requests


def time_round(calendar, requests):
    """Run every request once and return the computations per second."""
    add_working_days = calendar.add_working_days
    began = time.perf_counter()
    for start, days in requests:
        add_working_days(start, days)
    return len(requests) / (time.perf_counter() - began)


def main():
    """Parse the options, run the rounds and print the rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000, help="deadline computations per round (default 200000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds after one warm-up round (default 5)")
    parser.add_argument("--seed", type=int, default=12345, help="random seed for the starts and budgets (default 12345)")
    options = parser.parse_args()

    calendar = WorkingCalendar(official_schedule())
    requests = build_requests(options.count, options.seed)
    provisional = sum(calendar.add_working_days(start, days).provisional for start, days in requests)
    time_round(calendar, requests)

    rates = [time_round(calendar, requests) for _ in range(options.rounds)]
    print(f"python {platform.python_version()} ({platform.python_implementation()}), {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"{options.count} deadlines per round over 2025-2026, budgets 1.9 and 4.3 days, {provisional} provisional (into 2027)")
    print(f"add_working_days: best {max(rates):,.0f}/s, median {statistics.median(rates):,.0f}/s over {options.rounds} rounds")


if __name__ == "__main__":
    main()

"""Time one SLA sweep over many open clocks.

Usage:
    python bench/sla_sweep.py --database-url postgresql://postgres@127.0.0.1:5432/test
    python bench/sla_sweep.py --clocks 100000 --due 1000

The PostgreSQL database given is emptied first (schema public is dropped);
without --database-url a new SQLite file is used. The script registers a few
appeals through the service and adds the requested number of running clocks
to them in bulk. Most are due in the future, and ``--due`` of them are past
their yellow instant and deadline. It then times a sweep that finds the due
ones, and a second sweep that finds nothing.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import func, insert, select  # noqa: E402

from app.config import normalize_database_url  # noqa: E402
from app.core.db import utcnow  # noqa: E402
from app.extensions import db  # noqa: E402
from app.sla.models import SlaClock  # noqa: E402
from app.sla.sweep import mark_due_clocks, open_supervision_tasks  # noqa: E402
from bench.lifecycle import prepare_database  # noqa: E402

APPEALS = 50
INSERT_CHUNK = 5000


def register_appeals(app, count):
    from app.appeals.services import register_appeal
    from app.orgs.models import OrgUnit, User

    with app.app_context():
        agent = db.session.scalar(select(User).where(User.username == "nj_agent"))
        region = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == "JS-NJ-鼓楼区"))
        ids = []
        for index in range(count):
            data = {
                "appeal_type": "complaint",
                "channel": "phone_12345",
                "category_code": "010103",
                "region_id": region,
                "content": f"基准测试诉求 {index}",
            }
            appeal, _ = register_appeal(agent, data)
            ids.append(appeal.id)
        db.session.remove()
    return ids


def add_clocks(app, appeal_ids, total, due):
    now = utcnow()
    future, past = now + timedelta(days=3), now - timedelta(hours=1)
    with app.app_context():
        org_id = db.session.scalar(select(SlaClock.org_unit_id).limit(1))
        rows = []
        for index in range(total):
            when = past if index < due else future
            rows.append(
                {
                    "appeal_id": appeal_ids[index % len(appeal_ids)],
                    "kind": "reply",
                    "enforced": True,
                    "org_unit_id": org_id,
                    "budget_seconds": 3 * 450 * 60,
                    "spent_seconds": 0,
                    "extension_seconds": 0,
                    "started_at": now - timedelta(days=1),
                    "segment_started_at": now - timedelta(days=1),
                    "deadline_at": when,
                    "yellow_at": when,
                    "next_check_at": when,
                    "provisional": False,
                    "level": "green",
                    "status": "running",
                }
            )
            if len(rows) == INSERT_CHUNK:
                db.session.execute(insert(SlaClock), rows)
                rows = []
        if rows:
            db.session.execute(insert(SlaClock), rows)
        db.session.commit()
        open_clocks = db.session.scalar(select(func.count()).select_from(SlaClock).where(SlaClock.status == "running"))
        db.session.remove()
    return open_clocks


def timed_phases(app):
    """Time phase 1 (scan, levels, alerts) and phase 2 (supervision tasks) of one sweep."""
    now = utcnow()
    with app.app_context():
        started = time.perf_counter()
        clocks = alerts = 0
        while True:
            advanced, written = mark_due_clocks(now, 1000)
            clocks, alerts = clocks + advanced, alerts + written
            if advanced < 1000:
                break
        scanned = time.perf_counter()
        supervisions = 0
        while True:
            sent = open_supervision_tasks(1000)
            supervisions += sent
            if sent < 1000:
                break
        finished = time.perf_counter()
        db.session.remove()
    return scanned - started, finished - scanned, clocks, alerts, supervisions


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="database to use (default: a new SQLite file); PostgreSQL is emptied first")
    parser.add_argument("--clocks", type=int, default=100_000, help="open clocks to add (default 100000)")
    parser.add_argument("--due", type=int, default=1000, help="how many of them are overdue (default 1000)")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="hotline-sweep-")
    url = normalize_database_url(args.database_url) or f"sqlite:///{folder}/sweep.sqlite3"
    app = prepare_database(url)
    appeal_ids = register_appeals(app, APPEALS)
    open_clocks = add_clocks(app, appeal_ids, args.clocks, args.due)

    scan, supervise, clocks, alerts, supervisions = timed_phases(app)
    idle_scan, idle_supervise, idle_clocks, _, _ = timed_phases(app)
    print(f"database: {url.split(':', 1)[0]}   open clocks: {open_clocks}   overdue: {args.due}   cpus {os.cpu_count()}")
    print(f"sweep, phase 1 (find due clocks, set levels, write alerts): {scan:.3f} s  ({clocks} clocks advanced, {alerts} alerts)")
    print(f"sweep, phase 2 (open supervision tasks through BPMN):      {supervise:.3f} s  ({supervisions} tasks, {supervise / max(supervisions, 1) * 1000:.1f} ms each)")
    print(f"next sweep with nothing due:                               {idle_scan + idle_supervise:.3f} s  ({idle_clocks} clocks advanced)")


if __name__ == "__main__":
    main()

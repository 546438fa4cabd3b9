"""Cost of intake with the shipped catalogue and with a catalogue of 1,105 leaves.

Usage:
    python bench/intake.py                      # SQLite file in a temporary folder
    python bench/intake.py --database-url postgresql://postgres@127.0.0.1:5432/test

The PostgreSQL database given is emptied first (schema public is dropped).
For each catalogue size it reports the median milliseconds of registering a
complaint (POST /api/v1/appeals through Flask's test client, which includes
triage into the workflow) and of rendering the intake page, whose category
list grows with the catalogue.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import func, select  # noqa: E402

from app.appeals.catalogue import import_catalogue  # noqa: E402
from app.appeals.models import Category  # noqa: E402
from app.config import normalize_database_url  # noqa: E402
from app.demo.loader import DATA_FOLDER, DEMO_PASSWORD  # noqa: E402
from app.extensions import db  # noqa: E402
from app.orgs.models import OrgUnit  # noqa: E402
from bench.lifecycle import Api, prepare_database  # noqa: E402

HEADER = "code,level1,level2,level3,default_department,consult_or_not,default_appeal_type,limit_days,active"


def catalogue_with(total_leaves):
    """Return the shipped catalogue plus generated leaves under groups 90-99, as CSV bytes."""
    with open(os.path.join(DATA_FOLDER, "categories.csv"), encoding="utf-8") as handle:
        rows = [line + ",,," for line in handle.read().splitlines()[1:]]
    for index in range(total_leaves - len(rows)):
        group, leaf = divmod(index, 99)
        top, middle = divmod(group, 99)
        rows.append(f"{90 + top:02d}{middle + 1:02d}{leaf + 1:02d},测试大类{top},测试小类{middle},测试诉求{index},城市管理局,否,complaint,,1")
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def measure(app, api, region_id, rounds):
    intake, page = [], []
    body = {"appeal_type": "complaint", "channel": "phone_12345", "region_id": region_id, "category_code": "010103", "content": "小区门口夜间烧烤油烟扰民。"}
    browser = app.test_client()
    browser.post("/login", data={"username": "nj_agent", "password": DEMO_PASSWORD})
    for _ in range(rounds):
        started = time.perf_counter()
        status, appeal = api.request("POST", "/api/v1/appeals", body, "nj_agent")
        intake.append(time.perf_counter() - started)
        assert status == 201, appeal

        started = time.perf_counter()
        response = browser.get("/appeals/new")
        page.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(intake) * 1000, statistics.median(page) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="database to use (default: a new SQLite file); PostgreSQL is emptied first")
    parser.add_argument("--rounds", type=int, default=100, help="appeals registered per catalogue size (default 100)")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="hotline-bench-")
    url = normalize_database_url(args.database_url) or f"sqlite:///{folder}/bench.sqlite3"
    app = prepare_database(url)
    app.config["WTF_CSRF_ENABLED"] = False
    api = Api(app=app)
    with app.app_context():
        region_id = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == "JS-NJ-鼓楼区"))
        db.session.remove()

    api.request("POST", "/api/v1/appeals", {"appeal_type": "consultation", "channel": "phone_12345", "region_id": region_id, "content": "预热。"}, "nj_agent")
    results = []
    for label, leaves in (("shipped", None), ("1105 leaves", 1105)):
        with app.app_context():
            if leaves:
                report = import_catalogue(catalogue_with(leaves), actor_id=None)
                assert not report.problems, report.problems[:3]
            active = db.session.scalar(select(func.count()).select_from(Category).where(Category.active.is_(True)))
            db.session.remove()
        results.append((label, active, *measure(app, api, region_id, args.rounds)))

    print(f"database: {url.split(':', 1)[0]}   appeals per size: {args.rounds}   python {sys.version.split()[0]}   cpus {os.cpu_count()}")
    print(f"{'catalogue':<14}{'leaves':>8}{'intake ms':>12}{'intake page ms':>17}")
    for label, active, intake_ms, page_ms in results:
        print(f"{label:<14}{active:>8}{intake_ms:>12.3f}{page_ms:>17.3f}")


if __name__ == "__main__":
    main()

"""Cost of one task completion: HTTP paths against the engine floors, on one database.

Usage:
    python bench/lifecycle.py                       # SQLite file in a temporary folder
    python bench/lifecycle.py --database-url postgresql://postgres@127.0.0.1:5432/test

The PostgreSQL database given is emptied first (schema public is dropped).
Every mode runs the same five-step consultation path (triage → dispatch →
reply → review → callback) on its own fresh appeals, and reports the median
milliseconds per completion:

  engine        load state → complete the user task → save state, in memory
  engine+txn    the same plus one minimal transaction: update the state row,
                update the task row, insert an audit row, commit
  http-client   POST /api/v1/tasks/<id>/complete through Flask's test client
  http-server   the same request over loopback HTTP to gunicorn (1 sync worker)

It also counts SQL statements and commits per completion in the test-client mode.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import create_engine, event, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.config import normalize_database_url  # noqa: E402
from app.demo.loader import DEMO_PASSWORD, load_reference_data  # noqa: E402
from app.engine import runner  # noqa: E402
from app.engine.serialization import dump_state, load_state  # noqa: E402
from app.extensions import db  # noqa: E402
from app.orgs.models import OrgUnit  # noqa: E402
from app.processes import services as processes  # noqa: E402
from app.processes.models import WorkflowInstance  # noqa: E402
from app.tasks.models import HumanTask  # noqa: E402

USERS = {"triage": "nj_agent", "dispatch": "nj_dispatcher", "reply": "nj_cgj_handler", "review": "nj_dispatcher", "callback": "nj_agent"}
STEPS = ["triage", "dispatch", "reply", "review", "callback"]


def step_data(name, department_id):
    return {
        "triage": {"resolution": "dispatch"},
        "dispatch": {"unit_id": department_id, "instructions": ""},
        "reply": {"result": "已核实并答复来电人。", "outcome": "explained"},
        "review": {"decision": "accept"},
        "callback": {"satisfaction": "satisfied", "resolved": True},
    }[name]


def prepare_database(url):
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()

    from flask_migrate import upgrade

    from app.cli import deploy_shipped_processes

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret"})
    with app.app_context():
        upgrade(directory=os.path.join(ROOT, "migrations"))
        deploy_shipped_processes(echo=lambda message: None)
        load_reference_data()
        db.session.remove()
    return app


class Api:
    """Minimal JSON client over either the test client or a real HTTP connection."""

    def __init__(self, app=None, port=None):
        self.client = app.test_client() if app else None
        self.port = port
        self.tokens = {}

    def request(self, method, path, body=None, username=None):
        headers = {"Content-Type": "application/json"}
        if username:
            headers["Authorization"] = f"Bearer {self.token(username)}"
        payload = json.dumps(body) if body is not None else None
        if self.client:
            response = self.client.open(path, method=method, data=payload, headers=headers)
            return response.status_code, response.get_json()
        with closing(http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)) as connection:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"null")

    def token(self, username):
        if username not in self.tokens:
            status, body = self.request("POST", "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD})
            assert status == 200, body
            self.tokens[username] = body["token"]
        return self.tokens[username]


def register(api, region_id):
    body = {"appeal_type": "consultation", "channel": "phone_12345", "region_id": region_id, "category_code": "020501", "content": "咨询公积金提取条件。"}
    status, appeal = api.request("POST", "/api/v1/appeals", body, "nj_agent")
    assert status == 201, appeal
    return appeal["number"]


def open_task_id(app, number, name):
    with app.app_context():
        from app.appeals.models import Appeal

        task_id = db.session.scalar(
            select(HumanTask.id)
            .join(Appeal, Appeal.id == HumanTask.appeal_id)
            .where(Appeal.number == number, HumanTask.name == name, HumanTask.status == "open")
        )
        db.session.remove()
    return task_id


def measure_http(app, api, appeals, department_id, region_id):
    numbers = [register(api, region_id) for _ in range(appeals)]
    timings = []
    for name in STEPS:
        for number in numbers:
            task_id = open_task_id(app, number, name)
            started = time.perf_counter()
            status, body = api.request("POST", f"/api/v1/tasks/{task_id}/complete", {"data": step_data(name, department_id)}, USERS[name])
            timings.append(time.perf_counter() - started)
            assert status == 200, body
    return timings


def count_sql(app, api, department_id, region_id):
    """Return (statements, commits) per completion, averaged over one five-step path."""
    counts = {"statements": 0, "commits": 0}
    with app.app_context():
        engine = db.engine

    def on_execute(conn, cursor, statement, *args):
        # SQLite's explicit BEGIN IMMEDIATE goes through the cursor; PostgreSQL's BEGIN does not.
        if not statement.lstrip().upper().startswith("BEGIN"):
            counts["statements"] += 1

    def on_commit(conn):
        counts["commits"] += 1

    number = register(api, region_id)
    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    try:
        for name in STEPS:
            task_id = open_task_id(app, number, name)
            api.request("POST", f"/api/v1/tasks/{task_id}/complete", {"data": step_data(name, department_id)}, USERS[name])
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)
    return counts["statements"] / len(STEPS), counts["commits"] / len(STEPS)


def engine_floors(app, api, appeals, department_id, region_id):
    """Time load → complete → save alone, and with one minimal transaction, on fresh appeals."""
    numbers = [register(api, region_id) for _ in range(appeals)]
    bare, with_txn = [], []
    with app.app_context():
        from app.appeals.models import Appeal

        rows = db.session.execute(
            select(WorkflowInstance, Appeal.id).join(Appeal, Appeal.id == WorkflowInstance.appeal_id).where(Appeal.number.in_(numbers))
        ).all()
        instances = []
        for instance, appeal_id in rows:
            version = db.session.get(processes.ProcessVersion, instance.process_version_id)
            task_id = db.session.scalar(select(HumanTask.id).where(HumanTask.appeal_id == appeal_id))
            instances.append((instance.id, appeal_id, task_id, instance.state, version.content_hash))
        db.session.remove()

        connection = db.engine.raw_connection()
        sqlite = db.engine.dialect.name == "sqlite"
        placeholder = "?" if sqlite else "%s"
        cursor = connection.cursor()
        states = {instance_id: state for instance_id, _, _, state, _ in instances}

        for mode, timings in (("bare", bare), ("txn", with_txn)):
            current = dict(states)
            for name in STEPS:
                for instance_id, appeal_id, task_id, _, spec_hash in instances:
                    started = time.perf_counter()
                    workflow = load_state(current[instance_id], processes.SPEC_CACHE, runner.SCRIPT_ENGINE)
                    ready = runner.ready_user_tasks(workflow)[0]
                    data = step_data(name, department_id)
                    if name == "dispatch":
                        # The task service adds the unit kind after checking the unit; the bare engine needs it given.
                        data = dict(data, unit_kind="department")
                    runner.complete_user_task(workflow, str(ready.id), data)
                    blob = dump_state(workflow, spec_hash)
                    if mode == "txn":
                        if sqlite:
                            cursor.execute("BEGIN IMMEDIATE")
                        cursor.execute(f"UPDATE workflow_instance SET state = {placeholder} WHERE id = {placeholder}", (blob, instance_id))
                        cursor.execute(f"UPDATE human_task SET status = {placeholder} WHERE id = {placeholder}", ("open", task_id))
                        cursor.execute(
                            "INSERT INTO audit_event (appeal_id, event, detail, created_at) "
                            f"VALUES ({placeholder}, {placeholder}, {placeholder}, {placeholder})",
                            (appeal_id, "bench", "{}", "2026-12-04 00:00:00"),
                        )
                        connection.commit()
                    timings.append(time.perf_counter() - started)
                    current[instance_id] = blob
            # Restore the stored states so the txn pass starts from the same waiting points.
        cursor.close()
        connection.close()
    return bare, with_txn


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url, port):
    env = dict(os.environ, DATABASE_URL=url, HOTLINE_SECRET_KEY="bench-secret")
    process = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with closing(socket.create_connection(("127.0.0.1", port), timeout=1)):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start within 30 s")


def median_ms(values):
    return statistics.median(values) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="database to use (default: a new SQLite file); PostgreSQL is emptied first")
    parser.add_argument("--appeals", type=int, default=60, help="appeals per mode; each gives five completions (default 60)")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="hotline-bench-")
    url = normalize_database_url(args.database_url) or f"sqlite:///{folder}/bench.sqlite3"
    app = prepare_database(url)
    with app.app_context():
        region_id = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == "JS-NJ-鼓楼区"))
        department_id = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == "JS-NJ-城市管理局"))
        db.session.remove()

    client_api = Api(app=app)
    register(client_api, region_id)  # warm the spec cache and the form registry
    bare, with_txn = engine_floors(app, client_api, args.appeals, department_id, region_id)
    statements, commits = count_sql(app, client_api, department_id, region_id)
    via_client = measure_http(app, client_api, args.appeals, department_id, region_id)

    port = free_port()
    server = start_gunicorn(url, port)
    try:
        server_api = Api(port=port)
        register(server_api, region_id)
        via_server = measure_http(app, server_api, args.appeals, department_id, region_id)
    finally:
        server.terminate()
        server.wait(timeout=10)

    floor = median_ms(with_txn)
    dialect = url.split(":", 1)[0]
    print(f"database: {dialect}   completions per mode: {len(bare)}   python {sys.version.split()[0]}   cpus {os.cpu_count()}")
    print(f"{'mode':<14}{'median ms':>11}{'× engine':>10}{'× engine+txn':>14}")
    for name, values in (("engine", bare), ("engine+txn", with_txn), ("http-client", via_client), ("http-server", via_server)):
        value = median_ms(values)
        print(f"{name:<14}{value:>11.3f}{value / median_ms(bare):>10.2f}{value / floor:>14.2f}")
    print(f"SQL per completion (http-client): {statements:.1f} statements (BEGIN not counted), {commits:.1f} commits")


if __name__ == "__main__":
    main()

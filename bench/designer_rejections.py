"""Time the designer's validation: each hostile upload's rejection, valid saves, and migration checks.

Usage:
    python bench/designer_rejections.py                # SQLite file in a temporary folder
    python bench/designer_rejections.py --repeat 10

Every hostile case of tests/designer/test_api_rejections.py is uploaded
through Flask's test client (POST /api/v1/designer/processes/<id>/upload) and
must come back 422. The script prints the median and the slowest of the
repeats in milliseconds; the target is under 1000 ms for each rejection. It
also times the validation of the shipped complaint bundle, a draft save of a
small diagram, and the migration list per running appeal.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from app.demo.loader import DEMO_PASSWORD  # noqa: E402
from app.processes.services import read_bpmn_folder  # noqa: E402
from bench.lifecycle import prepare_database  # noqa: E402
from tests.designer.conftest import appeal_flow  # noqa: E402
from tests.designer.test_api_rejections import HOSTILE_UPLOADS  # noqa: E402
from tests.helpers import appeal_body  # noqa: E402

TARGET_MS = 1000


def bearer(client, username):
    response = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def timed(repeat, request, expected_status):
    """Run ``request`` ``repeat`` times; return the durations in ms, checking every status."""
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = request()
        durations.append((time.perf_counter() - started) * 1000)
        if response.status_code != expected_status:
            raise SystemExit(f"expected HTTP {expected_status}, got {response.status_code}: {response.get_json()}")
    return durations


def upload(client, headers, process_id, text):
    import io

    data = {"file": (io.BytesIO(text.encode("utf-8")), f"{process_id}.bpmn")}
    return client.post(f"/api/v1/designer/processes/{process_id}/upload", data=data, headers=headers, content_type="multipart/form-data")


def report(name, durations):
    median, slowest = statistics.median(durations), max(durations)
    verdict = "ok" if slowest < TARGET_MS else "OVER TARGET"
    print(f"{name:<28} {median:9.1f} {slowest:9.1f}  {verdict}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="uploads per case (default 5)")
    parser.add_argument("--appeals", type=int, default=50, help="running appeals for the migration list (default 50)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        app = prepare_database(f"sqlite:///{folder}/bench.sqlite3")
        client = app.test_client()
        designer = bearer(client, "designer")
        process_id = "bench_designer"
        client.post("/api/v1/designer/processes", json={"process_id": process_id, "name": "bench"}, headers=designer)

        print(f"repeats per case: {args.repeat}   python {sys.version.split()[0]}   cpus {os.cpu_count()}")
        print(f"{'case':<28} {'median ms':>9} {'max ms':>9}")
        for case in sorted(HOSTILE_UPLOADS):
            text = HOSTILE_UPLOADS[case][0](process_id)
            report(case, timed(args.repeat, lambda: upload(client, designer, process_id, text), 422))

        shipped = {name: data.decode("utf-8") for name, data in read_bpmn_folder(os.path.join(ROOT, "bpmn")).items()}
        validate = lambda: client.post("/api/v1/designer/processes/complaint/validate", json={"files": shipped}, headers=designer)  # noqa: E731
        report("valid: shipped complaint", timed(args.repeat, validate, 200))
        files = {f"{process_id}.bpmn": appeal_flow(process_id)}
        save = lambda: client.put(f"/api/v1/designer/processes/{process_id}/draft", json={"files": files}, headers=designer)  # noqa: E731
        report("valid: save small draft", timed(args.repeat, save, 200))

        # Running complaint appeals, listed against a new version that only adds a form.
        agent = bearer(client, "nj_agent")
        with app.app_context():
            body = appeal_body(app)
        for _ in range(args.appeals):
            client.post("/api/v1/appeals", json=dict(body, content=f"{body['content']}{_}"), headers=agent)
        client.put("/api/v1/designer/processes/complaint/draft", json={"files": shipped, "forms": {"note.json": {"type": "object"}}}, headers=designer)
        version = client.post("/api/v1/designer/processes/complaint/versions", json={"note": "bench"}, headers=designer).get_json()["version"]["version"]
        listing = timed(1, lambda: client.get(f"/api/v1/designer/processes/complaint/versions/{version}/migration", headers=designer), 200)
        print(f"migration list: {listing[0]:.1f} ms for {args.appeals} running appeals ({listing[0] / args.appeals:.2f} ms each)")


if __name__ == "__main__":
    main()

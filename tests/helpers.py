"""Test helpers: API calls as demo users and a standard appeal body."""

import itertools

from sqlalchemy import func, select

from app.demo.loader import DEMO_PASSWORD
from app.extensions import db
from app.orgs.models import OrgUnit

_counter = itertools.count(1)


class ApiUser:
    """Calls the JSON API through the Flask test client with one demo user's bearer token."""

    _tokens = {}

    def __init__(self, client, username):
        self.client = client
        self.username = username
        if username not in self._tokens:
            response = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 200, response.get_json()
            self._tokens[username] = response.get_json()["token"]
        self.headers = {"Authorization": f"Bearer {self._tokens[username]}"}

    def get(self, path, **kwargs):
        return self.client.get("/api/v1" + path, headers=self.headers, **kwargs)

    def post(self, path, json=None, headers=None):
        merged = dict(self.headers, **(headers or {}))
        return self.client.post("/api/v1" + path, json=json, headers=merged)

    def open_task(self, number, name, org_id=None):
        """Return the id of the appeal's open or claimed task with this name (and candidate unit, when given)."""
        appeal = self.get(f"/appeals/{number}").get_json()
        ids = [
            task["id"]
            for task in appeal["tasks"]
            if task["name"] == name and task["status"] in ("open", "claimed") and org_id in (None, task["candidate_org_id"])
        ]
        assert len(ids) == 1, (name, appeal["status"], appeal["tasks"])
        return ids[0]

    def complete(self, number, name, data, claim=False, org_id=None):
        task_id = self.open_task(number, name, org_id)
        if claim:
            response = self.post(f"/tasks/{task_id}/claim")
            assert response.status_code == 200, response.get_json()
        response = self.post(f"/tasks/{task_id}/complete", json={"data": data})
        assert response.status_code == 200, response.get_json()
        return task_id


def unit_id(app, code):
    """Return the id of the org unit with this code."""
    with app.app_context():
        return db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))


def appeal_body(app, **overrides):
    """Return a valid POST /appeals body for a Nanjing complaint, with overrides."""
    body = {
        "appeal_type": "complaint",
        "channel": "phone_12345",
        "category_code": "010103",
        "region_id": unit_id(app, "JS-NJ-鼓楼区"),
        "citizen_name": "王先生",
        "citizen_phone": "13900001234",
        "content": f"小区门口夜间烧烤油烟扰民，第{next(_counter)}次反映。",
        "urgency": "normal",
    }
    body.update(overrides)
    return body


def table_counts(app, tables=("appeal", "human_task", "audit_event", "workflow_instance", "idempotency_record")):
    """Return row counts of the main tables, to show a request changed nothing."""
    from sqlalchemy import text

    with app.app_context():
        counts = {name: db.session.execute(text(f"SELECT COUNT(*) FROM {name}")).scalar() for name in tables}
        counts["task_states"] = sorted(
            db.session.execute(text("SELECT id, status, assignee_id FROM human_task")).all()
        )
        counts["instance_states"] = sorted(
            db.session.execute(text("SELECT id, updated_at FROM workflow_instance")).all()
        )
        db.session.remove()
        return counts

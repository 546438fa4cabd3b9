"""The SQL cost of one task completion: about ten statements and exactly one commit."""

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db
from tests.helpers import ApiUser, appeal_body, unit_id

# Token user, instance lock, task, then instance/task/appeal updates, task and audit inserts.
MAX_STATEMENTS_PER_COMPLETION = 10


@contextmanager
def count_sql(app):
    counts = {"statements": [], "commits": 0}
    with app.app_context():
        engine = db.engine

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        counts["statements"].append(statement.split()[0].upper())

    def on_commit(conn):
        counts["commits"] += 1

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)


def test_completion_statement_and_commit_count(app, client):
    agent, dispatcher = ApiUser(client, "nj_agent"), ApiUser(client, "nj_dispatcher")
    handler = ApiUser(client, "nj_cgj_handler")
    number = agent.post("/appeals", json=appeal_body(app)).get_json()["number"]
    dispatcher.complete(number, "dispatch", {"unit_id": unit_id(app, "JS-NJ-城市管理局")})
    task_id = handler.open_task(number, "reply")
    handler.post(f"/tasks/{task_id}/claim")

    with count_sql(app) as counts:
        response = handler.post(f"/tasks/{task_id}/complete", json={"data": {"result": "已整改完毕。", "outcome": "resolved"}})
    assert response.status_code == 200

    statements = [verb for verb in counts["statements"] if verb not in ("BEGIN", "SAVEPOINT", "RELEASE")]
    assert counts["commits"] == 1
    assert len(statements) <= MAX_STATEMENTS_PER_COMPLETION, statements
    assert statements.count("INSERT") == 2, statements

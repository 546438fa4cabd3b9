"""Alembic migrations build the schema the models describe, from an empty database."""

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect

from app import create_app
from app.extensions import db

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_upgrade_empty_database_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(directory=os.path.join(ROOT, "migrations"))
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()

    assert differences == []
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"appeal", "human_task", "workflow_instance", "process_version", "audit_event", "alembic_version"} <= tables


def test_session_database_matches_models(app):
    """The run's database (PostgreSQL when TEST_DATABASE_URL is set) was migrated to the models' schema."""
    with app.app_context():
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            tables = set(inspect(connection).get_table_names())
    assert differences == []
    assert "alembic_version" in tables

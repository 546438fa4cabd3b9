"""Shared fixtures: one real database per test run, migrated with Alembic, seeded with the demo org tree."""

import os
import tempfile

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from app.config import normalize_database_url
from app.extensions import db
from tests.clock_fixture import frozen  # noqa: F401  (shared by the SLA and handling tests)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _reset_postgres(url):
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = normalize_database_url(os.environ.get("TEST_DATABASE_URL"))
    if url:
        _reset_postgres(url)
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "hotline-test.sqlite3")


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    from app.cli import deploy_shipped_processes
    from app.demo.loader import load_reference_data

    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret-key",
            "WTF_CSRF_ENABLED": False,
        }
    )
    application.instance_path = str(instance)

    with application.app_context():
        upgrade(directory=os.path.join(ROOT, "migrations"))
        deploy_shipped_processes(echo=lambda message: None)
        load_reference_data()
        db.session.remove()
    yield application

    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def app_context(app):
    with app.app_context():
        yield
        db.session.remove()

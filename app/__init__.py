"""12345 Hotline Workflow: the application factory."""

import logging

from flask import Flask, g, request, session

from .config import load_config
from .core.db import clear_write_request, mark_write_request
from .extensions import babel, csrf, db, login_manager, migrate
from .processes.forms import FormRegistry


def select_locale():
    """Pick the UI language: ?lang=, then the session, then the zh_CN default."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    requested = request.args.get("lang")
    if requested in languages:
        session["lang"] = requested
    return session.get("lang") if session.get("lang") in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _declare_write_intent():
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        g.write_intent_token = mark_write_request()


def _clear_write_intent(exc):
    token = g.pop("write_intent_token", None)
    if token is not None:
        clear_write_request(token)


def create_app(config=None):
    """Build the Flask application; nothing connects or schedules at import time."""
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    app.json.ensure_ascii = False  # Chinese text stays readable in API responses.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # SpiffWorkflow logs every task state change at INFO, and APScheduler every job run.
    for noisy in ("spiff", "spiff.task", "spiff.workflow", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config.get("MIGRATIONS_FOLDER") or "migrations")
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Shanghai")
    login_manager.init_app(app)
    csrf.init_app(app)
    app.extensions["hotline.forms"] = FormRegistry(app.config["FORMS_FOLDER"])

    from . import models  # noqa: F401  (registers every table on the metadata)
    from .auth import setup_auth
    from .api import api_bp
    from .web import web_bp
    from .cli import register_cli
    from .web.errors import register_error_handlers

    setup_auth(app)
    app.before_request(_declare_write_intent)
    app.teardown_request(_clear_write_intent)
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(web_bp)
    register_error_handlers(app)
    register_cli(app)

    if app.config["SCHEDULER_ENABLED"]:
        from .scheduler import start_scheduler

        app.extensions["hotline.scheduler"] = start_scheduler(app)
    return app

"""Configuration: defaults, overridden by HOTLINE_* / DATABASE_URL environment variables."""

import os
import secrets

DEFAULTS = {
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh_CN", "en"],
    "BPMN_FOLDER": None,
    "FORMS_FOLDER": None,
    "API_TOKEN_MAX_AGE_SECONDS": 12 * 3600,
    "MAX_REPROCESSING_ROUNDS": 2,
    # Returns a dispatcher reviews; the next return of the same appeal goes to a supervisor.
    "MAX_RETURNS": 2,
    # Standard return reasons (code → Chinese label); the department adds free text to each.
    "RETURN_REASONS": {
        "not_our_duty": "不属于本单位职责",
        "not_our_area": "不属于本辖区",
        "duplicate": "重复诉求",
        "insufficient_information": "诉求信息不全，无法办理",
        "legal_procedure": "应通过诉讼、仲裁等法定途径解决",
        "other": "其他",
    },
    # Largest extension one request may ask for, in working days.
    "EXTENSION_MAX_DAYS": "10",
    "APPEAL_CONTENT_MAX_CHARS": 5000,
    "SCHEDULER_ENABLED": False,
    "TIMER_INTERVAL_SECONDS": 10,
    "SWEEP_INTERVAL_SECONDS": 60,
    # Overall limits in working days by appeal type; a category's limit_days overrides them.
    "SLA_LIMIT_DAYS": {"consultation": "1.9", "default": "4.3"},
    # Stage clock classes named by the diagrams' "clock" property, in working days; a dict
    # gives days by appeal type.
    "SLA_STAGE_DAYS": {
        "claim": "0.5",
        "return": "1",
        "reply": {"consultation": "1.2", "default": "3"},
        "callback": "0.5",
        "rework": "3",
        "dispatch": "0.5",
        "assist": "2",
    },
    # Classes that only expire: no urging or supervision (the return window).
    "SLA_UNENFORCED_CLASSES": ("return",),
    # Share of a budget after which a clock turns yellow and the assignee is urged.
    "SLA_YELLOW_SHARE": "0.75",
    # Default working windows; org units may set their own.
    "SLA_WORKING_WINDOWS": "08:30-12:00,13:30-17:30",
    # ISO 8601 duration after which an unanswered callback closes the appeal as unreachable.
    "CALLBACK_TIMEOUT": "P3D",
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # Catalogue entries whose default "department" is the hotline centre itself.
    "CENTRE_DEPARTMENT_TYPE": "12345热线服务中心",
}

# Appeal type → top-level process id in bpmn/.
PROCESS_BY_APPEAL_TYPE = {
    "consultation": "consultation",
    "help": "complaint",
    "complaint": "complaint",
    "report": "complaint",
    "suggestion": "complaint",
    "praise": "complaint",
}


def load_config(app, overrides=None):
    """Fill app.config from defaults, the environment and explicit overrides."""
    root = os.path.dirname(app.root_path)
    app.config.update(DEFAULTS)
    app.config["BPMN_FOLDER"] = os.path.join(root, "bpmn")
    app.config["FORMS_FOLDER"] = os.path.join(root, "forms")

    env_url = os.environ.get("DATABASE_URL")
    if env_url:
        app.config["SQLALCHEMY_DATABASE_URI"] = env_url
    if os.environ.get("HOTLINE_SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["HOTLINE_SECRET_KEY"]
    if os.environ.get("HOTLINE_SCHEDULER") == "1":
        app.config["SCHEDULER_ENABLED"] = True

    app.config.update(overrides or {})

    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "hotline.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"

    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)


def normalize_database_url(url):
    """Use the psycopg 3 driver for plain postgresql:// URLs (SQLAlchemy would pick psycopg2)."""
    if url and url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    if url and url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://"):]
    return url


def _instance_secret(instance_path):
    """Return a per-installation secret key kept in instance/, creating it once."""
    os.makedirs(instance_path, exist_ok=True)
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        with open(path, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        os.chmod(path, 0o600)
    with open(path, encoding="ascii") as handle:
        return handle.read().strip()

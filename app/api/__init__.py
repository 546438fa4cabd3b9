"""The JSON API under /api/v1: blueprint, authentication guard and error responses."""

from functools import wraps

from flask import Blueprint, current_app, jsonify, request, session
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from marshmallow import ValidationError
from wtforms import ValidationError as CsrfValidationError

from ..core.errors import AuthenticationFailed, CsrfTokenInvalid, Forbidden, HotlineError, InvalidInput

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@api_bp.before_request
def _check_session_csrf():
    """Require an X-CSRFToken header on writes signed in by the session cookie.

    The blueprint is exempt from form CSRF checks because bearer-token clients
    send no cookie. A browser page that calls the API with its session cookie
    sends the token from its csrf-token meta tag instead.
    """
    if request.method in SAFE_METHODS or "_user_id" not in session:
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        validate_csrf(request.headers.get("X-CSRFToken", ""))
    except CsrfValidationError as exc:
        raise CsrfTokenInvalid(
            f"missing or invalid X-CSRFToken header ({exc}); send the token from the page's csrf-token meta tag"
        ) from exc


def require_user(view):
    """Reject requests without a valid bearer token (or web session) with 401."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise AuthenticationFailed("missing or invalid bearer token; get one from POST /api/v1/auth/token")
        return view(*args, **kwargs)

    return wrapper


def require_role(*roles):
    """Reject requests from users without one of ``roles`` with 403, and anonymous ones with 401."""

    def decorator(view):
        @wraps(view)
        @require_user
        def wrapper(*args, **kwargs):
            if not current_user.roles & set(roles):
                raise Forbidden(f"only users with the role {' or '.join(roles)} can do this")
            return view(*args, **kwargs)

        return wrapper

    return decorator


def json_body():
    """Return the request's JSON object or raise InvalidInput saying what to send."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("request body must be a JSON object", {"(body)": "Send Content-Type: application/json with a JSON object."})
    return data


def load_with(schema, data):
    """Load data with a marshmallow schema, turning its errors into InvalidInput."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise InvalidInput("request has invalid fields", _flatten(exc.messages)) from exc


def _flatten(messages, prefix=""):
    flat = {}
    for key, value in messages.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, path + "."))
        elif isinstance(value, list):
            flat[path] = " ".join(str(item) for item in value)
        else:
            flat[path] = str(value)
    return flat


@api_bp.errorhandler(HotlineError)
def _hotline_error(exc):
    body = {"error": exc.code, "message": exc.message}
    if exc.fields:
        body["fields"] = exc.fields
    return jsonify(body), exc.status


@api_bp.errorhandler(404)
def _not_found(exc):
    return jsonify({"error": "not_found", "message": "no such API endpoint; see /api/v1/openapi.json"}), 404


@api_bp.errorhandler(405)
def _method_not_allowed(exc):
    return jsonify({"error": "method_not_allowed", "message": f"{request.method} is not allowed here"}), 405


@api_bp.errorhandler(413)
def _too_large(exc):
    return jsonify({"error": "too_large", "message": "request body is too large; the limit is 1 MiB"}), 413


from . import openapi  # noqa: E402,F401
from ..appeals import api as appeals_api  # noqa: E402,F401
from ..auth import api as auth_api  # noqa: E402,F401
from ..orgs import api as orgs_api  # noqa: E402,F401
from ..tasks import api as tasks_api  # noqa: E402,F401
from ..handling import api as handling_api  # noqa: E402,F401
from ..designer import api as designer_api  # noqa: E402,F401
from ..processes import api as processes_api  # noqa: E402,F401

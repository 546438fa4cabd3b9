"""The JSON API under /api/v1: blueprint, authentication guard and error responses."""

from functools import wraps

from flask import Blueprint, jsonify, request
from flask_login import current_user
from marshmallow import ValidationError

from ..core.errors import AuthenticationFailed, HotlineError, InvalidInput

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")


def require_user(view):
    """Reject requests without a valid bearer token (or web session) with 401."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise AuthenticationFailed("missing or invalid bearer token; get one from POST /api/v1/auth/token")
        return view(*args, **kwargs)

    return wrapper


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

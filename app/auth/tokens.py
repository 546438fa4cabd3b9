"""Bearer tokens for the API and the Flask-Login loaders."""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import login_manager
from ..orgs.services import get_user

_SALT = "hotline-api-token"


def _serializer():
    # One serializer per app: building it derives the signing key, which is not free per request.
    serializer = current_app.extensions.get("hotline.token_serializer")
    if serializer is None:
        serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)
        current_app.extensions["hotline.token_serializer"] = serializer
    return serializer


def issue_token(user):
    """Return a signed bearer token for the user, valid for API_TOKEN_MAX_AGE_SECONDS."""
    return _serializer().dumps({"uid": user.id, "gen": user.token_generation})


def user_from_token(token):
    """Return the active user a token belongs to, or None when it is invalid or expired."""
    try:
        payload = _serializer().loads(token, max_age=current_app.config["API_TOKEN_MAX_AGE_SECONDS"])
    except (BadSignature, SignatureExpired):
        return None
    user = get_user(payload.get("uid"))
    if user is None or not user.active or user.token_generation != payload.get("gen"):
        return None
    return user


def _load_from_request(request):
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return user_from_token(token.strip())


def setup_auth(app):
    """Attach the session and bearer-token user loaders to the app."""
    login_manager.user_loader(lambda user_id: get_user(int(user_id)))
    login_manager.request_loader(_load_from_request)
    login_manager.login_view = "web.login"
    login_manager.login_message = None

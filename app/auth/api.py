"""POST /api/v1/auth/token."""

from flask import current_app, jsonify

from ..api import api_bp, json_body, load_with
from ..orgs.services import authenticate
from .schemas import TokenRequestSchema
from .tokens import issue_token


@api_bp.post("/auth/token")
def create_token():
    data = load_with(TokenRequestSchema(), json_body())
    user = authenticate(data["username"], data["password"])
    return jsonify(
        {
            "token": issue_token(user),
            "token_type": "Bearer",
            "expires_in": current_app.config["API_TOKEN_MAX_AGE_SECONDS"],
        }
    )

"""Sign-in for the web UI (session cookie) and the API (bearer tokens)."""

from .tokens import setup_auth  # noqa: F401

"""Error pages for the web UI. The API blueprint responds with JSON itself."""

import logging

from flask import jsonify, render_template, request

from ..core.errors import HotlineError

log = logging.getLogger(__name__)


def _wants_json():
    return request.path.startswith("/api/")


def register_error_handlers(app):
    """Render HotlineError and HTTP errors as pages (or JSON under /api/)."""

    @app.errorhandler(HotlineError)
    def hotline_error(exc):
        if _wants_json():
            body = {"error": exc.code, "message": exc.message, "fields": exc.fields}
            return jsonify(body), exc.status
        return render_template("error.html", status=exc.status, message=exc.message), exc.status

    @app.errorhandler(404)
    def not_found(exc):
        if _wants_json():
            return jsonify({"error": "not_found", "message": "no such API endpoint"}), 404
        return render_template("error.html", status=404, message=None), 404

    @app.errorhandler(500)
    def server_error(exc):
        log.error("request.failed path=%s error=%s", request.path, exc)
        if _wants_json():
            return jsonify({"error": "server_error", "message": "internal error; the change was not saved"}), 500
        return render_template("error.html", status=500, message=None), 500

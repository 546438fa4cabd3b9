"""Designer web pages: the process list, the BPMN modeler, versions, and the form preview.

The pages are shells for the scripts in app/static/designer/, which talk to the JSON API
under /api/v1/designer. Only the form preview renders data on the server, with the same
template as the task page, so the preview shows what a user will get.
"""

import re

from flask import current_app, jsonify, render_template, request
from flask_login import current_user, login_required
from jsonschema import Draft202012Validator

from ..core.errors import Forbidden, NotFound
from ..orgs.models import ROLES
from ..processes.form_schema import check_form_schema
from ..processes.forms import Form
from ..web import web_bp
from ..web.labels import APPEAL_STATUS_LABELS, CLOCK_KIND_LABELS, ROLE_LABELS
from .labels import translations
from .messages import problem_documents

DESIGNER_ROLES = frozenset({"designer", "admin"})
# BPMN ids are XML NCNames; the designer also keeps them short enough for the version table.
PROCESS_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$")
API_ROOT = "/api/v1/designer"


def _require_designer():
    if not current_user.roles & DESIGNER_ROLES:
        raise Forbidden("only process designers and administrators can use the designer")


def _checked_process_id(process_id):
    if not PROCESS_ID.match(process_id):
        raise NotFound(f"process {process_id!r} not found")
    return process_id


def _page_config(**extra):
    """Collect what every designer script needs: API root, labels and code lists."""
    config = {
        "apiRoot": request.script_root + API_ROOT,
        "labels": translations(),
        "roles": [{"code": role, "label": str(ROLE_LABELS.get(role, role))} for role in ROLES],
        "appealStatuses": [{"code": code, "label": str(text)} for code, text in APPEAL_STATUS_LABELS.items()],
        "clockClasses": [
            {"code": code, "label": str(CLOCK_KIND_LABELS.get(code, code))}
            for code in current_app.config["SLA_STAGE_DAYS"]
        ],
    }
    config.update(extra)
    return config


@web_bp.get("/designer/")
@login_required
def designer_home():
    _require_designer()
    return render_template("designer/index.html", page_config=_page_config())


@web_bp.get("/designer/processes/<process_id>")
@login_required
def designer_process(process_id):
    _require_designer()
    process_id = _checked_process_id(process_id)
    config = _page_config(processId=process_id, previewUrl=request.script_root + "/designer/forms/preview")
    return render_template("designer/modeler.html", process_id=process_id, page_config=config)


@web_bp.get("/designer/processes/<process_id>/versions")
@login_required
def designer_versions(process_id):
    _require_designer()
    process_id = _checked_process_id(process_id)
    return render_template("designer/versions.html", process_id=process_id, page_config=_page_config(processId=process_id))


@web_bp.post("/designer/forms/preview")
@login_required
def designer_form_preview():
    """Render a posted form schema with the task page's field template."""
    _require_designer()
    body = request.get_json(silent=True)
    schema = body.get("schema") if isinstance(body, dict) else None

    # The same check as POST /api/v1/designer/forms/check, so nothing renders that a
    # process could not store.
    problems = check_form_schema("preview.json", schema)
    if problems:
        return jsonify({"ok": False, "problems": problem_documents(problems)}), 422

    form = Form("preview.json", schema, Draft202012Validator(schema))
    return render_template(
        "designer/form_preview.html",
        form=form,
        values={},
        errors={},
        choices={},
        suggestion=None,
    )

"""Designer endpoints of the JSON API, under /api/v1/designer; designers and admins only."""

from flask import jsonify, request
from flask_babel import gettext
from flask_login import current_user

from ..api import api_bp, json_body, require_role
from ..core.errors import InvalidInput
from ..processes.form_schema import check_form_schema
from . import diff, migration, services
from .checks import encoding_problem
from .errors import ProcessRejected
from .messages import problem_documents

DESIGNER_ROLES = ("designer", "admin")


@api_bp.errorhandler(ProcessRejected)
def _process_rejected(exc):
    body = {
        "error": exc.code,
        "message": gettext("Found %(count)s problem(s); nothing was stored.", count=len(exc.problems)),
        "ok": False,
        "problems": problem_documents(exc.problems),
    }
    return jsonify(body), exc.status


def _model_body():
    body = json_body()
    files, forms = body.get("files"), body.get("forms", {})
    errors = {}
    if not isinstance(files, dict) or not files:
        errors["files"] = "Send an object that maps each .bpmn file name to its XML text."
    if not isinstance(forms, dict):
        errors["forms"] = "Send an object that maps each form file name to its JSON Schema."
    if errors:
        raise InvalidInput("request has invalid fields", errors)
    return files, forms


def _accepted(outcome, **extra):
    return {"ok": True, "problems": [], "not_reached": outcome.not_reached, **extra}


def _draft_document(draft):
    return {"process_id": draft.process_id, "name": draft.name, "updated_at": draft.updated_at.isoformat(), "updated_by": current_user.username}


@api_bp.get("/designer/processes")
@require_role(*DESIGNER_ROLES)
def designer_processes():
    return jsonify({"processes": services.list_processes()})


@api_bp.post("/designer/processes")
@require_role(*DESIGNER_ROLES)
def designer_create_process():
    body = json_body()
    process_id, name = body.get("process_id"), body.get("name")
    if not isinstance(process_id, str) or not isinstance(name, str):
        raise InvalidInput("request has invalid fields", {"process_id": "Send the new process id and name as strings."})
    draft, outcome = services.create_process(current_user, process_id, name)
    return jsonify(_accepted(outcome, draft=_draft_document(draft))), 201


@api_bp.get("/designer/processes/<process_id>/source")
@require_role(*DESIGNER_ROLES)
def designer_source(process_id):
    return jsonify(services.process_source(process_id))


@api_bp.get("/designer/forms")
@require_role(*DESIGNER_ROLES)
def designer_forms():
    return jsonify({"forms": services.available_forms(request.args.get("process_id") or None)})


@api_bp.post("/designer/forms/check")
@require_role(*DESIGNER_ROLES)
def designer_check_form():
    body = json_body()
    name = body.get("name") if isinstance(body.get("name"), str) else "form.json"
    problems = check_form_schema(name, body.get("schema"))
    if problems:
        raise ProcessRejected(problems)
    return jsonify({"ok": True, "problems": []})


@api_bp.post("/designer/processes/<process_id>/validate")
@require_role(*DESIGNER_ROLES)
def designer_validate(process_id):
    files, forms = _model_body()
    return jsonify(_accepted(services.validate(process_id, files, forms)))


@api_bp.put("/designer/processes/<process_id>/draft")
@require_role(*DESIGNER_ROLES)
def designer_save_draft(process_id):
    files, forms = _model_body()
    draft, outcome = services.save_draft(current_user, process_id, files, forms)
    return jsonify(_accepted(outcome, draft=_draft_document(draft)))


@api_bp.post("/designer/processes/<process_id>/upload")
@require_role(*DESIGNER_ROLES)
def designer_upload(process_id):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("no file uploaded", {"file": "Send the .bpmn file as multipart form data in the field 'file'."})

    # Only the base name counts; the checks reject names that are not plain .bpmn file names.
    filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise ProcessRejected([encoding_problem(filename)]) from None
    draft, outcome = services.upload_file(current_user, process_id, filename, text)
    return jsonify(_accepted(outcome, draft=_draft_document(draft), file=filename))


@api_bp.post("/designer/processes/<process_id>/versions")
@require_role(*DESIGNER_ROLES)
def designer_deploy(process_id):
    body = request.get_json(silent=True) or {}
    note = body.get("note", "") if isinstance(body, dict) else ""
    if not isinstance(note, str):
        raise InvalidInput("request has invalid fields", {"note": "Send the version note as a string."})
    version = services.deploy_draft(current_user, process_id, note)
    return jsonify({"version": services.version_summary(version)}), 201


@api_bp.get("/designer/processes/<process_id>/versions")
@require_role(*DESIGNER_ROLES)
def designer_versions(process_id):
    return jsonify({"process_id": process_id, "versions": services.list_versions(process_id)})


@api_bp.get("/designer/processes/<process_id>/versions/<int:number>")
@require_role(*DESIGNER_ROLES)
def designer_version(process_id, number):
    return jsonify(services.version_document(process_id, number))


@api_bp.post("/designer/processes/<process_id>/versions/<int:number>/activate")
@require_role(*DESIGNER_ROLES)
def designer_activate(process_id, number):
    version = services.activate_version(current_user, process_id, number)
    return jsonify({"version": services.version_summary(version)})


def _version_number(name):
    value = request.args.get(name, "")
    if not value.isdigit():
        raise InvalidInput("invalid version numbers", {name: "Give a version number such as 1."})
    return int(value)


@api_bp.get("/designer/processes/<process_id>/diff")
@require_role(*DESIGNER_ROLES)
def designer_diff(process_id):
    return jsonify(diff.version_diff(process_id, _version_number("from"), _version_number("to")))


@api_bp.get("/designer/processes/<process_id>/versions/<int:number>/migration")
@require_role(*DESIGNER_ROLES)
def designer_migration_candidates(process_id, number):
    return jsonify({"process_id": process_id, "version": number, "appeals": migration.migration_candidates(process_id, number)})


@api_bp.post("/designer/processes/<process_id>/versions/<int:number>/migration")
@require_role(*DESIGNER_ROLES)
def designer_migrate(process_id, number):
    body = json_body()
    migrated, refused = migration.migrate_appeals(current_user, process_id, number, body.get("appeal_ids"))
    return jsonify({"migrated": migrated, "refused": refused})

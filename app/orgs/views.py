"""Admin pages for the org tree and the category catalogue: browse, search, import CSV."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from ..appeals.catalogue import import_catalogue
from ..appeals.models import Category
from ..core.errors import Forbidden
from ..extensions import db
from ..web import web_bp
from .importer import import_org_units
from .models import OrgUnit

MAX_UPLOAD_BYTES = 4 * 1024 * 1024
PAGE_LIMIT = 300


def _require_admin():
    if not current_user.has_role("admin"):
        raise Forbidden("only administrators can manage org units and the catalogue")


def _import_upload(importer, success_message):
    """Run an all-or-nothing importer on the uploaded file; return its problems (empty on success)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return [_("Choose a CSV file to upload.")]
    report = importer(upload.read(MAX_UPLOAD_BYTES + 1), current_user.id)
    if report.valid:
        flash(success_message(len(report.rows)), "success")
    return report.problems


@web_bp.route("/admin/orgs", methods=["GET", "POST"])
@login_required
def org_admin():
    _require_admin()
    problems = []
    if request.method == "POST":
        problems = _import_upload(import_org_units, lambda count: _("%(count)d org unit(s) imported.", count=count))
        if not problems:
            return redirect(url_for("web.org_admin"))

    term = request.args.get("q", "").strip()[:50]
    query = select(OrgUnit).order_by(OrgUnit.path).limit(PAGE_LIMIT)
    if term:
        query = query.where(or_(OrgUnit.name.contains(term), OrgUnit.code.contains(term)))
    units = db.session.scalars(query).all()
    return render_template("admin/orgs.html", units=units, term=term, problems=problems), (422 if problems else 200)


@web_bp.route("/admin/catalogue", methods=["GET", "POST"])
@login_required
def catalogue_admin():
    _require_admin()
    problems = []
    if request.method == "POST":
        problems = _import_upload(import_catalogue, lambda count: _("%(count)d categories imported.", count=count))
        if not problems:
            return redirect(url_for("web.catalogue_admin"))

    term = request.args.get("q", "").strip()[:50]
    query = select(Category).order_by(Category.code).limit(PAGE_LIMIT)
    if term:
        query = query.where(
            or_(
                Category.code.startswith(term),
                Category.level1.contains(term),
                Category.level2.contains(term),
                Category.level3.contains(term),
            )
        )
    categories = db.session.scalars(query).all()
    return render_template("admin/catalogue.html", categories=categories, term=term, problems=problems), (422 if problems else 200)

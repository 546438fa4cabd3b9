"""Pages for the working calendar (admin) and the per-unit time-limit statistics."""

import base64
import binascii
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..core.errors import Forbidden
from ..extensions import db
from ..web import web_bp
from . import admin
from .holidays import ScheduleFileError, official_schedule
from .models import CalendarOverride, CalendarYear

MAX_UPLOAD_BYTES = 64 * 1024


def _require_admin():
    if not current_user.has_role("admin"):
        raise Forbidden("only administrators can change the working calendar")


def _calendar_page(status=200, **extra):
    official_years = sorted(official_schedule().covered_years)
    context = {
        "official_first": official_years[0] if official_years else None,
        "official_last": official_years[-1] if official_years else None,
        "years": db.session.scalars(select(CalendarYear).order_by(CalendarYear.year)).all(),
        "overrides": db.session.scalars(select(CalendarOverride).order_by(CalendarOverride.day)).all(),
        "provisional_count": admin.provisional_clock_count(),
    }
    context.update(extra)
    return render_template("sla/calendar.html", **context), status


@web_bp.get("/admin/calendar")
@login_required
def calendar_page():
    _require_admin()
    return _calendar_page()


@web_bp.post("/admin/calendar/preview")
@login_required
def calendar_preview():
    _require_admin()
    upload = request.files.get("schedule")
    if upload is None or not upload.filename:
        return _calendar_page(422, upload_problems=[_("Choose a YAML or CSV schedule file to upload.")])

    content = upload.read(MAX_UPLOAD_BYTES + 1)
    try:
        year_schedule, preview = admin.preview_year(content, upload.filename)
    except ScheduleFileError as exc:
        return _calendar_page(422, upload_problems=list(exc.problems))

    encoded = base64.b64encode(content).decode("ascii")
    return render_template("sla/calendar_preview.html", preview=preview, year_schedule=year_schedule, content=encoded, filename=upload.filename)


@web_bp.post("/admin/calendar/import")
@login_required
def calendar_import():
    _require_admin()
    try:
        content = base64.b64decode(request.form.get("content", ""), validate=True)
        moved = admin.import_year(content, request.form.get("filename", "schedule.yaml"), current_user.id)
    except (ScheduleFileError, binascii.Error, ValueError) as exc:
        flash(str(exc), "error")
        return redirect(url_for("web.calendar_page"))
    flash(_("Schedule loaded; %(count)d open deadline(s) recomputed.", count=moved), "success")
    return redirect(url_for("web.calendar_page"))


@web_bp.post("/admin/calendar/overrides")
@login_required
def calendar_override_set():
    _require_admin()
    try:
        day = date.fromisoformat(request.form.get("day", ""))
    except ValueError:
        flash(_("Enter the date as YYYY-MM-DD."), "error")
        return redirect(url_for("web.calendar_page"))
    is_workday = request.form.get("kind") == "workday"
    moved = admin.set_override(day, is_workday, request.form.get("note", "").strip(), current_user.id)
    flash(_("Override saved; %(count)d open deadline(s) recomputed.", count=moved), "success")
    return redirect(url_for("web.calendar_page"))


@web_bp.post("/admin/calendar/overrides/<day>/delete")
@login_required
def calendar_override_delete(day):
    _require_admin()
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        flash(_("Enter the date as YYYY-MM-DD."), "error")
        return redirect(url_for("web.calendar_page"))
    moved = admin.delete_override(parsed, current_user.id)
    flash(_("Override removed; %(count)d open deadline(s) recomputed.", count=moved), "success")
    return redirect(url_for("web.calendar_page"))


STATISTICS_ROLES = frozenset({"supervisor", "dispatcher", "admin"})


def _check_statistics_role():
    if not current_user.roles & STATISTICS_ROLES:
        raise Forbidden("only supervisors, dispatchers and administrators can see unit statistics")


def _statistics_rows():
    from .stats import unit_statistics

    _check_statistics_role()
    return unit_statistics(current_user)


def _category_rows():
    from .stats import category_returns

    _check_statistics_role()
    return category_returns(current_user)


@web_bp.get("/stats/units")
@login_required
def unit_statistics_page():
    return render_template("sla/unit_statistics.html", rows=_statistics_rows(), categories=_category_rows())


def _csv_response(body, filename):
    from flask import Response

    return Response("\ufeff" + body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={filename}"})


@web_bp.get("/stats/units.csv")
@login_required
def unit_statistics_csv():
    from .stats import statistics_csv

    header = [
        _("Unit"), _("Received"), _("Claimed"), _("Claimed on time"), _("Returned tasks"), _("Returns accepted"), _("Return rate"),
        _("Extensions requested"), _("Extensions approved"), _("Replied"), _("Replied on time"), _("Overdue now"),
    ]
    return _csv_response(statistics_csv(_statistics_rows(), header), "unit-statistics.csv")


@web_bp.get("/stats/categories.csv")
@login_required
def category_returns_csv():
    from .stats import CATEGORY_COLUMNS, statistics_csv

    header = [_("Category code"), _("Category"), _("Received as lead"), _("Returned tasks"), _("Return rate")]
    return _csv_response(statistics_csv(_category_rows(), header, CATEGORY_COLUMNS), "category-returns.csv")

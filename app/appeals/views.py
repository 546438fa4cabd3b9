"""Web pages: intake form, appeal list and the appeal page with its timeline."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from ..api import load_with
from ..audit.services import event_detail
from ..core.errors import InvalidInput
from ..extensions import db
from ..orgs.models import OrgUnit
from ..processes.version_forms import appeal_spec_hash
from ..core.db import utcnow
from ..sla.presenters import appeal_clocks
from ..web import web_bp
from ..web.formdata import form_values
from ..handling.presenters import appeal_extensions, appeal_returns, dispatch_path
from . import services
from .models import APPEAL_TYPES, CHANNELS, URGENCIES, Category
from .privacy import citizen_identity
from .schemas import AppealCreateSchema


def _intake_choices():
    categories = db.session.scalars(select(Category).where(Category.active.is_(True)).order_by(Category.code)).all()
    regions = db.session.scalars(
        select(OrgUnit).where(OrgUnit.kind.in_(("province", "city", "district"))).order_by(OrgUnit.path)
    ).all()
    return {
        "appeal_types": APPEAL_TYPES,
        "channels": CHANNELS,
        "urgencies": URGENCIES,
        "categories": categories,
        "regions": regions,
    }


def _posted_appeal(form):
    data = {
        "appeal_type": form.get("appeal_type", ""),
        "channel": form.get("channel", ""),
        "category_code": form.get("category_code") or None,
        "region_id": int(form["region_id"]) if form.get("region_id", "").isdigit() else form.get("region_id", ""),
        "citizen_name": form.get("citizen_name", "").strip(),
        "citizen_phone": form.get("citizen_phone", "").strip(),
        "content": form.get("content", ""),
        "urgency": form.get("urgency", "normal"),
        "confidential": form.get("confidential") == "on",
        "enterprise": form.get("enterprise") == "on",
    }
    if form.get("direct_answer") == "on":
        data["triage"] = {"resolution": "direct_answer", "answer": form.get("answer", "").strip()}
    return data


@web_bp.route("/appeals/new", methods=["GET", "POST"])
@login_required
def intake():
    errors, values = {}, {}
    g.back_url = url_for("web.intake")
    if request.method == "POST":
        values = request.form
        try:
            data = load_with(AppealCreateSchema(), _posted_appeal(request.form))
            data["content"] = data["content"].strip()
            triage = data.pop("triage")
            appeal, _ = services.register_appeal(current_user, data, triage=triage)
        except InvalidInput as exc:
            errors = exc.fields
        else:
            flash(gettext("Appeal %(number)s registered.", number=appeal.number), "success")
            return redirect(url_for("web.appeal_page", number=appeal.number))
    status = 422 if errors else 200
    return render_template("appeals/intake.html", errors=errors, values=values, **_intake_choices()), status


@web_bp.get("/appeals")
@login_required
def appeal_list():
    appeals = services.list_appeals(current_user, status=request.args.get("status") or None)
    return render_template("appeals/list.html", appeals=appeals)


@web_bp.get("/appeals/<number>")
@login_required
def appeal_page(number):
    appeal = services.get_visible_appeal(current_user, number)
    name, phone = citizen_identity(appeal, current_user)
    timeline = []
    history = services.appeal_timeline(appeal)
    spec_hash = appeal_spec_hash(appeal.id)
    for row in history:
        detail = event_detail(row)
        timeline.append((row, form_values(detail, spec_hash), detail))
    return render_template(
        "appeals/detail.html",
        appeal=appeal,
        citizen_name=name,
        citizen_phone=phone,
        tasks=services.appeal_tasks(appeal),
        clocks=appeal_clocks(appeal.id, utcnow()),
        send_back_count=services.send_back_count(history),
        timeline=timeline,
        path=dispatch_path(appeal, history),
        returns=appeal_returns(appeal.id),
        extensions=appeal_extensions(appeal.id),
    )

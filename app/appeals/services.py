"""Appeal intake, public numbers, lookup and history."""

import hashlib
import json
from datetime import timedelta, timezone

from flask import current_app
from sqlalchemy import exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit.services import appeal_history, event_detail, record_event
from ..config import PROCESS_BY_APPEAL_TYPE
from ..core.db import utcnow, write_transaction
from ..core.errors import AppealNotFound, Forbidden, IdempotencyKeyReused, InvalidInput
from ..extensions import db
from ..handling.models import DispatchedUnit
from ..orgs.models import OrgUnit
from ..processes import services as processes
from ..sla import clocks
from ..tasks import services as tasks
from ..tasks.models import HumanTask
from ..tasks.sync import sync_tasks
from .models import Appeal, AppealCounter, Category, IdempotencyRecord

SHANGHAI = timezone(timedelta(hours=8))
INTAKE_ROLES = frozenset({"agent", "commissioner"})


def next_public_number(now):
    """Return the next public number for the Asia/Shanghai day of ``now``: YYYYMMDD + 6 digits."""
    day = now.astimezone(SHANGHAI).date()
    statement = (
        update(AppealCounter)
        .where(AppealCounter.day == day)
        .values(last_value=AppealCounter.last_value + 1)
        .returning(AppealCounter.last_value)
    )
    value = db.session.execute(statement).scalar()
    if value is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(AppealCounter).values(day=day, last_value=1))
            value = 1
        except IntegrityError:
            # Another transaction created today's counter first.
            value = db.session.execute(statement).scalar_one()
    return f"{day:%Y%m%d}{value:06d}"


def centre_for_region(region):
    """Return the centre unit that handles appeals from a region: its city, or the province."""
    unit = region
    while unit is not None and unit.kind not in ("city", "province"):
        unit = unit.parent
    return unit


def registering_centre(user, region):
    """Return the centre that owns a new appeal: the agent's own centre when the region lies
    below it, else the region's centre (an agent taking another city's calls in a surge)."""
    own = user.org_unit
    while own is not None and own.kind not in ("province", "city", "district"):
        own = own.parent
    if own is not None and region.path.startswith(own.path):
        return own
    return centre_for_region(region)


def _request_hash(payload):
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _replayed_appeal(user, key, payload):
    record = db.session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key)
    )
    if record is None:
        return None
    if record.request_hash != _request_hash(payload):
        raise IdempotencyKeyReused(
            f"Idempotency-Key {key!r} was already used with a different request; send a new key",
            {"Idempotency-Key": "Already used with a different request body; send a new key."},
        )
    return db.session.get(Appeal, record.appeal_id)


def _check_references(data):
    errors = {}
    region = db.session.get(OrgUnit, data["region_id"])
    if region is None or region.kind == "department":
        errors["region_id"] = "Must be the id of a province, city or district unit."
    category = db.session.get(Category, data["category_code"])
    if category is None or not category.active:
        errors["category_code"] = "Must be the code of an active category leaf."
    if errors:
        raise InvalidInput("appeal has invalid references", errors)
    return region


def register_appeal(user, data, idempotency_key=None, triage=None):
    """Register an appeal, start its workflow and return (appeal, created).

    ``data`` has passed the API or web schema. ``triage``, when given, completes
    the agent's first task (answer directly or dispatch) in the same transaction.
    A repeated Idempotency-Key with the same body returns the first appeal.
    """
    if not user.roles & INTAKE_ROLES:
        raise Forbidden("only agents and policy commissioners can register appeals")

    payload = {"appeal": data, "triage": triage}
    try:
        return _register(user, data, idempotency_key, triage, payload)
    except IntegrityError:
        # A concurrent request with the same Idempotency-Key committed first.
        if not idempotency_key:
            raise
        db.session.rollback()
        replay = _replayed_appeal(user, idempotency_key, payload)
        if replay is None:
            raise
        return replay, False


def _register(user, data, idempotency_key, triage, payload):
    with write_transaction():
        if idempotency_key:
            replay = _replayed_appeal(user, idempotency_key, payload)
            if replay is not None:
                return replay, False

        region = _check_references(data)
        if triage is not None and data["appeal_type"] != "consultation":
            raise InvalidInput(
                "only consultations can be closed with a direct answer at intake",
                {"triage": "Leave it out for this appeal type; the appeal goes to dispatch."},
            )
        centre = registering_centre(user, region)
        version = processes.active_version(PROCESS_BY_APPEAL_TYPE[data["appeal_type"]])
        now = utcnow()

        appeal = Appeal(
            number=next_public_number(now),
            centre_id=centre.id,
            registered_by_id=user.id,
            created_at=now,
            **data,
        )
        db.session.add(appeal)
        db.session.flush()

        initial = {
            "centre_id": centre.id,
            "appeal_type": appeal.appeal_type,
            "urgency": appeal.urgency,
            "category_code": appeal.category_code or "",
            "reprocessing_round": 0,
            "max_reprocessing_rounds": current_app.config["MAX_REPROCESSING_ROUNDS"],
            "max_returns": current_app.config["MAX_RETURNS"],
            "callback_timeout": current_app.config["CALLBACK_TIMEOUT"],
        }
        instance, workflow = processes.start_instance(appeal, version, initial)
        clocks.start_overall_clock(appeal, now)
        sync_tasks(appeal, workflow, set(), now)
        record_event("appeal.registered", appeal.id, user.id, number=appeal.number, channel=appeal.channel)
        if triage is not None:
            _complete_triage(user, appeal, instance, workflow, triage)

        if idempotency_key:
            db.session.add(
                IdempotencyRecord(
                    user_id=user.id,
                    key=idempotency_key,
                    request_hash=_request_hash(payload),
                    appeal_id=appeal.id,
                    created_at=now,
                )
            )

    return appeal, True


def _complete_triage(user, appeal, instance, workflow, triage):
    db.session.flush()
    task = db.session.scalar(
        select(HumanTask).where(HumanTask.appeal_id == appeal.id, HumanTask.name == "triage", HumanTask.status == "open")
    )
    if task is None:
        raise InvalidInput("the active consultation process has no triage step", {"triage": "Leave it out."})
    tasks.check_form(task.form, triage, prefix="triage.", spec_hash=instance.spec_hash)
    tasks.complete_loaded(user, task, instance, workflow, triage)


def visible_appeals_condition(user):
    """Return a SQL condition for appeals the user may see.

    Those are appeals of a centre in the user's subtree, appeals with a task for a
    unit in that subtree, and appeals the user registered (an agent taking
    another city's calls keeps sight of them).
    """
    prefix = user.org_unit.path + "%"
    centre_visible = exists().where(OrgUnit.id == Appeal.centre_id, OrgUnit.path.like(prefix))
    task_visible = (
        exists()
        .where(HumanTask.appeal_id == Appeal.id)
        .where(OrgUnit.id == HumanTask.candidate_org_id, OrgUnit.path.like(prefix))
    )
    dispatch_visible = (
        exists()
        .where(DispatchedUnit.appeal_id == Appeal.id)
        .where(OrgUnit.id == DispatchedUnit.unit_id, OrgUnit.path.like(prefix))
    )
    return centre_visible | task_visible | dispatch_visible | (Appeal.registered_by_id == user.id)


def get_visible_appeal(user, number):
    """Return an appeal the user may see, or raise AppealNotFound; reading a confidential one is audited."""
    query = select(Appeal).where(Appeal.number == number, visible_appeals_condition(user))
    appeal = db.session.scalar(query)
    if appeal is None:
        raise AppealNotFound(number)

    if appeal.confidential:
        with write_transaction():
            record_event("appeal.confidential_read", appeal.id, user.id, number=appeal.number)
    return appeal


def list_appeals(user, status=None, limit=100):
    """Return the newest appeals the user may see."""
    query = select(Appeal).where(visible_appeals_condition(user))
    if status:
        query = query.where(Appeal.status == status)
    query = query.options(selectinload(Appeal.region), selectinload(Appeal.centre), selectinload(Appeal.category))
    return db.session.scalars(query.order_by(Appeal.id.desc()).limit(limit)).all()


def appeal_tasks(appeal):
    """Return the appeal's human tasks, oldest first."""
    query = select(HumanTask).where(HumanTask.appeal_id == appeal.id).options(selectinload(HumanTask.assignee)).order_by(HumanTask.id)
    return db.session.scalars(query).unique().all()


REVIEW_TASKS = ("review", "rework_review")


def send_back_count(history):
    """Count the reviews in an appeal's history that sent the reply back to the department."""
    count = 0
    for row in history:
        if row.event == "task.completed" and row.task_name in REVIEW_TASKS:
            if (event_detail(row).get("form") or {}).get("decision") == "send_back":
                count += 1
    return count


def appeal_timeline(appeal):
    """Return every audit event of the appeal, oldest first."""
    return appeal_history(appeal.id)

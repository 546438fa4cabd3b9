"""Command-line commands (``flask --app wsgi GROUP COMMAND``): processes, demo, timers, sla, calendar, catalogue, orgs."""

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from .config import PROCESS_BY_APPEAL_TYPE
from .core.db import write_transaction
from .processes import services as processes

processes_cli = AppGroup("processes", help="Deploy the BPMN process diagrams.")
demo_cli = AppGroup("demo", help="Demo data.")
timers_cli = AppGroup("timers", help="BPMN timers.")
sla_cli = AppGroup("sla", help="Working-time deadlines and the SLA sweep.")
calendar_cli = AppGroup("calendar", help="The working calendar: holiday schedules.")


def _parse_instant(value, option):
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 instant such as 2026-02-13T10:00+08:00", param_hint=option)
    if instant.tzinfo is None:
        raise click.BadParameter(f"{value!r} has no UTC offset; add one such as +08:00", param_hint=option)
    return instant


def _windows_option(value):
    from .sla.calendar import parse_windows
    from .sla.provider import default_windows

    if not value:
        return default_windows()
    try:
        return parse_windows(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--hours")


@sla_cli.command("deadline")
@click.option("--start", required=True, help="Start instant, ISO 8601 with offset, e.g. 2026-02-13T10:00+08:00.")
@click.option("--days", required=True, help="Budget in working days, e.g. 4.3.")
@click.option("--hours", default=None, help="Working windows, e.g. 08:30-12:00,13:30-17:30 (default: configured).")
def sla_deadline_command(start, days, hours):
    """Print the deadline N working days after START, marked provisional when it is."""
    from decimal import Decimal, InvalidOperation

    from .sla.provider import calendar_for

    try:
        if Decimal(days) < 0:
            raise InvalidOperation
    except InvalidOperation:
        raise click.BadParameter(f"{days!r} is not a non-negative number of working days such as 1.9", param_hint="--days")
    try:
        deadline = calendar_for(_windows_option(hours)).add_working_days(_parse_instant(start, "--start"), days)
    except (ValueError, OverflowError) as exc:
        raise click.BadParameter(str(exc), param_hint="--days")
    click.echo(deadline.isoformat() + (" provisional" if deadline.provisional else ""))


@sla_cli.command("between")
@click.option("--start", required=True, help="Start instant, ISO 8601 with offset.")
@click.option("--end", required=True, help="End instant, ISO 8601 with offset.")
@click.option("--hours", default=None, help="Working windows (default: configured).")
def sla_between_command(start, end, hours):
    """Print the working minutes between START and END."""
    from .sla.provider import calendar_for

    first, last = _parse_instant(start, "--start"), _parse_instant(end, "--end")
    if last < first:
        raise click.BadParameter(f"{end!r} is before --start {start!r}; swap them", param_hint="--end")
    minutes = calendar_for(_windows_option(hours)).working_minutes_between(first, last)
    if minutes.denominator == 1:
        click.echo(str(minutes.numerator))
    else:
        click.echo(f"{float(minutes):.4f}".rstrip("0"))


@sla_cli.command("sweep")
def sla_sweep_command():
    """Run the SLA sweep once: urge yellow clocks, supervise red ones."""
    from .sla.sweep import sweep

    totals = sweep()
    click.echo(f"Checked {totals['clocks']} clock(s), wrote {totals['alerts']} alert(s), opened {totals['supervisions']} supervision task(s).")


@calendar_cli.command("windows")
@click.option("--unit", "unit_code", required=True, help="Org unit code, e.g. JS-NJ.")
@click.option("--hours", default="", help="Working windows such as 08:30-12:00,13:30-17:30; empty to inherit.")
def calendar_windows_command(unit_code, hours):
    """Set an org unit's working windows and recompute open deadlines."""
    from sqlalchemy import select

    from .extensions import db
    from .orgs.models import OrgUnit
    from .sla.admin import set_unit_windows

    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == unit_code))
    if unit is None:
        raise click.BadParameter(f"no org unit has code {unit_code!r}", param_hint="--unit")
    try:
        moved = set_unit_windows(unit, hours, actor_id=None)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--hours")
    click.echo(f"{unit.name}: working windows {hours or 'inherited'}; {moved} open deadline(s) recomputed.")


@calendar_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Apply without asking after showing the changes.")
def calendar_import_command(path, yes):
    """Load a year's holiday schedule (YAML or CSV) after showing what it changes."""
    import os

    from .sla.admin import import_year, preview_year
    from .sla.calendar import SHANGHAI
    from .sla.holidays import ScheduleFileError

    with open(path, "rb") as handle:
        content = handle.read()
    filename = os.path.basename(path)
    try:
        year_schedule, preview = preview_year(content, filename)
    except ScheduleFileError as exc:
        raise click.ClickException(str(exc))

    click.echo(f"{preview.year}: {preview.source}")
    for day, before, after in preview.changed_days:
        click.echo(f"  {day.isoformat()} {'workday' if before else 'day off'} -> {'workday' if after else 'day off'}")
    click.echo(f"{len(preview.changed_days)} day(s) change; {preview.moved_count} open deadline(s) move.")
    for number, kind, old, new, provisional in preview.moved_clocks:
        old_text = old.astimezone(SHANGHAI).isoformat() if old else "-"
        click.echo(f"  {number} {kind}: {old_text} -> {new.astimezone(SHANGHAI).isoformat()}{' provisional' if provisional else ''}")

    if not yes and not click.confirm("Apply?", default=False):
        click.echo("Nothing changed.")
        return
    moved = import_year(content, filename, actor_id=None)
    click.echo(f"Imported {preview.year}; {moved} open deadline(s) recomputed.")


def deploy_shipped_processes(echo=click.echo):
    """Deploy every top-level process in the BPMN folder; unchanged content keeps its version."""
    documents = processes.read_bpmn_folder(current_app.config["BPMN_FOLDER"])
    with write_transaction():
        for process_id in sorted(set(PROCESS_BY_APPEAL_TYPE.values())):
            version = processes.deploy(documents, process_id, note="shipped diagram")
            echo(f"{process_id}: version {version.version} ({version.content_hash[:12]}) active")


@processes_cli.command("deploy")
def deploy_command():
    """Deploy the shipped diagrams in bpmn/."""
    deploy_shipped_processes()


@demo_cli.command("load")
def demo_load_command():
    """Load the demo org tree, users, catalogue and sample appeals into an empty database."""
    from .demo.loader import load_demo

    load_demo(click.echo)


@timers_cli.command("fire")
def timers_fire_command():
    """Fire every BPMN timer that is due now (the scheduler does this every few seconds)."""
    from .processes.events import fire_due_timers

    click.echo(f"Advanced {fire_due_timers()} workflow instance(s).")


catalogue_cli = AppGroup("catalogue", help="The appeal category catalogue.")


def _run_import(importer, path, noun):
    """Run an all-or-nothing CSV importer and print its report; exit 1 when the file is invalid."""
    with open(path, "rb") as handle:
        report = importer(handle.read(), actor_id=None)
    if not report.valid:
        for problem in report.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{len(report.problems)} problem(s) found; nothing was imported")
    click.echo(f"Imported {len(report.rows)} {noun}.")


@catalogue_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def catalogue_import_command(path):
    """Import a category catalogue CSV; an invalid file changes nothing and every problem is listed."""
    from .appeals.catalogue import import_catalogue

    _run_import(import_catalogue, path, "categories")


orgs_cli = AppGroup("orgs", help="The org tree.")


@orgs_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def orgs_import_command(path):
    """Import org units from CSV; an invalid file changes nothing and every problem is listed."""
    from .orgs.importer import import_org_units

    _run_import(import_org_units, path, "org unit(s)")


routing_cli = AppGroup("routing", help="Dispatch routing rules.")


@routing_cli.command("add")
@click.option("--category", "category_prefix", default="", help="Category code prefix: 2, 4 or 6 digits; empty for any.")
@click.option("--region", "region_code", default="", help="Region unit code; the rule covers its subtree. Empty for anywhere.")
@click.option("--unit", "unit_code", required=True, help="Code of the unit that should handle matching appeals.")
@click.option("--note", default="", help="Why the rule exists.")
def routing_add_command(category_prefix, region_code, unit_code, note):
    """Add a routing rule: appeals of this category prefix in this region go to this unit."""
    from sqlalchemy import select

    from .core.db import utcnow
    from .extensions import db
    from .orgs.models import OrgUnit, RoutingRule

    if category_prefix and (not category_prefix.isdigit() or len(category_prefix) not in (2, 4, 6)):
        raise click.BadParameter(f"{category_prefix!r} is not 2, 4 or 6 digits", param_hint="--category")
    codes = {code: db.session.scalar(select(OrgUnit).where(OrgUnit.code == code)) for code in {region_code, unit_code} if code}
    for option, code in (("--region", region_code), ("--unit", unit_code)):
        if code and codes[code] is None:
            raise click.BadParameter(f"no org unit has code {code!r}", param_hint=option)

    with write_transaction():
        rule = RoutingRule(
            category_prefix=category_prefix,
            region_id=codes[region_code].id if region_code else None,
            unit_id=codes[unit_code].id,
            note=note[:200],
            created_at=utcnow(),
        )
        db.session.add(rule)
    click.echo(f"Added routing rule {rule.id}: {category_prefix or 'any category'} in {region_code or 'any region'} -> {unit_code}")


def register_cli(app):
    """Attach the command groups to the app."""
    app.cli.add_command(processes_cli)
    app.cli.add_command(timers_cli)
    app.cli.add_command(sla_cli)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(catalogue_cli)
    app.cli.add_command(orgs_cli)
    app.cli.add_command(routing_cli)
    app.cli.add_command(demo_cli)

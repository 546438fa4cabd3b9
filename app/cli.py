"""Command-line commands: ``flask --app wsgi processes deploy`` and ``flask --app wsgi demo load``."""

import click
from flask import current_app
from flask.cli import AppGroup

from .config import PROCESS_BY_APPEAL_TYPE
from .core.db import write_transaction
from .processes import services as processes

processes_cli = AppGroup("processes", help="Deploy the BPMN process diagrams.")
demo_cli = AppGroup("demo", help="Demo data.")
timers_cli = AppGroup("timers", help="BPMN timers.")


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


def register_cli(app):
    """Attach the command groups to the app."""
    app.cli.add_command(processes_cli)
    app.cli.add_command(timers_cli)
    app.cli.add_command(demo_cli)

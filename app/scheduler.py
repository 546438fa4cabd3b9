"""The embedded APScheduler: fires due BPMN timers and runs the SLA sweep.

Started by create_app only when HOTLINE_SCHEDULER=1 (``make run`` sets it).
Every job is idempotent, so two processes running it at once do no harm.
"""

import logging

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)


def _fire_timers(app):
    from .extensions import db
    from .processes.events import fire_due_timers

    with app.app_context():
        try:
            fire_due_timers()
        except Exception:
            log.exception("scheduler.timer_job_failed")
        finally:
            db.session.remove()


def _sweep(app):
    from .extensions import db
    from .sla.sweep import sweep

    with app.app_context():
        try:
            sweep()
        except Exception:
            log.exception("scheduler.sweep_job_failed")
        finally:
            db.session.remove()


def start_scheduler(app):
    """Start the background scheduler for this process and return it."""
    scheduler = BackgroundScheduler(timezone="Asia/Shanghai")
    scheduler.add_job(
        _fire_timers,
        "interval",
        seconds=app.config["TIMER_INTERVAL_SECONDS"],
        args=[app],
        id="fire_due_timers",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        _sweep,
        "interval",
        seconds=app.config["SWEEP_INTERVAL_SECONDS"],
        args=[app],
        id="sla_sweep",
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    log.info(
        "scheduler.started timer_interval_seconds=%s sweep_interval_seconds=%s",
        app.config["TIMER_INTERVAL_SECONDS"],
        app.config["SWEEP_INTERVAL_SECONDS"],
    )
    return scheduler

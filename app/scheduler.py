"""The embedded APScheduler: fires due BPMN timers and runs the SLA sweep.

Started by create_app only when HOTLINE_SCHEDULER=1 (``make run`` sets it).
Every job is idempotent, so two processes running it at once do no harm.
"""

import logging

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)


def _run_job(app, name):
    """Run one scheduled job in an app context; a failure is logged and the next tick retries."""
    from .extensions import db
    from .processes.events import fire_due_timers
    from .sla.sweep import sweep

    job = {"fire_due_timers": fire_due_timers, "sla_sweep": sweep}[name]
    with app.app_context():
        try:
            job()
        except Exception:
            log.exception("scheduler.job_failed job=%s", name)
        finally:
            db.session.remove()


def start_scheduler(app):
    """Start the background scheduler for this process and return it."""
    scheduler = BackgroundScheduler(timezone="Asia/Shanghai")
    for name, interval_key in (("fire_due_timers", "TIMER_INTERVAL_SECONDS"), ("sla_sweep", "SWEEP_INTERVAL_SECONDS")):
        scheduler.add_job(
            _run_job,
            "interval",
            seconds=app.config[interval_key],
            args=[app, name],
            id=name,
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

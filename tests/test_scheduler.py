"""The embedded scheduler starts only when enabled and carries the timer job."""

from app import create_app


def test_scheduler_off_by_default(app):
    assert "hotline.scheduler" not in app.extensions


def test_scheduler_runs_timer_job(database_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x", "SCHEDULER_ENABLED": True, "TIMER_INTERVAL_SECONDS": 3600})
    scheduler = app.extensions["hotline.scheduler"]
    try:
        assert scheduler.running
        job = scheduler.get_job("fire_due_timers")
        assert job is not None
        assert job.trigger.interval.total_seconds() == 3600
    finally:
        scheduler.shutdown(wait=False)

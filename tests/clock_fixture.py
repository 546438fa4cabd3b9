"""A frozen clock for tests whose deadlines must fall on chosen instants."""

from datetime import datetime, timezone

import pytest

import app.core.db as core_db
from app.sla.calendar import SHANGHAI


class FrozenClock:
    """A settable replacement for datetime.now, so deadlines fall on chosen instants."""

    def __init__(self, instant):
        self.instant = instant

    def __call__(self, tz=None):
        return self.instant.astimezone(tz or timezone.utc)

    def set(self, text):
        self.instant = datetime.fromisoformat(text).astimezone(SHANGHAI)


@pytest.fixture()
def frozen(monkeypatch):
    clock = FrozenClock(datetime.now(timezone.utc))
    monkeypatch.setattr(core_db, "clock", clock)
    return clock

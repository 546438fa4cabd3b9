"""The demo data loads through the real services: every sample but the empty one, and the dispatch showcase."""

from app.demo.loader import load_dispatch_showcase, load_sample_appeals
from app.extensions import db


def test_demo_appeals_load(app):
    with app.app_context():
        report = load_sample_appeals()
        showcase = load_dispatch_showcase()
        db.session.remove()

    assert len(report) == 60
    not_loaded = [line for line in report if "not loaded" in line or "rejected" in line]
    assert not_loaded == ["A031: rejected at intake (content is empty), as a real agent would be told"]
    assert len(showcase) == 4
    assert "province → 南京市 → 鼓楼区" in showcase[0]

"""Category catalogue import: a large valid file loads, a broken one reports every problem and changes nothing."""

import os

from sqlalchemy import func, select

from app.appeals.catalogue import import_catalogue
from app.appeals.models import Category
from app.extensions import db

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADER = "code,level1,level2,level3,default_department,consult_or_not,default_appeal_type,limit_days,active\n"


def shipped_rows():
    with open(os.path.join(ROOT, "app", "demo", "data", "categories.csv"), encoding="utf-8") as handle:
        lines = handle.read().splitlines()[1:]
    return [line + ",,," for line in lines]


def large_catalogue(extra_leaves):
    """Return the shipped leaves plus generated ones under new top-level groups 90-99."""
    rows = shipped_rows()
    for index in range(extra_leaves):
        group, leaf = divmod(index, 99)
        top, middle = divmod(group, 99)
        rows.append(f"{90 + top:02d}{middle + 1:02d}{leaf + 1:02d},测试大类{top},测试小类{middle},测试诉求{index},城市管理局,否,complaint,,1")
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def category_state(app):
    with app.app_context():
        state = db.session.execute(select(Category.code, Category.level3, Category.active, Category.limit_days).order_by(Category.code)).all()
        db.session.remove()
        return state


def test_import_of_1095_leaves(app):
    content = large_catalogue(1095 - len(shipped_rows()) + 10)
    with app.app_context():
        report = import_catalogue(content, actor_id=None)
        assert report.problems == []
        assert len(report.rows) == 1105
        assert db.session.scalar(select(func.count()).select_from(Category).where(Category.active.is_(True))) == 1105
        assert db.session.get(Category, "900101").default_appeal_type == "complaint"
        db.session.remove()


def test_broken_catalogue_reports_every_problem(app):
    before = category_state(app)
    content = (
        HEADER
        + "010101,城市管理,市容秩序,占道经营,城市管理局,否,,,1\n"
        + "010101,城市管理,市容秩序,重复编码,城市管理局,否,,,1\n"
        + "0102AB,城市管理,市容秩序,坏编码,城市管理局,否,,,1\n"
        + "010201,城管,市容秩序,大类名称不一致,城市管理局,否,,,1\n"
        + "020101,住房,物业,未知部门,外星事务局,否,,,1\n"
        + "020102,住房,物业,类型错误,住房和城乡建设局,否,gossip,0,maybe\n"
    ).encode("utf-8")
    with app.app_context():
        report = import_catalogue(content, actor_id=None)
        db.session.remove()

    problems = "\n".join(report.problems)
    assert "line 3: code 010101 is a duplicate of line 2" in problems
    assert "line 4: code '0102AB' is not six digits" in problems
    assert "line 5: level1 group 01 is named '城管' here but '城市管理' on line 2" in problems
    assert "line 6: default_department '外星事务局'" in problems
    assert "line 7: default_appeal_type 'gossip'" in problems
    assert "line 7: limit_days '0'" in problems
    assert "line 7: active 'maybe'" in problems
    assert len(report.problems) == 7
    assert category_state(app) == before


def test_catalogue_command_refuses_missing_columns(app, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,name\n010101,x\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["catalogue", "import", str(path)])
    assert result.exit_code == 1
    assert "missing column(s) level1, level2, level3, default_department" in result.output

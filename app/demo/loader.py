"""Demo data: a Jiangsu-like org tree, users for every role, the catalogue and sample appeals.

The passwords are for demonstrations only and are printed by ``flask demo load``.
"""

import csv
import itertools
import json
import os

from sqlalchemy import select

from ..appeals import services as appeals
from ..appeals.models import Category
from ..core.db import write_transaction
from ..core.errors import HotlineError
from ..extensions import db
from ..orgs.models import OrgUnit, User
from ..orgs.services import add_org_unit, add_user
from ..tasks import services as tasks
from ..tasks.models import HumanTask

DATA_FOLDER = os.path.join(os.path.dirname(__file__), "data")
DEMO_PASSWORD = "demo12345"

CITIES = [
    ("NJ", "南京市", "Nanjing"), ("SZ", "苏州市", "Suzhou"), ("WX", "无锡市", "Wuxi"),
    ("CZ", "常州市", "Changzhou"), ("NT", "南通市", "Nantong"), ("YZ", "扬州市", "Yangzhou"),
    ("HA", "淮安市", "Huai'an"), ("XZ", "徐州市", "Xuzhou"), ("YC", "盐城市", "Yancheng"),
    ("ZJ", "镇江市", "Zhenjiang"), ("TZ", "泰州市", "Taizhou"), ("SQ", "宿迁市", "Suqian"),
    ("LYG", "连云港市", "Lianyungang"),
]
LOCAL_OFFICE = "属地街道/镇政府"
CENTRE_TYPE = "12345热线服务中心"

APPEAL_TYPES = {"咨询": "consultation", "求助": "help", "投诉": "complaint", "举报": "report", "建议": "suggestion", "表扬": "praise"}
CHANNELS = {"12345电话": "phone_12345", "96510": "merged_line", "96519": "merged_line", "96196": "merged_line",
            "网站": "web", "APP": "app", "微信": "wechat", "一企来": "enterprise_line"}
URGENCIES = {"一般": "normal", "紧急": "urgent", "特急": "very_urgent"}

# (username, display name, unit code, roles): the centre staff of the province and two cities,
# a district centre's dispatcher with a local office below it, and handlers in sibling
# departments of Nanjing and Suzhou.
DEMO_USERS = [
    ("admin", "系统管理员", "JS", {"admin", "designer"}),
    ("designer", "流程设计员", "JS", {"designer"}),
    ("commissioner", "政策专员", "JS", {"commissioner"}),
    ("js_agent", "省中心话务员", "JS", {"agent"}),
    ("js_dispatcher", "省中心派单员", "JS", {"dispatcher"}),
    ("js_supervisor", "省中心督办员", "JS", {"supervisor"}),
    ("nj_agent", "南京话务员", "JS-NJ", {"agent"}),
    ("nj_dispatcher", "南京派单员", "JS-NJ", {"dispatcher"}),
    ("nj_supervisor", "南京督办员", "JS-NJ", {"supervisor"}),
    ("nj_cgj_handler", "南京城管局承办人", "JS-NJ-城市管理局", {"handler"}),
    ("nj_cgj_handler2", "南京城管局承办人二", "JS-NJ-城市管理局", {"handler"}),
    ("nj_zjj_handler", "南京住建局承办人", "JS-NJ-住房和城乡建设局", {"handler"}),
    ("nj_scjgj_handler", "南京市场监管局承办人", "JS-NJ-市场监督管理局", {"handler"}),
    ("nj_wjw_handler", "南京卫健委承办人", "JS-NJ-卫生健康委员会", {"handler"}),
    ("gl_dispatcher", "鼓楼区派单员", "JS-NJ-鼓楼区", {"dispatcher"}),
    ("gl_jd_handler", "鼓楼区街道承办人", "JS-NJ-鼓楼区-街道", {"handler"}),
    ("sz_agent", "苏州话务员", "JS-SZ", {"agent"}),
    ("sz_dispatcher", "苏州派单员", "JS-SZ", {"dispatcher"}),
    ("sz_supervisor", "苏州督办员", "JS-SZ", {"supervisor"}),
    ("sz_cgj_handler", "苏州城管局承办人", "JS-SZ-城市管理局", {"handler"}),
]


def read_categories():
    """Return the catalogue rows shipped with the demo data."""
    with open(os.path.join(DATA_FOLDER, "categories.csv"), encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_sample_appeals():
    """Return the sample appeals shipped with the demo data."""
    with open(os.path.join(DATA_FOLDER, "sample_appeals.jsonl"), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _department_types(categories, samples):
    types = {row["default_department"] for row in categories} | {row["expected_department"] for row in samples}
    return sorted(types - {CENTRE_TYPE, LOCAL_OFFICE})


def build_org_tree(categories, samples):
    """Create the province, cities, the sample districts and their departments."""
    department_types = _department_types(categories, samples)
    province = add_org_unit("JS", "江苏省", "province", name_en="Jiangsu")
    for department_type in department_types[:8]:
        add_org_unit(f"JS-{department_type}", f"江苏省{department_type}", "department", province, department_type=department_type)

    districts_by_city = {}
    for row in samples:
        districts_by_city.setdefault(row["city"], set()).add(row["district"])

    for code, name, name_en in CITIES:
        city = add_org_unit(f"JS-{code}", name, "city", province, name_en=name_en)
        for department_type in department_types:
            add_org_unit(f"JS-{code}-{department_type}", f"{name}{department_type}", "department", city, department_type=department_type)
        for district_name in sorted(districts_by_city.get(name[:-1], ())):
            district = add_org_unit(f"JS-{code}-{district_name}", district_name, "district", city)
            add_org_unit(f"JS-{code}-{district_name}-街道", f"{district_name}属地街道办事处", "department", district, department_type=LOCAL_OFFICE)
    return province


def load_categories(rows):
    """Insert the catalogue leaves."""
    for row in rows:
        db.session.add(
            Category(
                code=row["code"],
                level1=row["level1"],
                level2=row["level2"],
                level3=row["level3"],
                default_department_type=row["default_department"],
                usually_consultation=row["consult_or_not"] == "是",
            )
        )


def _unit(code):
    return db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def _user(username):
    return db.session.scalar(select(User).where(User.username == username))


def _city_code(city_name):
    for code, name, _ in CITIES:
        if name.startswith(city_name):
            return code
    return None


def _region_for(row):
    code = _city_code(row["city"])
    if code is None:
        return _unit("JS")
    return _unit(f"JS-{code}-{row['district']}") or _unit(f"JS-{code}")


def _target_department(row, region):
    city_code = _city_code(row["city"])
    if row["expected_department"] == LOCAL_OFFICE and region.kind == "district":
        return _unit(f"{region.code}-街道")
    if city_code is None:
        return _unit(f"JS-{row['expected_department']}")
    return _unit(f"JS-{city_code}-{row['expected_department']}")


def _open_task(appeal, name):
    return db.session.scalar(
        select(HumanTask).where(HumanTask.appeal_id == appeal.id, HumanTask.name == name, HumanTask.status.in_(("open", "claimed")))
    )


def _handler_for(department):
    return db.session.scalar(select(User).where(User.org_unit_id == department.id, User.roles_text.like("%handler%")))


def _staff(city_code, role):
    return _user(f"{city_code.lower()}_{role}") if city_code in ("NJ", "SZ") else None


def drive_sample(row, index, stages, report):
    """Register one sample appeal and move it on: every sixth stays at dispatch, the rest take the next stage."""
    region = _region_for(row)
    city_code = _city_code(row["city"]) or "JS"
    agent = _staff(city_code, "agent") or _user("js_agent")
    data = {
        "appeal_type": APPEAL_TYPES[row["appeal_type"]],
        "channel": CHANNELS.get(row["channel"], "phone_12345"),
        "category_code": row["category_code"],
        "region_id": region.id,
        "content": row["content"].strip(),
        "urgency": URGENCIES.get(row["urgency"], "normal"),
        "confidential": bool(row["confidential"]),
        "enterprise": bool(row["enterprise"]),
    }
    if not data["content"]:
        report.append(f"{row['id']}: rejected at intake (content is empty), as a real agent would be told")
        return

    direct = data["appeal_type"] == "consultation" and row["notes"].startswith("可直接答复")
    triage = {"resolution": "direct_answer", "answer": "已依据知识库答复来电人。"} if direct else None
    appeal, _ = appeals.register_appeal(agent, data, triage=triage)
    if direct:
        report.append(f"{row['id']}: {appeal.number} answered directly and archived")
        return

    dispatcher = _staff(city_code, "dispatcher")
    if dispatcher is None or index % 6 == 0:
        report.append(f"{row['id']}: {appeal.number} {appeal.status}")
        return

    if data["appeal_type"] == "consultation":
        tasks.complete_task(agent, _open_task(appeal, "triage").id, {"resolution": "dispatch"})

    department = _target_department(row, region)
    tasks.complete_task(dispatcher, _open_task(appeal, "dispatch").id, {"unit_id": department.id, "instructions": "请按时限办理并答复。"})
    handler = _handler_for(department)
    if handler is None:
        report.append(f"{row['id']}: {appeal.number} dispatched to {department.name}")
        return

    stage = next(stages)
    report.append(f"{row['id']}: {appeal.number} {_advance(appeal, stage, agent, dispatcher, handler)}")


# Stages for the appeals whose department has a demo handler, taken in turn.
HANDLED_STAGES = ("claimed", "replied", "reviewed", "archived", "judgment", "dispatched")


def _advance(appeal, stage, agent, dispatcher, handler):
    """Move a dispatched appeal on to ``stage``; return a short description."""
    if stage == "dispatched":
        return "dispatched, waiting to be claimed"

    reply = _open_task(appeal, "reply")
    tasks.claim_task(handler, reply.id)
    if stage == "claimed":
        return f"claimed by {handler.username}"

    tasks.complete_task(handler, reply.id, {"result": "已现场核查并整改，已电话告知来电人。", "outcome": "resolved"})
    if stage == "replied":
        return "replied, awaiting review"

    tasks.complete_task(dispatcher, _open_task(appeal, "review").id, {"decision": "accept"})
    if stage == "reviewed":
        return "reviewed, awaiting callback"

    satisfaction = "dissatisfied" if stage == "judgment" and appeal.appeal_type != "consultation" else "satisfied"
    tasks.complete_task(agent, _open_task(appeal, "callback").id, {"satisfaction": satisfaction, "resolved": satisfaction == "satisfied"})
    return "dissatisfied, awaiting judgment" if satisfaction == "dissatisfied" else "archived, citizen satisfied"


SHOWCASE_CONTENT = {
    "multi_level": "鼓楼区某小区垃圾清运不及时，垃圾桶满溢多日，气味很大。",
    "returned": "小区门口早餐摊占道经营，早高峰行人只能走机动车道。",
    "co_handled": "某商户在小区公共部位违规搭建并占道经营，物业劝阻无效。",
    "extension": "道路照明路灯连续一周不亮，夜间行人出行不便。",
}


def _register(username, region_code, category_code, key):
    data = {
        "appeal_type": "complaint",
        "channel": "phone_12345",
        "category_code": category_code,
        "region_id": _unit(region_code).id,
        "content": SHOWCASE_CONTENT[key],
        "urgency": "normal",
    }
    appeal, _ = appeals.register_appeal(_user(username), data)
    return appeal


def _dispatch(username, appeal, unit_code, assisting=()):
    data = {"unit_id": _unit(unit_code).id, "instructions": "请按时限办理并答复。"}
    if assisting:
        data["assisting_unit_ids"] = [_unit(code).id for code in assisting]
    tasks.complete_task(_user(username), _open_task(appeal, "dispatch").id, data)


def load_dispatch_showcase():
    """Register four appeals that show dispatch across levels, a return, co-handling and an extension."""
    from ..handling import services as handling

    report = []
    appeal = _register("js_agent", "JS-NJ-鼓楼区", "010201", "multi_level")
    _dispatch("js_dispatcher", appeal, "JS-NJ")
    _dispatch("nj_dispatcher", appeal, "JS-NJ-鼓楼区")
    _dispatch("gl_dispatcher", appeal, "JS-NJ-鼓楼区-街道")
    report.append(f"{appeal.number}: province → 南京市 → 鼓楼区 → local office, waiting for gl_jd_handler's reply")

    appeal = _register("nj_agent", "JS-NJ-玄武区", "010101", "returned")
    _dispatch("nj_dispatcher", appeal, "JS-NJ-卫生健康委员会")
    handling.return_task(_user("nj_wjw_handler"), _open_task(appeal, "reply").id, "not_our_duty", "占道经营不属于卫生健康部门职责。")
    report.append(f"{appeal.number}: returned by the health commission, waiting for nj_dispatcher's review")

    appeal = _register("nj_agent", "JS-NJ-秦淮区", "010102", "co_handled")
    _dispatch("nj_dispatcher", appeal, "JS-NJ-城市管理局", assisting=("JS-NJ-住房和城乡建设局", "JS-NJ-市场监督管理局"))
    market = db.session.scalar(
        select(HumanTask).where(
            HumanTask.appeal_id == appeal.id, HumanTask.name == "assist_reply", HumanTask.candidate_org_id == _unit("JS-NJ-市场监督管理局").id
        )
    )
    tasks.complete_task(_user("nj_scjgj_handler"), market.id, {"opinion": "已核查商户证照，督促其规范经营。"})
    report.append(f"{appeal.number}: co-handled, waiting for nj_zjj_handler's assisting reply, then nj_cgj_handler's")

    appeal = _register("nj_agent", "JS-NJ-建邺区", "010403", "extension")
    _dispatch("nj_dispatcher", appeal, "JS-NJ-城市管理局")
    reply = _open_task(appeal, "reply")
    tasks.claim_task(_user("nj_cgj_handler"), reply.id)
    handling.request_extension(_user("nj_cgj_handler"), reply.id, "2", "需协调供电部门更换线路，预计需要两个工作日。")
    report.append(f"{appeal.number}: extension of 2 working days requested, waiting for nj_dispatcher's approval")
    return report


def load_reference_data():
    """Create the org tree, the catalogue and the demo users in one transaction."""
    categories = read_categories()
    with write_transaction():
        build_org_tree(categories, read_sample_appeals())
        load_categories(categories)
        for username, display_name, unit_code, roles in DEMO_USERS:
            add_user(username, display_name, DEMO_PASSWORD, _unit(unit_code), roles)


def load_sample_appeals():
    """Register every sample appeal and drive each to a stage; return one report line per sample."""
    report = []
    stages = itertools.cycle(HANDLED_STAGES)
    for index, row in enumerate(read_sample_appeals()):
        try:
            drive_sample(row, index, stages, report)
        except HotlineError as exc:
            report.append(f"{row['id']}: not loaded: {exc.message} {exc.fields}")
    return report


def load_demo(echo=print):
    """Load the whole demo data set into an empty database."""
    if db.session.scalar(select(OrgUnit.id).limit(1)) is not None:
        echo("Demo data is already loaded; nothing changed.")
        return False

    load_reference_data()
    report = load_sample_appeals() + load_dispatch_showcase()
    unit_count = db.session.query(OrgUnit).count()
    echo(f"Loaded {unit_count} org units, {len(read_categories())} categories, {len(DEMO_USERS)} users.")
    for line in report:
        echo("  " + line)
    echo("")
    echo(f"Demo users (demo only; password for every account: {DEMO_PASSWORD}):")
    for username, display_name, unit_code, roles in DEMO_USERS:
        echo(f"  {username:18} {','.join(sorted(roles)):22} {unit_code}")
    return True

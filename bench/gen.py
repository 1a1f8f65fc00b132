"""Deterministic generator of realistic xAPI 1.0.3 statements for the LRS benchmark.

Statement number i is a pure function of (seed, i): any process can build any range without
coordination, and two runs with the same seed send byte-identical statements. Only the standard
library is used, so the module loads in the client processes, in the Django top-up process and
in the orchestrator alike.

The population mirrors the training center: 50,000 learners (civil servants, 70% with an e-mail
mbox and 30% with an account on the city's employee portal), 120 courses of 4 modules each
(600 activities), 12 programs used as the `grouping` context activity, and a year of timestamps.
"""

import random
import uuid
from datetime import UTC, datetime, timedelta

LEARNERS = 50_000
COURSES = 120
MODULES_PER_COURSE = 4  # 120 courses + 480 modules = 600 activities
PROGRAMS = 12
ACTIVITY_BASE = "https://lms.kcg.gov.tw/xapi/activities"
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR_SECONDS = 365 * 24 * 3600
# The registration of a learner in a course is stable across all of their statements.
REGISTRATION_NS = uuid.UUID("6f1d0c2e-4a57-4d1e-9a43-2f3a9b7c1e55")
TAIPEI = "+08:00"

ADL = "http://adlnet.gov/expapi/verbs/"
# (verb id, English display, Chinese display, weight, object kind) - weights follow what a
# classroom-plus-e-learning center records: many module views, fewer completions and grades.
VERBS = [
    (ADL + "experienced", "experienced", "瀏覽", 30, "module"),
    (ADL + "attended", "attended", "出席", 18, "module"),
    (ADL + "completed", "completed", "完成", 16, "module"),
    (ADL + "registered", "registered", "報名", 10, "course"),
    (ADL + "passed", "passed", "通過", 9, "course"),
    (ADL + "failed", "failed", "未通過", 3, "course"),
    (ADL + "launched", "launched", "啟動", 8, "module"),
    (ADL + "answered", "answered", "作答", 6, "module"),
]
VERB_IDS = [v[0] for v in VERBS]
_VERB_CUM = []
_total = 0
for _v in VERBS:
    _total += _v[3]
    _VERB_CUM.append(_total)
_VERB_TOTAL = _total

COURSE_TOPICS = [
    "公文寫作",
    "行政程序法",
    "性別主流化",
    "資訊安全",
    "個人資料保護",
    "廉政倫理",
    "政府採購法",
    "國際禮儀",
    "災害防救",
    "環境教育",
    "多元文化",
    "人權教育",
    "溝通協調",
    "專案管理",
    "數位治理",
]


def course_id(c: int) -> str:
    return f"{ACTIVITY_BASE}/course/{c:04d}"


def module_id(c: int, m: int) -> str:
    return f"{ACTIVITY_BASE}/course/{c:04d}/module/{m}"


def program_id(c: int) -> str:
    return f"{ACTIVITY_BASE}/program/{c % PROGRAMS:02d}"


def learner_agent(n: int) -> dict:
    """The Agent of learner n: 70% by mbox, 30% by an account on the employee portal."""
    if n % 10 < 7:
        return {"objectType": "Agent", "name": f"學員{n:05d}", "mbox": f"mailto:learner{n:05d}@kcg.gov.tw"}
    return {
        "objectType": "Agent",
        "name": f"學員{n:05d}",
        "account": {"homePage": "https://eip.kcg.gov.tw", "name": f"E{n:06d}"},
    }


def agent_key(agent: dict) -> str:
    """A normalized IFI key, used only for the COPY baseline's actor column."""
    if "mbox" in agent:
        return "mbox:" + agent["mbox"]
    return "account:" + agent["account"]["homePage"] + "|" + agent["account"]["name"]


def _pick_verb(rng: random.Random) -> tuple:
    x = rng.random() * _VERB_TOTAL
    for i, cum in enumerate(_VERB_CUM):
        if x < cum:
            return VERBS[i]
    return VERBS[-1]


def _pick_course(rng: random.Random) -> int:
    # Mandatory courses (ethics, information security...) draw far more learners than
    # electives: a squared uniform skews towards the low-numbered courses.
    return int(rng.random() ** 2 * COURSES)


def _duration(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"PT{h}H{m}M{s}S" if h else f"PT{m}M{s}S"


def statement(seed: int, i: int) -> dict:
    """Statement number i of the data set `seed` (a dict ready for json.dumps)."""
    rng = random.Random(seed * 10_000_019 + i)
    learner = rng.randrange(LEARNERS)
    c = _pick_course(rng)
    verb_id, en, zh, _w, kind = _pick_verb(rng)
    ts = YEAR_START + timedelta(seconds=rng.randrange(YEAR_SECONDS))
    topic = COURSE_TOPICS[c % len(COURSE_TOPICS)]
    if kind == "module":
        m = rng.randrange(MODULES_PER_COURSE) + 1
        obj = {
            "objectType": "Activity",
            "id": module_id(c, m),
            "definition": {
                "name": {"zh-TW": f"{topic} 第{m}單元", "en-US": f"Course {c:04d} module {m}"},
                "type": "http://adlnet.gov/expapi/activities/module",
            },
        }
        parent = [{"objectType": "Activity", "id": course_id(c)}]
    else:
        obj = {
            "objectType": "Activity",
            "id": course_id(c),
            "definition": {
                "name": {"zh-TW": f"{topic}（{c:04d}）", "en-US": f"Course {c:04d}"},
                "type": "http://adlnet.gov/expapi/activities/course",
            },
        }
        parent = None
    context_activities: dict = {"grouping": [{"objectType": "Activity", "id": program_id(c)}]}
    if parent:
        context_activities["parent"] = parent
    st = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": learner_agent(learner),
        "verb": {"id": verb_id, "display": {"en-US": en, "zh-TW": zh}},
        "object": obj,
        "context": {
            "registration": str(uuid.uuid5(REGISTRATION_NS, f"{learner}:{c}")),
            "contextActivities": context_activities,
            "platform": "高雄市政府公務人力發展中心 學習平臺",
            "language": "zh-TW",
        },
        # Local time, as the LMS records it; the LRS keeps the offset in the JSON.
        "timestamp": (ts + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S") + TAIPEI,
    }
    if en in ("passed", "failed", "answered"):
        raw = (
            rng.randrange(60, 101) if en == "passed" else rng.randrange(0, 60) if en == "failed" else rng.randrange(101)
        )
        st["result"] = {
            "score": {"scaled": raw / 100, "raw": raw, "min": 0, "max": 100},
            "success": en != "failed" and raw >= 60,
            "completion": True,
            "duration": _duration(rng.randrange(300, 5400)),
        }
    elif en in ("completed", "experienced", "attended"):
        st["result"] = {"completion": en != "experienced", "duration": _duration(rng.randrange(60, 10_800))}
    return st


def statements(seed: int, start: int, stop: int) -> list[dict]:
    return [statement(seed, i) for i in range(start, stop)]


def copy_row(st: dict, stored: datetime) -> tuple:
    """The row of the COPY baseline table for one statement (same columns as the LRS's table)."""
    obj = st["object"]
    ts = datetime.fromisoformat(st["timestamp"])
    return (
        st["id"],
        agent_key(st["actor"]),
        st["verb"]["id"],
        obj["id"] if obj.get("objectType", "Activity") == "Activity" else None,
        st.get("context", {}).get("registration"),
        ts,
        stored,
    )

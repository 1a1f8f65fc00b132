"""Deterministic generator of xAPI 1.0.3 statements shaped like the LMS's real traffic.

Statement number i is a pure function of (seed, scale, i): any process can build any range
without coordination, and two runs with the same seed and scale send byte-identical statements.
Only the standard library is used, so the module loads in the client processes, in the Django
top-up process and in the orchestrator alike.

The shape follows the training center (docs/domain.md): about 1,000,000 statements a year, so
`scale` statements cover `years = scale / 1,000,000` years (ten at 10,000,000). Each year has its
own 120 courses; a course has an e-learning part (4 modules), class days (3 sessions, in the
classroom or remote) and an exam, all with the course as context `parent` and one of 12 programs
as `grouping`. Learners (50,000, plus 5,000 new ones a year) are 70% identified by an e-mail
`mbox` and 30% by an account on the city's employee portal; each learner's registration in a
course is one UUID across all its statements. Statements come from several platforms, each with
its own credential: the LMS (registrations, classroom attendance, exams), the e-learning platform,
the MOOC partner (blended courses) and the meeting tool (remote class days).

Corrections: 0.3% of the statements are voiding statements, each voiding an earlier statement of
the last few thousand (never a voiding statement); half of them are followed by the corrected
statement (a new id, a corrected score or duration). A platform voids its own statements; a fifth
of the voiding statements come from the records office's correction tool, whose credential has
`statements/void/others` (docs/xapi-trust.md).
"""

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DEFAULT_SCALE = 1_000_000
MAX_SCALE = 10_000_000
STATEMENTS_PER_YEAR = 1_000_000
LEARNERS = 50_000
NEW_LEARNERS_PER_YEAR = 5_000
COURSES_PER_YEAR = 120
MODULES_PER_COURSE = 4
SESSIONS_PER_COURSE = 3
PROGRAMS = 12
ACTIVITY_BASE = "https://lms.kcg.gov.tw/xapi/activities"
LAST_YEAR = 2025  # the data set ends with this year; a ten-year set starts in 2016
YEAR_SECONDS = 365 * 24 * 3600
# The registration of a learner in a course is stable across all of their statements.
REGISTRATION_NS = uuid.UUID("6f1d0c2e-4a57-4d1e-9a43-2f3a9b7c1e55")
TAIPEI = "+08:00"

VOID_SHARE = 0.003  # voiding statements among all statements
CORRECTED_SHARE = 0.5  # voiding statements followed by the corrected statement
RECORDS_OFFICE_SHARE = 0.2  # voiding statements sent by the records office rather than the platform
VOID_WINDOW = 5_000  # a voiding statement targets one of this many statements before it

ADL = "http://adlnet.gov/expapi/verbs/"
VOIDED = ADL + "voided"
# (verb id, English display, Chinese display, weight, object kind) - weights follow what a
# classroom-plus-e-learning center records: many module views, fewer completions and grades.
VERBS = [
    (ADL + "experienced", "experienced", "瀏覽", 30, "module"),
    (ADL + "attended", "attended", "出席", 18, "session"),
    (ADL + "completed", "completed", "完成", 16, "module"),
    (ADL + "registered", "registered", "報名", 10, "course"),
    (ADL + "passed", "passed", "通過", 9, "exam"),
    (ADL + "failed", "failed", "未通過", 3, "exam"),
    (ADL + "launched", "launched", "啟動", 8, "module"),
    (ADL + "answered", "answered", "作答", 6, "exam"),
]
VERB_IDS = [v[0] for v in VERBS]
_VERB_CUM = []
_total = 0
for _v in VERBS:
    _total += _v[3]
    _VERB_CUM.append(_total)
_VERB_TOTAL = _total

ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "session": "http://adlnet.gov/expapi/activities/meeting",
    "exam": "http://adlnet.gov/expapi/activities/assessment",
}

# Platform name -> (scopes of its credential, `context.platform`). The bench creates one
# credential per platform with `create_xapi_credential NAME --scope ...`.
PLATFORMS = {
    "lms": (["all"], "高雄市政府公務人力發展中心 學習平臺"),
    "elearning": (["statements/write", "statements/read/mine"], "e等公務園+學習平臺"),
    "mooc": (["statements/write", "statements/read/mine"], "夥伴大學 MOOC 平臺"),
    "meeting": (["statements/write", "statements/read/mine"], "視訊會議系統"),
    "records": (["statements/write", "statements/read", "statements/void/others"], "學習紀錄更正作業"),
}

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
    return f"{ACTIVITY_BASE}/course/{c:05d}"


def module_id(c: int, m: int) -> str:
    return f"{course_id(c)}/module/{m}"


def session_id(c: int, s: int) -> str:
    return f"{course_id(c)}/session/{s}"


def exam_id(c: int) -> str:
    return f"{course_id(c)}/exam"


def program_id(c: int) -> str:
    return f"{ACTIVITY_BASE}/program/{c % PROGRAMS:02d}"


def registration(learner: int, c: int) -> str:
    return str(uuid.uuid5(REGISTRATION_NS, f"{learner}:{c}"))


def learner_agent(n: int) -> dict:
    """The Agent of learner n: 70% by mbox, 30% by an account on the employee portal."""
    if n % 10 < 7:
        return {"objectType": "Agent", "name": f"學員{n:06d}", "mbox": f"mailto:learner{n:06d}@kcg.gov.tw"}
    return {
        "objectType": "Agent",
        "name": f"學員{n:06d}",
        "account": {"homePage": "https://eip.kcg.gov.tw", "name": f"E{n:07d}"},
    }


def staff_agent(n: int) -> dict:
    """A training staff member: the instructor of class days, the actor of corrections."""
    return {"objectType": "Agent", "name": f"承辦人{n:03d}", "mbox": f"mailto:staff{n:03d}@kcg.gov.tw"}


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


def _duration(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"PT{h}H{m}M{s}S" if h else f"PT{m}M{s}S"


@dataclass(frozen=True)
class DataSet:
    """The data set of one benchmark run: `scale` statements generated from `seed`."""

    seed: int
    scale: int = DEFAULT_SCALE

    @property
    def years(self) -> int:
        return max(1, -(-self.scale // STATEMENTS_PER_YEAR))

    @property
    def courses(self) -> int:
        return COURSES_PER_YEAR * self.years

    @property
    def learners(self) -> int:
        return LEARNERS + NEW_LEARNERS_PER_YEAR * (self.years - 1)

    @property
    def start(self) -> datetime:
        return datetime(LAST_YEAR - self.years + 1, 1, 1, tzinfo=UTC)

    def _rng(self, i: int) -> random.Random:
        return random.Random(self.seed * 10_000_019 + i)

    def _voiding_draw(self, i: int) -> tuple[bool, bool, bool]:
        """(is a voiding statement, followed by its correction, sent by the records office)."""
        rng = random.Random(self.seed * 7_000_003 + i)
        return rng.random() < VOID_SHARE and i > 0, rng.random() < CORRECTED_SHARE, rng.random() < RECORDS_OFFICE_SHARE

    def is_voiding(self, i: int) -> bool:
        return self._voiding_draw(i)[0]

    def voided_by(self, i: int) -> int:
        """The earlier statement that voiding statement i voids: never a voiding statement."""
        rng = random.Random(self.seed * 5_000_011 + i)
        low = max(0, i - VOID_WINDOW)
        while True:
            j = rng.randrange(low, i)
            if not self.is_voiding(j):
                return j

    def course_of(self, rng: random.Random) -> int:
        # Each year has its own catalog. Mandatory courses (ethics, information security...) draw
        # far more learners than electives: a squared uniform skews towards the low numbers.
        year = rng.randrange(self.years)
        return year * COURSES_PER_YEAR + int(rng.random() ** 2 * COURSES_PER_YEAR)

    def generate(self, i: int) -> tuple[str, dict]:
        """(platform, statement) of statement number i (a dict ready for json.dumps)."""
        voiding, _corrected, by_records_office = self._voiding_draw(i)
        if voiding:
            return self._voiding(i, by_records_office)
        if i > 0:
            previous_voiding, corrected, by_records_office = self._voiding_draw(i - 1)
            if previous_voiding and corrected:
                return self._correction(i, self.voided_by(i - 1), by_records_office)
        return self._learning(i)

    def statement(self, i: int) -> dict:
        return self.generate(i)[1]

    def statements(self, start: int, stop: int) -> list[dict]:
        return [self.generate(i)[1] for i in range(start, stop)]

    def _learning(self, i: int) -> tuple[str, dict]:
        rng = self._rng(i)
        learner = rng.randrange(self.learners)
        c = self.course_of(rng)
        verb_id, en, zh, _w, kind = _pick_verb(rng)
        year = c // COURSES_PER_YEAR
        ts = self.start + timedelta(days=365 * year, seconds=rng.randrange(YEAR_SECONDS))
        topic = COURSE_TOPICS[c % len(COURSE_TOPICS)]
        remote = c % 3 == 2  # a third of the courses hold their class days on the meeting tool
        blended = c % 5 == 4  # a fifth are blended MOOCs: the partner university hosts the modules
        context: dict = {"registration": registration(learner, c), "language": "zh-TW"}
        grouping = [{"objectType": "Activity", "id": program_id(c)}]
        if kind == "course":
            platform = "lms"
            name = {"zh-TW": f"{topic}（{c:05d}）", "en-US": f"Course {c:05d}"}
            obj_id = course_id(c)
            context["contextActivities"] = {"grouping": grouping}
        else:
            if kind == "module":
                m = rng.randrange(MODULES_PER_COURSE) + 1
                obj_id, platform = module_id(c, m), "mooc" if blended else "elearning"
                name = {"zh-TW": f"{topic} 第{m}單元", "en-US": f"Course {c:05d} module {m}"}
            elif kind == "session":
                s = rng.randrange(SESSIONS_PER_COURSE) + 1
                obj_id, platform = session_id(c, s), "meeting" if remote else "lms"
                name = {"zh-TW": f"{topic} 第{s}天", "en-US": f"Course {c:05d} day {s}"}
                context["instructor"] = staff_agent(c % 40)
            else:
                obj_id, platform = exam_id(c), "lms"
                name = {"zh-TW": f"{topic} 測驗", "en-US": f"Course {c:05d} exam"}
            context["contextActivities"] = {
                "parent": [{"objectType": "Activity", "id": course_id(c)}],
                "grouping": grouping,
            }
        context["platform"] = PLATFORMS[platform][1]
        st = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "actor": learner_agent(learner),
            "verb": {"id": verb_id, "display": {"en-US": en, "zh-TW": zh}},
            "object": {
                "objectType": "Activity",
                "id": obj_id,
                "definition": {"name": name, "type": ACTIVITY_TYPES[kind]},
            },
            "context": context,
            # Local time, as the LMS records it; the LRS keeps the offset in the JSON.
            "timestamp": (ts + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S") + TAIPEI,
        }
        if en in ("passed", "failed", "answered"):
            raw = (
                rng.randrange(60, 101)
                if en == "passed"
                else rng.randrange(0, 60)
                if en == "failed"
                else rng.randrange(101)
            )
            st["result"] = {
                "score": {"scaled": raw / 100, "raw": raw, "min": 0, "max": 100},
                "success": en != "failed" and raw >= 60,
                "completion": True,
                "duration": _duration(rng.randrange(300, 5400)),
            }
        elif en in ("completed", "experienced", "attended"):
            st["result"] = {"completion": en != "experienced", "duration": _duration(rng.randrange(60, 10_800))}
        return platform, st

    def _voiding(self, i: int, by_records_office: bool) -> tuple[str, dict]:
        j = self.voided_by(i)
        target_platform, target = self.generate(j)
        rng = self._rng(i)
        ts = datetime.fromisoformat(target["timestamp"]) + timedelta(days=rng.randrange(1, 30))
        st = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "actor": staff_agent(rng.randrange(40)),
            "verb": {"id": VOIDED, "display": {"en-US": "voided", "zh-TW": "作廢"}},
            "object": {"objectType": "StatementRef", "id": target["id"]},
            "timestamp": ts.isoformat(),
        }
        return ("records" if by_records_office else target_platform), st

    def _correction(self, i: int, j: int, by_records_office: bool) -> tuple[str, dict]:
        """The corrected copy of statement j, sent after the statement that voided it."""
        target_platform, target = self.generate(j)
        rng = self._rng(i)
        st = {**target, "id": str(uuid.UUID(int=rng.getrandbits(128), version=4))}
        result = dict(st.get("result") or {})
        if "score" in result:
            raw = min(100, result["score"]["raw"] + rng.randrange(1, 15))
            result["score"] = {"scaled": raw / 100, "raw": raw, "min": 0, "max": 100}
            if st["verb"]["id"] != ADL + "answered":
                result["success"] = raw >= 60
        result["duration"] = _duration(rng.randrange(60, 10_800))
        st["result"] = result
        return ("records" if by_records_office else target_platform), st

    def query_registration(self, rng: random.Random) -> str:
        """The registration of one of the data set's statements, as the registration query asks for it."""
        while True:
            st = self.statement(rng.randrange(self.scale))
            if "context" in st:
                return st["context"]["registration"]


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

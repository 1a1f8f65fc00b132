"""The hand-computed city (tests/reports/test_golden.py holds the expected figures).

Report year 2019, reports built "today" = 2026-03-01, so people are placed on 2019-12-31.
Agencies: A (root) with child A1, and B (root).
Courses: POL (policy, work-related 2 h), ENV (environmental education, e-learning, 4 h),
GEN (gender mainstreaming, 3 h), CED (CEDAW, 3 h), PRO (professional, 12 h), FUN (no
competency axis, i.e. not work-related, 10 h).
Rules: R1 work-related ≥ 20 h; R2 policy ≥ 1 h; R3 environment ≥ 4 h; R4 CEDAW ≥ 3 h within
2017–2019 with a 50% coverage target; R5 gender ≥ 3 h for supervisors only; R6 complete GEN,
for agency A1's subtree only.
People:
- P1 at A, supervisor: 2019 POL 2, ENV 4 (passed), GEN 3, FUN 10; CED 3 in 2017.
- P2 at A1: ENV 4 at 2019-12-31 23:30 Taipei (counts for 2019); POL 2 at 2020-01-01 00:30
  Taipei (2019 in UTC, counts for 2020); CED partial attendance in 2018 (scheduled 3, leave 1,
  credited 2); GEN recorded with 30 h by mistake, voided, and corrected to 3 h.
- P3 moved from B to A1 on 2019-07-01: POL 2 (before the move), ENV 4, GEN 3, PRO 12.
- P4 at B: no records.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from courses.models import Modality
from lms.people.transfers import transfer_person
from reports.models import RequirementRule
from tests.lms.people.factories import AgencyFactory, PersonFactory
from tests.reports.factories import AxisFactory, CourseFactory, OfferingFactory, RuleFactory, TopicFactory
from tests.reports.statements import make_statement, record, void

TAIPEI = ZoneInfo("Asia/Taipei")
TODAY = dt.date(2026, 3, 1)


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TAIPEI)


@pytest.fixture(autouse=True)
def eager_tasks(request):
    """Tasks run in-process in these tests even when REDIS_URL points at a broker; only the
    tests marked celery_worker go through Redis and a real worker (tests/reports/test_worker.py)."""
    from lms.celery import app

    if "celery_worker" in request.keywords:
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def city(django_capture_on_commit_callbacks):
    a = AgencyFactory(code="A", name="甲局")
    a1 = AgencyFactory(code="A1", name="甲局所屬乙處", parent=a, kind="second_level")
    a.refresh_from_db()
    b = AgencyFactory(code="B", name="丙局")

    policy = TopicFactory(slug="policy", name="政策")
    env = TopicFactory(slug="environmental-education", name="環境教育")
    gender = TopicFactory(slug="gender-mainstreaming", name="性別主流化")
    cedaw = TopicFactory(slug="cedaw", name="CEDAW")
    axis = AxisFactory(slug="common-core", name="共通核心職能")
    pro_axis = AxisFactory(slug="professional-core", name="專業核心職能")

    pol = CourseFactory(code="POL", title="當前重要政策", topics=[policy], competency_axis=axis, credit_hours=2)
    envc = CourseFactory(
        code="ENV", title="環境教育", topics=[env], competency_axis=axis, modality=Modality.ELEARNING, credit_hours=4
    )
    gen = CourseFactory(code="GEN", title="性別主流化", topics=[gender], competency_axis=axis)
    ced = CourseFactory(code="CED", title="CEDAW 導論", topics=[cedaw], competency_axis=axis)
    pro = CourseFactory(code="PRO", title="專業實務", competency_axis=pro_axis, credit_hours=12)
    fun = CourseFactory(code="FUN", title="自我成長", credit_hours=10)
    ced_2018 = OfferingFactory(
        code="CED-107-01", course=ced, start_date=dt.date(2018, 4, 2), end_date=dt.date(2018, 4, 2), term=1
    )
    gen_2019 = OfferingFactory(
        code="GEN-108-01", course=gen, start_date=dt.date(2019, 5, 1), end_date=dt.date(2019, 5, 1), term=1
    )

    M = RequirementRule.Measure
    r1 = RuleFactory(code="R1", name="與業務相關 20 小時", measure=M.WORK_RELATED_HOURS, min_hours=20, sort_order=1)
    r2 = RuleFactory(code="R2", name="政策 1 小時", measure=M.TOPIC_HOURS, min_hours=1, topics=[policy], sort_order=2)
    r3 = RuleFactory(code="R3", name="環境教育 4 小時", measure=M.TOPIC_HOURS, min_hours=4, topics=[env], sort_order=3)
    r4 = RuleFactory(
        code="R4",
        name="CEDAW 三年 3 小時",
        measure=M.TOPIC_HOURS,
        min_hours=3,
        topics=[cedaw],
        period="window",
        from_year=2017,
        to_year=2019,
        coverage_target_percent=Decimal("50"),
        sort_order=4,
    )
    r5 = RuleFactory(
        code="R5",
        name="主管性別主流化 3 小時",
        measure=M.TOPIC_HOURS,
        min_hours=3,
        topics=[gender],
        supervisors="only",
        sort_order=5,
    )
    r6 = RuleFactory(
        code="R6",
        name="乙處完成性別課程",
        measure=M.COURSE_COMPLETION,
        min_hours=None,
        course=gen,
        agency=a1,
        sort_order=6,
    )
    # A rule of the old regime and a rule not yet in force: neither applies in 2019.
    RuleFactory(code="OLD", name="40 小時", min_hours=40, from_year=2012, to_year=2016)
    RuleFactory(code="NEW", name="ICERD", from_year=2026)

    p1 = PersonFactory(employee_number="P1", name="王一", agency=a, is_supervisor=True)
    p2 = PersonFactory(employee_number="P2", name="李二", agency=a1)
    p3 = PersonFactory(employee_number="P3", name="張三", agency=b)
    p4 = PersonFactory(employee_number="P4", name="陳四", agency=b)
    transfer_person(person=p3, agency=a1, on=dt.date(2019, 7, 1))

    with django_capture_on_commit_callbacks(execute=True):
        record(
            [
                make_statement(p1, course=pol, hours=2, at=at(2019, 3, 1)),
                make_statement(p1, "passed", course=envc, hours=4, at=at(2019, 4, 1)),
                make_statement(p1, course=gen, hours=3, at=at(2019, 5, 1)),
                make_statement(p1, course=fun, hours=10, at=at(2019, 6, 1)),
                make_statement(p1, course=ced, hours=3, at=at(2017, 9, 1)),
                make_statement(p2, course=envc, hours=4, at=at(2019, 12, 31, 23, 30)),
                make_statement(p2, course=pol, hours=2, at=at(2020, 1, 1, 0, 30)),
                make_statement(p2, offering=ced_2018, hours=2, scheduled=3, leave=1, at=at(2018, 4, 2, 17)),
                make_statement(p3, course=pol, hours=2, at=at(2019, 3, 5)),
                make_statement(p3, "passed", course=envc, hours=4, at=at(2019, 8, 1)),
                make_statement(p3, offering=gen_2019, hours=3, scheduled=3, leave=0, at=at(2019, 5, 1, 17)),
                make_statement(p3, course=pro, hours=12, at=at(2019, 9, 1)),
            ]
        )
        wrong = make_statement(p2, offering=gen_2019, hours=30, at=at(2019, 5, 1, 17))
        record([wrong])
    with django_capture_on_commit_callbacks(execute=True):
        void(wrong["id"])
        record([make_statement(p2, offering=gen_2019, hours=3, scheduled=3, leave=0, at=at(2019, 5, 1, 17))])

    return SimpleNamespace(
        a=a,
        a1=a1,
        b=b,
        p1=p1,
        p2=p2,
        p3=p3,
        p4=p4,
        r1=r1,
        r2=r2,
        r3=r3,
        r4=r4,
        r5=r5,
        r6=r6,
        courses=SimpleNamespace(pol=pol, env=envc, gen=gen, ced=ced, pro=pro, fun=fun),
        offerings=SimpleNamespace(ced_2018=ced_2018, gen_2019=gen_2019),
    )

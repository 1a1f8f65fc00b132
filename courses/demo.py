"""Demo catalog: topics, axes, 40+ courses with offerings in every modality, the law map, certification tracks.

Deterministic and idempotent: rows are keyed on their codes and only missing ones are created.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from courses.models import (
    Assessment,
    CertificationTrack,
    CompetencyAxis,
    Course,
    Enrollment,
    IssuingBody,
    LearningPath,
    LearningPathStep,
    Modality,
    Offering,
    Session,
    Topic,
)
from lms.people.models import AgencyKind, Person, RankSeries

TOPICS = [
    ("ai", "AI", "生成式 AI 與資料應用於公務"),
    ("net-zero", "淨零", "2050 淨零排放、淨零學院"),
    ("gender-mainstreaming", "性別主流化", "性別主流化工具與性別影響評估"),
    ("cedaw", "CEDAW", "消除對婦女一切形式歧視公約"),
    ("procurement", "政府採購", "政府採購專業人員訓練"),
    ("cyber-security", "資通安全", "資通安全通識與專業"),
    ("english", "英語", "英語能力與英檢"),
    ("workplace-bullying", "職場霸凌防治", "職場霸凌與性騷擾防治"),
    ("human-rights", "人權", "兩公約、ICERD 與人權保障"),
    ("icerd", "ICERD", "消除一切形式種族歧視國際公約"),
    ("law", "法制", "法制作業與依法行政"),
    ("environmental-education", "環境教育", "環境教育法規定之環境教育"),
    ("policy", "政策", "當前重要政策"),
]

AXES = [
    ("city-vision", "市政發展願景"),
    ("national-policy", "國家發展政策"),
    ("common-core", "共通核心職能"),
    ("management-core", "管理核心職能"),
    ("professional-core", "專業核心職能"),
]

# (code, title, topics, axis, modality, hours, audience, eligibility)
COURSES = [
    (
        "AI-101",
        "AI 實戰工作坊：生成式 AI 公文寫作",
        ["ai"],
        "common-core",
        Modality.CLASSROOM,
        6,
        "本府所屬機關公務人員",
        {},
    ),
    (
        "AI-102",
        "科長級 AI 導入業務運用研習班",
        ["ai"],
        "management-core",
        Modality.CLASSROOM,
        12,
        "一級機關第九職等以上主管",
        {"min_grade": 9, "supervisors_only": True, "eligible_agency_kinds": [AgencyKind.FIRST_LEVEL]},
    ),
    ("AI-103", "AI 資料分析與視覺化", ["ai"], "professional-core", Modality.REMOTE, 6, "業務承辦人", {}),
    ("AI-201", "AI 英文攻略：英文學習資源研習班", ["ai", "english"], "common-core", Modality.REMOTE, 3, "全體同仁", {}),
    (
        "AI-301",
        "高階主管 AI 導入班",
        ["ai"],
        "management-core",
        Modality.BLENDED,
        9,
        "簡任主管",
        {"eligible_rank_series": RankSeries.SENIOR, "supervisors_only": True},
    ),
    (
        "NZ-101",
        "淨零學院：碳盤查入門",
        ["net-zero", "environmental-education"],
        "national-policy",
        Modality.CLASSROOM,
        6,
        "全體同仁",
        {},
    ),
    (
        "NZ-102",
        "2050 淨零排放數位課程組合",
        ["net-zero", "environmental-education"],
        "national-policy",
        Modality.ELEARNING,
        4,
        "全體同仁",
        {},
    ),
    ("NZ-201", "淨零城市與低碳交通", ["net-zero"], "city-vision", Modality.REMOTE, 3, "交通、環保及都發業務同仁", {}),
    (
        "ENV-101",
        "環境教育：校園牧羊人策進班",
        ["environmental-education"],
        "national-policy",
        Modality.CLASSROOM,
        4,
        "學校教職員",
        {"eligible_agency_kinds": [AgencyKind.SCHOOL]},
    ),
    (
        "ENV-102",
        "環境教育數位課程",
        ["environmental-education"],
        "national-policy",
        Modality.ELEARNING,
        4,
        "全體同仁",
        {},
    ),
    (
        "GM-101",
        "性別主流化基礎課程",
        ["gender-mainstreaming"],
        "national-policy",
        Modality.ELEARNING,
        3,
        "全體同仁",
        {},
    ),
    (
        "GM-201",
        "性別主流化進階業務研習班",
        ["gender-mainstreaming"],
        "professional-core",
        Modality.CLASSROOM,
        6,
        "性別聯絡人及業務承辦人",
        {},
    ),
    (
        "GM-202",
        "性別影響評估實作",
        ["gender-mainstreaming"],
        "professional-core",
        Modality.REMOTE,
        3,
        "法案及計畫承辦人",
        {},
    ),
    (
        "CED-101",
        "CEDAW 實務案例（含多重與交叉歧視）研討班",
        ["cedaw", "gender-mainstreaming"],
        "national-policy",
        Modality.CLASSROOM,
        3,
        "全體同仁",
        {},
    ),
    (
        "CED-102",
        "醫療職場及多元性別友善：CEDAW 研習班",
        ["cedaw"],
        "national-policy",
        Modality.REMOTE,
        3,
        "醫療及衛生同仁",
        {},
    ),
    ("CED-103", "CEDAW 數位課程", ["cedaw"], "national-policy", Modality.ELEARNING, 3, "全體同仁", {}),
    (
        "PROC-101",
        "政府採購專業人員基礎訓練班",
        ["procurement"],
        "professional-core",
        Modality.CLASSROOM,
        70,
        "採購業務承辦人",
        {},
    ),
    (
        "PROC-201",
        "政府採購專業人員進階訓練班",
        ["procurement"],
        "professional-core",
        Modality.CLASSROOM,
        42,
        "已取得基礎證書之採購人員",
        {},
    ),
    (
        "PROC-102",
        "採購法規數位先修課程",
        ["procurement", "law"],
        "professional-core",
        Modality.ELEARNING,
        6,
        "採購業務承辦人",
        {},
    ),
    ("CYB-101", "資通安全概論證書班", ["cyber-security"], "professional-core", Modality.CLASSROOM, 12, "全體同仁", {}),
    ("CYB-102", "資通安全通識數位課程", ["cyber-security"], "common-core", Modality.ELEARNING, 3, "全體同仁", {}),
    ("CYB-201", "社交工程演練與防護", ["cyber-security"], "common-core", Modality.REMOTE, 3, "全體同仁", {}),
    ("ENG-101", "備戰英檢初級實力基礎班", ["english"], "common-core", Modality.CLASSROOM, 18, "全體同仁", {}),
    (
        "ENG-102",
        "觀光英語城：觀光高雄 SHOW 英文研習班",
        ["english"],
        "city-vision",
        Modality.BLENDED,
        12,
        "觀光及第一線服務同仁",
        {},
    ),
    (
        "WB-101",
        "職場霸凌防治、處理實務案例及性騷擾防治研習班",
        ["workplace-bullying", "gender-mainstreaming"],
        "common-core",
        Modality.CLASSROOM,
        3,
        "全體同仁",
        {},
    ),
    ("WB-102", "職場霸凌防治數位課程", ["workplace-bullying"], "common-core", Modality.ELEARNING, 2, "全體同仁", {}),
    ("HR-101", "兩公約與人權保障", ["human-rights"], "national-policy", Modality.ELEARNING, 2, "全體同仁", {}),
    (
        "HR-102",
        "ICERD 消除種族歧視公約",
        ["human-rights", "icerd"],
        "national-policy",
        Modality.REMOTE,
        2,
        "全體同仁",
        {},
    ),
    ("POL-101", "當前重要政策：高雄市政建設", ["policy"], "city-vision", Modality.ELEARNING, 1, "全體同仁", {}),
    (
        "ANN-101",
        "公務人員年度數位學習必修課程：當前重要政策、環境教育、性別主流化、人權保障與資通安全通識（含課後測驗及學習心得回饋）",
        ["policy", "environmental-education", "gender-mainstreaming", "human-rights", "icerd", "cyber-security"],
        "national-policy",
        Modality.ELEARNING,
        13,
        "全體同仁",
        {},
    ),
    ("AI-104", "生成式 AI 應用數位課程組合", ["ai"], "common-core", Modality.ELEARNING, 8, "全體同仁", {}),
    ("ENG-103", "英語數位學習：公務英文寫作與簡報", ["english"], "common-core", Modality.ELEARNING, 8, "全體同仁", {}),
    (
        "MGT-101",
        "初任薦任官等主管職務人員研習班",
        ["policy"],
        "management-core",
        Modality.CLASSROOM,
        30,
        "初任薦任官等主管",
        {"eligible_rank_series": RankSeries.INTERMEDIATE, "supervisors_only": True},
    ),
]

LAW_MAP_MODULES = [
    ("A", "法制基礎", ["法學緒論", "憲法與基本權", "法律解釋方法"]),
    ("B", "行政程序", ["行政程序法總論", "行政處分實務", "行政契約"]),
    ("C", "行政罰", ["行政罰法概論", "裁罰案例研析", "行政執行"]),
    ("D", "國家賠償", ["國家賠償法", "損失補償", "公務員責任"]),
    ("E", "訴願與行政訴訟", ["訴願法實務", "行政訴訟概論", "訴願決定書撰寫"]),
    ("F", "政府資訊公開", ["政府資訊公開法", "檔案法與檔案應用", "資訊公開案例"]),
    ("G", "個人資料保護", ["個人資料保護法", "個資事故處理", "個資影響評估"]),
    ("H", "法規制定", ["法規草擬技巧", "自治條例與自治規則", "法規影響評估"]),
]

VENUES = ["公務人力發展中心 301 教室", "公務人力發展中心 502 教室", "公務人力發展中心 國際會議廳"]
MEETING_URL = "https://meet.example.kcg.gov.tw/room/"
ELEARNING_URL = "https://elearn.example.kcg.gov.tw/course/"


def _sessions_for(start: dt.date, hours: Decimal) -> list[tuple[dt.date, dt.time, dt.time, Decimal]]:
    """Six-hour days (09:00–16:00 with lunch) until the hours are used up, skipping weekends."""
    days = []
    remaining = hours
    day = start
    while remaining > 0:
        if day.weekday() < 5:
            today_hours = min(Decimal(6), remaining)
            end_hour = 9 + int(math.ceil(today_hours)) + (1 if today_hours > 3 else 0)
            days.append((day, dt.time(9, 0), dt.time(min(end_hour, 18), 0), today_hours))
            remaining -= today_hours
        day += dt.timedelta(days=1)
    return days


def _create_offering(course: Course, *, code: str, term: int, start: dt.date, rng: random.Random) -> Offering:
    tz = timezone.get_current_timezone()
    modality = course.modality
    hours = course.credit_hours
    if modality == Modality.ELEARNING:
        end = dt.date(start.year, 12, 31)
        opens = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz)
        closes = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(23, 59), tzinfo=tz)
        capacity = 5000
    else:
        sessions = _sessions_for(start, hours)
        end = sessions[-1][0]
        opens = dt.datetime.combine(start - dt.timedelta(days=30), dt.time(9, 0), tzinfo=tz)
        closes = dt.datetime.combine(start - dt.timedelta(days=3), dt.time(17, 0), tzinfo=tz)
        capacity = rng.choice([30, 40, 50, 60])
    offering = Offering(
        course=course,
        code=code,
        term=term,
        start_date=start,
        end_date=end,
        hours=hours,
        capacity=capacity,
        enrollment_opens=opens,
        enrollment_closes=closes,
        modality=modality,
        venue=rng.choice(VENUES) if modality in (Modality.CLASSROOM, Modality.BLENDED) else "",
        meeting_url=(MEETING_URL + code)
        if modality == Modality.REMOTE
        else (ELEARNING_URL + course.code)
        if modality == Modality.ELEARNING
        else "",
        requires_approval=course.supervisors_only,
    )
    if modality == Modality.ELEARNING:
        # A year-long e-learning offering: enrolment stays open all year.
        offering.enrollment_opens = dt.datetime.combine(dt.date(start.year, 1, 1), dt.time(0, 0), tzinfo=tz)
        offering.enrollment_closes = dt.datetime.combine(dt.date(start.year, 12, 31), dt.time(23, 59), tzinfo=tz)
        offering.start_date = dt.date(start.year, 1, 1)
    offering.full_clean()
    offering.save()
    if modality != Modality.ELEARNING:
        for i, (day, start_time, end_time, day_hours) in enumerate(_sessions_for(start, hours)):
            Session.objects.create(
                offering=offering, date=day, start_time=start_time, end_time=end_time, hours=day_hours, sort_order=i
            )
    return offering


def _ensure_course(spec, topics: dict[str, Topic], axes: dict[str, CompetencyAxis]) -> tuple[Course, bool]:
    code, title, topic_slugs, axis, modality, hours, audience, eligibility = spec
    existing = Course.objects.filter(code=code).first()
    if existing:
        return existing, False
    course = Course(
        code=code,
        title=title,
        summary=f"{title}。本課程由高雄市政府公務人力發展中心規劃辦理，協助同仁掌握相關知能並應用於業務。",
        credit_hours=Decimal(hours),
        competency_axis=axes[axis],
        modality=modality,
        audience=audience,
        body=[
            ("heading", "課程目標"),
            ("paragraph", f"<p>瞭解{title}之核心概念，並能於業務中實際運用。</p>"),
            (
                "agenda",
                [
                    {"subject": f"{title}（一）", "hours": Decimal(hours) / 2, "lecturer": "專家學者"},
                    {"subject": f"{title}（二）", "hours": Decimal(hours) / 2, "lecturer": "實務講座"},
                ],
            ),
        ],
        learning_outcomes=[("outcome", "能說明課程核心概念"), ("outcome", "能將所學應用於業務")],
        **eligibility,
    )
    course.topics = [topics[slug] for slug in topic_slugs]
    course.full_clean()
    course.save()
    course.save_revision().publish()
    return course, True


@transaction.atomic
def load_catalog(today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = random.Random(2026)  # noqa: S311 — demo data, not security
    counts = {"courses": 0, "offerings": 0}

    topics = {}
    for order, (slug, name, description) in enumerate(TOPICS):
        topics[slug], _ = Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order}
        )
    axes = {}
    for order, (slug, name) in enumerate(AXES):
        axes[slug], _ = CompetencyAxis.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})

    specs = list(COURSES)
    for module_code, module_title, subjects in LAW_MAP_MODULES:
        for i, subject in enumerate(subjects, start=1):
            modality = [Modality.CLASSROOM, Modality.ELEARNING, Modality.REMOTE][i % 3]
            specs.append(
                (
                    f"LAW-{module_code}{i}",
                    subject,
                    ["law"],
                    "professional-core",
                    modality,
                    3 + (i % 4),
                    f"法制學習地圖模組 {module_code}：{module_title}",
                    {},
                )
            )

    courses = {}
    for spec in specs:
        course, created = _ensure_course(spec, topics, axes)
        courses[course.code] = course
        counts["courses"] += created

    roc = today.year - 1911
    for index, code in enumerate(sorted(courses)):
        course = courses[code]
        if course.modality == Modality.ELEARNING:
            starts = [dt.date(today.year, 1, 1)]
        else:
            # Two offerings spread over the year and one a few weeks ahead, so some are always open.
            starts = [
                dt.date(today.year, 1 + (index * 5) % 12, 5 + index % 20),
                dt.date(today.year, 1 + (index * 5 + 6) % 12, 5 + (index * 3) % 20),
                today + dt.timedelta(days=7 + (index * 3) % 50),
            ]
        for term, start in enumerate(starts, start=1):
            offering_code = f"{roc}-{code}-{term:02d}"
            if Offering.objects.filter(code=offering_code).exists():
                continue
            _create_offering(course, code=offering_code, term=term, start=start, rng=rng)
            counts["offerings"] += 1

    _load_law_map(courses)
    _load_certification_tracks(courses)
    _load_enrollments(today, rng)
    _load_learning_records(today)
    return counts


def _load_law_map(courses: dict[str, Course]) -> None:
    if LearningPath.objects.filter(code="LAW-MAP").exists():
        return
    path = LearningPath.objects.create(
        code="LAW-MAP",
        title="法制學習地圖",
        description="依法行政所需之法制知能，分為模組 A 至 H，每模組含 3 門課程，每門 3 至 6 小時。",
    )
    order = 0
    for module_code, module_title, subjects in LAW_MAP_MODULES:
        for i, _subject in enumerate(subjects, start=1):
            LearningPathStep.objects.create(
                path=path,
                module_code=module_code,
                module_title=module_title,
                course=courses[f"LAW-{module_code}{i}"],
                is_required=i < 3,
                sort_order=order,
            )
            order += 1


def _load_certification_tracks(courses: dict[str, Course]) -> None:
    tracks = [
        (
            "PROC-BASIC",
            "政府採購專業人員基礎證書",
            IssuingBody.PCC,
            ["PROC-101"],
            70,
            None,
            "完成基礎訓練班（缺課不得逾總時數十分之一）後參加工程會測驗，及格標準 70 分且任一科目不得為零分；"
            "課程及測驗應於第一堂課起一年內完成。",
            [("採購法規及實務測驗", Assessment.Kind.EXTERNAL, 70, True)],
        ),
        (
            "PROC-ADV",
            "政府採購專業人員進階證書",
            IssuingBody.PCC,
            ["PROC-201"],
            42,
            None,
            "已取得基礎證書者參加進階訓練班，結訓後參加工程會進階測驗。",
            [("進階採購實務測驗", Assessment.Kind.EXTERNAL, 70, True)],
        ),
        (
            "CYB-GEN",
            "資通安全概論證書",
            IssuingBody.MODA,
            ["CYB-101"],
            12,
            12,  # 資通安全: renewed yearly (docs/certificate-renewal.md), so the demo has expiring certificates
            "完成資通安全概論證書班並通過課後評量，由數位發展部核發證書。",
            [("資通安全概論課後評量", Assessment.Kind.WRITTEN, 70, False)],
        ),
    ]
    for code, name, body, required, hours, validity, description, assessments in tracks:
        if CertificationTrack.objects.filter(code=code).exists():
            continue
        track = CertificationTrack(
            code=code,
            name=name,
            issuing_body=body,
            required_hours=Decimal(hours),
            validity_months=validity,
            description=description,
            min_attendance_percent=90 if code.startswith("PROC") else 80,
            completion_window_months=12 if code.startswith("PROC") else None,
            # A yearly certificate is renewed by the year's 3 hours within its last 3 months.
            renewal_window_months=3 if validity == 12 else None,
            renewal_hours=Decimal(3) if validity == 12 else None,
        )
        track.required_courses = [courses[c] for c in required]
        track.save()
        for order, (aname, kind, pass_mark, zero_fails) in enumerate(assessments):
            Assessment.objects.create(
                track=track,
                name=aname,
                kind=kind,
                pass_mark=Decimal(pass_mark),
                zero_in_any_subject_fails=zero_fails,
                sort_order=order,
            )


def _load_enrollments(today: dt.date, rng: random.Random) -> None:
    """Fill upcoming offerings partly, and one completely (with a waitlist), so seats-left shows real numbers."""
    if Enrollment.objects.exists():
        return
    people = list(Person.objects.order_by("employee_number")[:600])
    if not people:
        return
    upcoming = list(Offering.objects.filter(start_date__gt=today).exclude(modality=Modality.ELEARNING).order_by("code"))
    rows = []
    for index, offering in enumerate(upcoming):
        taken = offering.capacity if index == 0 else rng.randint(0, offering.capacity * 3 // 4)
        chosen = rng.sample(people, min(len(people), taken + (3 if index == 0 else 0)))
        for position, person in enumerate(chosen):
            status = Enrollment.Status.ENROLLED if position < offering.capacity else Enrollment.Status.WAITLISTED
            rows.append(Enrollment(person=person, offering=offering, status=status))
    Enrollment.objects.bulk_create(rows, batch_size=1000)


DEMO_TRAINEE = "E0000001"


def _load_learning_records(today: dt.date) -> None:
    """The demo trainee finished one classroom class this year: attendance, a completion, a certificate, an evaluation.

    Goes through the services so the LRS holds the same statements as in real use. Skipped once
    the trainee has any attendance, so reruns change nothing.
    """
    from courses.models import Attendance, CourseEvaluation
    from courses.services.attendance import record_attendance

    person = Person.objects.filter(employee_number=DEMO_TRAINEE).first()
    if person is None or Attendance.objects.filter(enrollment__person=person).exists():
        return
    offering = (
        Offering.objects.filter(modality=Modality.CLASSROOM, end_date__lt=today, start_date__year=today.year)
        .exclude(enrollments__person=person)
        .order_by("-end_date", "code")
        .first()
    )
    if offering is None or not offering.sessions.exists():
        return
    enrollment = Enrollment.objects.create(
        person=person, offering=offering, status=Enrollment.Status.ENROLLED, created_at=offering.enrollment_opens
    )
    sessions = list(offering.sessions.order_by("date"))
    for index, session in enumerate(sessions):
        late = index == len(sessions) - 1 and len(sessions) > 1
        record_attendance(
            enrollment=enrollment,
            session=session,
            status="late" if late else "present",
            minutes=session.minutes - 30 if late else None,
        )
    enrollment.refresh_from_db()
    if enrollment.status == Enrollment.Status.COMPLETED:
        CourseEvaluation.objects.create(enrollment=enrollment, satisfaction=5, comment="課程內容實用，講座講解清楚。")

"""Demo people and agencies, generated deterministically (same seed, same rows) and idempotently."""

from __future__ import annotations

import random

from django.db import transaction

from lms.people.models import Agency, AgencyKind, EmploymentType, Person, RankSeries

FIRST_LEVEL = [
    ("KHH-SOC", "社會局", ["社會局仁愛之家", "社會局無障礙之家", "社會局家庭暴力及性侵害防治中心"]),
    ("KHH-FIRE", "消防局", []),
    ("KHH-EDU", "教育局", []),
    ("KHH-ENV", "環境保護局", ["環境保護局清潔隊"]),
    ("KHH-PW", "工務局", ["工務局養護工程處", "工務局新建工程處"]),
    ("KHH-ECO", "經濟發展局", ["經濟發展局市場處"]),
    ("KHH-PER", "人事處", ["公務人力發展中心"]),
    ("KHH-POL", "警察局", []),
    ("KHH-HEA", "衛生局", ["衛生局凱旋醫院"]),
    ("KHH-UD", "都市發展局", []),
    ("KHH-CA", "民政局", []),
    ("KHH-FIN", "財政局", ["稅捐稽徵處"]),
    ("KHH-LAB", "勞工局", ["勞工局訓練就業中心"]),
    ("KHH-TRA", "交通局", ["交通局公共車船管理處"]),
    ("KHH-CUL", "文化局", ["文化局圖書館"]),
    ("KHH-LEG", "法制局", []),
    ("KHH-RDE", "研究發展考核委員會", []),
    ("KHH-ACC", "主計處", []),
    ("KHH-LAND", "地政局", ["地政局鳳山地政事務所"]),
    ("KHH-AGR", "農業局", []),
    ("KHH-WR", "水利局", []),
]

DISTRICTS = [
    "鹽埕",
    "鼓山",
    "左營",
    "楠梓",
    "三民",
    "新興",
    "前金",
    "苓雅",
    "前鎮",
    "旗津",
    "小港",
    "鳳山",
    "林園",
    "大寮",
    "大樹",
    "大社",
    "仁武",
    "鳥松",
    "岡山",
    "橋頭",
    "燕巢",
    "田寮",
    "阿蓮",
    "路竹",
    "湖內",
    "茄萣",
    "永安",
    "彌陀",
    "梓官",
    "旗山",
    "美濃",
    "六龜",
    "甲仙",
    "杉林",
    "內門",
    "茂林",
    "桃源",
    "那瑪夏",
]

SCHOOLS = [
    "高雄市立高雄高級中學",
    "高雄市立高雄女子高級中學",
    "高雄市立前鎮高級中學",
    "高雄市立鳳山高級中學",
    "高雄市立三民國民中學",
    "高雄市立五福國民中學",
    "高雄市立苓雅國民中學",
    "高雄市立左營國民中學",
    "高雄市立鼓山國民小學",
    "高雄市立新興國民小學",
    "高雄市立鳳山國民小學",
    "高雄市立岡山國民小學",
    "高雄市立旗山國民小學",
    "高雄市立美濃國民小學",
    "高雄市立楠梓國民小學",
    "高雄市立小港國民小學",
]

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴"
GIVEN = "志明俊傑建宏家豪冠宇宗翰承恩怡君雅婷淑芬佳蓉美玲欣怡詩涵宜庭柏翰彥廷子涵郁婷惠雯雅惠秀英文雄國華"

DEMO_LEARNER_COUNT = 2400
CITY_CODE = "KHH"


@transaction.atomic
def load_agencies() -> dict[str, Agency]:
    """The agency tree: 高雄市政府 → first-level agencies → second-level agencies, district offices, schools."""
    existing = {agency.code: agency for agency in Agency.objects.all()}

    def ensure(code: str, name: str, kind: str, parent: Agency | None) -> Agency:
        if code in existing:
            return existing[code]
        agency = (
            Agency.add_root(code=code, name=name, kind=kind)
            if parent is None
            else Agency.objects.get(pk=parent.pk).add_child(code=code, name=name, kind=kind)
        )
        existing[code] = agency
        return agency

    city = ensure(CITY_CODE, "高雄市政府", AgencyKind.FIRST_LEVEL, None)
    for code, name, children in FIRST_LEVEL:
        agency = ensure(code, name, AgencyKind.FIRST_LEVEL, city)
        for i, child in enumerate(children, start=1):
            ensure(f"{code}-{i:02d}", child, AgencyKind.SECOND_LEVEL, agency)
    civil_affairs = existing["KHH-CA"]
    for i, district in enumerate(DISTRICTS, start=1):
        ensure(f"KHH-DIST-{i:02d}", f"{district}區公所", AgencyKind.DISTRICT_OFFICE, civil_affairs)
    education = existing["KHH-EDU"]
    for i, school in enumerate(SCHOOLS, start=1):
        ensure(f"KHH-SCH-{i:03d}", school, AgencyKind.SCHOOL, education)
    return existing


@transaction.atomic
def load_learners(agencies: dict[str, Agency], count: int = DEMO_LEARNER_COUNT) -> int:
    """Create the demo learners that do not exist yet; returns how many were created."""
    rng = random.Random(20261123)  # noqa: S311 — demo data, not security
    leaves = [a for code, a in sorted(agencies.items()) if code != CITY_CODE]
    existing = set(Person.objects.values_list("employee_number", flat=True))
    new_people = []
    for n in range(1, count + 1):
        # Draw every attribute on every iteration so that person n is the same whatever existed before.
        agency = rng.choice(leaves)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])
        employment = rng.choices(
            [EmploymentType.CIVIL_SERVANT, EmploymentType.TEACHER, EmploymentType.CONTRACT], weights=[70, 20, 10]
        )[0]
        grade = rng.choices(range(1, 15), weights=[2, 3, 5, 6, 8, 9, 10, 9, 8, 5, 3, 2, 1, 1])[0]
        supervisor_draw = rng.random()
        number = f"E{n:07d}"
        if number in existing:
            continue
        if agency.kind == AgencyKind.SCHOOL and employment == EmploymentType.CIVIL_SERVANT:
            employment = EmploymentType.TEACHER
        rank = (
            ""
            if employment != EmploymentType.CIVIL_SERVANT
            else (RankSeries.JUNIOR if grade <= 5 else RankSeries.INTERMEDIATE if grade <= 9 else RankSeries.SENIOR)
        )
        new_people.append(
            Person(
                employee_number=number,
                name=name,
                email=f"{number.lower()}@example.kcg.gov.tw",
                agency=agency,
                rank_series=rank,
                grade=grade if employment == EmploymentType.CIVIL_SERVANT else None,
                is_supervisor=employment == EmploymentType.CIVIL_SERVANT and grade >= 8 and supervisor_draw < 0.3,
                employment_type=employment,
            )
        )
    Person.objects.bulk_create(new_people, batch_size=500)
    return len(new_people)

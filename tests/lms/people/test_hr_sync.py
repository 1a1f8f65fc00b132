import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lms.people.hr_files import parse_hr_date
from lms.people.hr_sync import run_hr_sync
from lms.people.models import Agency, AgencyKind, AgencyMembership, AgencyOfficer, EmploymentType, HrSync, Person
from reports import selectors as report_selectors
from tests.lms.people.factories import UserFactory
from tests.lms.people.hr_files import (
    AGENCIES,
    AGENCY_HEADER,
    PEOPLE_HEADER,
    agencies_csv,
    people_csv,
    person_row,
    xlsx_file,
)

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[3] / "lms" / "people" / "samples"
JULY = dt.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def sync(agencies=None, people=None, **kwargs):
    kwargs.setdefault("on", JULY)
    return run_hr_sync(agencies_file=agencies, people_file=people, **kwargs)


def snapshot():
    return (
        list(Agency.objects.values_list("code", "name", "path", "is_active")),
        list(Person.objects.values_list("employee_number", "agency__code", "is_active", "grade", "left_on")),
        list(AgencyMembership.objects.values_list("person__employee_number", "agency__code", "started_on", "ended_on")),
    )


def test_the_sample_files_load_through_the_command_and_a_second_run_changes_nothing():
    out = StringIO()
    args = ["--agencies", str(SAMPLES / "agencies.csv"), "--people", str(SAMPLES / "people.csv"), "--on", "114/07/01"]
    call_command("sync_hr", *args, stdout=out)
    assert "people_added: 7" in out.getvalue()
    social = Agency.objects.get(code="KHH-SOC")
    assert social.get_parent().code == "KHH" and Agency.objects.get(code="KHH-SOC-04").get_parent() == social
    leaver = Person.objects.get(employee_number="H0000007")
    assert not leaver.is_active and leaver.left_on == dt.date(2025, 6, 30)
    assert Person.objects.get(employee_number="H0000005").hired_on == dt.date(2009, 1, 15)
    before = snapshot()
    out = StringIO()
    call_command("sync_hr", *args, stdout=out)
    assert snapshot() == before
    assert "people_added: 0" in out.getvalue() and "people_changed: 0" in out.getvalue()
    assert list(HrSync.objects.values_list("status", flat=True)) == [HrSync.Status.APPLIED] * 2


def test_the_xlsx_samples_give_the_same_data_as_the_csv_samples():
    with (SAMPLES / "agencies.xlsx").open("rb") as a, (SAMPLES / "people.xlsx").open("rb") as p:
        from django.core.files import File

        sync(File(a, name="agencies.xlsx"), File(p, name="people.xlsx"))
    from_xlsx = snapshot()
    out = StringIO()
    args = ["--agencies", str(SAMPLES / "agencies.csv"), "--people", str(SAMPLES / "people.csv"), "--on", "2025-07-01"]
    call_command("sync_hr", *args, stdout=out)
    assert snapshot() == from_xlsx
    assert "people_changed: 0" in out.getvalue()


def test_a_big5_csv_with_roc_dates_is_read():
    rows = [person_row("B001", 姓名="許淑芬", 到職日期="114-03-05"), person_row("B002", 到職日期="1130101")]
    result = sync(agencies_csv(encoding="cp950"), people_csv(rows, encoding="cp950"))
    assert not result.plan.errors
    person = Person.objects.get(employee_number="B001")
    assert person.name == "許淑芬" and person.hired_on == dt.date(2025, 3, 5)
    assert Person.objects.get(employee_number="B002").hired_on == dt.date(2024, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("114/03/05", dt.date(2025, 3, 5)),
        ("114-03-05", dt.date(2025, 3, 5)),
        ("1140305", dt.date(2025, 3, 5)),
        ("民國114年3月5日", dt.date(2025, 3, 5)),
        ("2025/03/05", dt.date(2025, 3, 5)),
        ("20250305", dt.date(2025, 3, 5)),
        ("", None),
    ],
)
def test_dates_are_read_in_roc_or_gregorian_form(text, expected):
    assert parse_hr_date(text) == expected


def test_xlsx_people_with_date_cells_and_numeric_grades_are_read():
    rows = [person_row("X001", 職等=9, 到職日期=dt.datetime(2020, 2, 3))]
    sync(agencies_csv(), xlsx_file("people.xlsx", PEOPLE_HEADER, rows))
    person = Person.objects.get(employee_number="X001")
    assert person.grade == 9 and person.hired_on == dt.date(2020, 2, 3)


BAD_AGENCY_FILES = {
    "unknown parent": ([*AGENCIES, ["X", "無上級", "NOPE", "二級機關", ""]], 7, "上級機關代碼", "不存在"),
    "cycle": (
        [*AGENCIES, ["C1", "甲", "C2", "二級機關", ""], ["C2", "乙", "C1", "二級機關", ""]],
        7,
        "上級機關代碼",
        "循環",
    ),
    "duplicate code": ([*AGENCIES, ["SOC", "社會局二", "CITY", "一級機關", ""]], 7, "機關代碼", "重複"),
    "bad kind": ([*AGENCIES, ["K", "某處", "CITY", "三級機關", ""]], 7, "機關類型", "不正確"),
    "bad closed flag": ([*AGENCIES, ["K", "某處", "CITY", "其他", "maybe"]], 7, "停用", "Y"),
}


@pytest.mark.parametrize("kind", BAD_AGENCY_FILES)
def test_a_bad_agency_row_is_reported_by_row_and_column_and_nothing_is_stored(kind):
    rows, row_number, column, words = BAD_AGENCY_FILES[kind]
    result = sync(agencies_csv(rows), people_csv([person_row("P1")]))
    assert [(e.file, e.row, e.column) for e in result.plan.errors][:1] == [("agencies", row_number, column)]
    assert words in result.plan.errors[0].message
    assert not Agency.objects.exists() and not Person.objects.exists()
    assert result.sync.status == HrSync.Status.REJECTED


BAD_PEOPLE_ROWS = {
    "duplicate employee number": ([person_row("P1"), person_row("P1")], 3, "員工編號", "重複"),
    "unknown agency": ([person_row("P1"), person_row("P2", agency="NOPE")], 3, "機關代碼", "不存在"),
    "bad grade": ([person_row("P1"), person_row("P2", 職等="15")], 3, "職等", "1 到 14"),
    "bad rank": ([person_row("P1", 官等="特任")], 2, "官等", "委任"),
    "bad date": ([person_row("P1"), person_row("P2", 到職日期="114/13/40")], 3, "到職日期", "日期"),
    "left before hired": ([person_row("P1", 離職日期="109/01/01")], 2, "離職日期", "早於"),
    "bad employment type": ([person_row("P1", 人員類別="")], 2, "人員類別", "不正確"),
    "bad e-mail": ([person_row("P1", 電子郵件="not-an-address")], 2, "電子郵件", "格式"),
    "bad supervisor flag": ([person_row("P1", 主管="maybe")], 2, "主管", "Y"),
    "empty name": ([person_row("P1", 姓名="")], 2, "姓名", "空白"),
}


@pytest.mark.parametrize("kind", BAD_PEOPLE_ROWS)
def test_a_bad_person_row_is_reported_by_row_and_column_and_nothing_is_stored(kind):
    rows, row_number, column, words = BAD_PEOPLE_ROWS[kind]
    result = sync(agencies_csv(), people_csv(rows))
    assert [(e.file, e.row, e.column) for e in result.plan.errors] == [("people", row_number, column)]
    assert words in result.plan.errors[0].message
    assert not Agency.objects.exists() and not Person.objects.exists()


def test_a_missing_column_refuses_the_file_and_names_the_column():
    from tests.lms.people.hr_files import csv_file

    bad = csv_file("people.csv", ["員工編號", "姓名"], [["P1", "甲"]])
    result = sync(agencies_csv(), bad)
    assert result.plan is None and "機關代碼" in " ".join(result.file_error.messages)
    assert not Agency.objects.exists() and result.sync.status == HrSync.Status.REJECTED


def test_the_command_prints_each_bad_row_and_exits_with_an_error(tmp_path):
    agencies = tmp_path / "a.csv"
    agencies.write_bytes(agencies_csv().read())
    people = tmp_path / "p.csv"
    people.write_bytes(people_csv([person_row("P1", 職等="99")]).read())
    err = StringIO()
    with pytest.raises(CommandError, match="1 bad rows"):
        call_command("sync_hr", "--agencies", str(agencies), "--people", str(people), stderr=err, stdout=StringIO())
    assert "第 2 列「職等」" in err.getvalue()
    assert not Person.objects.exists()


def test_dry_run_records_the_run_and_changes_nothing(tmp_path):
    agencies = tmp_path / "a.csv"
    agencies.write_bytes(agencies_csv().read())
    out = StringIO()
    call_command("sync_hr", "--agencies", str(agencies), "--dry-run", stdout=out)
    assert "agencies_added: 5" in out.getvalue() and not Agency.objects.exists()
    assert HrSync.objects.get().status == HrSync.Status.DRY_RUN


def test_agencies_are_renamed_moved_retyped_and_closed_but_never_deleted():
    sync(agencies_csv(), people_csv([person_row("P1", agency="SOC-1")]))
    changed = [
        ["CITY", "高雄市政府", "", "一級機關", ""],
        ["SOC", "社會局", "CITY", "一級機關", ""],
        ["SOC-1", "社會局長青中心", "CA", "其他", ""],  # renamed, moved under 民政局, retyped
        ["CA", "民政局", "CITY", "一級機關", ""],
        ["DIST-1", "鹽埕區公所", "CA", "區公所", "Y"],
    ]
    result = sync(agencies_csv(changed), None, on=dt.date(2025, 8, 1))
    plan = result.plan
    assert [a["code"] for a in plan.agencies_renamed] == ["SOC-1"]
    assert [(a["from"], a["to"]) for a in plan.agencies_moved] == [("社會局", "民政局")]
    assert [a["code"] for a in plan.agencies_retyped] == ["SOC-1"]
    assert [a["code"] for a in plan.agencies_closed] == ["DIST-1"]
    moved = Agency.objects.get(code="SOC-1")
    assert moved.get_parent().code == "CA" and moved.kind == AgencyKind.OTHER and moved.name == "社會局長青中心"
    assert Agency.objects.get(code="DIST-1").is_active is False and Agency.objects.count() == 5
    assert Person.objects.get(employee_number="P1").agency == moved
    assert [p.code for p in Agency.objects.subtree_of(Agency.objects.get(code="CA"))] == ["CA", "DIST-1", "SOC-1"]


def test_moving_an_agency_under_its_own_child_is_a_cycle_and_stores_nothing():
    sync(agencies_csv())
    before = snapshot()
    swapped = [row if row[0] != "SOC" else ["SOC", "社會局", "SOC-1", "一級機關", ""] for row in AGENCIES]
    result = sync(agencies_csv(swapped))
    assert [(e.row, e.column) for e in result.plan.errors] == [(3, "上級機關代碼"), (4, "上級機關代碼")]
    assert snapshot() == before


def test_people_changes_name_the_fields_that_changed():
    sync(agencies_csv(), people_csv([person_row("P1")]))
    result = sync(agencies_csv(), people_csv([person_row("P1", 職等="8", 主管="Y", 人員類別="約聘僱")]))
    [changed] = result.plan.people_changed
    assert [f["field"] for f in changed["fields"]] == ["職等", "主管", "人員類別"]
    person = Person.objects.get()
    assert (person.grade, person.is_supervisor, person.employment_type) == (8, True, EmploymentType.CONTRACT)


def test_a_transfer_goes_into_the_membership_history_and_reports_place_the_person_where_they_were():
    sync(agencies_csv(), people_csv([person_row("P1", agency="SOC-1", 到職日期="110/01/04")]))
    result = sync(agencies_csv(), people_csv([person_row("P1", agency="DIST-1")]), on=dt.date(2025, 7, 1))
    [transfer] = result.plan.people_transferred
    assert (transfer["from"], transfer["to"], transfer["on"]) == ("社會局仁愛之家", "鹽埕區公所", dt.date(2025, 7, 1))
    person = Person.objects.get()
    assert person.agency.code == "DIST-1"
    stretches = list(person.memberships.values_list("agency__code", "started_on", "ended_on"))
    assert stretches == [("SOC-1", dt.date(2021, 1, 4), dt.date(2025, 6, 30)), ("DIST-1", dt.date(2025, 7, 1), None)]
    social = Agency.objects.get(code="SOC")
    in_june = report_selectors.scoped_people(social, as_of=dt.date(2025, 6, 30))
    assert list(report_selectors.membership_columns(in_june, as_of=dt.date(2025, 6, 30)).rows) == [
        (person.pk, Agency.objects.get(code="SOC-1").pk)
    ]
    # The same file again changes nothing: no second transfer, no new stretch.
    again = sync(agencies_csv(), people_csv([person_row("P1", agency="DIST-1")]), on=dt.date(2025, 7, 2))
    assert not again.plan.has_changes and person.memberships.count() == 2


def test_a_leaver_is_deactivated_not_deleted_and_still_counts_in_reports_before_leaving():
    officer_user = UserFactory()
    sync(agencies_csv(), people_csv([person_row("P1"), person_row("P2")]))
    leaver = Person.objects.get(employee_number="P1")
    leaver.user = officer_user
    leaver.save()
    binding = AgencyOfficer.objects.create(user=officer_user, agency=leaver.agency)
    result = sync(
        agencies_csv(), people_csv([person_row("P1", 離職日期="114/06/30"), person_row("P2")]), on=dt.date(2025, 7, 1)
    )
    assert [p["employee_number"] for p in result.plan.people_left] == ["P1"]
    leaver.refresh_from_db()
    officer_user.refresh_from_db()
    binding.refresh_from_db()
    assert not leaver.is_active and leaver.left_on == dt.date(2025, 6, 30)
    assert not officer_user.is_active and binding.ended_on == dt.date(2025, 6, 30)
    assert leaver.memberships.get().ended_on == dt.date(2025, 6, 30)
    social = Agency.objects.get(code="SOC")
    numbers = "employee_number"
    in_may = set(report_selectors.scoped_people(social, as_of=dt.date(2025, 5, 31)).values_list(numbers, flat=True))
    in_july = set(report_selectors.scoped_people(social, as_of=dt.date(2025, 7, 1)).values_list(numbers, flat=True))
    assert in_may == {"P1", "P2"} and in_july == {"P2"}
    # The ended binding grants no agency scope any more: only their own record.
    assert list(Person.objects.visible_to(officer_user)) == [leaver]


def test_people_absent_from_the_file_are_only_reported_unless_it_is_the_complete_roster():
    sync(agencies_csv(), people_csv([person_row("P1"), person_row("P2")]))
    partial = sync(agencies_csv(), people_csv([person_row("P1")]))
    assert [p["employee_number"] for p in partial.plan.people_absent] == ["P2"] and not partial.plan.people_left
    assert Person.objects.get(employee_number="P2").is_active
    complete = sync(agencies_csv(), people_csv([person_row("P1")]), complete_roster=True)
    assert [p["employee_number"] for p in complete.plan.people_left] == ["P2"]
    absent = Person.objects.get(employee_number="P2")
    assert not absent.is_active and absent.left_on == JULY


def test_a_returning_leaver_is_active_again_with_a_new_stretch():
    sync(agencies_csv(), people_csv([person_row("P1", 離職日期="114/01/31")]), on=dt.date(2025, 2, 1))
    result = sync(agencies_csv(), people_csv([person_row("P1")]), on=dt.date(2025, 9, 1))
    assert [p["employee_number"] for p in result.plan.people_returned] == ["P1"]
    person = Person.objects.get()
    assert person.is_active and person.left_on is None
    assert list(person.memberships.values_list("started_on", "ended_on")) == [
        (dt.date(2021, 1, 4), dt.date(2025, 1, 31)),
        (dt.date(2025, 9, 1), None),
    ]


def test_a_transfer_dated_before_the_current_stretch_is_a_bad_row():
    sync(agencies_csv(), people_csv([person_row("P1")]))
    sync(agencies_csv(), people_csv([person_row("P1", agency="CA")]), on=dt.date(2025, 9, 1))
    before = snapshot()
    result = sync(agencies_csv(), people_csv([person_row("P1", agency="DIST-1")]), on=dt.date(2025, 8, 1))
    assert [(e.row, e.column) for e in result.plan.errors] == [(2, "機關代碼")]
    assert snapshot() == before


def test_an_active_person_in_a_closed_agency_is_a_bad_row():
    rows = [*AGENCIES[:-1], ["DIST-1", "鹽埕區公所", "CA", "區公所", "Y"]]
    result = sync(agencies_csv(rows), people_csv([person_row("P1", agency="DIST-1")]))
    assert [(e.row, e.column) for e in result.plan.errors] == [(2, "機關代碼")]
    assert not Agency.objects.exists()


def test_a_header_with_english_aliases_and_extra_columns_is_accepted():
    from tests.lms.people.hr_files import csv_file

    header = [*AGENCY_HEADER, "備註"]
    rows = [[*row, "x"] for row in AGENCIES]
    result = sync(csv_file("agencies.csv", header, rows))
    assert not result.plan.errors and Agency.objects.count() == 5


def test_a_leaver_who_returns_at_another_agency_gets_one_new_stretch_there():
    sync(agencies_csv(), people_csv([person_row("P1", 離職日期="114/01/31")]), on=dt.date(2025, 2, 1))
    sync(agencies_csv(), people_csv([person_row("P1", agency="CA")]), on=dt.date(2025, 9, 1))
    person = Person.objects.get()
    assert person.is_active and person.agency.code == "CA"
    assert list(person.memberships.values_list("agency__code", "started_on", "ended_on")) == [
        ("SOC", dt.date(2021, 1, 4), dt.date(2025, 1, 31)),
        ("CA", dt.date(2025, 9, 1), None),
    ]


def test_a_person_without_history_who_moves_gets_a_first_stretch_from_their_hiring_date():
    agency = Agency.add_root(code="SOC", name="社會局", kind=AgencyKind.FIRST_LEVEL)
    Agency.add_root(code="CA", name="民政局", kind=AgencyKind.FIRST_LEVEL)
    Person.objects.create(employee_number="P1", name="甲", agency=agency, employment_type="civil_servant")
    sync(None, people_csv([person_row("P1", agency="CA", 到職日期="110/01/04")]), on=dt.date(2025, 9, 1))
    person = Person.objects.get()
    assert list(person.memberships.values_list("agency__code", "started_on", "ended_on")) == [
        ("SOC", dt.date(2021, 1, 4), dt.date(2025, 8, 31)),
        ("CA", dt.date(2025, 9, 1), None),
    ]


def test_the_command_takes_the_effective_date_from_the_people_files_date(tmp_path):
    import os

    people = tmp_path / "p.csv"
    people.write_bytes(people_csv([person_row("P1")]).read())
    agencies = tmp_path / "a.csv"
    agencies.write_bytes(agencies_csv().read())
    written = dt.datetime(2025, 3, 1, 2, 0, tzinfo=dt.UTC).timestamp()  # 10:00 in Taipei
    os.utime(people, (written, written))
    call_command("sync_hr", "--agencies", str(agencies), "--people", str(people), stdout=StringIO())
    assert HrSync.objects.get().effective_on == dt.date(2025, 3, 1)

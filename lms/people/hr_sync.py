"""HR sync: bring the agency tree and the people up to date from the HR system's files.

`plan_hr_sync` reads both files whole and returns every change and every bad row (by row
number, header = row 1, and column); `apply_hr_sync` applies a plan without errors in one
transaction. The page, the `sync_hr` command and the tests all go through `run_hr_sync` or
these two. Rules (docs/hr-sync.md):
- transfers append to the membership history with the effective date, so reports place
  people where they served (AgencyMembership);
- leavers are deactivated (person, account, officer binding ended), never deleted;
- people missing from the file are only reported, unless the file is the complete roster;
- the same files applied twice change nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.people.hr_files import HrFile, parse_hr_date, read_hr_file
from lms.people.models import (
    Agency,
    AgencyKind,
    AgencyMembership,
    AgencyOfficer,
    EmploymentType,
    HrSync,
    Person,
    RankSeries,
)

# The first stretch of a person with no known start (same convention as lms.people.transfers).
UNKNOWN_START = dt.date(1900, 1, 1)
BATCH = 2000
PREVIEW_LIMIT = 500

# field → (zh-Hant header, accepted aliases). A column marked required must be in the header row.
AGENCY_COLUMNS = {
    "code": ("機關代碼", ("agency_code", "code")),
    "name": ("機關名稱", ("agency_name", "name")),
    "parent_code": ("上級機關代碼", ("parent_code", "parent")),
    "kind": ("機關類型", ("kind", "type")),
    "closed": ("停用", ("closed", "disabled")),
}
AGENCY_REQUIRED = ("code", "name", "parent_code", "kind")
PEOPLE_COLUMNS = {
    "employee_number": ("員工編號", ("employee_number",)),
    "name": ("姓名", ("name",)),
    "agency_code": ("機關代碼", ("agency_code",)),
    "rank_series": ("官等", ("rank_series",)),
    "grade": ("職等", ("grade",)),
    "is_supervisor": ("主管", ("is_supervisor", "supervisor")),
    "employment_type": ("人員類別", ("employment_type",)),
    "email": ("電子郵件", ("email", "e-mail", "電子信箱")),
    "hired_on": ("到職日期", ("hired_on",)),
    "left_on": ("離職日期", ("left_on",)),
}
PEOPLE_REQUIRED = ("employee_number", "name", "agency_code", "employment_type")

AGENCY_KINDS = {
    "一級機關": AgencyKind.FIRST_LEVEL,
    "二級機關": AgencyKind.SECOND_LEVEL,
    "區公所": AgencyKind.DISTRICT_OFFICE,
    "學校": AgencyKind.SCHOOL,
    "其他": AgencyKind.OTHER,
    **{kind.value: kind for kind in AgencyKind},
}
RANKS = {"委任": RankSeries.JUNIOR, "薦任": RankSeries.INTERMEDIATE, "簡任": RankSeries.SENIOR}
EMPLOYMENT_TYPES = {
    "公務人員": EmploymentType.CIVIL_SERVANT,
    "公務員": EmploymentType.CIVIL_SERVANT,
    "教師": EmploymentType.TEACHER,
    "教員": EmploymentType.TEACHER,
    "約聘僱": EmploymentType.CONTRACT,
    "約聘僱人員": EmploymentType.CONTRACT,
    "約聘": EmploymentType.CONTRACT,
    "約僱": EmploymentType.CONTRACT,
    "約聘人員": EmploymentType.CONTRACT,
    "約僱人員": EmploymentType.CONTRACT,
    "其他": EmploymentType.OTHER,
    **{kind.value: kind for kind in EmploymentType},
}
YES = {"Y", "YES", "是", "1", "V", "TRUE"}
NO = {"", "N", "NO", "否", "0", "FALSE"}

PERSON_FIELD_LABELS = {
    "name": gettext_lazy("姓名"),
    "email": gettext_lazy("電子郵件"),
    "rank_series": gettext_lazy("官等"),
    "grade": gettext_lazy("職等"),
    "is_supervisor": gettext_lazy("主管"),
    "employment_type": gettext_lazy("人員類別"),
    "hired_on": gettext_lazy("到職日期"),
    "left_on": gettext_lazy("離職日期"),
}


@dataclass(frozen=True)
class RowError:
    file: str  # "agencies" or "people"
    row: int
    column: str
    message: str

    @property
    def file_label(self) -> str:
        return _("機關檔") if self.file == "agencies" else _("人員檔")

    def __str__(self) -> str:
        return _("%(file)s第 %(row)s 列「%(column)s」：%(message)s") % {
            "file": self.file_label,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class AgencyRow:
    row: int
    code: str
    name: str
    parent_code: str
    kind: str
    closed: bool


@dataclass
class PersonRow:
    row: int
    employee_number: str
    agency_code: str
    values: dict  # model field → value, only for the columns present in the file


@dataclass
class HrSyncPlan:
    """Everything a sync would change, and every bad row. Lists hold plain dicts for the preview."""

    on: dt.date
    complete_roster: bool
    errors: list[RowError] = field(default_factory=list)
    agencies_added: list[dict] = field(default_factory=list)
    agencies_renamed: list[dict] = field(default_factory=list)
    agencies_retyped: list[dict] = field(default_factory=list)
    agencies_moved: list[dict] = field(default_factory=list)
    agencies_closed: list[dict] = field(default_factory=list)
    agencies_reopened: list[dict] = field(default_factory=list)
    people_added: list[dict] = field(default_factory=list)
    people_changed: list[dict] = field(default_factory=list)
    people_transferred: list[dict] = field(default_factory=list)
    people_left: list[dict] = field(default_factory=list)
    people_returned: list[dict] = field(default_factory=list)
    people_absent: list[dict] = field(default_factory=list)
    # What apply needs, beyond the display lists.
    _new_agencies: list[AgencyRow] = field(default_factory=list)
    _moves: list[tuple[str, str]] = field(default_factory=list)
    _agency_updates: dict[str, dict] = field(default_factory=dict)
    _new_people: list[PersonRow] = field(default_factory=list)
    _person_updates: dict[int, dict] = field(default_factory=dict)
    _transfers: list[tuple[int, str, str]] = field(default_factory=list)
    _leavers: dict[int, dt.date] = field(default_factory=dict)
    _returners: list[int] = field(default_factory=list)

    LISTS = (
        "agencies_added",
        "agencies_renamed",
        "agencies_retyped",
        "agencies_moved",
        "agencies_closed",
        "agencies_reopened",
        "people_added",
        "people_changed",
        "people_transferred",
        "people_left",
        "people_returned",
        "people_absent",
    )

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.LISTS} | {"errors": len(self.errors)}

    @property
    def has_changes(self) -> bool:
        changing = [n for n in self.LISTS if n != "people_absent"]
        return any(getattr(self, n) for n in changing)

    def add_error(self, file: str, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(file, row, column, message))


def _column_index(hr_file: HrFile, columns: dict, required: Iterable[str], file: str) -> dict[str, int]:
    """Map each field to its column; a missing required column is a file-level error naming it."""
    positions: dict[str, int] = {}
    for key, (header, aliases) in columns.items():
        names = {header, *aliases}
        for i, name in enumerate(hr_file.header):
            if name in names or name.lower() in names:
                positions[key] = i
                break
    missing = [columns[k][0] for k in required if k not in positions]
    if missing:
        label = _("機關檔") if file == "agencies" else _("人員檔")
        raise ValidationError(
            {file: _("%(file)s缺少欄位：%(columns)s") % {"file": label, "columns": "、".join(missing)}}
        )
    return positions


def _cells(row: list, positions: dict[str, int]) -> dict:
    return {key: (row[i] if i < len(row) else "") for key, i in positions.items()}


def _text(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value).strip()


# --- Agencies -----------------------------------------------------------------------------------


def _read_agency_rows(hr_file: HrFile, plan: HrSyncPlan) -> list[AgencyRow]:
    positions = _column_index(hr_file, AGENCY_COLUMNS, AGENCY_REQUIRED, "agencies")
    header = {k: v[0] for k, v in AGENCY_COLUMNS.items()}
    rows: list[AgencyRow] = []
    seen: dict[str, int] = {}
    for number, raw in hr_file.rows:
        cells = {k: _text(v) for k, v in _cells(raw, positions).items()}
        ok = True
        code = cells["code"]
        if not code:
            plan.add_error("agencies", number, header["code"], _("機關代碼不可空白。"))
            ok = False
        elif code in seen:
            plan.add_error(
                "agencies", number, header["code"], _("機關代碼重複（與第 %(row)s 列相同）。") % {"row": seen[code]}
            )
            ok = False
        else:
            seen[code] = number
        if not cells["name"]:
            plan.add_error("agencies", number, header["name"], _("機關名稱不可空白。"))
            ok = False
        kind = AGENCY_KINDS.get(cells["kind"])
        if kind is None:
            plan.add_error(
                "agencies",
                number,
                header["kind"],
                _("機關類型「%(value)s」不正確，應為一級機關、二級機關、區公所、學校或其他。")
                % {"value": cells["kind"]},
            )
            ok = False
        closed_text = cells.get("closed", "").upper()
        if closed_text not in YES | NO:
            plan.add_error(
                "agencies",
                number,
                header["closed"],
                _("停用欄請填 Y 或留空（「%(value)s」）。") % {"value": cells["closed"]},
            )
            ok = False
        if ok:
            rows.append(AgencyRow(number, code, cells["name"], cells["parent_code"], kind, closed_text in YES))
    return rows


def _plan_agencies(rows: list[AgencyRow], plan: HrSyncPlan) -> dict[str, dict]:
    """Diff the agency rows against the tree; returns the final agencies by code (code → parent, closed, name)."""
    existing = {a["code"]: a for a in Agency.objects.values("pk", "code", "name", "kind", "is_active", "path", "depth")}
    parent_of_existing = _existing_parents(existing)
    final: dict[str, dict] = {
        code: {"parent": parent_of_existing[code], "closed": not a["is_active"], "name": a["name"], "row": None}
        for code, a in existing.items()
    }
    for row in rows:
        final[row.code] = {"parent": row.parent_code or None, "closed": row.closed, "name": row.name, "row": row}
    parent_header = AGENCY_COLUMNS["parent_code"][0]

    # Unknown parents and cycles (a cycle through rows that already exist is still a cycle).
    bad: set[str] = set()
    for row in rows:
        if row.parent_code and row.parent_code not in final:
            plan.add_error(
                "agencies", row.row, parent_header, _("上級機關代碼 %(code)s 不存在。") % {"code": row.parent_code}
            )
            bad.add(row.code)
    for row in rows:
        if row.code in bad:
            continue
        seen = [row.code]
        parent = final[row.code]["parent"]
        while parent is not None and parent in final and parent not in seen:
            seen.append(parent)
            parent = final[parent]["parent"]
        if parent is not None and parent in seen:
            cycle = seen[seen.index(parent) :] + [parent]
            plan.add_error(
                "agencies",
                row.row,
                parent_header,
                _("上級機關形成循環：%(cycle)s。") % {"cycle": " → ".join(cycle)},
            )
            bad.add(row.code)
    if bad:
        return final

    depth = _final_depths(final)
    for row in sorted(rows, key=lambda r: depth[r.code]):
        old = existing.get(row.code)
        parent_name = final[row.parent_code]["name"] if row.parent_code else ""
        if old is None:
            plan._new_agencies.append(row)
            plan.agencies_added.append(
                {"row": row.row, "code": row.code, "name": row.name, "parent": parent_name, "closed": row.closed}
            )
            continue
        updates: dict = {}
        if old["name"] != row.name:
            updates["name"] = row.name
            plan.agencies_renamed.append({"code": row.code, "from": old["name"], "to": row.name})
        if old["kind"] != row.kind:
            updates["kind"] = row.kind
            plan.agencies_retyped.append(
                {
                    "code": row.code,
                    "name": row.name,
                    "from": AgencyKind(old["kind"]).label,
                    "to": AgencyKind(row.kind).label,
                }
            )
        if old["is_active"] == row.closed:
            updates["is_active"] = not row.closed
            target = plan.agencies_closed if row.closed else plan.agencies_reopened
            target.append({"code": row.code, "name": row.name})
        if updates:
            plan._agency_updates[row.code] = updates
        if parent_of_existing[row.code] != (row.parent_code or None):
            old_parent = parent_of_existing[row.code]
            plan._moves.append((row.code, row.parent_code))
            plan.agencies_moved.append(
                {
                    "code": row.code,
                    "name": row.name,
                    "from": existing[old_parent]["name"] if old_parent else "",
                    "to": parent_name,
                }
            )
    return final


def _existing_parents(existing: dict[str, dict]) -> dict[str, str | None]:
    by_path = {a["path"]: code for code, a in existing.items()}
    step = Agency.steplen
    return {code: by_path.get(a["path"][:-step]) if a["depth"] > 1 else None for code, a in existing.items()}


def _final_depths(final: dict[str, dict]) -> dict[str, int]:
    depth: dict[str, int] = {}

    def walk(code: str) -> int:
        chain = []
        while code is not None and code not in depth:
            chain.append(code)
            code = final[code]["parent"]
        base = depth[code] if code is not None else 0
        for node in reversed(chain):
            base += 1
            depth[node] = base
        return base

    for code in final:
        walk(code)
    return depth


# --- People -------------------------------------------------------------------------------------


def _read_person_rows(hr_file: HrFile, plan: HrSyncPlan, agencies: dict[str, dict]) -> list[PersonRow]:
    positions = _column_index(hr_file, PEOPLE_COLUMNS, PEOPLE_REQUIRED, "people")
    header = {k: v[0] for k, v in PEOPLE_COLUMNS.items()}
    rows: list[PersonRow] = []
    seen: dict[str, int] = {}
    for number, raw in hr_file.rows:
        cells = _cells(raw, positions)
        errors_before = len(plan.errors)

        def bad(key: str, message: str, number=number) -> None:
            plan.add_error("people", number, header[key], message)

        employee_number = _text(cells["employee_number"])
        if not employee_number:
            bad("employee_number", _("員工編號不可空白。"))
        elif len(employee_number) > 20:
            bad("employee_number", _("員工編號最多 20 個字元。"))
        elif employee_number in seen:
            bad("employee_number", _("員工編號重複（與第 %(row)s 列相同）。") % {"row": seen[employee_number]})
        else:
            seen[employee_number] = number
        values: dict = {}
        name = _text(cells["name"])
        if not name or len(name) > 50:
            bad("name", _("姓名不可空白，最多 50 個字。"))
        values["name"] = name
        agency_code = _text(cells["agency_code"])
        if agency_code not in agencies:
            bad("agency_code", _("機關代碼 %(code)s 不存在。") % {"code": agency_code or "（空白）"})
        employment_text = _text(cells["employment_type"])
        values["employment_type"] = EMPLOYMENT_TYPES.get(employment_text)
        if values["employment_type"] is None:
            bad(
                "employment_type",
                _("人員類別「%(value)s」不正確，應為公務人員、教師、約聘僱或其他。") % {"value": employment_text},
            )
        if "rank_series" in cells:
            rank_text = _text(cells["rank_series"]).removesuffix("官等")
            values["rank_series"] = RANKS.get(rank_text, "") if rank_text else ""
            if rank_text and rank_text not in RANKS:
                bad("rank_series", _("官等「%(value)s」不正確，應為委任、薦任或簡任。") % {"value": rank_text})
        if "grade" in cells:
            grade_text = _text(cells["grade"]).removeprefix("第").removesuffix("職等")
            values["grade"] = None
            if grade_text:
                if grade_text.isdigit() and 1 <= int(grade_text) <= 14:
                    values["grade"] = int(grade_text)
                else:
                    bad("grade", _("職等「%(value)s」不正確，應為 1 到 14 的整數。") % {"value": grade_text})
        if "is_supervisor" in cells:
            supervisor_text = _text(cells["is_supervisor"]).upper()
            values["is_supervisor"] = supervisor_text in YES
            if supervisor_text not in YES | NO:
                bad("is_supervisor", _("主管欄請填 Y 或 N（「%(value)s」）。") % {"value": supervisor_text})
        if "email" in cells:
            email = _text(cells["email"])
            values["email"] = email
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    bad("email", _("電子郵件「%(value)s」格式不正確。") % {"value": email})
        for key in ("hired_on", "left_on"):
            if key in cells:
                try:
                    values[key] = parse_hr_date(cells[key])
                except ValueError:
                    bad(
                        key,
                        _("日期「%(value)s」不正確，請寫成 114/03/05 或 2025-03-05。") % {"value": _text(cells[key])},
                    )
        if values.get("hired_on") and values.get("left_on") and values["left_on"] < values["hired_on"]:
            bad("left_on", _("離職日期早於到職日期。"))
        if len(plan.errors) == errors_before:
            rows.append(PersonRow(number, employee_number, agency_code, values))
    return rows


PERSON_FIELDS = ("name", "email", "rank_series", "grade", "is_supervisor", "employment_type", "hired_on", "left_on")


def _display(key: str, value) -> str:
    if value is None or value == "":
        return ""
    if key == "rank_series":
        return str(RankSeries(value).label)
    if key == "employment_type":
        return str(EmploymentType(value).label)
    if key == "is_supervisor":
        return _("是") if value else _("否")
    return str(value)


def _plan_people(rows: list[PersonRow], plan: HrSyncPlan, agencies: dict[str, dict]) -> None:
    agency_codes = dict(Agency.objects.values_list("pk", "code"))
    existing = {
        p["employee_number"]: p
        for p in Person.objects.values("pk", "employee_number", "agency_id", "is_active", *PERSON_FIELDS)
    }
    on = plan.on
    agency_header = PEOPLE_COLUMNS["agency_code"][0]
    transfer_rows: list[tuple[PersonRow, dict]] = []
    for row in rows:
        final_agency = agencies[row.agency_code]
        leaving = row.values.get("left_on") is not None and row.values["left_on"] <= on
        if final_agency["closed"] and not leaving:
            plan.add_error(
                "people",
                row.row,
                agency_header,
                _("機關 %(code)s 已停用，在職人員不能隸屬。") % {"code": row.agency_code},
            )
            continue
        old = existing.get(row.employee_number)
        label = {"employee_number": row.employee_number, "name": row.values["name"], "row": row.row}
        if old is None:
            plan._new_people.append(row)
            plan.people_added.append(label | {"agency": final_agency["name"], "left": leaving})
            continue
        returning = not old["is_active"] and not leaving
        changes = {}
        for key in PERSON_FIELDS:
            if key in row.values and row.values[key] != old[key]:
                changes[key] = row.values[key]
        if (old["is_active"] and leaving) or returning:
            changes.pop("left_on", None)  # reported as left / returned, written with the status
        if changes:
            plan._person_updates[old["pk"]] = dict(changes)
            plan.people_changed.append(
                label
                | {
                    "fields": [
                        {"field": str(PERSON_FIELD_LABELS[k]), "from": _display(k, old[k]), "to": _display(k, v)}
                        for k, v in changes.items()
                    ]
                }
            )
        old_code = agency_codes.get(old["agency_id"])
        if old_code != row.agency_code:
            transfer_rows.append((row, old))
        if old["is_active"] and leaving:
            plan._leavers[old["pk"]] = row.values["left_on"]
            plan.people_left.append(label | {"on": row.values["left_on"]})
        elif returning:
            plan._returners.append(old["pk"])
            plan.people_returned.append(label)

    _plan_transfers(transfer_rows, plan, agencies, agency_codes)

    in_file = {row.employee_number for row in rows}
    for number, old in existing.items():
        if number in in_file or not old["is_active"]:
            continue
        label = {
            "employee_number": number,
            "name": old["name"],
            "agency": agencies[agency_codes[old["agency_id"]]]["name"],
        }
        plan.people_absent.append(label)
        if plan.complete_roster:
            plan._leavers[old["pk"]] = on
            plan.people_left.append(label | {"on": on, "absent": True})


def _plan_transfers(
    transfer_rows: list[tuple[PersonRow, dict]], plan: HrSyncPlan, agencies: dict[str, dict], agency_codes: dict
) -> None:
    """A transfer takes effect on the sync's date; one dated before the open stretch began is a bad row."""
    if not transfer_rows:
        return
    open_starts: dict[int, dt.date] = {}
    ids = [old["pk"] for _row, old in transfer_rows]
    for start in range(0, len(ids), BATCH):
        open_starts.update(
            AgencyMembership.objects.filter(
                person_id__in=ids[start : start + BATCH], ended_on__isnull=True
            ).values_list("person_id", "started_on")
        )
    agency_header = PEOPLE_COLUMNS["agency_code"][0]
    for row, old in transfer_rows:
        started = open_starts.get(old["pk"])
        if started is not None and started > plan.on:
            plan.add_error(
                "people",
                row.row,
                agency_header,
                _("調動生效日 %(on)s 早於目前任職起日 %(start)s。") % {"on": plan.on, "start": started},
            )
            continue
        from_code = agency_codes[old["agency_id"]]
        plan._transfers.append((old["pk"], from_code, row.agency_code))
        plan.people_transferred.append(
            {
                "employee_number": row.employee_number,
                "name": row.values["name"],
                "row": row.row,
                "from": agencies[from_code]["name"],
                "to": agencies[row.agency_code]["name"],
                "on": plan.on,
            }
        )


def plan_hr_sync(
    *, agencies: HrFile | None, people: HrFile | None, on: dt.date, complete_roster: bool = False
) -> HrSyncPlan:
    """Every change the files would make, and every bad row. Reads only; raises ValidationError for
    a file that cannot be used at all (a missing column)."""
    plan = HrSyncPlan(on=on, complete_roster=complete_roster)
    agency_rows = _read_agency_rows(agencies, plan) if agencies is not None else []
    final_agencies = _plan_agencies(agency_rows, plan)
    if people is not None:
        person_rows = _read_person_rows(people, plan, final_agencies)
        if not plan.errors:
            _plan_people(person_rows, plan, final_agencies)
    plan.errors.sort(key=lambda e: (e.file != "agencies", e.row))
    return plan


# --- Apply --------------------------------------------------------------------------------------


def apply_hr_sync(plan: HrSyncPlan) -> None:
    """Apply a plan without errors, all in one transaction. Raises ValidationError if it has errors."""
    if plan.errors:
        raise ValidationError(_("檔案有 %(n)s 筆錯誤，未套用任何變更。") % {"n": len(plan.errors)})
    with transaction.atomic():
        _apply_agencies(plan)
        _apply_people(plan)


def _apply_agencies(plan: HrSyncPlan) -> None:
    for row in plan._new_agencies:  # ordered parents first
        fields = {"code": row.code, "name": row.name, "kind": row.kind, "is_active": not row.closed}
        if row.parent_code:
            Agency.objects.get(code=row.parent_code).add_child(**fields)
        else:
            Agency.add_root(**fields)
    for code, parent_code in plan._moves:  # ordered by final depth: a parent is in place before its children
        node = Agency.objects.get(code=code)
        if parent_code:
            node.move(Agency.objects.get(code=parent_code), pos="last-child")
        else:
            node.move(Agency.get_last_root_node(), pos="last-sibling")
    for code, updates in plan._agency_updates.items():
        Agency.objects.filter(code=code).update(**updates)


def _apply_people(plan: HrSyncPlan) -> None:
    agency_ids = dict(Agency.objects.values_list("code", "pk"))
    on = plan.on
    new_people = [
        Person(
            employee_number=row.employee_number,
            agency_id=agency_ids[row.agency_code],
            is_active=not (row.values.get("left_on") and row.values["left_on"] <= on),
            **row.values,
        )
        for row in plan._new_people
    ]
    Person.objects.bulk_create(new_people, batch_size=BATCH)
    # bulk_create sets primary keys on PostgreSQL and SQLite (RETURNING); look them up otherwise.
    ids = {p.employee_number: p.pk for p in new_people}
    if any(pk is None for pk in ids.values()):
        ids = _ids_by_number(list(ids))
    memberships = []
    for row, person in zip(plan._new_people, new_people, strict=True):
        started = row.values.get("hired_on") or UNKNOWN_START
        ended = None if person.is_active else max(row.values["left_on"], started)
        memberships.append(
            AgencyMembership(
                person_id=ids[row.employee_number], agency_id=person.agency_id, started_on=started, ended_on=ended
            )
        )
    AgencyMembership.objects.bulk_create(memberships, batch_size=BATCH)

    updates = plan._person_updates
    for pk, _from_code, to_code in plan._transfers:
        updates.setdefault(pk, {})["agency_id"] = agency_ids[to_code]
    _apply_transfers(plan, agency_ids)
    for pk, left_on in plan._leavers.items():
        updates.setdefault(pk, {}).update(is_active=False, left_on=left_on)
    for pk in plan._returners:
        updates.setdefault(pk, {}).update(is_active=True, left_on=None)
    _bulk_update_people(updates)
    _apply_leavers(plan)
    _apply_returners(plan, agency_ids)


def _ids_by_number(numbers: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(numbers), BATCH):
        ids.update(
            Person.objects.filter(employee_number__in=numbers[start : start + BATCH]).values_list(
                "employee_number", "pk"
            )
        )
    return ids


def _bulk_update_people(updates: dict[int, dict]) -> None:
    # Group by the set of changed fields so each bulk_update writes only what changed.
    groups: dict[tuple, list[Person]] = {}
    for pk, values in updates.items():
        groups.setdefault(tuple(sorted(values)), []).append(Person(pk=pk, **values))
    for fields, people in groups.items():
        Person.objects.bulk_update(people, list(fields), batch_size=BATCH)


def _apply_transfers(plan: HrSyncPlan, agency_ids: dict[str, int]) -> None:
    on = plan.on
    ids = [pk for pk, _f, _t in plan._transfers]
    open_stretches: dict[int, AgencyMembership] = {}
    for start in range(0, len(ids), BATCH):
        for membership in AgencyMembership.objects.filter(
            person_id__in=ids[start : start + BATCH], ended_on__isnull=True
        ):
            open_stretches[membership.person_id] = membership
    # People without an open stretch: a returning leaver has closed history (only a new stretch is
    # opened); someone with no history at all gets a first stretch at the old agency.
    without_open = [pk for pk in ids if pk not in open_stretches]
    with_history = set(AgencyMembership.objects.filter(person_id__in=without_open).values_list("person_id", flat=True))
    hired = dict(Person.objects.filter(pk__in=without_open).values_list("pk", "hired_on"))
    closing, retargeted, opening = [], [], []
    for pk, from_code, to_code in plan._transfers:
        current = open_stretches.get(pk)
        if current is not None and current.started_on == on:
            # A second transfer on the same day corrects the first: the stretch changes agency.
            current.agency_id = agency_ids[to_code]
            retargeted.append(current)
            continue
        if current is None:
            first_start = plan._person_updates.get(pk, {}).get("hired_on", hired.get(pk)) or UNKNOWN_START
            if pk not in with_history and first_start < on:
                opening.append(
                    AgencyMembership(
                        person_id=pk,
                        agency_id=agency_ids[from_code],
                        started_on=first_start,
                        ended_on=on - dt.timedelta(days=1),
                    )
                )
        else:
            current.ended_on = on - dt.timedelta(days=1)
            closing.append(current)
        opening.append(AgencyMembership(person_id=pk, agency_id=agency_ids[to_code], started_on=on))
    AgencyMembership.objects.bulk_update(closing, ["ended_on"], batch_size=BATCH)
    AgencyMembership.objects.bulk_update(retargeted, ["agency_id"], batch_size=BATCH)
    AgencyMembership.objects.bulk_create(opening, batch_size=BATCH)


def _apply_leavers(plan: HrSyncPlan) -> None:
    """Deactivate, never delete: the open stretch ends, the account is disabled, an officer binding ends."""
    if not plan._leavers:
        return
    ids = list(plan._leavers)
    closing = []
    user_ids = []
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        for membership in AgencyMembership.objects.filter(person_id__in=chunk, ended_on__isnull=True):
            membership.ended_on = max(plan._leavers[membership.person_id], membership.started_on)
            closing.append(membership)
        user_ids += list(Person.objects.filter(pk__in=chunk, user__isnull=False).values_list("user_id", flat=True))
    AgencyMembership.objects.bulk_update(closing, ["ended_on"], batch_size=BATCH)
    for start in range(0, len(user_ids), BATCH):
        chunk = user_ids[start : start + BATCH]
        get_user_model().objects.filter(pk__in=chunk).update(is_active=False)
        for officer in AgencyOfficer.objects.filter(user_id__in=chunk, ended_on__isnull=True).select_related(
            "user__person"
        ):
            officer.ended_on = plan._leavers[officer.user.person.pk]
            officer.save(update_fields=["ended_on"])


def _apply_returners(plan: HrSyncPlan, agency_ids: dict[str, int]) -> None:
    """A rehired person gets a new open stretch from the sync's date and their account back."""
    if not plan._returners:
        return
    people = Person.objects.filter(pk__in=plan._returners)
    last_end = {}
    for membership in AgencyMembership.objects.filter(person__in=people).order_by("started_on"):
        last_end[membership.person_id] = membership
    opening = []
    for person in people:
        last = last_end.get(person.pk)
        if last is not None and last.ended_on is None:
            continue
        start = plan.on if last is None else max(plan.on, last.ended_on + dt.timedelta(days=1))
        opening.append(AgencyMembership(person=person, agency_id=person.agency_id, started_on=start))
    AgencyMembership.objects.bulk_create(opening)
    get_user_model().objects.filter(person__in=people).update(is_active=True)


# --- The one entry point for the page and the command ------------------------------------------


@dataclass
class HrSyncResult:
    sync: HrSync
    plan: HrSyncPlan | None
    file_error: ValidationError | None = None


def _read(uploaded, kind: str) -> HrFile | None:
    if uploaded is None:
        return None
    try:
        return read_hr_file(uploaded)
    except ValidationError as error:
        label = _("機關檔") if kind == "agencies" else _("人員檔")
        raise ValidationError({kind: f"{label}：{' '.join(error.messages)}"}) from error


def preview_hr_sync(
    *,
    agencies_file=None,
    people_file=None,
    on: dt.date | None = None,
    complete_roster: bool = False,
    run_by=None,
    source: str = HrSync.Source.PAGE,
) -> HrSyncResult:
    """Record an upload (files kept, with their hashes) and plan it; nothing else changes.

    A file that cannot be read at all is recorded as rejected, with the reason in `file_error`.
    """
    if agencies_file is None and people_file is None:
        raise ValidationError({"people": _("請至少上傳機關檔或人員檔。")})
    on = on or timezone.localdate()
    sync = HrSync(run_by=run_by, source=source, effective_on=on, complete_roster=complete_roster)
    files = {}
    for kind, uploaded in (("agencies", agencies_file), ("people", people_file)):
        if uploaded is not None:
            data = uploaded.read()
            name = (getattr(uploaded, "name", "") or f"{kind}.csv").rsplit("/", 1)[-1]
            getattr(sync, f"{kind}_file").save(name, ContentFile(data), save=False)
            setattr(sync, f"{kind}_sha256", hashlib.sha256(data).hexdigest())
            files[kind] = ContentFile(data, name=name)
    plan, file_error = None, None
    try:
        plan = plan_hr_sync(
            agencies=_read(files.get("agencies"), "agencies"),
            people=_read(files.get("people"), "people"),
            on=on,
            complete_roster=complete_roster,
        )
    except ValidationError as error:
        file_error = error
    sync.counts = plan.counts if plan else {}
    sync.error_count = len(plan.errors) if plan else 1
    sync.status = HrSync.Status.PREVIEWED if plan and not plan.errors else HrSync.Status.REJECTED
    sync.save()
    return HrSyncResult(sync=sync, plan=plan, file_error=file_error)


def _stored(file_field):
    if not file_field:
        return None
    file_field.open("rb")
    try:
        data = file_field.read()
    finally:
        file_field.close()
    return ContentFile(data, name=file_field.name)


def replan_hr_sync(sync: HrSync) -> HrSyncPlan:
    """Plan a recorded upload again against today's data (the preview page and the confirm step)."""
    return plan_hr_sync(
        agencies=_read(_stored(sync.agencies_file), "agencies"),
        people=_read(_stored(sync.people_file), "people"),
        on=sync.effective_on,
        complete_roster=sync.complete_roster,
    )


def confirm_hr_sync(*, sync: HrSync, run_by=None) -> HrSyncPlan:
    """Apply a previewed upload: planned again (the data may have moved since), then all or nothing."""
    if sync.status != HrSync.Status.PREVIEWED:
        raise ValidationError(_("這次上傳已套用或有錯誤，不能再套用。"))
    with transaction.atomic():
        locked = HrSync.objects.select_for_update().get(pk=sync.pk)
        if locked.status != HrSync.Status.PREVIEWED:
            raise ValidationError(_("這次上傳已套用或有錯誤，不能再套用。"))
        plan = replan_hr_sync(locked)
        if plan.errors:
            locked.status = HrSync.Status.REJECTED
            locked.counts, locked.error_count = plan.counts, len(plan.errors)
            locked.save(update_fields=["status", "counts", "error_count"])
            return plan
        apply_hr_sync(plan)
        locked.status = HrSync.Status.APPLIED
        locked.applied_at = timezone.now()
        locked.counts, locked.error_count = plan.counts, 0
        if run_by is not None:
            locked.run_by = run_by
        locked.save(update_fields=["status", "applied_at", "counts", "error_count", "run_by"])
    sync.refresh_from_db()
    return plan


def run_hr_sync(
    *,
    agencies_file=None,
    people_file=None,
    on: dt.date | None = None,
    complete_roster: bool = False,
    dry_run: bool = False,
    run_by=None,
    source: str = HrSync.Source.COMMAND,
) -> HrSyncResult:
    """Preview and, unless dry-run or with errors, apply at once (the nightly command)."""
    result = preview_hr_sync(
        agencies_file=agencies_file,
        people_file=people_file,
        on=on,
        complete_roster=complete_roster,
        run_by=run_by,
        source=source,
    )
    if result.sync.status != HrSync.Status.PREVIEWED:
        return result
    if dry_run:
        result.sync.status = HrSync.Status.DRY_RUN
        result.sync.save(update_fields=["status"])
        return result
    apply_hr_sync(result.plan)
    result.sync.status = HrSync.Status.APPLIED
    result.sync.applied_at = timezone.now()
    result.sync.save(update_fields=["status", "applied_at"])
    return result

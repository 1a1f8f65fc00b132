"""Writes of courses: one module per area (enrollment, attendance, completion, imports, external, certification)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD_LABELS = {
    "employee_number": gettext_lazy("員工編號"),
    "date": gettext_lazy("日期"),
    "status": gettext_lazy("出席狀態"),
    "minutes": gettext_lazy("出席分鐘數"),
    "score": gettext_lazy("分數"),
    "taken_on": gettext_lazy("測驗日期"),
    "subject_scores": gettext_lazy("科目分數"),
    "duration": gettext_lazy("時長"),
    "timestamp": gettext_lazy("時間"),
    "enrollment": gettext_lazy("報名"),
    "session": gettext_lazy("上課日"),
}


class RowErrors(ValidationError):
    """Errors of a file or batch keyed by row number: `.rows == {17: {"minutes": ["…"]}}`.

    Django's ValidationError cannot nest dicts, so the flat message_dict {"rows": ["第 17 列：…"]}
    is what pages show, and `.rows` is the structure imports and tests use.
    """

    def __init__(self, rows: dict[int, dict[str, list[str]]]):
        self.rows = dict(sorted(rows.items()))
        flat = [
            _("第 %(row)s 列（%(field)s）：%(message)s")
            % {"row": row, "field": FIELD_LABELS.get(field, field), "message": message}
            for row, fields in self.rows.items()
            for field, messages in fields.items()
            for message in messages
        ]
        super().__init__({"rows": flat})

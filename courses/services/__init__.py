"""Writes of courses: one module per area (enrollment, attendance, completion, imports, external, certification)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class RowErrors(ValidationError):
    """Errors of a file or batch keyed by row number: `.rows == {17: {"minutes": ["…"]}}`.

    Django's ValidationError cannot nest dicts, so the flat message_dict {"rows": ["第 17 列：…"]}
    is what pages show, and `.rows` is the structure imports and tests use.
    """

    def __init__(self, rows: dict[int, dict[str, list[str]]]):
        self.rows = dict(sorted(rows.items()))
        flat = [
            _("第 %(row)s 列（%(field)s）：%(message)s") % {"row": row, "field": field, "message": message}
            for row, fields in self.rows.items()
            for field, messages in fields.items()
            for message in messages
        ]
        super().__init__({"rows": flat})

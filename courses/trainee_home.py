"""What other packages add to 我的學習 (the trainee's home) without courses importing them.

`reports` knows the requirement rules and owns the learning-record projection, the one count
the reports read (voids, the track rule and de-duplication applied there). In its
AppConfig.ready() it registers the "progress against this year's rules" section and the source
of the trainee's learning record (hours, the history table, the personal record PDF/CSV); courses
only renders what is registered, so the layers stay as .importlinter has them (reports → courses,
never the reverse) and 我的學習 shows the reports' figures (docs/trainee-home.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured

from courses.models import Modality


@dataclass
class HomeSection:
    template: str
    context: dict = field(default_factory=dict)


SectionBuilder = Callable[..., HomeSection | None]
_builders: list[SectionBuilder] = []


def register_section(builder: SectionBuilder) -> SectionBuilder:
    """builder(person=, year=, today=) → HomeSection or None; registered once per process."""
    if builder not in _builders:
        _builders.append(builder)
    return builder


def sections(*, person, year: int, today: dt.date) -> list[HomeSection]:
    built = (builder(person=person, year=year, today=today) for builder in _builders)
    return [section for section in built if section is not None]


@dataclass(frozen=True)
class RecordLine:
    """One credited learning outcome of a person's year, as the reports count it."""

    occurred_at: dt.datetime
    title: str
    offering_code: str
    modality: str
    category: str  # the course's competency axis; "" for courses without one and outside learning
    credited_hours: Decimal
    certificate_numbers: tuple[str, ...] = ()

    @property
    def modality_label(self) -> str:
        return str(dict(Modality.choices).get(self.modality, self.modality))


RecordSource = Callable[..., list[RecordLine]]
_record_source: list[RecordSource] = []


def register_record_source(source: RecordSource) -> RecordSource:
    """source(person=, year=) → the person's credited RecordLines of the year, oldest first. One source."""
    _record_source[:] = [source]
    return source


def learning_record(*, person, year: int) -> list[RecordLine]:
    if not _record_source:
        # Without it 我的學習 would count hours its own way and disagree with the reports.
        raise ImproperlyConfigured("No learning-record source is registered (reports.apps registers it).")
    return _record_source[0](person=person, year=year)

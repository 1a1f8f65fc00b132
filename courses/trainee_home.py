"""Sections other packages add to 我的學習 (the trainee's home) without courses importing them.

`reports` knows the requirement rules and registers the "progress against this year's rules"
section in its AppConfig.ready(); courses only renders what is registered, so the layers stay
as .importlinter has them (reports → courses, never the reverse).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


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

"""A data-subject export: everything the LMS holds about one person, for a request under
個人資料保護法 §3/§10 (docs/data-protection.md, "Data-subject requests").

Complete by construction: every model with a foreign key to Person contributes its rows (so a
model added later is included without touching this file), plus the attendance under the
person's enrolments, the xAPI statements whose actor is the person, and the access-audit entries
that covered them. The national ID is never written out: only whether one is on file.
"""

from __future__ import annotations

import json

from django.core import serializers
from django.db import models
from django.utils import timezone

from courses import statements
from courses.models import Attendance
from lms.audit.models import AccessedPerson, AccessEntry
from lms.people.models import Person
from reports.models import NationalIdentity
from xapi import api as xapi_api

SKIPPED = {NationalIdentity, AccessedPerson}  # written differently below


def _rows(queryset) -> list[dict]:
    return json.loads(serializers.serialize("json", queryset))


def build_data_subject_export(*, person: Person) -> dict:
    related: dict[str, list[dict]] = {}
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if model in SKIPPED or not isinstance(relation.field, models.ForeignKey | models.OneToOneField):
            continue
        queryset = model._default_manager.filter(**{relation.field.name: person}).order_by("pk")
        related.setdefault(model._meta.label, []).extend(_rows(queryset))
    related[Attendance._meta.label] = _rows(Attendance.objects.filter(enrollment__person=person).order_by("pk"))
    entries = AccessEntry.objects.filter(accessed__person=person).order_by("at", "pk")
    return {
        "generated_at": timezone.now().isoformat(),
        "person": _rows(Person.objects.filter(pk=person.pk))[0],
        "user_account": {"username": person.user.get_username(), "email": person.user.email} if person.user else None,
        "national_id_on_file": NationalIdentity.objects.filter(person=person).exists(),
        "records": related,
        "statements": xapi_api.query_statements(agent=statements.actor(person), ascending=True),
        "access_audit": [
            {
                "at": e.at.isoformat(),
                "username": e.username,
                "what": e.what,
                "scope": e.scope,
                "channel": e.channel,
                "client_ip": e.client_ip,
            }
            for e in entries
        ],
    }

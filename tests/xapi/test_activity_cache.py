"""The life cycle of the per-process Activity cache (docs/xapi-ingest.md): it vouches only for
committed Activities and is emptied when the tables are flushed, so no test clears it by hand."""

import pytest
from django.core.management import call_command

from xapi import api
from xapi.services.activities import activity_cache

from .factories import make_statement

ACTIVITY = "https://lms.example.kcg.gov.tw/courses/cache-life"


def statement() -> dict:
    return make_statement(object={"objectType": "Activity", "id": ACTIVITY, "definition": {"name": {"zh-TW": "快取"}}})


@pytest.mark.django_db
def test_activities_stored_inside_a_transaction_that_may_roll_back_are_not_vouched_for(
    django_capture_on_commit_callbacks,
):
    # The test's own transaction encloses the commit callbacks: they run, the data may roll back.
    with django_capture_on_commit_callbacks(execute=True):
        api.record_statements([statement()])
    assert not activity_cache.covers(ACTIVITY, None, define=True)


@pytest.mark.django_db(transaction=True)
def test_committed_activities_are_vouched_for_until_the_tables_are_flushed():
    api.record_statements([statement()])
    assert activity_cache.covers(ACTIVITY, {"name": {"zh-TW": "快取"}}, define=True)
    assert not activity_cache.covers(ACTIVITY, {"name": {"zh-TW": "改名"}}, define=True)

    call_command("flush", interactive=False, verbosity=0)

    assert not activity_cache.covers(ACTIVITY, None, define=True)

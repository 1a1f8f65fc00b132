"""Concurrent clients over real HTTP (PostgreSQL): Consistent-Through, `more` walks, races.

A live server answers each request in its own thread with its own database connection, so
batches really are in flight while other requests read (xapi.services.consistency).
"""

import base64
import threading
import uuid

import pytest
import requests

from xapi.models import Document, Statement
from xapi.services.credentials import create_credential
from xapi.validation import parse_timestamp

from .factories import make_agent, make_statement, make_statement_with_id

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

WRITERS = 3
BATCHES = 6
BATCH_SIZE = 250


class Platform:
    def __init__(self, base: str, name: str):
        credential, secret = create_credential(name=name, scopes=["all"])
        self.base = base
        self.headers = {
            "X-Experience-API-Version": "2.0.0",
            "Authorization": "Basic " + base64.b64encode(f"{credential.key}:{secret}".encode()).decode(),
        }

    def session(self) -> requests.Session:
        session = requests.Session()
        session.headers.update(self.headers)
        return session


@pytest.fixture
def platforms(live_server):
    return Platform(live_server.url, "e-learning"), Platform(live_server.url, "MOOC partner")


def _write_batches(platform: Platform, posted: list, failures: list) -> None:
    session = platform.session()
    for _ in range(BATCHES):
        batch = [make_statement_with_id(actor=make_agent(n)) for n in range(BATCH_SIZE)]
        response = session.post(f"{platform.base}/xapi/statements", json=batch, timeout=120)
        if response.status_code != 200:
            failures.append(response.text)
            return
        posted.extend(statement["id"] for statement in batch)


def _start_writers(platforms) -> tuple[list[threading.Thread], list, list]:
    posted: list = []
    failures: list = []
    threads = [
        threading.Thread(target=_write_batches, args=(platforms[n % 2], posted, failures)) for n in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    return threads, posted, failures


def _pages(session: requests.Session, base: str, params: dict) -> tuple[list[str], str]:
    """Every statement id of a query, following `more`, and the first page's Consistent-Through."""
    response = session.get(f"{base}/xapi/statements", params=params, timeout=120)
    assert response.status_code == 200, response.text
    through = response.headers["X-Experience-API-Consistent-Through"]
    ids = []
    while True:
        body = response.json()
        ids.extend(statement["id"] for statement in body["statements"])
        if not body["more"]:
            return ids, through
        response = session.get(base + body["more"], timeout=120)
        assert response.status_code == 200, response.text


def test_syncing_from_consistent_through_misses_nothing_under_parallel_batch_writers(platforms):
    reader = platforms[0].session()
    base = platforms[0].base
    threads, posted, failures = _start_writers(platforms)
    seen: list[str] = []
    since = None
    rounds = 0
    while any(thread.is_alive() for thread in threads) or rounds < 2:
        if not any(thread.is_alive() for thread in threads):
            rounds += 1  # two more rounds after the last batch committed
        params = {"ascending": "true", "limit": "200"}
        if since:
            params["since"] = since
        ids, since = _pages(reader, base, params)
        seen.extend(ids)
    for thread in threads:
        thread.join()

    assert not failures
    assert len(posted) == WRITERS * BATCHES * BATCH_SIZE
    missing = set(posted) - set(seen)
    assert not missing, f"{len(missing)} of {len(posted)} statements were never returned after since=<header>"


def test_a_descending_more_walk_under_writes_has_no_gaps(platforms):
    reader = platforms[1].session()
    base = platforms[1].base
    threads, _posted, failures = _start_writers(platforms)
    walks = []
    while any(thread.is_alive() for thread in threads):
        walks.append(_pages(reader, base, {"limit": "100"}))
    for thread in threads:
        thread.join()

    assert not failures
    assert walks
    for ids, through in walks:
        assert len(ids) == len(set(ids)), "a walk returned a statement twice"
        # Everything stored up to the first page's header, now that every batch committed.
        expected = {
            str(statement_id)
            for statement_id in Statement.objects.filter(stored__lte=parse_timestamp(through)).values_list(
                "statement_id", flat=True
            )
        }
        missing = expected - set(ids)
        assert not missing, f"the walk from {through} skipped {len(missing)} of {len(expected)} statements"


def test_identical_statements_sent_concurrently_are_all_accepted(platforms):
    platform = platforms[0]
    statement = make_statement(id=str(uuid.uuid4()))
    batch = [make_statement_with_id() for _ in range(20)]
    gate = threading.Barrier(6)
    statuses: list[int] = []

    def send(put: bool) -> None:
        session = platform.session()
        gate.wait()
        if put:
            response = session.put(
                f"{platform.base}/xapi/statements", params={"statementId": statement["id"]}, json=statement, timeout=60
            )
        else:
            response = session.post(f"{platform.base}/xapi/statements", json=batch, timeout=60)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(n % 2 == 0,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 200, 200, 204, 204, 204]
    assert Statement.objects.count() == 21


def test_different_statements_with_one_id_sent_concurrently_conflict(platforms):
    platform = platforms[0]
    statement_id = str(uuid.uuid4())
    gate = threading.Barrier(4)
    statuses: list[int] = []

    def send(n: int) -> None:
        session = platform.session()
        gate.wait()
        body = make_statement(id=statement_id, actor=make_agent(n))
        statuses.append(
            session.put(f"{platform.base}/xapi/statements", params={"statementId": statement_id}, json=body).status_code
        )

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [204, 409, 409, 409]
    assert Statement.objects.count() == 1


def test_a_lost_if_none_match_race_is_412(platforms):
    platform = platforms[0]
    params = {"activityId": "https://lms.example.kcg.gov.tw/offerings/1", "profileId": f"race-{uuid.uuid4()}"}
    gate = threading.Barrier(4)
    statuses: list[int] = []

    def create(n: int) -> None:
        session = platform.session()
        gate.wait()
        response = session.put(
            f"{platform.base}/xapi/activities/profile",
            params=params,
            json={"writer": n},
            headers={"If-None-Match": "*"},
            timeout=60,
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [204, 412, 412, 412]
    assert Document.objects.filter(document_id=params["profileId"]).count() == 1

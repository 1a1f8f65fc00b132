"""The canonical Activity of each id (xAPI 1.0.3 §7.5), kept from the statements that mention it,
and the process's cache of what is already stored.

`save_activities` is the general path of ingest; the one-round-trip insert (bulk.py) writes no
Activity rows, so it is taken only for batches whose Activities `activity_cache` vouches for.
"""

import hashlib
import time

import orjson
from django.db import connection, transaction

from xapi.models import Activity


def merge_definition(old: dict | None, new: dict | None) -> dict | None:
    """Merge two definitions of one Activity: language maps are united, the rest is replaced.

    xAPI 1.0.3 §7.5: the Activities resource returns all known information, e.g. the
    descriptions in every language that statements used.
    """
    if not old or not new:
        return new or old
    merged = {**old, **new}
    for name in ("name", "description"):
        if isinstance(old.get(name), dict) and isinstance(new.get(name), dict):
            merged[name] = {**old[name], **new[name]}
    if isinstance(old.get("extensions"), dict) and isinstance(new.get("extensions"), dict):
        merged["extensions"] = {**old["extensions"], **new["extensions"]}
    return merged


class ActivityCache:
    """Activities this process knows to be stored, each with a digest of a definition that
    storing again would not change.

    It lets the steady state (known Activities, unchanged definitions) skip the Activity
    lookup, one round trip of every single-statement request. Its life cycle:

    - filled only from committed data: after the commit of the transaction that stored the
      Activities (`remember_on_commit`), from rows read outside any transaction
      (`remember`), or in bulk from the table (`refresh`, at most every REFRESH_SECONDS and
      only when a batch mentions an Activity it does not know: a new worker process learns
      the catalogue in one query instead of one per Activity);
    - emptied when the tables are rebuilt or flushed (Django's post_migrate signal, which
      `migrate` and `flush` send: the test database's flush between tests included), so
      nothing it vouches for can have disappeared under it;
    - bounded: past LIMIT entries it starts afresh.
    Activities are never deleted otherwise, so an entry never goes stale.
    """

    LIMIT = 20_000
    REFRESH_SECONDS = 60.0

    def __init__(self) -> None:
        self.digests: dict[str, bytes] = {}
        self.refreshed_at = float("-inf")

    @staticmethod
    def _digest(definition: dict | None) -> bytes:
        if not definition:
            return b""
        return hashlib.blake2b(orjson.dumps(definition, option=orjson.OPT_SORT_KEYS), digest_size=16).digest()

    def uncovered(self, definitions: dict[str, dict | None], *, define: bool) -> dict[str, dict | None]:
        """The Activities (with definitions) that this process cannot vouch for."""
        return {a: d for a, d in definitions.items() if not self.covers(a, d, define=define)}

    def covers(self, activity_id: str, definition: dict | None, *, define: bool) -> bool:
        digest = self.digests.get(activity_id)
        if digest is None:
            return False
        return not define or not definition or digest == self._digest(definition)

    def remember(self, definitions: dict[str, dict | None], *, define: bool) -> None:
        """Remember Activities known to be committed with these definitions merged in."""
        if connection.in_atomic_block:
            # Not committed yet (a test's transaction, a caller's atomic block): may roll back.
            return
        if len(self.digests) + len(definitions) > self.LIMIT:
            self.clear()
        for activity_id, definition in definitions.items():
            if define and definition:
                self.digests[activity_id] = self._digest(definition)
            else:
                self.digests.setdefault(activity_id, b"")

    def remember_on_commit(self, definitions: dict[str, dict | None], *, define: bool) -> None:
        transaction.on_commit(lambda: self.remember(definitions, define=define))

    def refresh(self) -> bool:
        """Learn the most recent stored Activities in one query, at most every REFRESH_SECONDS,
        and only outside a transaction (what it reads is committed); whether it did."""
        now = time.monotonic()
        if connection.in_atomic_block or now - self.refreshed_at < self.REFRESH_SECONDS:
            return False
        self.refreshed_at = now
        rows = Activity.objects.order_by("-pk").values_list("activity_id", "definition")[: self.LIMIT // 2]
        learned = {activity_id: self._digest(definition) for activity_id, definition in rows}
        if len(self.digests) + len(learned) > self.LIMIT:
            self.digests.clear()
        self.digests.update(learned)
        return True

    def clear(self) -> None:
        self.digests.clear()


activity_cache = ActivityCache()


def forget_activities(**kwargs) -> None:
    """post_migrate receiver (connected in XapiConfig.ready): the tables were rebuilt or flushed."""
    activity_cache.clear()
    activity_cache.refreshed_at = float("-inf")


def stored_as_is(definitions: dict[str, dict | None], *, define: bool) -> bool:
    """Whether every Activity is stored and (with "define") already has these definitions merged in."""
    stored = dict(Activity.objects.filter(activity_id__in=list(definitions)).values_list("activity_id", "definition"))
    if len(stored) < len(definitions):
        return False
    return not define or all(merge_definition(stored[a], d) == stored[a] for a, d in definitions.items())


def save_activities(definitions: dict[str, dict | None], *, define: bool) -> None:
    """The canonical Activity: one row per id, its definition merged from statements sent with
    the "define" scope (xAPI 1.0.3 §4.2: without it the LRS SHOULD NOT update its representation).

    In the steady state every Activity exists with its definition and nothing is queried (see
    ActivityCache); otherwise one SELECT. When a batch adds or changes Activities, the
    maintenance is serialized across batches by a transaction-level advisory lock: inserting
    new ids and updating changed rows in two steps could otherwise deadlock two concurrent
    batches. Merges read the row under that lock, so no concurrent merge is lost.
    """
    wanted = activity_cache.uncovered(definitions, define=define)
    if wanted:
        _save_uncached(wanted, define=define)
        activity_cache.remember_on_commit(wanted, define=define)


def _save_uncached(definitions: dict[str, dict | None], *, define: bool) -> None:
    known = {activity.activity_id: activity for activity in Activity.objects.filter(activity_id__in=list(definitions))}
    new = [activity_id for activity_id in sorted(definitions) if activity_id not in known]
    stale = define and any(
        merge_definition(activity.definition, definitions[activity_id]) != activity.definition
        for activity_id, activity in known.items()
    )
    if not new and not stale:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('xapi_activity'))")
    Activity.objects.bulk_create(
        [Activity(activity_id=a, definition=(definitions[a] or {}) if define else {}) for a in new],
        ignore_conflicts=True,
    )
    if not stale:
        return
    changed = []
    for activity in Activity.objects.filter(activity_id__in=list(known)).select_for_update():
        definition = merge_definition(activity.definition, definitions[activity.activity_id])
        if definition != activity.definition:
            activity.definition = definition
            changed.append(activity)
    Activity.objects.bulk_update(changed, ["definition"])

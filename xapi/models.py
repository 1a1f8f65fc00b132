"""Storage of the LRS: credentials, statements with their query side tables, attachments, documents.

Statements are append-only. The only update ever made to a stored row is setting `voided`
when a voiding statement arrives (xAPI 1.0.3 §2.3.2); the statement JSON itself never changes.
"""

import hashlib
import hmac
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

# xAPI 1.0.3 §4.2 OAuth Authorization Scope; "all" implies the rest.
SCOPES = (
    ("statements/write", _("寫入陳述 statements/write")),
    ("statements/read/mine", _("讀取自己的陳述 statements/read/mine")),
    ("statements/read", _("讀取所有陳述 statements/read")),
    ("state", _("狀態文件 state")),
    ("profile", _("設定檔文件 profile")),
    ("define", _("定義活動 define")),
    ("all/read", _("讀取全部 all/read")),
    ("all", _("全部 all")),
    # Not part of "all": an administrator grants it explicitly (xapi/README.md, docs/xapi-trust.md).
    ("statements/void/others", _("作廢其他憑證的陳述 statements/void/others")),
)
SCOPE_NAMES = tuple(name for name, _label in SCOPES)
# Scopes that "all" does not imply: each is a trust decision about other platforms' records.
EXPLICIT_SCOPES = frozenset({"statements/void/others"})


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# The account homePage of the authority Agent derived from a credential (its name is the key).
AUTHORITY_HOME_PAGE = "urn:kcg-lms:xapi:credential"


class Credential(models.Model):
    """One HTTP Basic key/secret pair per source system (LMS, e-learning platform, MOOC partner...).

    The secret is 32 random bytes (256 bits), so a single unsalted SHA-256 is enough: a slow
    password hash protects low-entropy human passwords against guessing, which does not apply
    here, and Basic auth is verified on every request (thousands per second under ingest).
    The secret is shown once on creation and never stored in clear.
    The authority of every statement sent with it is derived from the key and name.

    PII: none (names systems, not people).
    """

    name = models.CharField(_("名稱"), max_length=200, unique=True)
    key = models.CharField(_("金鑰 key"), max_length=64, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("權限範圍 scopes"), default=list)
    is_active = models.BooleanField(_("啟用"), default=True)
    # State and profile documents of an isolated credential form a space of their own that no
    # other credential sees or overwrites (docs/xapi-trust.md).
    isolate_documents = models.BooleanField(
        _("文件依憑證隔離"),
        default=False,
        help_text=_("勾選後，此憑證的狀態與設定檔文件僅此憑證可讀寫，其他平台看不到也無法覆寫。"),
    )
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)

    class Meta:
        verbose_name = _("xAPI 憑證")
        verbose_name_plural = _("xAPI 憑證")

    def __str__(self) -> str:
        return self.name

    def set_new_secret(self) -> str:
        """Generate key (if missing) and a new secret; return the clear secret to show once."""
        if not self.key:
            self.key = secrets.token_hex(10)
        secret = secrets.token_urlsafe(32)
        self.secret_hash = hash_secret(secret)
        return secret

    def check_secret(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))

    def has_scope(self, *wanted: str) -> bool:
        granted = set(self.scopes)
        if "all" in granted and set(wanted) - EXPLICIT_SCOPES:
            return True
        return bool(granted & set(wanted))

    @property
    def document_owner(self) -> str:
        """The owner part of the document key: this key when isolated, else the shared space ""."""
        return self.key if self.isolate_documents else ""

    @property
    def authority(self) -> dict:
        # xAPI 1.0.3 §2.4.9 authority: an Agent identified by an account on this LRS.
        return {
            "objectType": "Agent",
            "name": self.name,
            "account": {"homePage": AUTHORITY_HOME_PAGE, "name": self.key},
        }


class Statement(models.Model):
    """A stored statement: the full JSON plus the indexed columns that the query filters need.

    Design: the JSON (`data`, JSONB on PostgreSQL) is what is returned, byte for byte the
    normalized statement with id, stored, authority and version set at ingest. The columns are
    derived once at ingest and never recomputed: `actor_key` and `object_agent_key` are
    normalized IFI keys (see xapi.services.agent_key) for the `agent` filter, `verb_id` and
    `object_activity_id` for `verb` and `activity`, `registration`, `ref_statement_id` (the
    StatementRef target) so that queries can also return statements referring to matches
    (xAPI 1.0.3 §2.5.1). Ordering and paging use (stored, seq), seq being the insert order, so
    a batch with one `stored` value still pages stably. Every filter index ends with `stored`, so
    each filter is one ordered index scan that stops at the page size; referring statements
    (StatementRef objects, voiding statements) have a partial index of their own.

    PII: actor and context agents may hold names and e-mail addresses of learners.
    """

    seq = models.BigAutoField(primary_key=True)
    statement_id = models.UUIDField(unique=True)
    data = models.JSONField()
    actor_key = models.CharField(max_length=512)
    verb_id = models.CharField(max_length=1024)
    object_activity_id = models.CharField(max_length=1024, null=True, blank=True)
    object_agent_key = models.CharField(max_length=512, null=True, blank=True)
    ref_statement_id = models.UUIDField(null=True, blank=True)
    registration = models.UUIDField(null=True, blank=True)
    timestamp = models.DateTimeField()
    stored = models.DateTimeField()
    voided = models.BooleanField(default=False)
    is_voiding = models.BooleanField(default=False)
    # db_index=False: the (credential, stored) index below serves both lookups and read/mine.
    credential = models.ForeignKey(
        Credential, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        indexes = [
            models.Index(fields=["stored", "seq"], name="xapi_stmt_stored"),
            models.Index(fields=["actor_key", "stored"], name="xapi_stmt_actor"),
            models.Index(
                fields=["object_agent_key", "stored"],
                condition=models.Q(object_agent_key__isnull=False),
                name="xapi_stmt_object_agent_p",
            ),
            models.Index(fields=["verb_id", "stored"], name="xapi_stmt_verb"),
            models.Index(fields=["object_activity_id", "stored"], name="xapi_stmt_activity"),
            models.Index(
                fields=["registration", "stored"],
                condition=models.Q(registration__isnull=False),
                name="xapi_stmt_registration_p",
            ),
            models.Index(
                fields=["stored", "seq"], condition=models.Q(ref_statement_id__isnull=False), name="xapi_stmt_referrers"
            ),
            models.Index(fields=["credential", "stored"], name="xapi_stmt_credential"),
            # A statement arriving after its voiding statement is stored voided (xAPI 1.0.3 §2.3.2):
            # every insert probes this small index for its id.
            models.Index(
                fields=["ref_statement_id"], condition=models.Q(is_voiding=True), name="xapi_stmt_voiding_target"
            ),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementActivity(models.Model):
    """The Activities a statement mentions beyond its object, for `related_activities` (xAPI 1.0.3 §2.5.1).

    One row per distinct Activity per statement (context activities, the SubStatement's object
    and context; `relation` names the first place it was found). The statement's own object is
    the indexed `object_activity_id` of its row, so related_activities reads both. (Rows written
    before that change also hold the object; the query's merge by statement makes them harmless.)
    `stored` is copied from the statement so
    that (activity_id, stored, statement) serves filter, ordering and paging in one index scan;
    the foreign key has no index of its own because statements are never deleted.

    PII: no PII.
    """

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="activity_rows", db_index=False)
    activity_id = models.CharField(max_length=1024)
    relation = models.CharField(max_length=32)
    stored = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["activity_id", "stored", "statement"], name="xapi_stmtact_activity_order")]

    def __str__(self) -> str:
        return f"{self.relation}: {self.activity_id}"


class StatementAgent(models.Model):
    """The Agents and identified Groups a statement mentions beyond its actor and object, for `related_agents`.

    Authority, instructor, team, context agents and groups, members of groups, and everything
    inside a SubStatement (xAPI 1.0.3 §2.5.1); one row per distinct normalized IFI key per
    statement, indexed like StatementActivity. Actor and object are the indexed `actor_key` and
    `object_agent_key` of the statement row, which related_agents reads as well.

    PII: agent_key may contain an e-mail address.
    """

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="agent_rows", db_index=False)
    agent_key = models.CharField(max_length=512)
    relation = models.CharField(max_length=32)
    stored = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["agent_key", "stored", "statement"], name="xapi_stmtagent_agent_order")]

    def __str__(self) -> str:
        return f"{self.relation}: {self.agent_key}"


class StatementRefTarget(models.Model):
    """The filter keys of the statement a StatementRef targets, so that queries find referring statements by index.

    xAPI 1.0.3 §2.5.1: a query also returns the statements whose StatementRef targets a match
    (voiding statements, above all), with since/until/limit applied to the referring statement.
    Testing every referring statement's target grows with the store (0.3% of all statements are
    voiding statements); this table holds, per referring statement, the keys of its target that
    the filters read: `activity` (object and side-table activities), `agent` (actor, object agent,
    side-table agents, the authority derived from its credential), `verb` and `registration`. A
    query scans the rows of one key in (stored, referrer) order, like the other side tables, and
    then checks the whole filter on the target, so the keys only need to be a superset.

    It is an index, kept by `xapi.services.references.index_statement_refs` after writes, and
    never the truth: StatementRefIndex says up to which `stored` it is complete, and queries read
    referring statements stored after that, and those marked `pending` (their target was not
    stored yet when indexed), from the statement table itself. `stored` is the referring
    statement's. Targets never change once stored, so rows are only added, or a `pending` row
    replaced once its target arrives.

    PII: key may contain an e-mail address (agent keys).
    """

    class Kind(models.TextChoices):
        ACTIVITY = "activity", "activity"
        AGENT = "agent", "agent"
        VERB = "verb", "verb"
        REGISTRATION = "registration", "registration"
        PENDING = "pending", "pending"

    referrer = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=1024, blank=True, default="")
    stored = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referrer", "kind", "key"], name="xapi_reftarget_unique")]
        indexes = [models.Index(fields=["kind", "key", "stored", "referrer"], name="xapi_reftarget_order")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.key}"


class StatementRefIndex(models.Model):
    """How far StatementRefTarget is complete: one row.

    Every referring statement with `stored` at or before `indexed_through` has its target's keys
    in StatementRefTarget, or a `pending` row there; None: nothing is indexed yet, and queries
    read every referring statement from the statement table.

    PII: no PII.
    """

    indexed_through = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"StatementRef targets indexed through {self.indexed_through}"


class Attachment(models.Model):
    """Attachment content, stored once per SHA-2 hash (xAPI 1.0.3 §2.4.11).

    Statements refer to attachments by sha2, so identical files sent by many statements are
    stored once and never change.

    PII: may hold learner-submitted files.
    """

    sha2 = models.CharField(max_length=128, primary_key=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.sha2


class Activity(models.Model):
    """The canonical definition of an Activity, as last defined by a statement (xAPI 1.0.3 §2.4.4.1.1).

    PII: no PII.
    """

    activity_id = models.CharField(max_length=1024, unique=True)
    definition = models.JSONField(default=dict)

    class Meta:
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.activity_id


class Document(models.Model):
    """State, Activity Profile and Agent Profile documents (xAPI 1.0.3 §7.3-7.6).

    One table for the three resources: unused key parts are "" rather than NULL so that the
    unique constraint holds on every database. Content is kept as bytes with its content type;
    the ETag is the SHA-1 of the bytes (xAPI 1.0.3 §6.3 Concurrency).

    PII: agent_key and state content may identify a learner.
    """

    class Kind(models.TextChoices):
        STATE = "state", "state"
        ACTIVITY_PROFILE = "activity_profile", "activity profile"
        AGENT_PROFILE = "agent_profile", "agent profile"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # "" for the shared space; the credential key for a credential with isolate_documents.
    owner = models.CharField(max_length=64, blank=True, default="")
    activity_id = models.CharField(max_length=1024, blank=True, default="")
    agent_key = models.CharField(max_length=512, blank=True, default="")
    registration = models.CharField(max_length=36, blank=True, default="")
    document_id = models.CharField(max_length=1024)
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=40)
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind", "activity_id", "agent_key", "registration", "document_id"],
                name="xapi_document_owner_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["owner", "kind", "activity_id", "agent_key", "updated"], name="xapi_document_owner_lookup"
            )
        ]

    def __str__(self) -> str:
        return self.document_id

"""Certificate life cycle: state (valid, expiring, expired, renewed), renewal progress and renewal.

A track's renewal rule is data (CertificationTrack.renewal_*): within the last
`renewal_window_months` of a certificate's validity it is renewed once the person's credited
hours earned within the validity reach `renewal_hours`, of which digital learning
(e-learning / MOOC) counts at most `renewal_digital_max_hours` — e.g. 環境教育人員: 5 years,
30 h of which at most 15 h digital (docs/certificate-renewal.md). Renewal issues the next
certificate with a new number, valid from the old expiry for another validity period, and keeps
the old one (superseded, not revoked).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from courses import statements
from courses.models import Certificate, Completion, Modality
from courses.services.certification import _save_with_number
from lms.roc import roc_year
from xapi import api as xapi_api

DIGITAL_MODALITIES = (Modality.ELEARNING,)
# Without a renewal window, a certificate counts as expiring this many days before it ends.
DEFAULT_EXPIRING_DAYS = 90


class CertificateState:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    RENEWED = "renewed"
    REVOKED = "revoked"
    LABELS = {
        VALID: pgettext_lazy("certificate state", "有效"),
        EXPIRING: gettext_lazy("即將到期"),
        EXPIRED: gettext_lazy("已過期"),
        RENEWED: gettext_lazy("已換證"),
        REVOKED: pgettext_lazy("certificate state", "已撤銷"),
    }


@dataclass(frozen=True)
class RenewalProgress:
    """How far a certificate is towards renewal; hours are credited hours within its validity."""

    required: Decimal
    counted: Decimal
    digital: Decimal
    digital_counted: Decimal
    digital_cap: Decimal | None
    missing: Decimal
    window_opens: dt.date
    window_closes: dt.date

    def is_met(self) -> bool:
        return self.missing <= 0

    def in_window(self, today: dt.date) -> bool:
        return self.window_opens <= today <= self.window_closes


def expiring_from(certificate: Certificate) -> dt.date | None:
    if certificate.valid_until is None:
        return None
    track = certificate.track
    if track is not None and track.renewal_window_months:
        return certificate.valid_until - relativedelta(months=track.renewal_window_months)
    return certificate.valid_until - dt.timedelta(days=DEFAULT_EXPIRING_DAYS)


def certificate_state(certificate: Certificate, *, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if certificate.revoked_at is not None:
        return CertificateState.REVOKED
    if certificate.superseded_at is not None:
        return CertificateState.RENEWED
    if certificate.valid_until is None:
        return CertificateState.VALID
    if certificate.valid_until < today:
        return CertificateState.EXPIRED
    if today >= expiring_from(certificate):
        return CertificateState.EXPIRING
    return CertificateState.VALID


def renewal_progress(certificate: Certificate) -> RenewalProgress | None:
    """The hours counting towards renewal, with the digital cap applied; None when the track has no rule."""
    track = certificate.track
    if track is None or not track.is_renewable or certificate.valid_until is None:
        return None
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(certificate.issued_at), dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(certificate.valid_until, dt.time.max))
    completions = Completion.objects.filter(
        person_id=certificate.person_id, voided_at__isnull=True, completed_at__gte=start, completed_at__lte=end
    )
    if track.renewal_topic_id:
        completions = completions.filter(course__topics=track.renewal_topic_id)
    tenth = Decimal("0.1")
    digital = completions.filter(modality__in=DIGITAL_MODALITIES).aggregate(h=Sum("credited_hours"))["h"] or 0
    other = completions.exclude(modality__in=DIGITAL_MODALITIES).aggregate(h=Sum("credited_hours"))["h"] or 0
    digital, other = Decimal(digital).quantize(tenth), Decimal(other).quantize(tenth)
    cap = track.renewal_digital_max_hours
    digital_counted = digital if cap is None else min(digital, cap)
    counted = other + digital_counted
    return RenewalProgress(
        required=track.renewal_hours,
        counted=counted,
        digital=digital,
        digital_counted=digital_counted,
        digital_cap=cap,
        missing=max(track.renewal_hours - counted, Decimal(0)),
        window_opens=certificate.valid_until - relativedelta(months=track.renewal_window_months),
        window_closes=certificate.valid_until,
    )


def renewal_missing_text(progress: RenewalProgress | None) -> str:
    """What is still missing to renew, in words (zh-Hant source, translated)."""
    if progress is None:
        return ""
    if progress.is_met():
        return _("已修滿換證時數 %(h)s 小時。") % {"h": progress.required}
    text = _("尚需 %(missing)s 小時（已採計 %(counted)s／%(required)s 小時）。") % {
        "missing": progress.missing,
        "counted": progress.counted,
        "required": progress.required,
    }
    if progress.digital_cap is not None:
        text += _("數位學習最多採計 %(cap)s 小時，目前已採計 %(d)s 小時。") % {
            "cap": progress.digital_cap,
            "d": progress.digital_counted,
        }
    return text


def renew_certificate(*, certificate: Certificate, now: dt.datetime | None = None) -> Certificate:
    """Issue the next certificate of a track when the renewal rule is met; keeps the old one.

    Raises ValidationError keyed "certificate" (no rule, not in the window, already renewed,
    revoked or expired) or "hours" (rule not met). On error nothing is stored.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update(of=("self",)).select_related("track").get(pk=certificate.pk)
        if certificate.revoked_at is not None or certificate.superseded_at is not None:
            raise ValidationError({"certificate": _("此證書已撤銷或已換證。")})
        progress = renewal_progress(certificate)
        if progress is None:
            raise ValidationError({"certificate": _("此認證未設定換證規則。")})
        if not progress.in_window(today):
            raise ValidationError(
                {
                    "certificate": _("換證期間為 %(start)s 至 %(end)s。")
                    % {"start": progress.window_opens, "end": progress.window_closes}
                }
            )
        if not progress.is_met():
            raise ValidationError({"hours": renewal_missing_text(progress)})
        track = certificate.track
        renewed = Certificate(
            person_id=certificate.person_id,
            kind=Certificate.Kind.CERTIFICATION,
            track=track,
            title=certificate.title,
            hours=progress.counted,
            issued_at=now,
            valid_until=certificate.valid_until + relativedelta(months=track.validity_months),
            renews=certificate,
            statement_id=uuid.uuid4(),
        )
        certificate.superseded_at = now
        certificate.save(update_fields=["superseded_at"])
        _save_with_number(renewed, f"KCG{roc_year(timezone.localtime(now).year)}-{track.code}-")
        statement = statements.earned(renewed)
        statement["id"] = str(renewed.statement_id)
        xapi_api.record_statements([statement], authority=xapi_api.LMS_AUTHORITY)
    return renewed


def renew_due_certificates(*, now: dt.datetime | None = None) -> list[Certificate]:
    """The daily run: renew every certificate in its renewal window whose rule is met."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    renewed = []
    candidates = Certificate.objects.filter(
        kind=Certificate.Kind.CERTIFICATION,
        revoked_at__isnull=True,
        superseded_at__isnull=True,
        valid_until__gte=today,
        track__renewal_window_months__isnull=False,
        track__renewal_hours__isnull=False,
        track__validity_months__isnull=False,
    ).select_related("track")
    for certificate in candidates:
        progress = renewal_progress(certificate)
        if progress is not None and progress.in_window(today) and progress.is_met():
            renewed.append(renew_certificate(certificate=certificate, now=now))
    return renewed

"""`{% certificate_status cert as status %}`: a certificate's state and what is missing to renew it."""

from django import template

from courses.services.renewal import CertificateState, certificate_state, renewal_missing_text, renewal_progress

register = template.Library()


@register.simple_tag
def certificate_status(certificate) -> dict:
    state = certificate_state(certificate)
    progress = None
    if state in (CertificateState.VALID, CertificateState.EXPIRING):
        progress = renewal_progress(certificate)
    return {
        "state": state,
        "label": CertificateState.LABELS[state],
        "progress": progress,
        "missing": renewal_missing_text(progress),
    }

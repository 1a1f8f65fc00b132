"""API tokens: one per agency officer (or staff) account, for the read-only agency API."""

from rest_framework.authtoken.models import Token

from reports import scoping


def issue_api_token(*, user) -> Token:
    if not scoping.can_see_agency_reports(user):
        raise PermissionError("only agency officers and training staff get an agency API token")
    token, _created = Token.objects.get_or_create(user=user)
    return token

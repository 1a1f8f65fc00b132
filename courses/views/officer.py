"""The agency HR officer's page: nominating people of their agency subtree (薦送)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from courses import selectors
from courses.forms import NominationForm
from courses.models import Offering
from courses.services import enrollment as enrollment_services
from courses.views.common import _back, _flash_errors
from lms.people import selectors as people_selectors
from lms.people.forms import SubtreePeopleFilterForm
from lms.people.roles import can_nominate


@login_required
def nominate(request, code: str):
    """The officer's list of their subtree's people (search, agency filter, paging), each with a 薦送 button."""
    offering = get_object_or_404(Offering.objects.select_related("course"), code=code)
    if not can_nominate(request.user):
        raise PermissionDenied
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = (
            people_selectors.people_to_nominate(request.user)
            .filter(employee_number=form.cleaned_data["employee_number"].strip())
            .first()
        )
        try:
            if person is None:
                raise ValidationError({"employee_number": _("查無此員工編號，或不在您的機關範圍內。")})
            enrollment_services.nominate_person(offering=offering, person=person, officer_user=request.user)
            messages.success(request, _("已薦送 %(name)s。") % {"name": person.name})
        except ValidationError as error:
            _flash_errors(request, error)
        return redirect(_back(request, reverse("learning:nominate", args=[code])))
    filters = SubtreePeopleFilterForm(request.GET or None, agencies=people_selectors.agencies_visible_to(request.user))
    query, agency = "", None
    if filters.is_valid():
        query, agency = filters.cleaned_data["q"], filters.cleaned_data["agency"]
    people = people_selectors.people_to_nominate(request.user, query=query, agency=agency)
    page = Paginator(people, 25).get_page(request.GET.get("page"))
    taken, nominated = selectors.nomination_state(offering=offering, people=page, officer_user=request.user)
    return render(
        request,
        "courses/nominate.html",
        {"offering": offering, "filters": filters, "page_obj": page, "taken": taken, "nominated": nominated},
    )

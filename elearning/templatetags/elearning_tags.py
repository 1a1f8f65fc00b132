"""{% course_elearning course %}: the launch box on the catalog's course page.

cms templates load this library; cms code imports nothing of elearning.
"""

from django import template

from elearning import selectors
from elearning.models import Attempt

register = template.Library()


@register.inclusion_tag("elearning/_course_launch.html", takes_context=True)
def course_elearning(context, course):
    package = selectors.current_package(course)
    user = context.get("user")
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    attempt = Attempt.objects.filter(package=package, person=person).first() if package and person else None
    return {"package": package, "attempt": attempt, "user": user, "request": context.get("request")}

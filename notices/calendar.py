"""iCalendar (RFC 5545 / iTIP RFC 5546) attachments and the personal calendar feed, built with `icalendar`.

One VEVENT per session day, in Asia/Taipei with its VTIMEZONE. The UID is stable per enrolment
and session (the enrolment's xAPI registration plus the session id), so a later invitation with
a higher SEQUENCE updates the event in the trainee's calendar and METHOD:CANCEL removes it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

TAIPEI = ZoneInfo("Asia/Taipei")
UID_DOMAIN = "lms.kcg.gov.tw"
_VTIMEZONE: bytes | None = None


def _to_ical(cal: Calendar) -> str:
    """Serialise with Asia/Taipei's VTIMEZONE, which is built and serialised once per process.

    Generating and serialising the VTIMEZONE costs several times more than the events, and
    a bulk run builds tens of thousands of calendars (bench/notices.py).
    """
    global _VTIMEZONE
    if _VTIMEZONE is None:
        _VTIMEZONE = Timezone.from_tzid("Asia/Taipei").to_ical()
    body = cal.to_ical()
    end = b"END:VCALENDAR"
    return (body[: body.rindex(end)] + _VTIMEZONE + body[body.rindex(end) :]).decode()


def event_uid(enrollment, session) -> str:
    return f"{enrollment.registration}-{session.pk}@{UID_DOMAIN}"


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Kaohsiung City Civil Service Development Center//LMS//ZH-TW")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def _event(*, enrollment, offering, session, sequence: int, cancelled: bool, with_attendee: bool) -> Event:
    event = Event()
    event.add("uid", event_uid(enrollment, session))
    event.add("dtstamp", timezone.now())
    event.add("sequence", sequence)
    event.add("dtstart", dt.datetime.combine(session.date, session.start_time, tzinfo=TAIPEI))
    event.add("dtend", dt.datetime.combine(session.date, session.end_time, tzinfo=TAIPEI))
    event.add("summary", f"{offering.course.title}（{offering.code}）")
    if offering.venue:
        event.add("location", offering.venue)
    elif offering.meeting_url:
        event.add("location", offering.meeting_url)
    if offering.meeting_url:
        event.add("url", offering.meeting_url)
        event.add("description", offering.meeting_url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText("高雄市政府公務人力發展中心")
    event["organizer"] = organizer
    if with_attendee and enrollment.person.email:
        attendee = vCalAddress(f"mailto:{enrollment.person.email}")
        attendee.params["cn"] = vText(enrollment.person.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    return event


def build_invitation(*, enrollment, sessions, sequence: int, cancel: bool = False) -> str:
    """METHOD:REQUEST with every session day of the enrolment's offering, or METHOD:CANCEL removing them."""
    offering = enrollment.offering
    cal = _calendar("CANCEL" if cancel else "REQUEST")
    for session in sessions:
        cal.add_component(
            _event(
                enrollment=enrollment,
                offering=offering,
                session=session,
                sequence=sequence,
                cancelled=cancel,
                with_attendee=True,
            )
        )
    return _to_ical(cal)


def build_feed(*, entries) -> str:
    """A subscribed feed (METHOD:PUBLISH): entries are (enrollment, sessions, sequence) of the person's seats."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", "高雄市公務人力發展中心 課程")
    cal.add("x-wr-timezone", "Asia/Taipei")
    for enrollment, sessions, sequence in entries:
        for session in sessions:
            cal.add_component(
                _event(
                    enrollment=enrollment,
                    offering=enrollment.offering,
                    session=session,
                    sequence=sequence,
                    cancelled=False,
                    with_attendee=False,
                )
            )
    return _to_ical(cal)


def build_reminders(*, enrollments, session, sequence: int) -> dict[int, str]:
    """The invitation of one session day for many enrolments: {enrollment id: ics}.

    Built once with the library for the first enrolment and copied for the others with only the
    UID line changed; the UID has no line folding (under 75 octets, RFC 5545 §3.1), so the copy
    is exactly what the library would write. Attendees are left out of reminders.
    """
    enrollments = list(enrollments)
    if not enrollments:
        return {}
    first = enrollments[0]
    cal = _calendar("REQUEST")
    cal.add_component(
        _event(
            enrollment=first,
            offering=first.offering,
            session=session,
            sequence=sequence,
            cancelled=False,
            with_attendee=False,
        )
    )
    template = _to_ical(cal)
    first_uid = f"UID:{event_uid(first, session)}\r\n"
    if len(first_uid) > 75 or first_uid not in template:
        return {e.pk: build_invitation(enrollment=e, sessions=[session], sequence=sequence) for e in enrollments}
    return {e.pk: template.replace(first_uid, f"UID:{event_uid(e, session)}\r\n") for e in enrollments}

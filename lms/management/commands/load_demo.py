"""python manage.py load_demo — deterministic demo data; running it twice changes nothing.

Besides the catalog and people it loads a year and a half of learning history through the real
doors (courses/demo_history.py, docs/demo.md). `--learners N` builds a smaller city (the first N
of the same learners), which the tests use; the demo is the default 2,400.

The history happened before today, so it is loaded with notices suppressed: nobody is told about
a class that ended a year ago. What describes today does go out: the demo trainee's enrolments and
the certificate expiry notices the daily run would send now (docs/notices.md, "Bulk loads").
"""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from cms.demo import load_pages
from courses.demo import load_catalog
from courses.demo_history import load_history, load_present
from lms.people.accounts import load_demo_accounts
from lms.people.demo import DEMO_LEARNER_COUNT, load_agencies, load_learners
from notices.models import NoticeSettings
from notices.services.scheduled import queue_certificate_expiry_notices
from notices.suppression import notices_suppressed
from reports.demo import load_rules


class Command(BaseCommand):
    help = "Load the demo agencies, learners, catalog, pages, accounts and learning history (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=DEMO_LEARNER_COUNT, help="how many learners (2,400)")

    def handle(self, *args, **options):
        started = time.monotonic()
        agencies = load_agencies()
        created_people = load_learners(agencies, count=options["learners"])
        counts = load_catalog()
        load_pages()
        load_rules()
        accounts = load_demo_accounts(officer_agency_code="KHH-SOC", trainee_employee_number="E0000001")
        with notices_suppressed("demo history") as suppressed:
            history = load_history(staff_user=get_user_model().objects.get(username="staff"))
        load_present()
        expiry_notices = queue_certificate_expiry_notices(
            today=timezone.localdate(), leads=NoticeSettings.load().expiry_leads()
        )
        self.stdout.write(
            f"agencies: {len(agencies)}; learners created: {created_people}; "
            f"courses created: {counts['courses']}; offerings created: {counts['offerings']}"
        )
        self.stdout.write(
            f"history added: {history['offerings']} past offerings, {history['classes']} classes with rosters or "
            f"meeting reports, {history['statements']} platform statements, {history['results']} exam results, "
            f"{history['renewed']} renewals; {suppressed.skipped} past events without a notice, "
            f"{expiry_notices} certificate expiry notices for today"
        )
        self.stdout.write(f"loaded in {time.monotonic() - started:.0f} s")
        self.stdout.write("Demo accounts (username / password / role):")
        for username, password, role in accounts:
            self.stdout.write(f"  {username} / {password} / {role}")
        self.stdout.write("Site: http://127.0.0.1:8000/   Admin: http://127.0.0.1:8000/admin/")

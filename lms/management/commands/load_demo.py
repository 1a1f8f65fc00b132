"""python manage.py load_demo — deterministic demo data; running it twice changes nothing."""

from django.core.management.base import BaseCommand

from cms.demo import load_pages
from courses.demo import load_catalog
from lms.people.accounts import load_demo_accounts
from lms.people.demo import load_agencies, load_learners
from reports.demo import load_rules


class Command(BaseCommand):
    help = "Load the demo agencies, learners, catalog, pages and one account per role (idempotent)."

    def handle(self, *args, **options):
        agencies = load_agencies()
        created_people = load_learners(agencies)
        counts = load_catalog()
        load_pages()
        load_rules()
        accounts = load_demo_accounts(officer_agency_code="KHH-SOC", trainee_employee_number="E0000001")
        self.stdout.write(
            f"agencies: {len(agencies)}; learners created: {created_people}; "
            f"courses created: {counts['courses']}; offerings created: {counts['offerings']}"
        )
        self.stdout.write("Demo accounts (username / password / role):")
        for username, password, role in accounts:
            self.stdout.write(f"  {username} / {password} / {role}")
        self.stdout.write("Site: http://127.0.0.1:8000/   Admin: http://127.0.0.1:8000/admin/")

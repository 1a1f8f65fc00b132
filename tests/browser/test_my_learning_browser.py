"""Browser test on the demo data: the trainee's 我的學習 — rule progress, what to take next, join links,
past years and the PDFs. load_demo builds a city of 120 of the demo's learners with the same history."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from courses.demo import COURSES
from courses.models import Enrollment
from lms.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = next(spec[1] for spec in COURSES if spec[0] == "ANN-101")


@pytest.fixture
def demo():
    call_command("load_demo", "--learners", "120", stdout=io.StringIO())


def test_trainee_walks_through_my_learning_on_the_demo_data(demo, page, live_server):
    today = timezone.localdate()
    page.goto("/accounts/login/")
    page.fill("#id_username", "trainee")
    page.fill("#id_password", "trainee-demo-2026")
    page.locator("form button[type=submit]").first.click()
    page.goto("/learning/")

    # Progress against this year's rules: some met, some not, each with its deadline.
    progress = page.locator("#rule-progress tbody tr")
    assert progress.count() >= 6
    table = page.inner_text("#rule-progress")
    assert "已達成" in table and "未達成" in table
    assert f"民國{today.year - 1911}年12月31日" in table
    assert page.locator("#rule-progress caption").inner_text()

    # What would fill a gap: pick the first suggestion and enrol from 我的學習 itself.
    gap = page.locator("div.gap").filter(has=page.locator("ul.suggestions")).first
    assert "尚缺" in gap.locator("h4").inner_text()
    button = gap.locator("button[type=submit]").first
    code = re.search(r"\d{3}-[A-Z0-9-]+", button.inner_text()).group(0)
    button.click()
    page.wait_for_url(re.compile(r".*/learning/$"))
    trainee = Person.objects.get(employee_number="E0000001")
    assert Enrollment.objects.filter(person=trainee, offering__code=code).exists()
    assert page.locator(f"#enrollments tr[data-offering-code='{code}']").count() == 1

    # Join links: the e-learning platform's course page now, the remote class's meeting link later.
    launch = page.locator("#enrollments a", has_text="前往數位課程").first
    assert launch.get_attribute("href").startswith("https://elearn.example.kcg.gov.tw/course/")
    remote = trainee.enrollments.filter(status="enrolled", offering__modality="remote").first()
    if remote is not None:
        row = page.inner_text(f"#enrollments tr[data-offering-code='{remote.offering.code}']")
        assert "線上教室連結將於" in row or "進入線上教室" in row

    # Last year: everything met, the classes and credited hours of that year, the record as PDF.
    page.select_option("#id_year", str(today.year - 1))
    page.locator("#year-picker button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*year={today.year - 1}"))
    assert "未達成" not in page.inner_text("#rule-progress")
    assert page.locator("div.gap").count() == 0  # nothing to suggest for a past year
    assert LONG_TITLE in page.inner_text("#completions")
    with page.expect_download() as download:
        page.locator("#hours a", has_text="PDF").click()
    with open(download.value.path(), "rb") as pdf:
        text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert re.sub(r"\s+", "", LONG_TITLE) in re.sub(r"\s+", "", text)

    # A certificate from the demo history downloads as a PDF with its number whole.
    certificate = trainee.certificates.filter(revoked_at__isnull=True).first()
    assert certificate is not None
    with page.expect_download() as download:
        page.locator(f"#certificates a[href$='/{certificate.pk}.pdf']").click()
    with open(download.value.path(), "rb") as pdf:
        assert certificate.number in "".join(p.extract_text() for p in PdfReader(pdf).pages)

"""The player's commit endpoint: bound to the trainee's open launch; its data becomes xAPI and a completion."""

import json
from decimal import Decimal

import pytest

from courses.models import Completion
from elearning.models import Attempt
from elearning.services.packages import import_package
from elearning.statements import course_activity_id
from tests.courses.factories import CourseFactory
from tests.elearning.packages import scorm12_package, scorm2004_package
from tests.lms.people.factories import TraineeFactory
from xapi import api as xapi_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return CourseFactory(code="SEC-301", credit_hours=Decimal("2"))


@pytest.fixture
def trainee():
    return TraineeFactory()


def launch(client, trainee, course) -> Attempt:
    client.force_login(trainee.user)
    response = client.get(f"/elearning/courses/{course.code}/launch/")
    assert response.status_code == 200
    return Attempt.objects.get(person=trainee, package__course=course)


def commit(client, attempt, body, **query):
    params = "&".join([f"session={query.pop('session', attempt.session_key)}", *(f"{k}={v}" for k, v in query.items())])
    return client.post(
        f"/elearning/attempts/{attempt.pk}/commit/?{params}",
        data=body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
    )


def cmi12(status="incomplete", **core):
    return {"cmi": {"suspend_data": core.pop("suspend_data", ""), "core": {"lesson_status": status, **core}}}


def statements_of(attempt):
    return xapi_api.query_statements(registration=attempt.pk, ascending=True)


def test_launch_page_frames_the_content_origin_and_hands_the_player_its_data(client, course, trainee):
    package = import_package(course=course, upload=scorm12_package(mastery=80), by_user=None)
    client.force_login(trainee.user)
    response = client.get(f"/elearning/courses/{course.code}/launch/")
    page = response.content.decode()
    assert "http://127.0.0.1:8001" in response["Content-Security-Policy"].split("frame-src")[1].split(";")[0]
    config = json.loads(page.split('id="player-config" type="application/json">')[1].split("</script>")[0])
    assert config["launchUrl"] == f"http://127.0.0.1:8001/launch/{package.storage_key}/"
    assert config["cmi"]["core"]["student_id"] == trainee.employee_number
    assert config["cmi"]["student_data"]["mastery_score"] == "80"
    assert 'sandbox="allow-scripts allow-same-origin' in page


def test_commit_stores_suspend_data_and_the_next_launch_resumes_it(client, course, trainee):
    import_package(course=course, upload=scorm12_package(), by_user=None)
    attempt = launch(client, trainee, course)
    response = commit(client, attempt, cmi12(suspend_data="page=3", lesson_location="p3", exit="suspend"))
    assert response.status_code == 200 and response.json() == {"result": True, "errorCode": 0}
    response = client.get(f"/elearning/courses/{course.code}/launch/")
    config = json.loads(
        response.content.decode().split('id="player-config" type="application/json">')[1].split("</script>")[0]
    )
    assert config["cmi"]["suspend_data"] == "page=3"
    assert config["cmi"]["core"]["lesson_location"] == "p3"
    assert config["cmi"]["core"]["entry"] == "resume"


def test_scorm12_pass_records_initialized_passed_terminated_and_credits_the_course(
    client, course, trainee, django_capture_on_commit_callbacks
):
    import_package(course=course, upload=scorm12_package(mastery=80), by_user=None)
    attempt = launch(client, trainee, course)
    with django_capture_on_commit_callbacks(execute=True):
        assert commit(client, attempt, {}, initialize="true").status_code == 200
        body = cmi12("passed", score={"raw": "85", "min": "0", "max": "100"}, session_time="00:02:30")
        assert commit(client, attempt, body, terminate="true").status_code == 200
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements_of(attempt)]
    assert verbs == ["initialized", "passed", "terminated"]
    passed = statements_of(attempt)[1]
    assert passed["object"]["id"] == course_activity_id(course)
    assert passed["context"]["registration"] == str(attempt.pk)
    assert passed["result"] == {
        "success": True,
        "completion": True,
        "score": {"scaled": 0.85, "raw": 85.0, "min": 0.0, "max": 100.0},
    }
    assert statements_of(attempt)[2]["result"]["duration"] == "PT0H2M30S"
    assert not xapi_api.is_issued_by_lms(passed)  # the player's own credential: it flows as an outside platform's
    completion = Completion.objects.get(person=trainee, course=course, voided_at__isnull=True)
    assert completion.credited_hours == Decimal("2") and str(completion.source_statement_id) == passed["id"]


def test_a_score_below_mastery_is_failed_and_credits_nothing(
    client, course, trainee, django_capture_on_commit_callbacks
):
    import_package(course=course, upload=scorm12_package(mastery=80), by_user=None)
    attempt = launch(client, trainee, course)
    with django_capture_on_commit_callbacks(execute=True):
        commit(client, attempt, cmi12("completed", score={"raw": "60"}), terminate="true")
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements_of(attempt)]
    assert verbs == ["failed", "terminated"]
    assert statements_of(attempt)[0]["result"]["score"]["scaled"] == 0.6
    assert not Completion.objects.filter(person=trainee).exists()


def test_an_attempt_credits_once_however_often_it_commits(client, course, trainee, django_capture_on_commit_callbacks):
    import_package(course=course, upload=scorm12_package(), by_user=None)
    attempt = launch(client, trainee, course)
    with django_capture_on_commit_callbacks(execute=True):
        commit(client, attempt, cmi12("completed"))
        commit(client, attempt, cmi12("completed"))
        commit(client, attempt, cmi12("passed"))
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements_of(attempt)]
    assert verbs == ["completed"]
    assert Completion.objects.filter(person=trainee, voided_at__isnull=True).count() == 1


def test_scorm2004_success_status_passed_is_recorded_with_scaled_score(client, course, trainee):
    import_package(course=course, upload=scorm2004_package(measure="0.7"), by_user=None)
    attempt = launch(client, trainee, course)
    body = {
        "cmi": {
            "completion_status": "completed",
            "success_status": "passed",
            "score": {"scaled": "0.9"},
            "session_time": "PT5M",
            "exit": "normal",
        }
    }
    assert commit(client, attempt, body, terminate="true").status_code == 200
    passed, terminated = statements_of(attempt)
    assert passed["verb"]["id"].endswith("passed") and passed["result"]["score"] == {"scaled": 0.9}
    assert terminated["result"]["duration"] == "PT5M"


def test_commit_needs_a_signed_in_user(client, course, trainee):
    import_package(course=course, upload=scorm12_package(), by_user=None)
    attempt = launch(client, trainee, course)
    client.logout()
    response = commit(client, attempt, cmi12())
    assert response.status_code in (401, 403)


def test_commit_to_another_trainees_attempt_is_not_found(client, course, trainee):
    import_package(course=course, upload=scorm12_package(), by_user=None)
    attempt = launch(client, trainee, course)
    client.force_login(TraineeFactory().user)
    response = commit(client, attempt, cmi12("passed"))
    assert response.status_code == 404 and response.json()["message"] == "找不到此學習紀錄。"
    assert statements_of(attempt) == []


def test_commit_from_an_ended_launch_is_refused(client, course, trainee):
    import_package(course=course, upload=scorm12_package(), by_user=None)
    attempt = launch(client, trainee, course)
    old_session = attempt.session_key
    launch(client, trainee, course)  # a second tab: the first launch is no longer the open one
    response = commit(client, attempt, cmi12("passed"), session=old_session)
    assert response.status_code == 409 and "已結束" in response.json()["message"]
    assert statements_of(attempt) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "不是有效的 JSON"),
        ([1, 2], "不是 JSON 物件"),
        ({"nothing": 1}, "缺少 cmi 物件"),
        (cmi12("finished"), "cmi.core.lesson_status 的值「finished」"),
        (cmi12("passed", score={"raw": "abc"}), "cmi.core.score.raw 應為數字"),
        (cmi12("passed", score={"raw": "150"}), "cmi.core.score.raw 的值「150」超出允許範圍"),
        (cmi12(suspend_data="x" * 5000), "cmi.suspend_data 超過 4096 個字元"),
        (cmi12(session_time="ninety seconds"), "cmi.core.session_time 應為 HHHH:MM:SS.SS"),
        (cmi12(exit="sideways"), "cmi.core.exit 的值「sideways」"),
    ],
)
def test_bad_data_is_a_400_in_zh_hant_naming_the_element_and_nothing_is_stored(client, course, trainee, body, message):
    import_package(course=course, upload=scorm12_package(), by_user=None)
    attempt = launch(client, trainee, course)
    response = commit(client, attempt, body)
    assert response.status_code == 400
    assert response.json()["result"] is False and message in response.json()["message"]
    attempt.refresh_from_db()
    assert attempt.runtime == {} and statements_of(attempt) == []


def test_my_learning_and_the_course_page_offer_the_launch(client, course, trainee):
    import_package(course=course, upload=scorm12_package(), by_user=None)
    client.force_login(trainee.user)
    launch(client, trainee, course)
    page = client.get("/learning/").content.decode()
    assert f"/elearning/courses/{course.code}/launch/" in page and "繼續學習" in page

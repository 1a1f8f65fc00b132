"""Importing SCORM packages: manifests of both versions, malformed ones, and zips that are unsafe."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from courses.models import ExternalActivity
from elearning.manifest import parse_manifest
from elearning.models import ContentPackage
from elearning.services.packages import import_package
from tests.courses.factories import CourseFactory, StaffUserFactory
from tests.elearning.packages import MANIFEST_12, MANIFEST_2004, build_zip, scorm12_package, scorm2004_package

pytestmark = pytest.mark.django_db


def error_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_scorm12_manifest_gives_launch_file_and_mastery_score():
    manifest = parse_manifest(
        MANIFEST_12.format(mastery="<adlcp:masteryscore>80</adlcp:masteryscore>", href="sco/start.html?x=1").encode()
    )
    assert manifest.standard == "scorm12"
    assert manifest.schema_version == "1.2"
    assert manifest.launch_path == "sco/start.html?x=1"
    assert manifest.mastery_score == Decimal("0.8")
    assert manifest.title == "公文寫作線上課程"
    assert manifest.sco_identifier == "item1"


def test_scorm2004_manifest_reads_min_normalized_measure_and_xml_base():
    manifest = parse_manifest(MANIFEST_2004.format(measure="0.75").encode())
    assert manifest.standard == "scorm2004"
    assert manifest.schema_version == "2004 4th Edition"
    assert manifest.launch_path == "content/index.html"
    assert manifest.mastery_score == Decimal("0.75")


def test_manifest_that_is_not_xml_names_the_line():
    with pytest.raises(ValidationError) as excinfo:
        parse_manifest(b"<?xml version='1.0'?>\n<manifest>\n<organizations>\n</manifest>")
    assert "不是格式正確的 XML（第 4 行）" in error_of(excinfo)


def test_manifest_with_an_entity_declaration_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><manifest>&a;</manifest>'
    with pytest.raises(ValidationError) as excinfo:
        parse_manifest(bomb)
    assert "實體或 DTD" in error_of(excinfo)


def test_manifest_item_pointing_at_a_missing_resource_names_both():
    broken = MANIFEST_12.format(mastery="", href="index.html").replace('identifierref="res1"', 'identifierref="nope"')
    with pytest.raises(ValidationError) as excinfo:
        parse_manifest(broken.encode())
    assert '<item identifier="item1">' in error_of(excinfo) and "nope" in error_of(excinfo)


def test_manifest_without_resources_names_the_element():
    with pytest.raises(ValidationError) as excinfo:
        parse_manifest(
            b'<manifest xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"><metadata>'
            b"<schemaversion>1.2</schemaversion></metadata></manifest>"
        )
    assert "<resources>" in error_of(excinfo)


def test_mastery_score_out_of_range_names_the_element():
    with pytest.raises(ValidationError) as excinfo:
        parse_manifest(
            MANIFEST_12.format(mastery="<adlcp:masteryscore>120</adlcp:masteryscore>", href="a.html").encode()
        )
    assert "<adlcp:masteryscore>" in error_of(excinfo)


def test_launch_file_outside_the_package_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        parse_manifest(MANIFEST_12.format(mastery="", href="../../etc/passwd").encode())
    assert "不在套件內" in error_of(excinfo)


def test_multi_sco_package_is_refused_as_out_of_scope():
    two = (
        MANIFEST_12.format(mastery="", href="a.html")
        .replace(
            "</organization>",
            '<item identifier="item2" identifierref="res2"><title>二</title></item></organization>',
        )
        .replace(
            "</resources>",
            '<resource identifier="res2" type="webcontent" adlcp:scormtype="sco" href="b.html"/></resources>',
        )
    )
    with pytest.raises(ValidationError) as excinfo:
        parse_manifest(two.encode())
    assert "2 個 SCO" in error_of(excinfo) and "單一 SCO" in error_of(excinfo)


def test_unknown_schema_version_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        parse_manifest(b"<manifest><metadata><schemaversion>9.9</schemaversion></metadata><resources/></manifest>")
    assert "9.9" in error_of(excinfo)


def test_import_unpacks_the_package_and_maps_the_course_activity(package_root):
    course = CourseFactory(code="DOC-101")
    staff = StaffUserFactory()
    package = import_package(course=course, upload=scorm12_package(mastery=80), by_user=staff)
    assert package.standard == "scorm12" and package.launch_path == "index.html"
    assert package.mastery_score == Decimal("0.8")
    assert (package_root / str(package.storage_key) / "index.html").is_file()
    assert package.file_count == 2
    activity = ExternalActivity.objects.get(activity_iri="https://lms.kcg.gov.tw/xapi/activities/course/DOC-101")
    assert activity.status == ExternalActivity.Status.MAPPED and activity.course == course


def test_a_new_version_becomes_current_and_keeps_the_old_one():
    course = CourseFactory()
    first = import_package(course=course, upload=scorm12_package(), by_user=None)
    second = import_package(course=course, upload=scorm2004_package(), by_user=None)
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert ContentPackage.objects.filter(course=course).count() == 2


@pytest.mark.parametrize(
    ("files", "symlinks", "message"),
    [
        ({"imsmanifest.xml": "x", "../evil.html": "x"}, None, "路徑不安全"),
        ({"imsmanifest.xml": "x", "/etc/evil": "x"}, None, "路徑不安全"),
        ({"imsmanifest.xml": "x", "a\\..\\..\\evil": "x"}, None, "路徑不安全"),
        ({"imsmanifest.xml": "x"}, {"link.html": "/etc/passwd"}, "符號連結"),
        ({"index.html": "x"}, None, "沒有 imsmanifest.xml"),
    ],
)
def test_unsafe_or_incomplete_zip_is_refused_and_nothing_is_stored(files, symlinks, message, package_root):
    course = CourseFactory()
    with pytest.raises(ValidationError) as excinfo:
        import_package(course=course, upload=build_zip(files, symlinks=symlinks), by_user=None)
    assert message in error_of(excinfo)
    assert not ContentPackage.objects.exists()
    assert not package_root.exists() or not any(package_root.iterdir())


def test_too_many_files_is_refused(settings):
    settings.ELEARNING_PACKAGE_MAX_FILES = 3
    files = {"imsmanifest.xml": MANIFEST_12.format(mastery="", href="index.html"), "index.html": "x"}
    files.update({f"f{i}.txt": "x" for i in range(3)})
    with pytest.raises(ValidationError) as excinfo:
        import_package(course=CourseFactory(), upload=build_zip(files), by_user=None)
    assert "5 個檔案，超過上限 3 個" in error_of(excinfo)


def test_too_big_once_unpacked_is_refused(settings):
    settings.ELEARNING_PACKAGE_MAX_BYTES = 10_000
    files = {"imsmanifest.xml": MANIFEST_12.format(mastery="", href="index.html"), "index.html": "x" * 20_000}
    with pytest.raises(ValidationError) as excinfo:
        import_package(course=CourseFactory(), upload=build_zip(files), by_user=None)
    assert "超過上限" in error_of(excinfo) and "MB" in error_of(excinfo)


def test_zip_bomb_ratio_is_refused():
    files = {
        "imsmanifest.xml": MANIFEST_12.format(mastery="", href="index.html"),
        "index.html": b"\0" * (4 * 1024 * 1024),
    }
    with pytest.raises(ValidationError) as excinfo:
        import_package(course=CourseFactory(), upload=build_zip(files), by_user=None)
    assert "壓縮炸彈" in error_of(excinfo)


def test_not_a_zip_is_refused():
    upload = build_zip({})
    upload = type(upload)(b"this is not a zip")
    with pytest.raises(ValidationError) as excinfo:
        import_package(course=CourseFactory(), upload=upload, by_user=None)
    assert "不是有效的 zip" in error_of(excinfo)


def test_launch_file_missing_from_the_zip_is_refused(package_root):
    files = {"imsmanifest.xml": MANIFEST_12.format(mastery="", href="missing.html")}
    with pytest.raises(ValidationError) as excinfo:
        import_package(course=CourseFactory(), upload=build_zip(files), by_user=None)
    assert "missing.html" in error_of(excinfo)
    assert not any(package_root.iterdir())

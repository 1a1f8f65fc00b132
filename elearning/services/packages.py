"""Import a content package: check the zip, read its manifest, unpack it, attach it to a course.

Checks, each a zh-Hant error before anything is written (docs/elearning.md "Zip safety"): not a
zip, encrypted entries, absolute or `..` paths and backslashes (path traversal), symbolic links,
more files than ELEARNING_PACKAGE_MAX_FILES, more bytes than ELEARNING_PACKAGE_MAX_BYTES once
unpacked, and entries that expand more than ELEARNING_PACKAGE_MAX_RATIO times (zip bombs). The
sizes a zip declares are not trusted: unpacking counts the bytes it really writes and stops at
the limit.
"""

from __future__ import annotations

import posixpath
import shutil
import stat
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import Course, ExternalActivity
from courses.services.external import map_external_activity
from elearning.manifest import MANIFEST, ScormManifest, parse_manifest
from elearning.models import ContentPackage
from elearning.statements import course_activity_id

CHUNK = 64 * 1024


def package_root() -> Path:
    return Path(settings.ELEARNING_PACKAGE_ROOT)


def package_dir(package: ContentPackage) -> Path:
    return package_root() / str(package.storage_key)


def _error(message: str) -> ValidationError:
    return ValidationError({"upload": message})


def _safe_name(name: str) -> str | None:
    """The entry's path inside the package, or None when it would land outside it."""
    if "\\" in name or "\x00" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    normal = posixpath.normpath(name)
    if normal.startswith("../") or normal == ".." or normal.startswith("/"):
        return None
    return normal


def check_zip(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The files to unpack; ValidationError naming the first unsafe entry."""
    max_files = settings.ELEARNING_PACKAGE_MAX_FILES
    max_bytes = settings.ELEARNING_PACKAGE_MAX_BYTES
    max_ratio = settings.ELEARNING_PACKAGE_MAX_RATIO
    entries = archive.infolist()
    files = [info for info in entries if not info.is_dir()]
    if len(files) > max_files:
        raise _error(_("壓縮檔含 %(count)s 個檔案，超過上限 %(max)s 個。") % {"count": len(files), "max": max_files})
    total = 0
    seen: set[str] = set()
    for info in entries:
        name = _safe_name(info.filename)
        if name is None:
            raise _error(_("壓縮檔中的「%(name)s」路徑不安全（絕對路徑或 ..），已拒絕。") % {"name": info.filename})
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _error(_("壓縮檔中的「%(name)s」是符號連結，已拒絕。") % {"name": info.filename})
        if info.flag_bits & 0x1:
            raise _error(_("壓縮檔中的「%(name)s」有加密，無法匯入。") % {"name": info.filename})
        if name.lower() in seen:
            raise _error(_("壓縮檔中的「%(name)s」重複出現。") % {"name": info.filename})
        seen.add(name.lower())
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise _error(
                _("壓縮檔中的「%(name)s」壓縮比異常（%(ratio)s 倍），疑似壓縮炸彈，已拒絕。")
                % {"name": info.filename, "ratio": info.file_size // max(info.compress_size, 1)}
            )
    if total > max_bytes:
        raise _error(
            _("壓縮檔解壓縮後共 %(size)s MB，超過上限 %(max)s MB。")
            % {"size": round(total / 1024 / 1024, 1), "max": round(max_bytes / 1024 / 1024, 1)}
        )
    return files


def _manifest_bytes(archive: zipfile.ZipFile) -> bytes:
    # The manifest is at the package root (IMS CP 1.1.4 §2.2): "imsmanifest.xml" exactly.
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise _error(_("壓縮檔的最上層沒有 imsmanifest.xml，不是 SCORM 套件。")) from None
    if info.file_size > 5 * 1024 * 1024:
        raise _error(_("imsmanifest.xml 超過 5 MB。"))
    return archive.read(info)


def inspect_package(upload) -> ScormManifest:
    """Check a zip and read its manifest without writing anything; ValidationError keyed 'upload'."""
    try:
        with zipfile.ZipFile(upload) as archive:
            check_zip(archive)
            data = _manifest_bytes(archive)
    except zipfile.BadZipFile as error:
        raise _error(_("上傳的檔案不是有效的 zip 壓縮檔。")) from error
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as error:
        raise _error(_("無法讀取此 zip 壓縮檔（%(reason)s）。") % {"reason": error}) from error
    finally:
        if hasattr(upload, "seek"):
            upload.seek(0)
    try:
        manifest = parse_manifest(data)
    except ValidationError as error:
        raise _error(error.messages[0]) from error
    return manifest


def _unpack(archive: zipfile.ZipFile, files: list[zipfile.ZipInfo], target: Path) -> tuple[int, int]:
    limit = settings.ELEARNING_PACKAGE_MAX_BYTES
    written = 0
    for info in files:
        path = target / _safe_name(info.filename)
        if target.resolve() not in path.resolve().parents:
            raise _error(_("壓縮檔中的「%(name)s」路徑不安全（絕對路徑或 ..），已拒絕。") % {"name": info.filename})
        path.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, path.open("wb") as sink:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                if written > limit:  # the zip lied about its sizes
                    raise _error(_("壓縮檔解壓縮後超過上限 %(max)s MB。") % {"max": round(limit / 1024 / 1024, 1)})
                sink.write(chunk)
    return len(files), written


def import_package(*, course: Course, upload, by_user, title: str = "") -> ContentPackage:
    """Check, unpack and attach a package; it becomes the course's current package.

    The previous current package is kept with its attempts (a new version never erases
    registrations). The course's activity is mapped to the course like an outside platform's,
    so the player's completions are credited by courses (docs/elearning.md).
    """
    manifest = inspect_package(upload)
    storage_key = uuid.uuid4()
    target = package_root() / str(storage_key)
    target.mkdir(parents=True)
    try:
        with zipfile.ZipFile(upload) as archive:
            files = check_zip(archive)
            file_count, total = _unpack(archive, files, target)
        launch_file = target / manifest.launch_path.split("?", 1)[0]
        if not launch_file.is_file():
            raise _error(
                _("imsmanifest.xml 的 <resource> 啟動檔「%(path)s」不在壓縮檔中。") % {"path": manifest.launch_path}
            )
        with transaction.atomic():
            ContentPackage.objects.select_for_update().filter(course=course, is_current=True).update(is_current=False)
            package = ContentPackage(
                course=course,
                title=title or manifest.title,
                standard=manifest.standard,
                schema_version=manifest.schema_version,
                manifest_identifier=manifest.identifier,
                sco_identifier=manifest.sco_identifier,
                launch_path=manifest.launch_path,
                mastery_score=manifest.mastery_score,
                storage_key=storage_key,
                file_count=file_count,
                total_bytes=total,
                uploaded_by=by_user,
                is_current=True,
            )
            package.full_clean()
            package.save()
            map_course_activity(course=course, by_user=by_user)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # an import that failed leaves no files behind
        raise
    finally:
        if hasattr(upload, "seek"):
            upload.seek(0)
    return package


def map_course_activity(*, course: Course, by_user) -> None:
    """The player's statements are about the course activity; courses credits them once it is mapped."""
    iri = course_activity_id(course)
    activity, _created = ExternalActivity.objects.get_or_create(
        activity_iri=iri, defaults={"title": course.title[:300]}
    )
    if activity.status == ExternalActivity.Status.MAPPED and activity.course_id == course.pk:
        return  # remapping would void and re-credit every completion already credited
    map_external_activity(activity=activity, status=ExternalActivity.Status.MAPPED, by_user=by_user, course=course)

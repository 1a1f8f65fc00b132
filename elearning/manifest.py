"""Read a SCORM `imsmanifest.xml`: its standard, the one SCO's launch file and the mastery score.

Parsed with defusedxml (no entities, no external references: XML from an upload is hostile until
proven otherwise). No dedicated SCORM manifest library on PyPI is kept up (the candidates are
Open edX XBlocks and hosting tools), so the few elements we need are read here by namespace:
SCORM 1.2 CAM §2.3 (IMS CP 1.1.2, adlcp_rootv1p2) and SCORM 2004 4th ed. CAM §3.4 (IMS CP 1.1.4,
adlcp_v1p3, imsss). Multi-SCO sequencing is out of scope: a manifest with more than one SCO in
its default organization is refused (docs/elearning.md).
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET  # noqa: S405 - only for the ParseError type; parsing is defusedxml's
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote, urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MANIFEST = "imsmanifest.xml"
ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


@dataclass(frozen=True)
class ScormManifest:
    standard: str  # elearning.models.Standard value
    schema_version: str
    identifier: str
    title: str
    sco_identifier: str
    launch_path: str  # relative to the package root, with the item's parameters
    mastery_score: Decimal | None  # 0–1


def _error(message: str) -> ValidationError:
    return ValidationError(message, code="manifest")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element, name: str) -> list:
    return [child for child in element if isinstance(child.tag, str) and _local(child.tag) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def _attr(element, name: str) -> str:
    """An attribute by local name, whatever namespace prefix the authoring tool gave it."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value.strip()
    return ""


def _standard(root) -> tuple[str, str]:
    metadata = _child(root, "metadata")
    version = _text(_child(metadata, "schemaversion")) if metadata is not None else ""
    namespaces = {key.split("}")[0][1:] for element in root.iter() for key in [element.tag] if key.startswith("{")}
    namespaces |= {key.split("}")[0][1:] for element in root.iter() for key in element.attrib if key.startswith("{")}
    if version == "1.2" or (not version and ADLCP_12 in namespaces):
        return "scorm12", version or "1.2"
    if "2004" in version or version == "CAM 1.3" or (not version and ADLCP_2004 in namespaces):
        return "scorm2004", version or "2004"
    if ADLCP_12 in namespaces:
        return "scorm12", version
    if ADLCP_2004 in namespaces:
        return "scorm2004", version
    raise _error(
        _("imsmanifest.xml 的 <schemaversion> 為「%(version)s」，不是 SCORM 1.2 或 SCORM 2004。")
        % {"version": version or _("（未填）")}
    )


def _safe_relative(href: str, element_name: str) -> str:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        raise _error(
            _("imsmanifest.xml 的 <%(element)s> 啟動位址「%(href)s」指向套件外部。")
            % {"element": element_name, "href": href}
        )
    path = posixpath.normpath(unquote(parts.path))
    if path.startswith(("/", "..")) or path == ".":
        raise _error(
            _("imsmanifest.xml 的 <%(element)s> 啟動位址「%(href)s」不在套件內。")
            % {"element": element_name, "href": href}
        )
    return path + (f"?{parts.query}" if parts.query else "")


def _walk_items(element):
    for item in _children(element, "item"):
        yield item
        yield from _walk_items(item)


def _mastery_12(item) -> Decimal | None:
    raw = _text(_child(item, "masteryscore"))
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not 0 <= value <= 100:
        raise _error(
            _("imsmanifest.xml 的 <adlcp:masteryscore> 應為 0 到 100 的數字，而不是「%(value)s」。") % {"value": raw}
        )
    return (value / 100).quantize(Decimal("0.0001"))


def _mastery_2004(item) -> Decimal | None:
    sequencing = _child(item, "sequencing")
    objectives = _child(sequencing, "objectives") if sequencing is not None else None
    primary = _child(objectives, "primaryObjective") if objectives is not None else None
    if primary is None or _attr(primary, "satisfiedByMeasure").lower() != "true":
        return None
    raw = _text(_child(primary, "minNormalizedMeasure")) or "1.0"  # the IMS SS default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not -1 <= value <= 1:
        raise _error(
            _("imsmanifest.xml 的 <imsss:minNormalizedMeasure> 應為 -1 到 1 的數字，而不是「%(value)s」。")
            % {"value": raw}
        )
    return max(value, Decimal(0)).quantize(Decimal("0.0001"))


def parse_manifest(data: bytes) -> ScormManifest:
    """The package's standard, launch file and mastery score; ValidationError naming the element otherwise."""
    try:
        root = fromstring(data)
    except ET.ParseError as error:
        line = getattr(error, "position", (0, 0))[0]
        raise _error(_("imsmanifest.xml 不是格式正確的 XML（第 %(line)s 行）。") % {"line": line}) from error
    except DefusedXmlException as error:
        raise _error(_("imsmanifest.xml 含有不允許的 XML 實體或 DTD 宣告。")) from error
    if _local(root.tag) != "manifest":
        raise _error(_("imsmanifest.xml 的根元素應為 <manifest>，而不是 <%(tag)s>。") % {"tag": _local(root.tag)})
    standard, schema_version = _standard(root)

    organizations = _child(root, "organizations")
    resources = _child(root, "resources")
    if resources is None:
        raise _error(_("imsmanifest.xml 缺少 <resources> 元素。"))
    resource_base = _attr(resources, "base")
    by_id = {_attr(r, "identifier"): r for r in _children(resources, "resource")}
    if not by_id:
        raise _error(_("imsmanifest.xml 的 <resources> 沒有任何 <resource>。"))

    organization = None
    if organizations is not None:
        orgs = _children(organizations, "organization")
        default = _attr(organizations, "default")
        organization = next((o for o in orgs if _attr(o, "identifier") == default), None)
        if organization is None and default:
            raise _error(_("imsmanifest.xml 的 <organizations> 指定的預設組織「%(id)s」不存在。") % {"id": default})
        organization = organization or (orgs[0] if orgs else None)

    def is_sco(resource) -> bool:
        return _attr(resource, "scormtype").lower() == "sco"

    launchable = []
    if organization is not None:
        for item in _walk_items(organization):
            ref = _attr(item, "identifierref")
            if not ref:
                continue
            resource = by_id.get(ref)
            if resource is None:
                raise _error(
                    _('imsmanifest.xml 的 <item identifier="%(item)s"> 參照的資源「%(ref)s」不存在於 <resources>。')
                    % {"item": _attr(item, "identifier"), "ref": ref}
                )
            launchable.append((item, resource))
    if not launchable:
        # SCORM 1.2 allows a package without an organization: its one SCO resource is launched.
        launchable = [(None, r) for r in by_id.values() if is_sco(r) and _attr(r, "href")]
    scos = [(item, resource) for item, resource in launchable if is_sco(resource)]
    if len(scos) > 1:
        raise _error(
            _("此套件有 %(count)s 個 SCO；本平臺只支援單一 SCO 的套件（多 SCO 的排序與導覽不在支援範圍）。")
            % {"count": len(scos)}
        )
    chosen = scos[0] if scos else (launchable[0] if launchable else None)
    if chosen is None:
        raise _error(_("imsmanifest.xml 沒有可啟動的 <item> 或 SCO <resource>。"))
    item, resource = chosen
    href = _attr(resource, "href")
    if not href:
        raise _error(
            _('imsmanifest.xml 的 <resource identifier="%(id)s"> 缺少 href 屬性。')
            % {"id": _attr(resource, "identifier")}
        )
    base = posixpath.join(resources.get(XML_BASE, "") or resource_base, resource.get(XML_BASE, ""))
    parameters = _attr(item, "parameters") if item is not None else ""
    launch = _safe_relative(posixpath.join(base, href) if base else href, "resource")
    if parameters:
        parameters = parameters.lstrip("?&")
        launch += ("&" if "?" in launch else "?") + parameters

    mastery = None
    if item is not None:
        mastery = _mastery_12(item) if standard == "scorm12" else _mastery_2004(item)
    title = _text(_child(organization, "title")) if organization is not None else ""
    if not title and item is not None:
        title = _text(_child(item, "title"))
    return ScormManifest(
        standard=standard,
        schema_version=schema_version[:50],
        identifier=_attr(root, "identifier")[:300],
        title=(title or _attr(root, "identifier") or "SCORM")[:300],
        sco_identifier=(_attr(item, "identifier") if item is not None else _attr(resource, "identifier"))[:300],
        launch_path=launch[:1000],
        mastery_score=mastery,
    )

"""Small SCORM packages built by the tests: manifests for 1.2 and 2004, a SCO page, and unsafe zips."""

from __future__ import annotations

import io
import stat
import zipfile

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="kcg-test-12" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org1">
    <organization identifier="org1">
      <title>公文寫作線上課程</title>
      <item identifier="item1" identifierref="res1">
        <title>第一單元</title>
        {mastery}
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="{href}">
      <file href="{href}"/>
    </resource>
  </resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="kcg-test-2004" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org1">
    <organization identifier="org1">
      <title>資訊安全 2004</title>
      <item identifier="item1" identifierref="res1">
        <title>唯一單元</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="pass" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>{measure}</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormType="sco" xml:base="content/" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""

# A SCO that finds the API by the standard discovery (SCORM 1.2 RTE §3.3.6.1: walk window.parent,
# then the opener) and records two visits: the first leaves suspend data and a location, the
# second reads them back and passes with a score of 90.
SCO_12 = """<!DOCTYPE html>
<html lang="zh-Hant"><head><meta charset="utf-8"><title>SCO</title></head>
<body><h1>測試單元</h1><p id="previous"></p><p id="state">loading</p>
<script>
function findAPI(win) {
  var tries = 0;
  while (win.API == null && win.parent != null && win.parent != win && tries < 7) { tries++; win = win.parent; }
  return win.API;
}
var api = findAPI(window) || (window.opener ? findAPI(window.opener) : null);
api.LMSInitialize("");
var previous = api.LMSGetValue("cmi.suspend_data");
var location_ = api.LMSGetValue("cmi.core.lesson_location");
document.getElementById("previous").textContent = previous + "|" + location_;
if (previous === "") {
  api.LMSSetValue("cmi.core.lesson_location", "page-2");
  api.LMSSetValue("cmi.suspend_data", "visited=1");
  api.LMSSetValue("cmi.core.lesson_status", "incomplete");
  api.LMSSetValue("cmi.core.exit", "suspend");
} else {
  api.LMSSetValue("cmi.core.score.raw", "90");
  api.LMSSetValue("cmi.core.score.min", "0");
  api.LMSSetValue("cmi.core.score.max", "100");
  api.LMSSetValue("cmi.core.lesson_status", "passed");
  api.LMSSetValue("cmi.suspend_data", previous + ";visited=2");
  api.LMSSetValue("cmi.core.exit", "");
}
api.LMSSetValue("cmi.core.session_time", "00:01:30");
api.LMSCommit("");
api.LMSFinish("");
document.getElementById("state").textContent = "finished";
</script></body></html>
"""


# A SCORM 2004 SCO: finds API_1484_11 by the standard discovery (SCORM 2004 RTE §3.1.4.1) and passes.
SCO_2004 = """<!DOCTYPE html>
<html lang="zh-Hant"><head><meta charset="utf-8"><title>SCO 2004</title></head>
<body><h1>測試單元 2004</h1><p id="state">loading</p>
<script>
function findAPI(win) {
  var tries = 0;
  while (win.API_1484_11 == null && win.parent != null && win.parent != win && tries < 7) { tries++; win = win.parent; }
  return win.API_1484_11;
}
var api = findAPI(window) || (window.opener ? findAPI(window.opener) : null);
api.Initialize("");
api.SetValue("cmi.location", "end");
api.SetValue("cmi.score.scaled", "0.9");
api.SetValue("cmi.success_status", "passed");
api.SetValue("cmi.completion_status", "completed");
api.SetValue("cmi.session_time", "PT2M");
api.SetValue("cmi.exit", "normal");
api.Commit("");
api.Terminate("");
document.getElementById("state").textContent = "finished";
</script></body></html>
"""


def build_zip(
    files: dict[str, bytes | str], *, symlinks: dict[str, str] | None = None, level: int = zipfile.ZIP_DEFLATED
) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=level) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    buffer.seek(0)
    buffer.name = "package.zip"
    return buffer


def scorm12_package(*, mastery: int | None = None, sco: str = SCO_12, href: str = "index.html") -> io.BytesIO:
    mastery_xml = f"<adlcp:masteryscore>{mastery}</adlcp:masteryscore>" if mastery is not None else ""
    return build_zip({"imsmanifest.xml": MANIFEST_12.format(mastery=mastery_xml, href=href), href: sco})


def scorm2004_package(*, measure: str = "0.8", sco: str = "<p>SCO</p>") -> io.BytesIO:
    return build_zip({"imsmanifest.xml": MANIFEST_2004.format(measure=measure), "content/index.html": sco})

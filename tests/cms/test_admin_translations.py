"""How much of the Wagtail admin still reads in English under zh-Hant (docs/accessibility.md).

Counted over every msgid of the source (``en``) catalogs of the Wagtail apps this site installs,
through Django's own gettext and JavaScript catalog, so it is what the admin renders: Wagtail's
zh_Hant catalogs plus ours in LOCALE_PATHS (scripts/wagtail_zh_hant.py). Raise a bound only with a
reason; after a Wagtail upgrade run the script and translate by hand what it leaves.
"""

import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.utils import translation
from django.views.i18n import JavaScriptCatalog
from opencc import OpenCC

# Measured with our catalog: 0 of 1,636 (django) and 0 of 85 (djangojs) left in English.
MAX_UNTRANSLATED = {"django": 0, "djangojs": 0}
# Mainland words Wagtail's own zh_Hant uses and Taiwan does not (搜索 for 搜尋...).
MAINLAND_WORDS = ["搜索", "創建", "用戶", "登錄", "站點", "許可權", "釋出", "設置"]
to_taiwan_characters = OpenCC("s2tw")


def both_ways(text: str) -> str:
    """台/臺, 占/佔 and 了解/瞭解 are spellings Taiwan writes both ways, not Simplified characters."""
    return text.replace("臺", "台").replace("佔", "占").replace("瞭", "了")


def words(msgid: str) -> str:
    """The text of a msgid without its placeholders and HTML tags."""
    return re.sub(r"%\(\w+\)[sd]|\{\w+\}|<[^>]*>", "", msgid)


def wagtail_catalogs(language: str, domain: str) -> list[Path]:
    dirs = [Path(app.path) / "locale" for app in apps.get_app_configs() if app.name.split(".")[0] == "wagtail"]
    return [p for d in dirs if (p := d / language / "LC_MESSAGES" / f"{domain}.po").exists()]


def source_entries(domain: str) -> list[polib.POEntry]:
    entries = {}
    for path in wagtail_catalogs("en", domain):
        for entry in polib.pofile(str(path)):
            if not entry.obsolete:
                entries.setdefault((entry.msgctxt, entry.msgid), entry)
    return list(entries.values())


def rendered(entry: polib.POEntry, domain: str) -> str:
    """What zh-Hant staff read for this msgid (the singular form)."""
    if domain == "djangojs":
        view = JavaScriptCatalog(domain="djangojs")
        view.translation = translation.trans_real.DjangoTranslation("zh-hant", domain="djangojs")
        value = view.get_catalog().get(entry.msgid, entry.msgid)
        return value[0] if isinstance(value, list) else value
    with translation.override("zh-hant"):
        if entry.msgid_plural:
            if entry.msgctxt:
                return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
            return translation.ngettext(entry.msgid, entry.msgid_plural, 1)
        if entry.msgctxt:
            return translation.pgettext(entry.msgctxt, entry.msgid)
        return translation.gettext(entry.msgid)


@pytest.fixture(scope="module", params=["django", "djangojs"])
def admin_texts(request):
    domain = request.param
    entries = source_entries(domain)
    assert len(entries) > 50  # the catalogs were found at all
    return domain, [(e.msgid, rendered(e, domain)) for e in entries]


def test_wagtail_admin_strings_left_in_english_stay_below_the_bound(admin_texts):
    domain, texts = admin_texts
    left = [msgid for msgid, text in texts if text == msgid and any(c.isalpha() for c in words(msgid))]
    # Names that stay as they are in every language ("Wagtail API v2", "URL") are not gaps.
    left = [m for m in left if not m.startswith("Wagtail ") and m not in {"URL", "ID", "OK", "RSS", "JSON"}]
    assert len(left) <= MAX_UNTRANSLATED[domain], f"{len(left)} in English, e.g. {left[:10]}"


def test_no_wagtail_admin_string_reads_in_simplified_characters_or_mainland_words(admin_texts):
    # Python's gettext expands zh_Hant to [zh_Hant, zh], so Wagtail's old Simplified `zh` catalog
    # answers whatever zh_Hant lacks; and Wagtail's zh_Hant itself has 搜索 for "Search".
    _, texts = admin_texts
    simplified = [t for _, t in texts if both_ways(to_taiwan_characters.convert(t)) != both_ways(t)]
    assert simplified == []
    assert [text for _, text in texts if any(word in text for word in MAINLAND_WORDS)] == []


def test_named_admin_strings_render_in_zh_hant():
    with translation.override("zh-hant"):
        assert translation.gettext("Keyboard shortcuts") == "鍵盤快速鍵"
        assert translation.gettext("Search…") == "搜尋…"
        assert translation.gettext("Search") == "搜尋"

"""Fill the gaps of Wagtail's zh_Hant catalogs with our own Taiwan-usage translations.

One-off generator, run again after a Wagtail upgrade (docs/accessibility.md):

    .venv/bin/python scripts/wagtail_zh_hant.py          # rewrite locale/zh_Hant/*.po and .mo
    .venv/bin/python scripts/wagtail_zh_hant.py --check  # only count the gaps, write nothing

Wagtail 8 ships a zh_Hant catalog that lacks several hundred admin strings, while its zh_Hans
catalog has many of them. For every msgid of Wagtail's source (``en``) catalogs that no Wagtail
zh_Hant catalog translates, this takes the zh_Hans translation and converts it with OpenCC's
``s2twp`` configuration (Simplified to Traditional with Taiwan phrases: 文件→檔案, 用户→使用者,
默认→預設), then applies ``TAIWAN_TERMS`` below, our review of what s2twp leaves in mainland usage.

Entries we translated by hand stay as they are: the generator owns only the entries that carry
its ``GENERATED`` comment, so a hand translation added later (without that comment) wins over a
regenerated one. Django reads ``LOCALE_PATHS`` before the apps' catalogs, so Wagtail is not
patched. Needs the dev requirements (``opencc``, ``polib``); the site itself needs neither.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent
OURS = ROOT / "locale" / "zh_Hant" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
GENERATED = "generated: Wagtail zh_Hans, OpenCC s2twp (scripts/wagtail_zh_hant.py)"

# What s2twp leaves in mainland usage or in other words than Wagtail's own zh_Hant catalog and our
# hand entries use (權限, 發布, 語系, 作業 for a workflow task). Regular expressions, in order.
TAIWAN_TERMS: list[tuple[str, str]] = [
    (r"許可權", "權限"),
    (r"釋出", "發布"),
    (r"區域設定", "語系"),
    (r"區域", "語系"),
    (r"任務", "作業"),
    (r"影像", "圖片"),
    (r"稽核", "審核"),
    (r"站點", "網站"),
    (r"工作流(?!程)", "工作流程"),
    (r"型別", "類型"),
    (r"畫素", "像素"),
    (r"常規頁面", "一般頁面"),
    (r"匹配", "符合"),
    (r"創建", "建立"),
    (r"當前", "目前"),
    (r"文本", "文字"),
    (r"定製", "自訂"),
    (r"不活動", "停用"),
    (r"活動", "啟用"),
    (r"處於啟用狀態", "已上線"),  # "is live": 活动 there means published, not an active account
    (r"重置", "重設"),
    (r"配置", "設定"),
    (r"分配", "指派"),
    (r"日誌", "紀錄"),
    (r"訪問", "存取"),
    (r"預定", "排程"),
    (r"你", "您"),
]

# Wagtail's own zh_Hant catalog says some things in mainland words (搜索 for 搜尋, 創建, 用戶,
# 站點...). Its entries containing one of these are corrected into ours, word for word; the rest
# of their text is Wagtail's.
MAINLAND_IN_WAGTAIL_ZH_HANT: list[tuple[str, str]] = [
    ("搜索", "搜尋"),
    ("創建", "建立"),
    ("用戶", "使用者"),
    ("登錄", "登入"),
    ("站點", "網站"),
    ("設置", "設定"),
    ("信息", "訊息"),
    ("保存", "儲存"),
    ("數據", "資料"),
    ("文本", "文字"),
    ("鏈接", "連結"),
    ("帳戶", "帳號"),
    ("刷新", "重新整理"),
    ("你", "您"),
    ("添加", "新增"),
    ("注釋", "評論"),
    ("訪問", "存取"),
    ("配置", "設定"),
    ("重置", "重設"),
    ("默認", "預設"),
    ("菜單", "選單"),
]


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _translated(path: Path) -> dict:
    if not path.exists():
        return {}
    return {_key(e): e for e in polib.pofile(str(path)) if e.translated() and not e.obsolete}


@functools.cache
def wagtail_locale_dirs() -> list[Path]:
    """The locale directories of the Wagtail apps this site installs: only those render."""
    import django
    from django.apps import apps

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    django.setup()
    return [
        Path(app.path) / "locale"
        for app in apps.get_app_configs()
        if app.name.split(".")[0] == "wagtail" and (Path(app.path) / "locale").is_dir()
    ]


def _catalogs(language: str, domain: str) -> list[Path]:
    return [p for d in wagtail_locale_dirs() if (p := d / language / "LC_MESSAGES" / f"{domain}.po").exists()]


def to_taiwan(converter: opencc.OpenCC, text: str) -> str:
    text = converter.convert(text)
    for mainland, taiwan in TAIWAN_TERMS:
        text = re.sub(mainland, taiwan, text)
    return text


def _corrected(text: str) -> str:
    for mainland, taiwan in MAINLAND_IN_WAGTAIL_ZH_HANT:
        text = text.replace(mainland, taiwan)
    return text


def corrections(domain: str, ours: polib.POFile) -> list[polib.POEntry]:
    """Wagtail zh_Hant entries in mainland words, in Taiwan words; hand entries win."""
    hand = {_key(e) for e in ours if e.translated() and GENERATED not in e.comment}
    corrected = {}
    for path in _catalogs("zh_Hant", domain):
        for source in polib.pofile(str(path)):
            if not source.translated() or source.obsolete or _key(source) in hand:
                continue
            entry = polib.POEntry(msgctxt=source.msgctxt, msgid=source.msgid, comment=GENERATED)
            if source.msgid_plural:
                entry.msgid_plural = source.msgid_plural
                entry.msgstr_plural = {i: _corrected(t) for i, t in source.msgstr_plural.items()}
                changed = entry.msgstr_plural != source.msgstr_plural
            else:
                entry.msgstr = _corrected(source.msgstr)
                changed = entry.msgstr != source.msgstr
            if changed:
                corrected[_key(source)] = entry
    return list(corrected.values())


def gaps(domain: str, ours: polib.POFile) -> list[polib.POEntry]:
    """Wagtail's source msgids that neither Wagtail's zh_Hant nor a hand entry of ours translates.

    Django merges every app's catalog into one, so a msgid translated by any Wagtail app's zh_Hant
    catalog is not a gap, whichever app uses it.
    """
    hant: dict = {}
    for path in _catalogs("zh_Hant", domain):
        hant.update(_translated(path))
    hand = {_key(e) for e in ours if e.translated() and GENERATED not in e.comment}
    source: dict = {}
    for path in _catalogs("en", domain):
        for entry in polib.pofile(str(path)):
            if not entry.obsolete:
                source.setdefault(_key(entry), entry)
    return [
        e
        for k, e in sorted(source.items(), key=lambda kv: (kv[0][1], kv[0][0] or ""))
        if k not in hant and k not in hand
    ]


def generate(domain: str, converter: opencc.OpenCC, write: bool) -> tuple[int, int]:
    po_path = OURS / f"{domain}.po"
    ours = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    hans: dict = {}
    for path in _catalogs("zh_Hans", domain):
        hans.update(_translated(path))
    missing = gaps(domain, ours)
    # Drop the previous run's entries; hand entries stay.
    for entry in [e for e in ours if GENERATED in e.comment]:
        ours.remove(entry)
    added = 0
    for source in missing:
        simplified = hans.get(_key(source))
        forms = simplified and (simplified.msgstr_plural or {0: simplified.msgstr})
        if not forms or not forms[min(forms)]:
            continue
        entry = polib.POEntry(msgctxt=source.msgctxt, msgid=source.msgid, comment=GENERATED)
        if source.msgid_plural:
            entry.msgid_plural = source.msgid_plural
            # zh has one plural form (nplurals=1); take the first.
            entry.msgstr_plural = {0: to_taiwan(converter, forms[min(forms)])}
        else:
            entry.msgstr = to_taiwan(converter, simplified.msgstr)
        ours.append(entry)
        added += 1
    fixed = corrections(domain, ours)
    for entry in fixed:
        ours.append(entry)
    if write:
        ours.save(str(po_path))
        ours.save_as_mofile(str(OURS / f"{domain}.mo"))
    return added, len(missing) - added, len(fixed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="count the gaps, write nothing")
    args = parser.parse_args(argv)
    converter = opencc.OpenCC("s2twp")
    for domain in DOMAINS:
        added, left, fixed = generate(domain, converter, write=not args.check)
        sys.stdout.write(
            f"{domain}: {added} translated from zh_Hans, {left} still without a translation, "
            f"{fixed} of Wagtail's zh_Hant put in Taiwan words\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Seed the national portal's code tables from the public implementations (docs/national-upload.md).

Staff edit these rows in the admin afterwards; this migration only adds codes that are missing,
so running it over edited tables changes nothing. No 課程類別 codes are seeded: no public source
found gives the portal's category table, so staff enter it from the portal (docs/national-upload.md).
"""

from django.db import migrations

CLICKAP = "CLICK-AP Moodle plugin clickap_code, db/install.php"
DCSD = "martinliao/dcsdrjsphy application/controllers/management/Export_score.php"

CITIES = [
    ("01", "海外"), ("10", "臺北市"), ("20", "基隆市"), ("21", "福建省連江縣"), ("22", "臺北縣"), ("23", "新北市"),
    ("26", "宜蘭縣"), ("30", "新竹市"), ("31", "新竹縣"), ("32", "桃園縣"), ("33", "桃園市"), ("35", "苗栗縣"),
    ("40", "臺中市"), ("41", "臺中縣"), ("50", "彰化縣"), ("54", "南投縣"), ("60", "嘉義市"), ("61", "嘉義縣"),
    ("63", "雲林縣"), ("70", "臺南市"), ("71", "臺南縣"), ("80", "高雄市"), ("81", "高雄縣"), ("88", "澎湖縣"),
    ("89", "福建省金門縣"), ("90", "屏東縣"), ("95", "臺東縣"), ("97", "花蓮縣"),
]
# Counties merged into municipalities (2010, 2014): kept for old records, not offered by default.
FORMER_COUNTIES = {"22", "32", "41", "71", "81"}

TABLES = {
    "city": [(code, name, code == "80", code not in FORMER_COUNTIES, CLICKAP) for code, name in CITIES],
    "unit": [
        ("1", "小時", True, True, f"{CLICKAP}; {DCSD} writes 1"),
        ("2", "天", False, True, CLICKAP),
        ("6", "學分", False, True, CLICKAP),
    ],
    "degree_credit": [
        ("1", "博士", False, True, CLICKAP),
        ("2", "碩士", False, True, CLICKAP),
        ("3", "大學", False, True, CLICKAP),
        ("4", "專科", False, True, CLICKAP),
        ("5", "學分", False, True, CLICKAP),
        ("6", "無", True, True, f"{CLICKAP}; {DCSD} writes 6"),
    ],
    "learning_nature": [
        ("1", "數位", False, True, f"{CLICKAP}; {DCSD} learningattribute()"),
        ("2", "實體", False, True, f"{CLICKAP}; {DCSD} learningattribute()"),
        ("3", "混成", False, True, f"{CLICKAP}; {DCSD} learningattribute()"),
    ],
    "env_method": [
        ("1", "課程", True, True, f"{DCSD} writes 1 in the 環教 file; name to confirm with the portal's table"),
    ],
}


def seed(apps, schema_editor):
    NationalCode = apps.get_model("reports", "NationalCode")
    for kind, rows in TABLES.items():
        has_default = NationalCode.objects.filter(kind=kind, is_default=True).exists()
        for order, (code, name, is_default, is_active, source) in enumerate(rows, start=1):
            if NationalCode.objects.filter(kind=kind, code=code).exists():
                continue
            NationalCode.objects.create(
                kind=kind,
                code=code,
                name=name,
                is_default=is_default and not has_default,
                is_active=is_active,
                sort_order=order,
                source=source,
            )


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_national_code_tables")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

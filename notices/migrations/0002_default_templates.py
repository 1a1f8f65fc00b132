"""Every kind of notice gets its zh-Hant and English text as a row staff can edit (notices/defaults.py)."""

from django.db import migrations


def add_default_templates(apps, schema_editor):
    from notices import defaults

    NoticeTemplate = apps.get_model("notices", "NoticeTemplate")
    for kind in defaults.KINDS:
        for language in (defaults.ZH, defaults.EN):
            subject, body = defaults.default_text(kind, language)
            NoticeTemplate.objects.get_or_create(kind=kind, language=language, defaults={"subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_notices")]

    operations = [migrations.RunPython(add_default_templates, migrations.RunPython.noop)]

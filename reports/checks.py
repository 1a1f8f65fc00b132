"""`manage.py check` warns when the national-ID key cannot serve the national upload (docs/national-upload.md §6)."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

HINT = "NATIONAL_ID_KEYS: comma-separated Fernet keys, newest first (docs/national-upload.md §6)."


@register()
def national_id_key_is_set_and_well_formed(app_configs, **kwargs):
    from reports.services.national_export import national_id_key_problem

    problem = national_id_key_problem(check_stored=False)
    return [Warning(problem, hint=HINT, id="reports.W001")] if problem else []


@register(Tags.database)
def national_id_key_decrypts_the_stored_ids(app_configs, **kwargs):
    """Run by `manage.py check --database default`: a wrong key would otherwise show only at export time."""
    from reports.services.national_export import national_id_key_problem

    if national_id_key_problem(check_stored=False):
        return []  # already reported by reports.W001
    try:
        problem = national_id_key_problem(check_stored=True)
    except DatabaseError:
        return []  # no database yet (before migrate): nothing stored to decrypt
    return [Warning(problem, hint=HINT, id="reports.W002")] if problem else []

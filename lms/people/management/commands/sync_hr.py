"""python manage.py sync_hr --agencies FILE --people FILE [--dry-run] [--on YYYY-MM-DD] [--complete-roster]

The nightly HR sync (docs/hr-sync.md): the same preview and all-or-nothing apply as the page.
Exits with status 1 when a file has bad rows, after printing each of them; nothing is stored then.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.people.hr_files import parse_hr_date
from lms.people.hr_sync import HrSyncPlan, run_hr_sync
from lms.people.models import HrSync


def _date(text: str) -> dt.date:
    try:
        return parse_hr_date(text)
    except ValueError as error:
        raise CommandError(f"--on: not a date: {text}") from error


def _file_date(path: Path) -> dt.date:
    """The day the HR system wrote the file (its modification time, Taipei time)."""
    return timezone.localdate(dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC))


class Command(BaseCommand):
    help = "Sync agencies and people from the HR system's CSV or XLSX files (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=Path, help="機關檔 (CSV or XLSX)")
        parser.add_argument("--people", type=Path, help="人員檔 (CSV or XLSX)")
        parser.add_argument(
            "--on", type=_date, help="effective date of transfers and leavers (default: the people file's date)"
        )
        parser.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")
        parser.add_argument(
            "--complete-roster",
            action="store_true",
            help="the people file is the complete roster: people absent from it are marked as left",
        )
        parser.add_argument("--verbose-lists", action="store_true", help="print every change, not only the counts")

    def handle(self, *args, **options):
        if not options["agencies"] and not options["people"]:
            raise CommandError("give --agencies and/or --people")
        handles = []
        try:
            files = {}
            for kind in ("agencies", "people"):
                path = options[kind]
                if path is not None:
                    if not path.is_file():
                        raise CommandError(f"--{kind}: no such file: {path}")
                    handle = path.open("rb")
                    handles.append(handle)
                    files[f"{kind}_file"] = File(handle, name=path.name)
            try:
                result = run_hr_sync(
                    **files,
                    on=options["on"] or _file_date(options["people"] or options["agencies"]),
                    complete_roster=options["complete_roster"],
                    dry_run=options["dry_run"],
                    source=HrSync.Source.COMMAND,
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        finally:
            for handle in handles:
                handle.close()
        if result.file_error is not None:
            raise CommandError(" ".join(result.file_error.messages))
        plan = result.plan
        for error in plan.errors:
            self.stderr.write(str(error))
        self._print(plan, options["verbose_lists"])
        if plan.errors:
            raise CommandError(f"{len(plan.errors)} bad rows: nothing applied (sync #{result.sync.pk})")
        verb = "would apply (dry run)" if options["dry_run"] else "applied"
        self.stdout.write(f"sync #{result.sync.pk} {verb}, effective {plan.on.isoformat()}")

    def _print(self, plan: HrSyncPlan, verbose: bool) -> None:
        for name, count in plan.counts.items():
            self.stdout.write(f"{name}: {count}")
            if verbose and name != "errors":
                for item in getattr(plan, name):
                    self.stdout.write(f"  {item}")

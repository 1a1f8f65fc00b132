"""Bring the index of StatementRef targets up to date (xapi.services.references).

Writes keep it current on their own; run this once after migrating a store that already holds
statements (until then queries read referring statements from the statement table: right, slower).
"""

from django.core.management.base import BaseCommand

from xapi.services.references import index_statement_refs


class Command(BaseCommand):
    help = "Index the targets of stored StatementRef statements, so that queries find referring statements by index."

    def handle(self, *args, **options):
        indexed = index_statement_refs()
        self.stdout.write(f"{indexed} referring statements indexed")

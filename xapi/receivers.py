"""The LRS's own listener: keeps the index of StatementRef targets after writes (xapi.services.references)."""

from django.dispatch import receiver

from xapi.services.references import index_statement_refs
from xapi.signals import statements_stored


@receiver(statements_stored, dispatch_uid="xapi.index_statement_refs")
def index_statement_refs_after_store(sender, statements: list[dict], **kwargs) -> None:
    # Only writes with referring statements add to the index; the common batch costs one pass here.
    if any(statement["object"].get("objectType") == "StatementRef" for statement in statements):
        index_statement_refs()

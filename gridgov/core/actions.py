"""The writes of the core app. Reading the audit log changes nothing, but taking a copy
of it out of the system is itself an operation the next auditor must be able to see."""

from django.db import transaction

from gridgov.core import audit
from gridgov.core.errors import check_capability


def record_export(actor, object_type: str, *, filters: dict, rows: int, capped: bool):
    """Audit an export of the audit or access log: which list, which filters, how many rows."""
    check_capability(actor, "audit.view")
    with transaction.atomic():
        return audit.record(
            actor,
            "audit.export",
            object_type=object_type,
            after={"filters": filters, "rows": rows, "capped": capped},
        )

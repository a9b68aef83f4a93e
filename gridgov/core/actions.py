"""The writes of the core app. Reading changes nothing, but taking a copy of records out
of the system is itself an operation the next auditor must be able to see: every
export, in every app, records itself through `record_export`."""

from django.db import transaction

from gridgov.core import audit
from gridgov.core.errors import check_capability


def record_export(
    actor,
    action: str,
    object_type: str,
    *,
    capability: str,
    filters: dict,
    rows: int,
    capped: bool = False,
    object_repr: str = "",
    revealed: str = "",
    reason: str = "",
):
    """Audit one export: which list, which filters, how many rows. An export that left
    numbers in clear (`revealed`, the fields) also writes its access-log row, why."""
    check_capability(actor, capability)
    with transaction.atomic():
        entry = audit.record(
            actor,
            action,
            object_type=object_type,
            object_repr=object_repr,
            after={"filters": filters, "rows": rows, "capped": capped},
        )
        if revealed:
            audit.log_access(
                actor, None, revealed, reason, object_type=object_type, object_repr=object_repr
            )
        return entry

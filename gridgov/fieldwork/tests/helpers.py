"""Small helpers the fieldwork tests share."""

from gridgov.core.models import AuditEntry

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def audited(action: str, record=None) -> list[AuditEntry]:
    """The audit rows of `action` (about `record`, if given)."""
    rows = AuditEntry.objects.filter(action=action)
    if record is not None:
        rows = rows.filter(object_type=record._meta.label_lower, object_id=str(record.pk))
    return list(rows)

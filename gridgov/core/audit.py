"""Writing audit and access records. Actions call `record`; reveal views call
`log_access`. Both must run inside the caller's transaction."""

import datetime
import decimal
import uuid

from django.db import connection, models

from gridgov.core.context import current
from gridgov.core.masking import mask_fields
from gridgov.core.models import AccessLog, AuditEntry

# Chinese names of the action codes, for the auditor's pages. Each app adds its own in
# its AppConfig.ready(), so core needs to know no app.
ACTION_LABELS: dict[str, str] = {}


def register_action_labels(labels: dict[str, str]) -> None:
    ACTION_LABELS.update(labels)


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str] | tuple[str, ...]) -> dict:
    """A JSON-safe dict of the named fields (foreign keys as ids) for before/after."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = field.attname if field.is_relation else name
        data[name] = _json_value(getattr(obj, attname))
    return data


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": "系统"}
    return {"actor": actor, "actor_name": actor.get_username()}


def _request_fields() -> dict:
    info = current()
    return {"request_id": info.request_id if info else "", "ip": info.ip if info else None}


def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Write the audit row of one business operation, in the operation's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must be called inside the action's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEntry.objects.create(
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=mask_fields(before),
        after=mask_fields(after),
        **_actor_fields(actor),
        **_request_fields(),
    )


def log_access(
    actor,
    obj: models.Model | None,
    fields: str,
    reason: str,
    *,
    object_type: str = "",
    object_repr: str = "",
) -> AccessLog:
    """Record that `actor` read sensitive `fields` of `obj`, or of the `object_type`
    records an export took out, and why."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_repr = object_repr or str(obj)
    return AccessLog.objects.create(
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=object_repr[:200],
        fields=fields,
        reason=reason[:500],
        **_actor_fields(actor),
        **_request_fields(),
    )

"""Every write of the command center: alert sources, alert kinds and camera alerts (each
becomes a case or joins one). Heartbeats and positions are telemetry, in `telemetry`.

Alerts come from machines that retry: the sender's alert id makes a resend change
nothing, and a request refused for any reason leaves nothing behind (one transaction).
"""

import datetime as dt
import re
import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.actions import report_case
from gridgov.cases.choices import OPEN_STATUSES, Source
from gridgov.cases.models import Category
from gridgov.command.models import (
    AlertKind,
    AlertSource,
    Camera,
    CameraAlert,
    CameraStatus,
)
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.protect import encrypt
from gridgov.places.models import Area, Level

CLOCK_SLACK = dt.timedelta(minutes=5)
# An alert kind's code: what senders put in an alert's "kind", so plain and stable.
KIND_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
ALERT_KIND_FIELDS = ("code", "name", "category_code")


# -- alert sources --------------------------------------------------------------------


def create_alert_source(actor, name: str, street: Area, merge_minutes: int = 30):
    """A new source and its secret: the secret is returned this once, stored encrypted."""
    if actor is not None:
        check_capability(actor, "command.cameras")
    name = (name or "").strip()[:100]
    if not name:
        raise ActionError(_("请填写接入方名称。"), field="name")
    if street is None or street.level != Level.STREET:
        raise ActionError(_("请选择接入方服务的街道。"), field="street")
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        source = AlertSource.objects.create(
            name=name,
            key_id="src_" + secrets.token_hex(8),
            secret_cipher=encrypt(secret),
            street=street,
            merge_minutes=merge_minutes,
        )
        audit.record(actor, "alert_source.create", source, after={"name": name})
    return source, secret


def disable_alert_source(actor, source: AlertSource) -> None:
    if actor is not None:
        check_capability(actor, "command.cameras")
    with transaction.atomic():
        AlertSource.objects.filter(pk=source.pk).update(is_active=False)
        audit.record(actor, "alert_source.disable", source, before={"is_active": True})


# -- alert kinds ----------------------------------------------------------------------


def _alert_kind_values(code, name, category_code) -> dict:
    """The checked fields of an alert kind; its category must be a sub-class (小类) in
    force today, since an alert becomes a case of that category."""
    code = str(code or "").strip()
    if not KIND_CODE.match(code):
        raise ActionError(
            _("编码应以小写字母开头，只含小写字母、数字和下划线，2 至 32 位。"), field="code"
        )
    name = str(name or "").strip()
    if not name:
        raise ActionError(_("请填写名称。"), field="name")
    if len(name) > 50:
        raise ActionError(_("名称最多 50 个字。"), field="name")
    category_code = str(category_code or "").strip().upper()
    category = Category.objects.current().filter(code=category_code).first()
    if category is None or not category.parent_code:
        raise ActionError(
            _("案件类别 %(code)s 不存在、已失效或不是小类。") % {"code": category_code},
            field="category_code",
        )
    return {"code": code, "name": name, "category_code": category_code}


def create_alert_kind(actor, code: str, name: str, category_code: str) -> AlertKind:
    """A new kind senders may send; its code must be new."""
    check_capability(actor, "command.cameras")
    values = _alert_kind_values(code, name, category_code)
    taken = _("编码 %(code)s 已被使用。") % {"code": values["code"]}
    if AlertKind.objects.filter(code=values["code"]).exists():
        raise ActionError(taken, field="code", status=409)
    try:
        with transaction.atomic():
            kind = AlertKind.objects.create(**values)
            after = audit.snapshot(kind, ALERT_KIND_FIELDS)
            audit.record(actor, "alert_kind.create", kind, after=after)
    except IntegrityError:
        raise ActionError(taken, field="code", status=409) from None
    return kind


def update_alert_kind(actor, kind: AlertKind, name: str, category_code: str) -> AlertKind:
    """Rename a kind or send its alerts to another category from now on (its code stays:
    the senders are configured with it). No change writes nothing."""
    check_capability(actor, "command.cameras")
    values = _alert_kind_values(kind.code, name, category_code)
    with transaction.atomic():
        kind = AlertKind.objects.select_for_update().get(pk=kind.pk)
        before = audit.snapshot(kind, ALERT_KIND_FIELDS)
        if all(before[name] == value for name, value in values.items()):
            return kind
        kind.name, kind.category_code = values["name"], values["category_code"]
        kind.save(update_fields=["name", "category_code"])
        after = audit.snapshot(kind, ALERT_KIND_FIELDS)
        audit.record(actor, "alert_kind.update", kind, before=before, after=after)
    return kind


def delete_alert_kind(actor, kind: AlertKind) -> None:
    """Remove a kind no alert has used; one that alerts refer to stays."""
    check_capability(actor, "command.cameras")
    with transaction.atomic():
        kind = AlertKind.objects.select_for_update().get(pk=kind.pk)
        used = CameraAlert.objects.filter(kind=kind).count()
        if used:
            raise ActionError(
                _("已有 %(n)d 条告警属于“%(name)s”，不能删除；可修改名称或对应的案件类别。")
                % {"n": used, "name": kind.name},
                status=409,
            )
        audit.record(
            actor, "alert_kind.delete", kind, before=audit.snapshot(kind, ALERT_KIND_FIELDS)
        )
        kind.delete()


# -- camera alerts --------------------------------------------------------------------


def _camera_of(source: AlertSource, code: str) -> Camera:
    camera = (
        Camera.objects.select_related("grid").filter(code=code, street_id=source.street_id).first()
    )
    if camera is None:
        raise ActionError(
            _("摄像头 %(code)s 未登记或不属于该接入方的街道。") % {"code": code},
            field="camera_code",
            status=422,
        )
    return camera


def _kind_and_category(code: str) -> tuple[AlertKind, Category]:
    kind = AlertKind.objects.filter(code=code).first()
    if kind is None:
        raise ActionError(_("未知的告警类型 %(code)s。") % {"code": code}, field="kind", status=422)
    category = Category.objects.current().filter(code=kind.category_code).first()
    if category is None or not category.parent_code:
        raise ActionError(
            _("告警类型 %(code)s 对应的案件类别不存在，请联系管理员。") % {"code": code},
            field="kind",
            status=422,
        )
    return kind, category


def _open_alert_case(camera, kind, occurred_at, minutes: int):
    """The open case an alert of the same camera and kind started within the window."""
    return (
        CameraAlert.objects.filter(
            camera=camera,
            kind=kind,
            occurred_at__gte=occurred_at - dt.timedelta(minutes=minutes),
            case__status__in=OPEN_STATUSES,
        )
        .order_by("-occurred_at")
        .values_list("case_id", flat=True)
        .first()
    )


def receive_alert(
    source: AlertSource,
    *,
    alert_id: str,
    camera_code: str,
    kind: str,
    occurred_at: dt.datetime,
    text: str = "",
    snapshot: bytes | None = None,
) -> tuple[CameraAlert, bool]:
    """Turn an alert into a case in "reported" (source: command center / video), or
    join the open case the same camera raised for the same kind within the source's
    window. Returns (alert, created); a resent alert id returns the first one."""
    existing = CameraAlert.objects.filter(source=source, alert_id=alert_id).first()
    if existing is not None:
        return existing, False
    camera = _camera_of(source, camera_code)
    alert_kind, category = _kind_and_category(kind)
    now = timezone.now()
    if occurred_at > now + CLOCK_SLACK:
        raise ActionError(_("告警时间晚于当前时间。"), field="occurred_at", status=422)
    text = (text or "").strip()[:500]
    case_id = _open_alert_case(camera, alert_kind, occurred_at, source.merge_minutes)
    joined = case_id is not None
    try:
        with transaction.atomic():
            if not joined:
                photos = [ContentFile(snapshot, name="snapshot")] if snapshot else []
                case = report_case(
                    None,
                    category=category,
                    title=_("%(kind)s（%(camera)s）")
                    % {"kind": alert_kind.name, "camera": camera.name},
                    description=text or alert_kind.name,
                    lon=camera.lon,
                    lat=camera.lat,
                    grid=camera.grid,
                    address=camera.address,
                    source=Source.COMMAND_CENTER,
                    source_ref=f"{camera.code}:{alert_id}"[:64],
                    reporter_name=source.name,
                    photos=photos,
                    now=now,
                )
                case_id = case.pk
            alert = CameraAlert(
                source=source,
                alert_id=alert_id,
                camera=camera,
                kind=alert_kind,
                occurred_at=occurred_at,
                text=text,
                case_id=case_id,
                joined=joined,
                received_at=now,
            )
            alert.place_like(camera)
            alert.save()
            audit.record(
                None,
                "camera.alert_joined" if joined else "camera.alert",
                alert,
                after={"source": source.key_id, "alert_id": alert_id, "case": case_id},
            )
            Camera.objects.filter(pk=camera.pk).update(
                last_heartbeat_at=now, status=CameraStatus.ONLINE
            )
            AlertSource.objects.filter(pk=source.pk).update(last_used_at=now)
    except IntegrityError:
        # The same alert id arrived twice at once: the other request made it.
        existing = CameraAlert.objects.filter(source=source, alert_id=alert_id).first()
        if existing is None:
            raise
        return existing, False
    return alert, True

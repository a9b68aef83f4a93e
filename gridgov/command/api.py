"""The command center's machine-facing API: alerts and heartbeats from video platforms
and AI boxes (signed, see `signing`), and positions from the grid workers' phones.

    POST /api/v1/camera-alerts       one alert → a case (or joins one); idempotent
    POST /api/v1/camera-heartbeats   camera statuses
    POST /api/v1/positions           a batch of a grid worker's positions; idempotent
"""

import base64
import binascii
import datetime as dt
from typing import Annotated

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator

from gridgov.cases.choices import Coordinates
from gridgov.command import actions, signing, telemetry
from gridgov.command.models import CameraStatus
from gridgov.core.api import ERRORS, ErrorOut

router = Router(tags=["command"])


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


AwareTime = Annotated[dt.datetime, AfterValidator(_aware)]


class SignedSource:
    """Auth for machines: the request must carry a valid signature (401 otherwise)."""

    def __call__(self, request):
        request.alert_source = signing.verify(request)
        return request.alert_source


class AlertIn(Schema):
    alert_id: str = Field(..., min_length=1, max_length=64, description="发送方的告警编号（幂等）")
    camera_code: str = Field(..., min_length=1, max_length=32)
    kind: str = Field(..., min_length=1, max_length=32, description="告警类型编码，如 garbage")
    occurred_at: AwareTime = Field(..., description="告警时间，ISO 8601；无时区按北京时间")
    text: str = Field("", max_length=500)
    snapshot: str | None = Field(None, description="抓拍图片（JPEG/PNG/WebP）的 Base64")


class AlertOut(Schema):
    alert_id: str
    case_id: int
    case_number: str = Field(..., alias="case.number")
    joined: bool = Field(..., description="并入了已有的未结案件")
    duplicate: bool = Field(False, description="该告警编号已处理过，本次未做改动")


def _snapshot(encoded: str | None) -> bytes | None:
    if not encoded:
        return None
    if len(encoded) > settings.PHOTO_MAX_BYTES * 4 // 3 + 4:
        raise HttpError(413, _("抓拍图片过大。"))
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise HttpError(422, _("抓拍图片不是有效的 Base64。")) from None


@router.post(
    "/camera-alerts",
    auth=SignedSource(),
    response={200: AlertOut, 201: AlertOut, 413: ErrorOut, **ERRORS},
    summary="接收摄像头告警",
)
def camera_alert(request, payload: AlertIn):
    """A new alert id answers 201 with the case it became or joined; a known one answers
    200 with the same case and changes nothing."""
    alert, created = actions.receive_alert(
        request.alert_source,
        alert_id=payload.alert_id,
        camera_code=payload.camera_code,
        kind=payload.kind,
        occurred_at=payload.occurred_at,
        text=payload.text,
        snapshot=_snapshot(payload.snapshot),
    )
    alert.duplicate = not created
    return Status(201 if created else 200, alert)


class HeartbeatIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    status: CameraStatus


class HeartbeatsIn(Schema):
    cameras: list[HeartbeatIn] = Field(..., min_length=1, max_length=1000)


class HeartbeatsOut(Schema):
    updated: int


@router.post(
    "/camera-heartbeats",
    auth=SignedSource(),
    response={200: HeartbeatsOut, **ERRORS},
    summary="上报摄像头在线状态",
)
def camera_heartbeats(request, payload: HeartbeatsIn):
    beats = [(beat.code, beat.status.value) for beat in payload.cameras]
    return {"updated": telemetry.record_heartbeats(request.alert_source, beats)}


class PositionIn(Schema):
    lon: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)
    accuracy: float | None = Field(None, ge=0, le=100_000, description="定位精度（米）")
    recorded_at: AwareTime
    coords: Coordinates = Field(Coordinates.WGS84, description="wgs84、gcj02 或 bd09")


class PositionsIn(Schema):
    points: list[PositionIn] = Field(..., min_length=1, max_length=telemetry.MAX_POSITIONS)


class PositionsOut(Schema):
    accepted: int
    duplicates: int = Field(..., description="已收到过的定位（同一时间），未重复保存")


@router.post("/positions", response={200: PositionsOut, **ERRORS}, summary="网格员上报位置")
def positions(request, payload: PositionsIn):
    """A batch of the caller's positions (a grid worker's phone). Resending a batch
    changes nothing: positions are unique per worker and time."""
    points = [point.dict() | {"coords": point.coords.value} for point in payload.points]
    return telemetry.record_positions(request.user, points)

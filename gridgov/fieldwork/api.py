"""The grid worker's phone API under /api/v1/field/: the outbox's batch sync.

    POST /api/v1/field/sync   what was recorded offline, up to 50 items; idempotent on
                              each item's client id (`fieldwork.sync`)

The site's session (with the CSRF header, as the phone pages' outbox sends it) or a
bearer token, like the rest of the API.
"""

import datetime as dt
import enum
import uuid
from typing import Annotated

from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import AfterValidator

from gridgov.core.api import ERRORS, ErrorOut
from gridgov.core.errors import check_capability
from gridgov.fieldwork import sync as outbox

router = Router(tags=["fieldwork"])

FieldKind = enum.StrEnum("FieldKind", {k: k for k in outbox.KINDS})
SyncStatus = enum.StrEnum(
    "SyncStatus", {s: s for s in ("stored", "duplicate", "refused", "conflict")}
)


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class FieldPhotoIn(Schema):
    """A photo taken on the phone: an image (JPEG, PNG, WebP) of at most 1 MB decoded."""

    filename: str = Field("", max_length=200)
    content_type: str = Field("", max_length=100)
    # Not bounded here: a photo too large is that item's refusal, not the batch's 422
    # (the body's own limit bounds it).
    base64: str = Field(..., description="图片内容的 Base64；解码后不超过 1 MB")


Scalar = str | int | float | bool | None
Value = Annotated[Scalar | FieldPhotoIn | list[Annotated[Scalar | FieldPhotoIn, Field()]], Field()]

PAYLOAD_HELP = (
    "该条记录在手机页面表单上的字段，字段名与页面相同（重复的字段为列表）："
    "visit 为走访表单（household 或 organization 为编号，household_version 为打开页面时住户档案的版本，"
    "用于发现冲突；photo 为照片），diary_item 为民情日志条目表单（day 为日期，留空取记录时的日期），"
    "request 为群众诉求表单，service 为便民服务表单，case 为上报案件表单（photos 为照片列表）。"
)


class FieldItemIn(Schema):
    client_id: uuid.UUID = Field(..., description="手机生成的编号；同一编号只保存一次")
    kind: FieldKind
    payload: dict[Annotated[str, Field(max_length=64)], Value] = Field(
        default_factory=dict, max_length=64, description=PAYLOAD_HELP
    )
    recorded_at: Annotated[dt.datetime, AfterValidator(_aware)] | None = Field(
        None, description="手机记录这条记录的时间；表单未填时间或日期时用它"
    )


class FieldSyncIn(Schema):
    items: list[FieldItemIn] = Field(..., max_length=outbox.MAX_ITEMS)


class FieldItemOut(Schema):
    client_id: str
    status: SyncStatus = Field(
        ...,
        description="stored 已保存；duplicate 此前已保存（未重复保存）；"
        "refused 被拒绝（见 reason）；conflict 与服务器上的记录冲突（见 reason 和 current）",
    )
    reason: str | None = None
    id: int | None = Field(None, description="保存的记录编号（stored 或 duplicate）")
    current: dict[str, str | int] | None = Field(
        None, description="冲突时服务器上记录的现状（如住户档案的版本）"
    )


class FieldSyncOut(Schema):
    items: list[FieldItemOut]


@router.post(
    "/sync",
    response={200: FieldSyncOut, 413: ErrorOut, **ERRORS},
    summary="手机离线记录批量上传",
)
def sync(request, payload: FieldSyncIn):
    """What the grid worker's phone recorded offline, in the order recorded. Each item
    goes through the same form and action as its page, in a transaction of its own, and
    is answered on its own: one refused item leaves the others stored. Sending a batch
    again stores nothing twice. The body may be at most 5 MB (413 beyond)."""
    user = request.auth
    check_capability(user, "fieldwork.record")
    items = [
        {
            "client_id": item.client_id,
            "kind": item.kind.value,
            "payload": {k: _plain(v) for k, v in item.payload.items()},
            "recorded_at": item.recorded_at,
        }
        for item in payload.items
    ]
    return {"items": outbox.sync(user, items)}


def _plain(value):
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, FieldPhotoIn):
        return value.dict()
    return value

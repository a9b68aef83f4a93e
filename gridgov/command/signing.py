"""How a video platform or AI box proves a request is its own: HMAC-SHA256 with its
secret over "<timestamp>.<body>", sent in three headers. A timestamp more than five
minutes away from our clock is refused, so a captured request cannot be replayed later;
within the window a replay is harmless because alerts are idempotent on their id.

    X-Gridgov-Key: <key id>
    X-Gridgov-Timestamp: <unix seconds>
    X-Gridgov-Signature: <hex digest>
"""

import hashlib
import hmac
import time

from django.utils.translation import gettext as _
from ninja.errors import HttpError

from gridgov.command.models import AlertSource
from gridgov.core.protect import reveal

MAX_SKEW_SECONDS = 300
KEY_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER = (
    "X-Gridgov-Key",
    "X-Gridgov-Timestamp",
    "X-Gridgov-Signature",
)


def sign(secret: str, timestamp: str | int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(key_id: str, secret: str, body: bytes, now: float | None = None) -> dict:
    """The headers a sender adds (used by tests, the benchmark and the demo)."""
    timestamp = int(now if now is not None else time.time())
    return {
        KEY_HEADER: key_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }


def verify(request) -> AlertSource:
    """The active source that signed this request, or a 401 saying what is wrong."""
    key_id = request.headers.get(KEY_HEADER, "")
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not (key_id and timestamp and signature):
        raise HttpError(401, _("缺少签名：请提供接入标识、时间戳和签名三个请求头。"))
    try:
        moment = int(timestamp)
    except ValueError:
        raise HttpError(401, _("时间戳应为 Unix 秒数。")) from None
    if abs(time.time() - moment) > MAX_SKEW_SECONDS:
        raise HttpError(401, _("时间戳与服务器时间相差超过 5 分钟，请求已过期或被重放。"))
    source = AlertSource.objects.filter(key_id=key_id, is_active=True).first()
    # The same answer for an unknown key and a wrong signature: nothing to probe.
    if source is None or not hmac.compare_digest(
        sign(reveal(source.secret_cipher), moment, request.body), signature.lower()
    ):
        raise HttpError(401, _("签名无效。"))
    return source

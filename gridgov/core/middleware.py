"""Request id and client address for logs and audit rows."""

import re
import uuid

from gridgov.core.context import RequestInfo, reset_current, set_current

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request) -> str | None:
    """The peer address. A proxy's X-Forwarded-For is trusted only when the deployment
    says so, because anyone can send the header."""
    from django.conf import settings

    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:45]
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = set_current(RequestInfo(request_id=request.id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            reset_current(token)
        response["X-Request-ID"] = request.id
        return response

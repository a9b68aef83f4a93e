"""The JSON API: django-ninja at /api/v1/, OpenAPI at /api/openapi.json.

Pages use the session (with CSRF on writes); machines use a bearer token. Every error
is a JSON body {"detail": …} — never an HTML page.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from gridgov.core.errors import ActionError

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class TokenAuth(HttpBearer):
    """`Authorization: Bearer gg_…` with a token the user made and has not revoked."""

    def authenticate(self, request, token):
        from gridgov.accounts.models import ApiToken

        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="gridgov API",
    version="1",
    description="社区网格化服务管理平台接口。会话或 Bearer 令牌认证；所有错误都以 JSON 返回。",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
    auth=[TokenAuth(), SessionAuth()],
)

# Responses every endpoint may give, documented in the OpenAPI.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@api.exception_handler(ActionError)
def _action_error(request, exc: ActionError):
    return api.create_response(
        request, {"detail": str(exc.message), "field": exc.field}, status=exc.status
    )


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = [
        {"loc": [str(part) for part in err.get("loc", ())], "msg": err.get("msg", "")}
        for err in exc.errors
    ]
    return api.create_response(
        request, {"detail": _("请求数据不正确。"), "errors": errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return api.create_response(
        request, {"detail": _("请先登录，或提供有效的 API 令牌。")}, status=401
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": _("您的角色不能执行这个操作。")}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(
        request, {"detail": _("对象不存在或不在您的管辖范围内。")}, status=404
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Exception)
def _unexpected(request, exc):
    logger.exception("API error on %s (request %s)", request.path, getattr(request, "id", ""))
    return api.create_response(request, {"detail": _("系统暂时出错，已记录。")}, status=500)


def _register_routers():
    from gridgov.cases.api import router as cases_router
    from gridgov.command.api import router as command_router
    from gridgov.command.map_api import router as map_router
    from gridgov.hall.catalogue_api import router as hall_router
    from gridgov.people.api import router as people_router
    from gridgov.places.api import router as areas_router

    api.add_router("/v1/areas", areas_router)
    api.add_router("/v1/people", people_router)
    api.add_router("/v1/cases", cases_router)
    api.add_router("/v1", command_router)
    api.add_router("/v1/map", map_router)
    api.add_router("/v1/hall", hall_router)


_register_routers()

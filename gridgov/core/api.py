"""The API's error shapes: every error is a JSON body {"detail": …}, never an HTML page.

App routers document their errors with `ERRORS`; `gridgov/api.py` installs the handlers
on the one NinjaAPI. Both live here, below the apps, so that an app's API module never
imports the module that imports it. So do the bounds every router shares: `Id` for a
record's number and `Paging` for a list's pages, so that an out-of-range value is the
caller's 422, not a database overflow; and the `Parser` that refuses text PostgreSQL
cannot take.
"""

import logging
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PageNumberPagination
from ninja.parser import Parser as NinjaParser

from gridgov.core import pagination as capped
from gridgov.core.errors import ActionError

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    detail: str
    field: str | None = None


# Responses every endpoint may give, documented in the OpenAPI.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

# A record's number as the database keeps it (a 32-bit key).
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]

# The largest page number or page size a list takes: far beyond any district's rows,
# well inside the 64-bit OFFSET the databases take.
MAX_PAGE = 1_000_000


class Paging(PageNumberPagination):
    """Ninja's page-number paging with its numbers bounded: past MAX_PAGE is a 422
    (unbounded, a huge page overflows the query's OFFSET); a `page_size` above the
    list's own size is cut to it, as before.

    The total is counted as the list pages count it (core.pagination): up to COUNT_CAP,
    beyond which `count` is COUNT_CAP + 1 and `capped` is true, so that a district-wide
    list does not read a million rows to say how many there are."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description=f"匹配的条数；超过 {capped.COUNT_CAP} 时为 {capped.COUNT_CAP + 1}"
        )
        capped: bool = Field(description=f"匹配的条数超过 {capped.COUNT_CAP}，count 不是确数")

    def paginate_queryset(self, queryset, pagination, request, **params):
        size = self._get_page_size(pagination.page_size)
        bottom = (pagination.page - 1) * size
        count = capped.capped_count(queryset)
        return {
            "items": capped.page_rows(queryset, bottom, bottom + size),
            "count": count,
            "capped": count > capped.COUNT_CAP,
        }


class Parser(NinjaParser):
    """Ninja's parser, refusing a NUL character in the query or the JSON body:
    PostgreSQL can neither store nor compare one, so it would end in a 500. A body with
    one is unparseable (400), a query with one a 422."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if _has_nul(data):
            raise ValueError("NUL in the request body")  # ninja answers 400
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        if _has_nul(parsed):
            raise HttpError(422, _("请求数据不正确。"))
        return parsed


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _action_error(request, exc: ActionError):
    return exc.status, {"detail": str(exc.message), "field": exc.field}


def _validation_error(request, exc: ValidationError):
    errors = [
        {"loc": [str(part) for part in err.get("loc", ())], "msg": err.get("msg", "")}
        for err in exc.errors
    ]
    return 422, {"detail": _("请求数据不正确。"), "errors": errors}


def _auth_error(request, exc):
    return 401, {"detail": _("请先登录，或提供有效的 API 令牌。")}


def _forbidden(request, exc):
    return 403, {"detail": _("您的角色不能执行这个操作。")}


def _not_found(request, exc):
    return 404, {"detail": _("对象不存在或不在您的管辖范围内。")}


def _too_big(request, exc):
    return 413, {"detail": _("请求体过大，请分批发送。")}


def _http_error(request, exc: HttpError):
    return exc.status_code, {"detail": str(exc)}


def _unexpected(request, exc):
    logger.exception("API error on %s (request %s)", request.path, getattr(request, "id", ""))
    return 500, {"detail": _("系统暂时出错，已记录。")}


_HANDLERS = {
    ActionError: _action_error,
    ValidationError: _validation_error,
    AuthenticationError: _auth_error,
    PermissionDenied: _forbidden,
    RequestDataTooBig: _too_big,
    Http404: _not_found,
    HttpError: _http_error,
    Exception: _unexpected,
}


def add_error_handlers(api: NinjaAPI) -> None:
    """Answer each kind of error with its status and a {"detail": …} body."""
    for exc_class, describe in _HANDLERS.items():
        api.add_exception_handler(exc_class, _responder(api, describe))


def _responder(api: NinjaAPI, describe):
    def respond(request, exc):
        status, body = describe(request, exc)
        return api.create_response(request, body, status=status)

    return respond

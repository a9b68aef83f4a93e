"""The home page and the error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


@login_required
def home(request):
    """Each role's own work: the panels of `settings.HOME_PANELS` that have something
    for this user. The apps render them, so core imports no domain app."""
    panels = [import_string(path)(request) for path in settings.HOME_PANELS]
    context = {"held_roles": request.user.held_roles, "panels": [p for p in panels if p]}
    return render(request, "home.html", context)


def _error(request, status: int, title: str, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(
        request, "error.html", {"status": status, "title": title, "message": message}, status=status
    )


def bad_request(request, exception=None):
    return _error(request, 400, _("请求有误"), _("请求的格式不正确，请返回重试。"))


def permission_denied(request, exception=None):
    return _error(
        request, 403, _("没有权限"), _("您的角色不能访问这个页面。如需开通，请联系系统管理员。")
    )


def page_not_found(request, exception=None):
    return _error(request, 404, _("页面不存在"), _("您要找的内容不存在，或不在您的管辖范围内。"))


def server_error(request):
    return _error(
        request,
        500,
        _("系统出错"),
        _("系统暂时出错，已记录。请稍后再试；如果一直出现，请联系系统管理员。"),
    )


def csrf_failure(request, reason=""):
    return _error(request, 403, _("页面已过期"), _("页面已过期或来源不明，请刷新后重试。"))


def healthz(request):
    """Liveness for load balancers and the benchmark floor: no database, no session."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")

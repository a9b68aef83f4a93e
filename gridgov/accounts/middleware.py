"""Session limits and the second factor, enforced on every page request.

Both keep their state in the session, so a normal request costs no extra query.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

LOGIN_AT = "gridgov_login_at"
SEEN_AT = "gridgov_seen_at"
SECOND_FACTOR = "gridgov_2fa"  # "done" | "enrol" | "verify"
_TOUCH_EVERY = 60  # seconds; writing the session on every request would cost a query


class SessionLimitsMiddleware:
    """Log out after 30 idle minutes or 12 hours since login (等保 2.0 idle logout)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            # Every attribute read through Django's lazy wrapper costs a raised
            # AttributeError; pages read the user hundreds of times.
            request.user = user = getattr(user, "_wrapped", user)
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(LOGIN_AT, now)
            seen_at = session.get(SEEN_AT, now)
            if now - seen_at > settings.SESSION_IDLE_SECONDS:
                return self._expire(
                    request,
                    _("您已超过 %(n)d 分钟未操作，请重新登录。")
                    % {"n": settings.SESSION_IDLE_SECONDS // 60},
                )
            if now - login_at > settings.SESSION_COOKIE_AGE:
                return self._expire(
                    request,
                    _("登录已超过 %(n)d 小时，请重新登录。")
                    % {"n": settings.SESSION_COOKIE_AGE // 3600},
                )
            if now - seen_at >= _TOUCH_EVERY or SEEN_AT not in session:
                session[SEEN_AT] = now
        return self.get_response(request)

    def _expire(self, request, message):
        logout(request)
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")


def second_factor_state(user) -> str:
    """What this login still owes: nothing, a code, or enrolling an authenticator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return "verify"
    required = set(settings.REQUIRE_2FA_ROLES)
    if required and user.has_role(*required):
        return "enrol"
    return "done"


class SecondFactorMiddleware:
    """Hold a logged-in user at the code or enrolment page until the second factor is done."""

    EXEMPT_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            state = request.session.get(SECOND_FACTOR)
            if state is None:
                state = request.session[SECOND_FACTOR] = second_factor_state(user)
            if state != "done" and not request.path.startswith(self.EXEMPT_PREFIXES):
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse({"detail": _("请先完成双因素认证。")}, status=401)
                target = "accounts:totp_verify" if state == "verify" else "accounts:totp_enrol"
                return redirect(reverse(target))
        return self.get_response(request)

"""Login, logout and the second factor."""

import io
import time

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.accounts import actions
from gridgov.accounts.forms import CodeForm, LoginForm
from gridgov.accounts.middleware import LOGIN_AT, SECOND_FACTOR, SEEN_AT, second_factor_state
from gridgov.core.errors import ActionError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Without a `next`, the user's own landing page (settings.LANDING_PAGES: a
        grid worker's "today"), else the home page."""
        user = self.request.user
        for role, url_name in settings.LANDING_PAGES.items():
            if user.is_authenticated and user.has_role(role):
                return reverse(url_name)
        return super().get_default_redirect_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        now = int(time.time())
        self.request.session[LOGIN_AT] = now
        self.request.session[SEEN_AT] = now
        state = second_factor_state(user)
        self.request.session[SECOND_FACTOR] = state
        actions.record_login(user)
        if state == "verify":
            return redirect(f"{reverse('accounts:totp_verify')}?next={self.get_success_url()}")
        if state == "enrol":
            return redirect("accounts:totp_enrol")
        return response


@require_POST
def logout_view(request):
    """Logging out deletes the session on the server, not only the cookie."""
    if request.user.is_authenticated:
        actions.record_logout(request.user)
    logout(request)
    messages.success(request, _("您已安全退出。"))
    return redirect("accounts:login")


def locked_out(request, credentials=None, *args, **kwargs):
    """What django-axes shows after too many failed logins: when to try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def _safe_next(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@login_required
def totp_verify(request):
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    if not devices:
        return redirect("home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip()
        device = next((d for d in devices if d.verify_token(code)), None)
        if device is not None:
            otp_login(request, device)
            request.session[SECOND_FACTOR] = "done"
            return redirect(_safe_next(request))
        form.add_error("code", _("验证码不正确或已过期。"))
    return render(request, "accounts/totp_verify.html", {"form": form, "next": _safe_next(request)})


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@login_required
def totp_enrol(request):
    """Bind an authenticator app: scan the QR code, type one code to prove it works."""
    form = CodeForm(request.POST or None)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            actions.confirm_totp(request.user, device, form.cleaned_data["code"])
        except ActionError as exc:
            form.add_error("code", exc.message)
        else:
            otp_login(request, device)
            request.session[SECOND_FACTOR] = "done"
            messages.success(request, _("双因素认证已开启，以后登录时需要输入验证器上的验证码。"))
            return redirect("home")
    if device is None:
        device = actions.start_totp(request.user)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": secret,
        "required": request.session.get(SECOND_FACTOR) == "enrol",
    }
    return render(request, "accounts/totp_enrol.html", context)

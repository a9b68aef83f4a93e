"""Login security: one message for every failure, lockout that ends, session limits,
server-side logout, and the second factor."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.core.models import AuditEntry
from gridgov.testing import PASSWORD, login

LOGIN = "/accounts/login/"


def post_login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def test_a_good_login_reaches_home_and_is_audited(client, personas):
    response = post_login(client, "leader")
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEntry.objects.filter(
        action="account.login", actor=personas["street_leader"]
    ).exists()
    assert client.get("/").status_code == 200


def test_unknown_user_and_wrong_password_get_the_same_message(client, personas):
    unknown = post_login(client, "nobody-here", "Whatever-123!")
    wrong = post_login(client, "leader", "Wrong-password-1")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()
    assert "用户名或密码不正确" in wrong.content.decode()


def test_five_failures_lock_the_account_for_a_while_not_forever(client, personas):
    for _ in range(5):
        post_login(client, "leader", "Wrong-password-1")
    locked = post_login(client, "leader")
    assert locked.status_code == 429
    assert "15 分钟" in locked.content.decode()

    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert post_login(client, "leader").status_code == 302


def test_idle_sessions_end_after_30_minutes(client, personas):
    login(client, personas["street_leader"])
    session = client.session
    session["gridgov_seen_at"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=session.session_key).exists()


def test_sessions_end_12_hours_after_login_however_busy(client, personas):
    login(client, personas["street_leader"])
    session = client.session
    session["gridgov_login_at"] = int(time.time()) - 13 * 3600
    session["gridgov_seen_at"] = int(time.time())
    session.save()
    assert client.get("/")["Location"].startswith(LOGIN)


def test_logout_deletes_the_session_on_the_server(client, personas):
    post_login(client, "leader")
    key = client.session.session_key
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEntry.objects.filter(action="account.logout").exists()
    assert client.get("/").status_code == 302


def test_logout_refuses_get(client, personas):
    login(client, personas["street_leader"])
    assert client.get("/accounts/logout/").status_code == 405


def test_an_enrolled_user_must_type_the_code(client, personas):
    user = personas["street_leader"]
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = post_login(client, "leader")
    assert response["Location"].startswith("/accounts/2fa/verify/")
    assert client.get("/")["Location"] == "/accounts/2fa/verify/"
    wrong = client.post(
        "/accounts/2fa/verify/",
        {"code": "000000" if current_code(device) != "000000" else "111111"},
    )
    assert "验证码不正确" in wrong.content.decode()
    # django-otp slows guessing down after a failure; the test does not wait it out.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    right = client.post("/accounts/2fa/verify/", {"code": current_code(device), "next": "/"})
    assert right.status_code == 302 and right["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("role", ["system_admin"])
def test_required_roles_must_enrol_before_working(client, personas, settings, role):
    settings.REQUIRE_2FA_ROLES = [role]
    response = post_login(client, "sysadmin")
    assert response["Location"] == "/accounts/2fa/enrol/"
    assert client.get("/areas/")["Location"] == "/accounts/2fa/enrol/"
    page = client.get("/accounts/2fa/enrol/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=personas["system_admin"], confirmed=False)
    bad = client.post("/accounts/2fa/enrol/", {"code": "12"})
    assert bad.status_code == 200 and "验证码不正确" in bad.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    done = client.post("/accounts/2fa/enrol/", {"code": current_code(device)})
    assert done.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert AuditEntry.objects.filter(action="account.enrol_totp").exists()
    assert client.get("/").status_code == 200


def test_roles_not_listed_need_no_second_factor(client, personas, settings):
    settings.REQUIRE_2FA_ROLES = ["system_admin"]
    assert post_login(client, "leader")["Location"] == "/"


@pytest.mark.parametrize(
    "password",
    ["Short-1!", "abcdefghijkl", "password123456", "1234567890123", "ALLUPPERCASE12"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_strong_password_is_accepted_and_hashed_with_argon2():
    from gridgov import settings as configured

    validate_password("Grid-gov-2026!")
    assert "Argon2" in configured.PASSWORD_HASHERS[0]
    assert Argon2PasswordHasher().encode("Grid-gov-2026!", "somesalt12345678").startswith("argon2")

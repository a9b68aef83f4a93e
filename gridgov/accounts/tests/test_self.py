"""Every user's own pages: changing their password and managing their API tokens."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from gridgov.accounts.models import ApiToken, User
from gridgov.core.models import AuditEntry
from gridgov.testing import PASSWORD, login

NEW_PASSWORD = "Another-grid-2026!"
EVERYONE = [
    "street_leader",
    "community_staff",
    "grid_worker",
    "department_staff",
    "stranger",
    "system_admin",
    "auditor",
]


@pytest.fixture
def leader(client, personas):
    login(client, personas["street_leader"])
    return personas["street_leader"]


def _change(client, old, new, again=None):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password": new, "new_password2": again or new},
    )


# --- pages everyone has -----------------------------------------------------------------


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_role_has_its_own_account_pages(client, personas, persona):
    login(client, personas[persona])
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert client.get(reverse("accounts:token_list")).status_code == 200


def test_the_user_menu_links_to_password_and_tokens(client, leader):
    text = client.get("/").content.decode()
    assert reverse("accounts:password_change") in text
    assert reverse("accounts:token_list") in text


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    for name in ("password_change", "token_list"):
        response = client.get(reverse(f"accounts:{name}"))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- password --------------------------------------------------------------------------------


def test_changing_the_password_keeps_the_user_logged_in(client, leader):
    response = _change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert User.objects.get(pk=leader.pk).check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.get(action="account.change_password")
    assert entry.actor == leader


def test_a_wrong_old_password_is_refused(client, leader):
    response = _change(client, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 400
    assert response.context["form"].errors["old_password"] == ["原密码不正确。"]
    assert "原密码不正确。" in response.content.decode()
    assert User.objects.get(pk=leader.pk).check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="account.change_password").exists()


def test_a_weak_new_password_is_refused(client, leader):
    response = _change(client, PASSWORD, "password")
    assert response.status_code == 400
    assert response.context["form"].errors["new_password"]
    assert User.objects.get(pk=leader.pk).check_password(PASSWORD)


def test_mismatched_new_passwords_are_refused(client, leader):
    response = _change(client, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert response.status_code == 400
    assert "两次输入的新密码不一致。" in response.content.decode()
    assert User.objects.get(pk=leader.pk).check_password(PASSWORD)


# --- API tokens --------------------------------------------------------------------------------


def _make_token(client, name="巡查手机应用"):
    response = client.post(reverse("accounts:token_list"), {"name": name})
    assert response.status_code == 200
    match = re.search(r"gg_[A-Za-z0-9_\-]+", response.content.decode())
    assert match, "the new token is shown on the page that made it"
    return response, match.group(0)


def test_a_new_token_is_shown_once(client, leader):
    response, clear = _make_token(client)
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=leader)
    assert token.digest == ApiToken.digest_of(clear) and token.prefix == clear[:10]
    again = client.get(reverse("accounts:token_list")).content.decode()
    assert clear not in again and token.prefix in again and "巡查手机应用" in again
    assert AuditEntry.objects.filter(action="token.create", actor=leader).exists()


def test_a_token_works_for_the_api_until_revoked(client, leader):
    _response, clear = _make_token(client)
    machine = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    response = machine.get("/api/v1/areas", **auth)
    assert response.status_code == 200
    assert "440105008" in response.content.decode()
    assert ApiToken.objects.get(user=leader).last_used_at is not None

    token = ApiToken.objects.get(user=leader)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert machine.get("/api/v1/areas", **auth).status_code == 401
    assert AuditEntry.objects.filter(action="token.revoke", actor=leader).exists()
    assert "吊销" in client.get(reverse("accounts:token_list")).content.decode()


def test_a_token_needs_a_purpose(client, leader):
    response = client.post(reverse("accounts:token_list"), {"name": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_someone_elses_token_is_404(client, leader, personas):
    from gridgov.accounts import actions

    token, _clear = actions.create_token(personas["grid_worker"], "别人的")
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_list_only_ones_own(client, leader, personas):
    from gridgov.accounts import actions

    actions.create_token(personas["grid_worker"], "别人的令牌")
    assert "别人的令牌" not in client.get(reverse("accounts:token_list")).content.decode()

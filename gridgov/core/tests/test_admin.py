"""The admin cannot write around the actions: for every model registered in the admin,
a superuser may look but not add, change or delete, no bulk action is offered, and a
form posted anyway changes nothing."""

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from gridgov.accounts.models import User
from gridgov.core.admin import ReadOnlyAdmin
from gridgov.hall.models import HallSettings, ServiceItem, Theme, Window, WindowGroup
from gridgov.people.models import FocusGroup
from gridgov.testing import login

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
LABELS = [model._meta.label for model, _ in REGISTERED]


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "Root-pass-2026!")


@pytest.fixture
def superuser_request(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    return request


@pytest.fixture
def reference_rows(tree):
    """A row of each model the admin used to let anyone edit, for the forms to aim at."""
    street = tree["street"]
    FocusGroup.objects.create(code="elderly_alone", name="独居老人", sensitivity="ordinary")
    HallSettings.objects.create(street=street, name="南华西街道政务服务中心")
    group = WindowGroup.objects.create(street=street, letter="A", name="社保")
    Window.objects.create(street=street, number=1).groups.set([group])
    ServiceItem.objects.create(
        street=street,
        code="SB-001",
        name="参保登记",
        theme=Theme.SOCIAL_SECURITY,
        group=group,
        statutory_days=20,
        promised_days=10,
    )


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_gridgov_model_in_the_admin_is_registered_read_only():
    gridgov = [m for m, a in REGISTERED if m.__module__.startswith("gridgov.")]
    assert len(gridgov) >= 10
    assert all(isinstance(admin.site._registry[m], ReadOnlyAdmin) for m in gridgov)


def test_groups_and_authenticator_devices_are_not_in_the_admin():
    assert not {"auth.Group", "otp_totp.TOTPDevice"} & set(LABELS)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=LABELS)
def test_a_superuser_may_look_but_not_write(model, model_admin, superuser_request):
    request = superuser_request
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.get_actions(request) == {}
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request)
        assert not inline.has_delete_permission(request)


@pytest.mark.parametrize("model", [m for m, _ in REGISTERED], ids=LABELS)
def test_a_posted_admin_form_changes_nothing(model, client, superuser, reference_rows):
    login(client, superuser)
    count = model.objects.count()

    assert client.post(_url(model, "add"), {}).status_code == 403
    row = model.objects.first()
    if row is not None:
        before = model_to_dict(row)
        posted = {name: value for name, value in before.items() if value is not None}
        change = client.post(_url(model, "change", row.pk), posted)
        delete = client.post(_url(model, "delete", row.pk), {"post": "yes"})
        assert change.status_code == delete.status_code == 403
        row.refresh_from_db()
        assert model_to_dict(row) == before
    assert model.objects.count() == count

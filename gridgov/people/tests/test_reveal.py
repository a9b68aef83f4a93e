"""Revealing a masked number on the household page: POST with a reason, permission
checked, one AccessLog row, the clear value shown once and nowhere else."""

import logging

import pytest

from gridgov.core.models import AccessLog, AuditEntry
from gridgov.people.tests.household_fixtures import (
    HOUSEHOLD_PHONE,
    LI_ID,
    ZHANG_ID,
    ZHANG_PHONE,
    build_household_file,
)
from gridgov.testing import login

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def hf(tree, personas):
    return build_household_file(tree)


def reveal_url(household):
    return f"/people/households/{household.pk}/reveal/"


def post(client, household, resident, field="id_number", reason="核实身份办理业务", **extra):
    data = {"resident": resident.pk if resident else "", "field": field, "reason": reason}
    return client.post(reveal_url(household), data, **extra)


def test_a_plain_post_shows_the_page_with_the_number_and_logs_it(client, personas, hf, caplog):
    staff = personas["community_staff"]
    household, zhang = hf["households"]["a"], hf["residents"]["zhang"]
    login(client, staff)
    caplog.set_level(logging.DEBUG)
    response = post(client, household, zhang)
    text = response.content.decode()
    assert response.status_code == 200
    assert ZHANG_ID in text and "已查看，已记录" in text
    assert LI_ID not in text and ZHANG_PHONE not in text  # only the one asked for
    assert "张三" in text and "李四" in text  # the whole page
    assert "no-store" in response["Cache-Control"]
    log = AccessLog.objects.get()
    assert (log.actor, log.object_type, log.object_id, log.fields, log.reason) == (
        staff,
        "people.resident",
        str(zhang.pk),
        "id_number",
        "核实身份办理业务",
    )
    assert ZHANG_ID not in caplog.text
    assert all(ZHANG_ID not in str(row.after) for row in AuditEntry.objects.all())
    # Once: the page read again is masked again, and nothing more is logged.
    again = client.get(f"/people/households/{household.pk}/").content.decode()
    assert ZHANG_ID not in again and AccessLog.objects.count() == 1


def test_htmx_gets_only_the_cell_back(client, personas, hf):
    household, zhang = hf["households"]["a"], hf["residents"]["zhang"]
    login(client, personas["community_staff"])
    response = post(client, household, zhang, "phone", "回访联系", **HTMX)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.strip().startswith(f'<span id="reveal-r{zhang.pk}-phone"')
    assert ZHANG_PHONE in text and "李四" not in text
    assert AccessLog.objects.get().fields == "phone"


def test_the_household_phone_can_be_revealed(client, personas, hf):
    household = hf["households"]["a"]
    login(client, personas["community_staff"])
    response = post(client, household, None, "phone", **HTMX)
    assert HOUSEHOLD_PHONE in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.object_type, log.object_id) == ("people.household", str(household.pk))


@pytest.mark.parametrize("reason", ["", "  ", "a"])
def test_an_empty_reason_is_refused_in_chinese_and_not_logged(client, personas, hf, reason):
    household, zhang = hf["households"]["a"], hf["residents"]["zhang"]
    login(client, personas["community_staff"])
    plain = post(client, household, zhang, reason=reason)
    assert plain.status_code == 400
    assert "请填写查看事由。" in plain.content.decode()
    assert ZHANG_ID not in plain.content.decode()
    swapped = post(client, household, zhang, reason=reason, **HTMX)
    assert swapped.status_code == 200  # htmx swaps only 2xx: the message replaces the cell
    text = swapped.content.decode()
    assert "请填写查看事由。" in text and " open>" in text and ZHANG_ID not in text
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    "persona", ["grid_worker", "street_leader", "department_staff", "auditor", "stranger"]
)
def test_without_the_permission_it_is_403(client, personas, hf, persona):
    login(client, personas[persona])
    response = post(client, hf["households"]["a"], hf["residents"]["zhang"])
    assert response.status_code == 403
    assert ZHANG_ID not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_out_of_scope_is_404(client, personas, hf):
    login(client, personas["community_staff"])
    assert post(client, hf["households"]["c"], hf["residents"]["zhao"]).status_code == 404
    # A resident of another household, through a household in scope: also 404.
    assert post(client, hf["households"]["a"], hf["residents"]["wang"]).status_code == 404
    assert not AccessLog.objects.exists()


def test_only_post_and_only_numbers(client, personas, hf):
    household, zhang = hf["households"]["a"], hf["residents"]["zhang"]
    login(client, personas["community_staff"])
    assert client.get(reveal_url(household)).status_code == 405
    assert post(client, household, zhang, field="name").status_code == 400
    assert post(client, household, None, field="id_number").status_code == 400
    bad_pk = {"resident": "1 OR 1", "field": "id_number", "reason": "核实"}
    assert client.post(reveal_url(household), bad_pk).status_code == 400
    assert not AccessLog.objects.exists()


def test_the_reveal_form_posts_to_a_url_without_anything_sensitive(client, personas, hf):
    household, zhang = hf["households"]["a"], hf["residents"]["zhang"]
    login(client, personas["community_staff"])
    text = client.get(f"/people/households/{household.pk}/").content.decode()
    assert f'hx-post="{reveal_url(household)}"' in text
    assert f'name="resident" value="{zhang.pk}"' in text
    assert ZHANG_ID not in text and zhang.id_masked in text

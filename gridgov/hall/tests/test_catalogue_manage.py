"""Street staff keep their street's catalogue: the list by status, publishing and
withdrawing an item, its aliases (audited). Everyone else gets 403; staff of another street see
none of this street's items and get 404 for them."""

import pytest
from django.urls import reverse

from gridgov.accounts.roles import Role
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.hall import catalogue_actions
from gridgov.hall.models import ItemStatus, ServiceItem
from gridgov.testing import login, make_user

LIST = reverse("hall:catalogue_manage")
EXPORT = reverse("hall:catalogue_export")
IMPORT = reverse("hall:catalogue_import")


def status_url(item):
    return reverse("hall:catalogue_item_status", args=[item.pk])


def item_url(item):
    return reverse("hall:catalogue_item", args=[item.pk])


def _codes(response):
    return [item.code for item in response.context["page"]]


def test_staff_list_every_item_of_their_street_with_counts_by_status(staff_client, hall):
    response = staff_client.get(LIST)
    assert response.status_code == 200
    assert _codes(response) == ["LL-001", "MZ-001", "SB-001", "SB-099"]
    counts = response.context["counts"]
    assert (counts["total"], counts["published"], counts["draft"], counts["withdrawn"]) == (
        4,
        3,
        1,
        0,
    )
    drafts = staff_client.get(LIST, {"status": "draft"})
    assert _codes(drafts) == ["SB-099"]
    assert _codes(staff_client.get(LIST, {"status": "nonsense"})) == _codes(response)


def test_the_list_runs_a_fixed_number_of_queries(staff_client, hall, django_assert_num_queries):
    staff_client.get(LIST)  # warms the per-user access cache
    # Session, user, the user's streets, counts by status, one page of items.
    with django_assert_num_queries(5):
        assert staff_client.get(LIST, {"status": "published"}).status_code == 200


def test_publishing_a_draft_shows_it_to_the_public_and_is_audited(
    staff_client, client, staff, hall
):
    draft = hall["items"]["draft"]
    response = staff_client.post(status_url(draft), {"status": "published"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ItemStatus.PUBLISHED
    entry = AuditEntry.objects.get(action="service_item.status")
    assert (entry.actor, entry.object_id) == (staff, str(draft.pk))
    assert (entry.before, entry.after) == ({"status": "draft"}, {"status": "published"})
    page = staff_client.get(response["Location"])
    assert "已发布“尚未发布的事项”" in page.text
    client.logout()
    assert client.get(reverse("hall:item_detail", args=["SB-099"])).status_code == 200


def test_withdrawing_takes_an_item_off_the_public_pages(staff_client, client, hall):
    back = f"{LIST}?status=published"
    response = staff_client.post(
        status_url(hall["items"]["pension"]), {"status": "withdrawn", "next": back}
    )
    assert response["Location"] == back
    assert AuditEntry.objects.filter(action="service_item.status").count() == 1
    client.logout()
    assert client.get(reverse("hall:item_detail", args=["SB-001"])).status_code == 404


def test_the_same_status_again_changes_nothing_and_writes_no_audit_row(staff_client, hall):
    pension = hall["items"]["pension"]
    staff_client.post(status_url(pension), {"status": "published"})
    assert not AuditEntry.objects.filter(action="service_item.status").exists()
    pension.refresh_from_db()
    assert pension.status == ItemStatus.PUBLISHED


def test_an_unknown_status_is_refused(staff_client, staff, hall):
    response = staff_client.post(status_url(hall["items"]["draft"]), {"status": "deleted"})
    assert "事项状态不正确。" in staff_client.get(response["Location"]).text
    assert ServiceItem.objects.get(code="SB-099").status == ItemStatus.DRAFT


def test_a_next_address_elsewhere_is_ignored(staff_client, hall):
    response = staff_client.post(
        status_url(hall["items"]["draft"]), {"status": "published", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"{LIST}?street=440105008"


def test_staff_set_an_items_aliases_and_the_public_search_finds_them(
    staff_client, client, staff, hall
):
    pension = hall["items"]["pension"]
    assert staff_client.get(item_url(pension)).status_code == 200
    response = staff_client.post(item_url(pension), {"aliases": "社保参保， 养老保险 、社保参保"})
    assert response["Location"] == f"{LIST}?street=440105008"
    pension.refresh_from_db()
    assert pension.aliases == "社保参保、养老保险"
    entry = AuditEntry.objects.get(action="service_item.aliases")
    assert (entry.actor, entry.before, entry.after) == (
        staff,
        {"aliases": ""},
        {"aliases": "社保参保、养老保险"},
    )
    assert "别名：社保参保、养老保险" in staff_client.get(response["Location"]).text
    staff_client.post(item_url(pension), {"aliases": "社保参保、养老保险"})
    assert AuditEntry.objects.filter(action="service_item.aliases").count() == 1
    client.logout()
    found = client.get(reverse("hall:catalogue"), {"q": "sbcb"}).context["shown"]
    assert [item.code for group in found for item in group.items] == ["SB-001"]


def test_aliases_too_long_are_refused_and_kept_as_typed(staff_client, hall):
    typed = "低保、" * 70
    response = staff_client.post(item_url(hall["items"]["allowance"]), {"aliases": typed})
    assert response.status_code == 200 and response.context["form"].errors["aliases"]
    assert typed in response.text
    assert ServiceItem.objects.get(code="MZ-001").aliases == "低保"


@pytest.mark.parametrize("who", ["grid_worker", "clerk", "other_clerk", "approver"])
def test_everyone_without_hall_manage_gets_403(client, hall, tree, who):
    user = (
        make_user("grid101001", Role.GRID_WORKER, tree["g1"]) if who == "grid_worker" else hall[who]
    )
    login(client, user)
    for url in (LIST, EXPORT, IMPORT):
        assert client.get(url).status_code == 403, url
    draft = hall["items"]["draft"]
    assert client.post(status_url(draft), {"status": "published"}).status_code == 403
    assert client.post(item_url(draft), {"aliases": "草稿"}).status_code == 403
    draft.refresh_from_db()
    assert (draft.status, draft.aliases) == (ItemStatus.DRAFT, "")


def test_anonymous_users_are_sent_to_log_in(client, hall):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_of_another_street_see_nothing_of_this_one(client, hall, tree):
    login(client, make_user("staff9", Role.STREET_STAFF, tree["other_street"]))
    response = client.get(LIST)
    assert _codes(response) == [] and response.context["counts"]["total"] == 0
    assert client.get(LIST, {"street": "440105008"}).status_code == 404
    draft = hall["items"]["draft"]
    assert client.post(status_url(draft), {"status": "published"}).status_code == 404
    assert client.post(item_url(draft), {"aliases": "草稿"}).status_code == 404
    draft.refresh_from_db()
    assert (draft.status, draft.aliases) == (ItemStatus.DRAFT, "")


def test_the_action_itself_refuses_another_streets_item(hall, tree):
    other = make_user("staff9", Role.STREET_STAFF, tree["other_street"])
    with pytest.raises(ActionError) as refused:
        catalogue_actions.set_item_status(other, hall["items"]["draft"], ItemStatus.PUBLISHED)
    assert refused.value.status == 404
    assert not AuditEntry.objects.filter(action="service_item.status").exists()

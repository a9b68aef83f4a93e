"""The community-conditions diary: one entry a day, its items and their links, turning
an item into a case or a request, the mediation of a dispute, and comments."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gridgov.cases.choices import Source
from gridgov.core.errors import ActionError
from gridgov.fieldwork import diary_actions
from gridgov.fieldwork.choices import MediationState, RequestChannel
from gridgov.fieldwork.models import DiaryEntry, DiaryItem, Mediation
from gridgov.fieldwork.tests.helpers import audited


def item(field, actor=None, **inputs):
    values = {"kind": "opinion", "text": "居民反映楼下噪音"} | inputs
    return diary_actions.add_item(actor or field["worker"], **values)


def test_a_second_entry_for_the_same_day_is_the_same_entry(field, tree):
    first = diary_actions.open_entry(field["worker"])
    again = diary_actions.open_entry(field["worker"], day=timezone.localdate())
    assert again.pk == first.pk and (first.replayed, again.replayed) == (False, True)
    assert first.grid == tree["g1"] and first.day == timezone.localdate()
    assert DiaryEntry.objects.count() == 1 and len(audited("diary.open")) == 1
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert diary_actions.open_entry(field["worker"], day=yesterday).pk != first.pk


def test_only_grid_workers_write_a_diary_and_never_for_tomorrow(field):
    for other in (field["staff"], field["leader"]):
        with pytest.raises(PermissionDenied):
            diary_actions.open_entry(other)
    with pytest.raises(ActionError) as refusal:
        diary_actions.open_entry(field["worker"], day=timezone.localdate() + datetime.timedelta(1))
    assert refusal.value.field == "day"


def test_an_item_opens_the_days_entry_and_links_households_and_buildings(field):
    done = item(
        field,
        households=[field["households"]["101"].pk],
        buildings=[field["buildings"]["a"]],
    )
    assert done.entry.worker == field["worker"] and done.entry.day == timezone.localdate()
    assert list(done.households.all()) == [field["households"]["101"]]
    assert list(done.buildings.all()) == [field["buildings"]["a"]]
    [row] = audited("diary.add_item", done)
    assert row.after["households"] == [field["households"]["101"].pk]


def test_an_item_links_only_what_the_worker_sees(field):
    with pytest.raises(ActionError) as refusal:
        item(field, households=[field["households"]["201"].pk])
    assert (refusal.value.status, refusal.value.field) == (404, "households")
    assert not DiaryItem.objects.exists()


def test_the_same_client_id_twice_stores_one_item(field):
    client_id = uuid.uuid4()
    first = item(field, client_id=client_id)
    again = item(field, client_id=client_id, text="又发了一次")
    assert again.pk == first.pk and again.replayed
    assert DiaryItem.objects.count() == 1 and len(audited("diary.add_item")) == 1


def test_a_dispute_opens_its_mediation(field):
    done = item(field, kind="dispute", text="楼上漏水引发邻里纠纷", parties="张三、李四")
    mediation = done.mediation
    assert (mediation.parties, mediation.state) == ("张三、李四", MediationState.OPEN)
    assert mediation.mediator == str(field["worker"]) and mediation.place == done.entry.place
    with pytest.raises(ActionError) as refusal:
        diary_actions.update_mediation(
            field["worker"],
            mediation,
            parties="张三、李四",
            mediator="王主任",
            outcome="",
            state="settled",
        )
    assert refusal.value.field == "outcome"
    mediation = diary_actions.update_mediation(
        field["staff"],
        mediation,
        parties="张三、李四",
        mediator="王主任",
        outcome="赔偿维修",
        state="settled",
    )
    assert mediation.state == "settled" and mediation.closed_at is not None
    assert len(audited("mediation.update", mediation)) == 1
    with pytest.raises(ActionError) as refusal:
        diary_actions.update_mediation(
            field["worker2"], mediation, parties="x", mediator="y", outcome="z", state="failed"
        )
    assert refusal.value.status == 404


def test_an_item_made_a_dispute_opens_a_mediation(field):
    done = item(field)
    diary_actions.update_item(field["worker"], done, kind="dispute", text="停车纠纷")
    assert Mediation.objects.get().item == done
    assert len(audited("diary.update_item", done)) == 1


def test_only_the_author_edits_an_item(field):
    done = item(field)
    with pytest.raises(ActionError) as refusal:
        diary_actions.update_item(field["staff"], done, kind="other", text="改")
    assert refusal.value.status == 403
    with pytest.raises(ActionError) as refusal:
        diary_actions.update_item(field["worker2"], done, kind="other", text="改")
    assert refusal.value.status == 404


def test_an_item_becomes_one_case(field, category):
    done = item(field, kind="hazard", text="消防通道堵塞", buildings=[field["buildings"]["a"].pk])
    case = diary_actions.item_to_case(
        field["worker"], done, category=category, title="消防通道堵塞"
    )
    assert (case.source, case.source_ref) == (Source.DIARY, f"diary_item:{done.pk}")
    assert case.address == field["buildings"]["a"].address
    done.refresh_from_db()
    assert done.case == case and len(audited("diary.item_case", done)) == 1
    with pytest.raises(ActionError) as refusal:
        diary_actions.item_to_case(field["worker"], done, category=category, title="再报")
    assert refusal.value.status == 409


def test_an_item_becomes_one_request(field):
    done = item(
        field, kind="request", text="希望增设晾衣架", households=[field["households"]["101"]]
    )
    request = diary_actions.item_to_request(field["worker"], done)
    assert (request.channel, request.diary_item) == (RequestChannel.DIARY, done)
    assert request.household == field["households"]["101"] and request.content == "希望增设晾衣架"
    assert audited("diary.item_request", done)[0].after == {"request": request.pk}
    with pytest.raises(ActionError) as refusal:
        diary_actions.item_to_request(field["worker"], done, requester_name="李四")
    assert refusal.value.status == 409


def test_community_staff_comment_on_their_communitys_diaries(field):
    entry = item(field).entry
    comment = diary_actions.comment_entry(field["staff"], entry, "请跟进噪音问题")
    assert comment.author == field["staff"] and len(audited("diary.comment", entry)) == 1
    with pytest.raises(ActionError) as refusal:
        diary_actions.comment_entry(field["staff102"], entry, "不在本社区")
    assert refusal.value.status == 404
    with pytest.raises(PermissionDenied):
        diary_actions.comment_entry(field["worker"], entry, "自己批阅")
    with pytest.raises(ActionError):
        diary_actions.comment_entry(field["staff"], entry, " ")

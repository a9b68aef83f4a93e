"""Recording home visits: scope, the phone's client id, corrections of the household
file (applied, queued, confirmed, refused, conflicting), the photo, and the case or
request a visit raises."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gridgov.accounts.roles import ROLE_RULES, Role, RoleRule
from gridgov.cases.choices import Source
from gridgov.core.errors import ActionError
from gridgov.core.protect import blind_index
from gridgov.fieldwork import visit_actions
from gridgov.fieldwork.choices import CorrectionState, RequestChannel
from gridgov.fieldwork.models import Request, Visit
from gridgov.fieldwork.tests.helpers import PNG, audited
from gridgov.people.models import HouseholdEvent, Resident
from gridgov.testing import ZHANG_PHONE


def visit(field, actor=None, household="101", **inputs):
    values = {"kind": "routine", "household": field["households"][household]} | inputs
    return visit_actions.record_visit(actor or field["worker"], **values)


def test_a_grid_worker_records_a_visit_in_their_grid_and_it_is_audited(field):
    done = visit(field, met="张三本人", findings="身体尚好", opinions="希望加装扶手")
    assert done.replayed is False
    assert done.place == field["households"]["101"].place
    assert (done.worker, done.met) == (field["worker"], "张三本人")
    [row] = audited("visit.record", done)
    assert row.actor == field["worker"] and row.after["household"] == done.household_id


def test_a_visit_names_a_household_or_an_organization(field):
    with pytest.raises(ActionError) as refusal:
        visit(field, organization=field["shop"])
    assert refusal.value.field == "household"
    done = visit_actions.record_visit(
        field["worker"], kind="rental_check", organization=field["shop"]
    )
    assert done.organization == field["shop"] and done.household is None


def test_a_grid_worker_cannot_record_in_another_grid(field):
    with pytest.raises(ActionError) as refusal:
        visit(field, household="201")
    assert refusal.value.status == 404
    assert not Visit.objects.exists()
    visit(field, field["worker2"], household="201")


def test_community_staff_record_in_their_community_only(field):
    visit(field, field["staff"], household="201")
    with pytest.raises(ActionError) as refusal:
        visit(field, field["staff102"], household="101")
    assert refusal.value.status == 404
    with pytest.raises(PermissionDenied):
        visit(field, field["leader"], household="101")


def test_the_same_client_id_twice_stores_one_visit(field):
    client_id = uuid.uuid4()
    first = visit(field, client_id=client_id)
    again = visit(field, client_id=str(client_id), findings="再发一次")
    assert again.pk == first.pk and again.replayed is True
    assert Visit.objects.count() == 1 and len(audited("visit.record")) == 1


def test_another_users_client_id_is_refused(field):
    client_id = uuid.uuid4()
    visit(field, client_id=client_id)
    with pytest.raises(ActionError) as refusal:
        visit(field, field["staff"], client_id=client_id)
    assert refusal.value.status == 409
    with pytest.raises(ActionError):
        visit(field, client_id="not-a-uuid")


def test_a_visit_in_the_future_or_too_long_ago_is_refused(field):
    for when in (timezone.now() + datetime.timedelta(hours=1), "2020-01-01T10:00:00"):
        with pytest.raises(ActionError) as refusal:
            visit(field, visited_at=when)
        assert refusal.value.field == "visited_at"


# -- corrections -------------------------------------------------------------------------


def test_a_grid_worker_corrects_the_household_file_through_the_people_actions(field):
    zhang = field["residents"]["zhang"]
    proposed = [
        {"resident": zhang.pk, "field": "phone", "value": "13912345678", "seen": "138****1111"},
        {"resident": zhang.pk, "field": "occupation", "value": "退休"},
    ]
    done = visit(field, corrections_proposed=proposed)
    zhang.refresh_from_db()
    assert zhang.phone_index == blind_index("13912345678") and zhang.occupation == "退休"
    assert [p["state"] for p in done.corrections] == [CorrectionState.APPLIED] * 2
    assert done.corrections[0]["shown"] == "139****5678"
    assert "13912345678" not in str(done.corrections)
    assert not done.corrections_pending
    assert len(audited("resident.update", zhang)) == 2
    assert HouseholdEvent.objects.filter(household=zhang.household, kind="updated").count() == 2
    assert "13912345678" not in str(audited("visit.record")[0].after)


def test_a_member_found_gone_is_moved_out(field):
    li = field["residents"]["li"]
    visit(
        field,
        household="102",
        corrections_proposed=[{"resident": li.pk, "field": "status", "value": "moved_out"}],
    )
    li.refresh_from_db()
    assert li.status == "moved_out" and len(audited("resident.move_out", li)) == 1


def test_a_correction_of_a_changed_file_is_a_conflict_and_stores_nothing(field):
    zhang = field["residents"]["zhang"]
    Resident.objects.filter(pk=zhang.pk).update(occupation="教师")
    with pytest.raises(ActionError) as refusal:
        visit(
            field,
            corrections_proposed=[
                {"resident": zhang.pk, "field": "occupation", "value": "退休", "seen": ""}
            ],
        )
    assert refusal.value.status == 409 and refusal.value.field == "corrections"
    assert not Visit.objects.exists()
    seen_clear = {"resident": zhang.pk, "field": "phone", "value": "13912345678"}
    visit(field, corrections_proposed=[seen_clear | {"seen": ZHANG_PHONE}])


@pytest.mark.parametrize(
    "proposal",
    [
        {"field": "phone", "value": "12345"},
        {"field": "name", "value": "张三三"},
        {"field": "status", "value": "living"},
        {"field": "permit_expiry", "value": "明年"},
    ],
)
def test_a_wrong_correction_is_refused_beside_the_corrections(field, proposal):
    zhang = field["residents"]["zhang"]
    with pytest.raises(ActionError) as refusal:
        visit(field, corrections_proposed=[{"resident": zhang.pk} | proposal])
    assert refusal.value.field == "corrections"


def test_only_living_members_of_the_visited_household_are_corrected(field):
    wang = field["residents"]["wang"]
    with pytest.raises(ActionError):
        visit(
            field, corrections_proposed=[{"resident": wang.pk, "field": "occupation", "value": "x"}]
        )


@pytest.fixture
def no_file_editing(monkeypatch):
    """Grid workers as a role that may record visits but not edit the household file."""
    rule = ROLE_RULES[Role.GRID_WORKER]
    monkeypatch.setitem(
        ROLE_RULES,
        Role.GRID_WORKER,
        RoleRule(rule.capabilities - {"people.edit"}, rule.sees_data, levels=rule.levels),
    )


def test_without_editing_rights_corrections_wait_for_community_staff(field, no_file_editing):
    zhang = field["residents"]["zhang"]
    done = visit(
        field,
        corrections_proposed=[
            {"resident": zhang.pk, "field": "occupation", "value": "退休"},
            {"resident": zhang.pk, "field": "work_unit", "value": "居委会"},
        ],
    )
    assert done.corrections_pending
    assert [p["state"] for p in done.corrections] == [CorrectionState.QUEUED] * 2
    zhang.refresh_from_db()
    assert zhang.occupation == ""

    with pytest.raises(ActionError):
        visit_actions.confirm_correction(field["staff102"], done, 0)
    with pytest.raises(PermissionDenied):
        visit_actions.confirm_correction(field["worker"], done, 0)
    done = visit_actions.confirm_correction(field["staff"], done, 0)
    zhang.refresh_from_db()
    assert zhang.occupation == "退休"
    assert audited("resident.update", zhang)[0].actor == field["staff"]
    assert done.corrections_pending
    with pytest.raises(ActionError) as refusal:
        visit_actions.confirm_correction(field["staff"], done, 0)
    assert refusal.value.status == 409

    with pytest.raises(ActionError) as refusal:
        visit_actions.refuse_correction(field["staff"], done, 1, "")
    assert refusal.value.field == "note"
    done = visit_actions.refuse_correction(field["staff"], done, 1, "单位未核实")
    assert not done.corrections_pending
    assert [p["state"] for p in done.corrections] == ["confirmed", "refused"]
    assert len(audited("visit.confirm_correction", done)) == 1
    assert len(audited("visit.refuse_correction", done)) == 1


# -- photo, case and request -------------------------------------------------------------


def test_a_photo_is_checked_by_content_and_stored_under_a_made_name(field):
    done = visit(field, photo=SimpleUploadedFile("门口.png", PNG, content_type="image/png"))
    assert done.photo.name.startswith("fieldwork/visits/") and "门口" not in done.photo.name
    assert done.photo_type == "image/png"
    with pytest.raises(ActionError) as refusal:
        visit(field, photo=SimpleUploadedFile("x.png", b"<script>", content_type="image/png"))
    assert refusal.value.field == "photos"


def test_a_visit_raises_a_case_and_a_request_in_one_step(field, category):
    done = visit(
        field,
        findings="楼道堆放杂物",
        raise_case={"category": category.pk, "title": "楼道堆放杂物"},
        raise_request={"content": "希望清理楼道", "requester": field["residents"]["zhang"].pk},
    )
    case = done.case
    assert (case.source, case.source_ref) == (Source.VISIT, f"visit:{done.pk}")
    assert case.grid_id == done.grid_id and case.description == "楼道堆放杂物"
    request = Request.objects.get()
    assert (request.visit, request.channel) == (done, RequestChannel.VISIT)
    assert request.requester_name == "张三"
    assert len(audited("visit.raise_case", done)) == 1 and len(audited("case.report")) == 1


def test_a_case_that_cannot_be_reported_stores_no_visit(field):
    with pytest.raises(ActionError):
        visit(field, raise_case={"category": None, "title": "无类别"})
    assert not Visit.objects.exists()


def test_a_visit_raises_one_case_only(field, category):
    done = visit(field)
    visit_actions.raise_case_from_visit(field["worker"], done, category=category, title="井盖")
    with pytest.raises(ActionError) as refusal:
        visit_actions.raise_case_from_visit(field["worker"], done, category=category, title="井盖")
    assert refusal.value.status == 409
    with pytest.raises(ActionError) as refusal:
        visit_actions.raise_case_from_visit(field["worker2"], done, category=category, title="x")
    assert refusal.value.status == 404


def test_a_follow_up_visit_names_a_case_the_worker_sees(field, category):
    case = visit_actions.raise_case_from_visit(
        field["worker"], visit(field), category=category, title="路灯不亮"
    )
    follow = visit(field, kind="case_follow_up", follows_case=case.pk)
    assert follow.case == case
    with pytest.raises(ActionError) as refusal:
        visit(field, field["worker2"], household="201", follows_case=case.pk)
    assert refusal.value.status == 404

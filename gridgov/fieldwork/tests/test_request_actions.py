"""Residents' requests: who records them where, the loop recorded → passed on →
answered → told (every other move refused), the timeline and the audit rows."""

import uuid

import pytest

from gridgov.accounts.models import Department, DepartmentKind
from gridgov.cases.choices import Source
from gridgov.core.errors import ActionError
from gridgov.fieldwork.choices import RequestStatus
from gridgov.fieldwork.models import Request
from gridgov.fieldwork.request_actions import move_request, record_request
from gridgov.fieldwork.tests.helpers import audited


def record(field, actor=None, **inputs):
    values = {"content": "楼道灯坏了很久", "channel": "phone", "requester_name": "路人甲"} | inputs
    return record_request(actor or field["worker"], **values)


def test_a_request_of_a_resident_is_placed_where_they_live(field):
    zhang = field["residents"]["zhang"]
    done = record(field, field["staff"], requester=zhang.pk, channel="walk_in")
    assert (done.requester, done.requester_name, done.household) == (zhang, "张三", zhang.household)
    assert done.place == zhang.place and done.status == RequestStatus.RECORDED
    assert [e.action for e in done.events.all()] == ["record"]
    assert len(audited("request.record", done)) == 1


def test_a_named_requester_is_placed_in_the_workers_grid(field, tree):
    assert record(field).grid == tree["g1"]
    with pytest.raises(ActionError) as refusal:
        record(field, field["staff"])  # community staff hold two grids: name one
    assert refusal.value.field == "grid"
    assert record(field, field["staff"], grid=tree["g2"].pk).grid == tree["g2"]
    with pytest.raises(ActionError) as refusal:
        record(field, field["staff"], grid=tree["g3"].pk)
    assert refusal.value.status == 404


def test_a_request_needs_content_a_requester_and_a_channel(field):
    for inputs, name in (
        ({"content": ""}, "content"),
        ({"requester_name": ""}, "requester_name"),
        ({"channel": "fax"}, "channel"),
    ):
        with pytest.raises(ActionError) as refusal:
            record(field, **inputs)
        assert refusal.value.field == name


def test_a_grid_worker_records_requests_of_their_grid_only(field):
    with pytest.raises(ActionError) as refusal:
        record(field, requester=field["residents"]["zhao"].pk)
    assert refusal.value.status == 404
    assert not Request.objects.exists()


def test_the_same_client_id_twice_stores_one_request(field):
    client_id = uuid.uuid4()
    first = record(field, client_id=client_id)
    again = record(field, client_id=client_id, content="重复")
    assert again.pk == first.pk and again.replayed and Request.objects.count() == 1


def test_the_loop_from_recorded_to_told(field):
    done = record(field)
    done = move_request(field["worker"], done, "pass_on", passed_to="物业公司李经理")
    assert (done.status, done.passed_to) == (RequestStatus.PASSED_ON, "物业公司李经理")
    done = move_request(field["staff"], done, "answer", answer="物业已更换灯管")
    done = move_request(field["worker"], done, "tell", note="电话告知")
    assert done.status == RequestStatus.TOLD
    assert done.recorded_at <= done.passed_on_at <= done.answered_at <= done.told_at
    timeline = [(e.action, e.from_status, e.to_status) for e in done.events.all()]
    assert timeline == [
        ("record", "", "recorded"),
        ("pass_on", "recorded", "passed_on"),
        ("answer", "passed_on", "answered"),
        ("tell", "answered", "told"),
    ]
    for action in ("pass_on", "answer", "tell"):
        assert len(audited(f"request.{action}", done)) == 1


@pytest.mark.parametrize(
    ("moves", "refused"),
    [
        ([], "answer"),
        ([], "tell"),
        ([("pass_on", {"passed_to": "物业"})], "pass_on"),
        ([("pass_on", {"passed_to": "物业"})], "tell"),
        ([("pass_on", {"passed_to": "物业"}), ("answer", {"answer": "已修"})], "answer"),
        ([], "close"),
    ],
)
def test_every_other_move_is_refused(field, moves, refused):
    done = record(field)
    for action, inputs in moves:
        done = move_request(field["worker"], done, action, **inputs)
    with pytest.raises(ActionError) as refusal:
        move_request(field["worker"], done, refused, passed_to="x", answer="y", note="z")
    assert refusal.value.status == 409
    assert "不能" in str(refusal.value.message)


def test_passing_on_names_one_place_to_go(field):
    done = record(field)
    with pytest.raises(ActionError):
        move_request(field["worker"], done, "pass_on")
    with pytest.raises(ActionError):
        move_request(field["worker"], done, "pass_on", passed_to="物业", department=1)
    assert Request.objects.get().status == RequestStatus.RECORDED


def test_passing_on_as_a_case_reports_it_through_the_case_loop(field, category):
    done = record(field)
    done = move_request(
        field["worker"], done, "pass_on", raise_case={"category": category, "title": "楼道灯坏"}
    )
    case = done.case
    assert (case.source, case.source_ref) == (Source.RESIDENT, f"request:{done.pk}")
    assert case.description == "楼道灯坏了很久" and case.grid_id == done.grid_id
    assert done.events.last().note == f"转为案件 {case.number}"


def test_passing_on_to_a_department_of_the_street(field, tree, department):
    done = move_request(field["worker"], record(field), "pass_on", department=department.pk)
    assert done.department == department
    elsewhere = Department.objects.create(
        name="龙凤环卫站", kind=DepartmentKind.OUTSIDE_UNIT, area=tree["other_street"]
    )
    with pytest.raises(ActionError) as refusal:
        move_request(field["worker"], record(field), "pass_on", department=elsewhere.pk)
    assert refusal.value.status == 404


def test_only_the_requests_grid_and_community_move_it(field):
    done = record(field)
    for outsider in (field["worker2"], field["staff102"]):
        with pytest.raises(ActionError) as refusal:
            move_request(outsider, done, "pass_on", passed_to="物业")
        assert refusal.value.status == 404

"""Applications: front-desk intake, the back office's decisions through the one
transition table, the pick-up window, the applicant's progress link, ratings and
their follow-up; who may do what; bad input changes nothing."""

import datetime as dt
import secrets

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gridgov.accounts.roles import Role
from gridgov.cases import sms
from gridgov.cases.notify import token_digest
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.hall import application_actions as actions
from gridgov.hall.models import (
    Application,
    ApplicationStatus,
    FollowUp,
    Rating,
    Ticket,
    TicketStatus,
)
from gridgov.people.tests.household_fixtures import ZHANG_ID, build_household_file
from gridgov.testing import login, make_user

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    settings.SMS_SENDER = "gridgov.cases.sms.MemorySender"
    sms.outbox.clear()


def make_ticket(hall, status=TicketStatus.SERVING, group="A", item="pension", seq=1):
    token = secrets.token_urlsafe(8)
    now = timezone.now()
    ticket = Ticket.objects.create(
        street=hall["street"],
        group=hall["groups"][group],
        day=timezone.localdate(),
        seq=seq,
        number=f"{group}{seq:03d}",
        item=hall["items"][item],
        status=status,
        window=hall["windows"][1],
        clerk=hall["clerk"],
        token_digest=token_digest(token),
        issued_at=now - dt.timedelta(minutes=10),
        called_at=now - dt.timedelta(minutes=3),
        started_at=now - dt.timedelta(minutes=2),
    )
    return ticket, token


def receive(hall, **extra):
    values = {
        "item": hall["items"]["pension"],
        "applicant_name": "陈小明",
        "id_number": "",
        "phone": PHONE,
        "materials": ["居民身份证", "户口簿"],
    } | extra
    return actions.receive(hall["clerk"], **values)


def test_the_front_desk_takes_an_application_from_the_ticket_served(hall):
    ticket, _token = make_ticket(hall)
    application, token = receive(hall, ticket=ticket)

    today = timezone.localtime().strftime("%Y%m%d")
    assert application.number == f"440105008{today}0001"
    assert application.status == ApplicationStatus.RECEIVED and application.ticket == ticket
    assert application.phone_masked == "139****5678" and PHONE not in application.phone_cipher
    assert application.due_at > application.received_at + dt.timedelta(days=9)  # 10 working days
    assert receive(hall)[0].number.endswith("0002")
    entry = AuditEntry.objects.get(action="hall.receive", object_id=str(application.pk))
    assert entry.actor == hall["clerk"]
    assert Application.objects.get(token_digest=token_digest(token)) == application


def test_an_applicant_found_in_the_resident_base_is_linked(hall, tree):
    build_household_file(tree)
    application, _token = receive(hall, applicant_name="", id_number=ZHANG_ID)
    assert application.resident.name == "张三" and application.applicant_name == "张三"
    assert application.id_masked.startswith("440105") and "*" in application.id_masked


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"applicant_name": ""}, "请填写申请人姓名"),
        ({"id_number": "440105195803041230"}, "校验不通过"),
        ({"materials": ["房产证"]}, "不是本事项的材料"),
    ],
)
def test_bad_intake_is_explained_and_writes_nothing(hall, extra, message):
    with pytest.raises(ActionError) as refused:
        receive(hall, **extra)
    assert message in str(refused.value.message)
    assert not Application.objects.exists() and not AuditEntry.objects.filter(action="hall.receive")


def test_drafts_and_other_streets_items_cannot_be_taken(hall, tree):
    for item in (hall["items"]["draft"],):
        with pytest.raises(ActionError) as refused:
            receive(hall, item=item, materials=[])
        assert refused.value.status == 404
    with pytest.raises(ActionError):
        actions.receive(hall["other_clerk"], item=hall["items"]["pension"], applicant_name="某人")


def test_approve_tell_the_applicant_and_hand_over(hall, django_capture_on_commit_callbacks):
    application, _token = receive(hall)
    with django_capture_on_commit_callbacks(execute=True):
        approved = actions.move(hall["approver"], application, "approve")
    assert approved.status == ApplicationStatus.READY and approved.decided_by == hall["approver"]
    assert sms.outbox and sms.outbox[-1][0] == PHONE and "取件" in sms.outbox[-1][1]
    with pytest.raises(PermissionDenied):
        actions.move(hall["approver"], approved, "collect")  # the pick-up window's work
    collected = actions.move(hall["clerk"], approved, "collect")
    assert collected.status == ApplicationStatus.COLLECTED and collected.collected_at
    assert [e.to_status for e in collected.events.all()] == ["received", "ready", "collected"]
    assert AuditEntry.objects.filter(action__in=["hall.approve", "hall.collect"]).count() == 2


def test_supplement_stops_the_clock_until_the_materials_come(
    hall, django_capture_on_commit_callbacks
):
    application, _token = receive(hall)
    due = application.due_at
    with pytest.raises(ActionError) as refused:
        actions.move(hall["approver"], application, "supplement")
    assert refused.value.field == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        waiting = actions.move(hall["approver"], application, "supplement", reason="缺户口簿原件")
    assert waiting.paused_at and "补正" in sms.outbox[-1][1]
    Application.objects.filter(pk=waiting.pk).update(
        paused_at=waiting.paused_at - dt.timedelta(days=2)
    )
    back = actions.move(hall["clerk"], waiting, "resubmit")
    assert back.status == ApplicationStatus.RECEIVED and back.paused_at is None
    assert back.due_at - due >= dt.timedelta(days=2)


def test_forwarded_applications_are_decided_when_the_department_answers(
    hall, django_capture_on_commit_callbacks
):
    application, _token = receive(hall)
    forwarded = actions.move(hall["approver"], application, "forward", reason="区人社局")
    assert forwarded.forwarded_to == "区人社局"
    with django_capture_on_commit_callbacks(execute=True):
        rejected = actions.move(hall["approver"], forwarded, "reject", reason="不符合参保条件")
    assert rejected.status == ApplicationStatus.REJECTED and "未获批准" in sms.outbox[-1][1]


def test_moves_outside_the_table_and_stale_versions_are_refused(hall):
    application, _token = receive(hall)
    with pytest.raises(ActionError) as refused:
        actions.move(hall["clerk"], application, "collect")
    assert refused.value.status == 409 and "不能取件" in str(refused.value.message)
    with pytest.raises(PermissionDenied):
        actions.move(hall["clerk"], application, "approve")
    with pytest.raises(ActionError) as refused:
        actions.move(hall["approver"], application, "approve", version=99)
    assert refused.value.status == 409
    assert Application.objects.get().status == ApplicationStatus.RECEIVED


def test_the_progress_link_needs_no_login_and_shows_nothing_personal(client, hall):
    application, token = receive(hall)
    page = client.get(f"/hall/p/{token}")
    text = page.content.decode()
    assert page.status_code == 200 and application.number in text and "已受理" in text
    assert "陈小明" not in text and PHONE not in text and "陈**" in text
    assert client.get("/hall/p/not-a-token").status_code == 404


def test_a_rating_after_the_service_and_its_follow_up(client, hall, tree):
    ticket, token = make_ticket(hall, status=TicketStatus.SERVING)
    assert "办理结束后" in client.get(f"/hall/rate/{token}").content.decode()
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.DONE)
    page = client.post(f"/hall/rate/{token}", {"score": 2})
    assert "不满意的原因" in page.content.decode() and not Rating.objects.exists()
    client.post(f"/hall/rate/{token}", {"score": 2, "reason": "等候时间长", "comment": "排了很久"})
    rating = Rating.objects.get()
    assert rating.follow_up == FollowUp.OPEN and rating.window == hall["windows"][1]
    assert rating.clerk == hall["clerk"] and rating.item == hall["items"]["pension"]
    assert "已经评价" in client.post(f"/hall/rate/{token}", {"score": 5}).content.decode() or (
        Rating.objects.count() == 1
    )

    staff = make_user("staff8", Role.STREET_STAFF, tree["street"])
    login(client, staff)
    assert "排了很久" in client.get("/hall/follow-ups/").content.decode()
    client.post("/hall/follow-ups/", {"rating": rating.pk, "note": "已致电解释并改进叫号"})
    rating.refresh_from_db()
    assert rating.follow_up == FollowUp.DONE
    assert AuditEntry.objects.filter(action="hall.follow_up").count() == 1


def test_the_back_office_pages(client, hall, django_assert_num_queries):
    for _ in range(3):
        receive(hall)
    login(client, hall["approver"])
    with django_assert_num_queries(5):
        page = client.get("/hall/applications/")
    assert page.status_code == 200 and page.content.decode().count("城乡居民养老保险参保登记") == 3
    number = Application.objects.first().number
    detail = client.get(f"/hall/applications/{number}/").content.decode()
    assert "批准" in detail and "139****5678" in detail and PHONE not in detail
    response = client.post(f"/hall/applications/{number}/approve/", {"version": 1})
    assert response.status_code == 302
    assert Application.objects.get(number=number).status == ApplicationStatus.READY


def test_the_intake_page(client, hall):
    ticket, _token = make_ticket(hall)
    login(client, hall["clerk"])
    form = client.get(f"/hall/applications/new/?ticket={ticket.pk}").content.decode()
    assert "户口簿" in form and ticket.number in form
    response = client.post(
        "/hall/applications/new/",
        {
            "ticket": ticket.pk,
            "item": hall["items"]["pension"].pk,
            "applicant_name": "陈小明",
            "phone": PHONE,
            "materials": ["居民身份证"],
        },
    )
    application = Application.objects.get()
    assert response["Location"] == f"/hall/applications/{application.number}/"
    assert application.ticket == ticket
    refreshed = client.post(
        "/hall/applications/new/",
        {"item": hall["items"]["allowance"].pk, "refresh": "1", "applicant_name": "陈小明"},
    ).content.decode()
    assert "低保申请书" in refreshed and 'value="陈小明"' in refreshed
    assert Application.objects.count() == 1
    bad = client.post("/hall/applications/new/", {"item": hall["items"]["pension"].pk})
    assert "请填写申请人姓名" in bad.content.decode() and Application.objects.count() == 1


def test_scope_other_streets_and_other_roles(client, hall, tree):
    application, _token = receive(hall)
    login(client, hall["other_clerk"])
    assert client.get(f"/hall/applications/{application.number}/").status_code == 404
    assert application.number not in client.get("/hall/applications/?view=all").content.decode()
    response = client.post(f"/hall/applications/{application.number}/collect/")
    assert response.status_code == 404
    login(client, make_user("gw", Role.GRID_WORKER, tree["g1"]))
    assert client.get("/hall/applications/").status_code == 403
    assert client.get("/hall/applications/new/").status_code == 403

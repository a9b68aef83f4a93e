"""The field pages of the case loop: reporting, the duplicate warning, the case page and
its moves, photos, my cases and the inbox, for every role that can and cannot use them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gridgov.accounts.roles import Role
from gridgov.cases import actions, workflow
from gridgov.cases.choices import Status
from gridgov.cases.models import Case, CasePhoto, Notice, NoticeKind
from gridgov.core.models import AuditEntry
from gridgov.testing import login, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def other_dispatcher(tree):
    return make_user("dispatcher2", Role.DISPATCHER, tree["other_street"])


def photo(name="p.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def _form(category, **fields):
    return {
        "category": str(category.pk),
        "title": "井盖缺失",
        "description": "人行道井盖丢失",
        "lon": "113.2421",
        "lat": "23.1021",
        "coords": "wgs84",
        "address": "洪德路 1 号",
        "priority": "normal",
        "source": "grid_worker",
        "contact_name": "",
        "contact_phone": "",
    } | fields


# -- reporting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("grid_worker", 200),
        ("community_staff", 200),
        ("street_leader", 200),
        ("department_staff", 403),
        ("stranger", 403),
    ],
)
def test_report_page_per_role(client, personas, persona, status):
    login(client, personas[persona])
    assert client.get(reverse("cases:report")).status_code == status


def test_report_page_for_a_dispatcher_offers_the_hotline(client, dispatcher):
    login(client, dispatcher)
    response = client.get(reverse("cases:report"))
    assert response.status_code == 200
    assert 'value="hotline"' in response.text
    assert response.context["form"]["source"].value() == "command_center"
    assert "当场解决" not in response.text


def test_a_dispatcher_reports_a_hotline_ticket(client, dispatcher, category):
    login(client, dispatcher)
    data = _form(category, source="hotline", source_ref="GZ12345-0001", lon="113.2525")
    response = client.post(reverse("cases:report"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.source, case.source_ref, case.level) == ("hotline", "GZ12345-0001", "street")
    assert case.grid.code == "440105008102001"


def test_report_page_needs_login(client):
    response = client.get(reverse("cases:report"))
    assert response.status_code == 302


def test_a_grid_worker_reports_a_case_with_a_photo(client, personas, category):
    login(client, personas["grid_worker"])
    data = _form(category, contact_name="陈伯", contact_phone="13800138000", photos=[photo()])
    response = client.post(reverse("cases:report"), data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert case.title == "井盖缺失" and case.source == "grid_worker"
    assert case.grid.code == "440105008101001"
    assert case.photos.get().content_type == "image/png"
    assert case.contacts.get().phone_masked == "138****8000"
    assert AuditEntry.objects.filter(action="case.report", object_id=str(case.pk)).exists()
    page = client.get(response.url)
    assert "已上报" in page.text and "13800138000" not in page.text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "请填写标题"),
        ({"lon": "113.30", "lat": "23.00"}, "lon", "不在任何网格内"),
        ({"lon": "113.2525", "lat": "23.1025"}, "lon", "只能上报本人负责区域"),
        ({"lon": "", "lat": ""}, "lon", "请用手机定位或在地图上选点"),
        ({"contact_phone": "12345"}, "contact_phone", "电话号码格式不正确"),
        ({"priority": "whenever"}, "priority", ""),
        ({"source": "hotline"}, "source", ""),
    ],
)
def test_bad_report_changes_nothing_and_keeps_values(
    client, personas, category, fields, field, message
):
    login(client, personas["grid_worker"])
    response = client.post(reverse("cases:report"), _form(category, **fields))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in response.text
    assert "人行道井盖丢失" in response.text  # what was typed is still there
    assert not Case.objects.exists()
    assert not AuditEntry.objects.filter(action="case.report").exists()


def test_a_big_class_cannot_be_picked(client, personas, category):
    login(client, personas["grid_worker"])
    big = type(category).objects.current().get(code=category.parent_code)
    response = client.post(reverse("cases:report"), _form(big))
    assert response.status_code == 400 and "请选择案件小类" in response.text
    assert not Case.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(client, personas, category):
    login(client, personas["grid_worker"])
    fake = photo("evil.jpg", b"<?php echo 1; ?>" * 4)
    response = client.post(reverse("cases:report"), _form(category, photos=[fake]))
    assert response.status_code == 400
    assert "不是 JPEG、PNG 或 WebP 图片" in response.text
    assert not Case.objects.exists() and not CasePhoto.objects.exists()


def test_a_grid_worker_solves_a_small_matter_on_the_spot(client, personas, category):
    login(client, personas["grid_worker"])
    data = _form(
        category,
        on_spot="on",
        on_spot_result="已当场清理",
        follow_up_note="居民表示满意",
        rating="satisfied",
    )
    response = client.post(reverse("cases:report"), data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.status == Status.CLOSED and case.result == "已当场清理"
    actions_done = list(case.events.values_list("action", flat=True))
    assert actions_done[:3] == ["report", "resolve", "follow_up"]


def test_on_the_spot_needs_the_result(client, personas, category):
    login(client, personas["grid_worker"])
    response = client.post(reverse("cases:report"), _form(category, on_spot="on"))
    assert response.status_code == 400 and "当场解决请填写处置结果" in response.text
    assert not Case.objects.exists()


# -- the duplicate warning ---------------------------------------------------------------


def test_nearby_open_cases_of_the_category_are_listed(client, personas, category, report):
    case = report()  # at 113.2425, 23.1025
    login(client, personas["grid_worker"])
    url = reverse("cases:nearby")
    near = client.get(url, {"category": category.pk, "lon": "113.24253", "lat": "23.10252"})
    assert near.status_code == 200 and case.number in near.text
    far = client.get(url, {"category": category.pk, "lon": "113.2435", "lat": "23.1025"})
    assert case.number not in far.text
    other = type(category).objects.current().filter(parent_code="E01").exclude(pk=category.pk)
    assert (
        case.number
        not in client.get(
            url, {"category": other.first().pk, "lon": "113.2425", "lat": "23.1025"}
        ).text
    )
    assert client.get(url, {"category": "x", "lon": "a"}).status_code == 200


def test_nearby_is_for_reporters(client, personas):
    login(client, personas["department_staff"])
    assert client.get(reverse("cases:nearby")).status_code == 403


# -- the case page -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("grid_worker", 200),
        ("community_staff", 200),
        ("street_leader", 200),
        ("department_staff", 404),  # not sent to their department
        ("stranger", 403),
        ("system_admin", 403),
    ],
)
def test_case_page_per_role(client, personas, report, persona, status):
    case = report()
    login(client, personas[persona])
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == status


def test_case_page_of_another_street_is_not_found(client, report, other_dispatcher):
    case = report()
    login(client, other_dispatcher)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def _acts_on_page(text, case):
    prefix = f"/cases/{case.pk}/act/"
    return {part.split("/")[0] for part in text.split(prefix)[1:]}


@pytest.mark.parametrize("persona", ["grid_worker", "community_staff", "street_leader"])
def test_case_page_shows_only_the_allowed_moves(client, personas, report, persona):
    case = report()
    user = personas[persona]
    login(client, user)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert _acts_on_page(response.text, case) == set(workflow.allowed_actions(user, case))


def test_grid_worker_sees_escalate_and_resolve_only(client, personas, report):
    case = report()
    login(client, personas["grid_worker"])
    acts = _acts_on_page(client.get(reverse("cases:detail", args=[case.pk])).text, case)
    assert acts == {"escalate", "resolve"}


def test_case_page_query_count(client, dispatcher, report, django_assert_max_num_queries):
    case = report(
        actor=dispatcher, photos=[photo(), photo()], contacts=[("陈伯", "13800138000", None)]
    )
    case = actions.act(dispatcher, case, "accept")
    login(client, dispatcher)
    url = reverse("cases:detail", args=[case.pk])
    client.get(url)  # warm the access cache
    # 8 for the case, its timeline, photos, contacts and departments; 1 for the grid
    # workers a dispatcher may send to verify.
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    assert {"dispatch", "assign_verify"} <= set(_acts_on_page(response.text, case))


def _post_act(client, case, action, version=None, **fields):
    data = {f"{action}-version": case.version if version is None else version}
    data |= {f"{action}-{k}": v for k, v in fields.items()}
    return client.post(reverse("cases:act", args=[case.pk, action]), data)


def test_dispatching_through_the_page(client, personas, dispatcher, department, report):
    case = report(actor=dispatcher)
    login(client, dispatcher)
    response = _post_act(client, case, "dispatch", department=department.pk)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.department == department
    assert AuditEntry.objects.filter(action="case.dispatch", actor=dispatcher).exists()
    assert "已派遣" in client.get(response.url).text
    # Now the department sees it and may start it.
    login(client, personas["department_staff"])
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200 and _acts_on_page(page.text, case) >= {"start", "handle"}


def test_dispatch_offers_the_departments_of_the_street(client, dispatcher, department, report):
    from gridgov.accounts.models import Department

    elsewhere = Department.objects.create(
        name="龙凤环卫站",
        kind=department.kind,
        area=department.area.parent.children.get(code="440105009"),
    )
    case = report(actor=dispatcher)
    login(client, dispatcher)
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    assert department.name in page and elsewhere.name not in page
    response = _post_act(client, case, "dispatch", department=elsewhere.pk)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_a_stale_version_is_refused_and_nothing_changes(client, dispatcher, report):
    case = report(actor=dispatcher)
    login(client, dispatcher)
    seen = case.version
    actions.act(dispatcher, case, "accept", version=seen)  # someone else, meanwhile
    case.refresh_from_db()
    before = (case.status, case.version)
    response = _post_act(client, case, "reject", version=seen, reason="重复")
    assert response.status_code == 409
    assert "该案件已被他人处理" in response.text
    assert "重复" in response.text  # what was typed is kept
    case.refresh_from_db()
    assert (case.status, case.version) == before
    assert not AuditEntry.objects.filter(action="case.reject").exists()


def test_a_missing_reason_is_shown_beside_the_field(client, dispatcher, report):
    case = report(actor=dispatcher)
    login(client, dispatcher)
    response = _post_act(client, case, "reject", reason="")
    assert response.status_code == 400
    bound = next(b["form"] for b in response.context["buttons"] if b["action"] == "reject")
    assert bound.errors["reason"] == ["必填。"]
    assert response.context["open_action"] == "reject"
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_dispatch_suggests_the_department_that_takes_the_category(
    client, dispatcher, department, report, category
):
    from gridgov.cases.models import DepartmentCategory

    DepartmentCategory.objects.create(department=department, category_code=category.code)
    case = report(actor=dispatcher)
    login(client, dispatcher)
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    assert f'<option value="{department.pk}" selected>' in page


def test_a_move_the_user_may_not_make_is_refused(client, personas, report):
    case = report()
    login(client, personas["grid_worker"])
    response = _post_act(client, case, "accept")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_unknown_moves_and_get_are_refused(client, personas, report):
    case = report()
    login(client, personas["grid_worker"])
    assert _post_act(client, case, "explode").status_code == 404
    assert _post_act(client, case, "rate").status_code == 404
    url = reverse("cases:act", args=[case.pk, "escalate"])
    assert client.get(url).status_code == 405


def test_acting_on_a_case_out_of_scope_is_not_found(client, report, other_dispatcher):
    case = report()
    login(client, other_dispatcher)
    assert _post_act(client, case, "accept").status_code == 404


def test_resolve_and_follow_up_show_the_rating_link_once(client, personas, report):
    case = report()
    worker = personas["grid_worker"]
    login(client, worker)
    response = client.post(
        reverse("cases:act", args=[case.pk, "resolve"]),
        {"resolve-version": case.version, "resolve-result": "已清理", "resolve-photos": [photo()]},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.HANDLED and case.photos.filter(kind="after").count() == 1
    response = _post_act(client, case, "follow_up", note="已告知居民")
    page = client.get(response.url).text
    assert "/r/" in page and "评价链接" in page
    assert "/r/" not in client.get(response.url).text  # shown once
    case.refresh_from_db()
    assert case.status == Status.FOLLOWED_UP and case.rating_token_digest


# -- photos ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("grid_worker", 200), ("community_staff", 200), ("department_staff", 404), ("stranger", 403)],
)
def test_photo_is_served_only_within_scope(client, personas, report, persona, status):
    case = report(photos=[photo()])
    picture = case.photos.get()
    login(client, personas[persona])
    response = client.get(reverse("cases:photo", args=[picture.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == PNG


def test_photo_of_another_street_is_not_found(client, report, other_dispatcher):
    case = report(photos=[photo()])
    login(client, other_dispatcher)
    response = client.get(reverse("cases:photo", args=[case.photos.get().pk]))
    assert response.status_code == 404


# -- my cases and the inbox -------------------------------------------------------------


def test_my_cases_tabs(client, personas, dispatcher, department, report):
    worker = personas["grid_worker"]
    mine = report()
    login(client, worker)
    response = client.get(reverse("cases:mine"))
    assert response.status_code == 200 and mine.number in response.text
    counts = {t["name"]: t["count"] for t in response.context["tabs"]}
    assert counts == {"todo": 1, "follow_up": 0, "reported": 1}
    # Escalated: no longer the grid worker's to act on, still theirs as reporter.
    actions.act(worker, mine, "escalate")
    counts = {t["name"]: t["count"] for t in client.get(reverse("cases:mine")).context["tabs"]}
    assert counts == {"todo": 0, "follow_up": 0, "reported": 1}
    login(client, personas["community_staff"])
    assert mine.number in client.get(reverse("cases:mine")).text


def test_my_cases_of_the_department(client, personas, dispatcher, department, report):
    case = report(actor=dispatcher)
    case = actions.act(dispatcher, case, "dispatch", department=department)
    login(client, personas["department_staff"])
    response = client.get(reverse("cases:mine"))
    assert case.number in response.text
    assert [c.pk for c in response.context["page"]] == [case.pk]


def test_my_cases_follow_up_and_overdue(client, personas, report, django_assert_max_num_queries):
    worker = personas["grid_worker"]
    case = actions.act(worker, report(), "resolve", result="已清理")
    Case.objects.filter(pk=case.pk).update(due_at="2020-01-01T00:00:00Z")
    login(client, worker)
    client.get(reverse("cases:mine"))
    with django_assert_max_num_queries(7):
        response = client.get(reverse("cases:mine") + "?tab=follow_up")
    assert case.number in response.text and "超期" in response.text


@pytest.mark.parametrize("persona", ["stranger", "system_admin"])
def test_my_cases_and_inbox_need_case_access(client, personas, persona):
    login(client, personas[persona])
    assert client.get(reverse("cases:mine")).status_code == 403
    assert client.get(reverse("cases:inbox")).status_code == 403
    assert client.post(reverse("cases:inbox_read")).status_code == 403


def test_inbox_lists_my_notices_unread_first_and_marks_them_read(client, personas, report):
    worker, staff = personas["grid_worker"], personas["community_staff"]
    case = report()
    Notice.objects.create(
        recipient=worker,
        case=case,
        kind=NoticeKind.NEW_TASK,
        message="旧消息",
        read_at="2026-01-01T00:00:00Z",
    )
    Notice.objects.create(recipient=worker, case=case, kind=NoticeKind.OVERDUE, message="新消息")
    Notice.objects.create(
        recipient=staff, case=case, kind=NoticeKind.NEW_TASK, message="别人的消息"
    )
    login(client, worker)
    response = client.get(reverse("cases:inbox"))
    assert response.status_code == 200
    assert response.text.index("新消息") < response.text.index("旧消息")
    assert "别人的消息" not in response.text
    response = client.post(reverse("cases:inbox_read"))
    assert response.status_code == 302
    assert not Notice.objects.filter(recipient=worker, read_at__isnull=True).exists()
    assert Notice.objects.filter(recipient=staff, read_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="notices.read")
    assert entry.actor == worker and entry.after == {"count": 1}
    assert "已将 1 条通知标为已读" in client.get(reverse("cases:inbox")).text

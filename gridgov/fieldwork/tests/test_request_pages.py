"""The pages of requests, convenience services and visit rules: recording, the request
loop's moves from its page, scope, and the pinned query counts of the lists."""

from gridgov.fieldwork.models import ConvenienceService, Request, VisitRule
from gridgov.fieldwork.request_actions import move_request, record_request
from gridgov.testing import login


def test_recording_a_request_of_a_known_resident(client, field):
    login(client, field["worker"])
    assert client.get("/field/requests/new/").status_code == 200
    data = {
        "requester_name": "张三",
        "household": "HH-101",
        "channel": "visit",
        "content": "想办老年卡",
    }
    response = client.post("/field/requests/new/", data)
    request = Request.objects.get()
    assert response["Location"] == f"/field/requests/{request.pk}/"
    assert request.requester == field["residents"]["zhang"]


def test_a_request_form_refuses_a_household_outside_scope(client, field):
    login(client, field["worker"])
    data = {"requester_name": "赵四", "household": "HH-201", "channel": "phone", "content": "x"}
    response = client.post("/field/requests/new/", data)
    assert response.status_code == 400 and "不在您的管辖范围内" in response.content.decode()
    response = client.post("/field/requests/new/", {"channel": "phone"})
    assert response.status_code == 400 and not Request.objects.exists()


def test_the_loop_from_the_request_page(client, field, department):
    made = record_request(field["worker"], content="路灯坏了", channel="phone", requester_name="甲")
    login(client, field["worker"])
    page = client.get(f"/field/requests/{made.pk}/").content.decode()
    assert "转办" in page and department.name in page
    url = f"/field/requests/{made.pk}/"
    client.post(f"{url}pass_on/", {"target": "department", "department": department.pk})
    client.post(f"{url}answer/", {"answer": "已修复"})
    response = client.post(f"{url}tell/", {"note": "电话告知"})
    assert response["Location"] == url
    made.refresh_from_db()
    assert (made.status, made.department) == ("told", department)
    text = client.get(url).content.decode()
    assert "已告知" in text and "电话告知" in text


def test_a_move_out_of_turn_or_incomplete_is_refused(client, field):
    made = record_request(field["worker"], content="x", channel="phone", requester_name="甲")
    login(client, field["worker"])
    response = client.post(f"/field/requests/{made.pk}/answer/", {"answer": "先答复"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == "recorded"
    response = client.post(f"/field/requests/{made.pk}/pass_on/", {"target": "person"})
    assert response.status_code == 400 and "请填写转办去向" in response.content.decode()


def test_requests_outside_scope_are_404_and_leaders_only_read(client, field):
    made = record_request(field["worker"], content="x", channel="phone", requester_name="甲")
    login(client, field["worker2"])
    assert client.get(f"/field/requests/{made.pk}/").status_code == 404
    assert client.post(f"/field/requests/{made.pk}/pass_on/", {"passed_to": "x"}).status_code == 404
    login(client, field["leader"])
    page = client.get(f"/field/requests/{made.pk}/")
    assert page.status_code == 200 and 'name="passed_to"' not in page.content.decode()
    assert client.post(f"/field/requests/{made.pk}/pass_on/", {"passed_to": "x"}).status_code == 403


def test_the_request_list_and_its_query_count(client, field, django_assert_num_queries):
    for n in range(3):
        made = record_request(
            field["worker"], content=f"诉求{n}", channel="phone", requester_name="甲"
        )
    move_request(field["worker"], made, "pass_on", passed_to="物业")
    record_request(field["worker2"], content="别的网格", channel="phone", requester_name="乙")
    login(client, field["worker"])
    client.get("/")
    with django_assert_num_queries(6):
        text = client.get("/field/requests/").content.decode()
    assert "诉求0" in text and "别的网格" not in text
    text = client.get("/field/requests/?status=passed_on").content.decode()
    assert "诉求2" in text and "诉求0" not in text


def test_convenience_services_record_and_list(client, field, django_assert_num_queries):
    login(client, field["worker"])
    data = {"household": "HH-101", "kind": "shopping", "minutes": "30", "day": "", "note": "代买药"}
    assert client.post("/field/services/new/", data)["Location"] == "/field/services/"
    bad = client.post("/field/services/new/", data | {"minutes": "0"})
    assert bad.status_code == 400 and ConvenienceService.objects.count() == 1
    client.get("/")
    with django_assert_num_queries(6):
        text = client.get("/field/services/").content.decode()
    assert "代买药" in text and "代购代送" in text
    login(client, field["worker2"])
    assert "代买药" not in client.get("/field/services/").content.decode()


def test_street_staff_keep_the_rules_on_their_page(client, field, django_assert_num_queries):
    login(client, field["street_staff"])
    assert "添加常用规则" in client.get("/field/rules/").content.decode()
    client.post("/field/rules/defaults/")
    assert VisitRule.objects.count() == 5
    rule = VisitRule.objects.get(kind="rental")
    data = {
        f"r{rule.pk}-interval_days": "60",
        f"r{rule.pk}-visit_kind": "rental_check",
        "rule": rule.pk,
    }
    assert client.post("/field/rules/save/", data).status_code == 302
    rule.refresh_from_db()
    assert (rule.interval_days, rule.is_active) == (60, False)
    bad = client.post("/field/rules/save/", data | {f"r{rule.pk}-interval_days": "0"})
    assert bad.status_code == 400
    client.get("/")
    with django_assert_num_queries(5):
        assert client.get("/field/rules/").status_code == 200


def test_a_focus_group_rule_is_added_on_the_page(client, field):
    login(client, field["street_staff"])
    data = {
        "target": f"group:{field['groups']['alone'].pk}",
        "new-interval_days": "14",
        "new-visit_kind": "elderly_alone",
        "new-is_active": "on",
    }
    assert client.post("/field/rules/save/", data).status_code == 302
    rule = VisitRule.objects.get()
    assert (rule.focus_group, rule.interval_days) == (field["groups"]["alone"], 14)

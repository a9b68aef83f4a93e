"""The household page (一户一档) and its edit forms, per role, within scope, masked."""

import datetime

import pytest

from gridgov.core.models import AuditEntry
from gridgov.people import actions
from gridgov.people.models import FocusMembership, Household, HouseholdEvent, Resident
from gridgov.people.tests.household_fixtures import (
    HOUSEHOLD_PHONE,
    LI_ID,
    ZHANG_ID,
    ZHANG_PHONE,
    build_household_file,
)
from gridgov.testing import login, resident_id

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def hf(tree, personas):
    return build_household_file(tree)


def page_url(household, suffix=""):
    return f"/people/households/{household.pk}/{suffix}"


def page(client, user, household):
    login(client, user)
    return client.get(page_url(household))


# --- the page -----------------------------------------------------------------------


def test_the_page_shows_dwelling_members_tags_organizations_and_history(client, personas, hf):
    household = hf["households"]["a"]
    actions.add_focus(hf["street_staff"], hf["residents"]["zhang"], hf["groups"]["alone"])
    response = page(client, personas["street_leader"], household)
    text = response.content.decode()
    assert response.status_code == 200
    for shown in ("H-A101", "洪德巷1号", "101", "鳌洲第一网格", "鳌洲社区", "张三", "李四"):
        assert shown in text, shown
    assert "户主" in text and "配偶" in text and "独居老人" in text
    assert "洪德便利店" in text and "同一房屋" in text
    assert "建档" in text and "张三 迁入" in text and "streetstaff" in text
    assert "走访记录" in text and "还没有走访记录。" in text  # the visits' panel (fieldwork)
    assert f"/people/buildings/{hf['buildings']['a'].pk}/" in text


def test_ids_and_phones_are_masked_and_never_in_the_page(client, personas, hf):
    zhang = hf["residents"]["zhang"]
    for persona in ("street_leader", "community_staff", "grid_worker"):
        text = page(client, personas[persona], hf["households"]["a"]).content.decode()
        assert zhang.id_masked in text and "138****5678" in text
        for clear in (ZHANG_ID, LI_ID, ZHANG_PHONE, HOUSEHOLD_PHONE):
            assert clear not in text, (persona, clear)


def test_the_reveal_button_shows_only_to_roles_that_may_reveal(client, personas, hf):
    household = hf["households"]["a"]
    reveal = f'action="{page_url(household, "reveal/")}"'
    assert reveal in page(client, personas["community_staff"], household).content.decode()
    assert reveal not in page(client, personas["grid_worker"], household).content.decode()
    assert reveal not in page(client, personas["street_leader"], household).content.decode()


def test_former_members_stay_on_the_page_greyed_with_their_date(client, personas, hf):
    actions.mark_moved_out(hf["street_staff"], hf["residents"]["li"], YESTERDAY, "迁往天河区")
    text = page(client, personas["grid_worker"], hf["households"]["a"]).content.decode()
    assert "李四" in text and "已迁出" in text and f"{YESTERDAY:%Y-%m-%d}" in text
    assert 'class="gg-gone"' in text and "迁往天河区" in text


def test_sensitive_tags_show_only_to_roles_that_may_see_them(client, personas, hf):
    actions.add_focus(hf["street_staff"], hf["residents"]["zhang"], hf["groups"]["disabled"])
    household = hf["households"]["a"]
    assert "残疾人" in page(client, personas["community_staff"], household).content.decode()
    for persona in ("grid_worker", "street_leader"):
        text = page(client, personas[persona], household).content.decode()
        # Neither as a tag nor in the history note ("张三 列入残疾人").
        assert "残疾人" not in text, persona
        assert "重点人群变更" in text and "已隐藏" in text


@pytest.mark.parametrize(
    ("persona", "household", "status"),
    [
        ("street_leader", "a", 200),
        ("street_leader", "b", 200),
        ("community_staff", "b", 200),
        ("community_staff", "c", 404),
        ("grid_worker", "a", 200),
        ("grid_worker", "b", 404),
        ("department_staff", "a", 403),
        ("system_admin", "a", 403),
        ("auditor", "a", 403),
        ("stranger", "a", 403),
    ],
)
def test_the_page_per_role_and_scope(client, personas, hf, persona, household, status):
    assert page(client, personas[persona], hf["households"][household]).status_code == status


def test_a_household_that_does_not_exist_is_404(client, personas, hf):
    login(client, personas["street_leader"])
    assert client.get("/people/households/999999/").status_code == 404


def test_the_page_needs_a_login(client, hf):
    response = client.get(page_url(hf["households"]["a"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_query_count_is_pinned_and_does_not_grow_with_members(
    client, personas, hf, django_assert_num_queries
):
    household = hf["households"]["a"]
    staff = personas["community_staff"]
    login(client, staff)
    client.get("/")  # the cached menu and access, as on every later page
    with django_assert_num_queries(12) as few:  # 11, and the visits' panel
        assert client.get(page_url(household)).status_code == 200
    for seq in range(5):
        values = {
            "name": f"成员{seq}",
            "id_type": "resident_id",
            "id_number": resident_id(datetime.date(2000 + seq, 1, 1), 201 + 2 * seq),
            "relation": "child",
            "registration": "registered",
        }
        from gridgov.people.rules import clean_resident

        cleaned, problems = clean_resident(values)
        assert not problems
        member = actions.add_resident(staff, household, cleaned)
        actions.add_focus(staff, member, hf["groups"]["alone"])
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(page_url(household)).status_code == 200


# --- edits --------------------------------------------------------------------------


def resident_post(**extra):
    data = {
        "name": "张小明",
        "id_type": "resident_id",
        "id_number": resident_id(datetime.date(2012, 9, 1), 171),
        "sex": "",
        "birth_date": "",
        "ethnicity": "01",
        "phone": "13900001111",
        "relation": "grandchild",
        "registration": "registered",
        "moved_in_on": f"{YESTERDAY:%Y-%m-%d}",
    }
    data.update(extra)
    return data


def test_adding_a_resident_through_the_page(client, personas, hf):
    household = hf["households"]["a"]
    login(client, personas["grid_worker"])
    assert client.get(page_url(household, "residents/new/")).status_code == 200
    response = client.post(page_url(household, "residents/new/"), resident_post(), follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "已添加成员 张小明。" in text and "张小明 迁入" in text
    resident = Resident.objects.get(name="张小明")
    assert resident.birth_date == datetime.date(2012, 9, 1) and resident.sex == "male"
    assert resident.phone_masked == "139****1111" and "13900001111" not in text
    event = household.events.order_by("-id").first()
    assert (event.kind, event.happened_on) == ("moved_in", YESTERDAY)
    assert Household.objects.get(pk=household.pk).member_count == 3


def test_bad_input_comes_back_in_chinese_keeps_what_was_typed_and_changes_nothing(
    client, personas, hf
):
    household = hf["households"]["a"]
    login(client, personas["grid_worker"])
    counts = (Resident.objects.count(), AuditEntry.objects.count(), HouseholdEvent.objects.count())
    bad = resident_post(
        id_number="440105201209011710",
        sex="female",
        phone="12345",
        relation="",
        registration="floating",
        moved_in_on="2099-01-01",
    )
    response = client.post(page_url(household, "residents/new/"), bad)
    text = response.content.decode()
    assert response.status_code == 400
    assert "身份证号码无效" in text
    assert "电话号码格式不正确" in text
    assert "流动人口请填写来源地。" in text
    assert "日期不能晚于今天。" in text
    assert 'value="张小明"' in text and 'value="440105201209011710"' in text
    after = (Resident.objects.count(), AuditEntry.objects.count(), HouseholdEvent.objects.count())
    assert after == counts


def test_sex_and_birth_date_must_agree_with_the_id(client, personas, hf):
    login(client, personas["grid_worker"])
    response = client.post(
        page_url(hf["households"]["a"], "residents/new/"),
        resident_post(sex="female", birth_date="2012-09-02"),
    )
    text = response.content.decode()
    assert "性别与身份证号码不一致。" in text and "出生日期与身份证号码不一致。" in text


def test_a_duplicate_id_through_the_page_is_409_beside_the_field(client, personas, hf):
    login(client, personas["community_staff"])
    response = client.post(
        page_url(hf["households"]["b"], "residents/new/"), resident_post(id_number=ZHANG_ID)
    )
    assert response.status_code == 409
    assert "该证件号码已登记在其他住户中。" in response.content.decode()
    assert not Resident.objects.filter(name="张小明").exists()


def test_editing_a_resident_keeps_the_stored_numbers_when_left_empty(client, personas, hf):
    household, zhang = hf["households"]["a"], hf["residents"]["zhang"]
    login(client, personas["grid_worker"])
    url = page_url(household, f"residents/{zhang.pk}/edit/")
    form_page = client.get(url).content.decode()
    assert ZHANG_ID not in form_page and ZHANG_PHONE not in form_page
    assert f'placeholder="{zhang.id_masked}"' in form_page
    data = resident_post(
        name="张三",
        id_number="",
        phone="",
        sex="male",
        birth_date="1958-03-04",
        relation="head",
        occupation="退休",
    )
    data.pop("moved_in_on")
    response = client.post(url, data)
    assert response.status_code == 302
    zhang = Resident.objects.get(pk=zhang.pk)
    assert zhang.occupation == "退休"
    assert actions.reveal_number(hf["street_staff"], zhang, "id_number", "测试") == ZHANG_ID
    assert actions.reveal_number(hf["street_staff"], zhang, "phone", "测试") == ZHANG_PHONE
    assert household.events.order_by("-id").first().note == "修改了 张三 的信息"


def test_editing_cannot_drift_sex_away_from_the_stored_id(client, personas, hf):
    household, zhang = hf["households"]["a"], hf["residents"]["zhang"]
    login(client, personas["grid_worker"])
    data = resident_post(name="张三", id_number="", phone="", sex="female", relation="head")
    response = client.post(page_url(household, f"residents/{zhang.pk}/edit/"), data)
    assert response.status_code == 400
    assert "性别与身份证号码不一致。" in response.content.decode()
    assert Resident.objects.get(pk=zhang.pk).sex == "male"


def test_marking_moved_out_through_the_page(client, personas, hf):
    household, li = hf["households"]["a"], hf["residents"]["li"]
    login(client, personas["grid_worker"])
    url = page_url(household, f"residents/{li.pk}/leave/")
    response = client.post(url, {"status": "moved_out", "status_date": "", "note": ""})
    assert response.status_code == 400 and "必填。" in response.content.decode()
    response = client.post(
        url,
        {"status": "deceased", "status_date": f"{YESTERDAY:%Y-%m-%d}", "note": "病故"},
        follow=True,
    )
    text = response.content.decode()
    assert "已登记 李四 的变动。" in text and "病故" in text and "已死亡" in text
    assert Resident.objects.get(pk=li.pk).status == "deceased"


def test_setting_the_head_through_the_page(client, personas, hf):
    household, li = hf["households"]["a"], hf["residents"]["li"]
    login(client, personas["grid_worker"])
    url = page_url(household, "head/")
    assert client.post(url, {"head": hf["residents"]["wang"].pk}).status_code == 400
    response = client.post(url, {"head": li.pk}, follow=True)
    assert "户主已变更为 李四。" in response.content.decode()
    assert Household.objects.get(pk=household.pk).head_id == li.pk


def test_moving_the_household_through_the_page(client, personas, hf, tree):
    household = hf["households"]["a"]
    login(client, personas["community_staff"])
    url = page_url(household, "move/")
    when = f"{YESTERDAY:%Y-%m-%d}"
    unknown = client.post(url, {"building_code": "HB-C", "room": "301", "status_date": when})
    assert unknown.status_code == 400
    assert "楼宇编码不存在或不在您的管辖范围内。" in unknown.content.decode()
    no_room = client.post(url, {"building_code": "HB-B", "room": "999", "status_date": when})
    assert "该楼宇没有这个房号。" in no_room.content.decode()
    response = client.post(
        url, {"building_code": "HB-B", "unit": "", "room": "201", "status_date": when}, follow=True
    )
    assert "已搬迁至" in response.content.decode()
    household.refresh_from_db()
    assert household.dwelling_id == hf["dwellings"]["b201"].pk
    assert household.grid_id == tree["g2"].pk
    assert household.events.order_by("-id").first().kind == "moved_dwelling"


def test_focus_groups_through_the_page(client, personas, hf):
    household, zhang = hf["households"]["a"], hf["residents"]["zhang"]
    disabled = hf["groups"]["disabled"]
    login(client, personas["community_staff"])
    url = page_url(household, f"residents/{zhang.pk}/focus/")
    form_page = client.get(url, {"group": disabled.pk}).content.decode()
    assert "残疾证号" in form_page and "残疾类别" in form_page
    data = {"group": disabled.pk, "since": "2020-01-01", "detail_0": "A123", "detail_2": "二级"}
    response = client.post(url, data, follow=True)
    assert "已将 张三 列入残疾人。" in response.content.decode()
    membership = FocusMembership.objects.get(resident=zhang, group=disabled)
    assert membership.details == {"残疾证号": "A123", "等级": "二级"}
    end = page_url(household, f"focus/{membership.pk}/end/")
    response = client.post(end, {"ended_on": f"{TODAY:%Y-%m-%d}"}, follow=True)
    assert "已将 张三 移出残疾人。" in response.content.decode()
    assert FocusMembership.objects.get(pk=membership.pk).ended_on == TODAY


def test_a_grid_worker_is_not_offered_sensitive_groups_and_cannot_post_one(client, personas, hf):
    household, zhang = hf["households"]["a"], hf["residents"]["zhang"]
    disabled = hf["groups"]["disabled"]
    login(client, personas["grid_worker"])
    url = page_url(household, f"residents/{zhang.pk}/focus/")
    text = client.get(url).content.decode()
    assert "独居老人" in text and "残疾人" not in text
    response = client.post(url, {"group": disabled.pk})
    assert response.status_code == 400
    assert not FocusMembership.objects.exists()
    membership = actions.add_focus(hf["street_staff"], zhang, disabled)
    end = page_url(household, f"focus/{membership.pk}/end/")
    assert client.get(end).status_code == 404


@pytest.mark.parametrize(
    "suffix", ["residents/new/", "head/", "move/", "residents/{r}/edit/", "residents/{r}/leave/"]
)
@pytest.mark.parametrize(
    ("persona", "household", "status"),
    [
        ("street_leader", "a", 403),
        ("department_staff", "a", 403),
        ("auditor", "a", 403),
        ("grid_worker", "b", 404),
        ("community_staff", "c", 404),
    ],
)
def test_edit_pages_per_role_and_scope(client, personas, hf, suffix, persona, household, status):
    target = hf["households"][household]
    resident = target.members.first()
    login(client, personas[persona])
    url = page_url(target, suffix.format(r=resident.pk))
    assert client.get(url).status_code == status
    assert client.post(url, {}).status_code == status


def test_a_member_of_another_household_is_404(client, personas, hf):
    login(client, personas["community_staff"])
    wang = hf["residents"]["wang"]
    url = page_url(hf["households"]["a"], f"residents/{wang.pk}/edit/")
    assert client.get(url).status_code == 404


def test_an_id_issued_after_the_birth_year_of_its_region_code_is_accepted(client, personas, hf):
    """海珠区's code 440105 dates from 1983; its older residents carry it all the same."""
    login(client, personas["grid_worker"])
    number = resident_id(datetime.date(1940, 2, 3), 182)
    response = client.post(
        page_url(hf["households"]["a"], "residents/new/"),
        resident_post(name="周老太", id_number=number, relation="parent"),
    )
    assert response.status_code == 302
    assert Resident.objects.get(name="周老太").birth_date == datetime.date(1940, 2, 3)

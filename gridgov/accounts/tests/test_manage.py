"""The system administrator's account pages: who may use them, what they change, what
they write to the audit, and what happens with bad input."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gridgov.accounts.models import RoleAssignment, User
from gridgov.accounts.roles import Role
from gridgov.core.models import AuditEntry
from gridgov.testing import PASSWORD, login, make_area, make_user

NEW_PASSWORD = "Street-office-2026#"
NON_ADMINS = [
    "street_leader",
    "community_staff",
    "grid_worker",
    "department_staff",
    "stranger",
    "auditor",
]


@pytest.fixture
def admin(client, personas):
    login(client, personas["system_admin"])
    return personas["system_admin"]


@pytest.fixture
def street_admin(client, tree):
    """An administrator who runs 南华西街道 only (not 龙凤街道)."""
    user = make_user("street_admin", Role.SYSTEM_ADMIN, tree["street"])
    login(client, user)
    return user


def audit_actions():
    return list(AuditEntry.objects.values_list("action", flat=True))


def detail_url(user):
    return reverse("accounts:user_detail", args=[user.pk])


# --- who may use the pages -------------------------------------------------------


@pytest.mark.parametrize("persona", NON_ADMINS)
def test_other_roles_are_refused_with_403(client, personas, persona):
    login(client, personas[persona])
    target = personas["grid_worker"]
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.get(detail_url(target)).status_code == 403
    for name in ("user_disable", "user_enable", "user_reset_password", "user_assign_role"):
        assert client.post(reverse(f"accounts:{name}", args=[target.pk])).status_code == 403
    assignment = target.role_assignments.get()
    revoke = reverse("accounts:user_revoke_role", args=[target.pk, assignment.pk])
    assert client.post(revoke).status_code == 403
    assert User.objects.get(pk=target.pk).is_active
    assert not AuditEntry.objects.filter(action__startswith="account.").exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, personas):
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_menu_shows_account_management_to_the_administrator_only(client, personas):
    login(client, personas["system_admin"])
    assert reverse("accounts:user_list") in client.get("/").content.decode()
    login(client, personas["street_leader"])
    assert reverse("accounts:user_list") not in client.get("/").content.decode()


# --- the list ----------------------------------------------------------------------


def test_the_list_shows_each_user_with_their_roles(client, admin):
    text = client.get(reverse("accounts:user_list")).content.decode()
    assert "community101" in text and "鳌洲社区 · 社区工作人员" in text
    assert "南华西环卫站 · 职能部门人员" in text
    assert "stranger" in text and "未分配角色" in text


def test_the_list_searches_by_username_and_name(client, admin):
    User.objects.create_user(username="zhang", full_name="张三丰", password=PASSWORD)
    text = client.get(reverse("accounts:user_list"), {"q": "三丰"}).content.decode()
    assert "zhang" in text and "community101" not in text
    text = client.get(reverse("accounts:user_list"), {"q": "grid101"}).content.decode()
    assert "grid101001" in text and "zhang" not in text


def test_the_list_filters_disabled_accounts(client, admin):
    make_user("gone", is_active=False)
    text = client.get(reverse("accounts:user_list"), {"status": "disabled"}).content.decode()
    assert "gone" in text and "community101" not in text


def test_the_list_shows_50_users_a_page(client, admin):
    for i in range(55):
        make_user(f"u{i:03d}")
    first = client.get(reverse("accounts:user_list"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("accounts:user_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 62 - 50  # 55 + 7 personas


def test_the_list_costs_the_same_queries_for_3_users_or_30_more(
    client, admin, tree, department, django_assert_max_num_queries
):
    url = reverse("accounts:user_list")
    client.get(url)  # the first request writes the session's timestamps
    with django_assert_max_num_queries(6) as few:
        assert client.get(url).status_code == 200
    places = [tree["g1"], tree["g2"], tree["g3"]]
    for i in range(30):
        user = make_user(f"worker{i:02d}", Role.GRID_WORKER, places[i % 3])
        RoleAssignment.objects.create(user=user, role=Role.DEPARTMENT_STAFF, department=department)
    with django_assert_max_num_queries(6) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- creating accounts ---------------------------------------------------------------


def test_the_administrator_creates_an_account(client, admin):
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "newbie",
            "full_name": "李四",
            "email": "",
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    user = User.objects.get(username="newbie")
    assert response.status_code == 302 and response["Location"] == detail_url(user)
    assert user.full_name == "李四" and user.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="account.create")
    assert entry.actor == admin and entry.object_id == str(user.pk)


def _create(client, **changes):
    data = {
        "username": "newbie",
        "full_name": "李四",
        "password": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(changes)
    return client.post(reverse("accounts:user_create"), data)


def test_a_taken_username_is_refused_and_the_form_kept(client, admin):
    count = User.objects.count()
    response = _create(client, username="leader", full_name="重名的人")
    text = response.content.decode()
    assert response.status_code == 400
    assert "用户名 leader 已被使用。" in text and "重名的人" in text
    assert User.objects.count() == count
    assert "account.create" not in audit_actions()


def test_a_weak_password_is_refused(client, admin):
    response = _create(client, password="12345678", password2="12345678")
    text = response.content.decode()
    assert response.status_code == 400
    assert "密码" in response.context["form"].errors["password"][0]
    assert "不能全都是数字" in text
    assert not User.objects.filter(username="newbie").exists()


def test_mismatched_passwords_are_refused(client, admin):
    response = _create(client, password2=NEW_PASSWORD + "x")
    assert response.status_code == 400
    assert "两次输入的密码不一致。" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_a_username_with_spaces_is_refused(client, admin):
    response = _create(client, username="bad name")
    assert response.status_code == 400
    assert "username" in response.context["form"].errors
    assert not User.objects.filter(username="bad name").exists()


# --- role assignments ---------------------------------------------------------------


def test_the_administrator_assigns_a_role_in_an_area(client, admin, personas, tree):
    target = personas["stranger"]
    response = client.post(
        reverse("accounts:user_assign_role", args=[target.pk]),
        {"role": Role.GRID_WORKER, "area": tree["g2"].code},
    )
    assert response.status_code == 302
    assert target.role_assignments.filter(role=Role.GRID_WORKER, area=tree["g2"]).exists()
    entry = AuditEntry.objects.get(action="account.assign_role")
    assert entry.after == {"role": "grid_worker", "area": tree["g2"].code, "department": None}


def test_the_administrator_assigns_a_role_in_a_department(client, admin, personas, department):
    target = personas["stranger"]
    response = client.post(
        reverse("accounts:user_assign_role", args=[target.pk]),
        {"role": Role.DEPARTMENT_STAFF, "department": str(department.pk)},
    )
    assert response.status_code == 302
    assert target.role_assignments.filter(department=department).exists()
    assert "account.assign_role" in audit_actions()


def test_a_role_at_the_wrong_level_is_refused_beside_the_area(client, admin, personas, tree):
    target = personas["stranger"]
    response = client.post(
        reverse("accounts:user_assign_role", args=[target.pk]),
        {"role": Role.GRID_WORKER, "area": tree["street"].code},
    )
    assert response.status_code == 400
    assert response.context["assign_form"].errors["area"] == ["网格员只能分配到：网格。"]
    assert "网格员只能分配到：网格。" in response.content.decode()
    assert not target.role_assignments.exists()
    assert "account.assign_role" not in audit_actions()


def test_a_department_role_needs_a_department(client, admin, personas):
    target = personas["stranger"]
    response = client.post(
        reverse("accounts:user_assign_role", args=[target.pk]),
        {"role": Role.DEPARTMENT_STAFF},
    )
    assert response.status_code == 400
    assert "职能部门人员需要指定所属部门。" in response.context["assign_form"].errors["department"]
    assert not target.role_assignments.exists()


def test_the_same_role_twice_is_refused(client, admin, personas, tree):
    target = personas["grid_worker"]
    response = client.post(
        reverse("accounts:user_assign_role", args=[target.pk]),
        {"role": Role.GRID_WORKER, "area": tree["g1"].code},
    )
    assert response.status_code == 400
    assert "该用户已有这个角色分配。" in response.content.decode()
    assert target.role_assignments.count() == 1


def test_the_administrator_revokes_an_assignment(client, admin, personas):
    target = personas["grid_worker"]
    assignment = target.role_assignments.get()
    response = client.post(reverse("accounts:user_revoke_role", args=[target.pk, assignment.pk]))
    assert response.status_code == 302
    assert not target.role_assignments.exists()
    entry = AuditEntry.objects.get(action="account.revoke_role")
    assert entry.before["role"] == "grid_worker" and entry.object_id == str(target.pk)


def test_the_administrator_cannot_revoke_their_own_administrator_role(client, admin):
    assignment = admin.role_assignments.get()
    response = client.post(reverse("accounts:user_revoke_role", args=[admin.pk, assignment.pk]))
    assert response.status_code == 400
    assert "不能撤销自己的系统管理员角色。" in response.content.decode()
    assert admin.role_assignments.exists()


def test_revoking_another_users_assignment_through_this_user_is_404(client, admin, personas):
    other = personas["community_staff"].role_assignments.get()
    url = reverse("accounts:user_revoke_role", args=[personas["grid_worker"].pk, other.pk])
    assert client.post(url).status_code == 404
    assert RoleAssignment.objects.filter(pk=other.pk).exists()


# --- status and passwords ---------------------------------------------------------------


def test_disabling_an_account_ends_its_sessions(client, admin, personas, django_user_model):
    from django.test import Client

    target = personas["street_leader"]
    theirs = login(Client(), target)
    assert theirs.get("/").status_code == 200
    response = client.post(reverse("accounts:user_disable", args=[target.pk]))
    assert response.status_code == 302
    assert not django_user_model.objects.get(pk=target.pk).is_active
    assert theirs.get("/").status_code == 302
    entry = AuditEntry.objects.get(action="account.disable")
    assert entry.before["is_active"] is True and entry.after["is_active"] is False


def test_enabling_an_account_again(client, admin):
    target = make_user("back", is_active=False)
    response = client.post(reverse("accounts:user_enable", args=[target.pk]))
    assert response.status_code == 302
    assert User.objects.get(pk=target.pk).is_active
    assert "account.enable" in audit_actions()


def test_the_administrator_cannot_disable_themselves(client, admin):
    response = client.post(reverse("accounts:user_disable", args=[admin.pk]))
    assert response.status_code == 400
    assert "不能停用自己的账号。" in response.content.decode()
    assert User.objects.get(pk=admin.pk).is_active


def test_the_administrator_resets_a_password(client, admin, personas):
    from django.test import Client

    target = personas["grid_worker"]
    theirs = login(Client(), target)
    response = client.post(
        reverse("accounts:user_reset_password", args=[target.pk]),
        {"password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=target.pk).check_password(NEW_PASSWORD)
    assert theirs.get("/").status_code == 302
    assert "account.reset_password" in audit_actions()


def test_a_weak_reset_password_is_refused(client, admin, personas):
    target = personas["grid_worker"]
    response = client.post(
        reverse("accounts:user_reset_password", args=[target.pk]),
        {"password": "abcdefgh", "password2": "abcdefgh"},
    )
    assert response.status_code == 400
    assert response.context["reset_form"].errors["password"]
    assert "至少 10 个字符" in response.content.decode()
    assert User.objects.get(pk=target.pk).check_password(PASSWORD)
    assert "account.reset_password" not in audit_actions()


def test_get_on_a_write_endpoint_is_refused(client, admin, personas):
    url = reverse("accounts:user_disable", args=[personas["grid_worker"].pk])
    assert client.get(url).status_code == 405


# --- scope: only the administrator's own areas --------------------------------------------


def test_a_user_in_another_district_is_404(client, admin):
    other = make_area("440106", "天河区")
    outsider = make_user("outsider", Role.STREET_LEADER, other)
    assert client.get(detail_url(outsider)).status_code == 404
    assert client.post(reverse("accounts:user_disable", args=[outsider.pk])).status_code == 404
    response = client.post(
        reverse("accounts:user_reset_password", args=[outsider.pk]),
        {"password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 404
    assert "outsider" not in client.get(reverse("accounts:user_list")).content.decode()
    outsider.refresh_from_db()
    assert outsider.is_active and outsider.check_password(PASSWORD)


def test_a_street_administrator_sees_only_their_streets_users(client, street_admin, tree, personas):
    neighbour = make_user("longfeng", Role.COMMUNITY_STAFF, tree["c201"])
    both = make_user("both", Role.COMMUNITY_STAFF, tree["c101"])
    RoleAssignment.objects.create(user=both, role=Role.COMMUNITY_STAFF, area=tree["c201"])
    text = client.get(reverse("accounts:user_list")).content.decode()
    assert "community101" in text and "stranger" in text and "sanitation" in text
    assert "longfeng" not in text and ">both<" not in text
    # the district's administrator and auditor hold assignments above this street
    assert "sysadmin" not in text
    for user in (neighbour, both, personas["system_admin"]):
        assert client.get(detail_url(user)).status_code == 404
    assignment = neighbour.role_assignments.get()
    revoke = reverse("accounts:user_revoke_role", args=[neighbour.pk, assignment.pk])
    assert client.post(revoke).status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_form_offers_only_areas_the_administrator_can_see(client, street_admin, tree):
    response = client.get(detail_url(User.objects.get(username="street_admin")))
    text = response.content.decode()
    assert tree["c101"].code in text and tree["g3"].code in text
    assert tree["c201"].code not in text and tree["other_street"].code not in text


def test_a_tampered_area_outside_scope_is_refused(client, street_admin, tree, personas):
    target = personas["stranger"]
    response = client.post(
        reverse("accounts:user_assign_role", args=[target.pk]),
        {"role": Role.COMMUNITY_STAFF, "area": tree["c201"].code},
    )
    assert response.status_code == 400
    assert response.context["assign_form"].errors["area"]
    assert not target.role_assignments.exists()


def test_the_administrator_sees_no_residents_data(client, admin):
    assert not admin.scope.sees_personal_data


def test_departments_are_created_by_the_administrator_with_audit(personas, tree):
    from gridgov.accounts.actions import create_department
    from gridgov.accounts.models import DepartmentKind
    from gridgov.core.errors import ActionError
    from gridgov.core.models import AuditEntry

    department = create_department(
        personas["system_admin"],
        name="南华西派出所",
        kind=DepartmentKind.OUTSIDE_UNIT,
        area=tree["street"],
    )
    assert AuditEntry.objects.filter(
        action="department.create", object_id=str(department.pk)
    ).exists()
    with pytest.raises(ActionError) as duplicate:
        create_department(
            personas["system_admin"], name="南华西派出所", kind="outside_unit", area=tree["street"]
        )
    assert duplicate.value.status == 409
    with pytest.raises(PermissionDenied):
        create_department(
            personas["street_leader"], name="某科室", kind="street_office", area=tree["street"]
        )

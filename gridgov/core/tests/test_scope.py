from gridgov.core.scope import scope_q
from gridgov.places.models import Area


def test_a_street_assignment_gives_that_street_only(personas, tree):
    scope = personas["street_leader"].scope
    assert scope.street_ids == {tree["street"].id}
    assert not scope.community_ids and not scope.grid_ids
    assert scope.area_paths == (tree["street"].path,)


def test_a_grid_worker_sees_data_of_their_grid_only(personas, tree):
    scope = personas["grid_worker"].scope
    assert scope.grid_ids == {tree["g1"].id}
    assert scope.sees_personal_data


def test_district_assignment_resolves_to_its_streets(tree):
    from gridgov.accounts.roles import Role
    from gridgov.testing import make_user

    user = make_user("district_leader", Role.STREET_LEADER, tree["district"])
    assert user.scope.street_ids == {tree["street"].id, tree["other_street"].id}


def test_administrator_auditor_and_department_see_no_personal_data(personas, department):
    for name in ("system_admin", "auditor", "department_staff"):
        assert not personas[name].scope.sees_personal_data, name
    assert personas["department_staff"].scope.department_ids == {department.id}


def test_stranger_and_disabled_users_see_nothing(personas, tree):
    leader = personas["street_leader"]
    leader.is_active = False
    leader.save()
    from gridgov.accounts.models import User

    reloaded = User.objects.get(pk=leader.pk)
    for user in (personas["stranger"], reloaded):
        assert not Area.objects.visible_to(user).exists()
        assert str(scope_q(user)) == str(scope_q(None))


def test_area_visible_to_uses_subtrees(personas, tree):
    codes = set(Area.objects.visible_to(personas["community_staff"]).values_list("code", flat=True))
    assert codes == {tree["c101"].code, tree["g1"].code, tree["g2"].code}

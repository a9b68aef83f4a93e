from types import SimpleNamespace

from gridgov.core.scope import scope_of, scope_q, street_of, street_q
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


def _record(street=None, community=None, grid=None):
    return SimpleNamespace(street_id=street, community_id=community, grid_id=grid)


def test_a_loaded_record_is_in_scope_by_its_street_community_or_grid(personas, tree):
    grid_worker = scope_of(personas["grid_worker"])
    assert grid_worker.contains(_record(tree["street"].id, tree["c101"].id, tree["g1"].id))
    assert not grid_worker.contains(_record(tree["street"].id, tree["c101"].id, tree["g2"].id))
    community = scope_of(personas["community_staff"])
    assert community.contains(_record(tree["street"].id, tree["c101"].id, tree["g2"].id))
    assert not community.contains(_record(tree["street"].id, tree["c102"].id, tree["g3"].id))
    leader = scope_of(personas["street_leader"])
    assert leader.contains(_record(tree["street"].id, tree["c102"].id, tree["g3"].id))
    assert not leader.contains(_record(tree["other_street"].id, tree["c201"].id))


def test_out_of_scope_users_contain_no_record(personas, tree):
    record = _record(tree["street"].id, tree["c101"].id, tree["g1"].id)
    for name in ("stranger", "department_staff", "system_admin", "auditor"):
        assert not scope_of(personas[name]).contains(record), name


def test_a_street_level_user_works_in_their_own_street_only(personas, tree):
    leader, street = personas["street_leader"], tree["street"]
    assert street_of(leader) == street.id
    assert street_of(leader, street.id) == street.id
    assert street_of(leader, tree["other_street"].id) is None
    for name in ("community_staff", "grid_worker", "department_staff", "stranger"):
        assert street_of(personas[name]) is None, name


def test_of_several_streets_the_first_is_worked_in_unless_one_is_named(tree):
    from gridgov.accounts.roles import Role
    from gridgov.testing import make_user

    user = make_user("district_leader", Role.STREET_LEADER, tree["district"])
    first, second = sorted((tree["street"].id, tree["other_street"].id))
    assert street_of(user) == first
    assert street_of(user, second) == second


def test_the_street_filter_keeps_the_users_streets(personas, tree):
    leader = personas["street_leader"]
    streets = Area.objects.filter(street_q(leader, "pk"))
    assert list(streets) == [tree["street"]]
    assert not Area.objects.filter(street_q(personas["community_staff"], "pk")).exists()

from gridgov.testing import login


def test_home_shows_the_areas_in_scope_with_counts(client, personas, tree):
    login(client, personas["street_leader"])
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "南华西街道" in text and "鳌洲社区" in text and "福安社区" in text
    assert "龙凤街道" not in text


def test_home_of_a_grid_worker_shows_only_their_grid(client, personas):
    login(client, personas["grid_worker"])
    text = client.get("/").content.decode()
    assert "鳌洲第一网格" in text
    assert "鳌洲第二网格" not in text and "福安社区" not in text


def test_home_asks_an_anonymous_visitor_to_log_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_query_count_is_pinned(client, personas, django_assert_num_queries):
    """First visit: session, user, roles, then the three area summaries; after that
    the roles and the rendered summary come from the cache."""
    login(client, personas["street_leader"])
    with django_assert_num_queries(6):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(2):
        assert client.get("/").status_code == 200


def test_a_revoked_role_takes_effect_on_the_next_request(client, personas, tree):
    from gridgov.accounts import actions

    leader = personas["street_leader"]
    login(client, leader)
    assert client.get(f"/areas/{tree['street'].code}/").status_code == 200
    assignment = leader.role_assignments.get()
    actions.revoke_assignment(personas["system_admin"], assignment)
    assert client.get(f"/areas/{tree['street'].code}/").status_code == 403
    assert "南华西街道" not in client.get("/").content.decode()


def test_a_new_role_takes_effect_on_the_next_request(client, personas, tree):
    from gridgov.accounts import actions
    from gridgov.accounts.roles import Role

    worker = personas["grid_worker"]
    login(client, worker)
    assert client.get(f"/areas/{tree['g2'].code}/").status_code == 404
    actions.assign_role(personas["system_admin"], worker, Role.GRID_WORKER, area=tree["g2"])
    assert client.get(f"/areas/{tree['g2'].code}/").status_code == 200

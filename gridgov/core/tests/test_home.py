from gridgov.conftest import login


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

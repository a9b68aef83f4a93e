"""The residents' rating page: no login, the link's token is the key, nothing personal
shown, a used or unknown link answers a friendly 404."""

import pytest
from django.test import Client
from django.urls import reverse

from gridgov.cases import actions
from gridgov.cases.choices import Rating, Status
from gridgov.cases.models import Case


@pytest.fixture
def followed_up(personas, report):
    """A case the grid worker solved and followed up: (case, token)."""
    worker = personas["grid_worker"]
    case = report(contacts=[("陈伯", "13800138000", None)], reporter_name="陈伯")
    case = actions.act(worker, case, "resolve", result="已清运垃圾")
    case = actions.act(worker, case, "follow_up", note="已电话告知")
    return case, case.rating_token


def _url(token):
    return reverse("case_rate", args=[token])


def test_the_link_is_what_notify_builds(followed_up):
    from gridgov.cases.notify import rating_link

    case, token = followed_up
    assert rating_link(token).endswith(_url(token))


def test_the_page_shows_the_result_and_nothing_personal(client, followed_up):
    case, token = followed_up
    response = client.get(_url(token))
    assert response.status_code == 200
    text = response.text
    assert case.number in text and case.title in text and "已清运垃圾" in text
    assert "陈伯" not in text and "138" not in text
    for label in ("满意", "基本满意", "不满意"):
        assert label in text
    assert "csrfmiddlewaretoken" in text
    assert response["Referrer-Policy"] == "same-origin"


def test_a_satisfied_rating_closes_the_case(client, followed_up):
    case, token = followed_up
    response = client.post(_url(token), {"rating": Rating.SATISFIED, "comment": "很快"})
    assert response.status_code == 200 and "感谢您的评价" in response.text
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.rating_comment == "很快"
    again = client.get(_url(token))
    assert again.status_code == 404 and "评价链接无效或已使用" in again.text
    assert client.post(_url(token), {"rating": Rating.BASIC}).status_code == 404


def test_not_satisfied_sends_the_case_back(client, followed_up):
    case, token = followed_up
    client.post(_url(token), {"rating": Rating.NOT_SATISFIED})
    case.refresh_from_db()
    assert case.rework_count == 1 and case.status != Status.CLOSED


def test_a_bad_rating_is_refused_and_changes_nothing(client, followed_up):
    case, token = followed_up
    response = client.post(_url(token), {"rating": "great", "comment": "意见保留"})
    assert response.status_code == 400
    assert "评价无效" in response.text and "意见保留" in response.text
    case.refresh_from_db()
    assert case.status == Status.FOLLOWED_UP and not case.rating


@pytest.mark.parametrize("token", ["nope", "x" * 200])
def test_an_unknown_link_is_a_friendly_not_found(client, followed_up, token):
    response = client.get(_url(token))
    assert response.status_code == 404
    assert "评价链接无效或已使用" in response.text


def test_csrf_still_applies(followed_up):
    case, token = followed_up
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(_url(token), {"rating": Rating.SATISFIED}).status_code == 403
    assert Case.objects.get(pk=case.pk).status == Status.FOLLOWED_UP

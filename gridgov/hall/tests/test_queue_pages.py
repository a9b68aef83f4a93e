"""The queue's public pages: the ticket page behind the QR code (no login, the token is
the key, a wrong one is a 404) with its live JSON, and the hall's call display with
its JSON: numbers and window numbers only, and a few queries each, as they are asked
every second or two."""

import datetime as dt

from django.utils import timezone

from gridgov.hall import queue_actions as qa
from gridgov.hall.models import Priority, Ticket, TicketStatus


def take(hall, group="A", priority="", minutes_ago=0):
    now = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return qa.issue_ticket(hall["clerk"], hall["groups"][group], priority, now=now)


# -- the ticket page --------------------------------------------------------------------------


def test_the_ticket_page_opens_without_login(client, hall):
    take(hall), take(hall)
    ticket, token = take(hall)
    response = client.get(f"/hall/t/{token}")
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin" and "no-store" in response["Cache-Control"]
    assert 'id="ticket-number">A003<' in page and "等候中" in page
    assert 'data-field="ahead">2<' in page
    assert f'data-live-url="/hall/t/{token}/live.json"' in page
    assert "hall_ticket.js" in page and "nonce=" in page
    assert "data-when-done hidden" in page  # no rating before the service


def test_a_wrong_token_is_not_found(client, hall):
    take(hall)
    response = client.get("/hall/t/not-a-real-token")
    assert response.status_code == 404 and "号码链接无效" in response.content.decode()
    assert client.get("/hall/t/not-a-real-token/live.json").status_code == 404
    assert client.get("/hall/t/" + "x" * 200).status_code == 404


def test_the_live_json_follows_the_ticket(client, hall, django_assert_num_queries):
    """Waiting: people ahead and the wait; called: which window; then done."""
    take(hall, minutes_ago=3)
    ticket, token = take(hall, priority=Priority.ELDERLY)
    mine, my_token = take(hall)
    url = f"/hall/t/{my_token}/live.json"
    # The ticket, the hall's rule, the people ahead, the group's pace, its open windows.
    with django_assert_num_queries(5):
        state = client.get(url).json()
    assert (state["number"], state["status"], state["ahead"]) == ("A003", "waiting", 2)
    assert state["wait_minutes"] == 10 and state["wait_label"] == "约 10 分钟"  # 2 windows
    assert state["window"] is None and not state["final"]
    clerk, window = hall["clerk"], hall["windows"][1]
    first = qa.call_next(clerk, window)
    assert first.pk == ticket.pk  # the elderly applicant first
    assert client.get(url).json()["ahead"] == 1
    qa.call_next(clerk, hall["windows"][2])  # A001
    qa.start(clerk, first)
    assert qa.call_next(clerk, window).pk == mine.pk
    with django_assert_num_queries(1):
        state = client.get(url).json()
    assert state["status"] == "called" and state["window"] == 1
    assert state["message"] == "请到 1 号窗口办理" and state["ahead"] is None
    qa.start(clerk, mine), qa.finish(clerk, mine)
    state = client.get(url).json()
    assert state["status"] == "done" and state["final"]
    # Done: the page offers the rating of the service, through the same link's token.
    page = client.get(f"/hall/t/{my_token}").content.decode()
    assert f'href="/hall/rate/{my_token}" data-when-done>' in page
    assert client.get(f"/hall/rate/{my_token}").status_code == 200


def test_the_ticket_shows_nothing_personal_and_follows_a_transfer(client, hall):
    ticket, token = qa.issue_ticket(hall["clerk"], hall["items"]["pension"])
    called = qa.call_next(hall["clerk"], hall["windows"][1])
    qa.transfer(hall["clerk"], called, hall["groups"]["B"])
    page = client.get(f"/hall/t/{token}").content.decode()
    assert 'id="ticket-number">B001<' in page and "由 A001 转入" in page
    assert "clerk8" not in page and "城乡居民养老保险" not in page


def test_a_group_nobody_serves_has_no_estimate(client, hall):
    for number in (1, 2):
        qa.set_window(hall["clerk"], hall["windows"][number], "closed")
    take(hall)
    _ticket, token = take(hall)
    state = client.get(f"/hall/t/{token}/live.json").json()
    assert state["ahead"] == 1 and state["wait_minutes"] is None
    assert state["wait_label"] == "暂无窗口办理该类业务"


def test_the_pace_comes_from_the_last_hours_work(client, hall):
    """Six finished by one window in the last hour: 10 minutes each; two ahead and one
    window open: about 20 minutes."""
    qa.set_window(hall["clerk"], hall["windows"][2], "closed")
    now = timezone.now()
    for _ in range(6):
        take(hall)
        done = qa.call_next(hall["clerk"], hall["windows"][1])
        qa.start(hall["clerk"], done)
        qa.finish(hall["clerk"], done)
    Ticket.objects.filter(status=TicketStatus.DONE).update(
        finished_at=now - dt.timedelta(minutes=5)
    )
    take(hall), take(hall)
    _ticket, token = take(hall)
    assert client.get(f"/hall/t/{token}/live.json").json()["wait_minutes"] == 20
    # Three of them finished quickly in the last hour, the rest long ago: 20 minutes each.
    old = list(Ticket.objects.filter(status=TicketStatus.DONE).values_list("pk", flat=True)[:3])
    Ticket.objects.filter(pk__in=old).update(finished_at=now - dt.timedelta(hours=2))
    assert client.get(f"/hall/t/{token}/live.json").json()["wait_minutes"] == 40


# -- the call display ---------------------------------------------------------------------------


def test_the_display_opens_without_login(client, hall):
    response = client.get("/hall/display/")
    assert response.status_code == 302 and response["Location"] == "/hall/display/440105008/"
    page = client.get("/hall/display/440105008/").content.decode()
    assert "南华西街道政务服务中心" in page and "hall_display.js" in page
    assert 'data-display-url="/hall/display/440105008/calls.json"' in page
    assert "点此开启语音播报" in page
    assert client.get("/hall/display/440105009/").status_code == 404  # no hall there


def test_the_display_json_shows_numbers_and_windows_only(client, hall, django_assert_num_queries):
    take(hall, "A", minutes_ago=5), take(hall, "B", minutes_ago=4), take(hall, "A")
    clerk = hall["clerk"]
    first = qa.call_next(clerk, hall["windows"][1])
    Ticket.objects.filter(pk=first.pk).update(called_at=timezone.now() - dt.timedelta(minutes=1))
    second = qa.call_next(clerk, hall["windows"][2])
    assert second.number == "B001"  # window 2 serves A and B: B001 was taken before A002
    # The hall, its windows, the numbers at windows, the last calls, the waiting counts.
    with django_assert_num_queries(5):
        data = client.get("/hall/display/440105008/calls.json").json()
    assert data["windows"] == [
        {"number": 1, "open": True, "ticket": "A001"},
        {"number": 2, "open": True, "ticket": "B001"},
    ]
    assert [c["number"] for c in data["calls"]] == ["B001", "A001"]
    assert data["calls"][0]["say"] == "请 B001 号到 2 号窗口"
    assert data["calls"][1]["key"] == f"{first.pk}-1"
    assert {w["letter"]: w["count"] for w in data["waiting"]} == {"A": 1, "B": 0}
    assert "clerk8" not in str(data)
    # A recall is a new call: a new key, first in the list, said again.
    qa.recall(clerk, second)
    data = client.get("/hall/display/440105008/calls.json").json()
    assert data["calls"][0]["key"] == f"{second.pk}-2"


def test_the_display_page_shows_the_current_calls(client, hall):
    take(hall)
    qa.call_next(hall["clerk"], hall["windows"][1])
    page = client.get("/hall/display/440105008/").content.decode()
    assert 'data-window="1"' in page and 'data-window="2"' in page
    assert 'data-window="8"' not in page  # the pick-up window calls no numbers
    assert ">A001<" in page and 'data-key="' in page

"""The clerk's pages: the consultation desk (materials ticked, what is missing, a
ticket with its QR code) and the window console (every button, refusals with their
reason, pinned query counts); other streets' windows are not found, other roles refused."""

import re

import pytest

from gridgov.accounts.roles import Role
from gridgov.core.models import AuditEntry
from gridgov.hall import queue_actions as qa
from gridgov.hall.models import Priority, Ticket, TicketStatus, WindowStatus
from gridgov.hall.queue_queries import ticket_by_token
from gridgov.testing import login, make_user


@pytest.fixture
def clerk_client(client, hall):
    return login(client, hall["clerk"])


def issue(hall, group="A", priority=""):
    return qa.issue_ticket(hall["clerk"], hall["groups"][group], priority)[0]


# -- the consultation desk ----------------------------------------------------------------


def test_the_desk_lists_published_items_by_theme(clerk_client, hall):
    page = clerk_client.get("/hall/desk/").content.decode()
    assert '<optgroup label="社会保障">' in page and '<optgroup label="民政救助">' in page
    assert "城乡居民养老保险参保登记" in page and "尚未发布的事项" not in page


def test_choosing_an_item_lists_its_materials_to_tick(clerk_client, hall):
    item = hall["items"]["allowance"]
    page = clerk_client.get(f"/hall/desk/?item={item.pk}").content.decode()
    assert page.count('name="brought"') == 3
    assert "家庭收入证明" in page and "低保申请书" in page
    draft = hall["items"]["draft"]
    assert clerk_client.get(f"/hall/desk/?item={draft.pk}").status_code == 404


def test_the_desk_says_what_is_missing_on_a_printable_list(clerk_client, hall):
    item = hall["items"]["allowance"]
    brought = [m.pk for m in item.materials.all() if m.name == "居民身份证"]
    response = clerk_client.post("/hall/desk/", {"item": item.pk, "brought": brought})
    page = response.content.decode()
    missing = page[page.index('id="desk-missing"') :]
    assert "尚缺材料" in missing and "家庭收入证明" in missing and "低保申请书" in missing
    assert "居民身份证" not in missing.split("</ol>")[0]
    assert "共需 3 项材料，尚缺 2 项" in missing
    assert "gg-print-area" in page and "@media print" in page and "data-print" in page
    assert not Ticket.objects.exists()


def test_all_materials_brought_says_so(clerk_client, hall):
    item = hall["items"]["pension"]
    brought = [m.pk for m in item.materials.all()]
    page = clerk_client.post("/hall/desk/", {"item": item.pk, "brought": brought}).content
    assert "材料齐全，可以取号" in page.decode() and b"desk-missing" not in page


def test_issuing_a_ticket_shows_it_to_print_with_its_qr_link(clerk_client, hall):
    issue(hall)  # one ahead in A, which windows 1 and 2 serve: 10 minutes each, 2 windows
    item = hall["items"]["pension"]
    response = clerk_client.post("/hall/desk/issue/", {"item": item.pk}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "data-ticket-number>A002<" in page and "城乡居民养老保险参保登记" in page
    assert re.search(r"data-ahead>\s*1 人", page) and "约 5 分钟" in page
    assert "<svg" in page and "<?xml" not in page
    # The QR code's link, also a link on the desk's screen (not printed).
    link = re.search(r'class="gg-ticket-link" href="(http[^"]+/hall/t/[\w-]+)"', page)
    assert ticket_by_token(link.group(1).rsplit("/", 1)[1]).number == "A002"
    # A pregnant applicant goes before the ordinary ones still waiting.
    page = clerk_client.post(
        "/hall/desk/issue/", {"item": item.pk, "priority": Priority.PREGNANT}, follow=True
    ).content.decode()
    assert "data-ticket-number>A003<" in page and "孕妇" in page
    assert re.search(r"data-ahead>\s*0 人", page) and "马上就到您" in page
    ticket = Ticket.objects.get(number="A003")
    assert ticket.priority == Priority.PREGNANT and ticket.item == item


def test_the_qr_code_holds_the_ticket_link(hall, monkeypatch):
    from gridgov.hall import desk_views

    encoded = []
    monkeypatch.setattr(desk_views, "qr_svg", lambda text: encoded.append(text) or "<svg></svg>")
    from django.test import Client

    client = login(Client(), hall["clerk"])
    client.post("/hall/desk/issue/", {"group": hall["groups"]["B"].pk}, follow=True)
    (link,) = encoded
    assert link.startswith("http") and "/hall/t/" in link
    assert ticket_by_token(link.rsplit("/", 1)[1]).number == "B001"


def test_reloading_the_printed_ticket_prints_the_same_number(clerk_client, hall):
    item = hall["items"]["pension"]
    response = clerk_client.post("/hall/desk/issue/", {"item": item.pk})
    assert response.status_code == 302
    first = clerk_client.get(response["Location"]).content.decode()
    again = clerk_client.get(response["Location"]).content.decode()

    assert Ticket.objects.count() == 1
    link = re.search(r'class="gg-ticket-link" href="([^"]+)"', first).group(1)
    assert "data-ticket-number>A001<" in again and link in again and "<svg" in again


def test_the_qr_code_is_printed_only_at_the_desk_that_took_the_number(client, hall):
    ticket = issue(hall)
    login(client, make_user("clerk2", Role.HALL_CLERK, hall["street"]))
    page = client.get(f"/hall/desk/tickets/{ticket.pk}/").content.decode()
    assert "data-ticket-number>A001<" in page and "不是在本台取的" in page
    assert "<svg" not in page and "gg-ticket-link" not in page
    login(client, hall["other_clerk"])
    assert client.get(f"/hall/desk/tickets/{ticket.pk}/").status_code == 404


def test_issuing_without_an_item_or_group_is_refused(clerk_client, hall):
    response = clerk_client.post("/hall/desk/issue/", {"item": "", "group": ""})
    assert response.status_code == 400 and "请选择办理的事项或窗口分组" in response.content.decode()
    response = clerk_client.post(
        "/hall/desk/issue/", {"group": hall["groups"]["A"].pk, "priority": "vip"}
    )
    assert response.status_code == 400 and "优先类别无效" in response.content.decode()
    assert not Ticket.objects.exists()


# -- the window console ---------------------------------------------------------------------


def test_the_console_shows_the_window_and_the_waiting_counts(
    clerk_client, hall, django_assert_num_queries
):
    issue(hall), issue(hall, priority=Priority.ELDERLY), issue(hall, "B")
    # Session, user, the window, its current ticket, the groups' counts, its groups.
    with django_assert_num_queries(6):
        response = clerk_client.get("/hall/windows/1/")
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"data-waiting-here>2<", page)  # window 1 serves A only
    assert 'data-waiting="A">2<' in page and 'data-waiting-priority="A">1<' in page
    assert 'data-waiting="B">1<' in page
    assert "暂无正在办理的号" in page


def test_the_console_buttons_walk_a_ticket_through(clerk_client, hall):
    issue(hall), issue(hall)
    response = clerk_client.post("/hall/windows/1/call/", follow=True)
    assert "已叫号：A001" in response.content.decode()
    first = Ticket.objects.get(number="A001")
    page = response.content.decode()
    assert 'id="current-number">A001<' in page and "重呼" in page and "过号" in page
    response = clerk_client.post("/hall/windows/1/recall/", {"ticket": first.pk}, follow=True)
    assert "已重呼 A001（第 2 次）" in response.content.decode()
    response = clerk_client.post("/hall/windows/1/start/", {"ticket": first.pk}, follow=True)
    assert Ticket.objects.get(pk=first.pk).status == TicketStatus.SERVING
    # Serving: the front desk takes the application from this number.
    assert f'href="/hall/applications/new/?ticket={first.pk}"' in response.content.decode()
    response = clerk_client.post("/hall/windows/1/finish/", {"ticket": first.pk}, follow=True)
    assert "A001 已办结" in response.content.decode()
    clerk_client.post("/hall/windows/1/call/")
    second = Ticket.objects.get(number="A002")
    response = clerk_client.post("/hall/windows/1/skip/", {"ticket": second.pk}, follow=True)
    assert "A002 已按过号处理" in response.content.decode()
    assert Ticket.objects.get(pk=second.pk).status == TicketStatus.NO_SHOW


def test_the_console_transfers_to_another_group(clerk_client, hall):
    issue(hall)
    clerk_client.post("/hall/windows/1/call/")
    ticket = Ticket.objects.get(number="A001")
    response = clerk_client.post(
        "/hall/windows/1/transfer/",
        {"ticket": ticket.pk, "group": hall["groups"]["B"].pk},
        follow=True,
    )
    assert "A001 已转到 B 民政，新号码 B001" in response.content.decode()
    assert Ticket.objects.get(number="B001").transferred_from == ticket


def test_calling_at_a_paused_window_shows_why_and_changes_nothing(clerk_client, hall):
    clerk_client.post("/hall/windows/1/status/", {"status": WindowStatus.PAUSED})
    issue(hall)
    audits = AuditEntry.objects.count()
    response = clerk_client.post("/hall/windows/1/call/")
    assert response.status_code == 409
    assert "1号窗口未在服务中（暂停），请先开始服务再叫号" in response.content.decode()
    assert Ticket.objects.get().status == TicketStatus.WAITING
    assert AuditEntry.objects.count() == audits


def test_a_button_without_a_number_acts_on_the_current_one(clerk_client, hall):
    issue(hall)
    response = clerk_client.post("/hall/windows/1/start/")
    assert response.status_code == 409 and "本窗口当前没有正在办理的号" in response.content.decode()
    clerk_client.post("/hall/windows/1/call/")
    assert clerk_client.post("/hall/windows/1/start/").status_code == 302
    assert Ticket.objects.get().status == TicketStatus.SERVING


def test_a_button_for_a_number_no_longer_current_is_refused(clerk_client, hall):
    issue(hall)
    clerk_client.post("/hall/windows/1/call/")
    ticket = Ticket.objects.get()
    qa.skip(hall["clerk"], ticket)  # a colleague pressed 过号 meanwhile
    response = clerk_client.post("/hall/windows/1/start/", {"ticket": ticket.pk})
    assert response.status_code == 409 and "页面上的信息已过时" in response.content.decode()
    assert Ticket.objects.get().status == TicketStatus.NO_SHOW


def test_opening_the_window_puts_the_clerk_on_duty(client, hall):
    other = make_user("clerk8b", Role.HALL_CLERK, hall["street"])
    login(client, other)
    client.post("/hall/windows/2/status/", {"status": WindowStatus.OPEN})
    window = hall["windows"][2]
    window.refresh_from_db()
    assert window.clerk == other and window.status == WindowStatus.OPEN
    client.post("/hall/windows/2/status/", {"status": WindowStatus.CLOSED})
    window.refresh_from_db()
    assert window.clerk is None and window.status == WindowStatus.CLOSED


def test_the_console_state_endpoint(clerk_client, hall, django_assert_num_queries):
    issue(hall), issue(hall, "B", Priority.DISABLED)
    with django_assert_num_queries(6):
        data = clerk_client.get("/hall/windows/2/state.json").json()
    assert data["waiting_here"] == 2
    assert data["groups"] == [
        {"letter": "A", "waiting": 1, "priority": 0},
        {"letter": "B", "waiting": 1, "priority": 1},
    ]
    before = data["version"]
    qa.call_next(hall["clerk"], hall["windows"][2])
    assert clerk_client.get("/hall/windows/2/state.json").json()["version"] != before


def test_the_window_list(clerk_client, hall):
    issue(hall)
    qa.call_next(hall["clerk"], hall["windows"][1])
    page = clerk_client.get("/hall/windows/").content.decode()
    assert 'href="/hall/windows/1/"' in page and 'href="/hall/windows/8/"' not in page
    assert "A001" in page and "clerk8" in page


# -- who may ----------------------------------------------------------------------------------

CLERK_PAGES = [
    ("get", "/hall/desk/"),
    ("get", "/hall/windows/"),
    ("get", "/hall/windows/1/"),
    ("get", "/hall/windows/1/state.json"),
    ("post", "/hall/windows/1/call/"),
    ("post", "/hall/desk/issue/"),
    ("get", "/hall/desk/tickets/1/"),
]


@pytest.mark.parametrize("method, url", CLERK_PAGES)
def test_other_roles_are_refused(client, hall, tree, method, url):
    login(client, make_user("grid8", Role.GRID_WORKER, tree["g1"]))
    assert getattr(client, method)(url).status_code == 403
    login(client, hall["approver"])
    assert getattr(client, method)(url).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, hall):
    response = client.get("/hall/windows/1/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_streets_clerk_finds_neither_window_nor_ticket(client, hall):
    issue(hall)
    qa.call_next(hall["clerk"], hall["windows"][1])
    ticket = Ticket.objects.get()
    login(client, hall["other_clerk"])
    assert client.get("/hall/windows/1/").status_code == 404
    assert client.get("/hall/windows/1/state.json").status_code == 404
    assert client.post("/hall/windows/1/call/").status_code == 404
    assert client.post("/hall/windows/1/recall/", {"ticket": ticket.pk}).status_code == 404
    item = hall["items"]["pension"]
    assert client.get(f"/hall/desk/?item={item.pk}").status_code == 404
    response = client.post("/hall/desk/issue/", {"item": item.pk})
    assert response.status_code == 400
    assert Ticket.objects.get().calls == 1 and Ticket.objects.count() == 1

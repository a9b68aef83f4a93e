"""The supervision page: people served, applications completed on time, waits,
satisfaction per window, clerk and item; the Excel export; the hall's settings."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gridgov.accounts.roles import Role
from gridgov.core.models import AuditEntry
from gridgov.hall import stats
from gridgov.hall.models import (
    Application,
    ApplicationStatus,
    HallSettings,
    Rating,
    Ticket,
    TicketStatus,
)
from gridgov.testing import login, make_user

NOW = timezone.now().replace(microsecond=0)


def _ticket(hall, seq, window, minutes_waited, minutes_served, day_offset=0, item="pension"):
    issued = NOW - dt.timedelta(days=day_offset, minutes=60)
    called = issued + dt.timedelta(minutes=minutes_waited)
    return Ticket.objects.create(
        street=hall["street"],
        group=hall["groups"]["A"],
        day=timezone.localtime(issued).date(),
        seq=seq,
        number=f"A{seq:03d}",
        item=hall["items"][item],
        status=TicketStatus.DONE,
        window=hall["windows"][window],
        clerk=hall["clerk"] if window == 1 else hall["approver"],
        token_digest=f"t{seq}-{day_offset}",
        issued_at=issued,
        called_at=called,
        started_at=called,
        finished_at=called + dt.timedelta(minutes=minutes_served),
        wait_seconds=minutes_waited * 60,
        service_seconds=minutes_served * 60,
    )


def _application(hall, n, on_time=True, status=ApplicationStatus.COLLECTED, ticket=None):
    """An application, taken from `ticket` (at its window, by its clerk) if given."""
    received = NOW - dt.timedelta(hours=2)
    due = received + dt.timedelta(days=5)
    return Application.objects.create(
        street=hall["street"],
        number=f"440105008X{n:04d}",
        item=ticket.item if ticket else hall["items"]["pension"],
        ticket=ticket,
        applicant_name="某人",
        status=status,
        received_at=received,
        received_by=ticket.clerk if ticket else hall["clerk"],
        due_at=due,
        decided_at=(due - dt.timedelta(days=1)) if on_time else (due + dt.timedelta(days=1)),
        token_digest=f"a{n}",
    )


def _rating(hall, ticket, score):
    return Rating.objects.create(
        street=hall["street"],
        ticket=ticket,
        window=ticket.window,
        clerk=ticket.clerk,
        item=ticket.item,
        score=score,
        at=ticket.finished_at,
    )


@pytest.fixture
def served(hall):
    t1 = _ticket(hall, 1, 1, 10, 6)
    t2 = _ticket(hall, 2, 1, 20, 10)
    t3 = _ticket(hall, 3, 2, 30, 8, item="elderly")
    _ticket(hall, 4, 1, 5, 5, day_offset=400)  # last year's: outside the period
    _rating(hall, t1, 5)
    _rating(hall, t2, 4)
    _rating(hall, t3, 2)
    _application(hall, 1)
    _application(hall, 2, on_time=False)
    _application(hall, 3, status=ApplicationStatus.RECEIVED)
    return hall


def test_the_months_figures(served):
    start, end = stats.period_range("month", timezone.localdate())
    figures, _rows = stats.figures(served["street"].pk, start, end, "window")
    assert figures.served == 3
    assert figures.waited_min == 20.0 and figures.service_min == 8.0
    assert (figures.received, figures.completed, figures.on_time) == (3, 2, 50.0)
    assert figures.ratings == 3 and figures.satisfaction == pytest.approx(66.67)


def test_the_figures_per_window_clerk_and_item(served):
    start, end = stats.period_range("year", timezone.localdate())
    by_window = dict(stats.figures(served["street"].pk, start, end, "window")[1])
    assert by_window[1].served == 2 and by_window[1].satisfaction == 100.0
    assert by_window[2].served == 1 and by_window[2].satisfaction == 0.0
    by_item = dict(stats.figures(served["street"].pk, start, end, "item")[1])
    assert by_item["城乡居民养老保险参保登记"].received == 3
    assert by_item["高龄老人津贴申领"].served == 1
    by_clerk = dict(stats.figures(served["street"].pk, start, end, "clerk")[1])
    assert by_clerk["clerk8"].served == 2


@pytest.fixture
def taken_at_windows(served):
    """Applications taken from tickets at windows 1 and 2, beside the three taken
    without a ticket."""
    tickets = Ticket.objects.filter(issued_at__gte=NOW - dt.timedelta(days=1)).order_by("seq")
    t1, _t2, t3 = tickets
    _application(served, 11, ticket=t1)
    _application(served, 12, on_time=False, ticket=t1)
    _application(served, 13, ticket=t3)
    _application(served, 14, status=ApplicationStatus.RECEIVED, ticket=t3)
    return served


def test_applications_count_at_the_window_that_received_them(taken_at_windows):
    start, end = stats.period_range("year", timezone.localdate())
    by_window = dict(stats.figures(taken_at_windows["street"].pk, start, end, "window")[1])
    assert (by_window[1].received, by_window[1].completed, by_window[1].on_time) == (2, 2, 50.0)
    assert (by_window[2].received, by_window[2].completed, by_window[2].on_time) == (2, 1, 100.0)


@pytest.mark.parametrize("period", stats.PERIODS)
@pytest.mark.parametrize("by", stats.DIMENSIONS)
def test_the_rows_add_up_to_the_totals(taken_at_windows, by, period):
    start, end = stats.period_range(period, timezone.localdate())
    total, rows = stats.figures(taken_at_windows["street"].pk, start, end, by)
    assert total.received == 7
    summed = stats.Figures()
    for _label, row in rows:
        summed.add(vars(row))
    assert summed == total


def test_periods_are_calendar_days_months_and_years():
    start, end = stats.period_range("month", dt.date(2026, 2, 14))
    assert (start.date(), end.date()) == (dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    start, end = stats.period_range("year", dt.date(2026, 2, 14))
    assert (start.date(), end.date()) == (dt.date(2026, 1, 1), dt.date(2027, 1, 1))


def test_the_page_and_its_export(client, served, tree, django_assert_num_queries):
    login(client, make_user("leader8", Role.STREET_LEADER, tree["street"]))
    with django_assert_num_queries(8):
        page = client.get("/hall/stats/?period=year&by=window")
    text = page.content.decode()
    assert page.status_code == 200 and "南华西街道政务服务中心" in text and "66.67%" in text
    response = client.get("/hall/stats.xlsx?period=year&by=item")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "分组" and rows[-1][0] == "合计" and rows[-1][1] == 3


def test_only_the_streets_supervisors_see_the_figures(client, served, tree):
    login(client, served["clerk"])
    assert client.get("/hall/stats/").status_code == 403
    login(client, make_user("leader9", Role.STREET_LEADER, tree["other_street"]))
    assert client.get("/hall/stats/").status_code == 404  # that street has no hall here


def test_street_staff_set_the_halls_name_and_queue_rules(client, hall, tree):
    staff = make_user("staff8", Role.STREET_STAFF, tree["street"])
    login(client, staff)
    data = {
        "name": "南华西街道政务服务中心（一窗办）",
        "signage": "一窗通办",
        "norms": "首问负责",
        "no_show_calls": 3,
        "starvation_minutes": 15,
    }
    assert client.post("/hall/settings/", data).status_code == 302
    settings = HallSettings.objects.get()
    assert settings.name.endswith("（一窗办）") and settings.starvation_minutes == 15
    assert AuditEntry.objects.filter(action="hall.settings", actor=staff).count() == 1
    bad = client.post("/hall/settings/", data | {"name": "", "no_show_calls": 30})
    assert "请填写服务中心名称" in bad.content.decode()
    assert HallSettings.objects.get().name.endswith("（一窗办）")
    login(client, hall["clerk"])
    assert client.get("/hall/settings/").status_code == 403

"""The grid worker's "today" and a patrol on a phone (412 × 900) in headless Debian
chromium: the login lands on today's list, the patrol starts from it, keeps sending the
phone's positions (the browser's geolocation) while the test feeds a walk through the
positions API as a handheld terminal would, and stops with its figures; every page
fits the screen with no console error. "Today" is kept as var/artifacts/field-today.png."""

import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from gridgov.cases.actions import report_case
from gridgov.cases.models import Case
from gridgov.command.models import WorkerPosition
from gridgov.command.telemetry import record_positions
from gridgov.fieldwork import rule_actions, visit_actions
from gridgov.fieldwork.models import Patrol
from gridgov.people.models import Household
from gridgov.places.models import Building
from gridgov.testing import BROWSER_TEST, log_in_page, open_page, place

pytestmark = BROWSER_TEST

ARTIFACT = Path(settings.BASE_DIR).parent / "var" / "artifacts" / "field-today.png"
EAST_PER_M = 1 / (111_320 * 0.9198)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_today_and_a_patrol_on_the_phone(
    live_server, purgeable_audit, browser, field, category, tree
):
    worker = field["worker"]
    rule_actions.add_default_rules(field["street_staff"], tree["street"])
    Household.objects.update(created_at=timezone.now() - datetime.timedelta(days=380))
    for n, (lon, lat) in enumerate([(113.2412, 23.1011), (113.2430, 23.1030), (113.2441, 23.1018)]):
        place(
            Building(
                code=f"B-2{n}", name=f"{n + 2}号楼", address="路", lon=lon, lat=lat, use="mixed"
            ),
            tree["g1"],
        )
    visit_actions.record_visit(worker, kind="routine", organization=field["shop"])
    report_case(worker, category=category, title="共享单车乱停放", grid=tree["g1"])
    case = report_case(None, category=category, title="垃圾堆放", grid=tree["g1"])
    Case.objects.filter(pk=case.pk).update(
        status="handled", assignee=worker, due_at=timezone.now() - datetime.timedelta(hours=1)
    )

    page = open_page(browser, 412, 900)
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"longitude": 113.2425, "latitude": 23.1025, "accuracy": 8})
    log_in_page(page, live_server.url, worker.username, landing="/field/")
    items = page.locator("[data-todo]")
    assert [items.nth(i).get_attribute("data-todo") for i in range(items.count())][:3] == [
        "follow_up",
        "visit",
        "visit",
    ]
    assert page.get_by_text("今日巡查未开始").is_visible() and fits(page)
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACT), full_page=True)

    page.get_by_text("今日巡查未开始").click()
    page.wait_for_url("**/field/patrol/")
    page.get_by_role("button", name="开始巡查").click()
    page.wait_for_url("**/field/patrol/")
    assert page.get_by_text("巡查进行中").is_visible() and fits(page)
    # Either the screen is kept on, or the worker is told it cannot be.
    page.wait_for_selector("#patrol-wake-ok:not([hidden]), #patrol-wake-warning:not([hidden])")
    expect(page.locator("#patrol-elapsed")).not_to_have_text("00:00:00")  # the clock runs

    # A handheld terminal walks the grid meanwhile: fixes every 5 s since the start.
    patrol = Patrol.objects.get(worker=worker, ended_at__isnull=True)
    now = timezone.now()
    back = min(
        datetime.timedelta(minutes=3),
        now - timezone.localtime(now).replace(hour=0, minute=0, second=1),
    )
    Patrol.objects.filter(pk=patrol.pk).update(started_at=now - back)
    steps = int(back.total_seconds() // 5) - 1
    record_positions(
        worker,
        [
            {
                "lon": 113.2405 + i * 6 * EAST_PER_M,
                "lat": 23.1010,
                "accuracy": 6,
                "recorded_at": now - back + datetime.timedelta(seconds=5 * i + 1),
            }
            for i in range(steps)
        ],
    )
    page.context.set_geolocation({"longitude": 113.2430, "latitude": 23.1025, "accuracy": 8})

    page.on("dialog", lambda dialog: dialog.accept())  # 确定结束本次巡查？
    page.get_by_role("button", name="结束巡查").click()
    page.wait_for_url(f"**/field/patrols/{patrol.pk}/")
    assert page.get_by_text("巡查已结束。").is_visible() and fits(page)
    page.locator("#patrol-map .leaflet-interactive").first.wait_for()
    patrol.refresh_from_db()
    assert not patrol.is_running and patrol.distance_m > 50 and patrol.track["pieces"]
    phone = WorkerPosition.objects.filter(user=worker, lon__gte=113.2425, lat=23.1025)
    assert phone.exists()  # the browser's own fixes went through the API too

    page.goto(f"{live_server.url}/field/")
    assert page.get_by_text("今日已巡查").is_visible()
    assert page.locator("[data-todo=patrol]").count() == 0
    assert browser.errors == []

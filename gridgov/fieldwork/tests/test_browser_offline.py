"""The grid worker's day without a network, on a phone (412 × 900) in headless Debian
chromium against the real server: a visit and a diary item recorded online; then
offline, a visit and a diary item kept in the outbox (待发送), the app reloaded offline
and still opening from the service worker; back online, the outbox empties and both
items are stored once. The outbox page is kept as var/artifacts/field-outbox.png."""

from pathlib import Path

from django.conf import settings

from gridgov.fieldwork.models import DiaryItem, Visit
from gridgov.testing import BROWSER_TEST, log_in_page, open_page

pytestmark = BROWSER_TEST
ARTIFACT = Path(settings.BASE_DIR).parent / "var" / "artifacts" / "field-outbox.png"
# Functions, not expressions: the pages' Content-Security-Policy forbids eval.
KEPT = "() => caches.open('gridgov-field-pages').then(c => c.match({url!r})).then(r => !!r)"


def _errors(browser) -> list[str]:
    """Console errors other than the requests the offline network refused."""
    return [e for e in browser.errors if "Failed to load resource" not in e]


def _rows(page) -> list[tuple[str, str]]:
    return [
        tuple(row)
        for row in page.eval_on_selector_all(
            "[data-outbox] li",
            "rows => rows.map(r => [r.dataset.state, r.querySelector('.badge').textContent])",
        )
    ]


def test_a_visit_and_a_diary_item_recorded_offline_are_stored_once_back_online(
    live_server, purgeable_audit, browser, field, category
):
    server = live_server.url
    household = field["households"]["101"]
    visit_url = f"/field/visits/new/?household={household.pk}"
    page = open_page(browser, 412, 900)
    log_in_page(page, server, "grid101001")

    # Online: the phone pages register the service worker and keep what they link to.
    page.goto(f"{server}/field/diary/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(KEPT.format(url="/field/outbox/"))

    page.goto(f"{server}{visit_url}")
    page.get_by_label("走访情况").fill("在线走访：身体尚好")
    page.get_by_role("button", name="保存走访").click()
    page.wait_for_url("**/field/visits/*/")
    page.goto(f"{server}/field/diary/")
    page.get_by_label("内容").fill("在线记录：楼道灯不亮")
    page.get_by_role("button", name="记入日志").click()
    page.wait_for_url("**/field/diary/?day=*")
    assert Visit.objects.count() == 1 and DiaryItem.objects.count() == 1
    page.goto(f"{server}{visit_url}")  # kept as the worker saw it
    page.wait_for_function(KEPT.format(url=visit_url))

    # Offline: the pages open from the phone, the records wait in the outbox.
    page.context.set_offline(True)
    page.goto(f"{server}{visit_url}")
    page.get_by_label("走访情况").fill("离线走访：独居老人需要助餐")
    page.get_by_role("button", name="保存走访").click()
    page.wait_for_selector("text=已离线保存，联网后自动发送")
    page.goto(f"{server}/field/diary/")
    page.locator("select[name=kind]").select_option(label="安全隐患")
    page.get_by_label("内容").fill("离线记录：消防通道堆放杂物")
    page.get_by_role("button", name="记入日志").click()
    page.wait_for_selector("text=已离线保存，联网后自动发送")

    page.goto(f"{server}/field/outbox/")
    page.wait_for_function("() => document.querySelectorAll('[data-outbox] li').length === 2")
    page.reload()  # still offline: the app opens from the service worker
    page.wait_for_function("() => document.querySelectorAll('[data-outbox] li').length === 2")
    assert _rows(page) == [("waiting", "待发送"), ("waiting", "待发送")]
    assert page.text_content(".gg-phone-tabs [data-outbox-count]") == "2"
    assert Visit.objects.count() == 1 and DiaryItem.objects.count() == 1
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACT))

    # Back online: the outbox sends by itself and empties.
    page.context.set_offline(False)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-outbox] li')).every(r => r.dataset.state === 'stored')"
        " && document.querySelectorAll('[data-outbox] li').length === 2",
        timeout=20_000,
    )
    assert page.is_hidden(".gg-phone-tabs [data-outbox-count]")
    assert sorted(Visit.objects.values_list("findings", flat=True)) == [
        "在线走访：身体尚好",
        "离线走访：独居老人需要助餐",
    ]
    assert sorted(DiaryItem.objects.values_list("text", flat=True)) == [
        "在线记录：楼道灯不亮",
        "离线记录：消防通道堆放杂物",
    ]
    # Sending again stores nothing twice.
    assert page.evaluate("() => ggOutbox.flush().then(r => r.waiting)") == 0
    assert Visit.objects.count() == 2 and DiaryItem.objects.count() == 2
    assert _errors(browser) == []

"""A morning at the service hall in headless Debian chromium, through the real pages:
the consultation desk pre-checks an applicant's materials and issues a ticket; the
hall's TV shows the call without reloading; the window takes the application at the
front desk; the back office approves it; the applicant, told by SMS, collects it at
the unified pick-up window and rates the service on the ticket's page, which moved
along by itself. The TV is kept as var/artifacts/hall-display.png."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from gridgov.cases import sms
from gridgov.hall.models import Application, ApplicationStatus, Rating, TicketStatus
from gridgov.testing import BROWSER_TEST, log_in_page, open_page

pytestmark = BROWSER_TEST
ARTIFACT = Path(settings.BASE_DIR).parent / "var" / "artifacts" / "hall-display.png"


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    settings.SMS_SENDER = "gridgov.cases.sms.MemorySender"
    sms.outbox.clear()


def test_a_morning_at_the_hall(live_server, purgeable_audit, browser, hall):
    server = live_server.url
    clerk = open_page(browser)
    log_in_page(clerk, server, "clerk8")

    # 1. The consultation desk: the applicant brought everything for 养老保险参保.
    clerk.goto(f"{server}/hall/desk/")
    with clerk.expect_navigation():
        clerk.select_option("#desk-item", label="SB-001 城乡居民养老保险参保登记")
    clerk.get_by_label("居民身份证").check()
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="核对缺少材料").click()
    assert clerk.locator("#desk-missing").get_by_text("户口簿").is_visible()
    clerk.get_by_label("户口簿").check()
    with clerk.expect_navigation():
        clerk.locator("#desk-check button[formaction]").click()  # 取号
    assert clerk.locator("[data-ticket-number]").inner_text() == "A001"
    ticket_link = clerk.locator("#ticket a.gg-ticket-link").get_attribute("href")

    # 2. The applicant's phone (the QR link) and the hall's TV.
    phone = open_page(browser, 390, 844)
    phone.goto(f"{server}{urlsplit(ticket_link).path}")  # the link names the site's address
    assert phone.locator("[data-field=status_label]").inner_text() == "等候中"
    tv = open_page(browser, 1920, 1080)
    tv.goto(f"{server}/hall/display/")

    # 3. Window 1 calls it; the TV and the phone show it without reloading.
    clerk.goto(f"{server}/hall/windows/1/")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="叫下一位").click()
    tv.locator('[data-window="1"] .hall-tv-window-number').filter(has_text="A001").wait_for(
        timeout=2500
    )
    phone.locator("[data-field=message]", has_text="1 号窗口").wait_for(timeout=6000)
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    tv.screenshot(path=str(ARTIFACT))

    # 4. Front desk intake from the number being served.
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="开始办理").click()
    with clerk.expect_navigation():
        clerk.get_by_role("link", name="受理办件").click()
    clerk.fill("#id_applicant_name", "陈小明")
    clerk.fill("#id_phone", "13912345678")
    clerk.get_by_label("居民身份证").check()
    clerk.get_by_label("户口簿").check()
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="受理", exact=True).click()
    application = Application.objects.get()
    assert clerk.get_by_text("已受理").first.is_visible()
    clerk.goto(f"{server}/hall/windows/1/")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="办结").first.click()
    phone.locator("[data-when-done]").wait_for(state="visible", timeout=6000)

    # 5. The back office approves; the applicant is told by SMS.
    approver = open_page(browser)
    log_in_page(approver, server, "approver8")
    approver.goto(f"{server}/hall/applications/")
    with approver.expect_navigation():
        approver.get_by_role("link", name=application.number).click()
    with approver.expect_navigation():
        approver.get_by_role("button", name="批准", exact=True).click()
    assert approver.get_by_text("已办结待取件").first.is_visible()
    assert any("取件" in text for _phone, text in sms.outbox)

    # 6. The unified pick-up window hands it over.
    clerk.goto(f"{server}/hall/applications/{application.number}/")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="取件", exact=True).click()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COLLECTED

    # 7. The applicant rates the service from the ticket's page.
    with phone.expect_navigation():
        phone.locator("[data-when-done]").click()
    phone.locator("label[for=score5]").click()
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交评价").click()
    assert phone.get_by_text("感谢您的评价").is_visible()
    rating = Rating.objects.get()
    assert rating.score == 5 and rating.ticket.status == TicketStatus.DONE
    assert rating.window == hall["windows"][1]
    assert browser.errors == []

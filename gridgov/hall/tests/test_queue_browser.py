"""The queue in headless Debian chromium, through the real pages: the clerk checks an
applicant's materials and issues a ticket at the desk; the hall's TV and the
applicant's phone (no login) see the number called at the window within seconds, and
the TV speaks the call. No script is blocked by the Content-Security-Policy."""

import re

from gridgov.hall import queue_actions as qa
from gridgov.hall.models import Ticket
from gridgov.testing import BROWSER_TEST, log_in_page, open_page

pytestmark = BROWSER_TEST

# Record what the TV would say instead of saying it (headless chromium has no voices).
SPEECH_SPY = """
window.spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (utterance) => window.spoken.push(utterance.text);
}
"""


def test_desk_window_display_and_phone(live_server, purgeable_audit, browser, hall):
    server = live_server.url
    clerk = open_page(browser)
    log_in_page(clerk, server, "clerk8")

    # The desk: pick the item (the select submits itself), tick one material of three.
    clerk.goto(f"{server}/hall/desk/")
    with clerk.expect_navigation():
        clerk.select_option("#desk-item", label="MZ-001 最低生活保障申请")
    clerk.get_by_label("居民身份证").check()
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="核对缺少材料").click()
    missing = clerk.locator("#desk-missing")
    assert missing.get_by_text("家庭收入证明").is_visible()
    assert missing.get_by_text("低保申请书").is_visible()
    with clerk.expect_navigation():
        clerk.locator("#desk-check button[formaction]").click()  # 取号
    assert clerk.locator("[data-ticket-number]").inner_text() == "B001"
    assert clerk.locator("#ticket .gg-qr svg").count() == 1

    # The applicant's phone, through the QR link; the TV in the hall.
    _ticket, token = qa.issue_ticket(hall["clerk"], hall["groups"]["A"])
    phone = open_page(browser, 390, 844)
    phone.goto(f"{server}/hall/t/{token}")
    assert phone.locator("#ticket-number").inner_text() == "A001"
    assert phone.locator("[data-field=status_label]").inner_text() == "等候中"
    tv_context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    tv_context.add_init_script(SPEECH_SPY)
    tv = tv_context.new_page()
    tv.on("console", lambda m: m.type == "error" and browser.errors.append(m.text))
    tv.on("pageerror", lambda e: browser.errors.append(str(e)))
    tv.goto(f"{server}/hall/display/")
    tv.get_by_role("button", name="点此开启语音播报").click()

    # Window 1 calls the next number.
    clerk.goto(f"{server}/hall/windows/1/")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="叫下一位").click()
    assert clerk.locator("#current-number").inner_text() == "A001"

    tile = tv.locator('[data-window="1"] .hall-tv-window-number')
    tile.filter(has_text="A001").wait_for(timeout=2500)
    tv.wait_for_function("() => window.spoken.includes('请 A001 号到 1 号窗口')", timeout=2500)
    assert tv.locator('[data-window="1"]').get_attribute("class").find("is-new") >= 0
    phone.locator("[data-field=message]", has_text="请到 1 号窗口办理").wait_for(timeout=6000)

    # A recall is announced again.
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="重呼").click()
    tv.wait_for_function(
        "() => window.spoken.filter(t => t === '请 A001 号到 1 号窗口').length === 2",
        timeout=2500,
    )
    assert re.search(r"A001", tv.locator("[data-calls]").inner_text())
    assert Ticket.objects.get(number="A001").calls == 2

    # Served and done: the phone offers the rating of the service.
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="开始办理").click()
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="办结").first.click()
    phone.locator("[data-when-done]").wait_for(state="visible", timeout=6000)
    assert phone.locator("[data-field=status_label]").inner_text() == "已办结"
    assert browser.errors == []

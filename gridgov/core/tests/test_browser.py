"""Through the real login page in headless Debian chromium: log in, see the home page
and an area map, with no script blocked by the Content-Security-Policy."""

import shutil

import pytest

from gridgov.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server runs the
    # Django code in its own thread, so the async-safety check protects nothing here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        yield page
        browser.close()


def test_log_in_through_the_real_page_and_see_home(
    live_server, purgeable_audit, page, personas, tree
):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "leader")
    page.fill("input[name=password]", "wrong-Password-1")
    page.click("button[type=submit]")
    assert page.get_by_text("用户名或密码不正确").is_visible()

    page.fill("input[name=username]", "leader")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="leader，您好").is_visible()
    assert page.get_by_role("link", name="鳌洲社区").first.is_visible()

    page.get_by_role("link", name="鳌洲社区").first.click()
    page.wait_for_selector("#area-map path.leaflet-interactive")
    assert page.locator("#area-map .gg-map-label", has_text="鳌洲第一网格").count() == 1

    page.get_by_role("button", name="leader").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert page.get_by_text("您已安全退出").is_visible()
    assert page.console_errors == []

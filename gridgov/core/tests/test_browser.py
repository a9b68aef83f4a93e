"""Through the real login page in headless Debian chromium: log in, see the home page
and an area map, with no script blocked by the Content-Security-Policy."""

import pytest

from gridgov.testing import BROWSER_TEST, PASSWORD, open_page

pytestmark = BROWSER_TEST


@pytest.fixture
def page(browser):
    return open_page(browser, 1280, 800)


def test_log_in_through_the_real_page_and_see_home(
    live_server, purgeable_audit, browser, page, personas, tree
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
    assert browser.errors == []

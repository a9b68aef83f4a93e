"""The focus-group list in headless chromium: street staff reach it from the menu, add a
sensitive group shown to one role, and deactivate it after confirming."""

import pytest
from playwright.sync_api import expect

from gridgov.accounts.roles import Role
from gridgov.people.models import FocusGroup
from gridgov.testing import BROWSER_TEST, log_in_page, make_user, open_page

pytestmark = BROWSER_TEST


@pytest.fixture
def page(browser):
    return open_page(browser, 1280, 800)


def test_add_a_sensitive_group_and_deactivate_it(live_server, purgeable_audit, browser, page, tree):
    make_user("street_staff", Role.STREET_STAFF, tree["street"])
    log_in_page(page, live_server.url, "street_staff")
    page.get_by_role("link", name="重点人群").first.click()
    expect(page.get_by_role("heading", name="重点人群")).to_be_visible()

    page.get_by_role("link", name="新增重点人群").click()
    page.get_by_label("代码").fill("low_income")
    page.get_by_label("名称").fill("低保户")
    page.get_by_label("敏感程度").select_option("sensitive")
    page.get_by_label("街道工作人员").check()
    page.get_by_label("附加信息项").fill("低保证号\n保障人数")
    page.get_by_role("button", name="保存").click()

    row = page.locator("tr", has_text="low_income")
    expect(row).to_contain_text("街道工作人员")
    expect(row).to_contain_text("低保证号、保障人数")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="停用").click()
    expect(row.get_by_role("button", name="启用")).to_be_visible()
    group = FocusGroup.objects.get(code="low_income")
    assert group.visible_roles == ["street_staff"] and group.is_active is False
    assert browser.errors == []

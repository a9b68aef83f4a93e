"""The grid worker's pages on a phone (412 × 900) in headless Debian chromium: the due
list, recording a visit with a correction and a request, the day's diary, a request's
loop; every page fits the screen with no console error (the Content-Security-Policy
blocks nothing)."""

from gridgov.fieldwork import rule_actions
from gridgov.fieldwork.models import DiaryItem, Request, Visit
from gridgov.people.models import Household
from gridgov.testing import BROWSER_TEST, log_in_page, open_page

pytestmark = BROWSER_TEST


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_grid_workers_day_on_the_phone(
    live_server, purgeable_audit, browser, field, category, tree
):
    rule_actions.add_default_rules(field["street_staff"], tree["street"])
    Household.objects.update(created_at="2020-01-01T00:00:00+08:00")
    page = open_page(browser, 412, 900)
    log_in_page(page, live_server.url, "grid101001")

    page.goto(f"{live_server.url}/field/visits/due/")
    assert page.get_by_text("独居老人定期走访").first.is_visible()
    assert fits(page)
    page.locator(".list-group-item", has_text="HH-101").get_by_role("link", name="走访").click()
    page.wait_for_url("**/field/visits/new/**")
    assert fits(page)
    page.get_by_label("见到的人").fill("张三本人")
    page.get_by_label("走访情况").fill("身体尚好，独自在家")
    page.get_by_label("居民意见和诉求").fill("希望楼道加装扶手")
    page.get_by_label("把居民意见登记为诉求").check()
    page.locator("select[name=fix0_resident]").select_option(label="张三")
    page.locator("select[name=fix0_field]").select_option(label="职业")
    page.locator("input[name=fix0_value]").fill("退休")
    page.get_by_role("button", name="保存走访").click()
    page.wait_for_url("**/field/visits/*/")
    assert page.get_by_text("走访已登记。").is_visible() and fits(page)
    assert Visit.objects.get().corrections[0]["state"] == "applied"
    assert Request.objects.get().content == "希望楼道加装扶手"

    page.goto(f"{live_server.url}/field/diary/")
    assert fits(page)
    page.locator("select[name=kind]").select_option(label="安全隐患")
    page.get_by_label("内容").fill("3 号楼消防通道堆放杂物")
    page.get_by_role("button", name="记入日志").click()
    page.wait_for_url("**/field/diary/?day=*")
    assert page.get_by_text("3 号楼消防通道堆放杂物").is_visible() and fits(page)
    assert DiaryItem.objects.count() == 1

    request = Request.objects.get()
    page.goto(f"{live_server.url}/field/requests/{request.pk}/")
    page.get_by_label("转办对象").fill("物业李经理")
    page.get_by_role("button", name="转办").click()
    page.wait_for_url(f"**/field/requests/{request.pk}/")
    assert page.get_by_text("物业李经理").first.is_visible() and fits(page)
    assert browser.errors == []

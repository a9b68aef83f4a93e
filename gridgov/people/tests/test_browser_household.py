"""The household file in headless Debian chromium: a community staff member logs in,
opens a household, reveals an ID number with a reason (htmx swaps the one cell), and
the access is logged; at phone width the page fits the screen. No console errors, so
nothing was blocked by the Content-Security-Policy."""

from django.urls import NoReverseMatch, reverse

from gridgov.core.models import AccessLog
from gridgov.people.tests.household_fixtures import ZHANG_ID, build_household_file
from gridgov.testing import BROWSER_TEST, log_in_page, open_page

pytestmark = BROWSER_TEST


def search_url():
    try:
        return reverse("people:search")
    except NoReverseMatch:
        return None


def test_reveal_an_id_number_on_the_household_page(
    live_server, purgeable_audit, browser, personas, tree
):
    hf = build_household_file(tree)
    household, zhang = hf["households"]["a"], hf["residents"]["zhang"]
    page = open_page(browser, 1280, 800)
    log_in_page(page, live_server.url, "community101")

    search = search_url()
    if search:
        page.goto(f"{live_server.url}{search}")
        page.fill("input[name=q]", "张三")
        page.keyboard.press("Enter")
        page.locator("#search-results a", has_text="H-A101").first.click()
    else:
        page.goto(f"{live_server.url}/people/households/{household.pk}/")
    page.wait_for_url(f"{live_server.url}/people/households/{household.pk}/")
    assert page.get_by_role("heading", name="一户一档 · H-A101").is_visible()
    assert ZHANG_ID not in page.content()

    cell = page.locator(f"#reveal-r{zhang.pk}-id-number")
    assert cell.get_by_text(zhang.id_masked).is_visible()
    cell.locator("summary", has_text="查看").click()
    cell.get_by_role("button", name="确认查看").click()
    # No reason: the refusal comes back in the cell, nothing logged.
    page.wait_for_selector(f"#reveal-r{zhang.pk}-id-number .invalid-feedback")
    assert page.get_by_text("请填写查看事由。").is_visible()
    assert AccessLog.objects.count() == 0

    cell = page.locator(f"#reveal-r{zhang.pk}-id-number")
    cell.get_by_label("查看事由（将记入查看记录）").fill("核实身份办理业务")
    cell.get_by_role("button", name="确认查看").click()
    page.wait_for_selector(f"#reveal-r{zhang.pk}-id-number [data-revealed]")
    assert page.locator(f"#reveal-r{zhang.pk}-id-number [data-revealed]").inner_text() == ZHANG_ID
    assert page.url == f"{live_server.url}/people/households/{household.pk}/"  # a swap
    log = AccessLog.objects.get()
    assert (log.actor_name, log.object_id, log.fields, log.reason) == (
        "community101",
        str(zhang.pk),
        "id_number",
        "核实身份办理业务",
    )
    assert browser.errors == []


def test_the_household_page_fits_a_phone(live_server, purgeable_audit, browser, personas, tree):
    hf = build_household_file(tree)
    household = hf["households"]["a"]
    page = open_page(browser, 390, 844)
    log_in_page(page, live_server.url, "grid101001")
    page.goto(f"{live_server.url}/people/households/{household.pk}/")
    assert page.get_by_text("张三").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("#members thead").is_hidden()  # rows stack as label/value lines
    assert browser.errors == []

"""One case round the whole five-step loop in headless Debian chromium, through the real
pages and four people: the grid worker reports it on the map, the dispatcher sends it
to the sanitation station, the department handles it, the grid worker follows up, and
the resident rates it through the link — not satisfied once (the case is reworked),
then satisfied (closed)."""

import re

from gridgov.cases.choices import Status
from gridgov.cases.models import Case
from gridgov.testing import BROWSER_TEST, log_in_page, open_page

pytestmark = BROWSER_TEST


def _log_in(browser, server, username, phone=False):
    page = open_page(browser, 390, 844) if phone else open_page(browser)
    log_in_page(page, server, username)
    return page


def _act(page, label, fields=None):
    """Open an action's form on the case page, fill it and confirm (its fields are
    named after the action: "dispatch-department"); wait for the page it leads to."""
    form = page.locator(f"form:has(button:text-is('确认{label}'))")
    button = page.get_by_role("button", name=label, exact=True).first
    if form.count() == 0:  # a move with nothing to fill submits at once
        _submit(page, button)
        return
    button.click()
    # Let the form finish opening: a click during Bootstrap's collapse transition can
    # be lost, and the walk would wait for a page that never comes.
    page.wait_for_function("() => !document.querySelector('.collapsing')")
    form.get_by_role("button", name=f"确认{label}").wait_for(state="visible")
    for name, value in (fields or {}).items():
        field = form.locator(f"[name$='-{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    _submit(page, form.get_by_role("button", name=f"确认{label}"))


def _submit(page, button):
    """Click and wait for the page the move leads to, up to its DOM, not its "load"
    event: the test server now and then leaves a static file hanging, which would fail
    the walk for a reason no user meets behind gunicorn."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        button.click()


def _rate(browser, server, page, rating):
    """The resident opens the link shown after the follow-up and rates."""
    link = page.get_by_text(re.compile(r"/r/")).first.inner_text()
    token = re.search(r"/r/([\w-]+)", link).group(1)
    resident = open_page(browser, 390, 844)
    resident.goto(f"{server}/r/{token}")
    with resident.expect_navigation():
        resident.locator(f"button[name=rating][value={rating}]").click()
    assert resident.get_by_text("感谢").first.is_visible()


def test_one_case_goes_round_the_loop_with_four_people(
    live_server, purgeable_audit, browser, personas, dispatcher, department, category
):
    server = live_server.url
    worker = _log_in(browser, server, "grid101001", phone=True)
    worker.goto(f"{server}/cases/report/")
    worker.select_option("#report-big", value="E01 市容环境")
    worker.select_option("select[name=category]", value=str(category.pk))
    worker.fill("input[name=title]", "洪德路垃圾桶满溢")
    worker.fill("textarea[name=description]", "垃圾桶满溢，周边有异味。")
    worker.wait_for_selector("#report-map path.leaflet-interactive")
    worker.locator("#report-map").click()
    worker.fill("input[name=contact_name]", "陈伯")
    worker.fill("input[name=contact_phone]", "13800138000")
    with worker.expect_navigation(url=re.compile(r"/cases/\d+/$")):
        worker.get_by_role("button", name="提交上报").click()
    case = Case.objects.get()
    assert case.status == Status.REPORTED and case.grid_id in personas["grid_worker"].scope.grid_ids

    desk = _log_in(browser, server, "dispatcher")
    desk.goto(f"{server}/cases/{case.pk}/")
    _act(desk, "派遣", {"department": department.name})
    assert desk.get_by_text("待签收").first.is_visible()

    staff = _log_in(browser, server, "sanitation")
    staff.goto(f"{server}/cases/queue/")
    with staff.expect_navigation():
        staff.get_by_role("link", name=re.compile(case.number)).first.click()
    _act(staff, "签收")
    _act(staff, "办结", {"result": "已清运垃圾"})

    worker.goto(f"{server}/cases/{case.pk}/")
    _act(worker, "回访", {"note": "已电话告知陈伯"})
    _rate(browser, server, worker, "not_satisfied")
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.rework_count == 1

    staff.goto(f"{server}/cases/{case.pk}/")
    _act(staff, "办结", {"result": "已冲洗路面并消毒"})
    worker.goto(f"{server}/cases/{case.pk}/")
    _act(worker, "回访", {"note": "再次回访，陈伯认可"})
    _rate(browser, server, worker, "satisfied")

    desk.goto(f"{server}/cases/{case.pk}/")
    assert desk.get_by_text("已结案").first.is_visible()
    timeline = desk.locator("text=返工").count()
    assert timeline >= 1
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.rating == "satisfied"
    assert browser.errors == []

"""A street staff member redraws a community's grids in headless Debian chromium:
makes a proposal, sees the current and proposed grids side by side on two maps with
the report and the moves, and applies it. The preview is kept as
var/artifacts/grid-layout.png."""

from pathlib import Path

from django.conf import settings

from gridgov.places.models import Area, GridLayout, LayoutStatus
from gridgov.testing import BROWSER_TEST, log_in_page, open_page

ARTIFACT = Path(settings.BASE_DIR).parent / "var" / "artifacts" / "grid-layout.png"
pytestmark = BROWSER_TEST


def test_street_staff_preview_and_apply_a_new_layout(
    live_server, purgeable_audit, browser, tree, buildings, street_staff
):
    server = live_server.url
    page = open_page(browser, 1440, 1000)
    log_in_page(page, server, street_staff.username)

    page.goto(f"{server}/areas/partition/", wait_until="domcontentloaded")
    page.get_by_role("link", name="鳌洲社区").click()
    page.wait_for_url(f"{server}/areas/partition/440105008101/")
    page.fill("input[name=target]", "250")
    page.get_by_role("button", name="生成方案并预览").click()
    page.wait_for_url(f"{server}/areas/layouts/*/", wait_until="domcontentloaded")

    layout = GridLayout.objects.get()
    current = page.locator("#layout-map-current path.leaflet-interactive")
    proposed = page.locator("#layout-map-proposed path.leaflet-interactive")
    proposed.nth(len(layout.grids) - 1).wait_for()
    assert current.count() == 2 and proposed.count() == len(layout.grids)
    assert page.get_by_text("调整网格的楼宇").is_visible()
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACT), full_page=True)

    page.get_by_role("button", name="应用此方案").click()
    page.wait_for_url(f"{server}/areas/partition/440105008101/", wait_until="domcontentloaded")
    assert page.get_by_text("新的网格划分已生效").is_visible()
    layout.refresh_from_db()
    assert layout.status == LayoutStatus.APPLIED
    assert Area.objects.filter(parent=tree["c101"]).current().count() == len(layout.grids)
    assert browser.errors == []

"""The command center's map in headless Debian chromium, on a wall-sized screen: a
dispatcher opens it and sees every layer drawn; a camera alert sent while the page is
open arrives in the live feed without reloading, and on the map even while the cases
layer is still the one the page first loaded; the dispatcher opens its card from
the feed and sends the suggested nearest grid worker to verify it on site. Then a
worker's trail, the search box and the heat layer; the map with every layer on is kept
as var/artifacts/command-map.png."""

import datetime as dt
import json
import random
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from gridgov.accounts.roles import Role
from gridgov.cases.actions import report_case
from gridgov.cases.models import Case, Category
from gridgov.command import actions, signing
from gridgov.command.models import AlertKind, Camera, CameraKind, CameraStatus
from gridgov.command.seed import seed_alert_kinds
from gridgov.command.tests.test_map_page import locate, place_map_data
from gridgov.places.models import Building, BuildingUse, Level
from gridgov.testing import BROWSER_TEST, log_in_page, make_area, make_user, open_page, square

ARTIFACT = Path(settings.BASE_DIR).parent / "var" / "artifacts" / "command-map.png"
CAMERA_CODE = "44010500001310000001"  # in grid 1, from place_map_data
pytestmark = BROWSER_TEST

# Run before the page's scripts: keep the map Leaflet makes, so the test can wait for
# its "moveend" instead of guessing how long a flight takes.
KEEP_THE_MAP = """
let leaflet;
Object.defineProperty(window, "L", {
  configurable: true,
  get: () => leaflet,
  set: (value) => {
    leaflet = value;
    value.Map.addInitHook(function () { window.testMap = this; });
  },
});
"""


def _log_in(browser, server, username):
    page = open_page(browser, 1920, 1080)
    page.add_init_script(KEEP_THE_MAP)
    log_in_page(page, server, username)
    return page


def _fill_the_street(tree, personas, reporter):
    """The rest of a street worth watching: the shared tree's three grids grow to
    sixteen in four communities, with buildings, cameras along the roads, open and
    closed cases of the last weeks (the heat) and grid workers about."""
    rng = random.Random(5)
    street = tree["street"]
    c103 = make_area("440105008103", "南华社区", street, square(113.24, 23.09, 0.01))
    c104 = make_area("440105008104", "西关社区", street, square(113.25, 23.09, 0.01))
    cells = {
        (113.24, 23.105): (tree["c101"], "440105008101003", "鳌洲第三网格"),
        (113.245, 23.105): (tree["c101"], "440105008101004", "鳌洲第四网格"),
        (113.255, 23.10): (tree["c102"], "440105008102002", "福安第二网格"),
        (113.25, 23.105): (tree["c102"], "440105008102003", "福安第三网格"),
        (113.255, 23.105): (tree["c102"], "440105008102004", "福安第四网格"),
        (113.24, 23.09): (c103, "440105008103001", "南华第一网格"),
        (113.245, 23.09): (c103, "440105008103002", "南华第二网格"),
        (113.24, 23.095): (c103, "440105008103003", "南华第三网格"),
        (113.245, 23.095): (c103, "440105008103004", "南华第四网格"),
        (113.25, 23.09): (c104, "440105008104001", "西关第一网格"),
        (113.255, 23.09): (c104, "440105008104002", "西关第二网格"),
        (113.25, 23.095): (c104, "440105008104003", "西关第三网格"),
        (113.255, 23.095): (c104, "440105008104004", "西关第四网格"),
    }
    grids = [tree["g1"], tree["g2"], tree["g3"]]
    for (x, y), (community, code, name) in cells.items():
        grids.append(make_area(code, name, community, square(x, y, 0.005)))

    def grid_at(lon, lat):
        for grid in grids:
            (x0, y0), _, (x1, y1) = grid.boundary["coordinates"][0][:3]
            if x0 <= lon < x1 and y0 <= lat < y1:
                return grid
        return grids[0]

    def spot():
        return round(rng.uniform(113.2405, 113.2595), 6), round(rng.uniform(23.0905, 23.1095), 6)

    for n in range(70):
        lon, lat = spot()
        record = Building(
            code=f"BX{n:03d}",
            name=f"{rng.choice(['华康', '德兴', '逢源', '宝华', '龙津', '多宝'])}{n % 9 + 1}栋",
            address=f"南华西路{n + 10}号",
            lon=lon,
            lat=lat,
            use=BuildingUse.RESIDENTIAL,
        )
        record.place_in(grid_at(lon, lat))
        record.save()
    roads = [(113.2475, None), (113.2525, None), (None, 23.1), (None, 23.095), (None, 23.105)]
    for n in range(36):
        x, y = roads[n % len(roads)]
        lon = x if x is not None else round(rng.uniform(113.241, 113.259), 6)
        lat = y if y is not None else round(rng.uniform(23.091, 23.109), 6)
        record = Camera(
            code=f"440105000013100{n + 100:05d}",
            name=f"南华西路口{n + 1}",
            lon=lon + 0.0002,
            lat=lat + 0.0002,
            direction=None if n % 7 == 0 else rng.randrange(0, 360, 15),
            fov=360 if n % 7 == 0 else rng.choice([60, 70, 90]),
            kind=CameraKind.DOME if n % 7 == 0 else CameraKind.BULLET,
            status=CameraStatus.OFFLINE
            if n % 11 == 3
            else CameraStatus.FAULT
            if n % 13 == 5
            else CameraStatus.ONLINE,
        )
        record.place_in(grid_at(record.lon, record.lat))
        record.save()
    category = Category.objects.current().get(code="E0102")
    now = timezone.now()
    statuses = ["reported", "accepted", "dispatched", "in_progress", "handled", "followed_up"]
    titles = ["垃圾堆放", "占道经营", "井盖破损", "违章停车", "小广告", "道路不洁", "绿化损坏"]
    for n in range(110):
        lon, lat = spot()
        if n % 3 == 0:  # the heat gathers round the market
            lon, lat = round(rng.gauss(113.2455, 0.0012), 6), round(rng.gauss(23.0975, 0.001), 6)
        case = report_case(
            reporter,
            category=category,
            title=rng.choice(titles),
            lon=lon,
            lat=lat,
            now=now - dt.timedelta(days=rng.randint(1, 28), minutes=rng.randint(0, 600)),
        )
        if n < 26:
            fields = {"status": statuses[n % len(statuses)]}
            if n % 5 == 0:
                fields["due_at"] = now - dt.timedelta(hours=3)
            else:
                fields["due_at"] = now + dt.timedelta(hours=6)
        else:
            fields = {"status": "closed", "due_at": None}
        Case.objects.filter(pk=case.pk).update(**fields)
    for n, grid in enumerate(grids[4:10]):
        worker = make_user(f"gridx{n}", Role.GRID_WORKER, grid)
        (x0, y0) = grid.boundary["coordinates"][0][0]
        minutes = 80 if n == 4 else 3
        locate(
            worker,
            [(x0 + 0.0018, y0 + 0.002, minutes + 20), (x0 + 0.0026, y0 + 0.0027, minutes)],
            now,
        )
    assert len([g for g in grids if g.level == Level.GRID]) == 16


def _send_alert(server, street, alert_id="BOX-20260301-0001"):
    """What an AI box does: a signed POST of one alert to the live server."""
    seed_alert_kinds(AlertKind)
    source, secret = actions.create_alert_source(None, "AI盒子", street)
    body = json.dumps(
        {
            "alert_id": alert_id,
            "camera_code": CAMERA_CODE,
            "kind": "garbage",
            "occurred_at": timezone.now().isoformat(),
            "text": "检测到暴露垃圾",
        }
    ).encode()
    headers = {"Content-Type": "application/json"} | signing.signed_headers(
        source.key_id, secret, body
    )
    url = f"{server}/api/v1/camera-alerts"  # the live server, plain http
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 201
        return json.loads(response.read())


def test_the_map_receives_an_alert_and_dispatches_it_to_the_nearest_worker(
    live_server, purgeable_audit, browser, tree, personas
):
    from playwright.sync_api import expect

    server = live_server.url
    dispatcher = make_user("dispatcher", Role.DISPATCHER, tree["street"])
    data = place_map_data(tree, personas)
    nearest = data["workers"][0]  # grid 1's worker, a few dozen metres from the camera
    _fill_the_street(tree, personas, dispatcher)
    open_cases = Case.objects.open().exclude(lon=None).count()

    page = _log_in(browser, server, "dispatcher")
    with page.expect_response(lambda r: "/layers/cases" in r.url) as first_cases:
        page.goto(f"{server}/command/map/")
    page.wait_for_selector("#cm-map[data-ready='1']")
    # Every layer is drawn: grids (SVG paths), camera wedges and icons, case markers
    # (one overdue, ringed), workers (one greyed), buildings (single or clustered).
    assert page.locator(".leaflet-cm-areas-pane path.leaflet-interactive").count() == 16
    assert page.locator("path.cm-wedge").count() == Camera.objects.count()
    assert page.locator(".cm-camera.cm-cam-offline").count() >= 1
    assert page.locator("path.cm-case").count() == open_cases
    assert page.locator("path.cm-case-overdue").count() >= 1
    assert page.locator(".cm-worker").count() == 8
    assert page.locator(".cm-worker.cm-stale").count() == 2
    assert page.locator(".cm-building, .cm-cluster").count() >= 1
    assert page.locator("#cm-feed .cm-feed-item").count() >= 1  # the latest events
    assert page.locator("[data-counter=open]").inner_text() == str(Case.objects.open().count())
    page.evaluate("window.notReloaded = true")

    # A camera alert arrives during the test, and in the feed within ten seconds. The
    # cases layer answers as it was first loaded (as one a second behind would): the
    # new case comes onto the map with the feed.
    held = first_cases.value.body()
    layer_url = "**/api/v1/map/layers/cases*"
    page.route(layer_url, lambda route: route.fulfill(body=held, content_type="application/json"))
    alert = _send_alert(server, tree["street"])
    item = page.locator("#cm-feed .cm-feed-item", has_text=alert["case_number"])
    item.wait_for(timeout=10_000)
    assert page.evaluate("window.notReloaded") is True
    assert "上报" in item.inner_text()
    expect(page.locator("path.cm-case")).to_have_count(open_cases + 1)
    page.wait_for_timeout(1_000)  # the layer asked for again after the feed: still drawn over
    expect(page.locator("path.cm-case")).to_have_count(open_cases + 1)
    page.unroute(layer_url)

    # Its card, from the feed: the nearest worker on duty is suggested first.
    item.click()
    card = page.locator(f".map-card[data-kind=case][data-id='{alert['case_id']}']")
    card.wait_for()
    first = card.locator("li[data-worker]").first
    assert first.get_attribute("data-worker") == str(nearest.pk)
    cards_asked = []
    page.on("request", lambda r: "/command/cards/" in r.url and cards_asked.append(r.url))
    # The answer refreshes the case layer once the card's own follow-up is decided.
    with page.expect_response(lambda r: "/layers/cases" in r.url):
        first.get_by_role("button", name="派TA核实").click()
    expect(card.locator(".alert-success")).to_contain_text(nearest.username)
    assert cards_asked == []  # the card stays as the answer left it
    case = Case.objects.get(pk=alert["case_id"])
    assert case.verifier_id == nearest.pk and case.verify_due_at is not None

    # A worker's trail of the last hours, from the worker's card.
    page.locator(".cm-worker:not(.cm-stale)").first.click()
    page.locator(".map-card[data-kind=worker]").wait_for()
    page.locator("[data-trail-user]").click()
    page.wait_for_selector("path.cm-trail")
    assert "–" in page.locator(".cm-trail-info").inner_text()
    page.locator(".cm-trail-close").click()

    # The search box flies to the first match and lists the others.
    page.fill("#cm-search-q", "鳌洲")
    page.press("#cm-search-q", "Enter")
    page.wait_for_selector("#cm-search-results .cm-result")
    assert page.locator("#cm-search-results .cm-result").count() >= 2
    page.keyboard.press("Escape")

    # Every layer on, the heat too, over the whole street: the wall screen's view.
    page.locator("#cm-tab-layers").click()
    page.locator("#cm-layers input[name=heat]").check()
    page.wait_for_selector("canvas.leaflet-heatmap-layer")
    page.locator("#cm-tab-feed").click()
    page.evaluate("() => { window.flown = new Promise((d) => window.testMap.once('moveend', d)); }")
    page.locator(".cm-fit").click()
    page.evaluate("window.flown")  # resolves when the flight back ends
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACT))

    # Every kind of feature opens its card.
    for kind, selector in (
        ("camera", ".cm-camera"),
        ("building", ".cm-building"),
        ("grid", ".leaflet-cm-areas-pane path.leaflet-interactive"),
    ):
        page.locator(selector).first.dispatch_event("click")
        page.locator(f"#cm-card .map-card[data-kind={kind}]").wait_for()

    # The sound is off until switched on, and stays on after a reload.
    page.locator("#cm-tab-feed").click()
    sound = page.locator("#cm-sound")
    assert sound.get_attribute("aria-pressed") == "false"
    sound.click()
    page.reload()
    page.wait_for_selector("#cm-map[data-ready='1']")
    assert page.locator("#cm-sound").get_attribute("aria-pressed") == "true"
    assert browser.errors == []

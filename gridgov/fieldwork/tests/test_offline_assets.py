"""The grid worker's phone pages install as an app and work offline: the manifest and
its icons, the service worker and the files it keeps, the vendored Workbox and idb
(listed in VENDOR.md, found by collectstatic and WhiteNoise), and, in a real browser,
the outbox keeping what is recorded offline across a reload and sending it in one
batch, and the service worker opening a page without a network.

The browser tests serve gridgov/static from a small server of their own, with a test
page beside it, and stand in for the sync endpoint (a later step builds it) with
Playwright's routing: the product gains no test-only URL."""

import hashlib
import json
import re
import shutil
import struct
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from gridgov.testing import BROWSER_TEST, open_page

STATIC = Path(__file__).resolve().parents[2] / "static"
FIELD = STATIC / "fieldwork"
VENDOR = STATIC / "vendor"
WORKBOX = "workbox-7.4.1"
IDB = "idb-8.0.4"
MODULES = ("core", "routing", "strategies", "precaching", "expiration")


def browser_test(func):
    for mark in BROWSER_TEST:
        func = mark(func)
    return func


def manifest() -> dict:
    return json.loads((FIELD / "manifest.webmanifest").read_text(encoding="utf-8"))


def precache_paths() -> list[str]:
    return json.loads((FIELD / "precache.json").read_text(encoding="utf-8"))["static"]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


# -- the manifest and its icons ---------------------------------------------------------


def test_the_manifest_names_the_app_and_opens_the_workers_home_standalone():
    app = manifest()

    assert app["name"] == "网格员工作台" and app["short_name"] == "网格通"
    assert app["start_url"] == "/field/" and app["scope"] == "/field/" and app["id"] == "/field/"
    assert app["display"] == "standalone" and app["lang"] == "zh-CN"
    site_blue = re.search(r"--gg-blue:\s*(#[0-9a-f]{6})", (STATIC / "gridgov/app.css").read_text())
    assert app["theme_color"] == site_blue.group(1)


def test_every_icon_exists_with_the_size_it_declares():
    icons = manifest()["icons"]

    for icon in icons:
        path = FIELD / icon["src"]
        assert path.is_file(), icon["src"]
        if icon["type"] == "image/png":
            width, height = png_size(path)
            assert icon["sizes"] == f"{width}x{height}", icon["src"]
        else:
            assert icon["type"] == "image/svg+xml" and path.read_text().startswith("<svg")
    pngs = {(i["sizes"], i.get("purpose", "any")) for i in icons if i["type"] == "image/png"}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= pngs


# -- the service worker and what it keeps ------------------------------------------------


def test_the_service_worker_loads_only_vendored_files_that_exist():
    source = (FIELD / "sw.js").read_text(encoding="utf-8")

    imported = re.findall(r'"(/static/[^"]+)"', source)
    assert imported == [f"/static/vendor/{WORKBOX}/workbox-{m}.prod.js" for m in MODULES]
    for url in imported:
        assert (STATIC / url.removeprefix("/static/")).is_file(), url
    # The server replaces this token with the precache list, as injectManifest would.
    assert source.count("self.__WB_MANIFEST") == 1


def test_the_files_to_keep_offline_exist_and_include_the_app_shell():
    paths = precache_paths()

    assert len(paths) == len(set(paths))
    for path in paths:
        assert (STATIC / path).is_file(), path
    shell = {
        "fieldwork/pwa.js",
        "fieldwork/outbox.js",
        "fieldwork/outbox-view.js",
        "fieldwork/manifest.webmanifest",
        f"vendor/{IDB}/umd.js",
    }
    assert shell <= set(paths)
    assert {f"fieldwork/{icon['src']}" for icon in manifest()["icons"]} <= set(paths)


def test_each_workbox_build_adds_its_part_to_the_workbox_global():
    for module in MODULES:
        build = (VENDOR / WORKBOX / f"workbox-{module}.prod.js").read_text(encoding="utf-8")
        assert build.startswith(f"this.workbox=this.workbox||{{}},this.workbox.{module}=")
    assert ").idb={}" in (VENDOR / IDB / "umd.js").read_text(encoding="utf-8")


def test_the_vendored_files_are_listed_in_vendor_md_with_their_licences():
    listed = (VENDOR / "VENDOR.md").read_text(encoding="utf-8")

    for folder in (WORKBOX, IDB):
        row = next(line for line in listed.splitlines() if f"`{folder}/`" in line)
        for path in (VENDOR / folder).iterdir():
            assert f"`{path.name}`" in row, f"{folder}/{path.name} is not in VENDOR.md"
            assert "sourceMappingURL" not in path.read_text(encoding="utf-8")
        assert (VENDOR / folder / "LICENSE").is_file()


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
def test_the_phone_scripts_parse():
    for name in ("sw.js", "pwa.js", "outbox.js", "outbox-view.js"):
        done = subprocess.run(["node", "--check", FIELD / name], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


# -- found and served like every static file ----------------------------------------------


def _everything_offline() -> list[str]:
    return ["fieldwork/sw.js", *precache_paths()] + [
        f"vendor/{WORKBOX}/workbox-{m}.prod.js" for m in MODULES
    ]


def test_the_static_finders_and_collectstatic_find_them(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path = tmp_path / "static"  # MEDIA_ROOT may be tmp_path

    for path in _everything_offline():
        assert finders.find(path), path
    call_command("collectstatic", interactive=False, verbosity=0)
    for path in _everything_offline():
        assert (tmp_path / path).is_file(), path


def test_whitenoise_serves_them(client):
    for path in ("fieldwork/sw.js", "fieldwork/manifest.webmanifest", f"vendor/{IDB}/umd.js"):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path
    assert client.get("/static/fieldwork/sw.js")["Content-Type"].startswith("text/javascript")


# -- in a real browser ---------------------------------------------------------------------

OUTBOX_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>外勤</title></head>
<body data-outbox-owner="7" hx-headers='{"X-CSRFToken": "token-7"}'>
<form id="visit-form" method="post" action="/field/visits/new/" data-offline-kind="visit">
  <input type="hidden" name="csrfmiddlewaretoken" value="token-7">
  <input name="findings"><input name="household" value="12" type="hidden">
  <button type="submit">保存</button>
</form>
<span data-outbox-count></span><button data-outbox-flush>立即发送</button>
<div data-outbox-status></div><div data-outbox></div>
<script src="/static/vendor/idb-8.0.4/umd.js"></script>
<script src="/static/fieldwork/outbox.js"></script>
<script src="/static/fieldwork/outbox-view.js"></script>
</body></html>"""

SHELL_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>今日工作</title>
<script src="/static/vendor/idb-8.0.4/umd.js"></script></head>
<body data-field-sw="/static/fieldwork/sw.js"><p id="shell">今日工作</p>
<a href="/static/fieldwork/visit.html" data-offline-page>走访</a>
<form id="gg-logout" method="post" action="/accounts/logout/"></form>
<script src="/static/fieldwork/pwa.js"></script></body></html>"""

VISIT_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>走访</title></head>
<body><p id="visit">走访记录</p></body></html>"""


class _Handler(SimpleHTTPRequestHandler):
    """gridgov/static under /static/ (sw.js with its precache list put in, as the server
    will), the test pages at their paths, 404 for anything else."""

    pages = {
        "/field/": OUTBOX_PAGE,
        "/static/fieldwork/shell.html": SHELL_PAGE,
        "/static/fieldwork/visit.html": VISIT_PAGE,
    }

    def do_GET(self):
        path = self.path.split("?")[0]
        if path in self.pages:
            return self._send(self.pages[path].encode(), "text/html; charset=utf-8")
        if path == "/static/fieldwork/sw.js":
            return self._send(_service_worker(), "text/javascript")
        if not path.startswith("/static/") or path.endswith("/"):
            return self.send_error(404)
        self.path = self.path.removeprefix("/static")
        return super().do_GET()

    def _send(self, body: bytes, content_type: str):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _service_worker() -> bytes:
    """sw.js as the server serves it: the files to keep, each with a hash as revision."""
    entries = [
        {"url": f"/static/{p}", "revision": hashlib.sha256((STATIC / p).read_bytes()).hexdigest()}
        for p in precache_paths()
    ]
    source = (FIELD / "sw.js").read_text(encoding="utf-8")
    return source.replace("self.__WB_MANIFEST", json.dumps(entries)).encode()


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(STATIC)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def _errors(browser) -> list[str]:
    """Console errors other than the requests the test itself cut off."""
    return [e for e in browser.errors if "Failed to load resource" not in e]


def _states(page) -> list[tuple[str, str]]:
    rows = page.eval_on_selector_all(
        "[data-outbox] li",
        "rows => rows.map(r => [r.dataset.state, r.querySelector('.badge').textContent])",
    )
    return [tuple(row) for row in rows]


@browser_test
def test_the_outbox_keeps_items_across_a_reload_and_sends_them_in_one_batch(browser, server):
    page = open_page(browser, 412, 900)
    page.route("**/api/v1/field/sync", lambda route: route.abort("internetdisconnected"))
    page.goto(f"{server}/field/")
    page.evaluate(
        """async () => {
          await ggOutbox.enqueue("visit", {findings: "独居老人身体良好",
              photo: new File([new Uint8Array([137, 80, 78, 71])], "门牌.png", {type: "image/png"})});
          await ggOutbox.enqueue("diary_item", {content: "楼道堆放杂物"});
        }"""
    )

    page.reload()  # and its flush on load finds no network

    page.wait_for_selector("[data-outbox] li")
    assert _states(page) == [("waiting", "待发送"), ("waiting", "待发送")]
    assert page.text_content("[data-outbox-count]") == "2"
    assert page.evaluate("ggOutbox.list().then(items => items[0].payload.photo instanceof Blob)")

    sent = []

    def sync(route):
        request = route.request
        sent.append((request.headers, request.post_data_json))
        visit, diary = request.post_data_json["items"]
        answers = [
            {"client_id": visit["client_id"], "status": "stored", "id": 41},
            {"client_id": diary["client_id"], "status": "refused", "reason": "该户已迁出"},
        ]
        route.fulfill(status=200, json={"items": answers})

    page.unroute("**/api/v1/field/sync")
    page.route("**/api/v1/field/sync", sync)
    page.click("[data-outbox-flush]")

    page.wait_for_selector("[data-outbox] li[data-state=refused]")
    [(headers, body)] = sent
    assert headers["x-csrftoken"] == "token-7" and headers["content-type"] == "application/json"
    visit, diary = body["items"]
    assert visit["kind"] == "visit" and diary["kind"] == "diary_item"
    assert re.fullmatch(r"[0-9a-f-]{36}", visit["client_id"])
    assert visit["payload"]["findings"] == "独居老人身体良好"
    assert visit["payload"]["photo"] == {
        "filename": "门牌.png",
        "content_type": "image/png",
        "base64": "iVBORw==",
    }
    assert diary["payload"] == {"content": "楼道堆放杂物"}
    assert sorted(_states(page)) == [("refused", "被拒绝（该户已迁出）"), ("stored", "已保存")]
    assert page.is_hidden("[data-outbox-count]")
    assert page.text_content("[data-outbox-status]") == "已发送 1 条"

    # Nothing waits any more: flushing again sends nothing.
    assert page.evaluate("ggOutbox.flush().then(r => r.waiting)") == 0
    assert len(sent) == 1
    # Another worker on the same phone sees none of these.
    page.evaluate("document.body.dataset.outboxOwner = '8'")
    assert page.evaluate("ggOutbox.list().then(items => items.length)") == 0
    assert _errors(browser) == []


@browser_test
def test_a_form_is_kept_in_the_outbox_when_offline_or_the_post_fails(browser, server):
    page = open_page(browser, 412, 900)
    page.route("**/api/v1/field/sync", lambda route: route.abort("internetdisconnected"))
    page.route("**/field/visits/new/", lambda route: route.abort("connectionreset"))
    page.goto(f"{server}/field/")

    page.fill("[name=findings]", "外墙瓷砖松动")
    page.click("button[type=submit]")  # online, but the post gets no answer

    page.wait_for_selector("text=已离线保存，联网后自动发送")
    page.context.set_offline(True)
    page.fill("[name=findings]", "楼道灯不亮")
    page.click("button[type=submit]")

    page.wait_for_function("document.querySelectorAll('[data-outbox] li').length === 2")
    items = page.evaluate("ggOutbox.list()")
    assert [i["payload"] for i in items] == [
        {"findings": "外墙瓷砖松动", "household": "12"},
        {"findings": "楼道灯不亮", "household": "12"},
    ]
    assert {i["kind"] for i in items} == {"visit"} and page.input_value("[name=findings]") == ""
    assert page.text_content("[data-outbox-status]") == "当前离线，联网后自动发送"
    assert _errors(browser) == []


@browser_test
def test_a_form_with_errors_online_shows_them_and_keeps_nothing(browser, server):
    page = open_page(browser, 412, 900)
    answer = (
        '<html><body><form id="visit-form" method="post" action="/field/visits/new/" '
        'data-offline-kind="visit"><input name="findings" value="x">'
        '<div class="invalid-feedback d-block">请写明走访发现。</div></form></body></html>'
    )
    page.route(
        "**/field/visits/new/",
        lambda route: route.fulfill(status=400, body=answer, content_type="text/html"),
    )
    page.goto(f"{server}/field/")

    page.fill("[name=findings]", "x")
    page.click("button[type=submit]")

    page.wait_for_selector("text=请写明走访发现。")
    assert page.input_value("[name=findings]") == "x"
    assert page.evaluate("ggOutbox.list().then(items => items.length)") == 0


@browser_test
def test_the_service_worker_opens_kept_pages_and_their_files_without_a_network(browser, server):
    # The test pages stand under /static/fieldwork/, the scope of sw.js served from there.
    kept = "caches.open('gridgov-field-pages').then(c => c.match('{}'))"
    page = open_page(browser, 412, 900)
    page.goto(f"{server}/static/fieldwork/shell.html")  # pwa.js registers the worker
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function(kept.format("/static/fieldwork/visit.html"))  # linked, kept ahead
    page.reload()  # now through the worker, which keeps the page itself

    page.context.set_offline(True)
    page.reload()

    assert page.text_content("#shell") == "今日工作"
    assert page.evaluate("typeof idb.openDB") == "function"  # from the precache
    page.goto(f"{server}/static/fieldwork/visit.html")  # never opened, kept ahead
    assert page.text_content("#visit") == "走访记录"
    page.goto(f"{server}/static/fieldwork/never-opened.html")
    assert "当前离线，此页面尚未保存到手机" in page.text_content("body")

    # Logging out drops the kept pages (the submit itself is not sent here).
    page.context.set_offline(False)
    page.goto(f"{server}/static/fieldwork/shell.html")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.evaluate(
        "document.getElementById('gg-logout').dispatchEvent(new Event('submit', {bubbles: true}))"
    )
    page.wait_for_function("caches.has('gridgov-field-pages').then(has => !has)")
    assert _errors(browser) == []

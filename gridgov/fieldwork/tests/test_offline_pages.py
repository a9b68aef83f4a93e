"""The phone pages' offline wiring on the server: the service worker at /field/sw.js
with its files to keep, the phone base template's head and scripts, each offline form
marked with its kind and queuing exactly the fields the sync endpoint takes for that
kind (one mapping: the page's own form), the outbox page and the phone's case report.
"""

import hashlib
import json
import re
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import timezone

from gridgov.cases.models import Case
from gridgov.fieldwork.models import ConvenienceService, DiaryItem, Request, Visit
from gridgov.fieldwork.offline_views import precache_paths
from gridgov.testing import login

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture
def worker_client(client, field):
    return login(client, field["worker"])


# -- the service worker -----------------------------------------------------------------


def test_the_service_worker_is_served_in_the_field_scope_with_its_files_to_keep(worker_client):
    response = worker_client.get("/field/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/field/"
    assert response["Cache-Control"] == "no-cache"
    source = response.content.decode()
    assert "self.__WB_MANIFEST" not in source
    listed = json.loads(re.search(r"const PRECACHE = (\[.*?\]) \|\| \[\];", source).group(1))
    assert [e["url"] for e in listed] == [f"/static/{p}" for p in precache_paths()]
    for entry in listed:
        path = STATIC / entry["url"].removeprefix("/static/")
        assert entry["revision"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_service_worker_needs_a_signed_in_field_user(client, personas):
    assert client.get("/field/sw.js").status_code == 302  # to the login page
    login(client, personas["department_staff"])
    assert client.get("/field/sw.js").status_code == 403


# -- the phone base template ----------------------------------------------------------------


def test_a_phone_page_installs_as_the_app_and_loads_the_offline_scripts(worker_client):
    html = worker_client.get("/field/diary/").content.decode()

    assert '<link rel="manifest" href="/static/fieldwork/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#1f4e96">' in html
    assert 'rel="apple-touch-icon" href="/static/fieldwork/icons/icon-192.png"' in html
    assert 'data-field-sw="/field/sw.js"' in html
    owner = re.search(r'data-outbox-owner="(\d+)"', html).group(1)
    assert owner == str(worker_client.session["_auth_user_id"])
    scripts = re.findall(r'<script src="([^"]+)" nonce="([^"]+)"', html)
    urls = [url for url, _nonce in scripts]
    order = ["idb-8.0.4/umd.js", "outbox.js", "outbox-view.js", "pwa.js"]
    found = [next(i for i, u in enumerate(urls) if u.endswith(name)) for name in order]
    assert found == sorted(found)
    assert all(nonce for _url, nonce in scripts)
    for link in ("/field/visits/due/", "/field/diary/", "/field/outbox/", "/field/report/"):
        assert re.search(rf'href="{link}" data-offline-page', html), link


def test_the_households_due_a_visit_are_kept_for_offline_with_their_visit_forms(
    worker_client, field, tree, settings
):
    from gridgov.fieldwork import rule_actions
    from gridgov.people.models import Household

    rule_actions.add_default_rules(field["street_staff"], tree["street"])
    Household.objects.update(created_at="2020-01-01T00:00:00+08:00")

    html = worker_client.get("/field/visits/due/").content.decode()

    h101 = field["households"]["101"]
    assert re.search(
        rf'href="/field/visits/new/\?household={h101.pk}&(amp;)?kind=\w+" data-offline-page', html
    )


# -- each offline form queues what the sync endpoint takes ---------------------------------


class _Forms(HTMLParser):
    """The forms of a page marked data-offline-kind, with the fields FormData would
    read from them as the page is served (outbox.js payloadOf)."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-offline-kind" in attrs:
            self.current = self.forms[attrs["data-offline-kind"]] = {
                "id": attrs.get("id"),
                "fields": {},
            }
        if self.current is None:
            return
        fields = self.current["fields"]
        if (
            tag == "input"
            and attrs.get("name")
            and attrs.get("type") not in ("checkbox", "radio", "file")
        ):
            fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "input" and attrs.get("type") == "radio" and "checked" in attrs:
            fields[attrs["name"]] = attrs.get("value")
        elif tag == "textarea" and attrs.get("name"):
            fields[attrs["name"]] = ""
        elif tag == "select" and attrs.get("name"):
            self.select = {"name": attrs["name"], "multiple": "multiple" in attrs, "first": None}
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        if tag == "select" and self.select:
            chosen = self.select.get(
                "chosen", None if self.select["multiple"] else self.select["first"]
            )
            if chosen is not None:  # FormData leaves out a multiple select with nothing chosen
                self.current["fields"][self.select["name"]] = chosen
            self.select = None


def offline_form(client, url: str, kind: str) -> dict:
    parser = _Forms()
    parser.feed(client.get(url).content.decode())
    form = parser.forms[kind]
    assert form["id"], f"{url}: the form needs an id to show its errors in place"
    assert "client_id" in form["fields"], url
    return form["fields"]


def sync_one(client, kind: str, payload: dict) -> dict:
    payload = {k: v for k, v in payload.items() if k != "csrfmiddlewaretoken"}
    body = {"items": [{"client_id": str(uuid.uuid4()), "kind": kind, "payload": payload}]}
    response = client.post("/api/v1/field/sync", body, content_type="application/json")
    [answer] = response.json()["items"]
    return answer


def test_the_visit_form_queues_what_the_sync_stores(worker_client, field):
    h101 = field["households"]["101"]
    fields = offline_form(worker_client, f"/field/visits/new/?household={h101.pk}", "visit")

    assert fields["household"] == str(h101.pk) and fields["household_version"]
    fields |= {"findings": "独居老人身体良好", "fix0_resident": "", "fix0_field": ""}
    answer = sync_one(worker_client, "visit", fields)

    assert answer["status"] == "stored", answer
    assert Visit.objects.get(pk=answer["id"]).findings == "独居老人身体良好"


def test_the_diary_form_queues_what_the_sync_stores(worker_client):
    fields = offline_form(worker_client, "/field/diary/", "diary_item")

    assert "day" not in fields  # today's page: the day is the phone's day of recording
    answer = sync_one(
        worker_client, "diary_item", fields | {"kind": "hazard", "text": "楼道堆放杂物"}
    )

    assert answer["status"] == "stored", answer
    assert DiaryItem.objects.get().entry.day == timezone.localdate()


def test_a_past_days_diary_form_carries_its_day(worker_client):
    day = timezone.localdate() - timezone.timedelta(days=2)
    fields = offline_form(worker_client, f"/field/diary/?day={day:%Y-%m-%d}", "diary_item")

    answer = sync_one(worker_client, "diary_item", fields | {"kind": "opinion", "text": "补记"})

    assert answer["status"] == "stored" and DiaryItem.objects.get().entry.day == day


def test_the_request_form_queues_what_the_sync_stores(worker_client):
    fields = offline_form(worker_client, "/field/requests/new/", "request")

    answer = sync_one(
        worker_client,
        "request",
        fields | {"requester_name": "张三", "household": "HH-101", "content": "路灯不亮"},
    )

    assert answer["status"] == "stored", answer
    assert Request.objects.get().requester.name == "张三"


def test_the_service_form_queues_what_the_sync_stores(worker_client):
    fields = offline_form(worker_client, "/field/services/new/", "service")

    answer = sync_one(
        worker_client,
        "service",
        fields | {"household": "HH-101", "kind": "errand", "minutes": "20"},
    )

    assert answer["status"] == "stored", answer
    assert ConvenienceService.objects.get().minutes == 20


def test_the_case_report_form_queues_what_the_sync_stores(worker_client, category):
    fields = offline_form(worker_client, "/field/report/", "case")

    fields |= {
        "category": str(category.pk),
        "title": "井盖缺失",
        "lon": "113.2425",
        "lat": "23.1025",
    }
    answer = sync_one(worker_client, "case", fields)

    assert answer["status"] == "stored", answer
    assert Case.objects.get(pk=answer["id"]).title == "井盖缺失"


def test_an_empty_form_is_refused_with_the_pages_words(worker_client):
    answer = sync_one(
        worker_client, "request", offline_form(worker_client, "/field/requests/new/", "request")
    )

    assert answer["status"] == "refused"
    assert "诉求人姓名" in answer["reason"] and "诉求内容" in answer["reason"]


# -- the pages store a form's client id once --------------------------------------------------


def test_a_page_post_sent_again_with_its_client_id_is_stored_once(worker_client):
    client_id = str(uuid.uuid4())
    data = {"kind": "opinion", "text": "噪音扰民", "client_id": client_id}

    worker_client.post("/field/diary/", data)
    worker_client.post("/field/diary/", data)
    answer = sync_one(worker_client, "diary_item", {"kind": "opinion", "text": "噪音扰民"})

    assert DiaryItem.objects.filter(client_id=client_id).count() == 1
    again = {"items": [{"client_id": client_id, "kind": "diary_item", "payload": data}]}
    response = worker_client.post("/api/v1/field/sync", again, content_type="application/json")
    assert response.json()["items"][0]["status"] == "duplicate"
    assert answer["status"] == "stored" and DiaryItem.objects.count() == 2


def test_the_phone_case_report_stores_a_client_id_once(worker_client, category):
    client_id = str(uuid.uuid4())
    data = {
        "client_id": client_id,
        "category": category.pk,
        "title": "垃圾堆放",
        "lon": "113.2425",
        "lat": "23.1025",
        "coords": "wgs84",
        "priority": "normal",
        "source": "grid_worker",
    }

    first = worker_client.post("/field/report/", data)
    second = worker_client.post("/field/report/", data)

    case = Case.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/cases/{case.pk}/"
    assert case.source_ref == f"phone:{client_id}"


def test_the_phone_case_report_shows_field_errors_in_chinese(worker_client, category):
    response = worker_client.post("/field/report/", {"title": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写标题。" in html and "请选择案件小类。" in html


# -- the outbox page ----------------------------------------------------------------------------


def test_the_outbox_page_frames_the_phones_list_in_chinese(
    worker_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = worker_client.get("/field/outbox/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "data-outbox" in html and "data-outbox-flush" in html
    assert 'data-label-waiting="待发送"' in html
    kinds = json.loads(re.search(r"data-kind-labels='([^']+)'", html).group(1))
    assert set(kinds) == {"visit", "diary_item", "request", "service", "case"}

"""The English interface really works, and the translation file stays complete.

The msgids are the Chinese originals, so a string nobody translated shows up in
Chinese on an English page: the .po checks below catch that before a user does. The
compiled .mo is committed too (a fresh machine needs no gettext), so it must match.
"""

import ast
import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from gridgov.core.navigation import NAV_ITEMS
from gridgov.testing import login

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
PO_FILE = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{.*?\}\}")
HAN = re.compile(r"[\u3400-\u9fff]")


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr / msgstr[n], flags."""
    entries, entry, key = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["flags"] = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def translations(entry: dict) -> list[str]:
    return [value for name, value in entry.items() if name.startswith("msgstr")]


def key_of(entry: dict) -> tuple:
    return (entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"))


def messages() -> list[dict]:
    """Every entry but the header (whose msgid is empty)."""
    return [entry for entry in read_po(PO_FILE) if entry["msgid"]]


def nav_labels(language: str) -> list[str]:
    with translation.override(language):
        return [str(item.label) for item in NAV_ITEMS]


def chrome_labels(language: str) -> list[str]:
    """Header and menu text of base.html that every logged-in page shows."""
    with translation.override(language):
        return [
            translation.gettext(text)
            for text in ("工作台", "修改密码", "API 令牌", "双因素认证", "退出登录", "界面语言")
        ]


def test_the_language_switch_turns_the_menu_into_english(client, personas):
    leader = personas["street_leader"]
    login(client, leader)
    # Chinese first, so the cached page shell exists before the switch.
    assert "工作台" in client.get("/").content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    text = client.get("/").content.decode()

    assert '<html lang="en">' in text
    assert "Dashboard" in text and "Log out" in text and "Change password" in text
    shown = [
        item for item in NAV_ITEMS if not item.capability or leader.has_capability(item.capability)
    ]
    assert len(shown) >= 2  # the leader sees more than the dashboard
    with translation.override("en"):
        for item in shown:
            assert str(item.label) in text
    for chinese in nav_labels("zh-hans") + chrome_labels("zh-hans"):
        assert chinese not in text, chinese


def test_chinese_is_the_default_without_a_language_cookie(client, personas):
    login(client, personas["street_leader"])
    text = client.get("/").content.decode()
    assert '<html lang="zh-CN">' in text
    assert "工作台" in text and "退出登录" in text
    for english in nav_labels("en") + chrome_labels("en"):
        assert english not in text, english


def test_the_login_page_follows_an_english_browser(client, db):
    text = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in text
    assert "Log in" in text and "Username" in text and "Password" in text
    assert "Community Grid Service and Management Platform" in text
    assert not HAN.search(text.replace("简体中文", ""))


def test_the_login_page_stays_chinese_for_a_chinese_browser(client, db):
    text = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "用户名" in text and "Username" not in text


def test_every_entry_of_the_po_file_is_translated_and_not_fuzzy():
    entries = messages()
    assert len(entries) > 100
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", ())]
    empty = [e["msgid"] for e in entries if not all(s.strip() for s in translations(e))]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not empty, f"untranslated entries: {empty}"
    header = read_po(PO_FILE)[0]
    assert "fuzzy" not in header.get("flags", ()), "a fuzzy header makes msgfmt skip it"


def test_translations_keep_every_placeholder():
    for entry in messages():
        expected = sorted(PLACEHOLDER.findall(entry["msgid"]))
        for text in translations(entry):
            assert sorted(PLACEHOLDER.findall(text)) == expected, entry["msgid"]


def test_english_text_contains_no_chinese():
    leftovers = [e["msgid"] for e in messages() if any(HAN.search(s) for s in translations(e))]
    assert not leftovers, f"Chinese left in English text: {leftovers}"


def test_the_compiled_mo_matches_the_po():
    """The .mo is what Django reads: a .po edited without compilemessages changes nothing."""
    with MO_FILE.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for entry in messages():
        context, msgid, plural = entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural")
        if plural:
            got = [
                catalog.npgettext(context, msgid, plural, n)
                if context
                else catalog.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
            want = [entry["msgstr[0]"], entry["msgstr[1]"]]
        else:
            got = catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)
            want = entry["msgstr"]
        assert got == want, f"{msgid!r}: run compilemessages"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext to extract")
def test_every_string_marked_in_the_source_is_in_the_po(tmp_path, settings, monkeypatch):
    """Runs makemessages on a copy of the source and compares: a new gettext string that
    was never extracted and translated fails here instead of showing up in Chinese."""
    source = Path(settings.BASE_DIR)
    copy = tmp_path / "gridgov"
    shutil.copytree(
        source,
        copy,
        ignore=shutil.ignore_patterns("vendor", "locale", "__pycache__", "*.pyc"),
    )
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], ignore_patterns=["static/vendor/*"], verbosity=0)

    extracted = {key_of(e) for e in read_po(copy / "locale/en/LC_MESSAGES/django.po")}
    committed = {key_of(e) for e in read_po(PO_FILE)}
    missing = sorted(str(key) for key in extracted - committed)
    assert not missing, f"run makemessages and translate: {missing}"


def test_english_export_headers_import_back():
    """An area sheet exported in English must import as it is, like a Chinese one."""
    from gridgov.core.spreadsheets import norm
    from gridgov.places.io import AREA_SHEET

    keys = AREA_SHEET.header_keys()
    with translation.override("en"):
        for column in AREA_SHEET.columns:
            assert keys[norm(column.label)] == column.key

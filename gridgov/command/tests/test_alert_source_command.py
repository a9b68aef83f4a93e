"""`manage.py alert_source`: an operator adds a video platform or AI box from the
server (the secret is printed once and works for signing), lists the sources without
their secrets, and disables one; each change is audited."""

import io

import pytest
from django.core.management import CommandError, call_command

from gridgov.command import signing
from gridgov.command.models import AlertSource
from gridgov.core.models import AuditEntry
from gridgov.core.protect import reveal


def _run(*args) -> str:
    out = io.StringIO()
    call_command("alert_source", *args, stdout=out)
    return out.getvalue()


def _printed(text: str, label: str) -> str:
    return next(line.split("：", 1)[1] for line in text.splitlines() if line.startswith(label))


def test_add_prints_the_key_id_and_a_secret_that_signs(tree):
    text = _run("add", "--name", "视频监控平台", "--street", "440105008", "--merge-minutes", "15")
    source = AlertSource.objects.get()
    key_id, secret = _printed(text, "接入标识"), _printed(text, "密钥")
    assert key_id == source.key_id and source.is_active
    assert (source.name, source.street, source.merge_minutes) == (
        "视频监控平台",
        tree["street"],
        15,
    )
    assert reveal(source.secret_cipher) == secret and secret not in source.secret_cipher
    body = b'{"alert_id": "1"}'
    headers = signing.signed_headers(key_id, secret, body, now=1_800_000_000)
    assert headers[signing.SIGNATURE_HEADER] == signing.sign(
        reveal(source.secret_cipher), 1_800_000_000, body
    )
    entry = AuditEntry.objects.get(action="alert_source.create")
    assert entry.actor is None and secret not in str(entry.after)


def test_add_refuses_an_unknown_street_a_community_or_a_bad_window(tree):
    with pytest.raises(CommandError, match="找不到代码为 440105099 的街道"):
        _run("add", "--name", "平台", "--street", "440105099")
    with pytest.raises(CommandError, match="找不到代码为 440105008101 的街道"):
        _run("add", "--name", "平台", "--street", "440105008101")
    with pytest.raises(CommandError, match="merge-minutes"):
        _run("add", "--name", "平台", "--street", "440105008", "--merge-minutes", "0")
    with pytest.raises(CommandError, match="请填写接入方名称"):
        _run("add", "--name", "  ", "--street", "440105008")
    assert not AlertSource.objects.exists()


def test_list_shows_every_source_without_its_secret(tree):
    first = _run("add", "--name", "视频监控平台", "--street", "440105008")
    _run("add", "--name", "AI智能分析盒", "--street", "440105009")
    text = _run("list")
    assert "视频监控平台" in text and "AI智能分析盒" in text and "440105009" in text
    assert _printed(first, "密钥") not in text
    assert text.count("启用") == 2


def test_list_says_when_there_is_none(db):
    assert "还没有告警接入方" in _run("list")


def test_disable_stops_a_source_and_is_audited(tree):
    key_id = _printed(_run("add", "--name", "平台", "--street", "440105008"), "接入标识")
    assert "已停用接入方“平台”" in _run("disable", key_id)
    assert not AlertSource.objects.get().is_active
    assert AuditEntry.objects.filter(action="alert_source.disable").count() == 1
    assert "已是停用状态" in _run("disable", key_id)
    assert AuditEntry.objects.filter(action="alert_source.disable").count() == 1
    assert "已停用" in _run("list")
    with pytest.raises(CommandError, match="找不到接入标识为 src_nothing"):
        _run("disable", "src_nothing")

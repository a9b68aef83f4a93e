"""QuickSelect writes the markup forms.Select renders through its templates."""

import re

import pytest
from django import forms

from gridgov.core.widgets import QuickSelect

CHOICES = [
    ("", "全部"),
    ("鳌洲社区", [(1, "鳌洲第一网格"), (2, "鳌洲<第二>网格")]),
    ("福安社区", [(3, "福安第一网格")]),
    (4, "无社区的网格 & 其他"),
]


def _tidy(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", "2", 4, "nonsense"])
def test_the_same_markup_as_django_select(value):
    plain = forms.Select(attrs={"class": "form-select"}, choices=CHOICES)
    quick = QuickSelect(attrs={"class": "form-select"}, choices=CHOICES)
    attrs = {"id": "id_grid"}
    assert _tidy(quick.render("grid", value, attrs)) == _tidy(plain.render("grid", value, attrs))

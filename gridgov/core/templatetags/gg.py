"""Small display filters used across pages."""

from django import template

from gridgov.core.audit import action_label
from gridgov.core.masking import mask_id_number, mask_phone

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.filter
def cn_number(value):
    """12345 → 12,345 (grouped digits read fastest on dashboards)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "—"


@register.filter
def km2(value):
    """Square metres → square kilometres with two decimals."""
    try:
        return f"{float(value) / 1_000_000:.2f}"
    except (TypeError, ValueError):
        return "—"


register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)
register.filter("action_label", action_label)

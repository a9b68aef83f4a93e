"""The visit rules a street's staff keep (走访规则): save one, or start from the usual
set. A rule is never deleted, only switched off: the due lists of the past were
computed from it. See `fieldwork.rules` for how they are applied."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.scope import street_of
from gridgov.fieldwork.checks import choice, not_found
from gridgov.fieldwork.choices import RuleKind, VisitKind
from gridgov.fieldwork.models import VisitRule
from gridgov.people.models import FocusGroup
from gridgov.places.models import Area

RULES = "fieldwork.rules"
RULE_FIELDS = ("street", "kind", "focus_group", "interval_days", "visit_kind", "is_active")
# The usual set (issue 16): every household once a year, elderly living alone weekly,
# disabled monthly, rented dwellings every 90 days, a new arrival within 7 days.
# (kind, focus group code, days, visit kind)
DEFAULT_RULES = (
    (RuleKind.YEARLY, None, 365, VisitKind.ROUTINE),
    (RuleKind.FOCUS_GROUP, "elderly_alone", 7, VisitKind.ELDERLY_ALONE),
    (RuleKind.FOCUS_GROUP, "disabled", 30, VisitKind.FOCUS_CARE),
    (RuleKind.RENTAL, None, 90, VisitKind.RENTAL_CHECK),
    (RuleKind.NEW_ARRIVAL, None, 7, VisitKind.NEW_ARRIVAL),
)


def _street(actor, street) -> Area:
    check_capability(actor, RULES)
    pk = street.pk if hasattr(street, "pk") else street
    try:
        own = street_of(actor, int(pk))
    except (TypeError, ValueError):
        own = None
    if own is None:
        raise not_found("street")
    return Area.objects.only("id", "code", "name").get(pk=own)


def _interval(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ActionError(_("间隔应为整数天。"), "interval_days") from None
    if not 1 <= days <= 3660:
        raise ActionError(_("间隔应在 1 到 3660 天之间。"), "interval_days")
    return days


def save_rule(
    actor, street, *, kind, interval_days, visit_kind, focus_group=None, is_active=True
) -> VisitRule:
    """Set a street's rule of one kind (of one focus group): made if missing."""
    street = _street(actor, street)
    kind = choice(kind, RuleKind, "kind", _("规则"))
    visit_kind = choice(visit_kind, VisitKind, "visit_kind", _("走访类型"))
    group = None
    if kind == RuleKind.FOCUS_GROUP:
        pk = focus_group.pk if hasattr(focus_group, "pk") else focus_group
        group = FocusGroup.objects.filter(pk=pk).first() if pk else None
        if group is None:
            raise ActionError(_("请选择重点人群。"), "focus_group")
    values = {
        "interval_days": _interval(interval_days),
        "visit_kind": visit_kind,
        "is_active": bool(is_active),
    }
    try:
        with transaction.atomic():
            rule, made = VisitRule.objects.select_for_update().get_or_create(
                street=street, kind=kind, focus_group=group, defaults=values
            )
            before = None if made else audit.snapshot(rule, RULE_FIELDS)
            for name, value in values.items():
                setattr(rule, name, value)
            rule.save()
            after = audit.snapshot(rule, RULE_FIELDS)
            if before != after:
                audit.record(actor, "visit_rule.save", rule, before=before, after=after)
    except IntegrityError:  # made at the same moment by someone else
        raise ActionError(_("规则已被他人修改，请刷新后重试。"), status=409) from None
    return rule


def add_default_rules(actor, street) -> list[VisitRule]:
    """Add the usual rules a street does not have yet (those of focus groups it does not
    keep are skipped); returns the rules added."""
    street = _street(actor, street)
    groups = {g.code: g for g in FocusGroup.objects.filter(is_active=True)}
    have = set(VisitRule.objects.filter(street=street).values_list("kind", "focus_group_id"))
    added = []
    for kind, code, days, visit_kind in DEFAULT_RULES:
        group = groups.get(code) if code else None
        if (code and group is None) or (kind, group.pk if group else None) in have:
            continue
        added.append(
            save_rule(
                actor,
                street,
                kind=kind,
                focus_group=group,
                interval_days=days,
                visit_kind=visit_kind,
            )
        )
    return added

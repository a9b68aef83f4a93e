"""Which households are due a home visit, and why, by their street's visit rules.

A household is due under a rule when the rule's interval has passed since its last
visit (since it was recorded, if never visited):

- every household (yearly): last visit + interval;
- a focus group: the same, for households with a living member currently in the group;
- rented dwellings: the same, for households living in a rented dwelling;
- a new arrival (a member moved in, or the household moved here, within the last
  ARRIVAL_LOOKBACK_DAYS): arrival + interval, unless visited on or after the arrival.

Any visit of the household resets every rule's clock: a home visit sees the whole
household. A household with nobody living in it is never due.

The filter runs in SQL — one query for the rules, one for the households due with
their last visit, arrival and group memberships as columns — so a community's 1,700
households cost two queries; only the due dates of the rows returned are worked out
here. A sensitive focus group (disability…) is named only to users who may see it;
to others the reason reads "重点人群关爱".
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.fieldwork.choices import RuleKind
from gridgov.fieldwork.models import Visit, VisitRule
from gridgov.people.choices import ResidentStatus
from gridgov.people.models import FocusMembership, HouseholdEvent, HouseholdEventKind

ARRIVAL_LOOKBACK_DAYS = 30
ARRIVALS = (HouseholdEventKind.MOVED_IN, HouseholdEventKind.MOVED_DWELLING)
OVERDUE, DUE, SOON = "overdue", "due", "soon"


@dataclass(frozen=True)
class Reason:
    """One rule a household is due under."""

    rule: VisitRule
    label: str
    due_on: datetime.date
    since: datetime.date | None  # the last visit (the arrival, for a new arrival)


@dataclass
class DueVisit:
    household: object
    last_visit: datetime.date | None
    reasons: list[Reason] = field(default_factory=list)
    today: datetime.date | None = None

    @property
    def due_on(self) -> datetime.date:
        return self.reasons[0].due_on

    @property
    def status(self) -> str:
        if self.due_on < self.today:
            return OVERDUE
        return DUE if self.due_on == self.today else SOON

    @property
    def overdue_days(self) -> int:
        return max((self.today - self.due_on).days, 0)

    @property
    def visit_kind(self) -> str:
        return self.reasons[0].rule.visit_kind


def active_rules(street_ids) -> list[VisitRule]:
    """The rules in force in the streets (ids, or a query of them)."""
    return list(
        VisitRule.objects.filter(street_id__in=street_ids, is_active=True)
        .select_related("focus_group")
        .order_by("interval_days", "id")
    )


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


def _in_group(group_id: int) -> Exists:
    return Exists(
        FocusMembership.objects.filter(
            resident__household=OuterRef("pk"),
            resident__status=ResidentStatus.LIVING,
            ended_on__isnull=True,
            group_id=group_id,
        )
    )


def _annotated(households, rules, today: datetime.date):
    last = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_at")
    last = Subquery(last.values("visited_at")[:1])
    columns = {"last_visit_at": last, "base_at": Coalesce(last, "created_at")}
    if any(r.kind == RuleKind.NEW_ARRIVAL for r in rules):
        arrivals = HouseholdEvent.objects.filter(
            household=OuterRef("pk"),
            kind__in=ARRIVALS,
            happened_on__gte=today - datetime.timedelta(days=ARRIVAL_LOOKBACK_DAYS),
        ).order_by("-happened_on")
        columns["arrival"] = Subquery(arrivals.values("happened_on")[:1])
        columns["last_visit_on"] = TruncDate("last_visit_at")
    for rule in rules:
        if rule.kind == RuleKind.FOCUS_GROUP:
            columns[f"in_group_{rule.focus_group_id}"] = _in_group(rule.focus_group_id)
    return households.filter(member_count__gt=0).annotate(**columns)


def _condition(rule: VisitRule, limit: datetime.date) -> Q:
    """The households due under `rule` by the day `limit`, as a filter."""
    q = Q(street_id=rule.street_id)
    if rule.kind == RuleKind.NEW_ARRIVAL:
        unvisited = Q(last_visit_at__isnull=True) | Q(last_visit_on__lt=F("arrival"))
        latest = limit - datetime.timedelta(days=rule.interval_days)
        return q & Q(arrival__isnull=False, arrival__lte=latest) & unvisited
    q &= Q(base_at__lt=_midnight(limit - datetime.timedelta(days=rule.interval_days - 1)))
    if rule.kind == RuleKind.FOCUS_GROUP:
        q &= Q(**{f"in_group_{rule.focus_group_id}": True})
    elif rule.kind == RuleKind.RENTAL:
        q &= Q(dwelling__is_rental=True)
    return q


def _label(rule: VisitRule, user) -> str:
    if rule.kind != RuleKind.FOCUS_GROUP:
        return str(rule.get_kind_display())
    if rule.focus_group.is_visible_to(user):
        return _("%(group)s定期走访") % {"group": rule.focus_group.name}
    return _("重点人群关爱")


def _applies(rule: VisitRule, row) -> bool:
    if rule.street_id != row.street_id:
        return False
    if rule.kind == RuleKind.FOCUS_GROUP:
        return getattr(row, f"in_group_{rule.focus_group_id}")
    if rule.kind == RuleKind.RENTAL:
        return row.dwelling.is_rental
    return True


def _reasons(row, rules, user, limit) -> list[Reason]:
    last = timezone.localdate(row.last_visit_at) if row.last_visit_at else None
    base = timezone.localdate(row.base_at)
    reasons = []
    for rule in (r for r in rules if _applies(r, row)):
        days = datetime.timedelta(days=rule.interval_days)
        if rule.kind != RuleKind.NEW_ARRIVAL:
            reason = Reason(rule, _label(rule, user), base + days, last)
        elif row.arrival is not None and (last is None or last < row.arrival):
            reason = Reason(rule, _label(rule, user), row.arrival + days, row.arrival)
        else:
            continue
        if reason.due_on <= limit:
            reasons.append(reason)
    return sorted(reasons, key=lambda r: (r.due_on, r.rule.interval_days))


def due_visits(user, households, today: datetime.date | None = None, horizon: int = 0):
    """The households of `households` (already scoped: `visible_to(user)` and perhaps
    a grid) due a visit by `today` + `horizon` days, most overdue first."""
    today = today or timezone.localdate()
    limit = today + datetime.timedelta(days=horizon)
    rules = active_rules(households.order_by().values("street_id").distinct())
    if not rules:
        return []
    condition = Q(pk__in=[])
    for rule in rules:
        condition |= _condition(rule, limit)
    rows = (
        _annotated(households, rules, today)
        .filter(condition)
        .select_related("dwelling__building", "head")
        .only(
            "id",
            "number",
            "street_id",
            "grid_id",
            "created_at",
            "dwelling__room",
            "dwelling__unit",
            "dwelling__is_rental",
            "dwelling__building__name",
            "dwelling__building__address",
            "head__name",
        )
    )
    due = []
    for row in rows:
        reasons = _reasons(row, rules, user, limit)
        if reasons:
            last = timezone.localdate(row.last_visit_at) if row.last_visit_at else None
            due.append(DueVisit(row, last, reasons, today))
    due.sort(key=lambda d: (d.due_on, d.household.number))
    return due

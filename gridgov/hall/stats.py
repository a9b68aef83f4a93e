"""The supervision figures of the hall (统一监督评价): people served, applications
completed and on time, average wait and service time, satisfaction, for a day, a
month or a year, overall and per window, clerk or item.

One grouped aggregate per table (tickets, applications, ratings) over an indexed
(street, time) range gives both the rows and, summed, the totals; the rows' labels
come from one small lookup afterwards instead of a join in the aggregate. A year
still takes about 0.1–0.2 s on SQLite, so the figures are kept for a minute
(`CACHE_SECONDS`, per process) and the page says when they were counted.

Satisfaction counts 非常满意, 满意 and 基本满意 as satisfied, as the source's
99.93 % does.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gridgov.hall.models import (
    Application,
    ApplicationStatus,
    Rating,
    Score,
    ServiceItem,
    Ticket,
    TicketStatus,
    Window,
)

PERIODS = ("day", "month", "year")
# dimension: (ticket key, application key, rating key); an application counts at the
# window of the ticket it was taken from.
DIMENSIONS = {
    "window": ("window_id", "ticket__window_id", "window_id"),
    "clerk": ("clerk_id", "received_by_id", "clerk_id"),
    "item": ("item_id", "item_id", "item_id"),
}
DECIDED = Q(
    status__in=(ApplicationStatus.READY, ApplicationStatus.COLLECTED, ApplicationStatus.REJECTED)
)
TICKET_SUMS = {
    "served": Count("id", filter=Q(status=TicketStatus.DONE)),
    "wait_sum": Sum("wait_seconds"),
    "wait_n": Count("wait_seconds"),
    "service_sum": Sum("service_seconds"),
    "service_n": Count("service_seconds"),
}
APPLICATION_SUMS = {
    "received": Count("id"),
    "completed": Count("id", filter=DECIDED),
    "on_time": Count("id", filter=DECIDED & Q(decided_at__lte=F("due_at"))),
}
RATING_SUMS = {
    "ratings": Count("id"),
    "satisfied": Count("id", filter=Q(score__gte=Score.BASICALLY)),
}


def period_range(period: str, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the day, month or year holding `day`, in local time."""
    if period == "day":
        start, end = day, day + dt.timedelta(days=1)
    elif period == "month":
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
    else:
        start, end = day.replace(month=1, day=1), day.replace(year=day.year + 1, month=1, day=1)
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, zone),
        dt.datetime.combine(end, dt.time.min, zone),
    )


@dataclass
class Figures:
    served: int = 0
    wait_sum: int = 0
    wait_n: int = 0
    service_sum: int = 0
    service_n: int = 0
    received: int = 0
    completed: int = 0
    on_time_n: int = 0
    ratings: int = 0
    satisfied: int = 0

    def add(self, row: dict) -> None:
        for key, value in row.items():
            name = "on_time_n" if key == "on_time" else key
            if hasattr(self, name) and value:
                setattr(self, name, getattr(self, name) + value)

    @property
    def waited_min(self) -> float | None:
        return round(self.wait_sum / self.wait_n / 60, 1) if self.wait_n else None

    @property
    def service_min(self) -> float | None:
        return round(self.service_sum / self.service_n / 60, 1) if self.service_n else None

    @property
    def on_time(self) -> float | None:
        return round(100 * self.on_time_n / self.completed, 2) if self.completed else None

    @property
    def satisfaction(self) -> float | None:
        return round(100 * self.satisfied / self.ratings, 2) if self.ratings else None


def _grouped(queryset, key: str, sums: dict) -> list[dict]:
    return [
        {"key": row.pop(key), **row} for row in queryset.values(key).annotate(**sums).order_by()
    ]


def _labels(by: str, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if by == "window":
        return {pk: n for pk, n in Window.objects.filter(pk__in=keys).values_list("pk", "number")}
    if by == "clerk":
        users = get_user_model().objects.filter(pk__in=keys)
        return {
            pk: name or username
            for pk, name, username in users.values_list("pk", "full_name", "username")
        }
    return dict(ServiceItem.objects.filter(pk__in=keys).values_list("pk", "name"))


CACHE_SECONDS = 60


def counted(street_id: int, start, end, by: str):
    """(totals, rows, when counted): `figures`, kept for CACHE_SECONDS."""
    key = f"hall-stats:{street_id}:{start.isoformat()}:{end.isoformat()}:{by}"
    found = cache.get(key)
    if found is None:
        found = (*figures(street_id, start, end, by), timezone.now())
        cache.set(key, found, CACHE_SECONDS)
    return found


def figures(street_id: int, start, end, by: str) -> tuple[Figures, list[tuple[str, Figures]]]:
    """The period's totals and its rows per window, clerk or item (largest first by
    people served); three grouped queries and one for the labels."""
    ticket_key, application_key, rating_key = DIMENSIONS[by]
    tables = (
        (Ticket.objects.filter(street_id=street_id, issued_at__gte=start, issued_at__lt=end), ticket_key, TICKET_SUMS),
        (Application.objects.filter(street_id=street_id, received_at__gte=start, received_at__lt=end), application_key, APPLICATION_SUMS),
        (Rating.objects.filter(street_id=street_id, at__gte=start, at__lt=end), rating_key, RATING_SUMS),
    )  # fmt: skip
    total, rows = Figures(), {}
    for queryset, key, sums in tables:
        for row in _grouped(queryset, key, sums):
            group = row.pop("key")
            total.add(row)
            # What no window, clerk or item took (an application taken without a
            # ticket) is a row of its own, so the rows add up to the totals.
            if group is not None or any(row.values()):
                rows.setdefault(group, Figures()).add(row)
    # Lazy: the figures are cached for every language alike.
    labels = _labels(by, rows) | {None: gettext_lazy("未记录")}
    ordered = sorted(
        rows.items(), key=lambda kv: (kv[0] is None, -kv[1].served, -kv[1].received, kv[0] or 0)
    )
    return total, [(labels.get(key, "—"), f) for key, f in ordered]

"""The supervision figures of the hall (统一监督评价): people served, applications
completed and on time, average wait and service time, satisfaction, for a day, a
month or a year, overall and per window, clerk or item. Every figure is one
aggregate query over an indexed (street, time) range.

Satisfaction counts 非常满意, 满意 and 基本满意 as satisfied, as the source's
99.93 % does.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from gridgov.hall.models import Application, ApplicationStatus, Rating, Score, Ticket, TicketStatus

PERIODS = ("day", "month", "year")
DIMENSIONS = {
    # name: (ticket field, application field, rating field, label field)
    "window": ("window", None, "window", "window__number"),
    "clerk": ("clerk", "received_by", "clerk", "clerk__full_name"),
    "item": ("item", "item", "item", "item__name"),
}
SATISFIED = Q(score__gte=Score.BASICALLY)


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


def _minutes(seconds) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


@dataclass
class Figures:
    served: int
    waited_min: float | None
    service_min: float | None
    received: int
    completed: int
    on_time: float | None
    ratings: int
    satisfaction: float | None


def _tickets(street_id, start, end):
    return Ticket.objects.filter(street_id=street_id, issued_at__gte=start, issued_at__lt=end)


def _applications(street_id, start, end):
    return Application.objects.filter(
        street_id=street_id, received_at__gte=start, received_at__lt=end
    )


def _ratings(street_id, start, end):
    return Rating.objects.filter(street_id=street_id, at__gte=start, at__lt=end)


DECIDED = Q(
    status__in=(ApplicationStatus.READY, ApplicationStatus.COLLECTED, ApplicationStatus.REJECTED)
)
TICKET_FIGURES = {
    "served": Count("id", filter=Q(status=TicketStatus.DONE)),
    "waited": Avg("wait_seconds"),
    "service": Avg("service_seconds"),
}
APPLICATION_FIGURES = {
    "received": Count("id"),
    "completed": Count("id", filter=DECIDED),
    "on_time": Count("id", filter=DECIDED & Q(decided_at__lte=F("due_at"))),
}
RATING_FIGURES = {"ratings": Count("id"), "satisfied": Count("id", filter=SATISFIED)}


def _share(part, whole) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _figures(t: dict, a: dict, r: dict) -> Figures:
    return Figures(
        served=t.get("served") or 0,
        waited_min=_minutes(t.get("waited")),
        service_min=_minutes(t.get("service")),
        received=a.get("received") or 0,
        completed=a.get("completed") or 0,
        on_time=_share(a.get("on_time") or 0, a.get("completed") or 0),
        ratings=r.get("ratings") or 0,
        satisfaction=_share(r.get("satisfied") or 0, r.get("ratings") or 0),
    )


def summary(street_id: int, start, end) -> Figures:
    return _figures(
        _tickets(street_id, start, end).aggregate(**TICKET_FIGURES),
        _applications(street_id, start, end).aggregate(**APPLICATION_FIGURES),
        _ratings(street_id, start, end).aggregate(**RATING_FIGURES),
    )


def breakdown(street_id: int, start, end, by: str) -> list[tuple[str, Figures]]:
    """Figures per window, clerk or item, largest first by people served."""
    ticket_key, application_key, rating_key, label = DIMENSIONS[by]
    rows: dict = {}

    def collect(queryset, key, figures, slot):
        if key is None:
            return
        label_field = label.replace(DIMENSIONS[by][0], key, 1)
        for row in queryset.values(key, label_field).annotate(**figures).order_by():
            entry = rows.setdefault(
                row[key], {"label": row[label_field], "t": {}, "a": {}, "r": {}}
            )
            entry[slot] = row

    collect(_tickets(street_id, start, end), ticket_key, TICKET_FIGURES, "t")
    collect(_applications(street_id, start, end), application_key, APPLICATION_FIGURES, "a")
    collect(_ratings(street_id, start, end), rating_key, RATING_FIGURES, "r")
    out = [
        (entry["label"], _figures(entry["t"], entry["a"], entry["r"]))
        for key, entry in rows.items()
        if key is not None
    ]
    return sorted(out, key=lambda pair: (-pair[1].served, -pair[1].received, str(pair[0])))

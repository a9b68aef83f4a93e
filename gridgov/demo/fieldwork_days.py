"""The demo grid workers' year, day by day: which working days each was at work, and
when they patrolled.

Working days come from the case loop's working calendar (weekends, public holidays,
make-up days). The whole street shares its heavy-rain days (mostly April to
September: no patrol, or a short one) and its monthly training day (a patrol in the
afternoon at most). Each worker takes a few blocks of annual leave and a few sick
days (no patrol, no diary: the reader shows them missing), now and then forgets the
diary of a day at work, and skips a patrol on a few more. Patrols start between 08:30
and 09:30 for two to three hours; some days add one in the afternoon; a case the
worker reported in working hours falls inside that half-day's patrol (it was found on
it), the patrol stretched or added to hold it.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

LEAVE_BLOCKS = (1, 3)  # blocks of annual leave a year
LEAVE_DAYS = (2, 5)  # working days a block
SICK_DAYS = (0, 4)
FORGOTTEN_DIARY = 0.02  # of the days at work
SKIPPED_PATROL = 0.03
RAIN_DAYS = 12  # working days of heavy rain a year
AFTERNOON_PATROL = 0.2
MORNING = (dt.time(8, 0), dt.time(12, 20))
AFTERNOON = (dt.time(14, 0), dt.time(17, 50))


@dataclass
class Day:
    """One working day of one worker."""

    day: dt.date
    present: bool = True
    reason: str = ""  # leave, sick, rain, training
    diary: bool = True
    patrols: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    visits: int = 0
    off_patrol: list[dict] = field(default_factory=list)  # cases reported off a patrol


def _at(day: dt.date, hour: float) -> dt.datetime:
    start = dt.datetime.combine(day, dt.time.min, timezone.get_current_timezone())
    return start + dt.timedelta(hours=hour)


def street_days(calendar, first: dt.date, last: dt.date, rng: random.Random):
    """The working days from `first` to `last`, and which of them were rain days and
    training days for the whole street."""
    days = []
    day = first
    while day <= last:
        if calendar.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    wet = [d for d in days if 4 <= d.month <= 9] or days
    rain = set(rng.sample(wet, min(len(wet), round(RAIN_DAYS * len(days) / 250))))
    training = set()
    for month in sorted({(d.year, d.month) for d in days}):
        candidates = [d for d in days if (d.year, d.month) == month and d not in rain]
        if len(candidates) > 10:
            training.add(rng.choice(candidates[5:15]))
    return days, rain, training


def worker_days(days, rain, training, rng: random.Random) -> dict[dt.date, Day]:
    """One worker's year: leave and sick days, forgotten diaries, skipped patrols."""
    plan = {d: Day(d) for d in days}
    share = len(days) / 250  # of a year's working days
    if len(days) > 2 * LEAVE_DAYS[1]:
        for _ in range(_some(rng, rng.randint(*LEAVE_BLOCKS) * share)):
            first = rng.randrange(len(days) - LEAVE_DAYS[1])
            for d in days[first : first + rng.randint(*LEAVE_DAYS)]:
                plan[d].present, plan[d].reason, plan[d].diary = False, "leave", False
    for _ in range(_some(rng, rng.randint(*SICK_DAYS) * share)):
        d = plan[rng.choice(days)]
        d.present, d.reason, d.diary = False, "sick", False
    for d in plan.values():
        if not d.present:
            continue
        if d.day in rain:
            d.reason = "rain"
        elif d.day in training:
            d.reason = "training"
        if rng.random() < FORGOTTEN_DIARY:
            d.diary = False
    return plan


def _some(rng: random.Random, expected: float) -> int:
    """A whole number with the expected value given."""
    whole = int(expected)
    return whole + (rng.random() < expected - whole)


def plan_patrols(day: Day, reported: list[dt.datetime], rng: random.Random) -> None:
    """The day's patrols, holding the cases the worker reported in working hours."""
    if not day.present:
        return
    morning_cases = [t for t in reported if _in(t, MORNING)]
    afternoon_cases = [t for t in reported if _in(t, AFTERNOON)]
    windows = []
    if day.reason == "rain":
        if morning_cases or rng.random() < 0.3:
            start = rng.uniform(8.6, 9.5)
            windows.append([start, start + rng.uniform(0.6, 1.2), morning_cases])
    elif day.reason != "training" and (morning_cases or rng.random() > SKIPPED_PATROL):
        start = rng.uniform(8.55, 9.5)
        windows.append([start, min(start + rng.uniform(2.0, 3.0), 12.2), morning_cases])
    if afternoon_cases or (
        day.reason in ("", "training") and rng.random() < (0.6 if day.reason else AFTERNOON_PATROL)
    ):
        start = rng.uniform(14.4, 15.2)
        windows.append([start, min(start + rng.uniform(1.0, 2.0), 17.6), afternoon_cases])
    for start, end, cases in windows:
        if cases:
            hours = [_hours(t) for t in cases]
            start = min(start, min(hours) - rng.uniform(0.15, 0.6))
            end = max(end, max(hours) + rng.uniform(0.15, 0.5))
        day.patrols.append((_at(day.day, start), _at(day.day, end)))


def _hours(moment: dt.datetime) -> float:
    local = timezone.localtime(moment)
    return local.hour + local.minute / 60 + local.second / 3600


def _in(moment: dt.datetime, span: tuple[dt.time, dt.time]) -> bool:
    return span[0] <= timezone.localtime(moment).time() <= span[1]

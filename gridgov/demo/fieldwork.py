"""A year of the demo street's grid workers (一格一员): patrols with their figures and,
for the last 30 days, their tracks; home visits following the street's visit rules;
a diary entry for every working day at work with its items, mediations and community
staff's comments; residents' requests through their loop; convenience services.

Played day by day from a fixed seed, relative to today, and written in bulk
(`rows.RowWriter`) in one transaction with one audit row ("demo.fieldwork"), as the
cases are: the fieldwork actions audit every row, and replaying a year of 79 workers
through them would take most of an hour. The year ends yesterday: nobody has patrolled
or written the diary today, so each worker's "today" has that to do, the households
the visit rules make due, and the cases waiting for them.

The cases the workers reported (the case demo's year) are tied to where they were
found: one reported while its worker was on patrol becomes a case from that patrol
(source "patrol", `source_ref` "patrol:<id>") and the patrol's track passes it at
that moment; others become cases from a home visit or a diary item, and some of the
residents' cases come from a request the worker recorded — each named in `source_ref`
as the fieldwork actions name them.

Only the street given gets this (the first street of a scaled demo: the others have
no grid workers or cases). Running it again skips a street that has patrols.
"""

import time

from django.db import connection, transaction

from gridgov.cases.models import Case
from gridgov.core import audit
from gridgov.demo import fieldwork_diary, fieldwork_patrols, fieldwork_requests, fieldwork_visits
from gridgov.demo.fieldwork_world import read_world
from gridgov.fieldwork.models import Patrol, VisitRule
from gridgov.fieldwork.rule_actions import DEFAULT_RULES
from gridgov.people.models import FocusGroup
from gridgov.places.models import Area

SEED = 20261208
DEFAULT_DAYS = 365  # the year played (tests shorten it)
TRACK_DAYS = 30  # patrols of the last days keep their track


def ensure_rules(street: Area) -> int:
    """The usual visit rules (`rule_actions.DEFAULT_RULES`) for a street without any."""
    if VisitRule.objects.filter(street=street).exists():
        return 0
    groups = dict(FocusGroup.objects.filter(is_active=True).values_list("code", "id"))
    rules = [
        VisitRule(
            street=street,
            kind=kind,
            focus_group_id=groups.get(code) if code else None,
            interval_days=days,
            visit_kind=visit_kind,
        )
        for kind, code, days, visit_kind in DEFAULT_RULES
        if not code or code in groups
    ]
    VisitRule.objects.bulk_create(rules)
    return len(rules)


def load_fieldwork(street: Area, out=None, others: int = 0) -> dict:
    """Write the year of the street's grid workers unless it has patrols already;
    returns the counts written (empty: nothing). `others` is the number of further
    streets of a scaled demo, named in the progress line as left without."""
    if Patrol.objects.filter(street=street).exists():
        return {}
    started = time.perf_counter()
    world = read_world(street, DEFAULT_DAYS, SEED)
    if world is None:
        return {}
    counts: dict = {}
    with transaction.atomic():
        counts["visit_rules"] = ensure_rules(street)
        counts.update(fieldwork_patrols.write_patrols(world, TRACK_DAYS))
        requests = fieldwork_requests.RequestBook(world)
        counts.update(fieldwork_visits.write_visits(world, requests))
        counts.update(fieldwork_diary.write_diary(world, requests))
        fieldwork_requests.phone_and_walk_in(world, requests)
        counts.update(requests.write())
        counts.update(fieldwork_requests.write_services(world))
        counts["cases_linked"] = _relabel(world.relabel)
        counts["workers"] = len(world.grids)
        counts["days"] = DEFAULT_DAYS
        counts["seed"] = f"{SEED}:{street.code}"
        audit.record(None, "demo.fieldwork", street, after=counts)
    if out:
        note = f"；其余 {others} 个街道未生成" if others else ""
        out.write(
            f"{street.name}：{len(world.grids)} 名网格员一年的工作——"
            f"{counts['patrols']:,} 次巡查（近 {TRACK_DAYS} 天 {counts['tracks']:,} 条轨迹）、"
            f"{counts['visits']:,} 次走访、{counts['diary_entries']:,} 篇民情日志、"
            f"{counts['requests']:,} 件诉求、{counts['services']:,} 次便民服务"
            f"（{time.perf_counter() - started:.1f} 秒{note}）\n"
        )
    return counts


def _relabel(relabel: dict[int, tuple[str, str]]) -> int:
    """The cases found on a patrol, a visit, in a diary or from a request name it.
    One statement sent with every case's values (`bulk_update` builds a CASE WHEN
    expression per row: seconds for the year's 14,000)."""
    meta, quote = Case._meta, connection.ops.quote_name
    columns = [quote(meta.get_field(name).column) for name in ("source", "source_ref")]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {columns[0]} = %s, {columns[1]} = %s "  # noqa: S608
        f"WHERE {quote(meta.pk.column)} = %s"
    )  # names from the model's own metadata, values as parameters
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(source, ref, pk) for pk, (source, ref) in relabel.items()])
    return len(relabel)

"""The community-conditions diary (民情日志): a grid worker's entry of the day, its
items, turning an item into a case or a request, the mediation a dispute opens, and
community staff's comments. See `fieldwork.checks` for the shared rules.

One entry per worker and day: asking for a day's entry again returns the same one
(`replayed`), so a phone that opens the day twice, or replays it, never makes two.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.choices import Priority, Source
from gridgov.cases.models import Case
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.fieldwork.checks import (
    SUPERVISE,
    check_in_scope,
    choice,
    clean_text,
    day_of,
    not_found,
    once,
    report_from,
    worker_grid,
)
from gridgov.fieldwork.choices import DiaryItemKind, MediationState, RequestChannel
from gridgov.fieldwork.models import DiaryComment, DiaryEntry, DiaryItem, Mediation, Request
from gridgov.fieldwork.request_actions import record_request
from gridgov.people.models import Household
from gridgov.places.models import Building

DIARY = "fieldwork.diary"  # writing one's own diary: grid workers
MAX_LINKS = 20
MEDIATION_FIELDS = ("parties", "mediator", "outcome", "state", "closed_at")


def open_entry(actor, *, day=None, grid=None) -> DiaryEntry:
    """The actor's diary entry of `day` (today by default), made if it is not there."""
    check_capability(actor, DIARY)
    day = day_of(day, "day")
    found = DiaryEntry.objects.filter(worker=actor, day=day).first()
    if found is not None:
        found.replayed = True
        return found
    entry = DiaryEntry(worker=actor, day=day)
    entry.place_in(worker_grid(actor, grid))
    try:
        with transaction.atomic():
            entry.save()
            audit.record(actor, "diary.open", entry, after={"day": day.isoformat()})
    except IntegrityError:  # opened at the same moment by another request of theirs
        found = DiaryEntry.objects.get(worker=actor, day=day)
        found.replayed = True
        return found
    entry.replayed = False
    return entry


def _own_entry(actor, entry) -> DiaryEntry:
    pk = entry.pk if hasattr(entry, "pk") else entry
    found = DiaryEntry.objects.filter(pk=pk, worker=actor).first()
    if found is None:
        raise not_found("entry")
    return found


def _linked(model, actor, values, field: str) -> list:
    """The records of `model` the actor sees among the ids (or records) given."""
    pks = {v.pk if hasattr(v, "pk") else v for v in values or ()}
    if len(pks) > MAX_LINKS:
        raise ActionError(_("最多关联 %(n)d 项。") % {"n": MAX_LINKS}, field)
    try:
        pks = {int(pk) for pk in pks}
    except (TypeError, ValueError):
        raise not_found(field) from None
    found = list(model.objects.visible_to(actor).filter(pk__in=pks))
    if len(found) != len(pks):
        raise not_found(field)
    return found


def _snapshot(item: DiaryItem) -> dict:
    data = audit.snapshot(item, ("entry", "kind", "text", "case"))
    data["households"] = sorted(h.pk for h in item.households.all())
    data["buildings"] = sorted(b.pk for b in item.buildings.all())
    return data


def _open_mediation(item: DiaryItem, parties: str, mediator: str) -> Mediation:
    mediation = Mediation(item=item, parties=parties, mediator=mediator, opened_at=timezone.now())
    mediation.place_like(item.entry)
    mediation.save()
    return mediation


def add_item(
    actor,
    *,
    kind,
    text: str,
    day=None,
    entry=None,
    households=(),
    buildings=(),
    parties: str = "",
    client_id=None,
) -> DiaryItem:
    """Add an item to the actor's entry (that of `day`, opened if need be). A conflict
    or dispute opens its mediation record at once, the actor its mediator."""
    check_capability(actor, DIARY)

    def create(client_id):
        item = DiaryItem(
            kind=choice(kind, DiaryItemKind, "kind", _("类别")),
            text=clean_text(text, 2000, "text", _("内容"), required=True),
            client_id=client_id,
        )
        homes = _linked(Household, actor, households, "households")
        places = _linked(Building, actor, buildings, "buildings")
        who = clean_text(parties, 200, "parties", _("当事人"))
        with transaction.atomic():
            item.entry = _own_entry(actor, entry) if entry else open_entry(actor, day=day)
            item.save()
            item.households.set(homes)
            item.buildings.set(places)
            if item.kind == DiaryItemKind.DISPUTE:
                _open_mediation(item, who, str(actor)[:50])
            audit.record(actor, "diary.add_item", item, after=_snapshot(item))
        return item

    return once(DiaryItem, client_id, actor, "entry__worker", create)


def _own_item(actor, item: DiaryItem) -> DiaryItem:
    item = DiaryItem.objects.select_related("entry").get(pk=item.pk)
    check_in_scope(actor, item.entry)
    if item.entry.worker_id != actor.pk:
        raise ActionError(_("只能修改本人的民情日志。"), status=403)
    return item


def update_item(actor, item: DiaryItem, *, kind, text: str, households=(), buildings=()):
    """Correct an item of the actor's own diary. Made a dispute, it opens a mediation;
    a mediation once opened stays, as its history."""
    item = _own_item(actor, item)
    kind = choice(kind, DiaryItemKind, "kind", _("类别"))
    value = clean_text(text, 2000, "text", _("内容"), required=True)
    homes = _linked(Household, actor, households, "households")
    places = _linked(Building, actor, buildings, "buildings")
    with transaction.atomic():
        before = _snapshot(item)
        item.kind, item.text = kind, value
        item.save()
        item.households.set(homes)
        item.buildings.set(places)
        if kind == DiaryItemKind.DISPUTE and not Mediation.objects.filter(item=item).exists():
            _open_mediation(item, "", str(actor)[:50])
        audit.record(actor, "diary.update_item", item, before=before, after=_snapshot(item))
    return item


def item_to_case(
    actor, item: DiaryItem, *, category, title, description: str = "", priority=Priority.NORMAL
) -> Case:
    """Report what a diary item records as a case; the item keeps the link."""
    item = DiaryItem.objects.select_related("entry__grid").get(pk=item.pk)
    check_in_scope(actor, item.entry)
    with transaction.atomic():
        item = DiaryItem.objects.select_for_update().get(pk=item.pk)
        if item.case_id is not None:
            raise ActionError(_("该日志条目已转为案件。"), status=409)
        building = item.buildings.first()
        case = report_from(
            actor,
            grid=item.entry.grid,
            source=Source.DIARY,
            source_ref=f"diary_item:{item.pk}",
            category=category,
            title=title,
            description=description or item.text,
            priority=priority,
            address=building.address if building else "",
        )
        item.case = case
        item.save(update_fields=["case", "updated_at"])
        audit.record(actor, "diary.item_case", item, after={"case": case.number})
    return case


def item_to_request(
    actor, item: DiaryItem, *, requester=None, requester_name: str = "", content: str = ""
) -> Request:
    """Record what a diary item says as a resident's request (channel: diary). Without
    a requester named, the head of the item's first household is taken."""
    item = DiaryItem.objects.select_related("entry").get(pk=item.pk)
    check_in_scope(actor, item.entry)
    home = item.households.first()
    if requester in (None, "") and not requester_name and home is not None:
        requester = home.head_id
    with transaction.atomic():
        request = record_request(
            actor,
            content=content or item.text,
            channel=RequestChannel.DIARY,
            requester=requester,
            requester_name=requester_name,
            household=home if requester in (None, "") else None,
            diary_item=item,
        )
        audit.record(actor, "diary.item_request", item, after={"request": request.pk})
    return request


def update_mediation(
    actor, mediation: Mediation, *, parties: str, mediator: str, outcome: str, state
) -> Mediation:
    """Record where a mediation stands; leaving "open" needs its outcome."""
    check_in_scope(actor, mediation)
    state = choice(state, MediationState, "state", _("状态"))
    values = {
        "parties": clean_text(parties, 200, "parties", _("当事人"), required=True),
        "mediator": clean_text(mediator, 50, "mediator", _("调解人"), required=True),
        "outcome": clean_text(outcome, 2000, "outcome", _("调解结果")),
    }
    if state != MediationState.OPEN and not values["outcome"]:
        raise ActionError(_("请填写调解结果。"), "outcome")
    with transaction.atomic():
        mediation = Mediation.objects.select_for_update().get(pk=mediation.pk)
        before = audit.snapshot(mediation, MEDIATION_FIELDS)
        for name, value in values.items():
            setattr(mediation, name, value)
        if state == MediationState.OPEN:
            mediation.closed_at = None
        elif mediation.state == MediationState.OPEN or mediation.closed_at is None:
            mediation.closed_at = timezone.now()
        mediation.state = state
        mediation.save()
        after = audit.snapshot(mediation, MEDIATION_FIELDS)
        audit.record(actor, "mediation.update", mediation, before=before, after=after)
    return mediation


def comment_entry(actor, entry: DiaryEntry, text: str) -> DiaryComment:
    """Community staff's comment on a diary entry of their community (批阅)."""
    check_in_scope(actor, entry, SUPERVISE)
    value = clean_text(text, 500, "text", _("批阅意见"), required=True)
    with transaction.atomic():
        comment = DiaryComment.objects.create(entry=entry, author=actor, text=value)
        audit.record(actor, "diary.comment", entry, after={"comment": value})
    return comment

"""Home visits (入户走访): recording one — with its corrections of the household file, an
optional photo, and in the same step the case or request it raises — raising a case
from a visit later, and community staff confirming or refusing queued corrections.

A visit's case goes through the case loop's own report action (`cases.actions`) with
the visit as its source (Source.VISIT, `source_ref` "visit:<id>"), and the visit keeps
the link. See `fieldwork.checks` for the rules every action here follows.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases import photos
from gridgov.cases.choices import Priority, Source
from gridgov.cases.models import Case
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.fieldwork import corrections
from gridgov.fieldwork.checks import (
    RECORD,
    SUPERVISE,
    check_in_scope,
    choice,
    clean_text,
    moment,
    not_found,
    once,
    report_from,
    visible,
    visible_case,
)
from gridgov.fieldwork.choices import CorrectionState, RequestChannel, VisitKind
from gridgov.fieldwork.models import Visit
from gridgov.fieldwork.request_actions import record_request
from gridgov.people.models import Household, Organization

VISIT_FIELDS = ("household", "organization", "kind", "worker", "visited_at", "met", "case")


def _snapshot(visit: Visit) -> dict:
    data = audit.snapshot(visit, VISIT_FIELDS)
    data["corrections"] = [corrections.public(p) for p in visit.corrections]
    data["photo"] = bool(visit.photo)
    return data


def _checked_photo(photo):
    if not photo:
        return None
    return photos.check_photos([photo])[0]


def record_visit(
    actor,
    *,
    kind,
    household=None,
    organization=None,
    visited_at=None,
    met: str = "",
    findings: str = "",
    opinions: str = "",
    corrections_proposed=(),
    photo=None,
    follows_case=None,
    raise_case: dict | None = None,
    raise_request: dict | None = None,
    client_id=None,
) -> Visit:
    """Record a visit to a household (or an organization) of the actor's grid.

    `corrections_proposed`: [{resident, field, value, seen?}] (`fieldwork.corrections`);
    `follows_case`: the case a follow-up visit is about; `raise_case`: the inputs of
    `raise_case_from_visit` to report a case in the same step; `raise_request`: those of
    `request_actions.record_request` to record the residents' request in the same step.
    """
    check_capability(actor, RECORD)

    def create(client_id):
        target = visible(Household, actor, household, "household")
        org = visible(Organization, actor, organization, "organization")
        if (target is None) == (org is None):
            raise ActionError(_("请选择走访的住户或单位。"), "household")
        visit = Visit(
            household=target,
            organization=org,
            kind=choice(kind, VisitKind, "kind", _("走访类型")),
            worker=actor,
            visited_at=moment(visited_at, "visited_at"),
            met=clean_text(met, 100, "met", _("见到的人")),
            findings=clean_text(findings, 2000, "findings", _("走访情况")),
            opinions=clean_text(opinions, 2000, "opinions", _("居民意见和诉求")),
            client_id=client_id,
        )
        visit.place_like(target or org)
        if follows_case not in (None, ""):
            visit.case = visible_case(actor, follows_case)
        proposals = corrections.clean(target, corrections_proposed)
        checked = _checked_photo(photo)
        with transaction.atomic():
            if checked:
                upload, ext, content_type = checked
                visit.photo.name = photos.store(upload, ext, folder="fieldwork/visits")
                visit.photo_type = content_type
            on = timezone.localtime(visit.visited_at).date()
            visit.corrections_pending = corrections.settle(actor, proposals, on)
            visit.corrections = proposals
            visit.save()
            audit.record(actor, "visit.record", visit, after=_snapshot(visit))
            if raise_case:
                visit.case = raise_case_from_visit(actor, visit, **raise_case)
            if raise_request:
                inputs = {"channel": RequestChannel.VISIT, "household": target} | raise_request
                record_request(actor, visit=visit, **inputs)
        return visit

    return once(Visit, client_id, actor, "worker", create)


def raise_case_from_visit(
    actor, visit: Visit, *, category, title, description: str = "", priority=Priority.NORMAL
) -> Case:
    """Report what a visit found as a case (发现告知); the visit keeps the link."""
    check_in_scope(actor, visit)
    with transaction.atomic():
        visit = Visit.objects.select_for_update().select_related("grid").get(pk=visit.pk)
        if visit.case_id is not None:
            raise ActionError(_("该走访已关联案件。"), status=409)
        where = visit.household or visit.organization
        case = report_from(
            actor,
            grid=visit.grid,
            source=Source.VISIT,
            source_ref=f"visit:{visit.pk}",
            category=category,
            title=title,
            description=description or visit.findings,
            priority=priority,
            address=_address(where),
        )
        visit.case = case
        visit.save(update_fields=["case"])
        audit.record(actor, "visit.raise_case", visit, after={"case": case.number})
    return case


def _address(record) -> str:
    if isinstance(record, Organization):
        return record.address[:200]
    dwelling = record.dwelling
    return f"{dwelling.building.address} {dwelling.room}"[:200]


# -- queued corrections ------------------------------------------------------------------


def _queued(actor, visit: Visit, index) -> tuple[Visit, dict]:
    check_in_scope(actor, visit, SUPERVISE)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    try:
        proposal = visit.corrections[int(index)]
    except (IndexError, TypeError, ValueError):
        raise not_found("correction") from None
    if proposal.get("state") != CorrectionState.QUEUED:
        raise ActionError(_("该更正已处理。"), status=409)
    return visit, proposal


def _decided(actor, visit: Visit, proposal: dict, state: str, note: str, action: str) -> None:
    proposal.update(
        state=state, decided_by=actor.pk, decided_at=timezone.now().isoformat(), note=note
    )
    visit.corrections_pending = any(
        p.get("state") == CorrectionState.QUEUED for p in visit.corrections
    )
    visit.save(update_fields=["corrections", "corrections_pending"])
    audit.record(actor, action, visit, after=corrections.public(proposal))


def confirm_correction(actor, visit: Visit, index) -> Visit:
    """Community staff confirm a queued correction: applied now, as them."""
    with transaction.atomic():
        visit, proposal = _queued(actor, visit, index)
        corrections.apply(actor, proposal, timezone.localdate())
        _decided(actor, visit, proposal, CorrectionState.CONFIRMED, "", "visit.confirm_correction")
    return visit


def refuse_correction(actor, visit: Visit, index, note: str = "") -> Visit:
    """Community staff refuse a queued correction, saying why; the file stays as it is."""
    note = clean_text(note, 200, "note", _("理由"), required=True)
    with transaction.atomic():
        visit, proposal = _queued(actor, visit, index)
        _decided(actor, visit, proposal, CorrectionState.REFUSED, note, "visit.refuse_correction")
    return visit

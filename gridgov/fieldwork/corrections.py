"""Corrections of the household file proposed on a home visit (一户一档 kept current).

A correction names a living member of the visited household, one field and its new
value, and optionally the value the worker saw: if the file has changed since (the
phone loaded it before going offline), the visit is refused as a conflict (409) rather
than overwrite someone else's edit. Values are checked by `people.rules`, as on the
household page.

A correction is applied through the people actions (`update_resident`, `mark_moved_out`,
`mark_deceased`: each audited and written into the household's history) when the
actor's role may edit the household file (`people.edit`); otherwise it is queued for
community staff, who confirm it (applied then, through the same action, as them) or
refuse it. A phone number is kept only as cipher and mask until it is applied.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.errors import ActionError
from gridgov.core.protect import blind_index, protect, reveal
from gridgov.fieldwork.choices import CorrectionState
from gridgov.people import actions as people_actions
from gridgov.people.choices import Education, ResidentStatus
from gridgov.people.models import Resident
from gridgov.people.rules import Checker

MAX_CORRECTIONS = 20
# field: (label, how people.rules checks it)
FIELDS = {
    "phone": (gettext_lazy("联系电话"), "phone"),
    "occupation": (gettext_lazy("职业"), ("text", 50)),
    "work_unit": (gettext_lazy("工作单位"), ("text", 100)),
    "origin": (gettext_lazy("户籍地/来源地"), ("text", 100)),
    "permit_number": (gettext_lazy("居住证号"), ("text", 32)),
    "education": (gettext_lazy("文化程度"), "education"),
    "permit_expiry": (gettext_lazy("居住证有效期至"), "date"),
    "arrival_date": (gettext_lazy("来穗日期"), "date"),
    "status": (gettext_lazy("在住状态"), "status"),
}
# A member found gone: the people action that records it.
LEAVING = {
    ResidentStatus.MOVED_OUT: people_actions.mark_moved_out,
    ResidentStatus.DECEASED: people_actions.mark_deceased,
}


def _refuse(message) -> ActionError:
    return ActionError(message, "corrections")


def _check(field: str, raw) -> tuple[object, str]:
    """(stored value, shown value) of one proposed value, or the rules' refusal."""
    kind = FIELDS[field][1]
    if kind == "status":
        raw = {str(label): code for code, label in ResidentStatus.choices}.get(raw, raw)
        if raw not in LEAVING:
            raise _refuse(_("在住状态只能更正为“已迁出”或“已死亡”。"))
        return raw, str(ResidentStatus(raw).label)
    checker = Checker({field: raw})
    if kind == "phone":
        value = checker.phone(field, required=True)
    elif kind == "education":
        value = checker.choice(field, Education)
    elif kind == "date":
        value = checker.date(field, required=True)
    else:
        value = checker.text(field, kind[1], required=True)
    if checker.problems:
        raise _refuse(f"{FIELDS[field][0]}：{checker.problems[0].message}")
    if kind == "phone":
        protected = protect(value, "phone")
        return protected.cipher, protected.masked
    if kind == "education":
        return value, str(Education(value).label)
    if kind == "date":
        return value.isoformat(), value.isoformat()
    return value, value


def _current(resident: Resident, field: str) -> str:
    """What the file holds now, in the form a phone shows it (phones masked)."""
    if field == "phone":
        return resident.phone_masked
    value = getattr(resident, field)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _unchanged(resident: Resident, field: str, seen) -> bool:
    if field == "phone" and seen and "*" not in str(seen):
        return blind_index(str(seen)) == resident.phone_index
    return str(seen or "") == _current(resident, field)


def clean(household, raw) -> list[dict]:
    """The proposals for `household` as stored on the visit, each still without a state;
    or the refusal of the first wrong one (a changed file is a 409 conflict)."""
    raw = list(raw or ())
    if raw and household is None:
        raise _refuse(_("只有入户走访可以更正住户信息。"))
    if len(raw) > MAX_CORRECTIONS:
        raise _refuse(_("一次最多更正 %(n)d 项。") % {"n": MAX_CORRECTIONS})
    members = (
        {
            r.pk: r
            for r in household.members.filter(status=ResidentStatus.LIVING).only(
                "id", "name", "phone_masked", "phone_index", *(f for f in FIELDS if f != "phone")
            )
        }
        if raw
        else {}
    )
    proposals = []
    for item in raw:
        if not isinstance(item, dict):
            raise _refuse(_("信息更正的格式不正确。"))
        try:
            resident = members.get(int(item.get("resident")))
        except (TypeError, ValueError):
            resident = None
        if resident is None:
            raise _refuse(_("只能更正本户在住成员的信息。"))
        field = item.get("field")
        if field not in FIELDS:
            raise _refuse(_("该项信息不能在走访中更正。"))
        if "seen" in item and not _unchanged(resident, field, item["seen"]):
            raise ActionError(
                _("%(name)s 的“%(label)s”已被他人修改，请刷新后重新填写。")
                % {"name": resident.name, "label": FIELDS[field][0]},
                "corrections",
                409,
            )
        value, shown = _check(field, item.get("value"))
        proposals.append(
            {
                "resident": resident.pk,
                "name": resident.name,
                "field": field,
                "label": str(FIELDS[field][0]),
                "before": _current(resident, field),
                "shown": shown,
                "value": value,
            }
        )
    return proposals


def apply(actor, proposal: dict, on: datetime.date) -> None:
    """Write one proposal into the household file through the people actions, as
    `actor` (their capability and scope are checked there)."""
    resident = Resident.objects.defer("id_cipher").get(pk=proposal["resident"])
    field, value = proposal["field"], proposal["value"]
    if field == "status":
        LEAVING[value](actor, resident, on, _("走访核实"))
        return
    if field == "phone":
        value = reveal(value)
    elif FIELDS[field][1] == "date":
        value = datetime.date.fromisoformat(value)
    people_actions.update_resident(actor, resident, {field: value})


def settle(actor, proposals: list[dict], on: datetime.date) -> bool:
    """Apply the proposals if the actor may edit the household file, else queue them;
    True when some wait for community staff."""
    may_edit = actor.has_capability("people.edit")
    for proposal in proposals:
        if may_edit:
            apply(actor, proposal, on)
            proposal["state"] = CorrectionState.APPLIED
        else:
            proposal["state"] = CorrectionState.QUEUED
    return not may_edit and bool(proposals)


def public(proposal: dict) -> dict:
    """A proposal as pages, the API and the audit log show it: no value, only its mask."""
    return {k: v for k, v in proposal.items() if k != "value"}

"""Every write to households and residents, each atomic, audited, and — where it
changes who lives where — written into the household's history (HouseholdEvent).

Values come checked by `people.rules`; these functions check the actor's capability
and scope, and the rules that need the database (duplicates, the head of household).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.protect import protect, reveal
from gridgov.people import rules
from gridgov.people.choices import IdType, Relation, ResidentStatus
from gridgov.people.models import (
    FocusGroup,
    FocusMembership,
    Household,
    HouseholdEvent,
    HouseholdEventKind,
    Resident,
)
from gridgov.people.text import pinyin_keys
from gridgov.places.models import Building, Dwelling, move_to_place

# Resident fields stored as typed (numbers are stored protected, names with pinyin keys).
RESIDENT_PLAIN_FIELDS = (
    "name",
    "id_type",
    "sex",
    "birth_date",
    "ethnicity",
    "relation",
    "registration",
    "origin",
    "arrival_date",
    "permit_number",
    "permit_expiry",
    "education",
    "occupation",
    "work_unit",
    "status",
    "status_date",
)
RESIDENT_FIELDS = ("household", *RESIDENT_PLAIN_FIELDS, "id_masked", "phone_masked")
HOUSEHOLD_FIELDS = ("number", "kind", "dwelling", "head", "phone_masked")


def _in_scope(actor, obj, capability: str = "people.edit"):
    check_capability(actor, capability)
    if not type(obj).objects.visible_to(actor).filter(pk=obj.pk).exists():
        raise ActionError(_("记录不存在或不在您的管辖范围内。"), status=404)


def _event(actor, household, kind, on, resident=None, note="") -> HouseholdEvent:
    event = HouseholdEvent(
        household=household,
        resident=resident,
        kind=kind,
        happened_on=on,
        note=note[:300],
        actor=actor,
    )
    event.place_like(household)
    event.save()
    return event


def _refresh_member_count(household: Household) -> None:
    count = household.members.filter(status=ResidentStatus.LIVING).count()
    Household.objects.filter(pk=household.pk).update(member_count=count)
    household.member_count = count


def _refresh_household_count(building_id: int) -> None:
    """Building.household_count, shown on building and area pages, follows every
    household created in or moved into or out of the building."""
    count = Household.objects.filter(dwelling__building_id=building_id).count()
    Building.objects.filter(pk=building_id).update(household_count=count)


def create_household(actor, dwelling: Dwelling, values: dict) -> Household:
    _in_scope(actor, dwelling)
    phone = protect(values.get("phone"), "phone")
    household = Household(
        dwelling=dwelling,
        number=values["number"],
        kind=values["kind"],
        phone_cipher=phone.cipher,
        phone_index=phone.index,
        phone_masked=phone.masked,
    )
    household.place_like(dwelling)
    try:
        with transaction.atomic():
            household.save()
            _refresh_household_count(dwelling.building_id)
            _event(actor, household, HouseholdEventKind.CREATED, datetime.date.today())
            audit.record(
                actor,
                "household.create",
                household,
                after=audit.snapshot(household, HOUSEHOLD_FIELDS),
            )
    except IntegrityError:
        raise ActionError(
            _("户号 %(n)s 已存在。") % {"n": values["number"]}, "number", 409
        ) from None
    return household


def _apply_resident_values(resident: Resident, values: dict) -> None:
    for field in RESIDENT_PLAIN_FIELDS:
        if field in values:
            setattr(resident, field, values[field])
    resident.name_pinyin, resident.name_initials = pinyin_keys(resident.name)
    if "id_number" in values:
        number = values["id_number"] if values.get("id_type") != IdType.NONE else ""
        protected = protect(number, "id")
        resident.id_cipher, resident.id_index, resident.id_masked = (
            protected.cipher,
            protected.index,
            protected.masked,
        )
    if "phone" in values:
        protected = protect(values["phone"], "phone")
        resident.phone_cipher, resident.phone_index, resident.phone_masked = (
            protected.cipher,
            protected.index,
            protected.masked,
        )


def _check_unique_id(resident: Resident) -> None:
    if resident.id_index and (
        Resident.objects.filter(id_index=resident.id_index).exclude(pk=resident.pk).exists()
    ):
        raise ActionError(_("该证件号码已登记在其他住户中。"), "id_number", 409)


def add_resident(
    actor, household: Household, values: dict, moved_in_on: datetime.date | None = None
) -> Resident:
    """A new member of a household (born here, moved in, or first recorded)."""
    _in_scope(actor, household)
    resident = Resident(household=household)
    resident.place_like(household)
    _apply_resident_values(resident, values)
    _check_unique_id(resident)
    try:
        with transaction.atomic():
            _save_new_resident(actor, household, resident, moved_in_on)
    except IntegrityError:
        raise ActionError(_("该证件号码已登记在其他住户中。"), "id_number", 409) from None
    return resident


def _save_new_resident(actor, household, resident, moved_in_on) -> None:
    resident.save()
    if resident.relation == Relation.HEAD and household.head_id is None:
        household.head = resident
        household.save(update_fields=["head"])
    _event(
        actor,
        household,
        HouseholdEventKind.MOVED_IN,
        moved_in_on or datetime.date.today(),
        resident,
        _("%(name)s 迁入") % {"name": resident.name},
    )
    _refresh_member_count(household)
    audit.record(
        actor, "resident.create", resident, after=audit.snapshot(resident, RESIDENT_FIELDS)
    )


def update_resident(actor, resident: Resident, values: dict) -> Resident:
    """Correct a resident's details; moving out and death have their own actions."""
    _in_scope(actor, resident)
    before = audit.snapshot(resident, RESIDENT_FIELDS)
    # Two numbers may share a mask (138****5678): compare the blind indexes as well.
    indexes_before = (resident.id_index, resident.phone_index)
    values = {k: v for k, v in values.items() if k not in {"status", "status_date"}}
    _apply_resident_values(resident, values)
    _check_unique_id(resident)
    with transaction.atomic():
        resident.save()
        after = audit.snapshot(resident, RESIDENT_FIELDS)
        changed = after != before or (resident.id_index, resident.phone_index) != indexes_before
        if changed:
            _event(
                actor,
                resident.household,
                HouseholdEventKind.UPDATED,
                datetime.date.today(),
                resident,
                _("修改了 %(name)s 的信息") % {"name": resident.name},
            )
        audit.record(actor, "resident.update", resident, before=before, after=after)
    return resident


def _end_residence(actor, resident, status, kind, on, note, action) -> Resident:
    _in_scope(actor, resident)
    if resident.status != ResidentStatus.LIVING:
        raise ActionError(_("%(name)s 已不在住。") % {"name": resident.name}, "status", 409)
    if on > datetime.date.today():
        raise ActionError(_("日期不能晚于今天。"), "status_date")
    before = audit.snapshot(resident, RESIDENT_FIELDS)
    resident.status, resident.status_date = status, on
    household = resident.household
    with transaction.atomic():
        resident.save(update_fields=["status", "status_date", "updated_at"])
        if household.head_id == resident.pk:
            household.head = None
            household.save(update_fields=["head"])
        _event(actor, household, kind, on, resident, note)
        _refresh_member_count(household)
        audit.record(
            actor, action, resident, before=before, after=audit.snapshot(resident, RESIDENT_FIELDS)
        )
    return resident


def mark_moved_out(actor, resident: Resident, on: datetime.date, note: str = "") -> Resident:
    """Moving out keeps the record, with its date: the household file stays complete."""
    return _end_residence(
        actor,
        resident,
        ResidentStatus.MOVED_OUT,
        HouseholdEventKind.MOVED_OUT,
        on,
        note or _("%(name)s 迁出") % {"name": resident.name},
        "resident.move_out",
    )


def mark_deceased(actor, resident: Resident, on: datetime.date, note: str = "") -> Resident:
    return _end_residence(
        actor,
        resident,
        ResidentStatus.DECEASED,
        HouseholdEventKind.DECEASED,
        on,
        note or _("%(name)s 死亡") % {"name": resident.name},
        "resident.decease",
    )


def set_head(actor, household: Household, resident: Resident) -> Household:
    _in_scope(actor, household)
    if resident.household_id != household.pk or resident.status != ResidentStatus.LIVING:
        raise ActionError(_("户主必须是本户在住成员。"), "head")
    before = audit.snapshot(household, HOUSEHOLD_FIELDS)
    with transaction.atomic():
        household.head = resident
        household.save(update_fields=["head", "updated_at"])
        _event(
            actor,
            household,
            HouseholdEventKind.UPDATED,
            datetime.date.today(),
            resident,
            _("户主变更为 %(name)s") % {"name": resident.name},
        )
        audit.record(
            actor,
            "household.set_head",
            household,
            before=before,
            after=audit.snapshot(household, HOUSEHOLD_FIELDS),
        )
    return household


def move_household(
    actor, household: Household, dwelling: Dwelling, on: datetime.date, note: str = ""
) -> Household:
    """The whole household moves to another dwelling (perhaps in another grid)."""
    _in_scope(actor, household)
    _in_scope(actor, dwelling)
    if dwelling.pk == household.dwelling_id:
        raise ActionError(_("新旧房屋相同。"), "dwelling")
    if on > datetime.date.today():
        raise ActionError(_("日期不能晚于今天。"), "status_date")
    before = audit.snapshot(household, HOUSEHOLD_FIELDS)
    old = household.dwelling
    with transaction.atomic():
        household.dwelling = dwelling
        household.place_like(dwelling)
        household.save()
        _refresh_household_count(old.building_id)
        _refresh_household_count(dwelling.building_id)
        move_to_place(household.members.all(), dwelling.place)
        move_to_place(FocusMembership.objects.filter(resident__household=household), dwelling.place)
        _event(
            actor,
            household,
            HouseholdEventKind.MOVED_DWELLING,
            on,
            None,
            note or _("由 %(old)s 搬至 %(new)s") % {"old": old, "new": dwelling},
        )
        audit.record(
            actor,
            "household.move",
            household,
            before=before,
            after=audit.snapshot(household, HOUSEHOLD_FIELDS),
        )
    return household


def add_focus(
    actor,
    resident: Resident,
    group: FocusGroup,
    details: dict | None = None,
    since: datetime.date | None = None,
) -> FocusMembership:
    _in_scope(actor, resident)
    if not group.is_visible_to(actor):
        raise ActionError(_("您的角色不能设置“%(group)s”。") % {"group": group.name}, "group", 403)
    if not group.is_active:
        raise ActionError(_("“%(group)s”已停用。") % {"group": group.name}, "group")
    membership = FocusMembership(resident=resident, group=group, details=details or {}, since=since)
    membership.place_like(resident)
    try:
        with transaction.atomic():
            membership.save()
            _event(
                actor,
                resident.household,
                HouseholdEventKind.FOCUS_CHANGED,
                since or datetime.date.today(),
                resident,
                _("%(name)s 列入%(group)s") % {"name": resident.name, "group": group.name},
            )
            audit.record(actor, "resident.add_focus", resident, after={"group": group.code})
    except IntegrityError:
        raise ActionError(_("已在该重点人群中。"), "group", 409) from None
    return membership


def end_focus(actor, membership: FocusMembership, on: datetime.date) -> FocusMembership:
    resident = membership.resident
    _in_scope(actor, resident)
    group = membership.group
    if not group.is_visible_to(actor):
        raise ActionError(_("您的角色不能设置“%(group)s”。") % {"group": group.name}, "group", 403)
    if membership.ended_on is not None:
        raise ActionError(_("该标记已结束。"), "ended_on", 409)
    if membership.since and on < membership.since:
        raise ActionError(_("结束日期早于认定日期。"), "ended_on")
    with transaction.atomic():
        membership.ended_on = on
        membership.save(update_fields=["ended_on"])
        _event(
            actor,
            resident.household,
            HouseholdEventKind.FOCUS_CHANGED,
            on,
            resident,
            _("%(name)s 移出%(group)s") % {"name": resident.name, "group": group.name},
        )
        audit.record(actor, "resident.end_focus", resident, after={"group": group.code})
    return membership


# -- the focus-group list (reference data) -------------------------------------------

FOCUS_GROUP_FIELDS = ("code", "name", "sensitivity", "visible_roles", "detail_fields", "sort")
# Who sees a group's members: changing these is a security decision, audited as such.
VISIBILITY_FIELDS = ("sensitivity", "visible_roles")


def _clean_focus_group(raw: dict) -> dict:
    values, problems = rules.clean_focus_group(raw)
    if problems:
        raise ActionError(problems[0].message, problems[0].field)
    return values


def _focus_group_snapshot(group: FocusGroup) -> dict:
    return audit.snapshot(group, (*FOCUS_GROUP_FIELDS, "is_active"))


def create_focus_group(actor, **fields) -> FocusGroup:
    """Add a group to the street's focus-group list; its code must be new."""
    check_capability(actor, "people.reference")
    values = _clean_focus_group(fields)
    taken = _("代码 %(code)s 已被使用。") % {"code": values["code"]}
    if FocusGroup.objects.filter(code=values["code"]).exists():
        raise ActionError(taken, "code", 409)
    try:
        with transaction.atomic():
            group = FocusGroup.objects.create(**values)
            audit.record(actor, "focus_group.create", group, after=_focus_group_snapshot(group))
    except IntegrityError:
        raise ActionError(taken, "code", 409) from None
    return group


def _stored(group: FocusGroup, name: str):
    """A stored field as the rules clean it: roles as a sorted set (older rows, the
    demo's among them, keep them in any order)."""
    value = getattr(group, name)
    return sorted(set(value)) if name == "visible_roles" else value


def update_focus_group(actor, group: FocusGroup, **fields) -> FocusGroup:
    """Change a group's name, visibility, detail fields or order (its code stays: sheets
    and residents' tags name it). A change of who sees it is audited under its own
    action; no change writes nothing."""
    check_capability(actor, "people.reference")
    values = _clean_focus_group({**fields, "code": group.code})
    with transaction.atomic():
        group = FocusGroup.objects.select_for_update().get(pk=group.pk)
        changed = [name for name, value in values.items() if _stored(group, name) != value]
        if not changed:
            return group
        before = _focus_group_snapshot(group)
        for name in changed:
            setattr(group, name, values[name])
        group.save(update_fields=changed)
        action = (
            "focus_group.change_visibility"
            if set(changed) & set(VISIBILITY_FIELDS)
            else "focus_group.update"
        )
        audit.record(actor, action, group, before=before, after=_focus_group_snapshot(group))
    return group


def set_focus_group_active(actor, group: FocusGroup, active: bool) -> FocusGroup:
    """Stop offering a group for new tags, or offer it again. A group is never deleted:
    residents' tags, current and past, refer to it."""
    check_capability(actor, "people.reference")
    with transaction.atomic():
        group = FocusGroup.objects.select_for_update().get(pk=group.pk)
        if group.is_active == active:
            return group
        group.is_active = active
        group.save(update_fields=["is_active"])
        action = "focus_group.activate" if active else "focus_group.deactivate"
        audit.record(
            actor, action, group, before={"is_active": not active}, after={"is_active": active}
        )
    return group


REVEALABLE = {"id_number": "id_cipher", "phone": "phone_cipher"}


def reveal_number(actor, record, field: str, reason: str) -> str:
    """Show one masked number in clear, for a stated reason, logged in AccessLog."""
    _in_scope(actor, record, "people.reveal")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ActionError(_("请填写查看事由。"), "reason")
    attribute = REVEALABLE.get(field)
    if attribute is None or not hasattr(record, attribute):
        raise ActionError(_("该信息不能查看。"), "field")
    with transaction.atomic():
        audit.log_access(actor, record, field, reason)
    return reveal(getattr(record, attribute))

"""The household file (一户一档) and its edits.

One page per household: its dwelling and building, every member (moved-out and
deceased ones too, greyed), focus-group tags the user may see, organizations at the
address and the history of changes. ID and phone numbers show masked; a user with
"people.reveal" may ask for one in clear with a reason (AccessLog). Every edit is a
form that calls one function of `people.actions` and comes back to the page.

Scope: `@in_scope(Household)` answers 404 for a household outside the user's area; a
member, tag or membership is looked up inside that household, so it is in scope too.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gridgov.core.errors import ActionError
from gridgov.core.permissions import in_scope, requires
from gridgov.people import actions, queries
from gridgov.people.choices import ResidentStatus, Sensitivity
from gridgov.people.forms import (
    FocusAddForm,
    FocusEndForm,
    LeaveForm,
    MoveForm,
    ResidentForm,
    SetHeadForm,
)
from gridgov.people.models import (
    FocusGroup,
    FocusMembership,
    Household,
    HouseholdEventKind,
    Organization,
)
from gridgov.places.models import Area, Dwelling

EVENTS_SHOWN = 100
ORGANIZATIONS_SHOWN = 30


# --- the page -----------------------------------------------------------------------


def _age(birth: datetime.date | None, on: datetime.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def cell_id(record, field: str) -> str:
    """The HTML id of one masked number on the page (the target of its reveal)."""
    prefix = "h" if isinstance(record, Household) else "r"
    return f"reveal-{prefix}{record.pk}-{field.replace('_', '-')}"


def _cell(household, record, field: str, masked: str, can_reveal: bool, state: dict) -> dict:
    dom_id = cell_id(record, field)
    shown = state.get(dom_id, {})
    return {
        "id": dom_id,
        "household": household,
        "resident": "" if record is household else record.pk,
        "field": field,
        "masked": masked,
        "clear": shown.get("clear"),
        "error": shown.get("error"),
        "reason": shown.get("reason", ""),
        "can_reveal": can_reveal and bool(masked),
    }


def _members(household, groups, today):
    members = list(
        household.members.defer("id_cipher", "phone_cipher")
        .prefetch_related(queries.focus_prefetch(groups))
        .order_by("id")
    )
    for member in members:
        member.is_living = member.status == ResidentStatus.LIVING
        member.is_head = member.pk == household.head_id
        until = member.status_date if member.status == ResidentStatus.DECEASED else today
        member.age = _age(member.birth_date, until or today)
    # Living members first (head first), then the others, in the order they came.
    members.sort(key=lambda m: (not m.is_living, not m.is_head))
    return members


def _hidden_group_names(visible) -> list[str]:
    """Names of the focus groups this user may not see. History notes name the group
    ("张三 列入残疾人"), so a note about a hidden group must not show either."""
    shown = {g.pk for g in visible}
    return [
        g.name
        for g in FocusGroup.objects.only("name", "sensitivity", "is_active")
        if g.pk not in shown and (g.is_active or g.sensitivity == Sensitivity.SENSITIVE)
    ]


def _redact(events, hidden_names) -> None:
    for event in events:
        if event.kind == HouseholdEventKind.FOCUS_CHANGED and any(
            event.note.endswith(name) for name in hidden_names
        ):
            event.note = _("（涉及无权查看的重点人群，已隐藏）")


def household_context(request, household: Household, reveal_state: dict | None = None) -> dict:
    """Everything the household page shows, in a fixed number of queries."""
    user = request.user
    state = reveal_state or {}
    today = datetime.date.today()
    can_reveal = user.has_capability("people.reveal")
    can_edit = user.has_capability("people.edit")
    dwelling = Dwelling.objects.select_related("building").defer("building__footprint")
    dwelling = dwelling.get(pk=household.dwelling_id)
    areas = {
        a.pk: a
        for a in Area.objects.without_boundary()
        .filter(pk__in=[household.street_id, household.community_id, household.grid_id])
        .only("id", "code", "name", "level")
    }
    groups = queries.visible_focus_groups(user)
    settable = {g.pk for g in groups}  # one rule: FocusGroup.is_visible_to
    members = _members(household, groups, today)
    for member in members:
        member.id_cell = _cell(household, member, "id_number", member.id_masked, can_reveal, state)
        member.phone_cell = _cell(
            household, member, "phone", member.phone_masked, can_reveal, state
        )
        for tag in member.tags:
            tag.can_end = can_edit and tag.group_id in settable
    organizations = list(
        Organization.objects.visible_to(user)
        .filter(building_id=dwelling.building_id)
        .only("name", "kind", "is_key_unit", "dwelling_id", "address")
        .order_by("name", "id")[: ORGANIZATIONS_SHOWN + 1]
    )
    events = list(
        household.events.select_related("actor")
        .only("kind", "note", "happened_on", "actor__username", "actor__full_name")
        .order_by("-happened_on", "-id")[: EVENTS_SHOWN + 1]
    )
    _redact(events, _hidden_group_names(groups))
    return {
        "household": household,
        "dwelling": dwelling,
        "building": dwelling.building,
        "street": areas.get(household.street_id),
        "community": areas.get(household.community_id),
        "grid": areas.get(household.grid_id),
        "members": members,
        "head": next((m for m in members if m.is_head), None),
        "phone_cell": _cell(
            household, household, "phone", household.phone_masked, can_reveal, state
        ),
        "organizations": organizations[:ORGANIZATIONS_SHOWN],
        "more_organizations": len(organizations) > ORGANIZATIONS_SHOWN,
        "events": events[:EVENTS_SHOWN],
        "more_events": len(events) > EVENTS_SHOWN,
        "can_edit": can_edit,
        "can_reveal": can_reveal,
        "panels": [p for p in (panel(request, household) for panel in _panels()) if p],
    }


def _panels():
    """What other apps show in the file (settings.HOUSEHOLD_PANELS: the visits…)."""
    return [import_string(path) for path in settings.HOUSEHOLD_PANELS]


@requires("people.view")
@in_scope(Household)
def household_detail(request, household: Household):
    context = household_context(request, household)
    return render(request, "people/household_detail.html", context)


# --- reveal -------------------------------------------------------------------------


@requires("people.reveal")
@in_scope(Household)
@require_POST
@never_cache
def household_reveal(request, household: Household):
    """One masked number in clear, for the reason given (logged by the action).

    htmx swaps the one cell; without JavaScript the form posts here and the whole page
    comes back with the number shown. Nothing of it goes into a URL.
    """
    field = request.POST.get("field", "")
    if field not in actions.REVEALABLE:
        return HttpResponseBadRequest(_("该信息不能查看。"))
    record = household
    resident_pk = request.POST.get("resident", "")
    if resident_pk:
        if not resident_pk.isdigit():
            return HttpResponseBadRequest(_("该信息不能查看。"))
        record = get_object_or_404(household.members.all(), pk=int(resident_pk))
    reason = request.POST.get("reason", "")
    dom_id = cell_id(record, field)
    try:
        clear = actions.reveal_number(request.user, record, field, reason)
    except ActionError as exc:
        shown, status = {"error": exc.message, "reason": reason[:200]}, 400
        if exc.field != "reason":
            messages.error(request, exc.message)  # not about the form: above the page
    else:
        shown, status = {"clear": clear or "—"}, 200
    state = {dom_id: shown}
    if request.headers.get("HX-Request") == "true":
        masked = getattr(record, "id_masked" if field == "id_number" else "phone_masked", "")
        cell = _cell(household, record, field, masked, True, state)
        # htmx swaps only 2xx answers: the refusal comes back as 200 with its message.
        return render(request, "people/_reveal_cell.html", {"cell": cell})
    context = household_context(request, household, state)
    return render(request, "people/household_detail.html", context, status=status)


# --- edits --------------------------------------------------------------------------


def _back(household):
    return redirect("people:household_detail", pk=household.pk)


def _form_page(request, household, form, *, title, submit, resident=None, extra=None, error=None):
    context = {
        "household": household,
        "form": form,
        "title": title,
        "submit": submit,
        "resident": resident,
        "error": error,
        **(extra or {}),
    }
    status = 200
    if form.is_bound and form.errors:
        status = error.status if isinstance(error, ActionError) and error.status == 409 else 400
    return render(request, "people/household_form.html", context, status=status)


def _refused(form, exc: ActionError) -> ActionError:
    form.show_refusal(exc)
    return exc


def _member(household, resident_pk):
    return get_object_or_404(household.members.defer("id_cipher", "phone_cipher"), pk=resident_pk)


def _bound(request, form_class, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


@requires("people.edit")
@in_scope(Household)
def resident_add(request, household: Household):
    form, refusal = _bound(request, ResidentForm), None
    if form.is_bound and form.is_valid():
        try:
            resident = actions.add_resident(request.user, household, form.values, form.moved_in_on)
        except ActionError as exc:
            refusal = _refused(form, exc)
        else:
            messages.success(request, _("已添加成员 %(name)s。") % {"name": resident.name})
            return _back(household)
    return _form_page(
        request,
        household,
        form,
        title=_("添加成员"),
        submit=_("添加"),
        error=refusal,
    )


@requires("people.edit")
@in_scope(Household)
def resident_edit(request, household: Household, resident_pk: int):
    resident = _member(household, resident_pk)
    form, refusal = _bound(request, ResidentForm, resident=resident), None
    if form.is_bound and form.is_valid():
        try:
            actions.update_resident(request.user, resident, form.values)
        except ActionError as exc:
            refusal = _refused(form, exc)
        else:
            messages.success(request, _("已保存 %(name)s 的信息。") % {"name": resident.name})
            return _back(household)
    return _form_page(
        request,
        household,
        form,
        title=_("修改成员信息"),
        submit=_("保存"),
        resident=_member(household, resident_pk) if refusal else resident,
        error=refusal,
    )


@requires("people.edit")
@in_scope(Household)
def resident_leave(request, household: Household, resident_pk: int):
    """Moved out or deceased: the record stays, greyed, with the date."""
    resident = _member(household, resident_pk)
    form, refusal = _bound(request, LeaveForm), None
    if form.is_bound and form.is_valid():
        mark = (
            actions.mark_deceased
            if form.cleaned_data["status"] == ResidentStatus.DECEASED
            else actions.mark_moved_out
        )
        try:
            mark(request.user, resident, form.values["status_date"], form.values["note"])
        except ActionError as exc:
            refusal = _refused(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s 的变动。") % {"name": resident.name})
            return _back(household)
    return _form_page(
        request,
        household,
        form,
        title=_("迁出或死亡"),
        submit=_("登记"),
        resident=resident,
        error=refusal,
    )


@requires("people.edit")
@in_scope(Household)
def household_head(request, household: Household):
    living = household.members.filter(status=ResidentStatus.LIVING).only("name").order_by("id")
    form, refusal = _bound(request, SetHeadForm, members=living), None
    if form.is_bound and form.is_valid():
        resident = _member(household, form.cleaned_data["head"])
        try:
            actions.set_head(request.user, household, resident)
        except ActionError as exc:
            refusal = _refused(form, exc)
        else:
            messages.success(request, _("户主已变更为 %(name)s。") % {"name": resident.name})
            return _back(household)
    return _form_page(
        request, household, form, title=_("变更户主"), submit=_("保存"), error=refusal
    )


@requires("people.edit")
@in_scope(Household)
def household_move(request, household: Household):
    """The whole household moves to another dwelling the user may see."""
    form, refusal = _bound(request, MoveForm, user=request.user), None
    if form.is_bound and form.is_valid():
        values = form.values
        try:
            actions.move_household(
                request.user, household, form.dwelling, values["status_date"], values["note"]
            )
        except ActionError as exc:
            refusal = _refused(form, exc)
        else:
            messages.success(request, _("已搬迁至 %(to)s。") % {"to": form.dwelling})
            return _back(household)
    dwelling = Dwelling.objects.select_related("building").get(pk=household.dwelling_id)
    return _form_page(
        request,
        household,
        form,
        title=_("搬迁"),
        submit=_("搬迁"),
        extra={"current_dwelling": dwelling},
        error=refusal,
    )


def _group_from(request, groups):
    raw = request.POST.get("group") or request.GET.get("group") or ""
    return {str(g.pk): g for g in groups}.get(raw)


@requires("people.edit")
@in_scope(Household)
def focus_add(request, household: Household, resident_pk: int):
    """Put a member into a focus group the user may see and set."""
    resident = _member(household, resident_pk)
    held = set(resident.focus.filter(ended_on__isnull=True).values_list("group_id", flat=True))
    visible = queries.visible_focus_groups(request.user)
    groups = [g for g in visible if g.pk not in held]
    group = _group_from(request, groups)
    form, refusal = _bound(request, FocusAddForm, groups=groups, group=group), None
    if form.is_bound and form.is_valid():
        values = form.values
        try:
            actions.add_focus(
                request.user, resident, values["group"], values["details"], values["since"]
            )
        except ActionError as exc:
            refusal = _refused(form, exc)
        else:
            messages.success(
                request,
                _("已将 %(name)s 列入%(group)s。")
                % {"name": resident.name, "group": values["group"].name},
            )
            return _back(household)
    return _form_page(
        request,
        household,
        form,
        title=_("列入重点人群"),
        submit=_("保存"),
        resident=resident,
        extra={"groups": groups, "group": group, "picks_group": True},
        error=refusal,
    )


@requires("people.edit")
@in_scope(Household)
def focus_end(request, household: Household, membership_pk: int):
    """End a membership. A group the user may not see is a 404, as if it did not exist."""
    visible = queries.visible_focus_groups(request.user)
    settable = visible
    membership = get_object_or_404(
        FocusMembership.objects.select_related("group", "resident"),
        pk=membership_pk,
        resident__household=household,
        ended_on__isnull=True,
        group__in=[g.pk for g in settable],
    )
    form, refusal = _bound(request, FocusEndForm), None
    if form.is_bound and form.is_valid():
        try:
            actions.end_focus(request.user, membership, form.values["ended_on"])
        except ActionError as exc:
            refusal = _refused(form, exc)
        else:
            messages.success(
                request,
                _("已将 %(name)s 移出%(group)s。")
                % {"name": membership.resident.name, "group": membership.group.name},
            )
            return _back(household)
    return _form_page(
        request,
        household,
        form,
        title=_("移出重点人群"),
        submit=_("确认移出"),
        resident=membership.resident,
        extra={"membership": membership},
        error=refusal,
    )

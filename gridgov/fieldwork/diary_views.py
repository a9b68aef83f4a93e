"""The diary pages: a grid worker's entry of the day with its items (add, edit, turn
into a case or a request, the mediation of a dispute), and community staff's reader of
their workers' diaries by day, with missing days and comments.
"""

import datetime

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import ActionError
from gridgov.core.permissions import in_scope, requires
from gridgov.core.scope import get_visible_or_404
from gridgov.fieldwork import diary_actions, queries
from gridgov.fieldwork.diary_forms import CommentForm, DiaryItemForm, MediationForm
from gridgov.fieldwork.forms import CaseForm, FieldForm, text_field
from gridgov.fieldwork.models import DiaryComment, DiaryEntry, DiaryItem, Mediation
from gridgov.fieldwork.visit_views import client_id_of, grid_filter


def _day(request) -> datetime.date:
    """?day=YYYY-MM-DD, today if missing or wrong; never after today."""
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return today
    return min(day, today)


def _items(entries):
    """Items of the entries with everything their rows show, in a fixed few queries."""
    return (
        DiaryItem.objects.filter(entry__in=entries)
        .select_related("case", "mediation", "request")
        .prefetch_related(
            Prefetch("households", to_attr="linked_households"),
            Prefetch("buildings", to_attr="linked_buildings"),
        )
        .order_by("id")
    )


@requires("fieldwork.diary")
def diary(request):
    """The worker's entry of a day (today by default) and the form adding an item."""
    day = _day(request)
    entry = DiaryEntry.objects.filter(worker=request.user, day=day).first()
    form = DiaryItemForm(
        request.POST or None,
        user=request.user,
        buildings=queries.grid_buildings(request.user, entry),
    )
    if form.is_bound and form.is_valid():
        try:
            diary_actions.add_item(
                request.user, day=day, client_id=client_id_of(request), **form.inputs()
            )
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("已记入民情日志。"))
            return redirect(f"{reverse('fieldwork:diary')}?day={day:%Y-%m-%d}")
    context = {
        "day": day,
        "today": timezone.localdate(),
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
        "entry": entry,
        "items": list(_items([entry])) if entry else [],
        "comments": list(entry.comments.select_related("author")) if entry else [],
        "form": form,
    }
    return render(request, "fieldwork/diary.html", context, status=400 if form.errors else 200)


def _own_item(request, pk) -> DiaryItem:
    return get_object_or_404(
        DiaryItem.objects.visible_to(request.user).select_related("entry"),
        pk=pk,
        entry__worker=request.user,
    )


def _back_to(item: DiaryItem):
    return redirect(f"{reverse('fieldwork:diary')}?day={item.entry.day:%Y-%m-%d}")


@requires("fieldwork.diary")
def item_edit(request, pk):
    item = _own_item(request, pk)
    buildings = queries.grid_buildings(request.user, item.entry)
    form = DiaryItemForm(request.POST or None, user=request.user, buildings=buildings, item=item)
    if form.is_bound and form.is_valid():
        try:
            diary_actions.update_item(request.user, item, **form.inputs())
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("日志条目已修改。"))
            return _back_to(item)
    context = {"form": form, "item": item, "title": _("修改日志条目")}
    return render(request, "fieldwork/item_form.html", context, status=400 if form.errors else 200)


def _visible_item(request, pk) -> DiaryItem:
    return get_object_or_404(
        DiaryItem.objects.visible_to(request.user).select_related("entry"), pk=pk
    )


@requires("fieldwork.record")
def item_case(request, pk):
    item = _visible_item(request, pk)
    form = CaseForm(request.POST or None, initial={"description": item.text})
    if form.is_bound and form.is_valid():
        try:
            case = diary_actions.item_to_case(request.user, item, **form.inputs())
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("案件 %(number)s 已上报。") % {"number": case.number})
            return redirect("cases:detail", pk=case.pk)
    context = {"form": form, "title": _("日志条目转为案件"), "item": item}
    return render(request, "fieldwork/case_form.html", context, status=400 if form.errors else 200)


class ItemRequestForm(FieldForm):
    requester_name = text_field(_("诉求人姓名（不填则为相关住户户主）"), max_length=50)
    content = text_field(_("诉求内容"), required=True, rows=3, max_length=2000)


@requires("fieldwork.record")
def item_request(request, pk):
    item = _visible_item(request, pk)
    form = ItemRequestForm(request.POST or None, initial={"content": item.text})
    if form.is_bound and form.is_valid():
        try:
            made = diary_actions.item_to_request(request.user, item, **form.cleaned_data)
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("已登记为群众诉求。"))
            return redirect("fieldwork:request_detail", pk=made.pk)
    context = {"form": form, "title": _("日志条目转为诉求"), "item": item}
    return render(request, "fieldwork/item_form.html", context, status=400 if form.errors else 200)


@requires("fieldwork.record")
@in_scope(Mediation)
def mediation_edit(request, mediation: Mediation):
    initial = {
        "parties": mediation.parties,
        "mediator": mediation.mediator,
        "outcome": mediation.outcome,
        "state": mediation.state,
    }
    form = MediationForm(request.POST or None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            diary_actions.update_mediation(request.user, mediation, **form.cleaned_data)
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("调解记录已保存。"))
            return _back_to(mediation.item)
    context = {"form": form, "item": mediation.item, "title": _("矛盾纠纷调解")}
    return render(request, "fieldwork/item_form.html", context, status=400 if form.errors else 200)


# -- the reader ------------------------------------------------------------------------


@requires("fieldwork.diaries")
def reader(request):
    """The diaries of the workers in scope on a day, with each one's missing days."""
    day = _day(request)
    grids, grid = grid_filter(request)
    board = queries.diary_board(request.user, day, grid)
    context = {
        "day": day,
        "today": timezone.localdate(),
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
        "grids": grids if len(grids) > 1 else [],
        "grid": grid,
        "keep": [("day", day.isoformat())],
        **board,
    }
    return render(request, "fieldwork/diaries.html", context)


@requires("fieldwork.diaries")
def entry_detail(request, pk: int):
    """One diary entry with its comments; community staff add theirs."""
    entries = DiaryEntry.objects.select_related("worker", "grid").defer("grid__boundary")
    entry = get_visible_or_404(entries, request.user, pk=pk)
    can_comment = request.user.has_capability("fieldwork.supervise")
    form = CommentForm(request.POST or None) if can_comment else None
    if form is not None and form.is_bound and form.is_valid():
        try:
            diary_actions.comment_entry(request.user, entry, form.cleaned_data["text"])
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("批阅意见已保存。"))
            return redirect("fieldwork:entry_detail", pk=entry.pk)
    context = {
        "entry": entry,
        "items": list(_items([entry])),
        "comments": list(DiaryComment.objects.filter(entry=entry).select_related("author")),
        "form": form,
        "can_record": request.user.has_capability("fieldwork.record"),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "fieldwork/entry.html", context, status=status)

"""Grid partition pages for street staff: the communities and their grids, a form to
draw a new layout, the preview that sets current and proposed layouts side by side
with the validation report and the buildings that would move, apply/discard, the
layout history, and GeoJSON exports."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Sum
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.places import layout_actions, layouts
from gridgov.places.models import Area, Building, GridLayout, LayoutStatus, Level


class PartitionForm(forms.Form):
    target = forms.IntegerField(
        label=gettext_lazy("每格目标户数"),
        initial=250,
        min_value=50,
        max_value=5000,
        error_messages={
            "required": gettext_lazy("请填写目标户数。"),
            "invalid": gettext_lazy("目标户数必须是整数。"),
            "min_value": gettext_lazy("目标户数不能少于 50。"),
            "max_value": gettext_lazy("目标户数不能超过 5000。"),
        },
    )
    tolerance = forms.IntegerField(
        label=gettext_lazy("允许偏差（%）"),
        initial=20,
        min_value=5,
        max_value=50,
        error_messages={
            "required": gettext_lazy("请填写允许偏差。"),
            "invalid": gettext_lazy("允许偏差必须是整数。"),
            "min_value": gettext_lazy("允许偏差不能小于 %(limit_value)s%%。"),
            "max_value": gettext_lazy("允许偏差不能大于 %(limit_value)s%%。"),
        },
    )
    fresh = forms.BooleanField(
        label=gettext_lazy("不参考现有网格，重新划分（会改动较多楼宇）"), required=False
    )
    barriers = forms.FileField(
        label=gettext_lazy("分隔线（可选，GeoJSON：道路、河流等）"), required=False
    )

    def clean_barriers(self):
        upload = self.cleaned_data.get("barriers")
        if not upload:
            return []
        if upload.size > layouts.MAX_BARRIER_BYTES:
            raise forms.ValidationError(_("分隔线文件不能超过 2 MB。"))
        try:
            return layouts.parse_barriers(upload.read())
        except ActionError as exc:
            raise forms.ValidationError(exc.message) from None


class ApplyForm(forms.Form):
    effective_on = forms.DateField(
        label=gettext_lazy("生效日期"),
        error_messages={
            "required": gettext_lazy("请填写生效日期。"),
            "invalid": gettext_lazy("生效日期格式应为 年-月-日。"),
        },
    )


def _community(request, code: str) -> Area:
    community = (
        Area.objects.visible_to(request.user).filter(code=code, level=Level.COMMUNITY).first()
    )
    if community is None:
        raise Http404
    return community


def _layout(request, pk: int) -> GridLayout:
    layout = GridLayout.objects.visible_to(request.user).select_related("community").filter(pk=pk)
    found = layout.first()
    if found is None:
        raise Http404
    return found


@requires("areas.partition")
def partition_index(request):
    """The communities in scope with their grids, households and layouts."""
    communities = list(
        Area.objects.visible_to(request.user)
        .filter(level=Level.COMMUNITY)
        .without_boundary()
        .with_child_counts()
        .order_by("code")
    )
    ids = [c.pk for c in communities]
    totals = {
        row["community"]: row
        for row in Building.objects.filter(community_id__in=ids)
        .values("community")
        .annotate(buildings=Count("id"), households=Sum("household_count"))
    }
    layouts_of = {}
    for layout in (
        GridLayout.objects.filter(community_id__in=ids)
        .filter(status__in=(LayoutStatus.APPLIED, LayoutStatus.PROPOSED))
        .only("id", "community_id", "status", "effective_on", "created_at")
        .order_by("created_at")
    ):
        layouts_of.setdefault(layout.community_id, {})[layout.status] = layout
    rows = []
    for c in communities:
        total = totals.get(c.pk, {})
        households = total.get("households") or 0
        rows.append(
            {
                "community": c,
                "buildings": total.get("buildings", 0),
                "households": households,
                "average": round(households / c.n_children) if c.n_children else None,
                "applied": layouts_of.get(c.pk, {}).get(LayoutStatus.APPLIED),
                "proposed": layouts_of.get(c.pk, {}).get(LayoutStatus.PROPOSED),
            }
        )
    return render(request, "places/partition_index.html", {"rows": rows})


@requires("areas.partition")
def partition_community(request, code: str):
    """Draw a new layout of one community (a proposal), and its layout history."""
    community = _community(request, code)
    form = PartitionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            layout = layout_actions.propose_layout(
                request.user,
                community,
                target=data["target"],
                tolerance=data["tolerance"] / 100,
                barriers=data["barriers"],
                fresh=data["fresh"],
            )
        except ActionError as exc:
            exc.show_on(form)
        else:
            return redirect("places:layout_detail", pk=layout.pk)
    history = list(
        GridLayout.objects.filter(community=community)
        .select_related("created_by", "applied_by")
        .defer("grids", "assignment", "moves")
        .order_by("-created_at", "-id")[:50]
    )
    grids = list(
        Area.objects.filter(parent=community, level=Level.GRID)
        .current()
        .without_boundary()
        .order_by("code")
    )
    return render(
        request,
        "places/partition_community.html",
        {"community": community, "form": form, "history": history, "grids": grids},
    )


def _features(grids: list[dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": g["boundary"],
                "properties": {k: v for k, v in g.items() if k != "boundary"},
            }
            for g in grids
            if g.get("boundary")
        ],
    }


@requires("areas.view")
def layout_detail(request, pk: int):
    """A layout: for a proposal, the current and proposed grids side by side, the
    report and the moves, with apply and discard; for history, the layout itself."""
    layout = _layout(request, pk)
    community = layout.community
    may_partition = request.user.has_capability("areas.partition")
    if layout.status == LayoutStatus.PROPOSED and not may_partition:
        raise Http404
    current = None
    if layout.status == LayoutStatus.PROPOSED:
        current = layouts.recorded(community)
    stale = current is not None and current.basis != layout.basis
    report = layout.report or {}
    per_grid = {row["name"]: row for row in report.get("per_grid", [])}
    grids = [
        {**g, "deviation": per_grid.get(g["code"], {}).get("deviation")}
        for g in sorted(layout.grids, key=lambda g: g["code"])
    ]
    context = {
        "layout": layout,
        "community": community,
        "report": report,
        "grids": grids,
        "moves": layout.moves,
        "stale": stale,
        "may_apply": may_partition and layout.status == LayoutStatus.PROPOSED,
        "apply_form": ApplyForm(initial={"effective_on": timezone.localdate()}),
        "proposed_geojson": _features(layout.grids),
        "current_geojson": _features(current.grids) if current else None,
        "current_households": sum(g["households"] for g in current.grids) if current else None,
        "current_count": len(current.grids) if current else None,
    }
    return render(request, "places/layout_detail.html", context)


@require_POST
@requires("areas.partition")
def layout_apply(request, pk: int):
    layout = _layout(request, pk)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("places:layout_detail", pk=layout.pk)
    try:
        layout_actions.apply_layout(request.user, layout, form.cleaned_data["effective_on"])
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("places:layout_detail", pk=layout.pk)
    messages.success(
        request,
        _("新的网格划分已生效：%(grids)d 个网格，%(moved)d 栋楼宇调整了网格。")
        % {"grids": len(layout.grids), "moved": len(layout.moves)},
    )
    return redirect("places:partition_community", code=layout.community.code)


@require_POST
@requires("areas.partition")
def layout_discard(request, pk: int):
    layout = _layout(request, pk)
    try:
        layout_actions.discard_layout(request.user, layout)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("places:layout_detail", pk=layout.pk)
    messages.success(request, _("已放弃该方案。"))
    return redirect("places:partition_community", code=layout.community.code)


def _download(collection: dict, filename: str) -> JsonResponse:
    response = JsonResponse(collection, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@requires("areas.view")
def layout_geojson(request, pk: int):
    """A layout as GeoJSON: one feature per grid, and which grid each building is in."""
    layout = _layout(request, pk)
    if layout.status == LayoutStatus.PROPOSED and not request.user.has_capability(
        "areas.partition"
    ):
        raise Http404
    collection = _features(layout.grids)
    collection.update(
        community=layout.community.code,
        status=layout.status,
        effective_on=layout.effective_on.isoformat() if layout.effective_on else None,
        assignment=layout.assignment,
    )
    return _download(collection, f"grid-layout-{layout.community.code}-{layout.pk}.geojson")


@requires("areas.view")
def current_geojson(request, code: str):
    """The community's grids as they are now, as GeoJSON."""
    community = _community(request, code)
    now = layouts.recorded(community)
    collection = _features(now.grids)
    collection.update(community=community.code, assignment=now.assignment)
    return _download(collection, f"grid-layout-{community.code}-current.geojson")

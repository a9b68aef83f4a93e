"""Application pages: the front-desk intake form, the back office's list, an
application with its timeline and the moves the user may make, the pick-up window;
the applicant's progress page and the rating page (no login: the token is the key);
the supervisor's follow-ups of not-satisfied ratings."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridgov.cases.notify import token_digest
from gridgov.core.errors import ActionError
from gridgov.core.masking import mask_name
from gridgov.core.permissions import requires
from gridgov.hall import application_actions, workflow
from gridgov.hall.approver_queries import applications_for
from gridgov.hall.models import (
    Application,
    ApplicationStatus,
    FollowUp,
    HallSettings,
    ItemStatus,
    Rating,
    Score,
    ServiceItem,
    Ticket,
    TicketStatus,
)

PAGE_SIZE = 20
VIEWS = {  # the list's tabs: label, filter
    "open": (
        gettext_lazy("待审批"),
        Q(status__in=(ApplicationStatus.RECEIVED, ApplicationStatus.FORWARDED)),
    ),
    "supplement": (gettext_lazy("待补正"), Q(status=ApplicationStatus.SUPPLEMENT)),
    "ready": (gettext_lazy("待取件"), Q(status=ApplicationStatus.READY)),
    "done": (
        gettext_lazy("已办结"),
        Q(status__in=(ApplicationStatus.COLLECTED, ApplicationStatus.REJECTED)),
    ),
    "all": (gettext_lazy("全部"), Q()),
}


class IntakeForm(forms.Form):
    item = forms.ModelChoiceField(
        label=gettext_lazy("办理事项"),
        queryset=ServiceItem.objects.none(),
        error_messages={"required": gettext_lazy("请选择事项。")},
    )
    applicant_name = forms.CharField(
        label=gettext_lazy("申请人姓名"), max_length=50, required=False
    )
    id_number = forms.CharField(label=gettext_lazy("证件号码"), max_length=20, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)
    materials = forms.MultipleChoiceField(
        label=gettext_lazy("已收材料"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        item_id = self.data.get("item") or self.initial.get("item")
        names = []
        if item_id:
            found = items.filter(pk=getattr(item_id, "pk", item_id)).first()
            names = [m.name for m in found.materials.all()] if found else []
        self.fields["materials"].choices = [(n, n) for n in names]


def _items(user):
    return (
        ServiceItem.objects.visible_to(user)
        .filter(status=ItemStatus.PUBLISHED)
        .prefetch_related("materials")
        .order_by("theme", "code")
    )


def _overdue(application: Application, now) -> bool:
    """Open, not waiting for materials (the clock stands still), past its due time."""
    return (
        application.status in workflow.OPEN
        and not application.paused_at
        and application.due_at < now
    )


def _application(request, number: str) -> Application:
    found = (
        applications_for(request.user)
        .select_related("item", "received_by", "decided_by", "ticket")
        .filter(number=number)
        .first()
    )
    if found is None:
        raise Http404
    return found


@requires("hall.view")
def application_list(request):
    view = request.GET.get("view", "open")
    if view not in VIEWS:
        view = "open"
    rows = applications_for(request.user).filter(VIEWS[view][1])
    query = (request.GET.get("q") or "").strip()
    if query:
        rows = rows.filter(Q(number__startswith=query) | Q(applicant_name__startswith=query))
    rows = rows.select_related("item").order_by("due_at" if view == "open" else "-received_at")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for application in page:
        application.is_overdue = _overdue(application, now)
    return render(
        request,
        "hall/application_list.html",
        {
            "page": page,
            "view": view,
            "views": [(key, label) for key, (label, _q) in VIEWS.items()],
            "query": query,
        },
    )


@requires("hall.desk")
def application_new(request):
    """The front desk turns the ticket being served into an application."""
    ticket = None
    if request.GET.get("ticket") or request.POST.get("ticket"):
        ticket = (
            Ticket.objects.visible_to(request.user)
            .filter(pk=request.GET.get("ticket") or request.POST.get("ticket"))
            .first()
        )
        if ticket is None:
            raise Http404
    items = _items(request.user)
    initial = {"item": ticket.item_id} if ticket and ticket.item_id else {}
    applicant, lookup_error = None, ""
    redraw = request.POST.get("refresh") or request.POST.get("lookup")
    if redraw:
        # "更新材料清单" or "查找申请人": the same form with what was typed so far
        # (posted, so the ID number never lands in a URL).
        fields = ("item", "applicant_name", "id_number", "phone")
        typed = {k: request.POST.get(k, "") for k in fields}
        if request.POST.get("lookup"):
            applicant, lookup_error = _look_up(request.user, typed["id_number"])
            if applicant and not typed["applicant_name"].strip():
                typed["applicant_name"] = applicant.name
        form = IntakeForm(items=items, initial=typed)
    else:
        form = IntakeForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and not redraw and form.is_valid():
        data = form.cleaned_data
        try:
            application, token = application_actions.receive(
                request.user,
                item=data["item"],
                applicant_name=data["applicant_name"],
                id_number=data["id_number"],
                phone=data["phone"],
                materials=data["materials"],
                ticket=ticket if ticket and ticket.status == TicketStatus.SERVING else None,
            )
        except ActionError as exc:
            exc.show_on(form)
        else:
            link = request.build_absolute_uri(reverse("hall:progress", args=[token]))
            messages.success(
                request,
                _("已受理：%(number)s。申请人查询进度的链接（只显示这一次）：%(link)s")
                % {"number": application.number, "link": link},
            )
            return redirect("hall:application_detail", number=application.number)
    context = {
        "form": form,
        "ticket": ticket,
        "applicant": applicant,
        "lookup_error": lookup_error,
    }
    return render(request, "hall/application_new.html", context)


def _look_up(user, id_number: str):
    """(the applicant found, or None; the message to show when there is none)."""
    try:
        applicant = application_actions.look_up_applicant(user, id_number)
    except ActionError as exc:
        return None, exc.message
    return applicant, "" if applicant else _("实有人口库中没有这个证件号码的居民。")


@requires("hall.view")
def application_detail(request, number: str):
    application = _application(request, number)
    events = list(application.events.select_related("actor"))
    return render(
        request,
        "hall/application_detail.html",
        {
            "application": application,
            "events": events,
            "moves": workflow.allowed(request.user, application.status),
            "overdue": _overdue(application, timezone.now()),
        },
    )


@require_POST
@requires("hall.view")
def application_move(request, number: str, action: str):
    application = _application(request, number)
    try:
        application_actions.move(
            request.user,
            application,
            action,
            reason=request.POST.get("reason", ""),
            version=request.POST.get("version"),
        )
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已%(action)s。") % {"action": workflow.MOVES[action].label})
    return redirect("hall:application_detail", number=application.number)


def progress(request, token: str):
    """The applicant's progress page: no login, the token from the receipt is the key;
    nothing personal beyond the masked name."""
    application = (
        Application.objects.select_related("item").filter(token_digest=token_digest(token)).first()
    )
    if application is None:
        raise Http404
    hall = HallSettings.objects.filter(street_id=application.street_id).first()
    return render(
        request,
        "hall/progress.html",
        {
            "application": application,
            "name": mask_name(application.applicant_name),
            "events": list(application.events.only("to_status", "at")),
            "hall": hall,
        },
    )


def rate(request, token: str):
    """The rating page of one service (the hall's tablet or the ticket's link)."""
    ticket = (
        Ticket.objects.select_related("window", "item")
        .filter(token_digest=token_digest(token))
        .first()
    )
    if ticket is None:
        raise Http404
    error, done = None, Rating.objects.filter(ticket=ticket).exists()
    if request.method == "POST" and not done:
        try:
            application_actions.rate(
                ticket,
                int(request.POST.get("score") or 0),
                request.POST.get("reason", ""),
                request.POST.get("comment", ""),
            )
        except (ActionError, ValueError) as exc:
            error = getattr(exc, "message", _("请选择评价。"))
        else:
            done = True
    return render(
        request,
        "hall/rate.html",
        {
            "ticket": ticket,
            "scores": Score.choices,
            "done": done,
            "error": error,
            "ready": ticket.status == TicketStatus.DONE,
            "reasons": REASONS,
        },
    )


REASONS = (
    gettext_lazy("等候时间长"),
    gettext_lazy("服务态度"),
    gettext_lazy("办理效率"),
    gettext_lazy("材料要求不清楚"),
    gettext_lazy("其他"),
)


@requires("hall.manage")
def follow_ups(request):
    ratings = (
        Rating.objects.visible_to(request.user)
        .filter(follow_up=FollowUp.OPEN)
        .select_related("window", "clerk", "item", "ticket")
        .order_by("at")
    )
    if request.method == "POST":
        rating = ratings.filter(pk=request.POST.get("rating")).first()
        if rating is None:
            raise Http404
        try:
            application_actions.follow_up(request.user, rating, request.POST.get("note", ""))
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已记录跟进情况。"))
        return redirect("hall:follow_ups")
    page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hall/follow_ups.html", {"page": page})

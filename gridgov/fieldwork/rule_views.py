"""The visit rules page (走访规则): street staff see their street's rules, change one,
add a focus group's rule, or start from the usual set."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.core.scope import street_of
from gridgov.fieldwork import rule_actions
from gridgov.fieldwork.choices import RuleKind, VisitKind
from gridgov.fieldwork.forms import RuleForm
from gridgov.fieldwork.models import VisitRule
from gridgov.people.queries import visible_focus_groups
from gridgov.places.models import Area

RULES = "fieldwork.rules"


def _street(request) -> Area | None:
    pk = street_of(request.user)
    return Area.objects.only("id", "code", "name").get(pk=pk) if pk else None


@requires(RULES)
def rules_page(request, form=None, failed=None):
    street = _street(request)
    rules = list(
        VisitRule.objects.visible_to(request.user)
        .filter(street=street)
        .select_related("focus_group")
        .order_by("kind", "interval_days", "id")
    )
    for rule in rules:
        rule.form = (
            form
            if failed == rule.pk
            else RuleForm(
                initial={
                    "interval_days": rule.interval_days,
                    "visit_kind": rule.visit_kind,
                    "is_active": rule.is_active,
                },
                prefix=f"r{rule.pk}",
            )
        )
    ruled = {r.focus_group_id for r in rules if r.focus_group_id}
    groups = [g for g in visible_focus_groups(request.user) if g.pk not in ruled]
    new_form = form if failed == "new" else RuleForm(initial={"is_active": True}, prefix="new")
    context = {
        "street": street,
        "rules": rules,
        "groups": groups,
        "new_form": new_form,
        "kinds": [(k, label) for k, label in RuleKind.choices if k != RuleKind.FOCUS_GROUP],
        "visit_kinds": VisitKind.choices,
        "missing_defaults": len(rules) < len(rule_actions.DEFAULT_RULES),
    }
    return render(request, "fieldwork/rules.html", context, status=400 if failed else 200)


@requires(RULES)
@require_POST
def rule_save(request):
    """Save one rule: an existing one (rule=<id>) or a new one (kind and group)."""
    street = _street(request)
    rule_id = request.POST.get("rule", "")
    rule = None
    if rule_id.isdigit():
        rule = VisitRule.objects.visible_to(request.user).filter(pk=int(rule_id)).first()
    prefix = f"r{rule.pk}" if rule else "new"
    form = RuleForm(request.POST, prefix=prefix)
    if form.is_valid():
        values = dict(form.cleaned_data)
        if rule is not None:
            values |= {"kind": rule.kind, "focus_group": rule.focus_group_id}
        else:
            how, _sep, value = request.POST.get("target", "").partition(":")
            if how == "group":
                values |= {"kind": RuleKind.FOCUS_GROUP, "focus_group": value}
            else:
                values |= {"kind": value, "focus_group": None}
        try:
            rule_actions.save_rule(request.user, street, **values)
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("走访规则已保存。"))
            return redirect("fieldwork:rules")
    return rules_page(request, form=form, failed=rule.pk if rule else "new")


@requires(RULES)
@require_POST
def rule_defaults(request):
    added = rule_actions.add_default_rules(request.user, _street(request))
    messages.success(request, _("已添加 %(n)d 条常用规则。") % {"n": len(added)})
    return redirect("fieldwork:rules")

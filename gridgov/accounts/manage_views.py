"""The system administrator's account pages: list, create, roles, status, passwords.

An administrator sees only the accounts of the areas they run (and accounts with no
role yet); any other account is a 404. Nothing here shows residents' data.
"""

from django.contrib import messages
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts import actions, queries
from gridgov.accounts.forms import AssignRoleForm, ResetPasswordForm, UserCreateForm
from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires

PAGE_SIZE = 50


def _get_user(request, pk):
    return get_object_or_404(queries.manageable_users(request.user), pk=pk)


@requires("accounts.manage")
def user_list(request):
    text = request.GET.get("q", "").strip()[:50]
    status = request.GET.get("status", "")
    users = queries.search_users(request.user, text, status)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": text, "status": status}
    return render(request, "accounts/user_list.html", context)


@requires("accounts.manage")
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.create_user(
                request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                password=data["password"],
            )
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("账号已建立，请为其分配角色。"))
            return redirect("accounts:user_detail", pk=user.pk)
    context = {"form": form, "password_rules": password_validators_help_texts()}
    status = 400 if form.errors else 200
    return render(request, "accounts/user_form.html", context, status=status)


def _render_detail(request, pk, *, assign_form=None, reset_form=None, error=None, status=200):
    """The account page; after a refused write, with the refusal shown where it belongs."""
    user = get_object_or_404(
        queries.with_assignments(queries.manageable_users(request.user)), pk=pk
    )
    context = {
        "account": user,
        "assign_form": assign_form or AssignRoleForm(request.user),
        "reset_form": reset_form or ResetPasswordForm(),
        "role_hints": AssignRoleForm.role_hints(),
        "password_rules": password_validators_help_texts(),
        "error": error,
        "is_self": user.pk == request.user.pk,
    }
    return render(request, "accounts/user_detail.html", context, status=status)


@requires("accounts.manage")
def user_detail(request, pk):
    return _render_detail(request, pk)


@requires("accounts.manage")
@require_POST
def user_assign_role(request, pk):
    user = _get_user(request, pk)
    form = AssignRoleForm(request.user, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = actions.assign_role(
                request.user, user, data["role"], area=data["area"], department=data["department"]
            )
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("已分配：%(what)s。") % {"what": assignment})
            return redirect("accounts:user_detail", pk=user.pk)
    return _render_detail(request, user.pk, assign_form=form, status=400)


@requires("accounts.manage")
@require_POST
def user_revoke_role(request, pk, assignment_pk):
    user = _get_user(request, pk)
    assignment = get_object_or_404(
        user.role_assignments.select_related("area", "department"), pk=assignment_pk
    )
    try:
        actions.revoke_assignment(request.user, assignment)
    except ActionError as exc:
        return _render_detail(request, user.pk, error=exc.message, status=400)
    messages.success(request, _("已撤销：%(what)s。") % {"what": assignment})
    return redirect("accounts:user_detail", pk=user.pk)


def _set_active(request, pk, active: bool):
    user = _get_user(request, pk)
    try:
        actions.set_active(request.user, user, active)
    except ActionError as exc:
        return _render_detail(request, user.pk, error=exc.message, status=400)
    if active:
        messages.success(request, _("账号已启用。"))
    else:
        messages.success(request, _("账号已停用，该用户已被强制退出登录。"))
    return redirect("accounts:user_detail", pk=user.pk)


@requires("accounts.manage")
@require_POST
def user_disable(request, pk):
    return _set_active(request, pk, False)


@requires("accounts.manage")
@require_POST
def user_enable(request, pk):
    return _set_active(request, pk, True)


@requires("accounts.manage")
@require_POST
def user_reset_password(request, pk):
    user = _get_user(request, pk)
    form = ResetPasswordForm(request.POST)
    if form.is_valid():
        try:
            actions.reset_password(request.user, user, form.cleaned_data["password"])
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("密码已重置，该用户需用新密码重新登录。"))
            return redirect("accounts:user_detail", pk=user.pk)
    return _render_detail(request, user.pk, reset_form=form, status=400)

"""Every user's own account pages: their password and their API tokens."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts import actions, queries
from gridgov.accounts.forms import PasswordChangeForm, TokenForm
from gridgov.core.errors import ActionError


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_password(request.user, data["old_password"], data["new_password"])
        except ActionError as exc:
            exc.show_on(form)
        else:
            # The password hash is part of the session's auth hash: keep this login.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("accounts:password_change")
    context = {"form": form, "password_rules": password_validators_help_texts()}
    status = 400 if form.errors else 200
    return render(request, "accounts/password_change.html", context, status=status)


@login_required
def token_list(request):
    """The user's tokens; a POST makes one and shows it in clear on this response only.

    The clear token is never stored (only its hash), put in a URL or in the session, so
    the page that answers the POST is the only place it ever appears.
    """
    form = TokenForm(request.POST or None)
    clear = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, clear = actions.create_token(request.user, form.cleaned_data["name"])
            except ActionError as exc:
                exc.show_on(form)
            else:
                form = TokenForm()
        if clear is None:
            status = 400
    context = {"tokens": queries.own_tokens(request.user), "form": form, "clear_token": clear}
    response = render(request, "accounts/token_list.html", context, status=status)
    if clear:
        add_never_cache_headers(response)
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(queries.own_tokens(request.user), pk=pk)
    actions.revoke_token(request.user, token)
    messages.success(
        request, _("令牌“%(name)s”已吊销，使用它的程序将无法再访问。") % {"name": token.name}
    )
    return redirect("accounts:token_list")

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The same message for an unknown user, a wrong password and a disabled account,
    so the form never tells which usernames exist."""

    error_messages = {
        "invalid_login": _("用户名或密码不正确。"),
        "inactive": _("用户名或密码不正确。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6 位验证码"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=80)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput(render_value=False))
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput(render_value=False))
    new_password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput(render_value=False))

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data

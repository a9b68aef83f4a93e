from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from gridgov.accounts.roles import ROLE_RULES, Role
from gridgov.places.models import Level


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
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=80)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"), widget=forms.PasswordInput(render_value=False)
    )
    new_password = forms.CharField(
        label=_("新密码"), widget=forms.PasswordInput(render_value=False)
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"), widget=forms.PasswordInput(render_value=False)
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class MarksErrors:
    """Adds Bootstrap's `is-invalid` to a widget whose field has an error, whether the
    form found it or an action refused the value afterwards."""

    def add_error(self, field, error):
        super().add_error(field, error)
        if field in self.fields:
            widget = self.fields[field].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def _password_field(label):
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


def _check_same(form, data, first, second):
    if data.get(first) and data.get(second) is not None and data.get(first) != data.get(second):
        form.add_error(second, _("两次输入的密码不一致。"))


class UserCreateForm(MarksErrors, forms.Form):
    """A new account for one person; roles are assigned on the account's page."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("登录用，建立后不能修改。只能使用字母、数字和 @ . + - _。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password = _password_field(_("初始密码"))
    password2 = _password_field(_("再次输入初始密码"))

    def clean(self):
        data = super().clean()
        _check_same(self, data, "password", "password2")
        return data


class ResetPasswordForm(MarksErrors, forms.Form):
    password = _password_field(_("新密码"))
    password2 = _password_field(_("再次输入新密码"))

    def clean(self):
        data = super().clean()
        _check_same(self, data, "password", "password2")
        return data


class AssignRoleForm(MarksErrors, forms.Form):
    """A role in an area (by code) or in a department, offering only what the
    administrator can see. Areas come grouped by level."""

    role = forms.ChoiceField(label=_("角色"))
    area = forms.ChoiceField(label=_("区域"), required=False)
    department = forms.ChoiceField(label=_("部门"), required=False)

    def __init__(self, admin, *args, **kwargs):
        from gridgov.accounts import queries

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("请选择角色"))] + list(Role.choices)
        groups = queries.assignable_areas(admin)
        self._areas = {area.code: area for _label, areas in groups for area in areas}
        self.fields["area"].choices = [("", _("（按部门分配的角色不选）"))] + [
            (label, [(a.code, f"{a.name}（{a.code}）") for a in areas]) for label, areas in groups
        ]
        departments = list(queries.assignable_departments(admin))
        self._departments = {str(d.pk): d for d in departments}
        self.fields["department"].choices = [("", _("（按区域分配的角色不选）"))] + [
            (str(d.pk), f"{d.name}（{d.area.name}）") for d in departments
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def clean_area(self):
        return self._areas.get(self.cleaned_data.get("area") or "")

    def clean_department(self):
        return self._departments.get(self.cleaned_data.get("department") or "")

    @staticmethod
    def role_hints() -> list[tuple[str, str]]:
        """Where each role may be assigned, shown under the form."""
        hints = []
        for role in Role:
            rule = ROLE_RULES[role]
            if rule.by_department:
                where = _("部门")
            else:
                where = pgettext("list separator", "、").join(
                    str(Level(level).label) for level in rule.levels
                )
            hints.append((role.label, where))
        return hints

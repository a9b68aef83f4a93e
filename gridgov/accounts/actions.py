"""Every write to accounts: users, role assignments, passwords, second factors, tokens.

Only the system administrator manages other people's accounts; everyone manages their
own password, second factor and tokens. Each action is atomic and audited.
"""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.accounts.models import ApiToken, Department, DepartmentKind, RoleAssignment, User
from gridgov.accounts.queries import manageable_users
from gridgov.accounts.roles import ROLE_RULES, Role
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.places.models import Area

USER_FIELDS = ("username", "full_name", "email", "is_active")


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages), "password") from None


def _check_manageable(actor, user: User) -> None:
    """An administrator reaches only the accounts of the areas they run; any other
    account answers like one that does not exist."""
    if not manageable_users(actor).filter(pk=user.pk).exists():
        raise ActionError(_("用户不存在。"), status=404)


def record_login(user: User) -> None:
    with transaction.atomic():
        audit.record(user, "account.login", user)


def record_logout(user: User) -> None:
    with transaction.atomic():
        audit.record(user, "account.logout", user)


def create_user(actor, *, username: str, full_name: str, password: str, email: str = "") -> User:
    check_capability(actor, "accounts.manage")
    username = (username or "").strip()
    if not username:
        raise ActionError(_("请填写用户名。"), "username")
    user = User(username=username, full_name=(full_name or "").strip(), email=(email or "").strip())
    _check_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    try:
        with transaction.atomic():
            user.save()
            audit.record(actor, "account.create", user, after=audit.snapshot(user, USER_FIELDS))
    except IntegrityError:
        raise ActionError(
            _("用户名 %(name)s 已被使用。") % {"name": username}, "username", 409
        ) from None
    return user


def set_active(actor, user: User, active: bool) -> User:
    """Disable or enable an account. Accounts are never deleted: the audit names them."""
    check_capability(actor, "accounts.manage")
    _check_manageable(actor, user)
    if user.pk == actor.pk and not active:
        raise ActionError(_("不能停用自己的账号。"))
    before = audit.snapshot(user, USER_FIELDS)
    user.is_active = active
    with transaction.atomic():
        user.save(update_fields=["is_active"])
        if not active:
            _end_sessions(user)
        audit.record(
            actor,
            "account.enable" if active else "account.disable",
            user,
            before=before,
            after=audit.snapshot(user, USER_FIELDS),
        )
    return user


def reset_password(actor, user: User, password: str) -> None:
    check_capability(actor, "accounts.manage")
    _check_manageable(actor, user)
    if user.pk == actor.pk:
        # Own password only with the old one: a borrowed session must not take over.
        raise ActionError(_("请在“修改密码”页面修改自己的密码。"), "password")
    _check_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    with transaction.atomic():
        user.save(update_fields=["password", "password_changed_at"])
        _end_sessions(user)
        audit.record(actor, "account.reset_password", user)


def change_password(user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ActionError(_("原密码不正确。"), "old_password")
    if old_password == new_password:
        raise ActionError(_("新密码不能与原密码相同。"), "new_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages), "new_password") from None
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    with transaction.atomic():
        user.save(update_fields=["password", "password_changed_at"])
        audit.record(user, "account.change_password", user)


def _end_sessions(user: User) -> None:
    """Log the user out everywhere: delete their server-side sessions."""
    from django.contrib.sessions.models import Session

    doomed = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now())
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=doomed).delete()


def assign_role(
    actor, user: User, role: str, *, area: Area | None = None, department: Department | None = None
) -> RoleAssignment:
    """Give `user` a role in an area or department the actor can see."""
    check_capability(actor, "accounts.manage")
    _check_manageable(actor, user)
    if role not in Role.values:
        raise ActionError(_("未知的角色。"), "role")
    rule = ROLE_RULES[role]
    if rule.by_department:
        if department is None:
            raise ActionError(
                _("%(role)s需要指定所属部门。") % {"role": Role(role).label}, "department"
            )
        area = None
        place = department.area
    else:
        if area is None:
            raise ActionError(_("%(role)s需要指定所属区域。") % {"role": Role(role).label}, "area")
        if area.level not in rule.levels:
            raise ActionError(
                _("%(role)s只能分配到：%(levels)s。")
                % {
                    "role": Role(role).label,
                    "levels": pgettext("list separator", "、").join(
                        str(lv) for lv in _level_labels(rule)
                    ),
                },
                "area",
            )
        department = None
        place = area
    if not Area.objects.visible_to(actor).filter(pk=place.pk).exists():
        raise ActionError(_("区域不存在。"), "area", 404)
    if (
        role == Role.AUDITOR
        and user.has_role(Role.SYSTEM_ADMIN)
        or (role == Role.SYSTEM_ADMIN and user.has_role(Role.AUDITOR))
    ):
        raise ActionError(_("系统管理员与审计员不能由同一人兼任。"), "role")
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user, role=role, area=area, department=department
            )
            user.access_changed()
            audit.record(
                actor,
                "account.assign_role",
                user,
                after={
                    "role": role,
                    "area": area.code if area else None,
                    "department": department.pk if department else None,
                },
            )
    except IntegrityError:
        raise ActionError(_("该用户已有这个角色分配。"), "role", 409) from None
    return assignment


def _level_labels(rule):
    from gridgov.places.models import Level

    return [Level(level).label for level in rule.levels]


def revoke_assignment(actor, assignment: RoleAssignment) -> None:
    check_capability(actor, "accounts.manage")
    _check_manageable(actor, assignment.user)
    if assignment.user_id == actor.pk and assignment.role == Role.SYSTEM_ADMIN:
        raise ActionError(_("不能撤销自己的系统管理员角色。"))
    with transaction.atomic():
        audit.record(
            actor,
            "account.revoke_role",
            assignment.user,
            before={
                "role": assignment.role,
                "area": assignment.area.code if assignment.area_id else None,
                "department": assignment.department_id,
            },
        )
        assignment.delete()
        assignment.user.access_changed()


DEPARTMENT_FIELDS = ("name", "kind", "area", "phone", "is_active")


def create_department(actor, *, name: str, kind: str, area: Area, phone: str = "") -> Department:
    """A department (street office section or outside unit) serving an area the actor sees."""
    check_capability(actor, "accounts.manage")
    name = (name or "").strip()
    if not name:
        raise ActionError(_("请填写部门名称。"), "name")
    if kind not in DepartmentKind.values:
        raise ActionError(_("未知的部门类型。"), "kind")
    if not Area.objects.visible_to(actor).filter(pk=area.pk).exists():
        raise ActionError(_("区域不存在。"), "area", 404)
    try:
        with transaction.atomic():
            department = Department.objects.create(
                name=name[:80], kind=kind, area=area, phone=(phone or "").strip()[:30]
            )
            audit.record(
                actor,
                "department.create",
                department,
                after=audit.snapshot(department, DEPARTMENT_FIELDS),
            )
    except IntegrityError:
        raise ActionError(
            _("%(area)s已有名为%(name)s的部门。") % {"area": area.name, "name": name}, "name", 409
        ) from None
    return department


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Make an API token for the user's own machines; the clear token is shown once."""
    name = (name or "").strip()
    if not name:
        raise ActionError(_("请填写令牌用途。"), "name")
    clear = "gg_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:80], prefix=clear[:10], digest=ApiToken.digest_of(clear)
        )
        audit.record(
            user, "token.create", token, after={"name": token.name, "prefix": token.prefix}
        )
    return token, clear


def revoke_token(user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise ActionError(_("令牌不存在。"), status=404)
    if token.revoked_at:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            user, "token.revoke", token, after={"revoked_at": token.revoked_at.isoformat()}
        )


def start_totp(user: User) -> TOTPDevice:
    """An unconfirmed authenticator for the user to scan; replaces any earlier one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=_("手机验证器"), confirmed=False)
        audit.record(user, "account.start_totp", user)
    return device


def confirm_totp(user: User, device: TOTPDevice, code: str) -> None:
    if device.user_id != user.pk or device.confirmed:
        raise ActionError(_("请重新开始绑定。"), "code")
    if not device.verify_token((code or "").strip()):
        raise ActionError(_("验证码不正确或已过期，请查看验证器上的最新 6 位数字。"), "code")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(user, "account.enrol_totp", user)

"""Accounts: users, the departments some of them work for, their role assignments, and
the API tokens machines use.

Department lives here rather than in `cases` (design.md places it there) because a
role assignment ties a user to a department, and accounts sits below cases in the
import order; cases adds to departments what the loop needs (categories, deadlines).
"""

import hashlib
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.access import Access, HeldRole, access_of
from gridgov.accounts.roles import Role
from gridgov.core.scope import Scope
from gridgov.places.models import Area


class User(AbstractUser):
    """One person's own account (等保: unique accounts, never shared)."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Bumped whenever the user's roles change; keys the cached Access (accounts/access.py).
    access_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    @cached_property
    def access(self) -> Access:
        return access_of(self)

    @property
    def held_roles(self) -> tuple[HeldRole, ...]:
        return self.access.roles

    @property
    def capabilities(self) -> frozenset[str]:
        return self.access.capabilities

    def has_capability(self, capability: str) -> bool:
        return capability in self.access.capabilities

    def has_role(self, *roles: str) -> bool:
        return any(held.role in roles for held in self.access.roles)

    @property
    def scope(self) -> Scope:
        return self.access.scope

    @property
    def scope_label(self) -> str:
        """ "南华西街道 · 街道领导" for the page header."""
        return self.access.label

    def access_changed(self) -> None:
        """Called by the actions that change this user's roles: resolve afresh."""
        User.objects.filter(pk=self.pk).update(access_version=models.F("access_version") + 1)
        self.refresh_from_db(fields=["access_version"])
        self.__dict__.pop("access", None)


class DepartmentKind(models.TextChoices):
    STREET_OFFICE = "street_office", _("街道内设科室")
    OUTSIDE_UNIT = "outside_unit", _("驻街单位")
    DISTRICT_BUREAU = "district_bureau", _("区职能部门")


class Department(models.Model):
    """A department (职能部门/责任单位) that handles cases: a street office section or an
    outside unit such as the police station or the sanitation station."""

    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=20, choices=DepartmentKind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="departments"
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        ordering = ["area__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="department_unique_name_in_area")
        ]

    def __str__(self):
        return self.name


class RoleAssignment(models.Model):
    """A user holds a role in an area (or a department): the unit of scope."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area__isnull=False, department__isnull=True)
                | models.Q(area__isnull=True, department__isnull=False),
                name="assignment_area_xor_department",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "area"], name="assignment_unique_area_role"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department"], name="assignment_unique_department_role"
            ),
        ]

    def __str__(self):
        return f"{self.place_name} · {self.get_role_display()}"

    @property
    def place_name(self) -> str:
        return self.area.name if self.area_id else self.department.name


class ApiToken(models.Model):
    """A token a machine (a phone app, a video platform) uses for the API as its user.

    Only a SHA-256 of the token is stored: tokens are long random strings, so a fast
    hash is enough, and a stolen table cannot be used to call the API.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=80)
    prefix = models.CharField(_("前缀"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最后使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

"""Reads of accounts that pages, the API and actions share."""

from django.db.models import Prefetch, Q

from gridgov.accounts.models import ApiToken, Department, RoleAssignment, User
from gridgov.places.models import Area, Level


def manageable_users(admin):
    """The accounts a system administrator may see and manage.

    A user is manageable when every one of their role assignments lies in an area the
    administrator can see (a department counts by the area it serves), or when they
    hold no assignment yet (new accounts). A user with even one assignment elsewhere
    belongs to another administrator: changing their password or status would reach
    into an area this one does not run.
    """
    visible = Area.objects.visible_to(admin)
    inside = RoleAssignment.objects.filter(Q(area__in=visible) | Q(department__area__in=visible))
    outside = RoleAssignment.objects.exclude(pk__in=inside.values("pk"))
    return User.objects.exclude(pk__in=outside.values("user_id"))


def with_assignments(users):
    """Users with their assignments (and places) loaded in one extra query."""
    return users.prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("area", "department").order_by("id"),
            to_attr="assignment_list",
        )
    )


def search_users(admin, text: str = "", status: str = ""):
    """The administrator's user list: by username or name, optionally active/disabled only."""
    users = manageable_users(admin)
    text = (text or "").strip()
    if text:
        users = users.filter(Q(username__icontains=text) | Q(full_name__icontains=text))
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "disabled":
        users = users.filter(is_active=False)
    return with_assignments(users).order_by("username")


def assignable_areas(admin):
    """The areas an administrator may assign roles in, grouped by level for a select."""
    areas = Area.objects.visible_to(admin).only("code", "name", "level").order_by("code")
    groups = {level.value: [] for level in Level}
    for area in areas:
        groups[area.level].append(area)
    return [(Level(level).label, items) for level, items in groups.items() if items]


def assignable_departments(admin):
    """Active departments serving an area the administrator can see."""
    return (
        Department.objects.filter(area__in=Area.objects.visible_to(admin), is_active=True)
        .select_related("area")
        .order_by("area__code", "name")
    )


def own_tokens(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at")

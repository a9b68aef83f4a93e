"""What a user may do and see, resolved from their role assignments.

Every request needs it (menu, scope filters, capability checks), so it is cached per
process under the user's `access_version`: the actions that change a user's roles bump
that number, and the next request — which reads the user row anyway — resolves afresh.
The cache entry also expires after a minute, so a new street under a district reaches
district-level users without any bump. It reads the assignments through the user
(`user.role_assignments`), so the models import it and it imports no model of its own.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import pgettext

from gridgov.accounts.roles import ROLE_RULES, Role
from gridgov.core.scope import Scope
from gridgov.places.models import Area, Level

ACCESS_CACHE_SECONDS = 60


@dataclass(frozen=True)
class HeldRole:
    """One role assignment as pages show it: "南华西街道 · 街道领导"."""

    role: str
    place_name: str

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def __str__(self):
        return f"{self.place_name} · {self.role_label}"


@dataclass(frozen=True)
class Access:
    roles: tuple[HeldRole, ...]
    capabilities: frozenset[str]
    scope: Scope

    @property
    def label(self) -> str:
        return pgettext("list separator", "；").join(str(held) for held in self.roles)


NO_ACCESS = Access(roles=(), capabilities=frozenset(), scope=Scope())


def access_of(user) -> Access:
    if user.pk is None or not user.is_active:
        return NO_ACCESS
    key = f"gridgov:access:{user.pk}:{user.access_version}"
    access = cache.get(key)
    if access is None:
        access = resolve(user)
        cache.set(key, access, ACCESS_CACHE_SECONDS)
    return access


def resolve(user) -> Access:
    """Turn the assignments into capabilities and the ids the scope rule filters on."""
    assignments = (
        user.role_assignments.select_related("area", "department__area")
        .defer("area__boundary", "department__area__boundary")
        .order_by("id")
    )
    ids = {Level.STREET: set(), Level.COMMUNITY: set(), Level.GRID: set()}
    paths, departments, districts, roles, capabilities = [], set(), [], [], set()
    for assignment in assignments:
        rule = ROLE_RULES[assignment.role]
        capabilities |= rule.capabilities
        roles.append(HeldRole(assignment.role, assignment.place_name))
        area = assignment.area or (assignment.department.area if assignment.department else None)
        if assignment.department_id:
            departments.add(assignment.department_id)
        if area is None:
            continue
        paths.append(area.path)
        if not rule.sees_data or assignment.department_id:
            continue
        if area.level == Level.DISTRICT:
            districts.append(area.id)
        else:
            ids[area.level].add(area.id)
    if districts:
        ids[Level.STREET] |= set(
            Area.objects.filter(parent_id__in=districts).values_list("id", flat=True)
        )
    scope = Scope(
        street_ids=frozenset(ids[Level.STREET]),
        community_ids=frozenset(ids[Level.COMMUNITY]),
        grid_ids=frozenset(ids[Level.GRID]),
        area_paths=tuple(sorted(set(paths))),
        department_ids=frozenset(departments),
    )
    return Access(roles=tuple(roles), capabilities=frozenset(capabilities), scope=scope)

"""The scope rule: the one place that decides which records a user may see.

Every user holds role assignments, each tied to an area (district, street, community
or grid) or to a department. Records with personal or case data carry the ids of their
grid, community and street (copied at save), so "in scope" is a plain indexed filter.
Outside one's scope the answer is 404, the same as for a record that does not exist.

core knows nothing of the accounts app: the user object supplies `scope` (a Scope).
"""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.http import Http404


@dataclass(frozen=True)
class Scope:
    """What one user may see, resolved once per request from their role assignments."""

    street_ids: frozenset[int] = field(default_factory=frozenset)
    community_ids: frozenset[int] = field(default_factory=frozenset)
    grid_ids: frozenset[int] = field(default_factory=frozenset)
    # Subtrees of the area tree the user may browse (materialised paths). Areas hold
    # no personal data, so a department's staff may browse the area it serves.
    area_paths: tuple[str, ...] = ()
    department_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def areas(self) -> tuple[tuple[str, frozenset[int]], ...]:
        """The areas held, by the level whose id column records carry them."""
        return (
            ("street", self.street_ids),
            ("community", self.community_ids),
            ("grid", self.grid_ids),
        )

    @property
    def sees_personal_data(self) -> bool:
        return bool(self.street_ids or self.community_ids or self.grid_ids)

    def contains(self, record) -> bool:
        """`scope_q` for one loaded record carrying street_id, community_id and grid_id,
        where a query per record would be wasted (a row being checked, a case being
        reported)."""
        return (
            record.street_id in self.street_ids
            or record.community_id in self.community_ids
            or record.grid_id in self.grid_ids
        )


EMPTY_SCOPE = Scope()


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    return user.scope


def scope_q(user, prefix: str = "") -> Q:
    """A filter for models that carry street_id, community_id and grid_id.

    `prefix` reaches the ids through a relation, e.g. `prefix="household__"`.
    """
    q = Q(pk__in=[])
    for level, ids in scope_of(user).areas:
        if ids:
            q |= Q(**{f"{prefix}{level}_id__in": ids})
    return q


def street_q(user, field_name: str = "street_id") -> Q:
    """A filter for records that belong to a street as a whole (a service hall's
    records, an alert source): the streets the user is assigned to. `field_name="pk"`
    filters the streets themselves."""
    return Q(**{f"{field_name}__in": scope_of(user).street_ids})


def street_of(user, street_id: int | None = None) -> int | None:
    """The street a street-level user works in: `street_id` if it is one of theirs,
    else None (the caller answers 404, as for a street that does not exist); with no
    street named, the first of theirs by id, or None when they hold no street."""
    street_ids = scope_of(user).street_ids
    if street_id is not None:
        return street_id if street_id in street_ids else None
    return min(street_ids, default=None)


def area_path_q(user, field_name: str = "path") -> Q:
    """A filter for the area tree itself: the subtrees the user may browse."""
    q = Q(pk__in=[])
    for path in scope_of(user).area_paths:
        q |= Q(**{f"{field_name}__startswith": path})
    return q


class ScopedQuerySet(models.QuerySet):
    """Queryset of a model carrying street_id/community_id/grid_id."""

    def visible_to(self, user):
        return self.filter(scope_q(user))


class StreetScopedQuerySet(models.QuerySet):
    """Queryset of a model that belongs to a street as a whole (`street_q`)."""

    def visible_to(self, user):
        return self.filter(street_q(user))


def get_visible_or_404(queryset, user, **lookup):
    """Fetch one record the user may see; 404 whether it is missing or out of scope."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None

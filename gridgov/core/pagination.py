"""The paginator of the long lists (cases, residents, households, buildings, organizations).

An exact total is the slowest part of a list page once the scope holds hundreds of
thousands of rows: COUNT(*) of a district's 1.2 million residents reads them all
(200–300 ms) on every page. The lists show the total only up to a cap; beyond it the
page says "10,000+" (core/_pagination.html), offers no last page, and still pages
forward as far as the cap's extra row. Filters narrow a list faster than paging does.

A page is read in two steps (`page_rows`): the ids of its rows in order, then those rows
with their joins. A search matching thousands of rows then sorts ids, not wide joined
rows: 30–170 ms become 15–55 ms for a common given name or title word district-wide.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.sql.where import WhereNode
from django.utils.functional import cached_property

COUNT_CAP = 10_000


def capped_count(rows) -> int:
    """How many rows a queryset (or a list) holds, counted up to COUNT_CAP + 1."""
    if isinstance(rows, list | tuple):
        return min(len(rows), COUNT_CAP + 1)
    return rows.order_by()[: COUNT_CAP + 1].count()


def page_rows(rows, bottom: int, top: int) -> list:
    """Rows `bottom`..`top` of a list: for a queryset, the ids in the list's order first,
    then the rows of those ids with the queryset's joins, prefetches and deferrals."""
    if not isinstance(rows, QuerySet):
        return list(rows[bottom:top])
    ids = list(rows.values_list("pk", flat=True)[bottom:top])
    if not ids:
        return []
    chosen = rows.all()
    # The ids come from the filtered, scoped list already: its conditions (a text index,
    # the scope) need not run again, and would steer the planner away from the ids.
    chosen.query.where = WhereNode()
    found = {row.pk: row for row in chosen.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` + 1 rows; `capped` says it stopped there."""

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(page_rows(self.object_list, bottom, top), number, self)

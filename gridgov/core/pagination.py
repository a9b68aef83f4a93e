"""The paginator of the long lists (cases, residents, households, buildings, organizations).

An exact total is the slowest part of a list page once the scope holds hundreds of
thousands of rows: COUNT(*) of a district's 1.2 million residents reads them all
(200–300 ms) on every page. The lists show the total only up to a cap; beyond it the
page says "10,000+" (core/_pagination.html), offers no last page, and still pages
forward as far as the cap's extra row. Filters narrow a list faster than paging does.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


def capped_count(rows) -> int:
    """How many rows a queryset (or a list) holds, counted up to COUNT_CAP + 1."""
    if isinstance(rows, list | tuple):
        return min(len(rows), COUNT_CAP + 1)
    return rows.order_by()[: COUNT_CAP + 1].count()


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

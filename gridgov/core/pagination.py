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


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` + 1 rows; `capped` says it stopped there."""

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

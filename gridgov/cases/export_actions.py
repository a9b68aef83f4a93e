"""The one write of a case export: its audit row, saying who took which cases out."""

import dataclasses

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import audit


def record_export(user, filters, rows: int, capped: bool):
    """Audit an export of the case list: the filters it used and how many rows left."""
    applied = {
        name: str(value) if not isinstance(value, bool | int) else value
        for name, value in dataclasses.asdict(filters).items()
        if value not in ("", None, False)
    }
    with transaction.atomic():
        return audit.record(
            user,
            "case.export",
            object_type="cases.case",
            object_repr=_("导出案件 %(n)d 条") % {"n": rows},
            after={"filters": applied, "rows": rows, "capped": capped},
        )

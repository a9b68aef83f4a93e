"""Importing base data from Excel: buildings, dwellings, households, residents,
organizations — the whole file or nothing.

`read_sheet` turns an uploaded .xlsx into rows keyed by column (import_columns);
`import_sheet` checks every row (people.rules plus the checks that need the database,
in import_checks) and writes nothing unless every row is right; `write_import` then
saves the plan with bulk statements in one transaction and one audit row for the file.

Why bulk: a street office imports its 60,000 residents in one go, and per-row actions
(a transaction, an audit row and a history row each) would take many minutes. The
rules are the same ones the pages apply; what the bulk path adds by hand — protected
numbers, pinyin keys, place ids, household history, heads and member counts — is what
the per-row actions do.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.spreadsheets import ImportRejected
from gridgov.people.import_columns import KINDS, Sheet
from gridgov.people.import_households import HouseholdPlan, ResidentPlan
from gridgov.people.import_places import BuildingPlan, DwellingPlan, OrganizationPlan

CAPABILITY = "people.import"
PLANS = {
    "buildings": BuildingPlan,
    "dwellings": DwellingPlan,
    "households": HouseholdPlan,
    "residents": ResidentPlan,
    "organizations": OrganizationPlan,
}


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    notes: dict = field(default_factory=dict)


def read_sheet(kind_name: str, path_or_file, filename: str) -> Sheet:
    """The rows of the first sheet: {"row": line number, column key: cell value}, read
    by the kind's sheet plan (core.spreadsheets), which refuses a bad file whole."""
    kind = KINDS[kind_name]
    rows, data = kind.plan.read(path_or_file, filename)
    columns = frozenset(rows[0]) - {"row"}
    digest = hashlib.sha256(data).hexdigest()
    return Sheet(kind, rows, columns, Path(filename).name[:200], digest)


# Checking and writing ----------------------------------------------------------------


def import_sheet(actor, sheet: Sheet, *, dry_run: bool = False) -> ImportResult:
    """Check every row; unless `dry_run`, write them all (or raise ImportRejected).

    Rows whose values equal what is stored count as unchanged and are not written, so
    importing the same file twice creates nothing the second time.
    """
    check_capability(actor, CAPABILITY)
    plan = PLANS[sheet.kind.name](actor, sheet)
    plan.check()
    if plan.problems:
        raise ImportRejected(sheet.kind.plan.sort(plan.problems))
    result = ImportResult(
        sheet.kind.name,
        rows=len(sheet.rows),
        created=len(plan.new),
        updated=len(plan.changed),
        unchanged=plan.unchanged,
        dry_run=dry_run,
    )
    if not dry_run:
        write_import(actor, sheet, plan, result)
    return result


def write_import(actor, sheet: Sheet, plan, result: ImportResult) -> None:
    """Save a checked plan in one transaction, with one audit row for the whole file
    (what file, its SHA-256, how many records were created and updated)."""
    try:
        with transaction.atomic():
            plan.write()
            audit.record(
                actor,
                "people.import",
                None,
                object_type=plan.model._meta.label_lower,
                object_repr=sheet.filename,
                after={
                    "kind": sheet.kind.name,
                    "file": sheet.filename,
                    "sha256": sheet.sha256,
                    "rows": result.rows,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
    except IntegrityError:
        # Someone else took a key (an ID number, a code) between the check and the write.
        raise ActionError(_("数据刚被其他操作修改，请重新导入。"), status=409) from None


def import_file(actor, kind_name: str, path_or_file, filename: str, *, dry_run: bool = False):
    """Read and import in one call (the page, the command and the benchmark use it)."""
    return import_sheet(actor, read_sheet(kind_name, path_or_file, filename), dry_run=dry_run)

"""Sheets going out: the import templates and the exports of base data.

An export has the template's columns in the template's order (plus the grid), so a
sheet exported with clear numbers imports back as it is. ID and phone numbers are
masked unless the exporter may reveal them and says why. Every export writes its audit
row, and a clear one its AccessLog row with the reason, through `core.actions`. Every cell goes through
`safe_cell`, so text such as `=HYPERLINK(…)` typed into a name is never a formula.
"""

import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gridgov.core.actions import record_export
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.protect import reveal
from gridgov.core.spreadsheets import XLSX_TYPE, xlsx_response
from gridgov.people.choices import (
    ETHNICITIES,
    Education,
    FireSafetyLevel,
    HouseholdKind,
    IdType,
    OrganizationKind,
    Registration,
    Relation,
    ResidentStatus,
    Sex,
)
from gridgov.people.import_columns import KINDS, Kind
from gridgov.people.models import Household, Organization, Resident
from gridgov.places.models import Building, BuildingUse, Dwelling, DwellingUse

VIEW = "people.view"
REVEAL = "people.reveal"


def template_xlsx(kind: Kind) -> bytes:
    """An empty sheet to fill in: the header, and under it a notes row saying for each
    column whether it is required, its format and its allowed values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(kind.label)[:31]
    sheet.append([str(c.label) for c in kind.columns])
    sheet.append([c.note() for c in kind.columns])
    note_fill = PatternFill("solid", fgColor="FFF7E0")
    for index, column in enumerate(kind.columns, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True, color="C00000" if column.required else "000000")
        note = sheet.cell(row=2, column=index)
        note.font = Font(size=9, color="666666")
        note.fill = note_fill
        note.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = 18
        # Codes, rooms and numbers stay text, so Excel keeps leading zeros and all 18 digits.
        if column.key.endswith(("code", "number", "room", "unit", "phone")):
            for row in range(3, 1003):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.row_dimensions[2].height = 60
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _labels(enum) -> dict:
    return {code: str(label) for code, label in enum.choices}


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


class _Numbers:
    """ID and phone numbers as the export shows them: masked, or in clear."""

    def __init__(self, clear: bool):
        self.clear = clear

    def __call__(self, record, prefix: str) -> str:
        if self.clear:
            return reveal(getattr(record, f"{prefix}_cipher"))
        return getattr(record, f"{prefix}_masked")


def _grid(record) -> str:
    return str(record.grid)


def _buildings(user, number):
    uses = _labels(BuildingUse)
    for b in (
        Building.objects.visible_to(user).select_related("grid").order_by("code").iterator(2000)
    ):
        yield (
            b.code,
            b.name,
            b.address,
            b.lon,
            b.lat,
            b.floors,
            uses.get(b.use, b.use),
            b.property_company,
            b.head_name,
            number(b, "head_phone"),
            _grid(b),
        )


def _dwellings(user, number):
    uses = _labels(DwellingUse)
    dwellings = (
        Dwelling.objects.visible_to(user)
        .select_related("building", "grid")
        .order_by("building__code", "unit", "room")
    )
    for d in dwellings.iterator(2000):
        yield (
            d.building.code,
            d.unit,
            d.room,
            uses.get(d.use, d.use),
            d.area_m2,
            d.owner_name,
            _yes_no(d.is_rental),
            d.landlord_name,
            d.lease_start,
            d.lease_end,
            d.occupancy_cap,
            d.fire_checked_on,
            _grid(d),
        )


def _households(user, number):
    kinds = _labels(HouseholdKind)
    households = (
        Household.objects.visible_to(user)
        .select_related("dwelling__building", "grid")
        .order_by("number")
    )
    for h in households.iterator(2000):
        yield (
            h.number,
            h.dwelling.building.code,
            h.dwelling.unit,
            h.dwelling.room,
            kinds.get(h.kind, h.kind),
            number(h, "phone"),
            _grid(h),
        )


def _residents(user, number):
    id_types, sexes, relations = _labels(IdType), _labels(Sex), _labels(Relation)
    registrations, educations = _labels(Registration), _labels(Education)
    statuses = _labels(ResidentStatus)
    residents = (
        Resident.objects.visible_to(user)
        .select_related("household", "grid")
        .order_by("household__number", "id")
    )
    for r in residents.iterator(2000):
        yield (
            r.household.number,
            r.name,
            id_types.get(r.id_type, r.id_type),
            number(r, "id"),
            sexes.get(r.sex, r.sex),
            r.birth_date,
            ETHNICITIES.get(r.ethnicity, r.ethnicity),
            number(r, "phone"),
            relations.get(r.relation, r.relation),
            registrations.get(r.registration, r.registration),
            r.origin,
            r.arrival_date,
            r.permit_number,
            r.permit_expiry,
            educations.get(r.education, r.education),
            r.occupation,
            r.work_unit,
            statuses.get(r.status, r.status),
            r.status_date,
            _grid(r),
        )


def _organizations(user, number):
    kinds, levels = _labels(OrganizationKind), _labels(FireSafetyLevel)
    organizations = (
        Organization.objects.visible_to(user)
        .select_related("building", "grid")
        .order_by("name", "id")
    )
    for o in organizations.iterator(2000):
        yield (
            o.name,
            o.credit_code,
            kinds.get(o.kind, o.kind),
            o.building.code,
            o.address,
            o.legal_representative,
            o.contact_name,
            number(o, "contact_phone"),
            o.employees,
            _yes_no(o.is_key_unit),
            levels.get(o.fire_safety_level, o.fire_safety_level),
            _grid(o),
        )


ROWS = {
    "buildings": _buildings,
    "dwellings": _dwellings,
    "households": _households,
    "residents": _residents,
    "organizations": _organizations,
}
# The kinds with ID or phone numbers, and the model their access log names.
MODELS = {
    "buildings": Building,
    "dwellings": Dwelling,
    "households": Household,
    "residents": Resident,
    "organizations": Organization,
}


def export_response(user, kind_name: str, *, reason: str = ""):
    """The records of `kind_name` the user may see, as an .xlsx download.

    With a reason, and only for users who may reveal numbers, the ID and phone
    columns are in clear and an AccessLog row also records who, why and how many.
    """
    check_capability(user, VIEW)
    kind = KINDS[kind_name]
    reason = (reason or "").strip()
    clear = bool(reason)
    if clear:
        check_capability(user, REVEAL)
        if len(reason) < 2:
            raise ActionError(_("请填写查看事由。"), "reason")
    header = [str(c.label) for c in kind.columns] + [_("网格")]
    suffix = "-clear" if clear else ""
    response = xlsx_response(
        f"{kind_name}{suffix}.xlsx",
        header,
        ROWS[kind_name](user, _Numbers(clear)),
        title=str(kind.label),
    )
    record_export(
        user,
        "people.export",
        MODELS[kind_name]._meta.label_lower,
        capability=REVEAL if clear else VIEW,
        filters={"kind": kind_name, "clear": clear},
        rows=response.rows_written,
        capped=response.capped,
        object_repr=_("导出%(kind)s %(n)d 条") % {"kind": kind.label, "n": response.rows_written},
        revealed=",".join(c.key for c in kind.columns if c.masked_as) if clear else "",
        reason=reason,
    )
    return response


def template_response(kind: Kind):
    response = HttpResponse(template_xlsx(kind), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"template-{kind.name}.xlsx")
    return response

"""Write the demo's areas, departments and accounts into the database, idempotently.

Everything goes through the same actions a person would use, as the demo's system
administrator, so the audit log shows how the demo was set up. Only the first step
cannot: the first administrator has nobody to create them and no district to be
assigned to yet, so `_bootstrap` makes the district row and that account directly,
audited as done by the system (no actor).

Running it again changes nothing: areas, departments, accounts and assignments that
already exist are kept (an existing database keeps its own area boundaries); only an
account whose password differs from the one given gets it reset, so the printed
password is always true. Argon2 makes each password check cost a fraction of a
second, so the accounts' passwords take a few seconds.

Then the population (`demo.population`): 60,000 residents and everything around them,
generated in bulk rather than through the actions one by one (see there why), and
skipped for a street that has it already.
"""

import sys
import unicodedata

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.actions import (
    USER_FIELDS,
    assign_role,
    create_department,
    create_user,
    reset_password,
)
from gridgov.accounts.models import Department, RoleAssignment, User
from gridgov.accounts.roles import Role
from gridgov.core import audit
from gridgov.core.errors import ActionError
from gridgov.core.maintenance import refresh_statistics
from gridgov.demo import cases as demo_cases
from gridgov.demo.accounts import ACCOUNTS, DEFAULT_PASSWORD, DEPARTMENTS, AccountSpec
from gridgov.demo.areas import DISTRICT_CODE, DISTRICT_NAME, STREET_CODE, build_tree
from gridgov.demo.cases import load_cases
from gridgov.demo.command import load_command
from gridgov.demo.fieldwork import load_fieldwork
from gridgov.demo.hall import load_hall
from gridgov.demo.population import load_population
from gridgov.places.actions import AUDIT_FIELDS, import_areas
from gridgov.places.models import Area, Level

AccountRow = tuple[str, str, str, str]  # username, full name, role label, place


def load_demo(
    password: str = DEFAULT_PASSWORD,
    scale: int = 1,
    households: int | None = None,
    out=None,
    cases: int | None = None,
) -> list[AccountRow]:
    """Create the Nanhua West areas, departments and demo accounts, then its population
    (and, with `scale` > 1, that many streets of the same shape; `households` per street
    overrides the default 20,000), a year of its cases (`cases` overrides the 30,000
    of the first street; the others get none), its command center, service hall and
    its grid workers' year of fieldwork (the first street only); return the accounts as
    (username, full name, role, place) for printing. Progress goes to `out` if given."""
    first = ACCOUNTS[0]
    try:
        validate_password(password, User(username=first.username, full_name=first.full_name))
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages), "password") from None
    with transaction.atomic():
        admin = _bootstrap(first, password)
        _import_missing_areas(admin)
        departments = {d.name: d for d in _ensure_departments(admin)}
        accounts = [_ensure_account(admin, spec, password, departments) for spec in ACCOUNTS]
    load_population(admin, scale, households, out)
    street = Area.objects.get(code=STREET_CODE)
    written = load_cases(street, demo_cases.DEFAULT_CASES if cases is None else cases)
    if out and written:
        out.write(f"{street.name}：{written:,} 件案件\n")
    load_command(street, out)  # cameras, alert sources and alerts, workers' positions
    load_hall(street, out)  # the service hall: items, windows, a year of applications
    load_fieldwork(street, out, others=scale - 1)  # the grid workers' year (this street only)
    refresh_statistics()  # the planner's view of the new rows (SQLite has no autovacuum)
    return accounts


def _bootstrap(spec: AccountSpec, password: str) -> User:
    """The district row (without boundary: the import fills it in) and the system
    administrator holding it."""
    district = Area.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        district = Area.objects.create(
            level=Level.DISTRICT, code=DISTRICT_CODE, name=DISTRICT_NAME, path=f"{DISTRICT_CODE}/"
        )
        audit.record(None, "area.create", district, after=audit.snapshot(district, AUDIT_FIELDS))
    admin = User.objects.filter(username=spec.username).first()
    if admin is None:
        admin = User(username=spec.username, full_name=spec.full_name)
        _set_password(admin, password)
        audit.record(None, "account.create", admin, after=audit.snapshot(admin, USER_FIELDS))
    elif not admin.check_password(password):
        # reset_password refuses one's own account, and nobody else could do it here.
        _set_password(admin, password)
        audit.record(None, "account.reset_password", admin)
    if not RoleAssignment.objects.filter(user=admin, role=spec.role, area=district).exists():
        RoleAssignment.objects.create(user=admin, role=spec.role, area=district)
        after = {"role": spec.role, "area": district.code, "department": None}
        audit.record(None, "account.assign_role", admin, after=after)
    return User.objects.get(pk=admin.pk)  # fresh: no cached assignments or capabilities


def _set_password(user: User, password: str) -> None:
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()


def _import_missing_areas(admin: User) -> None:
    """Import the areas not stored yet (or stored without a boundary), as the admin."""
    specs = build_tree()
    stored = dict(
        Area.objects.filter(code__in=[s.code for s in specs]).values_list("code", "boundary")
    )
    rows = [spec.as_row(n) for n, spec in enumerate(specs, start=1) if not stored.get(spec.code)]
    if rows:
        import_areas(admin, rows)


def _ensure_departments(admin: User) -> list[Department]:
    """The demo departments, created through the department action (audited)."""
    areas = {a.code: a for a in Area.objects.filter(code__in={d.area_code for d in DEPARTMENTS})}
    found = []
    for spec in DEPARTMENTS:
        area = areas[spec.area_code]
        department = Department.objects.filter(area=area, name=spec.name).first()
        if department is None:
            department = create_department(
                admin, name=spec.name, kind=spec.kind, area=area, phone=spec.phone
            )
        found.append(department)
    return found


def _ensure_account(admin: User, spec: AccountSpec, password: str, departments) -> AccountRow:
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = create_user(
            admin, username=spec.username, full_name=spec.full_name, password=password
        )
    elif user.pk != admin.pk and not user.check_password(password):
        reset_password(admin, user, password)  # (the admin's own was checked at bootstrap)
    department = departments.get(spec.department) if spec.department else None
    area = None if department else Area.objects.get(code=spec.area_code)
    held = RoleAssignment.objects.filter(
        user=user, role=spec.role, area=area, department=department
    )
    if not held.exists():
        assign_role(admin, user, spec.role, area=area, department=department)
    place = department.name if department else area.name
    return (user.username, user.full_name, str(Role(spec.role).label), place)


def _width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_accounts(accounts: list[AccountRow], password: str) -> str:
    """The accounts as an aligned table, then the shared password."""
    header = (_("用户名"), _("姓名"), _("角色"), _("所在区域/部门"))
    table = [header, *accounts]
    widths = [max(_width(row[i]) for row in table) for i in range(len(header))]
    lines = [
        "  ".join(
            cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(_("所有演示账号的密码：%(password)s") % {"password": password})
    return "\n".join(lines)


def print_accounts(accounts: list[AccountRow], password: str, stream=None) -> None:
    (stream or sys.stdout).write(format_accounts(accounts, password) + "\n")

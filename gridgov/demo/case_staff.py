"""Who works the demo's cases: one grid worker per grid (一格一员), a staff member per
department, which department takes which category, and the year's public holidays.

The extra accounts have no usable password (only the printed demo accounts log in);
they exist so every grid has the worker who follows its cases up and every department
someone whose queue fills.
"""

import random

from django.db import transaction

from gridgov.accounts.models import Department, RoleAssignment, User
from gridgov.accounts.roles import Role
from gridgov.cases.holidays import seed_holidays_2026
from gridgov.cases.models import Category, DepartmentCategory, SpecialDay
from gridgov.core import audit
from gridgov.demo.names import NameMaker
from gridgov.places.models import Area, Level

# Category code (or its big class) → the department that takes it.
TAKERS = {
    "C0101": "海珠区水务局",
    "C0102": "南华西供电服务站",
    "C0103": "南华西街消防安全办",
    "C0104": "南华西供电服务站",
    "C02": "南华西街城管执法队",
    "C03": "南华西环卫站",
    "C04": "南华西街城管执法队",
    "C05": "海珠区住建局",
    "E01": "南华西街城管执法队",
    "E0102": "南华西环卫站",
    "E0103": "南华西环卫站",
    "E0104": "南华西环卫站",
    "E02": "南华西街城管执法队",
    "E03": "南华西街城管执法队",
    "E0401": "海珠区住建局",
    "E0402": "南华西街消防安全办",
    "E0403": "海珠区水务局",
    "E05": "南华西街城管执法队",
    "E0503": "南华西派出所",
    "G01": "南华西街社区服务中心",
    "G02": "南华西街城管执法队",
    "G03": "海珠区市场监管局",
    "G0303": "海珠区水务局",
    "G04": "南华西派出所",
    "G0402": "南华西街道综治中心",
    "G05": "南华西街消防安全办",
    "G06": "南华西街道综治中心",
    "G07": "南华西街社区服务中心",
    "G08": "南华西环卫站",
}


def taker_of(code: str) -> str:
    return TAKERS.get(code) or TAKERS[code[:3]]


def ensure_case_staff(street: Area, seed: int) -> None:
    """Grid workers for grids that have none, a staff member for departments that have
    none, category takers and holidays; what exists already is kept."""
    rng = random.Random(seed)
    names = NameMaker(rng)
    with transaction.atomic():
        _grid_workers(street, names, rng)
        _department_staff(names, rng)
        _category_takers()
        _holidays()


def _new_account(username: str, full_name: str, role: str, **place) -> None:
    user = User(username=username, full_name=full_name)
    user.set_unusable_password()
    user.save()
    RoleAssignment.objects.create(user=user, role=role, **place)
    audit.record(None, "account.create", user, after={"username": username, "role": role})


def _grid_workers(street: Area, names: NameMaker, rng: random.Random) -> None:
    staffed = set(
        RoleAssignment.objects.filter(role=Role.GRID_WORKER).values_list("area_id", flat=True)
    )
    grids = (
        Area.objects.filter(level=Level.GRID, path__startswith=street.path)
        .current()
        .order_by("code")
    )
    for grid in grids.exclude(pk__in=staffed):
        name = names.full(rng.random() < 0.45)
        # Street, community and grid digits: unique in a district of many streets.
        _new_account(f"gw{grid.code[-9:]}", name, Role.GRID_WORKER, area=grid)


def _department_staff(names: NameMaker, rng: random.Random) -> None:
    staffed = set(
        RoleAssignment.objects.filter(role=Role.DEPARTMENT_STAFF).values_list(
            "department_id", flat=True
        )
    )
    for department in Department.objects.exclude(pk__in=staffed).order_by("id"):
        name = names.full(rng.random() < 0.5)
        _new_account(f"dept{department.pk:03d}", name, Role.DEPARTMENT_STAFF, department=department)


def _category_takers() -> None:
    departments = {d.name: d for d in Department.objects.all()}
    leaves = Category.objects.current().exclude(parent_code="")
    for category in leaves.filter(default_department__isnull=True):
        department = departments.get(taker_of(category.code))
        if department is None:
            continue
        category.default_department = department
        category.save(update_fields=["default_department"])
        DepartmentCategory.objects.get_or_create(department=department, category_code=category.code)
    audit.record(None, "department.set_categories", object_type="cases.category", after=TAKERS)


def _holidays() -> None:
    for day, kind, name in seed_holidays_2026():
        SpecialDay.objects.get_or_create(date=day, defaults={"kind": kind, "name": name})

"""Masked display of personal data (PIPL): ID numbers as 6+4, phones as 3+4, names on a
shared screen as the surname."""


def mask_id_number(value: str | None) -> str:
    """`440105199001011234` → `440105********1234`."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 2, 0)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(name: str | None) -> str:
    """A person's name on a shared screen: the surname only (张三 → 张*)."""
    name = (name or "").strip()
    return name[:1] + "*" * min(max(len(name) - 1, 1), 3) if name else ""


def mask_phone(value: str | None) -> str:
    """`13812345678` → `138****5678`."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# Keys whose values never appear in clear in audit rows, exports or logs.
MASKERS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "mobile": mask_phone,
    "password": lambda value: "******",
    "secret": lambda value: "******",
    "token": lambda value: "******",
}


def mask_fields(data: dict | None) -> dict | None:
    """Mask the sensitive values of a flat dict (audit snapshots)."""
    if data is None:
        return None
    masked = {}
    for key, value in data.items():
        masker = next((m for k, m in MASKERS.items() if k in key), None)
        masked[key] = masker(str(value)) if masker and value not in (None, "") else value
    return masked

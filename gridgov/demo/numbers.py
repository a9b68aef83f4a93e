"""Valid numbers for the demo population: resident ID numbers (GB 11643), unified
social credit codes (GB 32100), mobile and landline phones.

ID numbers must pass `stdnum.cn.ric.validate`, which also checks that the 6-digit
address code existed in the birth year (440105 Haizhu only from 1983, for example).
So a birthplace is drawn from python-stdnum's own table of county codes with their
years of validity: whoever was born before a code existed gets a code of the same
prefecture (or province) that was in use then, as the real numbers of older people
carry the codes of the old counties.
"""

import datetime
import random
import re
from dataclasses import dataclass
from functools import cache

from stdnum import numdb
from stdnum.cn import ric, uscc

_RANGE = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


@dataclass(frozen=True)
class County:
    """One 6-digit address code and the years it was in use (None: open-ended)."""

    code: str
    province: str
    spans: tuple[tuple[int | None, int | None, str], ...]

    def valid_in(self, year: int) -> bool:
        return any(
            (start is None or year >= start) and (end is None or year <= end)
            for start, end, _name in self.spans
        )

    def name_in(self, year: int) -> str:
        """The county's name in that year (its latest name if it had none then)."""
        for start, end, name in self.spans:
            if (start is None or year >= start) and (end is None or year <= end):
                return name
        return self.spans[-1][2]


def _spans(text: str) -> tuple[tuple[int | None, int | None, str], ...]:
    spans = []
    for part in text.split(","):
        match = _RANGE.match(part)
        if match:
            start, end, name = match.groups()
            spans.append((int(start) if start else None, int(end) if end else None, name))
        else:
            spans.append((None, None, part))
    return tuple(spans)


@cache
def counties() -> dict[str, County]:
    """Every address code python-stdnum knows, by code (read once, about 3,500)."""
    table: dict[str, County] = {}
    for _length, low, _high, props, children in numdb.get("cn/loc").prefixes:
        province = props.get("province", "")
        for _l, sub, _h, sub_props, _c in children:
            if "county" in sub_props:
                code = low + sub
                table[code] = County(code, province, _spans(sub_props["county"]))
    return table


@cache
def _under(prefix: str) -> tuple[County, ...]:
    """The codes of real counties under a 2- or 4-digit prefix (no "市辖区", no xx00)."""
    return tuple(
        county
        for code, county in counties().items()
        if code.startswith(prefix)
        and not code.endswith("00")
        and not all(name == "市辖区" for _s, _e, name in county.spans)
    )


def birthplace(rng: random.Random, preferred: str | tuple[str, ...], year: int) -> str:
    """An address code valid in `year`: the first of `preferred` in use then,
    otherwise a code of the first one's prefecture, then province, then Guangzhou's."""
    wanted = (preferred,) if isinstance(preferred, str) else preferred
    for code in wanted:
        if _valid(code, year):
            return code
    for prefix in (wanted[0][:4], wanted[0][:2], "4401"):
        choices = _valid_under(prefix, year)
        if choices:
            return rng.choice(choices)
    return "440100"  # 广州市 itself, valid in every year


@cache
def _valid(code: str, year: int) -> bool:
    county = counties().get(code)
    return county is not None and county.valid_in(year)


@cache
def _valid_under(prefix: str, year: int) -> tuple[str, ...]:
    return tuple(c.code for c in _under(prefix) if c.valid_in(year))


@cache
def _counties_today(prefix: str) -> tuple[str, ...]:
    current = tuple(c.code for c in _under(prefix) if c.valid_in(2025))
    return current or tuple(c.code for c in _under(prefix)) or ("440105",)


def pick_county(rng: random.Random, prefix: str) -> str:
    """A county of the prefecture `prefix` as it is today (for a family's hometown)."""
    return rng.choice(_counties_today(prefix))


def place_name(code: str, year: int = 2025) -> str:
    """Province, prefecture and county names: 湖南省邵阳市隆回县 for 430524."""
    table = counties()
    county = table.get(code)
    if county is None:
        return ""
    prefecture = table.get(code[:4] + "00")
    middle = prefecture.name_in(year) if prefecture and code[2:4] != "00" else ""
    if middle in {county.province, "市辖区"}:
        middle = ""
    return f"{county.province}{middle}{county.name_in(year)}"


def resident_id(code: str, birth: datetime.date, sequence: int) -> str:
    """GB 11643: address code, birth date, 3-digit sequence (odd for men), check digit."""
    body = f"{code}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def id_sequence(rng: random.Random, male: bool) -> int:
    return rng.randrange(1 if male else 0, 1000, 2)


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code_check(body: str) -> str:
    """GB 11714 check character of the 8-character organisation code."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code(rng: random.Random, registrar: str, admin_code: str = "440105") -> str:
    """GB 32100: registering authority and kind (2), admin code (6), organisation code
    (9, GB 11714 with its own check) and the final check character.

    `registrar`: "91" company, "92" sole trader, "52" private non-enterprise, "11"
    government body, "12" public institution.
    """
    digits_only = registrar in {"92", "11", "12"}
    alphabet = "0123456789" if digits_only else _USCC_ALPHABET
    body = "".join(rng.choice(alphabet) for _ in range(8))
    head = f"{registrar}{admin_code}{body}{_org_code_check(body)}"
    return head + uscc.calc_check_digit(head)


# Mainland mobile number blocks of the three carriers.
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147", "150",
    "151", "152", "153", "155", "156", "157", "158", "159", "166", "173", "176", "177",
    "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191",
    "195", "198", "199",
)  # fmt: skip


def mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def landline(rng: random.Random) -> str:
    """A Guangzhou landline of the Haizhu exchanges (020-8440xxxx … 020-8445xxxx)."""
    return f"020-844{rng.randrange(0, 6)}{rng.randrange(10**4):04d}"

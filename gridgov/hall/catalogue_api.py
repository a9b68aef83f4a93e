"""The public catalogue as JSON, for the hall's kiosk, the street's WeChat page and
anyone else: no login, published items only, nothing personal.

    GET /api/v1/hall/items?q=&theme=&street=   the items, by code
    GET /api/v1/hall/items/{code}?street=      one item with its materials

`street` picks the hall by street code, as on the public page; without it, the first
street that has a hall.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from gridgov.core.api import ErrorOut
from gridgov.hall import catalogue_queries as queries
from gridgov.hall.models import HallSettings, MaterialForm, Theme

router = Router(tags=["hall"])
PUBLIC_ERRORS = {404: ErrorOut, 422: ErrorOut}


class MaterialOut(Schema):
    name: str
    form: MaterialForm = Field(..., description="original 原件、copy 复印件、both 原件和复印件")
    form_label: str
    count: int = Field(..., description="份数")
    notes: str
    sample: str = Field(..., description="样表（地址或说明）")

    @staticmethod
    def resolve_form_label(material) -> str:
        return str(material.get_form_display())


class ItemOut(Schema):
    code: str
    name: str
    theme: Theme
    theme_label: str
    department: str = Field(..., description="实施部门")
    statutory_days: int = Field(..., description="法定时限（工作日）")
    promised_days: int = Field(..., description="承诺时限（工作日）")
    fee: str
    online: bool = Field(..., description="可网上办理")
    window_group: str = Field(..., alias="group.letter", description="受理窗口分组字母")
    window_group_name: str = Field(..., alias="group.name")

    @staticmethod
    def resolve_theme_label(item) -> str:
        return str(item.get_theme_display())


class ItemDetailOut(ItemOut):
    legal_basis: str = Field(..., description="设定依据")
    authority: str = Field(..., description="权力类型")
    conditions: str = Field(..., description="办理条件")
    materials: list[MaterialOut]
    windows: list[int] = Field(..., description="受理该分组的窗口号")

    @staticmethod
    def resolve_materials(item) -> list:
        return list(item.materials.all())

    @staticmethod
    def resolve_windows(item) -> list[int]:
        return [window.number for window in item.group.service_windows]


class ItemFilter(Schema):
    q: str | None = Field(None, max_length=50, description="关键词，或名称的全拼前缀、拼音首字母")
    theme: Theme | None = None
    street: str | None = Field(None, pattern=r"^\d{9}$", description="街道代码")


def _hall(street: str | None) -> HallSettings:
    try:
        return queries.hall_for(street)
    except Http404:
        raise HttpError(404, _("没有这个服务中心。")) from None


@router.get(
    "/items",
    auth=None,
    response={200: list[ItemOut], **PUBLIC_ERRORS},
    summary="服务事项目录（公开）",
)
def list_items(request, filters: Query[ItemFilter]):
    """Published items of the hall whose name, code, department or conditions contain
    the keyword, or whose name's pinyin starts with it; optionally of one theme."""
    theme = filters.theme.value if filters.theme else ""
    return queries.published_items(_hall(filters.street).street_id, filters.q, theme)


@router.get(
    "/items/{code}",
    auth=None,
    response={200: ItemDetailOut, **PUBLIC_ERRORS},
    summary="服务事项详情（公开）",
)
def item_detail(request, code: str, street: str | None = Query(None, pattern=r"^\d{9}$")):
    """Everything about one published item; 404 for a draft, withdrawn or unknown code."""
    item = queries.published_item(_hall(street).street_id, code[:32])
    if item is None:
        raise HttpError(404, _("没有这个事项，或它未发布。"))
    return item

"""The alert kinds video platforms and AI boxes commonly send, with the case category
each becomes (codes of the seeded category table)."""

ALERT_KINDS = (
    ("garbage", "暴露垃圾", "E0102"),
    ("dirty_road", "道路不洁", "E0103"),
    ("street_vending", "无照经营游商", "E0501"),
    ("outside_business", "店外经营", "E0502"),
    ("illegal_parking", "违章停车", "E0503"),
    ("small_ads", "非法小广告", "E0201"),
    ("ad_board", "占道广告牌", "E0202"),
    ("construction_dust", "施工扬尘", "E0302"),
    ("road_spill", "道路遗撒", "E0303"),
    ("manhole", "井盖缺失或破损", "C0101"),
    ("road_collapse", "路面塌陷", "E0401"),
    ("fallen_tree", "行道树倒伏或断枝", "C0402"),
)


def seed_alert_kinds(model) -> None:
    for code, name, category_code in ALERT_KINDS:
        model.objects.update_or_create(
            code=code, defaults={"name": name, "category_code": category_code}
        )

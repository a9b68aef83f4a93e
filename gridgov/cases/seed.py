"""The categories every installation starts with: the digital-city-management classes
(components 部件 C, events 事件 E; CJ/T 214 → GB/T 30428.2, numbering as used in
Guangzhou) and the matters in a grid's charge (G). Kept as data so a street office
can edit or re-import them; a data migration loads them once."""

import datetime as dt

STANDARD = {
    "C": "立案：部件缺失、损坏或功能异常，影响使用或安全。结案：部件修复或更换，恢复正常使用，提供处置后照片。",
    "E": "立案：问题现场可见、位置明确。结案：问题消除，现场恢复整洁有序，提供处置后照片。",
    "G": "立案：网格内发现、居民反映且需跟进的事项。结案：事项解决或按规定转办完毕，已告知当事居民。",
}
# (code, name, handle limit, handle unit) — big classes have no limits of their own.
CATEGORIES = (
    ("C01", "公用设施", None),
    ("C0101", "井盖缺失或破损", (2, "clock_hours")),
    ("C0102", "路灯不亮", (3, "work_days")),
    ("C0103", "消防栓损坏", (1, "work_days")),
    ("C0104", "供电/通信设施损坏", (2, "work_days")),
    ("C02", "道路交通", None),
    ("C0201", "公交站亭损坏", (3, "work_days")),
    ("C0202", "人行天桥损坏", (3, "work_days")),
    ("C0203", "交通信号灯故障", (4, "work_hours")),
    ("C0204", "道路护栏损坏", (2, "work_days")),
    ("C03", "市容环境设施", None),
    ("C0301", "公共厕所设施损坏", (1, "work_days")),
    ("C0302", "垃圾箱/果皮箱损坏", (2, "work_days")),
    ("C04", "园林绿化", None),
    ("C0401", "古树名木受损", (1, "work_days")),
    ("C0402", "行道树倒伏或断枝", (4, "clock_hours")),
    ("C0403", "绿地损毁", (3, "work_days")),
    ("C05", "房屋土地", None),
    ("C0501", "宣传栏损坏", (3, "work_days")),
    ("C0502", "房屋安全隐患", (1, "work_days")),
    ("E01", "市容环境", None),
    ("E0101", "私搭乱建", (5, "work_days")),
    ("E0102", "暴露垃圾", (4, "work_hours")),
    ("E0103", "道路不洁", (4, "work_hours")),
    ("E0104", "积存垃圾渣土", (1, "work_days")),
    ("E02", "宣传广告", None),
    ("E0201", "非法小广告", (1, "work_days")),
    ("E0202", "占道广告牌", (2, "work_days")),
    ("E03", "施工管理", None),
    ("E0301", "施工噪声扰民", (4, "work_hours")),
    ("E0302", "施工扬尘", (4, "work_hours")),
    ("E0303", "道路遗撒", (4, "work_hours")),
    ("E04", "突发事件", None),
    ("E0401", "路面塌陷", (2, "clock_hours")),
    ("E0402", "燃气泄漏", (1, "clock_hours")),
    ("E0403", "自来水管破裂", (2, "clock_hours")),
    ("E05", "街面秩序", None),
    ("E0501", "无照经营游商", (4, "work_hours")),
    ("E0502", "店外经营", (4, "work_hours")),
    ("E0503", "违章停车", (2, "work_hours")),
    ("G01", "公共服务设施", None),
    ("G0101", "健身器材损坏", (3, "work_days")),
    ("G0102", "楼道照明故障", (2, "work_days")),
    ("G02", "城市管理", None),
    ("G0201", "楼道乱堆乱放", (2, "work_days")),
    ("G0202", "占道经营", (1, "work_days")),
    ("G03", "环境保护", None),
    ("G0301", "噪声扰民", (1, "work_days")),
    ("G0302", "油烟污染", (3, "work_days")),
    ("G0303", "污水外溢", (4, "work_hours")),
    ("G04", "社会治安", None),
    ("G0401", "治安隐患", (1, "work_days")),
    ("G0402", "邻里矛盾纠纷", (3, "work_days")),
    ("G05", "消防安全", None),
    ("G0501", "消防通道堵塞", (4, "work_hours")),
    ("G0502", "电动车违规充电", (4, "work_hours")),
    ("G0503", "消防设施损坏", (1, "work_days")),
    ("G06", "来穗人员服务", None),
    ("G0601", "出租屋未登记", (5, "work_days")),
    ("G0602", "来穗人员居住登记", (5, "work_days")),
    ("G07", "人口与计划生育", None),
    ("G0701", "计生服务需求", (5, "work_days")),
    ("G0702", "人口信息变更", (5, "work_days")),
    ("G08", "垃圾分类", None),
    ("G0801", "垃圾混投", (1, "work_days")),
    ("G0802", "分类设施损坏", (2, "work_days")),
)
KIND = {"C": "component", "E": "event", "G": "grid_matter"}
SEED_FROM = dt.date(2020, 1, 1)


def category_rows():
    """One dict per seeded category, ready for Category(**row)."""
    for code, name, limit in CATEGORIES:
        handle, unit = limit or (3, "work_days")
        urgent = unit == "clock_hours"
        yield {
            "code": code,
            "name": name,
            "parent_code": code[:3] if len(code) > 3 else "",
            "kind": KIND[code[0]],
            "standard": STANDARD[code[0]],
            # 受理 15 分钟、核实派遣 30 分钟 (urgent) or one working hour; 回访 1 个工作日.
            "accept_limit": "0.25",
            "accept_unit": "clock_hours",
            "dispatch_limit": "0.5" if urgent else "1",
            "dispatch_unit": "clock_hours" if urgent else "work_hours",
            "handle_limit": handle,
            "handle_unit": unit,
            "follow_up_limit": 1,
            "follow_up_unit": "work_days",
            "valid_from": SEED_FROM,
        }


def seed_categories(Category) -> None:
    """Load the categories into an empty table (the migration, and tests whose database
    was flushed after a transactional test)."""
    if not Category.objects.exists():
        Category.objects.bulk_create(Category(**row) for row in category_rows())

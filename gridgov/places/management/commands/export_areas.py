"""`manage.py export_areas OUT.geojson|OUT.xlsx [--root CODE]`: the area tree to a file.

Run from the server's shell, so it exports every area (or one subtree); pages export
only what the user may see.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.places import io
from gridgov.places.models import Area


class Command(BaseCommand):
    help = "把区域（全部或某个区域及其下级）导出为 GeoJSON 或 Excel 文件。"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件：.geojson、.json 或 .xlsx")
        parser.add_argument("--root", help="只导出这个代码的区域及其下级")

    def handle(self, *args, out, root=None, **options):
        suffix = Path(out).suffix.lower()
        if suffix not in io.ALLOWED_SUFFIXES:
            raise CommandError(_("输出文件名须以 .geojson、.json 或 .xlsx 结尾。"))
        areas = Area.objects.order_by("path")
        if root:
            top = Area.objects.filter(code=root).first()
            if top is None:
                raise CommandError(_("区域 %(code)s 不存在。") % {"code": root})
            areas = areas.subtree(top)
        areas = list(areas)
        if suffix == io.XLSX_SUFFIX:
            data = io.write_xlsx(areas)
        else:
            data = json.dumps(io.write_geojson(areas), ensure_ascii=False, indent=1).encode()
        try:
            Path(out).write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("无法写入 %(file)s：%(error)s") % {"file": out, "error": exc.strerror}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("已导出 %(n)d 个区域到 %(file)s。") % {"n": len(areas), "file": out}
            )
        )

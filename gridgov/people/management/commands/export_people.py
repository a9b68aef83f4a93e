"""`manage.py export_people KIND OUT.xlsx [--as USERNAME] [--reason TEXT]`.

Exports what the user may see, as the export page does: ID and phone numbers masked,
or in clear when `--reason` is given and the user may reveal them (one AccessLog row
with the reason and the count). Without `--as` the first active street staff member.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.core.errors import ActionError
from gridgov.people.exports import export_response
from gridgov.people.import_columns import KINDS
from gridgov.people.management.commands.import_people import find_actor


class Command(BaseCommand):
    help = "把楼宇、房屋、住户、居民或单位导出为 Excel 文件（默认号码打码）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("out", help="输出文件（.xlsx）")
        parser.add_argument("--as", dest="username", help="以哪个用户的身份导出")
        parser.add_argument("--reason", default="", help="显示完整号码的事由（记入查看记录）")

    def handle(self, *args, kind, out, username=None, reason="", **options):
        if Path(out).suffix.lower() != ".xlsx":
            raise CommandError(_("输出文件名须以 .xlsx 结尾。"))
        actor = find_actor(username)
        try:
            response = export_response(actor, kind, reason=reason)
        except PermissionDenied:
            raise CommandError(
                _("用户 %(name)s 没有导出这些数据的权限。") % {"name": actor.username}
            ) from None
        except ActionError as exc:
            raise CommandError(str(exc.message)) from None
        try:
            Path(out).write_bytes(response.content)
        except OSError as exc:
            raise CommandError(
                _("无法写入 %(file)s：%(error)s") % {"file": out, "error": exc.strerror}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("已导出 %(n)d 条到 %(file)s。") % {"n": response.rows_written, "file": out}
            )
        )

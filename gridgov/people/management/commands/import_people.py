"""`manage.py import_people KIND FILE [--dry-run] [--as USERNAME]`: base data from Excel.

KIND is buildings, dwellings, households, residents or organizations. The whole file
is checked first; one bad row and nothing is written, the report goes to the output
row by row (ID and phone numbers masked) and the command exits with code 1.

The import runs as a real user, whose scope decides which buildings and households
the file may name and who is written into the audit row. Without `--as` it runs as
the first active street staff member (lowest id), the role that holds "people.import".
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.core.uploads import run_import_command
from gridgov.people.import_columns import KINDS
from gridgov.people.imports import import_file

# The role is named, not imported: people sits below accounts.
IMPORTER_ROLE = "street_staff"


def find_actor(username: str | None, role: str = IMPORTER_ROLE):
    users = get_user_model().objects.filter(is_active=True)
    if username:
        actor = users.filter(username=username).first()
        if actor is None:
            raise CommandError(_("用户 %(name)s 不存在或已停用。") % {"name": username})
        return actor
    actor = users.filter(role_assignments__role=role).order_by("id").first()
    if actor is None:
        raise CommandError(_("没有可用的街道工作人员账号，请用 --as 指定操作人。"))
    return actor


class Command(BaseCommand):
    help = "从 Excel 导入楼宇、房屋、住户、居民或单位（整份文件校验通过才写入）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument("--as", dest="username", help="以哪个用户的身份导入")

    def handle(self, *args, kind, file, dry_run=False, username=None, **options):
        actor = find_actor(username)
        result = run_import_command(
            self,
            lambda: import_file(actor, kind, file, file, dry_run=dry_run),
            file=file,
            column_label=KINDS[kind].column_label,
            denied=_("用户 %(name)s 没有导入基础数据的权限。") % {"name": actor.username},
        )
        counts = {
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "name": actor.username,
        }
        if dry_run:
            message = _(
                "检查通过：共 %(rows)d 行，将新建 %(created)d 条、更新 %(updated)d 条，"
                "%(unchanged)d 条没有变化（未写入；操作人：%(name)s）。"
            )
        else:
            message = _(
                "导入完成：共 %(rows)d 行，新建 %(created)d 条，更新 %(updated)d 条，"
                "%(unchanged)d 条没有变化（操作人：%(name)s）。"
            )
        self.stdout.write(self.style.SUCCESS(message % counts))

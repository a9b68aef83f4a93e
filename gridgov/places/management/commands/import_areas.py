"""`manage.py import_areas FILE [--as USERNAME]`: load an area file from the shell.

The import runs as a real user, because `import_areas` checks the actor's capability
and scope and writes the actor into every audit row. Without `--as` it runs as the
first active user holding the system administrator role (lowest id).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.core.uploads import run_import_command
from gridgov.places import io
from gridgov.places.actions import import_areas

# places sits below accounts in the import order, so the role is named, not imported.
SYSTEM_ADMIN_ROLE = "system_admin"


def default_actor():
    return (
        get_user_model()
        .objects.filter(is_active=True, role_assignments__role=SYSTEM_ADMIN_ROLE)
        .order_by("id")
        .first()
    )


def find_actor(username: str | None):
    if username:
        actor = get_user_model().objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(_("用户 %(name)s 不存在或已停用。") % {"name": username})
        return actor
    actor = default_actor()
    if actor is None:
        raise CommandError(_("没有可用的系统管理员账号，请用 --as 指定操作人。"))
    return actor


class Command(BaseCommand):
    help = "从 GeoJSON 或 Excel 文件导入区域（整份文件校验通过才写入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".geojson、.json 或 .xlsx 文件")
        parser.add_argument(
            "--as",
            dest="username",
            help="以哪个用户的身份导入（默认：第一个启用的系统管理员）",
        )

    def handle(self, *args, file, username=None, **options):
        actor = find_actor(username)
        result = run_import_command(
            self,
            lambda: import_areas(actor, io.read_area_file(file, file)),
            file=file,
            column_label=io.column_label,
            denied=_("用户 %(name)s 没有管理区域的权限。") % {"name": actor.username},
            values=False,
        )
        summary = _("新建 %(created)d 个，更新 %(updated)d 个") % {
            "created": result.created,
            "updated": result.updated,
        }
        if result.unchanged:
            summary += _("，%(n)d 个没有变化") % {"n": result.unchanged}
        self.stdout.write(
            self.style.SUCCESS(
                _("%(summary)s（操作人：%(name)s）。")
                % {"summary": summary, "name": actor.username}
            )
        )

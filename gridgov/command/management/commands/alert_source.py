"""`manage.py alert_source add|list|disable`: the video platforms and AI boxes allowed
to send camera alerts, for operators setting one up from the server.

    manage.py alert_source add --name 视频监控平台 --street 440105008 [--merge-minutes 30]
    manage.py alert_source list
    manage.py alert_source disable src_0123456789abcdef

`add` prints the key id and the secret once (the secret is stored encrypted and never
shown again); the command acts as the system, and each change is audited as such.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.command.actions import create_alert_source, disable_alert_source
from gridgov.command.forms import MAX_MERGE_MINUTES
from gridgov.command.models import AlertSource
from gridgov.core.errors import ActionError
from gridgov.places.models import Area, Level


class Command(BaseCommand):
    help = "管理摄像头告警接入方：新建（显示一次密钥）、列出、停用。"

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        add = commands.add_parser("add", help=_("新建接入方，显示接入标识和密钥"))
        add.add_argument("--name", required=True, help=_("接入方名称，如：视频监控平台"))
        add.add_argument("--street", required=True, help=_("所服务街道的代码（9 位）"))
        add.add_argument(
            "--merge-minutes",
            type=int,
            default=30,
            help=_("同一摄像头、同一类型的告警在此时间内并入未结案件（分钟，默认 30）"),
        )
        commands.add_parser("list", help=_("列出所有接入方"))
        disable = commands.add_parser("disable", help=_("停用接入方"))
        disable.add_argument("key", help=_("接入标识，如 src_0123456789abcdef"))

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ActionError as exc:
            raise CommandError(str(exc.message)) from None

    def _add(self, name, street, merge_minutes, **options):
        area = Area.objects.filter(code=street.strip(), level=Level.STREET).defer("boundary")
        area = area.first()
        if area is None:
            raise CommandError(_("找不到代码为 %(code)s 的街道。") % {"code": street})
        if not 1 <= merge_minutes <= MAX_MERGE_MINUTES:
            raise CommandError(
                _("--merge-minutes 应在 1 到 %(n)d 之间。") % {"n": MAX_MERGE_MINUTES}
            )
        source, secret = create_alert_source(None, name, area, merge_minutes)
        self.stdout.write(
            _("已新建接入方“%(name)s”（%(street)s）。") % {"name": source.name, "street": area.name}
        )
        self.stdout.write(_("接入标识：%(key)s") % {"key": source.key_id})
        self.stdout.write(_("密钥：%(secret)s") % {"secret": secret})
        self.stdout.write(_("密钥只显示这一次，请立即复制并配置到对方系统。"))

    def _list(self, **options):
        sources = AlertSource.objects.select_related("street").defer(
            "street__boundary", "secret_cipher"
        )
        rows = list(sources.order_by("street__code", "name", "id"))
        if not rows:
            self.stdout.write(_("还没有告警接入方。"))
            return
        for source in rows:
            state = _("启用") if source.is_active else _("已停用")
            used = (
                f"{timezone.localtime(source.last_used_at):%Y-%m-%d %H:%M}"
                if source.last_used_at
                else "—"
            )
            self.stdout.write(
                "\t".join([source.key_id, source.name, source.street.code, state, used])
            )

    def _disable(self, key, **options):
        source = AlertSource.objects.filter(key_id=key.strip()).first()
        if source is None:
            raise CommandError(_("找不到接入标识为 %(key)s 的接入方。") % {"key": key})
        if not source.is_active:
            self.stdout.write(_("接入方“%(name)s”已是停用状态。") % {"name": source.name})
            return
        disable_alert_source(None, source)
        self.stdout.write(_("已停用接入方“%(name)s”。") % {"name": source.name})

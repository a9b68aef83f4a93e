"""`manage.py partition --community CODE | --all [--target 250] [--tolerance 0.2]
[--barriers FILE] [--fresh] [--apply] [--as USERNAME]`: draw grids from the shell.

`--all` skips communities without buildings. Without `--apply` it only proposes: each community gets a proposal to review on its
page, and the report is printed. With `--apply` the proposal is applied at once,
dated today. Like every write it runs as a real user (`--as`, or the first system
administrator), whose capability and scope are checked and who is named in the audit.
"""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.core.errors import ActionError
from gridgov.places import layouts
from gridgov.places.layout_actions import apply_layout, propose_layout
from gridgov.places.management.commands.import_areas import find_actor
from gridgov.places.models import Area, Building, Level


class Command(BaseCommand):
    help = "Divide communities into grids of about TARGET households (propose or apply)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--community", help="the community's 12-digit code")
        which.add_argument("--all", action="store_true", help="every community in scope")
        parser.add_argument("--target", type=int, default=250)
        parser.add_argument("--tolerance", type=float, default=0.2)
        parser.add_argument("--barriers", help="GeoJSON file of roads and rivers to follow")
        parser.add_argument("--fresh", action="store_true", help="ignore the current grids")
        parser.add_argument("--apply", action="store_true", help="apply at once, dated today")
        parser.add_argument("--as", dest="as_user", help="username the change is recorded under")

    def handle(self, *args, **options):
        actor = find_actor(options["as_user"])
        barriers = []
        if options["barriers"]:
            try:
                with open(options["barriers"], "rb") as fh:
                    barriers = layouts.parse_barriers(fh.read())
            except OSError as exc:
                raise CommandError(_("无法读取分隔线文件：%(error)s") % {"error": exc}) from None
            except ActionError as exc:
                raise CommandError(exc.message) from None
        visible = Area.objects.visible_to(actor).filter(level=Level.COMMUNITY)
        if options["all"]:
            communities = list(visible.current().order_by("code"))
        else:
            communities = list(visible.filter(code=options["community"]))
            if not communities:
                raise CommandError(
                    _("社区 %(code)s 不存在或不在操作人的范围内。") % {"code": options["community"]}
                )
        failed = 0
        for community in communities:
            if options["all"] and not Building.objects.filter(community=community).exists():
                self.stderr.write(
                    _("%(name)s（%(code)s）：没有楼宇，跳过。")
                    % {"name": community.name, "code": community.code}
                )
                continue
            try:
                layout = propose_layout(
                    actor,
                    community,
                    target=options["target"],
                    tolerance=options["tolerance"],
                    barriers=barriers,
                    fresh=options["fresh"],
                )
                if options["apply"]:
                    apply_layout(actor, layout)
            except PermissionDenied:
                raise CommandError(_("操作人没有划分网格的权限。")) from None
            except ActionError as exc:
                failed += 1
                self.stderr.write(f"{community.name}（{community.code}）：{exc.message}")
                continue
            self.stdout.write(self._line(community, layout, options["apply"]))
        if failed:
            raise CommandError(_("%(n)d 个社区未能划分。") % {"n": failed})

    @staticmethod
    def _line(community, layout, applied: bool) -> str:
        r = layout.report
        state = _("已应用") if applied else _("待审方案 #%(pk)d") % {"pk": layout.pk}
        return _(
            "%(name)s（%(code)s）：%(grids)d 格，±20%% 以内 %(w20).0f%%，每格 %(low)d–%(high)d 户，"
            "紧凑度 %(pp).2f，缝隙 %(gap).2f m²，调整 %(moved)d 栋楼（%(households)d 户），%(state)s"
        ) % {
            "name": community.name,
            "code": community.code,
            "grids": r["grids"],
            "w20": r["within_20"] * 100,
            "low": r["min_households"],
            "high": r["max_households"],
            "pp": r["mean_pp"],
            "gap": r["gap_m2"],
            "moved": r["moved_buildings"],
            "households": r["moved_households"],
            "state": state,
        }

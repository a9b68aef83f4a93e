"""`manage.py load_demo [--password P]`: the Nanhua West areas, departments and demo
accounts, then the table of accounts to log in with."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.core.errors import ActionError
from gridgov.core.spreadsheets import ImportRejected
from gridgov.demo.accounts import DEFAULT_PASSWORD
from gridgov.demo.load import load_demo, print_accounts


class Command(BaseCommand):
    help = "生成南华西街道演示数据（区域、部门、演示账号），可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=_("所有演示账号的密码（默认 %(password)s）") % {"password": DEFAULT_PASSWORD},
        )

    def handle(self, *args, password, **options):
        try:
            accounts = load_demo(password)
        except ImportRejected as exc:
            details = [
                _("第 %(row)d 行 %(column)s：%(message)s")
                % {"row": p.row, "column": p.column, "message": p.message}
                for p in exc.problems
            ]
            raise CommandError("\n".join([str(exc.message), *details])) from None
        except ActionError as exc:
            raise CommandError(str(exc.message)) from None
        print_accounts(accounts, password, self.stdout)

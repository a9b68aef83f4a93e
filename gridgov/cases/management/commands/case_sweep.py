"""`manage.py case_sweep [--loop SECONDS]`: run the case loop's clockwork
(`cases.tasks.sweep`: reminders, overdue escalation and notices, self-evaluation).

Once by default; with `--loop 60` every minute until stopped, which is how
`gridgov worker` runs it beside the task worker. The sweep runs in this process rather
than through the task queue, so a busy queue cannot delay a reminder and no second
scheduler is needed; running two loops at once is harmless (every step of the sweep
is compare-and-set).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from gridgov.cases.tasks import sweep


class Command(BaseCommand):
    help = "检查案件时限：到期提醒、超期上报与通知、超过评价期的系统自评结案。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=float, metavar="SECONDS", help="每隔多少秒检查一次（不填则只检查一次）"
        )

    def handle(self, *args, loop=None, **options):
        if loop is not None and loop <= 0:
            raise CommandError("--loop 必须大于 0。")
        try:
            while True:
                started = time.monotonic()
                counts = sweep.call()
                if options["verbosity"] > 1 or (options["verbosity"] and any(counts.values())):
                    self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
                if loop is None:
                    return
                close_old_connections()  # a long-lived loop must not keep a broken one
                time.sleep(max(loop - (time.monotonic() - started), 0))
        except KeyboardInterrupt:
            return

"""`manage.py case_sweep [--loop SECONDS]`: run the case loop's clockwork
(`cases.tasks.sweep`: reminders, overdue escalation and notices, self-evaluation).

Once by default; with `--loop 60` every minute until stopped, which is how
`gridgov worker` runs it beside the task worker. The sweep runs in this process rather
than through the task queue, so a busy queue cannot delay a reminder and no second
scheduler is needed; running two loops at once is harmless (every step of the sweep
is compare-and-set).

The loop also refreshes the query planner's statistics once a day: SQLite has no
autovacuum, and without them it reads a grid's or a category's cases through the
street index (tens of times slower at 300,000 cases).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from gridgov.cases.tasks import sweep
from gridgov.core.maintenance import refresh_statistics

ANALYZE_EVERY = 24 * 3600


class Command(BaseCommand):
    help = "检查案件时限：到期提醒、超期上报与通知、超过评价期的系统自评结案。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=float, metavar="SECONDS", help="每隔多少秒检查一次（不填则只检查一次）"
        )

    def handle(self, *args, loop=None, **options):
        if loop is not None and loop <= 0:
            raise CommandError("--loop 必须大于 0。")
        analysed = 0.0
        try:
            while True:
                if loop is not None and time.monotonic() - analysed > ANALYZE_EVERY:
                    refresh_statistics()
                    analysed = time.monotonic()
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

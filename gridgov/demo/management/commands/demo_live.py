"""`manage.py demo_live --loop 30`: keep the demo street's command map moving (see
`gridgov.demo.live`). Started by `gridgov demo` beside the server; never in production."""

import random
import time

from django.core.management.base import BaseCommand

from gridgov.demo.live import tick


class Command(BaseCommand):
    help = "演示：模拟摄像头心跳、网格员位置和摄像头告警。"

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="每隔多少秒再来一轮；0 只跑一轮")

    def handle(self, *args, loop=0, **options):
        rng, number = random.Random(), 0
        while True:
            number += 1
            done = tick(number, rng)
            self.stdout.write(
                "demo_live: {heartbeats} heartbeats, {positions} positions, {alerts} alerts".format(
                    **done
                )
            )
            if not loop:
                return
            time.sleep(loop)

"""The `gridgov` command: run the demo, serve, run the task worker, benchmark,
import and export, or pass anything else to Django's manage.py."""

import argparse
import os
import signal
import subprocess
import sys
import time

from gridgov.server import gunicorn_argv

DEFAULT_PORT = 8000


def _django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def worker_argv() -> list[str]:
    return [sys.executable, "-m", "django", "db_worker", "--queue-name", "*"]


def sweep_argv() -> list[str]:
    """The case loop's minute sweep: reminders, escalation of overdue cases, evaluation."""
    return [sys.executable, "-m", "django", "case_sweep", "--loop", "60"]


def demo_live_argv() -> list[str]:
    """The demo's stand-in for cameras and phones, so the command map moves."""
    return [sys.executable, "-m", "django", "demo_live", "--loop", "30"]


def _run_together(commands: list[list[str]]) -> int:
    """Start the processes side by side; Ctrl-C (or one dying) stops them all."""
    procs = [subprocess.Popen(cmd) for cmd in commands]
    stop = {"now": False}

    def _stop(signum, frame):
        stop["now"] = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stop["now"] and all(p.poll() is None for p in procs):
            time.sleep(0.3)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return max((p.returncode or 0) for p in procs)


def cmd_serve(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    print(f"gridgov 正在 http://127.0.0.1:{args.port} 提供服务（Ctrl-C 停止）")
    commands = [gunicorn_argv(args.port)]
    if getattr(args, "with_worker", False):
        commands += [worker_argv(), sweep_argv()]
    if getattr(args, "live_demo", False):
        commands.append(demo_live_argv())
    return _run_together(commands)


def cmd_worker(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    return _run_together([worker_argv(), sweep_argv()])


def _scale(text: str) -> int:
    """`--scale N`: how many streets of the demo's shape (1 is Nanhua West alone)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("N must be a whole number") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError("N must be between 1 and 100")
    return value


def cmd_demo(args) -> int:
    # The demo serves plain HTTP on the loopback address: cookies can't be Secure there.
    os.environ.setdefault("GRIDGOV_HTTPS", "0")
    # Its notices' emails go to the console instead of a mail server it doesn't have.
    os.environ.setdefault("GRIDGOV_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    _django_setup()
    from gridgov.demo.load import load_demo, print_accounts

    print("正在准备演示数据库……")
    _manage("migrate", "--verbosity", "0")
    accounts = load_demo(args.password, scale=args.scale, out=sys.stdout, cases=args.cases)
    print_accounts(accounts, args.password)
    if args.no_serve:
        return 0
    args.with_worker = args.live_demo = True
    return cmd_serve(args)


def cmd_bench(args) -> int:
    # Benchmarks talk plain HTTP to a server on the loopback address, as the demo does.
    os.environ.setdefault("GRIDGOV_HTTPS", "0")
    _django_setup()
    from gridgov.bench.runner import run

    return run(only=args.only, json_path=args.json)


# Base data kinds, handled by the people app's import_people / export_people.
PEOPLE_KINDS = ("buildings", "dwellings", "households", "residents", "organizations")


def _run_command(*argv: str) -> int:
    """A management command as a CLI step: its refusal printed, its exit code kept."""
    from django.core.management.base import CommandError

    try:
        _manage(*argv)
    except CommandError as exc:
        print(exc, file=sys.stderr)
        return exc.returncode
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def cmd_import(args) -> int:
    _django_setup()
    extra = ["--as", args.as_user] if args.as_user else []
    if args.kind == "areas":
        if args.dry_run:
            print("区域导入不支持 --dry-run。", file=sys.stderr)
            return 2
        return _run_command("import_areas", args.file, *extra)
    dry_run = ["--dry-run"] if args.dry_run else []
    return _run_command("import_people", args.kind, args.file, *dry_run, *extra)


def cmd_export(args) -> int:
    _django_setup()
    if args.kind == "areas":
        extra = ["--root", args.root] if args.root else []
        return _run_command("export_areas", args.file, *extra)
    extra = ["--as", args.as_user] if args.as_user else []
    extra += ["--reason", args.reason] if args.reason else []
    return _run_command("export_people", args.kind, args.file, *extra)


def cmd_partition(args) -> int:
    _django_setup()
    argv = ["partition", "--all"] if args.all else ["partition", "--community", args.community]
    argv += ["--target", str(args.target), "--tolerance", str(args.tolerance)]
    argv += ["--barriers", args.barriers] if args.barriers else []
    argv += ["--as", args.as_user] if args.as_user else []
    argv += [flag for flag, on in (("--fresh", args.fresh), ("--apply", args.apply)) if on]
    return _run_command(*argv)


def cmd_manage(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gridgov manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gridgov", description="社区网格化服务管理平台 (community grid-governance platform)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo", help="migrate a SQLite database, load the Nanhua West demo, serve it"
    )
    demo.add_argument("--no-serve", action="store_true", help="load the demo and exit")
    demo.add_argument("--port", type=int, default=DEFAULT_PORT)
    demo.add_argument("--password", default="Nanhua-2026!", help="password of every demo account")
    demo.add_argument(
        "--scale",
        type=_scale,
        default=1,
        metavar="N",
        help="N streets of the Nanhua West shape side by side (benchmarks; 20 ≈ 1.2 M residents)",
    )
    demo.add_argument(
        "--cases",
        type=int,
        default=None,
        metavar="N",
        help="cases of the first street over the last year (default 30,000; 300,000 for the "
        "case_list benchmark)",
    )
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve the web application with gunicorn")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--with-worker", action="store_true", help="run the task worker beside it")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run the background task worker")
    worker.set_defaults(func=cmd_worker)

    bench = sub.add_parser("bench", help="run the benchmarks, each beside its floor")
    bench.add_argument("--only", help="run only this benchmark (comma-separated names)")
    bench.add_argument("--json", help="also write the results to this JSON file")
    bench.set_defaults(func=cmd_bench)

    imp = sub.add_parser("import", help="import base data from a file (whole file or nothing)")
    imp.add_argument("kind", choices=["areas", *PEOPLE_KINDS])
    imp.add_argument("file")
    imp.add_argument("--as", dest="as_user", help="username the import is recorded under")
    imp.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="export base data to a .geojson or .xlsx file")
    exp.add_argument("kind", choices=["areas", *PEOPLE_KINDS])
    exp.add_argument("file")
    exp.add_argument("--root", help="areas: export only this area's subtree (code)")
    exp.add_argument("--as", dest="as_user", help="base data: username the export runs as")
    exp.add_argument("--reason", help="base data: why ID and phone numbers are exported in clear")
    exp.set_defaults(func=cmd_export)

    part = sub.add_parser(
        "partition", help="divide communities into grids of about TARGET households"
    )
    which = part.add_mutually_exclusive_group(required=True)
    which.add_argument("--community", help="the community's 12-digit code")
    which.add_argument("--all", action="store_true", help="every community in scope")
    part.add_argument("--target", type=int, default=250, help="households per grid (250)")
    part.add_argument("--tolerance", type=float, default=0.2, help="allowed deviation (0.2)")
    part.add_argument("--barriers", help="GeoJSON lines (roads, rivers) grids should follow")
    part.add_argument("--fresh", action="store_true", help="ignore the current grids")
    part.add_argument("--apply", action="store_true", help="apply at once (else: a proposal)")
    part.add_argument("--as", dest="as_user", help="username the change is recorded under")
    part.set_defaults(func=cmd_partition)

    manage = sub.add_parser("manage", help="run a Django manage.py command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from django.core.exceptions import ImproperlyConfigured

        if isinstance(exc, ImproperlyConfigured):
            print(f"配置错误：{exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())

"""``derive serve``: the local web app (student page, instructor page, JSON API)."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

from . import UsageError

LOOPBACK = "127.0.0.1"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the answer checker as a local web app",
                       description="Start a web app where students check answers with a live preview of how "
                                   "each answer is read (/), and instructors see the class and grade files "
                                   "(/class). Every check and graded row goes into a SQLite gradebook. The JSON "
                                   "API: GET /api/targets; POST /api/preview, /api/check, /api/grade.",
                       epilog="Without --host the app listens on 127.0.0.1 only. It has no user accounts: "
                              "on any other address, set --token.")
    # Its own dest, so that a global `derive --course DIR` is not overwritten by this default
    p.add_argument("--course", dest="sub_course", action="append", default=[], metavar="DIR",
                   help="also offer the targets of the course in DIR (repeatable)")
    p.add_argument("--host", default=LOOPBACK, help=f"address to listen on (default {LOOPBACK})")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--db", metavar="PATH", help="the gradebook file (default: "
                                                "$XDG_DATA_HOME/derive-toolkit/gradebook.sqlite3)")
    p.add_argument("--token", help="a shared secret that /class and /api/grade require "
                                   "(as ?token=T or the header 'Authorization: Bearer T')")
    p.add_argument("--migrate", action="store_true", help="bring an older gradebook's schema up to date "
                                                           "(never done without being asked)")
    p.add_argument("--workers", type=int, help="worker processes for checks (default: the number of cores, "
                                               "at least 2)")
    p.set_defaults(handler=run_serve)


def load_courses(directories: list[str]) -> None:
    """Make the courses in ``directories`` part of the registries before the workers fork.

    The course loader (``derive.courses.load_course``) loads a folder once; ``derive.cli.main``
    may already have loaded these, and loading again is then a no-op.
    """
    if not directories:
        return
    for directory in directories:
        if not Path(directory).is_dir():
            raise OSError(f"no such course directory: {directory}")
    try:
        from ..courses import load_course
    except ImportError:
        raise UsageError("--course needs the course loader (derive.courses), which this installation lacks") from None
    for directory in directories:
        load_course(directory)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..serve.app import ServeConfig, create_app

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, got {args.port}")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    load_courses(args.sub_course)
    db = Path(args.db) if args.db else None
    # Open the gradebook here first, so that a locked, newer or unmigrated file is one line on
    # stderr rather than a failed startup inside the server.
    from ..gradebook import Gradebook
    Gradebook(db, migrate=args.migrate).close()
    if not _is_loopback(args.host):
        print(f"warning: listening on {args.host}, beyond this machine; the app has no user accounts"
              + ("" if args.token else ", and no --token protects /class and /api/grade"), file=sys.stderr)
    config = ServeConfig(db=db, token=args.token,
                         **({"workers": args.workers} if args.workers else {}))
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"derive serve: http://{shown}:{args.port}/   (class page: /class; Ctrl-C stops)", flush=True)
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning")
    return 0

"""The ``derive`` command line: ``main(argv) -> int``.

Each sub-command lives in its own module under ``derive.cli`` with ``register(subparsers)``,
which adds a parser whose ``handler(args) -> int`` does the work.  Errors that a user can
cause (a bad name, a bad file) are raised as ValueError/TypeError/OSError and printed here
as one line on stderr, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from .. import __version__

__all__ = ["main", "COMMAND_MODULES", "UsageError"]

#: Sub-command modules, in the order ``derive --help`` lists them.
COMMAND_MODULES = (
    "derive.cli.derivations",
    "derive.cli.report",
    "derive.cli.check",
    "derive.cli.train",
)


class UsageError(ValueError):
    """A mistake in how the command was called; exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="derive",
        description="Derive, verify and teach the mathematics of logistic regression and neural networks. "
                    "Every step of every derivation is machine-checked: proved symbolically, "
                    "or refuted with a counterexample.",
        epilog="Run 'derive COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"derive-toolkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except BrokenPipeError:
        return 0  # the reader (e.g. `head`) closed the pipe: not an error of ours
    except UsageError as exc:
        print(f"derive {args.command}: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, OSError) as exc:
        print(f"derive {args.command}: {exc}", file=sys.stderr)
        return 1
    except MemoryError as exc:
        print(f"derive {args.command}: out of memory{f': {exc}' if str(exc) else ''}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"derive {args.command}: interrupted", file=sys.stderr)
        return 130

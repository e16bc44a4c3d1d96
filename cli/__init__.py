"""The ``magplan`` command line: a thin front end; every command calls a library function.

Each command group lives in its own module with a ``register(subparsers)`` function. Errors the
project raises on purpose (MagplanError) and files that cannot be read or written (OSError) print one
line and exit 2; nothing prints a traceback unless MAGPLAN_DEBUG=1. Numeric options are checked against
``planner.model.NUMBER_RANGES`` (``check_options``) before any work starts.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Iterable, Sequence

from planner.errors import MagplanError, ProfileError

COMMAND_MODULES = ("plan", "swaps", "shopping", "export", "foods", "dishes", "plans")


def check_options(args: argparse.Namespace, options: Iterable[tuple[str, str]],
                  error: type[Exception] = ProfileError) -> None:
    """Each given option (``(dest, range name)``) must be within ``planner.model.NUMBER_RANGES``.

    The message names the option as typed and the valid range, e.g. ``--target-mg 1e+20 is not a magnesium
    amount in mg per day from 0 to 3000, e.g. 400``.
    """
    from planner.model import check_number

    for dest, name in options:
        value = getattr(args, dest, None)
        if value is not None:
            check_number(value, name, "--" + dest.replace("_", "-"), error)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="magplan",
        description="Magnesium meal planner: weekly menus from USDA data that meet your magnesium target.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(f"cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except MagplanError as exc:
        print(f"magplan: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("magplan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a path that cannot be read or written: a folder, a missing folder, a full disk
        from foods.files import os_error_text

        print(f"magplan: error: {os_error_text(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: say so in one line, keep the traceback for MAGPLAN_DEBUG=1
        if os.environ.get("MAGPLAN_DEBUG"):
            raise
        print(f"magplan: internal error: {type(exc).__name__}: {exc} (run with MAGPLAN_DEBUG=1 and report it)",
              file=sys.stderr)
        return 1

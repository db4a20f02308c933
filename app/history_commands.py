"""`delete`, `restore` and `history`: the way back from a replacing import or a delete.

Nothing is removed without the user's yes: `delete` asks (or needs `--yes` when no one can be
asked); every delete and every replacing import keeps the bars it removes as a version in the
cache (app.cache.history), which `restore` puts back and `history` lists.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from app.errors import EXIT_OK, ConfirmationNeeded, UnknownInstrumentError
from app.formatting import plural
from app.instruments import InstrumentKey

if TYPE_CHECKING:
    from app.cache import Cache, InstrumentInfo
    from app.paths import AppPaths

Subcommands = Any


def add_parsers(commands: Subcommands) -> None:
    cmd = commands.add_parser(
        "delete", help="remove an instrument and its bars (kept for `restore`)"
    )
    cmd.add_argument("key", metavar="KEY")
    cmd.add_argument("--yes", action="store_true", help="delete without asking")
    cmd = commands.add_parser(
        "restore", help="put back the bars from before the last replacing import or delete"
    )
    cmd.add_argument("key", metavar="KEY")
    cmd.add_argument(
        "--version", type=int, metavar="N", help="restore kept version N (see `history KEY`)"
    )
    cmd = commands.add_parser("history", help="list the kept earlier versions of an instrument")
    cmd.add_argument("key", metavar="KEY")


def run_delete(args: argparse.Namespace, paths: AppPaths) -> int:
    key = InstrumentKey(args.key)
    with _open(paths, key) as cache:
        info = cache.instrument(key)
        if info is None:
            raise UnknownInstrumentError(f"No cached instrument {key}: nothing to delete.")
        question = f"Delete {key} ({_bars_of(info)}) from the cache?"
        if not args.yes and not _asked_yes(question):
            raise ConfirmationNeeded(
                f"{question} Nothing was deleted: run again with --yes to delete it (the bars "
                f"are kept; `riskcurve restore {key}` brings them back)."
            )
        cache.delete_instrument(key)
    print(f"Deleted {key} ({_bars_of(info)}); `riskcurve restore {key}` brings it back.")
    return EXIT_OK


def run_restore(args: argparse.Namespace, paths: AppPaths) -> int:
    key = InstrumentKey(args.key)
    with _open(paths, key) as cache:
        version = cache.restore(key, args.version)
        info = cache.instrument(key)
    assert info is not None  # restore just wrote it
    print(
        f"Restored {key} to version #{version.id} (kept {version.at:%Y-%m-%d %H:%M UTC}, "
        f"{version.action}): {_bars_of(info)}. The bars it replaced are kept as a version too."
    )
    return EXIT_OK


def run_history(args: argparse.Namespace, paths: AppPaths) -> int:
    key = InstrumentKey(args.key)
    with _open(paths, key) as cache:
        kept = cache.versions(key)
    if not kept:
        print(f"No earlier versions of {key} are kept.")
        return EXIT_OK
    print(f"Kept versions of {key}, newest first (riskcurve restore {key} --version N):")
    for version in kept:
        span = f"{version.first_date} – {version.last_date}" if version.bars else "no bars"
        print(
            f"#{version.id}  {version.at:%Y-%m-%d %H:%M UTC}  {version.action:<7}  "
            f"{plural(version.bars, 'bar')} ({span})  {version.detail}"
        )
    return EXIT_OK


def _open(paths: AppPaths, key: str) -> Cache:
    from app.cache import Cache

    if not paths.database.exists():
        raise UnknownInstrumentError(f"No cache yet at {paths.database}: nothing kept for {key}.")
    cache = Cache.open(paths.database)
    if cache.notice:
        print(f"riskcurve: {cache.notice}", file=sys.stderr)
    return cache


def _bars_of(info: InstrumentInfo) -> str:
    if not info.rows:
        return "no bars"
    return f"{plural(info.rows, 'bar')}, {info.first_date} – {info.last_date}"


def _asked_yes(question: str) -> bool:
    """The user's answer at a terminal; False when no one is there to ask."""
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{question} The bars are kept for `riskcurve restore`. [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")

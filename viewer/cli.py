"""The ``timeline-viewer`` command: open the window, or export JSON, CSV, TimelineJS or a figure.

``--export-json``, ``--export-csv`` and ``--export-timelinejs`` must run on a
headless server without Qt's system libraries, so this module imports
nothing from Qt at import time; the window and the figure export import
their Qt modules only when they are asked for.

Ctrl+C ends any command with one line on stderr and the status a shell
expects of an interrupted program (130, 128 + SIGINT), never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from viewer import __version__
from viewer.seeds import bundled_seeds_folder

if TYPE_CHECKING:
    from viewer.model import Library, Story

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a program stopped by Ctrl+C

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def build_parser() -> argparse.ArgumentParser:
    """The command line's options, with help text a user can act on."""
    parser = argparse.ArgumentParser(
        prog="timeline-viewer",
        description="Read a folder of news story files as one zoomable timeline.",
        epilog="Without FOLDER the window opens the last folder you opened, "
        "or else the bundled sample stories. DATE is any date a story file may hold: "
        "2019, Mar 2020, Mar 3, 2020, 2020-03-03, 1960s…",
    )
    parser.add_argument("folder", nargs="?", metavar="FOLDER", help="folder of story files (*.txt) to open")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--export-json", metavar="FOLDER", dest="export_json",
        help="print what was understood of FOLDER as JSON on stdout and exit (no Qt needed)",
    )
    group.add_argument(
        "--export-csv", metavar="FOLDER", dest="export_csv",
        help="print every event of FOLDER as CSV on stdout, one row per event, and exit (no Qt needed)",
    )
    group.add_argument(
        "--export-timelinejs", metavar="OUT", dest="export_timelinejs",
        help="write the stories of FOLDER (or those given with --story) as a TimelineJS3 JSON "
        "document to OUT and exit (no Qt needed)",
    )
    group.add_argument(
        "--export-image", metavar="OUT", dest="export_image",
        help="draw a figure of FOLDER (or the bundled samples) to OUT.png, OUT.svg or OUT.pdf and exit",
    )
    figure = parser.add_argument_group("what --export-image and --export-timelinejs show")
    figure.add_argument("--from", metavar="DATE", dest="date_from",
                        help="the figure starts at DATE (default: the first event)")
    figure.add_argument("--to", metavar="DATE", dest="date_to",
                        help="the figure ends with DATE (default: the last event)")
    figure.add_argument("--story", metavar="FILE", action="append", dest="stories", default=[],
                        help="only this story file (its path, or its name relative to FOLDER); repeat for more")
    figure.add_argument("--title", metavar="TEXT", help="the figure's title (default: the folder's name)")
    return parser


class UsageError(Exception):
    """A mistake on the command line: its message is printed as is, and the exit status is 2."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: the arguments without the program name; ``sys.argv[1:]`` if None.

    Returns:
        The process exit code: 0 on success, 1 when an output could not be
        written, 2 for a missing folder or bad usage, 130 after Ctrl+C.
    """
    if getattr(sys, "frozen", False):
        # In a frozen build a parse worker process is this executable again;
        # this makes it run the worker instead of the application. (Elsewhere
        # it does nothing, and multiprocessing need not be imported before
        # the first window: the parse pool imports it later.)
        import multiprocessing

        multiprocessing.freeze_support()
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print("timeline-viewer: interrupted", file=sys.stderr)
        _silence_stdout()
        return EXIT_INTERRUPTED
    except UsageError as error:
        print(f"timeline-viewer: {error}", file=sys.stderr)
        return EXIT_USAGE


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    exports = (args.export_json, args.export_csv)
    for value in (*exports, args.export_timelinejs, args.export_image, args.folder):
        if value is not None and not value.strip():
            # An empty argument (an unset shell variable, "$FOLDER") is a mistake, not "here".
            raise UsageError("an empty name is not a folder or a file")
    figure_options = args.date_from or args.date_to or args.stories or args.title
    if any(v is not None for v in exports):
        if args.folder is not None:
            parser.error("--export-json and --export-csv take the folder as their own argument")
        if figure_options:
            parser.error("--from, --to, --story and --title go with --export-image or --export-timelinejs")
        if args.export_json is not None:
            return _export_json(_folder(args.export_json))
        return _export_csv(_folder(args.export_csv))
    if args.export_timelinejs is not None:
        if args.date_from or args.date_to:
            parser.error("--from and --to go with --export-image")
        return _export_timelinejs(Path(args.export_timelinejs), args.folder, args.stories, args.title)
    if args.export_image is not None:
        return _export_image(args, Path(args.export_image))
    if figure_options:
        parser.error("--from, --to, --story and --title go with --export-image or --export-timelinejs")
    folder = _folder(args.folder) if args.folder is not None else None
    from viewer.ui.app import run_app

    return run_app(folder)


def _folder(name: str) -> Path:
    folder = Path(name)
    if not folder.is_dir():
        raise UsageError(f"not a folder: {folder}")
    return folder


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit cannot fail again.

    After a broken pipe (``… | head``) or Ctrl+C the buffered rest of the
    output has nowhere to go: the reader is gone, or the user asked to stop.
    """
    with contextlib.suppress(OSError, ValueError):  # no real stdout (embedded, or replaced by a test)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _utf8_stdout() -> TextIO:
    out = sys.stdout
    if hasattr(out, "reconfigure"):
        # The csv module ends its rows with CRLF itself: no newline translation.
        out.reconfigure(encoding="utf-8", newline="")
    return out


def _load(folder: Path) -> Library:
    from viewer.model.loader import load_folder
    from viewer.model.pool import ParsePool

    with ParsePool() as pool:
        return load_folder(folder, pool=pool)


def _write_stdout(write: Callable[[TextIO], object]) -> int:
    out = _utf8_stdout()
    try:
        write(out)
        out.flush()
    except BrokenPipeError:
        # The reader went away (`… | head`): not an error of ours.
        _silence_stdout()
    return EXIT_OK


def _export_json(folder: Path) -> int:
    from viewer.model.export import write_json

    library = _load(folder)
    return _write_stdout(lambda out: write_json(library, out))


def _export_csv(folder: Path) -> int:
    from viewer.model.csv_export import write_csv

    library = _load(folder)
    return _write_stdout(lambda out: write_csv(library, out))


def _chosen_stories(library: Library, names: Sequence[str]) -> list[Story]:
    """The stories named by ``--story``: a path to the file, or its name relative to the folder."""
    if not names:
        return list(library.stories)
    root = library.folder.resolve()
    chosen: list[Story] = []
    for name in names:
        file = name.replace(os.sep, "/")
        path = Path(name)
        if path.exists():
            try:
                file = path.resolve().relative_to(root).as_posix()
            except ValueError:
                raise UsageError(f"--story {name}: not a file in {library.folder}") from None
        story = library.story(file)
        if story is None:
            raise UsageError(f"--story {name}: no story read from that file in {library.folder}"
                             " (see --export-json for its problems)")
        if story not in chosen:
            chosen.append(story)
    return chosen


def _export_timelinejs(out: Path, folder_arg: str | None, stories: list[str], title: str | None) -> int:
    from viewer.model.timelinejs import timeline_document, write_timelinejs

    if folder_arg is None:
        raise UsageError("--export-timelinejs needs a FOLDER")
    folder = _folder(folder_arg)
    library = _load(folder)
    chosen = _chosen_stories(library, stories)
    document = timeline_document(chosen, title or folder.resolve().name)
    try:
        with open(out, "w", encoding="utf-8") as handle:
            write_timelinejs(document, handle)
    except OSError as error:
        print(f"timeline-viewer: could not write {out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    skipped = f", {document.undated} undated events left out" if document.undated else ""
    print(f"wrote {out} ({len(chosen)} stories, {document.events} slides{skipped})", file=sys.stderr)
    return EXIT_OK


def _day(text: str, option: str, end: bool) -> int:
    """The first (or last) day of a date as written, as a proleptic ordinal."""
    from viewer.model.dates import parse_date
    from viewer.model.story import DateSpan

    span = parse_date(text.strip())
    if not isinstance(span, DateSpan):
        raise UsageError(f"{option} {text}: not a date with a year (try 2019, Mar 2020 or 2020-03-03)")
    return (span.end if end else span.start).toordinal()


def _export_image(args: argparse.Namespace, out: Path) -> int:
    if out.suffix.lower() not in FIGURE_SUFFIXES:
        raise UsageError(f"the figure must end in .png, .svg or .pdf: {out}")
    folder = _folder(args.folder) if args.folder is not None else bundled_seeds_folder()
    if folder is None:
        raise UsageError("no FOLDER given and no bundled sample stories")
    first = _day(args.date_from, "--from", end=False) if args.date_from else None
    last = _day(args.date_to, "--to", end=True) if args.date_to else None
    if first is not None and last is not None and last < first:
        raise UsageError(f"--to {args.date_to} is before --from {args.date_from}")
    library = _load(folder)
    chosen = _chosen_stories(library, args.stories)
    from viewer.ui.image_export import export_figure

    return export_figure(library, chosen, out, title=args.title, first=first, last=last)

"""The ``timeline-viewer`` command: open the window, or export JSON or an image.

``--export-json`` must run on a headless server without Qt's system
libraries, so this module imports nothing from Qt at import time; the window
and the image export import their Qt modules only when they are asked for.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from pathlib import Path

from viewer import __version__
from viewer.seeds import bundled_seeds_folder

__all__ = ["main"]

EXIT_OK = 0
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The command line's options, with help text a user can act on."""
    parser = argparse.ArgumentParser(
        prog="timeline-viewer",
        description="Read a folder of news story files as one zoomable timeline.",
        epilog="Without FOLDER the window opens the last folder you opened, "
        "or else the bundled sample stories.",
    )
    parser.add_argument("folder", nargs="?", metavar="FOLDER", help="folder of story files (*.txt) to open")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--export-json", metavar="FOLDER", dest="export_json",
        help="print what was understood of FOLDER as JSON on stdout and exit (no Qt needed)",
    )
    group.add_argument(
        "--export-image", metavar="OUT", dest="export_image",
        help="render the timeline of FOLDER (or the bundled samples) to OUT.png or OUT.svg and exit",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: the arguments without the program name; ``sys.argv[1:]`` if None.

    Returns:
        The process exit code: 0 on success, 2 for a missing folder or bad usage.
    """
    # In a frozen build a parse worker process is this executable again;
    # this makes it run the worker instead of the application.
    multiprocessing.freeze_support()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.export_json is not None:
        if args.folder is not None:
            parser.error("--export-json takes the folder as its own argument")
        return _export_json(Path(args.export_json))
    if args.export_image is not None:
        return _export_image(Path(args.export_image), args.folder)
    folder = Path(args.folder) if args.folder is not None else None
    if folder is not None and not folder.is_dir():
        print(f"timeline-viewer: not a folder: {folder}", file=sys.stderr)
        return EXIT_USAGE
    from viewer.ui.app import run_app

    return run_app(folder)


def _export_json(folder: Path) -> int:
    from viewer.model.export import export_folder
    from viewer.model.pool import ParsePool

    if not folder.is_dir():
        print(f"timeline-viewer: not a folder: {folder}", file=sys.stderr)
        return EXIT_USAGE
    out = sys.stdout
    if hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")
    try:
        with ParsePool() as pool:
            export_folder(folder, out, pool)
        out.flush()
    except BrokenPipeError:
        # The reader went away (`… | head`): not an error of ours; silence the
        # flush Python would attempt at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def _export_image(out: Path, folder_arg: str | None) -> int:
    folder = Path(folder_arg) if folder_arg is not None else bundled_seeds_folder()
    if folder is None or not folder.is_dir():
        print(f"timeline-viewer: not a folder: {folder_arg or 'bundled seeds'}", file=sys.stderr)
        return EXIT_USAGE
    if out.suffix.lower() not in (".png", ".svg"):
        print(f"timeline-viewer: the image must end in .png or .svg: {out}", file=sys.stderr)
        return EXIT_USAGE
    from viewer.ui.image_export import export_folder_image

    return export_folder_image(folder, out)

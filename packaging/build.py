"""Build the standalone Timeline Viewer: a folder that runs without Python, and its archive.

Usage (from a checkout, in an environment with the app and PyInstaller:
``pip install -e '.[bundle]'``)::

    python packaging/build.py [--dist DIR] [--work DIR]

It runs PyInstaller on ``packaging/timeline-viewer.spec`` (one-folder mode:
the executable starts at once, where a one-file build unpacks itself to a
temporary folder at every launch) and then completes the folder::

    dist/timeline-viewer/
        timeline-viewer              the program (timeline-viewer.exe on Windows)
        _internal/                   its Python, Qt and libraries; the sample stories
        seeds -> _internal/seeds     the sample stories, opened when no folder is given
        timeline-viewer.svg          the icon
        timeline-viewer.desktop      the menu entry, for a folder unpacked to /opt/timeline-viewer
        install-desktop-entry.sh     writes the menu entry and icon for wherever the folder is
        LICENSE
    dist/timeline-viewer-VERSION-linux-x86_64.tar.gz

and prints the sizes of both. On Windows the archive is a .zip; on macOS the
spec also makes ``Timeline Viewer.app``. PyInstaller builds for the system it
runs on, so each is built on its own system.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "timeline-viewer.spec"
NAME = "timeline-viewer"
# The folder's place that its own .desktop file assumes (install-desktop-entry.sh
# writes one for any other place).
OPT_FOLDER = "/opt/timeline-viewer"


def version() -> str:
    """The app's version, read from its source (the package need not be importable here)."""
    text = (ROOT / "viewer" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if found is None:
        raise SystemExit("build.py: no __version__ in viewer/__init__.py")
    return found.group(1)


def run_pyinstaller(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; returns the folder it made."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit("build.py: PyInstaller is not installed here: pip install -e '.[bundle]'") from None
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(SPEC)],
        check=True, cwd=ROOT,
    )
    return dist / NAME


def drop_dangling_links(folder: Path) -> None:
    """Remove links to libraries the spec left out (PyInstaller links some Qt libraries twice)."""
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() and not path.exists():
            path.unlink()


def strip_debug_info(folder: Path) -> None:
    """Drop the debugging sections of the build Python's own libraries.

    A Python built from source (pyenv) keeps them: 18 MB in libpython, 7 MB in
    its extension modules. Only debugging sections go; the symbols stay.
    """
    strip = shutil.which("strip")
    if strip is None:
        print("build.py: `strip` not found (binutils); Python's libraries keep their debugging sections")
        return
    internal = folder / "_internal"
    libraries = [*internal.glob("libpython*.so*"), *internal.glob("python3*/lib-dynload/*.so")]
    files = [str(library) for library in libraries if not library.is_symlink()]
    if files:
        subprocess.run([strip, "--strip-debug", *files], check=True)


def desktop_entry() -> str:
    """resources/timeline-viewer.desktop, for a folder at /opt/timeline-viewer."""
    text = (ROOT / "resources" / f"{NAME}.desktop").read_text(encoding="utf-8")
    replacements = {
        "TryExec": f"{OPT_FOLDER}/{NAME}",
        "Exec": f"{OPT_FOLDER}/{NAME} %f",
        "Icon": f"{OPT_FOLDER}/{NAME}.svg",
    }
    for key, value in replacements.items():
        text, count = re.subn(rf"^{key}=.*$", f"{key}={value}", text, flags=re.MULTILINE)
        if count != 1:
            raise SystemExit(f"build.py: resources/{NAME}.desktop has {count} {key}= lines, expected 1")
    header = (f"# For this folder unpacked to {OPT_FOLDER}. Anywhere else, run\n"
              "# install-desktop-entry.sh in it, which writes an entry for where it is.\n")
    return header + text


def complete_folder(folder: Path) -> None:
    """Add the icon, the menu entry, its installer, the samples' link and the licence."""
    shutil.copyfile(ROOT / "viewer" / "ui" / "icons" / f"{NAME}.svg", folder / f"{NAME}.svg")
    shutil.copyfile(ROOT / "LICENSE", folder / "LICENSE")
    if sys.platform.startswith("linux"):
        (folder / f"{NAME}.desktop").write_text(desktop_entry(), encoding="utf-8")
        installer = folder / "install-desktop-entry.sh"
        shutil.copyfile(ROOT / "packaging" / "install-desktop-entry.sh", installer)
        installer.chmod(0o755)
    seeds = folder / "seeds"
    if not seeds.exists() and os.name == "posix":
        seeds.symlink_to(Path("_internal") / "seeds", target_is_directory=True)


def archive(folder: Path) -> Path:
    """The folder as one file to hand out: .tar.gz (links kept), or .zip on Windows."""
    system = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    base = folder.parent / f"{NAME}-{version()}-{system}-{platform.machine().lower()}"
    if sys.platform == "win32":
        return Path(shutil.make_archive(str(base), "zip", folder.parent, folder.name))
    out = base.with_name(base.name + ".tar.gz")
    with tarfile.open(out, "w:gz", compresslevel=9) as tar:
        tar.add(folder, arcname=folder.name)
    return out


def size_of(path: Path) -> int:
    """Bytes in a file, or in the files of a folder (links not followed)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    """Build the folder and its archive; print where they are and their sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the bundle goes (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's work folder (default: build/pyinstaller/)")
    args = parser.parse_args(argv)
    folder = run_pyinstaller(args.dist.resolve(), args.work.resolve())
    drop_dangling_links(folder)
    if sys.platform.startswith("linux"):
        strip_debug_info(folder)
    complete_folder(folder)
    out = archive(folder)
    mib = 1024 * 1024
    print(f"{folder}: {size_of(folder) / mib:.0f} MiB")
    print(f"{out}: {size_of(out) / mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

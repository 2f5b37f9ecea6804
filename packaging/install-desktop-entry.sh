#!/bin/sh
# Puts Timeline Viewer in the desktop's application menu, with its icon,
# pointing at the executable in this folder, wherever the folder was unpacked.
# For you alone (under ~/.local/share); with --system, for every user (under
# /usr/local/share; run it as root). --uninstall (with --system if it was
# installed so) removes the entry and the icon again.
# Move the folder first, then run this: the entry names the folder's path.
set -eu

usage="usage: $0 [--system] [--uninstall]"
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
data=${XDG_DATA_HOME:-$HOME/.local/share}
uninstall=no
for arg in "$@"; do
    case $arg in
        --system) data=/usr/local/share ;;
        --uninstall) uninstall=yes ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
done
apps=$data/applications
icons=$data/icons/hicolor/scalable/apps

refresh() {
    # Menus that keep caches read them again; harmless where these are missing.
    update-desktop-database -q "$apps" 2>/dev/null || true
    gtk-update-icon-cache -q -t "$data/icons/hicolor" 2>/dev/null || true
}

if [ $uninstall = yes ]; then
    rm -f "$apps/timeline-viewer.desktop" "$icons/timeline-viewer.svg"
    refresh
    echo "Removed $apps/timeline-viewer.desktop and $icons/timeline-viewer.svg"
    exit 0
fi

# The path goes into Exec= in double quotes; these characters would need an
# escaping that menus do not all read the same way.
case $here in
    *[\"\`\$\\%\|\&]* | *"
"*)
        echo "install-desktop-entry: move this folder to a path without \" \` \$ \\ % | & or a line break first:" >&2
        echo "  $here" >&2
        exit 1 ;;
esac

mkdir -p "$apps" "$icons"
cp -- "$here/timeline-viewer.svg" "$icons/timeline-viewer.svg"
sed -e "s|^Exec=.*|Exec=\"$here/timeline-viewer\" %f|" \
    -e "s|^TryExec=.*|TryExec=$here/timeline-viewer|" \
    -e "s|^Icon=.*|Icon=timeline-viewer|" \
    -e '/^#/d' \
    "$here/timeline-viewer.desktop" > "$apps/timeline-viewer.desktop.new"
mv -f -- "$apps/timeline-viewer.desktop.new" "$apps/timeline-viewer.desktop"
refresh
echo "Installed $apps/timeline-viewer.desktop (runs $here/timeline-viewer) and its icon"

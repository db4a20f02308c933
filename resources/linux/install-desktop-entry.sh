#!/bin/sh
# Adds Riskcurve to this user's application menu: a desktop entry that starts the riskcurve
# program in this folder, and its icon. Nothing outside your own ~/.local/share is touched.
#   dist/riskcurve/install-desktop-entry.sh
# To remove it again: rm ~/.local/share/applications/riskcurve.desktop \
#   ~/.local/share/icons/hicolor/256x256/apps/riskcurve.png
set -eu
here=$(cd "$(dirname "$0")" && pwd)
share=${XDG_DATA_HOME:-$HOME/.local/share}
apps=$share/applications
icons=$share/icons/hicolor/256x256/apps
mkdir -p "$apps" "$icons"
cp "$here/riskcurve.png" "$icons/riskcurve.png"
# The folder may contain characters that sed would read as its own (\, | and &).
escaped=$(printf '%s' "$here" | sed 's/[\\|&]/\\&/g')
sed "s|@RISKCURVE@|$escaped/riskcurve|" "$here/riskcurve.desktop" > "$apps/riskcurve.desktop"
chmod 644 "$apps/riskcurve.desktop" "$icons/riskcurve.png"
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database "$apps" >/dev/null 2>&1 || true
fi
echo "Riskcurve is in your application menu now ($apps/riskcurve.desktop)."

#!/usr/bin/env bash
# Redraws icons/icon-source.png (two people on a blue rounded square) with ImageMagick and
# derives the icon set Tauri bundles (PNG RGBA, ICO, ICNS) with the Tauri CLI from npm.
# The results are committed; run this only to change the icon.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v convert >/dev/null || { echo "needs ImageMagick: apt-get install imagemagick" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bg='#1f4e8c' back='#9cc3f0' front='white'
convert -size 1024x1024 xc:none \
    \( -size 1024x1024 xc:none -fill "$bg" -draw 'roundrectangle 64,64 960,960 200,200' \) -composite \
    -fill "$back" -draw 'circle 650,360 650,465' -draw 'roundrectangle 470,520 830,780 170,170' \
    -fill "$bg" -draw 'circle 420,390 420,525' -draw 'roundrectangle 165,570 675,850 230,230' \
    -fill "$front" -draw 'circle 420,390 420,505' -draw 'roundrectangle 190,590 650,830 210,210' \
    -fill "$bg" -draw 'rectangle 64,780 960,960' \
    \( -size 1024x1024 xc:none -fill white -draw 'roundrectangle 64,64 960,960 200,200' \) \
    -compose DstIn -composite -define png:exclude-chunks=date,time PNG32:icons/icon-source.png

npx --yes @tauri-apps/cli@2 icon icons/icon-source.png -o "$work/out" >"$work/log" 2>&1 ||
    { cat "$work/log" >&2; exit 1; }
for f in 32x32.png 64x64.png 128x128.png 128x128@2x.png icon.png icon.ico icon.icns; do
    cp "$work/out/$f" icons/
done
echo "icons/ regenerated" >&2

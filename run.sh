#!/usr/bin/env bash
# Sets up what is missing, builds the UI and the desktop app, and launches it.
#
#   ./run.sh                         the default database (demo data on first launch)
#   ./run.sh --db /tmp/x.sqlite3     any app argument passes through
#   ./run.sh --release               an optimised build (target/release)
#   ./run.sh --xvfb                  on a virtual display (no DISPLAY needed; nothing visible)
#
# run.sh's own flags come first; everything after them (or after --) goes to the app.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

profile=debug
use_xvfb=false
while [ $# -gt 0 ]; do
    case "$1" in
        --release) profile=release; shift ;;
        --xvfb) use_xvfb=true; shift ;;
        --) shift; break ;;
        *) break ;;
    esac
done

say() { printf '==> %s\n' "$*" >&2; }

scripts/install-deps.sh
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"

say "building the UI (ui/dist)"
(cd ui && npm run --silent build)

say "building the desktop app ($profile)"
if [ "$profile" = release ]; then
    cargo build --release --bin customer-users-desktop
else
    cargo build --bin customer-users-desktop
fi
app="target/$profile/customer-users-desktop"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$use_xvfb" = false ]; then
    cat >&2 <<'EOF'

No display: neither DISPLAY nor WAYLAND_DISPLAY is set, so the window has nowhere to appear.
Run ./run.sh from a desktop session, or start it on a virtual display (you will not see it):
    ./run.sh --xvfb [app args]
EOF
    if [ -t 0 ] && [ -t 2 ] && [ "${CI:-}" != "true" ]; then
        read -r -p "Start it under xvfb-run now? [y/N] " answer
        case "$answer" in [yY]*) use_xvfb=true ;; *) exit 1 ;; esac
    else
        exit 1
    fi
fi

say "launching $app $*"
if [ "$use_xvfb" = true ]; then
    exec xvfb-run -a -s '-screen 0 1600x1000x24' "$app" "$@"
fi
exec "$app" "$@"

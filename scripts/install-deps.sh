#!/usr/bin/env bash
# Installs what building, running and testing Customer Users needs, and only what is missing:
# Debian packages (WebKitGTK, Xvfb, WebKitWebDriver, keychain test tools), tauri-driver, and the
# npm packages of ui/ and tests/e2e/. Quiet when everything is already in place. Idempotent.
#
# Assumes a Rust toolchain (rustup; cargo on PATH or in ~/.cargo/bin) and Node.js >= 20.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'install-deps: error: %s\n' "$*" >&2; exit 1; }

# Run as root, or through sudo when we are not root and sudo exists.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        if [ "${CI:-}" = "true" ]; then sudo -n "$@"; else sudo "$@"; fi
    else
        die "need root to run: $* (run as root, or install sudo)"
    fi
}

# --- Debian packages ---------------------------------------------------------------------------
APT_PACKAGES=(
    # build: Tauri 2 on WebKitGTK 4.1
    build-essential pkg-config curl ca-certificates file git
    libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev
    # end-to-end tests: virtual display, the WebDriver for WebKitGTK, fonts to render with
    xvfb xauth webkit2gtk-driver fonts-dejavu-core dbus-daemon
    # tools and keychain tests (Secret Service under dbus-run-session)
    sqlite3 dbus-x11 gnome-keyring libdbus-1-dev
    # the team server's PostgreSQL tests (initdb in a temporary folder, a random port)
    postgresql
)

if command -v dpkg-query >/dev/null 2>&1; then
    missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
        status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
        [ "$status" = "installed" ] || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        say "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        as_root apt-get update -qq
        as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
else
    say "not a Debian-based system: install the equivalents of ${APT_PACKAGES[*]} yourself"
fi

# --- Rust --------------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    else
        die "cargo not found. Install Rust with rustup (https://rustup.rs), then run this again."
    fi
fi
if command -v rustup >/dev/null 2>&1; then
    for component in rustfmt clippy; do
        if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
            say "adding the Rust component $component"
            rustup component add "$component"
        fi
    done
fi

# tauri-driver: the WebDriver intermediary for the end-to-end tests.
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    say "installing tauri-driver (cargo install, takes a few minutes)"
    cargo install tauri-driver --version '^2' --locked --quiet
fi

# --- Node.js -----------------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    die "Node.js >= 20 with npm is required (node not found on PATH)."
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "Node.js >= 20 is required; found $(node --version)."

# npm ci in a folder when node_modules is missing or older than package-lock.json. npm writes
# node_modules/.package-lock.json on every install, so a lock file changed by a pull (or by
# hand) afterwards is newer than it.
npm_install() {
    local dir="$1"
    [ -f "$dir/package.json" ] || return 0
    if [ ! -f "$dir/package-lock.json" ]; then
        say "$dir has no package-lock.json: running npm install"
        (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
        return
    fi
    local hidden="$dir/node_modules/.package-lock.json"
    if [ ! -f "$hidden" ] || [ "$dir/package-lock.json" -nt "$hidden" ]; then
        say "npm ci in $dir"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}
npm_install ui
npm_install tests/e2e

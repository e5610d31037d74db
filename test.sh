#!/usr/bin/env bash
# Sets up what is missing, then runs every check and test; fails when any of them fails.
#
#   rustfmt, clippy (-D warnings), cargo test (+ TypeScript bindings drift), UI lint, UI tests,
#   UI build, desktop build, and the end-to-end tests through the real window under Xvfb.
#
# A failed step does not stop the later independent ones; the summary at the end lists them all.
# Set E2E_SCREENSHOTS=1 to keep a screenshot of each e2e test's window in tests/e2e/artifacts/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"
CARGO_FLAGS=()
if [ "${CI:-}" = "true" ]; then
    export CARGO_TERM_PROGRESS_WHEN=never npm_config_progress=false
    # A fresh CI machine builds everything from scratch, within a time budget on two cores:
    # - no incremental state to keep; line tables (enough for backtraces), not full debug info;
    # - dependencies unoptimised except the ones whose speed the tests feel (password hashing,
    #   SQLite's C code): Cargo.toml's opt-level 2 for every dependency costs minutes here.
    #   Config profiles take precedence over Cargo.toml's; locally nothing changes.
    export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=line-tables-only
    CARGO_FLAGS=(--locked # Cargo.lock must match Cargo.toml
        --config 'profile.dev.package."*".opt-level=0'
        --config 'profile.dev.package.argon2.opt-level=2'
        --config 'profile.dev.package.blake2.opt-level=2'
        --config 'profile.dev.package.libsqlite3-sys.opt-level=2')
fi

declare -a SUMMARY=()
FAILED=0
START_ALL=$SECONDS

banner() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }

# step NAME COMMAND...: runs one step, records PASS/FAIL and its duration.
step() {
    local name="$1"
    shift
    banner "$name"
    local start=$SECONDS status
    if "$@"; then status=PASS; else status=FAIL; FAILED=1; fi
    SUMMARY+=("$(printf '%-4s  %-40s %4ss' "$status" "$name" $((SECONDS - start)))")
    [ "$status" = PASS ]
}

skip() { SUMMARY+=("$(printf 'SKIP  %-40s (%s)' "$1" "$2")"); printf '\n\033[1;33m--- skipped %s: %s\033[0m\n' "$1" "$2" >&2; }

summary() {
    printf '\n\033[1m==================== summary (%ss) ====================\033[0m\n' $((SECONDS - START_ALL)) >&2
    printf '%s\n' "${SUMMARY[@]}" >&2
    if [ "$FAILED" -eq 0 ]; then
        printf '\033[1;32mALL PASSED\033[0m\n' >&2
    else
        printf '\033[1;31mFAILED\033[0m\n' >&2
    fi
}
trap summary EXIT

step "install dependencies" scripts/install-deps.sh || exit 1

# The keychain tests (and the app under e2e) need a Secret Service. Without a session bus
# (CI, a container, ssh), everything runs again on a private bus with its own gnome-keyring,
# whose keyring lives in a temporary folder: nothing touches the user's own keychain.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
    trap - EXIT
    exec env CU_PRIVATE_BUS=1 dbus-run-session -- "$0" "$@"
fi
if [ -n "${CU_PRIVATE_BUS:-}" ]; then
    KEYRING_HOME="$(mktemp -d)"
    XDG_DATA_HOME="$KEYRING_HOME" gnome-keyring-daemon --components=secrets --unlock --daemonize \
        <<<"test-keyring" >/dev/null
fi
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"

step "cargo fmt --check" cargo fmt --all -- --check || true

# --- UI: lint, unit tests, build (the desktop app embeds ui/dist, so this comes first) ---------
ui_built=true
step "ui: npm run lint" bash -c "cd ui && npm run --silent lint" || true
step "ui: npm run test" bash -c "cd ui && npm run --silent test" || true
step "ui: npm run build" bash -c "cd ui && npm run --silent build" || ui_built=false

# cargo test regenerates ui/src/bindings (ts-rs); the checked-in copy must match it.
bindings_unchanged() {
    local untracked
    untracked="$(git ls-files --others --exclude-standard -- ui/src/bindings)"
    if [ -n "$untracked" ]; then
        printf 'new bindings not checked in:\n%s\n' "$untracked" >&2
        return 1
    fi
    git diff --exit-code --stat -- ui/src/bindings || {
        echo "ui/src/bindings drifted from the Rust types: commit the regenerated files" >&2
        return 1
    }
}

# --- Rust ----------------------------------------------------------------------------------------
# One build of every target (the desktop app included) with the feature set cargo test uses, so
# cargo test compiles nothing again and the e2e tests drive the binary it built.
if [ "$ui_built" = true ]; then
    step "cargo clippy -D warnings" cargo clippy --workspace --all-targets "${CARGO_FLAGS[@]}" -- -D warnings || true
    desktop_built=false
    step "cargo build (workspace, all targets)" cargo build --workspace --all-targets "${CARGO_FLAGS[@]}" &&
        desktop_built=true
    if step "cargo test" cargo test --workspace "${CARGO_FLAGS[@]}"; then
        step "TypeScript bindings up to date" bindings_unchanged || true
    fi
else
    skip "cargo clippy, cargo build, cargo test" "the UI build failed (the app embeds ui/dist)"
    desktop_built=false
fi

# --- End to end ---------------------------------------------------------------------------------
if [ "$desktop_built" = true ]; then
    step "e2e: real window (tauri-driver, Xvfb)" bash -c "cd tests/e2e && npm test" || true
else
    skip "e2e tests" "the desktop app did not build"
fi

exit "$FAILED"

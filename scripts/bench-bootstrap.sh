#!/usr/bin/env bash
# A new desktop's first sync against a team server that holds many customer users
# (docs/benchmarks.md, "A new desktop bootstraps from the team server"). Release builds; the
# real server process on loopback, the real CLI, tokens in a gnome-keyring on a private D-Bus.
#
#   scripts/bench-bootstrap.sh                       # 1,000,000 users, SQLite server store
#   BENCH_DATABASE=postgres://… scripts/bench-bootstrap.sh   # on PostgreSQL (an empty database)
#   BENCH_USERS=100000 BENCH_DIR=/tmp/bb scripts/bench-bootstrap.sh
#   BENCH_WRAP="perf record -g -o /tmp/b.perf" scripts/bench-bootstrap.sh   # profile desktop B
#   BENCH_FROM=records scripts/bench-bootstrap.sh    # B reads the records, not the store image
#
# The first run seeds the team: it generates the users on desktop A and shares them (A's first
# sync pushes every record), then the server builds its store image of the team (timed). A
# second run with the same BENCH_DIR (and database) reuses the team and the image and times
# only the new desktop B. Prints B's time and peak memory, and the server's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${BENCH_USERS:-1000000}"
DIR="${BENCH_DIR:-/tmp/bench-bootstrap}"
PASSWORD="Correct horse 1"
EMAIL="bench@example.com"

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] || [ -z "${BENCH_KEYRING:-}" ]; then
    # A private session bus with its own unlocked keyring, so the CLI's tokens stay here.
    export BENCH_KEYRING=1
    exec dbus-run-session -- "$0" "$@"
fi
export XDG_DATA_HOME="$DIR/keyring"
mkdir -p "$XDG_DATA_HOME"
printf 'bench-keyring' | gnome-keyring-daemon --components=secrets --unlock --daemonize >/dev/null

cd "$ROOT"
cargo build --release -q -p customer-users-cli -p customer-users-server
CLI="$ROOT/target/release/customer-users"
SERVER="$ROOT/target/release/customer-users-server"

if [ -n "${BENCH_DATABASE:-}" ]; then
    STORE=(--database "$BENCH_DATABASE")
else
    STORE=(--db "$DIR/server.sqlite3")
fi
seeded="$DIR/seeded-$USERS"
if [ ! -e "$seeded" ]; then
    printf '%s' "$PASSWORD" | "$SERVER" "${STORE[@]}" admin add "$EMAIL" >/dev/null
fi

IMAGES="$DIR/images"
if [ "${BENCH_FROM:-image}" = records ]; then
    IMAGES="$DIR/no-images"
fi
log="$DIR/server.log"
CUSTOMER_USERS_SERVER_LOG=info "$SERVER" "${STORE[@]}" --images "$IMAGES" --image-every-secs 0 \
    --listen 127.0.0.1:0 2>"$log" &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    addr="$(sed -n 's/.*listening on \([0-9.:]*\).*/\1/p' "$log" | head -1)"
    [ -n "$addr" ] && break
    sleep 0.1
done
URL="http://$addr"

if [ ! -e "$seeded" ]; then
    rm -f "$DIR"/a.sqlite3*
    echo "seeding: $USERS users on desktop A" >&2
    "$CLI" --db "$DIR/a.sqlite3" generate --users "$USERS" >/dev/null
    printf '%s' "$PASSWORD" | "$CLI" --db "$DIR/a.sqlite3" server login "$URL" "$EMAIL" >/dev/null
    start=$(date +%s%N)
    "$CLI" --db "$DIR/a.sqlite3" sync >&2
    echo "desktop A shared its records in $(( ($(date +%s%N) - start) / 1000000 )) ms" >&2
    touch "$seeded"
fi
if [ "${BENCH_FROM:-image}" != records ] && [ -z "$("$SERVER" "${STORE[@]}" --images "$IMAGES" image show | grep version)" ]; then
    /usr/bin/time -f 'the server built its store image: %e s (CPU %U s user, %S s system), peak %M KiB' \
        "$SERVER" "${STORE[@]}" --images "$IMAGES" image build >&2
fi

rm -f "$DIR"/b.sqlite3*
"$CLI" --db "$DIR/b.sqlite3" users >/dev/null
printf '%s' "$PASSWORD" | "$CLI" --db "$DIR/b.sqlite3" server login "$URL" "$EMAIL" >/dev/null
server_before="$(grep VmHWM /proc/$server_pid/status)"
# shellcheck disable=SC2086
server_cpu() { awk '{print ($14 + $15) / 100}' "/proc/$server_pid/stat"; }
cpu_before="$(server_cpu)"
/usr/bin/time -f 'desktop B: %e s (CPU %U s user, %S s system), peak %M KiB' ${BENCH_WRAP:-} \
    "$CLI" --db "$DIR/b.sqlite3" sync --replace-local | grep -v '^received'

echo "server: $(grep VmHWM /proc/$server_pid/status) (before B: ${server_before#VmHWM:})," \
    "CPU $(echo "$(server_cpu) $cpu_before" | awk '{print $1 - $2}') s"
echo "desktop B has $(sqlite3 "$DIR/b.sqlite3" 'SELECT count(*) FROM customer_user') customer users" \
    "and $(sqlite3 "$DIR/b.sqlite3" 'SELECT count(*) FROM change_log') change records"

#!/usr/bin/env bash
# Benchmarks of the headless pychat server, measured with `pychat bench`, printed as one table.
# Each scenario gets a fresh server, so its peak resident memory (VmHWM) is its own.
# Usage: bench/run.sh [--quick]   (--quick skips the 10 000-client run)
# Not run by CI: it takes a few minutes and its numbers depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release >&2
BIN=$PWD/.build/release/pychat
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() { [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
"$BIN" certs --out "$WORK" >/dev/null

field() { sed -n "s/.*\"$1\": \\([^,}]*\\).*/\\1/p" "$2"; }

# start_server KIND [flags...]: KIND is server or relay; sets SERVER_PID and PORT.
start_server() {
    local kind=$1; shift
    : >"$WORK/server.err"
    if [[ $kind == relay ]]; then
        "$BIN" bench --relay -H 127.0.0.1 -P 0 "$@" 2>"$WORK/server.err" &
    else
        # --rate 0: the bench measures relaying, not the flood control that would pace it.
        "$BIN" -s --headless -H 127.0.0.1 -P 0 --rate 0 "$@" 2>"$WORK/server.err" &
    fi
    SERVER_PID=$!
    for _ in $(seq 100); do
        grep -q "listening on" "$WORK/server.err" && break
        sleep 0.05
    done
    PORT=$(grep -o "listening on [^ ]*" "$WORK/server.err" | head -1 | sed 's/.*://')
}

stop_server() {
    RSS=$(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$SERVER_PID/status")
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

printf "%-28s %12s %10s %10s %10s %10s %9s %s\n" scenario "deliveries/s" "p50" "p99" "join" "server RSS" "bench CPU" result
# run NAME KIND CLIENTS MESSAGES RATE [extra bench flags...]
run() {
    local name=$1 kind=$2 clients=$3 messages=$4 rate=$5; shift 5
    local tls=()
    if [[ $kind == *tls ]]; then
        tls=(--ssl --certfile "$WORK/server.pem" --cafile "$WORK/rootCA.pem")
        start_server "${kind%-tls}" "${tls[@]}"
        tls=(--ssl --certfile "$WORK/client.pem" --cafile "$WORK/rootCA.pem")
    else
        start_server "$kind"
    fi
    local json=$WORK/report.json status=ok
    rm -f "$json"
    "$BIN" bench -H 127.0.0.1 -P "$PORT" --clients "$clients" --messages "$messages" --rate "$rate" --size 64 \
        --json "$json" "${tls[@]}" "$@" >"$WORK/bench.out" 2>&1 || status=FAILED
    stop_server
    if [[ ! -s $json ]]; then
        printf "%-28s %s\n" "$name" "no report: $(tail -1 "$WORK/bench.out")"
        return
    fi
    local cpu
    cpu=$(awk -v u="$(field cpu_user_s "$json")" -v s="$(field cpu_sys_s "$json")" -v w="$(field wall_s "$json")" \
        'BEGIN { printf "%.0f%%", (w > 0 ? 100 * (u + s) / w : 0) }')
    [[ $status == ok ]] || status="FAILED: joined $(field joined "$json"), lost $(field lost "$json"), out of order $(field out_of_order "$json"), dup $(field duplicates "$json") $(field failure "$json")"
    printf "%-28s %12s %8s µs %8s µs %7s ms %10s %9s %s\n" "$name" "$(field deliveries_per_s "$json")" \
        "$(field p50_us "$json")" "$(field p99_us "$json")" "$(field join_ms "$json")" "$RSS" "$cpu" "$status"
}

run "10 x 200"                server 10 200 0
run "50 x 100"                server 50 100 0
run "200 x 20"                server 200 20 0
run "200 x 250"               server 200 250 0
run "1000 x 10"               server 1000 10 0
run "20 x 30 at 10/s"         server 20 30 10
run "TLS 10 x 200"            server-tls 10 200 0
[[ ${1:-} == --quick ]] || run "10000 joined, idle"      server 10000 0 0 --join-timeout 120
run "relay 200 x 250"         relay 200 250 0
run "relay 1000 x 10"         relay 1000 10 0
run "relay TLS 10 x 200"      relay-tls 10 200 0

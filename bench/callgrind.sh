#!/usr/bin/env bash
# Instructions the server spends per relayed message, counted by callgrind (repeatable, unlike
# time): the server runs under valgrind twice, 10 clients joining then idle, and 10 clients
# joining then sending MESSAGES each; the difference divided by the messages relayed.
# Usage: bench/callgrind.sh [MESSAGES]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
# PYCHAT_BIN counts another build's server (the load generator is always this build's).
swift build -c release >&2
BENCH=$PWD/.build/release/pychat
BIN=${PYCHAT_BIN:-$BENCH}
# --rate 0 where the server has flood control: the count is of relaying, not of pacing.
RATE=()
"$BIN" --help 2>&1 | grep -q -- "--rate N" && RATE=(--rate 0)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
MESSAGES=${1:-200}
CLIENTS=10

count() {  # count MESSAGES: total instructions of one server run
    valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$BIN" -s --headless -H 127.0.0.1 -P 0 \
        "${RATE[@]}" 2>"$WORK/server.err" &
    local pid=$!
    for _ in $(seq 400); do grep -q "listening on" "$WORK/server.err" && break; sleep 0.05; done
    local port
    port=$(grep -o "listening on [^ ]*" "$WORK/server.err" | head -1 | sed 's/.*://')
    "$BENCH" bench -H 127.0.0.1 -P "$port" --clients $CLIENTS --messages "$1" --size 64 --idle-timeout 10 \
        --join-quiet 1 >"$WORK/bench.out" || { cat "$WORK/bench.out" >&2; exit 1; }
    kill -INT $pid
    wait $pid || true
    sed -n 's/^summary: //p' "$WORK/cg.out"
}
idle=$(count 0)
busy=$(count "$MESSAGES")
relayed=$((CLIENTS * MESSAGES))
echo "server instructions: $idle joining only, $busy with $relayed messages relayed to $((CLIENTS - 1)) each"
echo "instructions per relayed message: $(( (busy - idle) / relayed )) ($(( (busy - idle) / (relayed * (CLIENTS - 1)) )) per delivery)"

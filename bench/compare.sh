#!/usr/bin/env bash
# Two server builds under the same load, run after run in turn, so that a busy machine slows both
# alike: prints each run's deliveries/s and the median of each build.
# Usage: bench/compare.sh OLD_PYCHAT NEW_PYCHAT [RUNS] [CLIENTS] [MESSAGES] [tls]
# The load generator is always NEW's `pychat bench`; a server that knows `--rate` runs at 0.
# Not run by CI: its numbers depend on the machine.
set -euo pipefail
old=$1 new=$2 runs=${3:-5} clients=${4:-200} messages=${5:-250} mode=${6:-plain}
work=$(mktemp -d)
pid=""
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
"$new" certs --out "$work" >/dev/null
field() { sed -n "s/.*\"$1\": \\([^,}]*\\).*/\\1/p" "$2"; }

# one BIN: one fresh server of BIN, one bench run against it; prints deliveries/s.
one() {
    local bin=$1 flags=() tls=()
    "$bin" --help 2>&1 | grep -q -- "--rate N" && flags+=(--rate 0)
    if [[ $mode == tls ]]; then
        flags+=(--ssl --certfile "$work/server.pem" --cafile "$work/rootCA.pem")
        tls=(--ssl --certfile "$work/client.pem" --cafile "$work/rootCA.pem")
    fi
    : >"$work/err"
    "$bin" -s --headless -H 127.0.0.1 -P 0 "${flags[@]}" 2>"$work/err" &
    pid=$!
    for _ in $(seq 200); do grep -q "listening on" "$work/err" && break; sleep 0.05; done
    local port
    port=$(grep -o "listening on [^ ]*" "$work/err" | head -1 | sed 's/.*://')
    rm -f "$work/r.json"
    "$new" bench -H 127.0.0.1 -P "$port" --clients "$clients" --messages "$messages" --size 64 \
        --json "$work/r.json" "${tls[@]}" >/dev/null 2>&1 || true
    kill "$pid"; wait "$pid" 2>/dev/null || true
    pid=""
    field deliveries_per_s "$work/r.json"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
: >"$work/old" ; : >"$work/new"
for n in $(seq "$runs"); do
    o=$(one "$old"); w=$(one "$new")
    echo "run $n: old $o, new $w"
    echo "$o" >>"$work/old"; echo "$w" >>"$work/new"
done
echo "median deliveries/s ($clients x $messages, $mode, $runs runs each): old $(median <"$work/old"), new $(median <"$work/new")"

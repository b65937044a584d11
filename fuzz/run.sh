#!/usr/bin/env bash
# Coverage-guided fuzzing of ChatState with libFuzzer and AddressSanitizer.
#
#   fuzz/run.sh TARGET SECONDS     fuzz one target (frames json extension keys eventlog room)
#   fuzz/run.sh all SECONDS        each target in turn for SECONDS; exit 1 if any failed
#   fuzz/run.sh TARGET FILE...     run the target once on each file (to reproduce a crash)
#
# Built with swiftc straight from the sources, outside SwiftPM, so `swift build` and
# `swift test` never see it: ChatState as one module with libFuzzer's coverage, ASan and
# trace-pc-guard edges (the work counter, fuzz/Support/WorkCounter.c), then each target linked
# against it. Seeds are in fuzz/corpus/TARGET (read only); what the fuzzer adds goes to
# .build/fuzz/corpus/TARGET, crashes to .build/fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(frames json extension keys eventlog room)
out=.build/fuzz
mkdir -p "$out/crashes"
bin="$(dirname "$(command -v swiftc)")"

usage() { echo "usage: fuzz/run.sh {all|${targets[*]// /|}} SECONDS|FILE..." >&2; exit 2; }
[ $# -ge 2 ] || usage

# Rebuilds what is older than its sources.
build_core() {
    local sources
    mapfile -t sources < <(find Sources/ChatState -name '*.swift' | sort)
    if [ ! -f "$out/ChatState.o" ] || [ -n "$(find Sources/ChatState fuzz/run.sh -newer "$out/ChatState.o" -print -quit)" ]; then
        echo "building ChatState for fuzzing (about 30 s)" >&2
        # swiftc cannot ask for libFuzzer's coverage and trace-pc-guard at once, so it
        # emits ASan-instrumented LLVM IR (its bitcode writer fails on it) and clang adds both kinds of coverage.
        swiftc -parse-as-library -module-name ChatState -O -wmo -sanitize=address \
            -emit-module -emit-module-path "$out/ChatState.swiftmodule" \
            -emit-ir -o "$out/ChatState.ll" "${sources[@]}" 2>"$out/swiftc.log" || { cat "$out/swiftc.log" >&2; exit 1; }
        # This build is Swift 5 mode, which warns where the package's Swift 6 build does not.
        if grep -q "warning:" "$out/swiftc.log"; then
            cat "$out/swiftc.log" >&2
            echo "the fuzz build of ChatState has warnings" >&2
            exit 1
        fi
        "$bin/clang" -O2 -c "$out/ChatState.ll" -o "$out/ChatState.o" -fsanitize=fuzzer-no-link \
            -fsanitize-coverage=inline-8bit-counters,pc-table,trace-cmp,trace-pc-guard
    fi
    if [ ! -f "$out/WorkCounter.o" ] || [ fuzz/Support/WorkCounter.c -nt "$out/WorkCounter.o" ]; then
        "$bin/clang" -O2 -c fuzz/Support/WorkCounter.c -o "$out/WorkCounter.o"
    fi
}

build_target() {
    local t=$1
    if [ ! -x "$out/$t" ] || [ -n "$(find "$out/ChatState.o" fuzz/Support fuzz/Targets/"$t".swift -newer "$out/$t" -print -quit)" ]; then
        echo "building fuzz target $t" >&2
        swiftc -parse-as-library -O -sanitize=fuzzer,address -I "$out" \
            fuzz/Support/Fuzz.swift fuzz/Targets/"$t".swift "$out/ChatState.o" "$out/WorkCounter.o" \
            -use-ld=lld -Xlinker --wrap=__sanitizer_cov_trace_pc_guard \
            -Xlinker --wrap=__sanitizer_cov_trace_pc_guard_init -o "$out/$t"
    fi
}

# Inputs as long as a frame, for the targets whose bugs may need that many bytes.
max_len() {
    case $1 in
        json|extension|frames|room) echo 70000 ;;
        *) echo 8192 ;;
    esac
}

export SWIFT_BACKTRACE=enable=no   # Swift's backtracer trips ASan; libFuzzer prints the stack
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

fuzz() {
    local t=$1 seconds=$2 log="$out/$1.log"
    mkdir -p "$out/corpus/$t"
    echo "== $t: ${seconds}s" >&2
    local rc=0
    "$out/$t" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=20 -rss_limit_mb=2560 \
        -print_final_stats=1 -artifact_prefix="$out/crashes/$t-" \
        "$out/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
    # The last status line: coverage (cov), features (ft), corpus size, speed.
    grep -E '^#[0-9]+' "$log" | tail -1 >&2 || true
    grep -E '^stat::number_of_executed_units|^stat::average_exec_per_sec' "$log" >&2 || true
    if [ $rc -ne 0 ]; then
        echo "FAILED: $t (exit $rc); log: $log" >&2
        grep -E 'fuzz invariant failed:|ERROR: AddressSanitizer|Fatal error|Test unit written' "$log" | head -5 >&2 || true
    fi
    return $rc
}

what=$1; shift
build_core
if [ "$what" = all ]; then
    for t in "${targets[@]}"; do build_target "$t"; done
    failed=()
    for t in "${targets[@]}"; do fuzz "$t" "$1" || failed+=("$t"); done
    if [ ${#failed[@]} -gt 0 ]; then echo "fuzzing failed: ${failed[*]}" >&2; exit 1; fi
    echo "fuzzing: no failures" >&2
    exit 0
fi
[[ " ${targets[*]} " == *" $what "* ]] || usage
build_target "$what"
if [[ $1 =~ ^[0-9]+$ ]]; then
    fuzz "$what" "$1"
else
    "$out/$what" "$@"
fi

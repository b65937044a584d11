// Counts the edges executed in ChatState, which run.sh compiles with trace-pc-guard on top
// of libFuzzer's own coverage: a deterministic measure of work (no clock) that a target
// compares with the size of its input, to catch super-linear work. libFuzzer defines the
// trace-pc-guard callbacks itself (to refuse that instrumentation), so the linker's --wrap
// sends them here; libFuzzer's coverage comes from its 8-bit counters, not from these.
#include <stdint.h>

static uint64_t edges;

void __wrap___sanitizer_cov_trace_pc_guard(uint32_t *guard) {
    (void)guard;
    edges++;
}

// Every guard nonzero, in case the instrumentation skips the call for a zero guard.
void __wrap___sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop) {
    for (uint32_t *g = start; g < stop; g++) *g = 1;
}

uint64_t pychat_fuzz_work(void) { return edges; }

/*
 * fuzz_risk_rules.c - libFuzzer target for incident rules (src/risk/config.c: the YAML of
 * data/risk/incident-rules.yml) and, through them, the sliding windows of src/risk/window.c.
 *
 * One input is one incident-rules file. Invariants (CHECK aborts): every diagnostic names the
 * input with a line, a column and a message; a load that fails reports an error and keeps the
 * rules (and everything else) as they were; rules that load are evaluated over a fixed stream
 * of risk events arriving out of order, and the batch engine (add + run) and the incremental
 * one (push + flush) must give the same notables, each within its window. Built with libFuzzer
 * when VG_FUZZ=ON and as a plain program with replay.c that the test suite runs over
 * fuzz/corpus/risk_rules.
 */
#include "risk_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char name[] = "fuzz-rules.yml";
    vg_risk_config *c;
    if (risk_load_checked(data, size, name, 1, &c)) {
        CHECK(vg_risk_config_rule_count(c) == 2);
    } else {
        const vg__risk_irule *r = c->irules.ptr;
        for (size_t i = 0; i < c->irules.len; i++) {
            CHECK(r[i].id && r[i].title && r[i].n_conds >= 1);
            CHECK(r[i].window_ms >= 0 && r[i].window_ms <= VG_RISK_MAX_SPAN_MS);
        }
        risk_check_engines(c);
    }
    vg_risk_config_free(c);
    return 0;
}

/*
 * fuzz_risk_csv.c - libFuzzer target for the asset and identity inventories (CSV,
 * src/risk/inventory.c) and the risk factors that read them.
 *
 * The first byte chooses assets (odd) or identities (even); the rest is the CSV text. It is
 * loaded into a configuration that already holds one inventory row of each kind. Invariants
 * (CHECK aborts): every diagnostic names the input with a line, a column and a message; a load
 * that fails reports an error and leaves the configuration as it was; a load that succeeds adds
 * rows with a lower-cased, non-empty name, a known priority and lower-cased categories, and
 * the factors then give every object (exact names, globs, domain forms, short names) a score
 * within bounds. Built with libFuzzer when VG_FUZZ=ON and as a plain program with replay.c
 * that the test suite runs over fuzz/corpus/risk_csv.
 */
#include "risk_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rows(const vg__vec *v)
{
    static const char *const prios[] = {"", "low", "medium", "high", "critical"};
    const vg__risk_entry *e = v->ptr;
    for (size_t i = 0; i < v->len; i++) {
        CHECK(e[i].name && e[i].name[0] && e[i].priority && e[i].category && e[i].bunit);
        int ok = 0;
        for (size_t k = 0; k < VG_ARRAY_LEN(prios); k++)
            ok |= strcmp(e[i].priority, prios[k]) == 0;
        CHECK(ok);
        for (const char *s = e[i].name; *s; s++)
            CHECK(!(*s >= 'A' && *s <= 'Z'));
        CHECK(e[i].glob == (strpbrk(e[i].name, "*?") != NULL));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char name[] = "fuzz.csv";
    if (!size)
        return 0;
    int assets = data[0] & 1;
    vg_risk_config *c;
    CHECK(vg_risk_config_new(&c) == 0);
    char seed_a[] = "asset,priority\nsrv-*,critical\n";
    char seed_i[] = "identity,priority,category,watchlist\nalice,high,privileged|contractor,true\n";
    CHECK(vg__risk_load_csv_text(c, seed_a, "seed", 1, NULL) == 0);
    CHECK(vg__risk_load_csv_text(c, seed_i, "seed", 0, NULL) == 0);
    char *text = malloc(size);
    CHECK(text != NULL);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = 0;
    vg_diags *d = vg_diags_new();
    char *before = risk_fingerprint(c);
    size_t na = c->assets.len, ni = c->identities.len;
    int rc = vg__risk_load_csv_text(c, text, name, assets, d);
    risk_check_diags(d, name, rc);
    char *after = risk_fingerprint(c);
    if (rc) {
        CHECK(strcmp(before, after) == 0);
    } else {
        CHECK(c->assets.len >= na && c->identities.len >= ni);
        check_rows(&c->assets);
        check_rows(&c->identities);
        for (size_t i = 0; i < VG_ARRAY_LEN(risk_names); i++) {
            int64_t pts = vg__risk_calculate(c, risk_names[i].t, risk_names[i].name, 99, NULL);
            CHECK(pts >= -100LL * VG_RISK_MAX_SCORE && pts <= 100LL * VG_RISK_MAX_SCORE);
        }
    }
    free(before);
    free(after);
    free(text);
    vg_diags_free(d);
    vg_risk_config_free(c);
    return 0;
}

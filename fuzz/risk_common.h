/*
 * risk_common.h - what the risk fuzz targets (fuzz_risk_config.c, fuzz_risk_rules.c,
 * fuzz_risk_csv.c) check after loading their input: diagnostics that name the input with a
 * position and a message; a fingerprint of the configuration (base scores, capping, retention,
 * normalisation, the incident rules, and the score arithmetic of a fixed set of objects),
 * which a failed load must leave unchanged; and, for a configuration that loaded, the same
 * notables from the batch engine (add + run) and the incremental one (push + flush) over a
 * fixed stream of risk events arriving out of order.
 *
 * Inline functions in a header: each target is one program (fuzz/CMakeLists.txt).
 */
#ifndef VG_FUZZ_RISK_COMMON_H
#define VG_FUZZ_RISK_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk/risk.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s: invariant failed: %s (line %d)\n", __FILE__, #cond, __LINE__);    \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Every diagnostic names the input, has a position and a message; an error load has one. */
static inline void risk_check_diags(const vg_diags *d, const char *name, int rc)
{
    size_t errors = 0;
    for (size_t i = 0; i < vg_diags_count(d); i++) {
        const vg_diag *g = vg_diags_get(d, i);
        CHECK(g->message && g->message[0]);
        CHECK(g->file && strcmp(g->file, name) == 0);
        CHECK(g->line >= 1 && g->col >= 1);
        errors += g->severity == VG_SEV_ERROR;
    }
    CHECK(rc == 0 || rc == VG_ERR_NOMEM || errors > 0);
}

static const struct {
    vg_risk_object_type t;
    const char *name;
} risk_names[] = {
    {VG_RISK_USER, "CORP\\alice"}, {VG_RISK_USER, "alice@corp.local"},
    {VG_RISK_USER, "BOB"},         {VG_RISK_USER, "svc$"},
    {VG_RISK_SYSTEM, "SRV-DB01"},  {VG_RISK_SYSTEM, "wks-1.corp"},
    {VG_RISK_SYSTEM, "10.0.0.5"},  {VG_RISK_OTHER, "x"},
};

/* A text that changes when anything the configuration decides changes. */
static inline char *risk_fingerprint(const vg_risk_config *c)
{
    vg__buf b;
    vg__buf_init(&b);
    for (int i = 0; i < 6; i++)
        vg__buf_printf(&b, "%g,", c->base[i]);
    vg__buf_printf(&b, "|%d %g %d %d %d|%zu %zu %zu %zu %zu %zu %zu %zu\n", c->capping, c->cap,
                   c->retention_days, c->norm_users, c->norm_systems, c->overrides.len,
                   c->factors.len, c->assets.len, c->identities.len, c->system_fields.len,
                   c->user_fields.len, c->ignore_users.len, c->threats.len);
    const vg__risk_irule *r = c->irules.ptr;
    for (size_t i = 0; i < c->irules.len; i++) {
        vg__buf_printf(&b, "%s %lld %d %zu %s|", r[i].id, (long long)r[i].window_ms,
                       r[i].object_type, r[i].n_conds, r[i].severity ? r[i].severity : "-");
        for (size_t k = 0; k < r[i].n_conds; k++)
            vg__buf_printf(&b, "%d %d %g,", r[i].conds[k].metric, r[i].conds[k].op,
                           r[i].conds[k].value);
        vg__buf_addc(&b, '\n');
    }
    for (size_t i = 0; i < VG_ARRAY_LEN(risk_names); i++) {
        char key[128];
        vg__risk_normalize(c, risk_names[i].t, risk_names[i].name, key, sizeof key);
        vg__buf_printf(&b, "%s: ", key);
        vg__risk_calculate(c, risk_names[i].t, risk_names[i].name, 73, &b);
        vg__buf_addc(&b, '\n');
    }
    char *s = vg__buf_take(&b, NULL);
    CHECK(s != NULL);
    return s;
}

typedef struct risk_list {
    char *text;
    size_t n;
} risk_list;

static inline int risk_collect(const vg_notable *n, void *ud)
{
    risk_list *l = ud;
    char *j;
    CHECK(vg_notable_format(n, 1, 1000, &j) == 0);
    size_t have = l->text ? strlen(l->text) : 0, add = strlen(j);
    char *grown = realloc(l->text, have + add + 2);
    CHECK(grown != NULL);
    memcpy(grown + have, j, add);
    grown[have + add] = '\n';
    grown[have + add + 1] = 0;
    l->text = grown;
    l->n++;
    free(j);
    CHECK(n->n_events > 0 && n->window_end_ms - n->window_start_ms == n->window_ms);
    CHECK(n->trigger_ms >= n->window_start_ms && n->trigger_ms <= n->window_end_ms);
    return 0;
}

static inline int risk_on_change(vg_notable_change what, const vg_notable *n, void *ud)
{
    (void)ud;
    CHECK(n->id && strlen(n->id) == 16);
    CHECK(what == VG_NOTABLE_RAISED ? n->n_events > 0 : n->n_events == 0);
    return 0;
}

/* The batch and the incremental engine agree on a fixed stream (60 events, 5 objects written
 * several ways, times out of order, equal timestamps, one negative score). */
static inline void risk_check_engines(const vg_risk_config *c)
{
    static const char *const objs[] = {"CORP\\alice", "alice", "H1.corp", "h1", "H2", "bob"};
    static const char *const tac[] = {"execution", "persistence,discovery", "", "collection",
                                      "lateral-movement,execution"};
    vg_risk_engine *a = vg_risk_engine_new(c), *p = vg_risk_engine_new(c);
    CHECK(a && p);
    uint32_t x = 12345;
    for (int i = 0; i < 60; i++) {
        x = x * 1103515245u + 12345u;
        int o = (int)(x >> 8) % 6, r = (int)(x >> 12) % 7;
        char rid[8];
        snprintf(rid, sizeof rid, "r%d", r);
        vg_risk_event re = {0};
        re.time_ms = 1793577600000LL + (int64_t)((x >> 16) % 40) * 1800000;
        re.object = objs[o];
        re.object_type = o < 2 || o == 5 ? VG_RISK_USER : VG_RISK_SYSTEM;
        re.rule_id = re.rule_title = rid;
        re.tactics = tac[r % 5];
        re.techniques = r % 2 ? "T1059" : "";
        re.base_score = i == 17 ? -5 : (double)(21 + 26 * (r % 4));
        int calc = i % 3 != 0;
        re.score = re.base_score;
        CHECK(vg_risk_engine_add(a, &re, calc) == 0);
        CHECK(vg_risk_engine_push(p, &re, calc, risk_on_change, NULL) == 0);
    }
    risk_list la = {0}, lp = {0};
    int na = vg_risk_engine_run(a, risk_collect, &la);
    int np = vg_risk_engine_flush(p, risk_collect, &lp);
    CHECK(na >= 0 && na == np);
    CHECK((!la.text && !lp.text) || strcmp(la.text, lp.text) == 0);
    free(la.text);
    free(lp.text);
    vg_risk_engine_free(a);
    vg_risk_engine_free(p);
}

/* Load text (a configuration, or incident rules when rules is set) over the defaults into a
 * new *out, checking the diagnostics and that a failed load changed nothing. Returns the
 * load's result; the caller frees *out. */
static inline int risk_load_checked(const uint8_t *data, size_t size, const char *name, int rules,
                                    vg_risk_config **out)
{
    CHECK(vg_risk_config_new(out) == 0);
    vg_diags *d = vg_diags_new();
    char *before = risk_fingerprint(*out);
    int rc = vg__risk_config_load_text(*out, (const char *)data, size, name, rules, d);
    risk_check_diags(d, name, rc);
    char *after = risk_fingerprint(*out);
    if (rc)
        CHECK(strcmp(before, after) == 0);
    free(before);
    free(after);
    vg_diags_free(d);
    return rc;
}

#endif

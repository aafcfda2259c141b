/*
 * corr.c - Sigma v2.1 correlation rules: event_count, value_count, temporal,
 * temporal_ordered, value_sum, value_avg and value_percentile.
 *
 * The Sigma compiler validates a correlation document and keeps its YAML map; here it becomes
 * a plan: the referenced rules in order, the timespan, for each referenced rule the event
 * field behind every group-by name (aliases map one name to a different field per rule, so
 * that "the same user" can be TargetUserName in one rule and SubjectUserName in another), the
 * condition and the generate flag. Alerts of referenced rules are recorded compactly (time,
 * position of the rule, interned group key and value, the caller's reference); nothing else of
 * the event is kept.
 *
 * Semantics, chosen where engines differ: the group key is built from every referenced rule's
 * own fields, so alerts of different rules group together when their values agree; a window
 * holds alerts at most timespan apart (last - first <= timespan) and never more; alerts are
 * taken in event time whatever their arrival order; temporal_ordered needs the rules' alerts
 * in strictly increasing time (an equal timestamp is not "after"); when a correlation fires,
 * the alerts in its window are consumed, so one burst raises one match, not one per alert.
 * Conditions are checked as each alert enters the window.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sigma/sigma.h"
#include "risk.h"

enum { CT_EVENT_COUNT, CT_VALUE_COUNT, CT_TEMPORAL, CT_ORDERED, CT_SUM, CT_AVG, CT_PCT };

#define MAX_GROUP 8
#define MAX_REFS  16

typedef struct crec {
    int64_t t;
    int64_t ref;
    uint32_t group, val, seq;
    uint16_t pos;
    double num;
    int has_num;
} crec;

typedef struct corr {
    const vg_rule *rule;
    int type;
    int64_t span;
    const vg_rule *refs[MAX_REFS];
    size_t n_refs;
    const char *group[MAX_GROUP];            /* group-by names as written */
    const char *gfield[MAX_REFS][MAX_GROUP]; /* per referenced rule: the event field */
    const char *vfield[MAX_REFS];            /* value field per referenced rule */
    size_t n_group;
    int ops[6];
    double opv[6];
    int has_cond;
    double percentile;
    int generate;
    vg__vec recs; /* crec */
} corr;

struct vg_correlator {
    const vg_ruleset *rs;
    vg__vec corrs; /* corr */
    vg__arena arena;
    vg__smap strmap;
    vg__vec strs;
    vg__buf key;
};

static uint32_t cintern(vg_correlator *c, const char *s, size_t n)
{
    size_t it = 0;
    uint32_t id;
    if (vg__smap_next(&c->strmap, s, n, &it, &id))
        return id;
    char *k = vg__arena_strndup(&c->arena, s, n);
    const char **slot = k ? vg__vec_push(&c->strs, sizeof *slot) : NULL;
    if (!slot || vg__smap_add(&c->strmap, k, n, (uint32_t)(c->strs.len - 1)))
        return UINT32_MAX;
    *slot = k;
    return (uint32_t)(c->strs.len - 1);
}

static const char *alias_field(const vg__ynode *aliases, const char *name, const vg_rule *r)
{
    const vg__ynode *a = vg__yaml_get(aliases, name);
    if (!a || a->type != VG_Y_MAP)
        return name;
    const vg__ynode *f = vg__yaml_get(a, r->id);
    if (!f && *r->name)
        f = vg__yaml_get(a, r->name);
    return f && f->type == VG_Y_SCALAR ? f->str : name;
}

static int plan(vg_correlator *c, const vg__rule *r, corr *k, vg_diags *diags)
{
    static const char *const types[] = {"event_count",      "value_count", "temporal",
                                        "temporal_ordered", "value_sum",   "value_avg",
                                        "value_percentile"};
    const vg__ynode *m = r->corr;
    k->rule = &r->pub;
    k->type = -1;
    for (int i = 0; i < 7; i++)
        if (strcmp(types[i], r->pub.correlation_type) == 0)
            k->type = i;
    const vg__ynode *ts = vg__yaml_get(m, "timespan");
    if (k->type < 0 || !ts || vg__risk_parse_span(ts->str, &k->span))
        return VG_ERR_SYNTAX;
    for (size_t i = 0; i < r->n_corr_rules; i++) {
        const vg_rule *ref = vg_ruleset_find(c->rs, r->corr_rules[i]);
        const char *why = !ref                               ? "is not loaded"
                          : ref->kind == VG_RULE_CORRELATION ? "is a correlation (chains "
                                                               "are not evaluated yet)"
                          : k->n_refs == MAX_REFS            ? "is one rule too many"
                                                             : NULL;
        if (why) {
            vg__diag_add(diags, VG_ERR_REF, VG_SEV_WARNING, r->pub.file, r->pub.line, 1, 0,
                         r->pub.id, "correlation '%s': rule '%s' %s; the correlation is skipped",
                         r->pub.title, r->corr_rules[i], why);
            return VG_ERR_REF;
        }
        k->refs[k->n_refs++] = ref;
    }
    const vg__ynode *gb = vg__yaml_get(m, "group-by");
    size_t ng = !gb ? 0 : gb->type == VG_Y_SEQ ? gb->n : 1;
    if (ng > MAX_GROUP)
        return VG_ERR_LIMIT;
    const vg__ynode *aliases = vg__yaml_get(m, "aliases");
    const vg__ynode *cond = vg__yaml_get(m, "condition");
    const vg__ynode *vf = cond ? vg__yaml_get(cond, "field") : NULL;
    for (size_t g = 0; g < ng; g++) {
        const vg__ynode *n = gb->type == VG_Y_SEQ ? gb->items[g] : gb;
        if (n->type != VG_Y_SCALAR)
            return VG_ERR_TYPE;
        k->group[k->n_group++] = n->str;
    }
    for (size_t i = 0; i < k->n_refs; i++) {
        for (size_t g = 0; g < k->n_group; g++)
            k->gfield[i][g] = alias_field(aliases, k->group[g], k->refs[i]);
        k->vfield[i] =
            vf && vf->type == VG_Y_SCALAR ? alias_field(aliases, vf->str, k->refs[i]) : NULL;
    }
    static const char *const ops[] = {"gt", "gte", "lt", "lte", "eq", "neq"};
    for (size_t i = 0; cond && i < cond->n; i++)
        for (int o = 0; o < 6; o++)
            if (strcmp(cond->keys[i]->str, ops[o]) == 0) {
                k->ops[o] = 1;
                k->opv[o] = strtod(cond->items[i]->str, NULL);
                k->has_cond = 1;
            }
    const vg__ynode *pc = cond ? vg__yaml_get(cond, "percentile") : NULL;
    k->percentile = pc && pc->type == VG_Y_SCALAR ? strtod(pc->str, NULL) : 50;
    const vg__ynode *gen = vg__yaml_get(m, "generate");
    if (gen)
        vg__yaml_is_bool(gen, &k->generate);
    return 0;
}

int vg_correlator_new(const vg_ruleset *rs, vg_correlator **out, vg_diags *diags)
{
    vg_correlator *c = calloc(1, sizeof *c);
    *out = NULL;
    if (!c)
        return VG_ERR_NOMEM;
    c->rs = rs;
    vg__arena_init(&c->arena);
    vg__buf_init(&c->key);
    cintern(c, "", 0);
    for (size_t i = 0; i < vg_ruleset_count(rs); i++) {
        const vg_rule *pub = vg_ruleset_rule(rs, i);
        if (pub->kind != VG_RULE_CORRELATION)
            continue;
        const vg__rule *r = (const vg__rule *)pub;
        corr k;
        memset(&k, 0, sizeof k);
        if (!r->corr || plan(c, r, &k, diags))
            continue;
        corr *slot = vg__vec_push(&c->corrs, sizeof *slot);
        if (!slot) {
            vg_correlator_free(c);
            return VG_ERR_NOMEM;
        }
        *slot = k;
    }
    *out = c;
    return 0;
}

void vg_correlator_free(vg_correlator *c)
{
    if (!c)
        return;
    corr *k = c->corrs.ptr;
    for (size_t i = 0; i < c->corrs.len; i++)
        vg__vec_free(&k[i].recs);
    vg__vec_free(&c->corrs);
    vg__smap_free(&c->strmap);
    vg__vec_free(&c->strs);
    vg__buf_free(&c->key);
    vg__arena_free(&c->arena);
    free(c);
}

size_t vg_correlator_count(const vg_correlator *c)
{
    return c->corrs.len;
}

int vg_correlator_generates(const vg_correlator *c, const vg_rule *rule)
{
    const corr *k = c->corrs.ptr;
    int referenced = 0;
    for (size_t i = 0; i < c->corrs.len; i++)
        for (size_t j = 0; j < k[i].n_refs; j++)
            if (k[i].refs[j] == rule) {
                if (k[i].generate)
                    return 1;
                referenced = 1;
            }
    return !referenced;
}

int vg_correlator_add(vg_correlator *c, const vg_rule *rule, const vg_event *ev, int64_t ref)
{
    int64_t t;
    vg_str ts = vg_event_time(ev);
    if (!ts.ptr || vg_risk_parse_time(ts.ptr, ts.len, &t))
        return 0;
    corr *k = c->corrs.ptr;
    for (size_t i = 0; i < c->corrs.len; i++)
        for (size_t p = 0; p < k[i].n_refs; p++) {
            if (k[i].refs[p] != rule)
                continue;
            c->key.len = 0;
            for (size_t g = 0; g < k[i].n_group; g++) {
                vg_str v = vg_event_get(ev, k[i].gfield[p][g]);
                vg__buf_printf(&c->key, "%s%s=%.*s", g ? ", " : "", k[i].group[g], (int)v.len,
                               v.ptr ? v.ptr : "");
            }
            crec *x = vg__vec_push(&k[i].recs, sizeof *x);
            if (!x || c->key.oom)
                return VG_ERR_NOMEM;
            x->t = t;
            x->ref = ref;
            x->pos = (uint16_t)p;
            x->seq = (uint32_t)(k[i].recs.len - 1);
            x->group = cintern(c, c->key.ptr ? c->key.ptr : "", c->key.len);
            vg_str v = k[i].vfield[p] ? vg_event_get(ev, k[i].vfield[p]) : (vg_str){NULL, 0};
            x->val = cintern(c, v.ptr ? v.ptr : "", v.len);
            if (x->group == UINT32_MAX || x->val == UINT32_MAX)
                return VG_ERR_NOMEM;
            if (v.ptr && v.len && v.len < 64) {
                char num[64], *end;
                memcpy(num, v.ptr, v.len);
                num[v.len] = 0;
                x->num = strtod(num, &end);
                x->has_num = end != num && !*end && isfinite(x->num);
            }
            break; /* a rule listed twice is recorded once, at its first position */
        }
    return 0;
}

/* ---------------------------------------------------------------- evaluation */

static int cmp_crec(const void *pa, const void *pb)
{
    const crec *a = pa, *b = pb;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : a > b;
}

static int holds(const corr *k, double v)
{
    if (!k->has_cond)
        return 1;
    return (!k->ops[0] || v > k->opv[0]) && (!k->ops[1] || v >= k->opv[1]) &&
           (!k->ops[2] || v < k->opv[2]) && (!k->ops[3] || v <= k->opv[3]) &&
           (!k->ops[4] || v == k->opv[4]) && (!k->ops[5] || v != k->opv[5]);
}

/* The value of the window recs[lo..hi] (inclusive) for the aggregate types. */
static double window_value(const corr *k, const crec *r, size_t lo, size_t hi, double *scratch,
                           uint32_t *seen_val, size_t *n_used)
{
    size_t n = 0, distinct = 0;
    double sum = 0;
    for (size_t i = lo; i <= hi; i++) {
        if (k->type == CT_VALUE_COUNT) {
            if (r[i].val && seen_val[r[i].val] != (uint32_t)hi + 1) {
                seen_val[r[i].val] = (uint32_t)hi + 1;
                distinct++;
            }
            continue;
        }
        if (k->type == CT_EVENT_COUNT) {
            n++;
            continue;
        }
        if (!r[i].has_num)
            continue;
        sum += r[i].num;
        scratch[n++] = r[i].num;
    }
    *n_used = n;
    if (k->type == CT_EVENT_COUNT)
        return (double)n;
    if (k->type == CT_VALUE_COUNT) {
        /* mark reset so that a later window with the same hi does not reuse marks */
        for (size_t i = lo; i <= hi; i++)
            seen_val[r[i].val] = 0;
        return (double)distinct;
    }
    if (k->type == CT_SUM)
        return sum;
    if (!n)
        return NAN;
    if (k->type == CT_AVG)
        return sum / (double)n;
    qsort(scratch, n, sizeof *scratch, cmp_double); /* nearest rank */
    size_t rank = (size_t)ceil(k->percentile / 100.0 * (double)n);
    return scratch[rank ? rank - 1 : 0];
}

/* temporal_ordered: is there a chain of the rules in strictly increasing time inside
 * [r[hi].t - span, r[hi].t] ending at r[hi] (an alert of the last rule)? Fills chain. */
static int ordered_chain(const corr *k, const crec *r, size_t lo, size_t hi, size_t *chain)
{
    if (r[hi].pos != k->n_refs - 1)
        return 0;
    chain[k->n_refs - 1] = hi;
    int64_t before = r[hi].t;
    for (size_t p = k->n_refs - 1; p-- > 0;) {
        size_t found = SIZE_MAX;
        for (size_t i = hi; i-- > lo;)
            if (r[i].pos == p && r[i].t < before) {
                found = i; /* the latest one leaves the most room for the rules before it */
                break;
            }
        if (found == SIZE_MAX)
            return 0;
        chain[p] = found;
        before = r[found].t;
    }
    return 1;
}

static int run_group(vg_correlator *c, corr *k, crec *r, size_t a, size_t b,
                     int (*fn)(const vg_corr_match *, void *), void *ud, double *scratch,
                     uint32_t *seen_val, int64_t *refs)
{
    size_t lo = a;
    int matches = 0;
    for (size_t hi = a; hi < b; hi++) {
        while (r[lo].t < r[hi].t - k->span)
            lo++;
        double v = 0;
        size_t n_used = 0, chain[MAX_REFS];
        int fire = 0, use_chain = 0;
        if (k->type == CT_TEMPORAL) {
            uint32_t present = 0;
            for (size_t i = lo; i <= hi; i++)
                present |= 1u << r[i].pos;
            v = __builtin_popcount(present);
            fire = k->has_cond ? holds(k, v) : v == (double)k->n_refs;
        } else if (k->type == CT_ORDERED) {
            fire = use_chain = ordered_chain(k, r, lo, hi, chain);
            v = (double)k->n_refs;
        } else {
            v = window_value(k, r, lo, hi, scratch, seen_val, &n_used);
            fire = !isnan(v) && holds(k, v);
        }
        if (!fire)
            continue;
        size_t n = 0;
        if (use_chain)
            for (size_t p = 0; p < k->n_refs; p++)
                refs[n++] = r[chain[p]].ref;
        else
            for (size_t i = lo; i <= hi; i++)
                refs[n++] = r[i].ref;
        vg_corr_match m = {k->rule, use_chain ? r[chain[0]].t : r[lo].t,
                           r[hi].t, ((const char *const *)c->strs.ptr)[r[hi].group],
                           v,       refs,
                           n};
        matches++;
        int rc = fn ? fn(&m, ud) : 0;
        if (rc)
            return rc < 0 ? rc : -rc;
        lo = hi + 1; /* consumed */
    }
    return matches;
}

int vg_correlator_run(vg_correlator *c, int (*fn)(const vg_corr_match *m, void *ud), void *ud)
{
    corr *k = c->corrs.ptr;
    int total = 0, rc = 0;
    for (size_t i = 0; i < c->corrs.len && !rc; i++) {
        crec *r = k[i].recs.ptr;
        size_t n = k[i].recs.len;
        if (!n)
            continue;
        qsort(r, n, sizeof *r, cmp_crec);
        double *scratch = malloc(n * sizeof *scratch);
        int64_t *refs = malloc(n * sizeof *refs);
        uint32_t *seen = calloc(c->strs.len + 1, sizeof *seen);
        if (!scratch || !refs || !seen)
            rc = VG_ERR_NOMEM;
        for (size_t a = 0; a < n && !rc;) {
            size_t b = a;
            while (b < n && r[b].group == r[a].group)
                b++;
            int m = run_group(c, &k[i], r, a, b, fn, ud, scratch, seen, refs);
            if (m < 0)
                rc = m;
            else
                total += m;
            a = b;
        }
        free(scratch);
        free(refs);
        free(seen);
    }
    return rc ? rc : total;
}

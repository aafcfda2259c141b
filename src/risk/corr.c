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
 *
 * Chains (Sigma v2.1: a correlation's rules may be correlations): a match of the referenced
 * correlation is an alert of it, at the time of its last contributing alert, whose fields are
 * the referenced correlation's group-by fields with their values (aliases map them like any
 * field); its references are those of all the alerts behind it. Correlations are evaluated in
 * an order where every correlation comes after those it references. A reference cycle (A -> B
 * -> A, or A -> A) is an error reported at the reference that closes it, with file, line and
 * column; the correlations in it, and those that reference a skipped correlation, are skipped.
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
    int64_t ref;   /* the caller's reference, or (chained) the first in chain_refs */
    uint32_t nref; /* chained: how many references in chain_refs; 0 = a plain alert */
    uint32_t group, val, seq;
    uint32_t gv; /* offset of its group-by value ids in the correlation's gvals */
    uint16_t pos;
    uint8_t chained;
    uint8_t has_num;
    double num;
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
    int chain[MAX_REFS]; /* index of the referenced correlation, or -1 for a detection rule */
    int dead;            /* skipped: it references a skipped correlation or is in a cycle */
    int mark;            /* cycle search: 0 unvisited, 1 on the path, 2 done */
    vg__vec recs;        /* crec */
    vg__vec gvals;       /* uint32 value ids of each record's group-by fields */
} corr;

struct vg_correlator {
    const vg_ruleset *rs;
    vg__vec corrs; /* corr */
    vg__vec order; /* int: evaluation order (referenced correlations first), live ones only */
    vg__arena arena;
    vg__smap strmap;
    vg__vec strs;
    vg__buf key;
    vg__vec chain_refs; /* int64: the references behind chained records */
    vg__vec refbuf;     /* int64: scratch for a match's references */
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
        if (!ref) /* skipped; vg_ruleset_finalize has reported the reference already */
            return VG_ERR_REF;
        if (k->n_refs == MAX_REFS) {
            vg__diag_add(diags, VG_ERR_REF, VG_SEV_WARNING, r->pub.file, r->pub.line, 1, 0,
                         r->pub.id,
                         "correlation '%s': rule '%s' is one rule too many; the correlation is "
                         "skipped",
                         r->pub.title, r->corr_rules[i]);
            return VG_ERR_REF;
        }
        k->chain[k->n_refs] = -1;
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

static const char *rule_name(const vg_rule *r)
{
    return *r->name ? r->name : r->id;
}

/* The YAML node of the p-th entry of a correlation's rules, for diagnostics. */
static const vg__ynode *ref_node(const corr *k, size_t p)
{
    const vg__ynode *n = vg__yaml_get(((const vg__rule *)k->rule)->corr, "rules");
    if (n && n->type == VG_Y_SEQ && p < n->n)
        return n->items[p];
    return n;
}

/* Depth-first search for reference cycles from k; path holds the correlations on the way. */
static void find_cycles(vg_correlator *c, size_t k, size_t *path, size_t depth, vg_diags *diags)
{
    corr *ks = c->corrs.ptr;
    ks[k].mark = 1;
    path[depth] = k;
    for (size_t p = 0; p < ks[k].n_refs; p++) {
        int j = ks[k].chain[p];
        if (j < 0 || ks[j].dead)
            continue;
        if (ks[j].mark == 0) {
            find_cycles(c, (size_t)j, path, depth + 1, diags);
            continue;
        }
        if (ks[j].mark != 1)
            continue;
        /* a cycle: path from j to k, closed by this reference */
        size_t from = depth;
        while (path[from] != (size_t)j)
            from--;
        char text[VG_DIAG_MAX_MESSAGE / 2];
        size_t len = 0;
        for (size_t i = from; i <= depth && len < sizeof text; i++)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s -> ",
                                    rule_name(ks[path[i]].rule));
        if (len < sizeof text)
            snprintf(text + len, sizeof text - len, "%s", rule_name(ks[j].rule));
        const vg__ynode *at = ref_node(&ks[k], p);
        vg__diag_add(diags, VG_ERR_REF, VG_SEV_ERROR, ks[k].rule->file,
                     at ? at->line : ks[k].rule->line, at ? at->col : 1, at ? at->offset : 0,
                     ks[k].rule->id,
                     "correlation '%s' is in a reference cycle: %s; the correlations in it are "
                     "skipped",
                     ks[k].rule->title, text);
        for (size_t i = from; i <= depth; i++)
            ks[path[i]].dead = 1;
    }
    ks[k].mark = 2;
}

/* Post-order: the correlations k references come before k. */
static int add_in_order(vg_correlator *c, size_t k)
{
    corr *ks = c->corrs.ptr;
    if (ks[k].mark == 3)
        return 0;
    ks[k].mark = 3;
    for (size_t p = 0; p < ks[k].n_refs; p++)
        if (ks[k].chain[p] >= 0 && add_in_order(c, (size_t)ks[k].chain[p]))
            return VG_ERR_NOMEM;
    int *slot = vg__vec_push(&c->order, sizeof *slot);
    if (!slot)
        return VG_ERR_NOMEM;
    *slot = (int)k;
    return 0;
}

/* Resolve references to correlations, skip cycles and what depends on skipped ones, and put
 * the rest in evaluation order. */
static int link_chains(vg_correlator *c, vg_diags *diags)
{
    corr *ks = c->corrs.ptr;
    size_t n = c->corrs.len;
    for (size_t k = 0; k < n; k++)
        for (size_t p = 0; p < ks[k].n_refs; p++) {
            if (ks[k].refs[p]->kind != VG_RULE_CORRELATION)
                continue;
            size_t j = 0;
            while (j < n && ks[j].rule != ks[k].refs[p])
                j++;
            ks[k].chain[p] = j < n ? (int)j : -2; /* -2: a correlation that was not planned */
        }
    size_t *path = malloc((n ? n : 1) * sizeof *path);
    if (!path)
        return VG_ERR_NOMEM;
    for (size_t k = 0; k < n; k++)
        if (!ks[k].mark)
            find_cycles(c, k, path, 0, diags);
    free(path);
    for (int changed = 1; changed;) { /* what references a skipped correlation is skipped */
        changed = 0;
        for (size_t k = 0; k < n; k++)
            for (size_t p = 0; p < ks[k].n_refs && !ks[k].dead; p++) {
                int j = ks[k].chain[p];
                if (j == -2 || (j >= 0 && ks[j].dead)) {
                    ks[k].dead = changed = 1;
                    const vg__ynode *at = ref_node(&ks[k], p);
                    vg__diag_add(diags, VG_ERR_REF, VG_SEV_WARNING, ks[k].rule->file,
                                 at ? at->line : ks[k].rule->line, at ? at->col : 1,
                                 at ? at->offset : 0, ks[k].rule->id,
                                 "correlation '%s': correlation '%s' is skipped, so this one "
                                 "is too",
                                 ks[k].rule->title, rule_name(ks[k].refs[p]));
                }
            }
    }
    for (size_t k = 0; k < n; k++)
        if (!ks[k].dead && add_in_order(c, k))
            return VG_ERR_NOMEM;
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
    if (link_chains(c, diags)) {
        vg_correlator_free(c);
        return VG_ERR_NOMEM;
    }
    *out = c;
    return 0;
}

void vg_correlator_free(vg_correlator *c)
{
    if (!c)
        return;
    corr *k = c->corrs.ptr;
    for (size_t i = 0; i < c->corrs.len; i++) {
        vg__vec_free(&k[i].recs);
        vg__vec_free(&k[i].gvals);
    }
    vg__vec_free(&c->corrs);
    vg__vec_free(&c->order);
    vg__vec_free(&c->chain_refs);
    vg__vec_free(&c->refbuf);
    vg__smap_free(&c->strmap);
    vg__vec_free(&c->strs);
    vg__buf_free(&c->key);
    vg__arena_free(&c->arena);
    free(c);
}

size_t vg_correlator_count(const vg_correlator *c)
{
    return c->order.len;
}

int vg_correlator_generates(const vg_correlator *c, const vg_rule *rule)
{
    const corr *k = c->corrs.ptr;
    int referenced = 0;
    for (size_t i = 0; i < c->corrs.len; i++)
        for (size_t j = 0; j < k[i].n_refs && !k[i].dead; j++)
            if (k[i].refs[j] == rule) {
                if (k[i].generate)
                    return 1;
                referenced = 1;
            }
    return !referenced;
}

/* The numeric value of a record's value field, when it is a number. */
static void set_number(crec *x, vg_str v)
{
    if (v.ptr && v.len && v.len < 64) {
        char num[64], *end;
        memcpy(num, v.ptr, v.len);
        num[v.len] = 0;
        x->num = strtod(num, &end);
        x->has_num = end != num && !*end && isfinite(x->num);
    }
}

int vg_correlator_add(vg_correlator *c, const vg_rule *rule, const vg_event *ev, int64_t ref)
{
    int64_t t;
    vg_str ts = vg_event_time(ev);
    if (!ts.ptr || vg_risk_parse_time(ts.ptr, ts.len, &t))
        return 0;
    corr *k = c->corrs.ptr;
    if (rule->kind == VG_RULE_CORRELATION)
        return 0; /* their alerts are their matches (vg_correlator_run) */
    for (size_t i = 0; i < c->corrs.len; i++)
        for (size_t p = 0; p < k[i].n_refs && !k[i].dead; p++) {
            if (k[i].refs[p] != rule)
                continue;
            c->key.len = 0;
            uint32_t gv = (uint32_t)k[i].gvals.len;
            for (size_t g = 0; g < k[i].n_group; g++) {
                vg_str v = vg_event_get(ev, k[i].gfield[p][g]);
                vg__buf_printf(&c->key, "%s%s=%.*s", g ? ", " : "", k[i].group[g], (int)v.len,
                               v.ptr ? v.ptr : "");
                uint32_t *id = vg__vec_push(&k[i].gvals, sizeof *id);
                if (!id || (*id = cintern(c, v.ptr ? v.ptr : "", v.len)) == UINT32_MAX)
                    return VG_ERR_NOMEM;
            }
            crec *x = vg__vec_push(&k[i].recs, sizeof *x);
            if (!x || c->key.oom)
                return VG_ERR_NOMEM;
            x->t = t;
            x->ref = ref;
            x->gv = gv;
            x->pos = (uint16_t)p;
            x->seq = (uint32_t)(k[i].recs.len - 1);
            x->group = cintern(c, c->key.ptr ? c->key.ptr : "", c->key.len);
            vg_str v = k[i].vfield[p] ? vg_event_get(ev, k[i].vfield[p]) : (vg_str){NULL, 0};
            x->val = cintern(c, v.ptr ? v.ptr : "", v.len);
            if (x->group == UINT32_MAX || x->val == UINT32_MAX)
                return VG_ERR_NOMEM;
            set_number(x, v);
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

/* The references behind records r[i] (chained ones stand for all the alerts of their match)
 * appended to c->refbuf. */
static int push_refs(vg_correlator *c, const crec *x)
{
    const int64_t *chain = c->chain_refs.ptr;
    size_t n = x->nref ? x->nref : 1;
    for (size_t i = 0; i < n; i++) {
        int64_t *slot = vg__vec_push(&c->refbuf, sizeof *slot);
        if (!slot)
            return VG_ERR_NOMEM;
        *slot = x->nref ? chain[x->ref + (int64_t)i] : x->ref;
    }
    return 0;
}

/* Field f of a match of correlation k whose last record is last: the value id of one of k's
 * group-by fields, else the empty string. */
static uint32_t match_field(const corr *k, const crec *last, const char *f)
{
    const uint32_t *kv = k->gvals.ptr;
    for (size_t g = 0; f && g < k->n_group; g++)
        if (strcmp(k->group[g], f) == 0)
            return kv[last->gv + g];
    return 0;
}

/* A match of correlation k (its last record r) becomes an alert of every live correlation that
 * references k: its fields are k's group-by fields, its references m's. */
static int feed_chains(vg_correlator *c, size_t ki, const crec *last, const vg_corr_match *m)
{
    corr *ks = c->corrs.ptr;
    const corr *k = &ks[ki];
    for (size_t oi = 0; oi < c->corrs.len; oi++) {
        corr *o = &ks[oi];
        size_t p = 0;
        while (p < o->n_refs && o->chain[p] != (int)ki)
            p++;
        if (o->dead || p == o->n_refs)
            continue;
        c->key.len = 0;
        uint32_t gv = (uint32_t)o->gvals.len;
        for (size_t g = 0; g < o->n_group; g++) {
            uint32_t v = match_field(k, last, o->gfield[p][g]);
            uint32_t *slot = vg__vec_push(&o->gvals, sizeof *slot);
            if (!slot)
                return VG_ERR_NOMEM;
            *slot = v;
            vg__buf_printf(&c->key, "%s%s=%s", g ? ", " : "", o->group[g],
                           ((const char *const *)c->strs.ptr)[v]);
        }
        uint32_t val = match_field(k, last, o->vfield[p]);
        int64_t first = (int64_t)c->chain_refs.len;
        for (size_t i = 0; i < m->n_refs; i++) {
            int64_t *slot = vg__vec_push(&c->chain_refs, sizeof *slot);
            if (!slot)
                return VG_ERR_NOMEM;
            *slot = m->refs[i];
        }
        crec *x = vg__vec_push(&o->recs, sizeof *x);
        if (!x || c->key.oom)
            return VG_ERR_NOMEM;
        x->t = m->end_ms;
        x->ref = first;
        x->nref = (uint32_t)m->n_refs;
        x->gv = gv;
        x->pos = (uint16_t)p;
        x->chained = 1;
        x->seq = (uint32_t)(o->recs.len - 1);
        x->group = cintern(c, c->key.ptr ? c->key.ptr : "", c->key.len);
        x->val = val;
        const char *vs = ((const char *const *)c->strs.ptr)[val];
        set_number(x, (vg_str){vs, strlen(vs)});
        if (x->group == UINT32_MAX)
            return VG_ERR_NOMEM;
    }
    return 0;
}

static int run_group(vg_correlator *c, size_t ki, crec *r, size_t a, size_t b,
                     int (*fn)(const vg_corr_match *, void *), void *ud, double *scratch,
                     uint32_t *seen_val)
{
    corr *k = &((corr *)c->corrs.ptr)[ki];
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
        c->refbuf.len = 0;
        int rc = 0;
        if (use_chain)
            for (size_t p = 0; p < k->n_refs && !rc; p++)
                rc = push_refs(c, &r[chain[p]]);
        else
            for (size_t i = lo; i <= hi && !rc; i++)
                rc = push_refs(c, &r[i]);
        if (rc)
            return rc;
        vg_corr_match m = {k->rule,
                           use_chain ? r[chain[0]].t : r[lo].t,
                           r[hi].t,
                           ((const char *const *)c->strs.ptr)[r[hi].group],
                           v,
                           c->refbuf.ptr,
                           c->refbuf.len};
        matches++;
        rc = fn ? fn(&m, ud) : 0;
        if (rc)
            return rc < 0 ? rc : -rc;
        if ((rc = feed_chains(c, ki, &r[hi], &m)))
            return rc;
        k = &((corr *)c->corrs.ptr)[ki];
        lo = hi + 1; /* consumed */
    }
    return matches;
}

int vg_correlator_run(vg_correlator *c, int (*fn)(const vg_corr_match *m, void *ud), void *ud)
{
    corr *ks = c->corrs.ptr;
    int total = 0, rc = 0;
    /* chained records of an earlier run are made again */
    for (size_t i = 0; i < c->corrs.len; i++) {
        crec *r = ks[i].recs.ptr;
        size_t n = 0;
        for (size_t j = 0; j < ks[i].recs.len; j++)
            if (!r[j].chained)
                r[n++] = r[j];
        ks[i].recs.len = n;
    }
    c->chain_refs.len = 0;
    const int *order = c->order.ptr;
    for (size_t o = 0; o < c->order.len && !rc; o++) {
        size_t i = (size_t)order[o];
        corr *k = &ks[i];
        crec *r = k->recs.ptr;
        size_t n = k->recs.len;
        if (!n)
            continue;
        qsort(r, n, sizeof *r, cmp_crec);
        double *scratch = malloc(n * sizeof *scratch);
        uint32_t *seen = calloc(c->strs.len + 1, sizeof *seen);
        if (!scratch || !seen)
            rc = VG_ERR_NOMEM;
        for (size_t a = 0; a < n && !rc;) {
            size_t b = a;
            while (b < n && r[b].group == r[a].group)
                b++;
            int m = run_group(c, i, r, a, b, fn, ud, scratch, seen);
            if (m < 0)
                rc = m;
            else
                total += m;
            a = b;
        }
        free(scratch);
        free(seen);
    }
    return rc ? rc : total;
}

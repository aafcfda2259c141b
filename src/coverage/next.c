/*
 * next.c - which log source to onboard next: a greedy ranking of the sources not yet present.
 *
 * The techniques counted are those the given actors use (weight: how many of them use it, as
 * vg_gaps counts), else every live parent technique of the domain (weight 1, as the coverage
 * tallies count). A technique is active when one of its rules (rolled up) is deployed and has
 * its data. Each step takes, among the absent or partial sources that feed a rule, the one
 * whose onboarding makes the most weight of techniques active given the steps before it (then
 * the most rules of those techniques made active, then channel and event ID order), and
 * records what it added and the running totals. Each source feeds its rules on its own (needs.c),
 * so a step's gain is what its rules that still lack data bring. The ranking stops when no source
 * adds a technique or a rule, or after the number of steps asked for.
 */
#include <stdlib.h>
#include <string.h>

#include "needs.h"

typedef struct scored {
    const vg_attack_obj *tech;
    unsigned long weight;
    int active;
    size_t stamp;
} scored;

typedef struct ranker {
    vg_needs *n;
    scored *u; /* techniques counted */
    size_t nu;
    vg__vec *rule_u; /* per rule: size_t indexes into u */
    uint8_t *fed;    /* per rule: has its data now or after a step */
    size_t stamp;
} ranker;

static int cmp_obj_id(const void *a, const void *b)
{
    const vg_attack_obj *x = *(const vg_attack_obj *const *)a;
    const vg_attack_obj *y = *(const vg_attack_obj *const *)b;
    return strcmp(x->attack_id, y->attack_id);
}

/* The techniques counted, their weights, and which rules each counts. */
static int universe(ranker *r)
{
    vg_needs *n = r->n;
    const vg_gap *g = NULL;
    size_t ng = 0;
    const vg_cov_tech *const *all = NULL;
    size_t na = 0;
    if (n->gaps)
        ng = vg_gaps_list(n->gaps, &g);
    else
        na = vg_coverage_techniques(n->c, &all);
    r->u = calloc((ng ? ng : na) + 1, sizeof *r->u);
    if (!r->u)
        return VG_ERR_NOMEM;
    uint32_t dom = vg_coverage_domain(n->c);
    for (size_t i = 0; i < ng; i++)
        r->u[r->nu++] = (scored){g[i].tech, g[i].n_users, 0, 0};
    for (size_t i = 0; i < na; i++) {
        const vg_attack_obj *o = all[i]->tech;
        if (o->kind == VG_ATTACK_TECHNIQUE && (o->domains & dom) && !o->parent &&
            !(o->flags & (VG_ATTACK_F_REVOKED | VG_ATTACK_F_DEPRECATED | VG_ATTACK_F_SUBTECHNIQUE)))
            r->u[r->nu++] = (scored){o, 1, 0, 0};
    }
    for (size_t i = 0; i < r->nu; i++) {
        const vg_cov_tech *t = vg_coverage_tech(n->c, r->u[i].tech);
        for (size_t j = 0; t && j < t->n_rules; j++) {
            size_t k = vg__needs_rule_index(n, t->rules[j]);
            if (t->rules[j]->deployed && n->has_now[k])
                r->u[i].active = 1;
            size_t *slot = vg__vec_push(&r->rule_u[k], sizeof *slot);
            if (!slot)
                return VG_ERR_NOMEM;
            *slot = i;
        }
    }
    n->base_techs = r->nu;
    n->base_weight = n->base_active_weight = 0;
    n->base_active = n->base_rules = 0;
    for (size_t i = 0; i < r->nu; i++) {
        n->base_weight += r->u[i].weight;
        n->base_active += (size_t)r->u[i].active;
        n->base_active_weight += r->u[i].active ? r->u[i].weight : 0;
    }
    for (size_t k = 0; k < n->n_rules; k++)
        n->base_rules += n->has_now[k] && n->rules[k].deployed && r->rule_u[k].len;
    return 0;
}

typedef struct gain {
    unsigned long weight;
    size_t techs, rules;
} gain;

/* What onboarding candidate c adds now. */
static gain gain_of(ranker *r, const vg__cand *c)
{
    gain g = {0, 0, 0};
    r->stamp++;
    const size_t *ks = c->rules.ptr;
    for (size_t i = 0; i < c->rules.len; i++) {
        size_t k = ks[i];
        if (r->fed[k] || !r->n->rules[k].deployed || !r->rule_u[k].len)
            continue;
        g.rules++;
        const size_t *us = r->rule_u[k].ptr;
        for (size_t j = 0; j < r->rule_u[k].len; j++) {
            scored *s = &r->u[us[j]];
            if (!s->active && s->stamp != r->stamp) {
                s->stamp = r->stamp;
                g.techs++;
                g.weight += s->weight;
            }
        }
    }
    return g;
}

static int better(gain a, const vg__cand *ca, gain b, const vg__cand *cb)
{
    if (!cb)
        return 1;
    if (a.weight != b.weight)
        return a.weight > b.weight;
    if (a.techs != b.techs)
        return a.techs > b.techs;
    if (a.rules != b.rules)
        return a.rules > b.rules;
    return vg__needs_key_cmp(&ca->pub, &cb->pub) < 0;
}

/* Onboard c: its rules get their data; the techniques that become active are appended to
 * n->gained from *first on (the step points into it once the storage stops moving). */
static int take(ranker *r, const vg__cand *c, vg_next_step *st, size_t *first)
{
    vg_needs *n = r->n;
    *first = n->gained.len;
    const size_t *ks = c->rules.ptr;
    for (size_t i = 0; i < c->rules.len; i++) {
        size_t k = ks[i];
        if (r->fed[k] || !n->rules[k].deployed || !r->rule_u[k].len)
            continue;
        r->fed[k] = 1;
        const size_t *us = r->rule_u[k].ptr;
        for (size_t j = 0; j < r->rule_u[k].len; j++) {
            scored *s = &r->u[us[j]];
            if (s->active)
                continue;
            s->active = 1;
            const vg_attack_obj **slot = vg__vec_push(&n->gained, sizeof *slot);
            if (!slot)
                return VG_ERR_NOMEM;
            *slot = s->tech;
        }
    }
    st->n_gained = n->gained.len - *first;
    if (st->n_gained)
        qsort((const vg_attack_obj **)n->gained.ptr + *first, st->n_gained,
              sizeof(const vg_attack_obj *), cmp_obj_id);
    return 0;
}

static int rank(ranker *r, size_t max)
{
    vg_needs *n = r->n;
    vg__cand **cs = n->cands.ptr;
    uint8_t *taken = calloc(n->cands.len + 1, 1);
    vg__vec firsts = {0}; /* size_t per step: where its gained techniques start */
    if (!taken)
        return VG_ERR_NOMEM;
    size_t cum_t = 0, cum_r = 0;
    unsigned long cum_w = 0;
    int rc = 0;
    while (!rc && (!max || n->steps.len < max)) {
        const vg__cand *best = NULL;
        gain bg = {0, 0, 0};
        for (size_t i = 0; i < n->cands.len; i++) {
            const vg__cand *c = cs[i];
            if (taken[i] || c->pub.presence == VG_NEED_PRESENT || !c->rules.len)
                continue;
            gain g = gain_of(r, c);
            if ((g.weight || g.techs || g.rules) && better(g, c, bg, best)) {
                best = c;
                bg = g;
            }
        }
        if (!best)
            break;
        taken[best->index] = 1;
        vg_next_step *st = vg__vec_push(&n->steps, sizeof *st);
        if (!st) {
            rc = VG_ERR_NOMEM;
            break;
        }
        cum_t += bg.techs;
        cum_r += bg.rules;
        cum_w += bg.weight;
        *st =
            (vg_next_step){&best->pub, bg.techs, bg.rules, bg.weight, cum_t, cum_r, cum_w, NULL, 0};
        size_t *first = vg__vec_push(&firsts, sizeof *first);
        rc = first ? take(r, best, st, first) : VG_ERR_NOMEM;
    }
    free(taken);
    vg_next_step *steps = n->steps.ptr;
    const vg_attack_obj **g = n->gained.ptr;
    const size_t *at = firsts.ptr;
    for (size_t i = 0; !rc && i < n->steps.len; i++)
        steps[i].gained = g + at[i];
    vg__vec_free(&firsts);
    return rc;
}

int vg_needs_next(vg_needs *n, size_t max, const vg_next_step **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (!n->computed)
        return VG_ERR_INVAL;
    vg__vec_free(&n->steps);
    vg__vec_free(&n->gained);
    ranker r = {n, NULL, 0, calloc(n->n_rules + 1, sizeof(vg__vec)), malloc(n->n_rules + 1), 0};
    int rc = r.rule_u && r.fed ? 0 : VG_ERR_NOMEM;
    if (!rc) {
        memcpy(r.fed, n->has_now, n->n_rules);
        rc = universe(&r);
    }
    if (!rc)
        rc = rank(&r, max);
    for (size_t k = 0; r.rule_u && k < n->n_rules; k++)
        vg__vec_free(&r.rule_u[k]);
    free(r.rule_u);
    free(r.fed);
    free(r.u);
    if (!rc) {
        *out = n->steps.ptr;
        *count = n->steps.len;
    }
    return rc;
}

void vg_needs_next_base(const vg_needs *n, size_t *techniques, unsigned long *weight,
                        size_t *active, unsigned long *active_weight, size_t *active_rules)
{
    *techniques = n->base_techs;
    *weight = n->base_weight;
    *active = n->base_active;
    *active_weight = n->base_active_weight;
    *active_rules = n->base_rules;
}

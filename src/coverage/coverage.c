/*
 * coverage.c - statuses of detection rules and ATT&CK techniques from rules, deployment and data.
 *
 * Inputs are a finalized ruleset, which rules are deployed (all by default), and what data
 * exists: observed sources copied from data inventories, declared sources (channel, event IDs,
 * optionally fields), or nothing, in which case every rule whose log source the profile routes
 * is assumed to have data. A rule has data when one of its routes (the profile's conditions on
 * Channel, EventID, Provider_Name...) is met by at least one source and the rule's condition
 * can still be true with the fields those sources carry under the route's field names (fields
 * it could use but that are absent are named after the source); a
 * condition on a field other than Channel and EventID is met when the source carries that field
 * (inventories count fields, not their values). The first route that works feeds the rule;
 * otherwise the reason it needs data names the route that came closest (a source without the
 * fields beats no source at all).
 *
 * Statuses roll up: a technique lists the rules tagged with it and, for a parent technique,
 * those tagged with its sub-techniques, each rule once. Tallies per tactic and platform count
 * parent techniques only (with their roll-up), live ones of the chosen domain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "../sigma/introspect.h"
#include "coverage.h"

vg_coverage *vg_coverage_new(const vg_attack *kb, const vg_ruleset *rs, uint32_t domain)
{
    vg_coverage *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->kb = kb;
    c->rs = rs;
    c->domain = domain ? domain : VG_DOMAIN_ENTERPRISE;
    vg__arena_init(&c->arena);
    vg__arena_init(&c->calc);
    size_t nr = vg_ruleset_count(rs);
    c->enabled = calloc(nr + 1, 1);
    c->rule_valid = calloc(nr + 1, 1);
    c->tech_valid = calloc(vg_attack_count(kb) + 1, 1);
    if (!c->enabled || !c->rule_valid || !c->tech_valid) {
        vg_coverage_free(c);
        return NULL;
    }
    return c;
}

static void free_results(vg_coverage *c)
{
    free(c->rules);
    free(c->techs);
    free(c->sorted);
    free(c->tech_of);
    free(c->tactics);
    free(c->platforms);
    c->rules = NULL;
    c->techs = NULL;
    c->sorted = NULL;
    c->tech_of = NULL;
    c->tactics = c->platforms = NULL;
    c->n_rules = c->n_techs = c->n_tactics = c->n_platforms = 0;
    vg__arena_free(&c->calc);
    vg__arena_init(&c->calc);
}

void vg_coverage_free(vg_coverage *c)
{
    if (!c)
        return;
    free_results(c);
    vg__arena_free(&c->calc);
    vg__arena_free(&c->arena);
    vg__vec_free(&c->sources);
    free(c->enabled);
    free(c->rule_valid);
    free(c->tech_valid);
    free(c);
}

int vg_coverage_enable(vg_coverage *c, const char *text)
{
    const vg_rule *r = vg_ruleset_find(c->rs, text);
    for (size_t i = 0; !r && i < vg_ruleset_count(c->rs); i++)
        if (strcmp(vg_ruleset_rule(c->rs, i)->title, text) == 0)
            r = vg_ruleset_rule(c->rs, i);
    if (!r)
        return VG_ERR_NOENT;
    c->enabled[r->index] = 1;
    c->any_enabled = 1;
    return 0;
}

static char *keep(vg_coverage *c, const char *s)
{
    return vg__arena_strndup(&c->arena, s ? s : "", s ? strlen(s) : 0);
}

int vg_coverage_declare(vg_coverage *c, const char *channel, const char *event_id,
                        const char *const *fields, size_t n_fields)
{
    vg__dsrc *s = vg__vec_push(&c->sources, sizeof *s);
    if (!s)
        return VG_ERR_NOMEM;
    s->channel = keep(c, channel);
    s->event_id = keep(c, event_id);
    s->any_field = fields == NULL;
    if (fields && n_fields) {
        s->fields = vg__arena_alloc(&c->arena, n_fields * sizeof *s->fields);
        if (!s->fields)
            return VG_ERR_NOMEM;
        for (size_t i = 0; i < n_fields; i++)
            if (!(s->fields[i] = keep(c, fields[i])))
                return VG_ERR_NOMEM;
    }
    s->n_fields = fields ? n_fields : 0;
    if (!s->channel || !s->event_id)
        return VG_ERR_NOMEM;
    if (c->mode == VG_COV_DATA_ASSUMED)
        c->mode = VG_COV_DATA_DECLARED;
    return 0;
}

int vg_coverage_add_inventory(vg_coverage *c, vg_inventory *inv)
{
    for (size_t i = 0; i < vg_inventory_count(inv); i++) {
        vg_inventory_source s;
        int rc = vg_inventory_source_get(inv, i, &s);
        if (!rc)
            rc = vg_coverage_declare(c, s.channel, s.event_id, (const char *const *)s.fields,
                                     s.n_fields);
        if (rc)
            return rc;
        /* a source with no non-empty field still declares that it has none */
        ((vg__dsrc *)c->sources.ptr)[c->sources.len - 1].any_field = 0;
        ((vg__dsrc *)c->sources.ptr)[c->sources.len - 1].observed = 1;
    }
    c->mode = VG_COV_DATA_OBSERVED;
    return 0;
}

int vg_coverage_mark_validated(vg_coverage *c, const vg_rule *rule, const vg_attack_obj *tech)
{
    if (rule && rule->index < vg_ruleset_count(c->rs))
        c->rule_valid[rule->index] = 1;
    if (tech && tech->index < vg_attack_count(c->kb))
        c->tech_valid[vg_attack_resolve(tech)->index] = 1;
    return 0;
}

/* ---- does the data feed a rule? ---- */

static int ieq(const char *a, const char *b)
{
    return vg__str_ieq(vg__str_c(a), vg__str_c(b));
}

static int has_field(const vg__dsrc *s, const char *f)
{
    /* the fields that key a source are present in all its events, declared or not */
    if (s->any_field || ieq(f, "Channel") || (ieq(f, "EventID") && *s->event_id))
        return 1;
    for (size_t i = 0; i < s->n_fields; i++)
        if (ieq(s->fields[i], f))
            return 1;
    return 0;
}

int vg__cov_has_field(const vg__dsrc *s, const char *f)
{
    return has_field(s, f);
}

static int in_values(const vg__route_cond *rc, const char *v)
{
    for (size_t i = 0; i < rc->n_values; i++)
        if (ieq(rc->values[i], v))
            return 1;
    return 0;
}

static int source_meets(const vg_rule *r, size_t route, const vg__dsrc *s)
{
    for (size_t k = 0; k < vg__rule_route_n_conds(r, route); k++) {
        vg__route_cond rc;
        vg__rule_route_cond(r, route, k, &rc);
        int ok;
        if (ieq(rc.field, "Channel"))
            ok = in_values(&rc, s->channel);
        else if (ieq(rc.field, "EventID"))
            ok = !*s->event_id || in_values(&rc, s->event_id);
        else
            ok = has_field(s, rc.field);
        if (!ok)
            return 0;
    }
    return 1;
}

/* "Security 4688" / "Microsoft-Windows-Sysmon/Operational 12,13,14" for route i. */
static void describe_route(const vg_rule *r, size_t route, vg__buf *b)
{
    size_t start = b->len;
    for (int pass = 0; pass < 3; pass++)
        for (size_t k = 0; k < vg__rule_route_n_conds(r, route); k++) {
            vg__route_cond rc;
            vg__rule_route_cond(r, route, k, &rc);
            int is_ch = ieq(rc.field, "Channel"), is_id = ieq(rc.field, "EventID");
            if ((pass == 0 && !is_ch) || (pass == 1 && !is_id) || (pass == 2 && (is_ch || is_id)))
                continue;
            if (b->len > start)
                vg__buf_addc(b, ' ');
            if (pass == 2)
                vg__buf_printf(b, "%s=", rc.field);
            for (size_t v = 0; v < rc.n_values; v++)
                vg__buf_printf(b, "%s%s", v ? (is_ch ? "|" : ",") : "", rc.values[v]);
        }
    if (b->len == start)
        vg__buf_printf(b, "any %s event", *r->product ? r->product : "");
}

static void describe_logsource(const vg_rule *r, vg__buf *b)
{
    const char *parts[3] = {r->product, r->category, r->service};
    size_t start = b->len;
    for (int i = 0; i < 3; i++)
        if (parts[i] && *parts[i])
            vg__buf_printf(b, "%s%s", b->len > start ? "/" : "", parts[i]);
}

#define MAX_FIELDS 64

typedef struct route_data {
    const vg_rule *r;
    size_t route;
    const vg__dsrc *const *srcs;
    size_t n_srcs;
} route_data;

/* Is the rule's field (Sigma name) carried by one of the sources, under the route's name? */
static int route_has(const char *field, void *ud)
{
    const route_data *rd = ud;
    const char *name = vg__rule_route_field(rd->r, rd->route, field);
    for (size_t s = 0; s < rd->n_srcs; s++)
        if (has_field(rd->srcs[s], name))
            return 1;
    return 0;
}

/* Fields of the rule missing from every source of rd, into b (", "-separated). */
static size_t missing_fields(route_data *rd, vg__buf *b)
{
    const char *fields[MAX_FIELDS];
    size_t nf = vg__rule_fields_read(rd->r, fields, MAX_FIELDS), missing = 0;
    if (nf > MAX_FIELDS)
        nf = MAX_FIELDS;
    for (size_t f = 0; f < nf; f++)
        if (!route_has(fields[f], rd))
            vg__buf_printf(b, "%s%s", missing++ ? ", " : "",
                           vg__rule_route_field(rd->r, rd->route, fields[f]));
    return missing;
}

/* Decide whether data feeds rule cr; fills source or missing. A route works when a source
 * meets its conditions and the rule's condition can still be true with the fields those
 * sources carry; fields it could use but that are absent are named after the source. */
static int judge_data(vg_coverage *c, vg_cov_rule *cr, const vg__dsrc **scratch)
{
    const vg_rule *r = cr->rule;
    size_t nroutes = vg__rule_n_routes(r);
    vg__buf why, src;
    vg__buf_init(&why);
    vg__buf_init(&src);
    int has = 0, best = -1; /* best: 1 = a route had sources but lacked fields */
    if (!nroutes) {
        vg__buf_adds(&why, "log source ");
        describe_logsource(r, &why);
        vg__buf_adds(&why, " is not routed by the profile");
    } else if (c->mode == VG_COV_DATA_ASSUMED) {
        has = 1;
        describe_route(r, 0, &src);
    }
    const vg__dsrc *all = c->sources.ptr;
    for (size_t rt = 0; !has && c->mode != VG_COV_DATA_ASSUMED && rt < nroutes; rt++) {
        size_t n = 0;
        for (size_t s = 0; s < c->sources.len; s++)
            if (source_meets(r, rt, &all[s]))
                scratch[n++] = &all[s];
        route_data rd = {r, rt, scratch, n};
        vg__buf fb;
        vg__buf_init(&fb);
        size_t miss = n ? missing_fields(&rd, &fb) : 0;
        if (n && (!miss || vg__rule_satisfiable(r, route_has, &rd))) {
            has = 1;
            src.len = 0;
            describe_route(r, rt, &src);
            if (miss)
                vg__buf_printf(&src, " (without %s)", fb.ptr);
        } else if (n && best < 1) {
            best = 1;
            why.len = 0;
            vg__buf_printf(&why, "field%s %s missing in ", miss == 1 ? "" : "s", fb.ptr);
            describe_route(r, rt, &why);
        } else if (!n && best < 1) {
            vg__buf_adds(&why, best < 0 ? "no events of " : " or ");
            describe_route(r, rt, &why);
            best = 0;
        }
        vg__buf_free(&fb);
    }
    cr->source = vg__arena_strndup(&c->calc, src.ptr ? src.ptr : "", src.len);
    cr->missing = has ? "" : vg__arena_strndup(&c->calc, why.ptr ? why.ptr : "", why.len);
    int oom = why.oom || src.oom || !cr->source || !cr->missing;
    vg__buf_free(&why);
    vg__buf_free(&src);
    return oom ? VG_ERR_NOMEM : has;
}

static int judge_rules(vg_coverage *c)
{
    size_t nr = vg_ruleset_count(c->rs);
    c->rules = calloc(nr + 1, sizeof *c->rules);
    const vg__dsrc **scratch = calloc(c->sources.len + 1, sizeof *scratch);
    int rc = c->rules && scratch ? 0 : VG_ERR_NOMEM;
    for (size_t i = 0; !rc && i < nr; i++) {
        const vg_rule *r = vg_ruleset_rule(c->rs, i);
        if (r->kind != VG_RULE_DETECTION)
            continue;
        vg_cov_rule *cr = &c->rules[c->n_rules++];
        cr->rule = r;
        cr->deployed = !c->any_enabled || c->enabled[i];
        cr->validated = c->rule_valid[i];
        int has = judge_data(c, cr, scratch);
        if (has < 0)
            rc = has;
        cr->status = !has ? VG_COV_NEEDS_DATA : cr->deployed ? VG_COV_ACTIVE : VG_COV_AVAILABLE;
    }
    free(scratch);
    return rc;
}

/* ---- techniques ---- */

static int live_in_domain(const vg_coverage *c, const vg_attack_obj *o)
{
    return o->kind == VG_ATTACK_TECHNIQUE && (o->domains & c->domain) &&
           !(o->flags & (VG_ATTACK_F_REVOKED | VG_ATTACK_F_DEPRECATED));
}

static vg_cov_tech *tech_slot(vg_coverage *c, const vg_attack_obj *o)
{
    if (c->tech_of[o->index] >= 0)
        return &c->techs[c->tech_of[o->index]];
    if (o->parent)
        tech_slot(c, o->parent); /* parents exist before their sub-techniques' rules land */
    c->tech_of[o->index] = (int32_t)c->n_techs;
    vg_cov_tech *t = &c->techs[c->n_techs++];
    t->tech = o;
    t->tech_validated = c->tech_valid[o->index];
    return t;
}

/* Add rule k to technique o's list unless already there (a rule tagged with a parent and its
 * sub-technique lands on the parent once). stamp[ti] == k + 1 is the quick check within one
 * pass; the list is searched when the stamp is from elsewhere. */
static int attach(vg_coverage *c, vg__vec *lists, size_t *stamp, const vg_attack_obj *o, size_t k)
{
    size_t ti = (size_t)c->tech_of[o->index];
    if (stamp[ti] == k + 1)
        return 0;
    stamp[ti] = k + 1;
    const vg_cov_rule **have = lists[ti].ptr;
    for (size_t i = 0; i < lists[ti].len; i++)
        if (have[i] == &c->rules[k])
            return 0;
    const vg_cov_rule **slot = vg__vec_push(&lists[ti], sizeof *slot);
    if (!slot)
        return VG_ERR_NOMEM;
    *slot = &c->rules[k];
    return 0;
}

static int cmp_tech_id(const void *a, const void *b)
{
    const vg_cov_tech *x = *(vg_cov_tech *const *)a, *y = *(vg_cov_tech *const *)b;
    return strcmp(x->tech->attack_id, y->tech->attack_id);
}

static int build_techniques(vg_coverage *c)
{
    size_t nk = vg_attack_count(c->kb);
    c->techs = calloc(nk + 1, sizeof *c->techs);
    c->tech_of = malloc((nk + 1) * sizeof *c->tech_of);
    vg__vec *lists = calloc(nk + 1, sizeof *lists);
    size_t *stamp = calloc(nk + 1, sizeof *stamp);
    int rc = c->techs && c->tech_of && lists && stamp ? 0 : VG_ERR_NOMEM;
    for (size_t i = 0; !rc && i <= nk; i++)
        c->tech_of[i] = -1;
    for (size_t i = 0; !rc && i < nk; i++)
        if (live_in_domain(c, vg_attack_at(c->kb, i)))
            tech_slot(c, vg_attack_at(c->kb, i));
    /* own tags first, then roll-up to parents, so each list starts with its own rules */
    for (int pass = 0; !rc && pass < 2; pass++) {
        for (size_t k = 0; !rc && k < c->n_rules; k++) {
            const vg_rule *r = c->rules[k].rule;
            for (size_t j = 0; !rc && j < r->n_techniques; j++) {
                const vg_attack_obj *o = vg_attack_resolve(r->techniques[j]);
                if (o->kind != VG_ATTACK_TECHNIQUE)
                    continue;
                tech_slot(c, o);
                if (pass == 0)
                    rc = attach(c, lists, stamp, o, k);
                else if (o->parent)
                    rc = attach(c, lists, stamp, o->parent, k);
            }
        }
        for (size_t ti = 0; pass == 0 && ti < c->n_techs; ti++)
            c->techs[ti].n_own = lists[ti].len;
    }
    for (size_t ti = 0; !rc && ti < c->n_techs; ti++) {
        vg_cov_tech *t = &c->techs[ti];
        t->n_rules = lists[ti].len;
        t->rules = (const vg_cov_rule *const *)vg__arena_alloc(&c->calc,
                                                               (t->n_rules + 1) * sizeof *t->rules);
        if (!t->rules) {
            rc = VG_ERR_NOMEM;
            break;
        }
        if (t->n_rules)
            memcpy((void *)t->rules, lists[ti].ptr, t->n_rules * sizeof *t->rules);
        t->total = t->n_rules;
        for (size_t k = 0; k < t->n_rules; k++) {
            t->n[t->rules[k]->status]++;
            t->validated += t->rules[k]->validated != 0;
        }
    }
    for (size_t i = 0; lists && i <= nk; i++)
        vg__vec_free(&lists[i]);
    free(lists);
    free(stamp);
    c->sorted = rc ? NULL : malloc((c->n_techs + 1) * sizeof *c->sorted);
    if (!rc && !c->sorted)
        rc = VG_ERR_NOMEM;
    for (size_t i = 0; !rc && i < c->n_techs; i++)
        c->sorted[i] = &c->techs[i];
    if (!rc)
        qsort(c->sorted, c->n_techs, sizeof *c->sorted, cmp_tech_id);
    return rc;
}

int vg_coverage_compute(vg_coverage *c)
{
    free_results(c);
    int rc = judge_rules(c);
    if (!rc)
        rc = build_techniques(c);
    if (!rc)
        rc = vg__coverage_tally(c);
    return rc;
}

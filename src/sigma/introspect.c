/*
 * introspect.c - what a compiled rule needs from the data, for coverage.
 *
 * Coverage decides whether a rule can work on the data a site has: its log source must be
 * routed by the profile to events that exist (the route's conditions on Channel, EventID,
 * Provider_Name), and the fields its detection reads must be present in those events (under
 * the route's field names). This file only exposes those parts of the compiled rule; it does
 * not decide anything. Every vg_rule handed out by a ruleset is the first member of a
 * vg__rule, which is how the views are reached.
 */
#include <stdlib.h>
#include <string.h>

#include "introspect.h"
#include "sigma.h"

static const vg__rule *inner(const vg_rule *r)
{
    return (const vg__rule *)r;
}

size_t vg__rule_n_routes(const vg_rule *r)
{
    return r && r->kind == VG_RULE_DETECTION ? inner(r)->n_routes : 0;
}

const char *vg__rule_route_label(const vg_rule *r, size_t i)
{
    const vg__route *rt = i < vg__rule_n_routes(r) ? inner(r)->routes[i] : NULL;
    return rt && rt->label ? rt->label : "";
}

size_t vg__rule_route_n_conds(const vg_rule *r, size_t i)
{
    const vg__route *rt = i < vg__rule_n_routes(r) ? inner(r)->routes[i] : NULL;
    return rt ? rt->n_conds : 0;
}

void vg__rule_route_cond(const vg_rule *r, size_t i, size_t k, vg__route_cond *out)
{
    memset(out, 0, sizeof *out);
    const vg__route *rt = i < vg__rule_n_routes(r) ? inner(r)->routes[i] : NULL;
    if (!rt || k >= rt->n_conds)
        return;
    out->field = rt->conds[k].field;
    out->values = rt->conds[k].values;
    out->n_values = rt->conds[k].n;
}

const char *vg__rule_route_field(const vg_rule *r, size_t i, const char *sigma_field)
{
    const vg__route *rt = i < vg__rule_n_routes(r) ? inner(r)->routes[i] : NULL;
    for (size_t k = 0; rt && k < rt->n_map; k++)
        if (vg__str_ieq(vg__str_c(sigma_field), vg__str_c(rt->map[k].from)))
            return rt->map[k].to;
    return sigma_field;
}

/* Does an item test for the field's absence? */
static int tests_absence(const vg__item *it)
{
    if (it->exists == 0)
        return 1;
    for (size_t v = 0; v < it->n; v++)
        if (it->vals[v].kind == VK_NULL)
            return 1;
    return 0;
}

size_t vg__rule_fields_read(const vg_rule *r, const char **out, size_t cap)
{
    if (!r || r->kind != VG_RULE_DETECTION)
        return 0;
    const vg__rule *ir = inner(r);
    size_t n = 0;
    for (size_t s = 0; s < ir->n_searches; s++)
        for (size_t m = 0; m < ir->searches[s].n; m++) {
            const vg__map *map = &ir->searches[s].maps[m];
            for (size_t i = 0; i < map->n; i++) {
                const vg__item *it = &map->items[i];
                if (!it->field || tests_absence(it))
                    continue;
                int seen = 0;
                for (size_t k = 0; k < n && k < cap && !seen; k++)
                    seen = strlen(out[k]) == it->flen && memcmp(out[k], it->field, it->flen) == 0 &&
                           out[k][it->flen] == 0;
                if (seen)
                    continue;
                if (n < cap)
                    out[n] = it->field;
                n++;
            }
        }
    return n;
}

/* Mark in pos[] the searches the condition node uses positively (under an even number of
 * 'not's). */
static void positive_refs(const vg__rule *r, const vg__cnode *n, int neg, uint8_t *pos, int depth)
{
    if (!n || depth > VG_SIGMA_MAX_COND_DEPTH * 2)
        return;
    switch (n->op) {
    case CN_REF:
        if (!neg && n->ref < r->n_searches)
            pos[n->ref] = 1;
        return;
    case CN_AND:
    case CN_OR:
        positive_refs(r, n->a, neg, pos, depth + 1);
        positive_refs(r, n->b, neg, pos, depth + 1);
        return;
    case CN_NOT:
        positive_refs(r, n->a, !neg, pos, depth + 1);
        return;
    case CN_OF_ANY:
    case CN_OF_ALL:
        for (size_t i = 0; !neg && i < n->n_refs; i++)
            if (n->refs[i] < r->n_searches)
                pos[n->refs[i]] = 1;
        return;
    default:
        return;
    }
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

size_t vg__rule_event_ids(const vg_rule *r, const char **out, size_t cap)
{
    if (!r || r->kind != VG_RULE_DETECTION)
        return 0;
    const vg__rule *ir = inner(r);
    uint8_t *pos = calloc(ir->n_searches + 1, 1);
    if (!pos)
        return 0;
    if (ir->cond)
        positive_refs(ir, ir->cond, 0, pos, 0);
    size_t n = 0;
    for (size_t s = 0; s < ir->n_searches; s++)
        for (size_t m = 0; pos[s] && m < ir->searches[s].n; m++)
            for (size_t i = 0; i < ir->searches[s].maps[m].n; i++) {
                const vg__item *it = &ir->searches[s].maps[m].items[i];
                if (!it->field || it->neq || it->exists == 0 ||
                    !vg__str_ieq((vg__str){it->field, it->flen}, VG_STR("EventID")))
                    continue;
                for (size_t v = 0; v < it->n; v++) {
                    const vg__value *val = &it->vals[v];
                    if (val->kind != VK_STRING || val->pat.kind != PK_EXACT ||
                        !all_digits(val->pat.text, val->pat.len))
                        continue;
                    int seen = 0;
                    for (size_t k = 0; k < n && k < cap && !seen; k++)
                        seen = strlen(out[k]) == val->pat.len &&
                               memcmp(out[k], val->pat.text, val->pat.len) == 0;
                    if (seen)
                        continue;
                    if (n < cap)
                        out[n] = val->pat.text;
                    n++;
                }
            }
    free(pos);
    return n;
}

static int search_ok(const vg__search *s, int (*has)(const char *, void *), void *ud)
{
    if (!s->n)
        return 1;
    for (size_t m = 0; m < s->n; m++) {
        int ok = 1;
        for (size_t i = 0; ok && i < s->maps[m].n; i++) {
            const vg__item *it = &s->maps[m].items[i];
            ok = !it->field || tests_absence(it) || has(it->field, ud);
        }
        if (ok)
            return 1;
    }
    return 0;
}

static int cond_ok(const vg__rule *r, const vg__cnode *n, int (*has)(const char *, void *),
                   void *ud)
{
    if (!n)
        return 1;
    switch (n->op) {
    case CN_REF:
        return n->ref < r->n_searches ? search_ok(&r->searches[n->ref], has, ud) : 0;
    case CN_AND:
        return cond_ok(r, n->a, has, ud) && cond_ok(r, n->b, has, ud);
    case CN_OR:
        return cond_ok(r, n->a, has, ud) || cond_ok(r, n->b, has, ud);
    case CN_OF_ANY: {
        size_t ok = 0;
        for (size_t i = 0; i < n->n_refs; i++)
            ok += n->refs[i] < r->n_searches && search_ok(&r->searches[n->refs[i]], has, ud);
        return ok >= (n->count ? n->count : 1);
    }
    case CN_OF_ALL:
        for (size_t i = 0; i < n->n_refs; i++)
            if (n->refs[i] >= r->n_searches || !search_ok(&r->searches[n->refs[i]], has, ud))
                return 0;
        return 1;
    default: /* CN_NOT, CN_TRUE */
        return 1;
    }
}

int vg__rule_satisfiable(const vg_rule *r, int (*has)(const char *field, void *ud), void *ud)
{
    if (!r || r->kind != VG_RULE_DETECTION)
        return 0;
    return cond_ok(inner(r), inner(r)->cond, has, ud);
}

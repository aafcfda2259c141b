/*
 * eval.c - exact evaluation of one compiled rule against one event.
 *
 * For each routing branch whose conditions the event meets, the condition tree is evaluated
 * with short-circuiting; search identifiers are evaluated on demand. A field item looks up
 * every occurrence of its (mapped) field name in the event's table of names by hash (the hash
 * of an unmapped name is kept with the item); keywords look at every field. An item that is
 * an OR of its values is decided occurrence by occurrence, the first hit ending it; an item
 * with a long list of plain values probes its value set (vg__vset_hit) instead of trying each
 * value. Explaining goes value by value through the list of occurrences, naming the first
 * value that matched, as do `all`, `exists` and null items. Then each filter
 * that applies to the rule is evaluated the same way, and a matching filter suppresses the
 * match. With an explanation buffer the same walk records which branch, identifiers, fields
 * and values decided the result.
 */
#include <stdio.h>
#include <string.h>

#include "sigma.h"

typedef struct ectx {
    const vg_event *ev;
    const vg__route *rt;
    pcre2_match_data *md;
    vg__buf *why;
} ectx;

static int route_ok(const vg__route *rt, const vg_event *ev)
{
    for (size_t c = 0; c < rt->n_conds; c++) {
        const vg__cond_field *cf = &rt->conds[c];
        int ok = 0;
        for (uint32_t i = vg__event_bucket(ev, cf->hash); i && !ok; i = ev->fields[i - 1].next) {
            const vg__field *f = &ev->fields[i - 1];
            if (f->nhash != cf->hash || f->nlen != cf->flen ||
                !vg__text_ieq(ev->bytes + f->name, cf->field, cf->flen))
                continue;
            for (size_t k = 0; k < cf->n && !ok; k++)
                ok = f->vlen == cf->vlens[k] &&
                     vg__text_ieq(ev->bytes + f->value, cf->values[k], cf->vlens[k]);
        }
        if (!ok)
            return 0;
    }
    return 1;
}

static void explain_hit(ectx *x, const vg__item *it, const vg__value *v, vg__str name, vg__str val)
{
    if (!x->why)
        return;
    vg__buf_printf(x->why, "      %.*s%s", (int)name.len, name.ptr, it->mods);
    vg__buf_adds(x->why, v ? " = " : "");
    if (v)
        vg__buf_json_str(x->why, v->source, strlen(v->source));
    vg__buf_adds(x->why, "  matched ");
    vg__buf_json_str(x->why, val.ptr, val.len < 300 ? val.len : 300);
    vg__buf_addc(x->why, '\n');
}

/* The non-null occurrences of a field (all fields for keywords), found once per item; an
 * event has at most VG_EVENT_MAX_FIELDS fields, so none is left out. */
#define MAX_OCC VG_EVENT_MAX_FIELDS
typedef struct occ {
    uint32_t idx[MAX_OCC];
    size_t n;
    int present, nonnull;
} occ;

/* The occurrences of name, whose vg__hash_lower is h. */
static void find_occurrences(const vg_event *ev, vg__str name, uint32_t h, occ *o)
{
    o->n = 0;
    o->present = o->nonnull = 0;
    if (!name.ptr) { /* keywords: every field */
        for (size_t i = 0; i < ev->n; i++) {
            o->present = 1;
            if (ev->fields[i].type == VG_VAL_NULL)
                continue;
            o->nonnull = 1;
            if (o->n < MAX_OCC)
                o->idx[o->n++] = (uint32_t)i;
        }
        return;
    }
    for (uint32_t i = vg__event_bucket(ev, h); i; i = ev->fields[i - 1].next) {
        const vg__field *f = &ev->fields[i - 1];
        if (f->nhash != h || f->nlen != name.len ||
            !vg__text_ieq(ev->bytes + f->name, name.ptr, name.len))
            continue;
        o->present = 1;
        if (f->type == VG_VAL_NULL)
            continue;
        o->nonnull = 1;
        if (o->n < MAX_OCC)
            o->idx[o->n++] = i - 1;
    }
}

/* Does one of the occurrences match value v? */
static int value_hits(ectx *x, const vg__item *it, const vg__value *v, vg__str name, const occ *o)
{
    const vg_event *ev = x->ev;
    for (size_t k = 0; k < o->n; k++) {
        const vg__field *f = &ev->fields[o->idx[k]];
        vg__str val = vg__field_value(ev, f);
        if (vg__value_match(v, val, vg__field_lower(ev, f), ev, x->rt, x->md)) {
            explain_hit(x, it, v, name.ptr ? name : vg__field_name(ev, f), val);
            return 1;
        }
    }
    return 0;
}

/* Does field f match one of the item's values? */
static inline int field_hits(const ectx *x, const vg__item *it, const vg__field *f)
{
    return vg__item_hit(it, vg__field_value(x->ev, f), vg__field_lower(x->ev, f), x->ev, x->rt,
                        x->md);
}

/* An item that is an OR of its values (not `all`, no `exists` or null test), when nothing is
 * explained: decided field by field as its occurrences are found, the first hit ends it (the
 * order of an OR does not change its value). name.ptr NULL: keywords, every field. */
static int item_quick(const ectx *x, const vg__item *it, vg__str name, uint32_t h)
{
    const vg_event *ev = x->ev;
    int nonnull = 0;
    if (!name.ptr) {
        for (size_t i = 0; i < ev->n; i++)
            if (ev->fields[i].type != VG_VAL_NULL && field_hits(x, it, &ev->fields[i]))
                return !it->neq;
        return it->neq; /* keywords: none matched (a field item needs a value, below) */
    }
    for (uint32_t i = vg__event_bucket(ev, h); i; i = ev->fields[i - 1].next) {
        const vg__field *f = &ev->fields[i - 1];
        if (f->nhash != h || f->nlen != name.len || f->type == VG_VAL_NULL ||
            !vg__text_ieq(ev->bytes + f->name, name.ptr, name.len))
            continue;
        nonnull = 1;
        if (field_hits(x, it, f))
            return !it->neq;
    }
    return it->neq && nonnull;
}

/* An item through the list of its field's occurrences: `all`, `exists`, null tests, and any
 * item when explaining (the first value that matched is named). */
static int item_listed(ectx *x, const vg__item *it, vg__str name, uint32_t h)
{
    const vg_event *ev = x->ev;
    occ o;
    find_occurrences(ev, name, h, &o);
    if (it->field) {
        if (it->exists >= 0) {
            int ok = o.present == it->exists;
            if (ok && x->why)
                vg__buf_printf(x->why, "      %.*s|exists: %s\n", (int)name.len, name.ptr,
                               o.present ? "present" : "absent");
            return ok;
        }
        if (it->n == 1 && it->vals[0].kind == VK_NULL) {
            int ok = !o.nonnull;
            if (ok && x->why)
                vg__buf_printf(x->why, "      %.*s is null or absent\n", (int)name.len, name.ptr);
            return ok;
        }
        if (!o.nonnull)
            return 0;
    }
    if (it->neq) {
        for (size_t v = 0; v < it->n; v++)
            if (value_hits(&(ectx){ev, x->rt, x->md, NULL}, it, &it->vals[v], name, &o))
                return 0;
        if (x->why)
            vg__buf_printf(x->why, "      %.*s%s: none of the values\n", (int)name.len,
                           name.ptr ? name.ptr : "", it->mods);
        return 1;
    }
    if (!it->all) {
        for (size_t v = 0; v < it->n; v++)
            if (value_hits(x, it, &it->vals[v], name, &o))
                return 1;
        return 0;
    }
    /* all: every written value (group) must match through one of its expansions */
    for (size_t v = 0; v < it->n;) {
        uint16_t g = it->vals[v].group;
        int ok = 0;
        for (; v < it->n && it->vals[v].group == g; v++)
            if (!ok && value_hits(x, it, &it->vals[v], name, &o))
                ok = 1;
        if (!ok)
            return 0;
    }
    return 1;
}

static int item_eval(ectx *x, const vg__item *it)
{
    vg__str name = {NULL, 0};
    uint32_t h = 0;
    if (it->field) { /* the item's own name unless the route renames it */
        name = x->rt && x->rt->n_map ? vg__route_field(x->rt, it->field, it->flen)
                                     : (vg__str){it->field, it->flen};
        h = name.ptr == it->field ? it->fhash : vg__hash_lower(name.ptr, name.len);
    }
    return it->any && !x->why ? item_quick(x, it, name, h) : item_listed(x, it, name, h);
}

static int search_eval(ectx *x, const vg__search *s)
{
    for (size_t m = 0; m < s->n; m++) {
        const vg__map *map = &s->maps[m];
        size_t mark = x->why ? x->why->len : 0;
        int ok = 1;
        for (size_t i = 0; i < map->n && ok; i++)
            ok = item_eval(x, &map->items[i]);
        if (ok)
            return 1;
        if (x->why)
            x->why->len = mark; /* keep only the map that matched */
    }
    return 0;
}

static int cond_eval(ectx *x, const vg__rule *r, const vg__cnode *n)
{
    switch (n->op) {
    case CN_REF:
        return search_eval(x, &r->searches[n->ref]);
    case CN_AND:
        return cond_eval(x, r, n->a) && cond_eval(x, r, n->b);
    case CN_OR:
        return cond_eval(x, r, n->a) || cond_eval(x, r, n->b);
    case CN_NOT: {
        vg__buf *why = x->why;
        x->why = NULL; /* what made a negated part true is not why the rule matched */
        int v = !cond_eval(x, r, n->a);
        x->why = why;
        return v;
    }
    case CN_OF_ANY: {
        uint32_t hits = 0;
        for (size_t i = 0; i < n->n_refs && hits < n->count; i++)
            hits += (uint32_t)search_eval(x, &r->searches[n->refs[i]]);
        return hits >= n->count;
    }
    case CN_OF_ALL:
        for (size_t i = 0; i < n->n_refs; i++)
            if (!search_eval(x, &r->searches[n->refs[i]]))
                return 0;
        return 1;
    default:
        return 1;
    }
}

/* Rule body under one route (no filters). */
static int body_matches(const vg__rule *r, const vg__route *rt, const vg_event *ev,
                        pcre2_match_data *md, vg__buf *why)
{
    ectx x = {ev, rt, md, why};
    return cond_eval(&x, r, r->cond);
}

static int filtered(const vg__rule *r, const vg_event *ev, pcre2_match_data *md, vg__buf *why)
{
    for (size_t f = 0; f < r->n_filters; f++) {
        const vg__rule *fl = r->filters[f];
        for (size_t k = 0; k < fl->n_routes; k++) {
            if (!route_ok(fl->routes[k], ev) || !body_matches(fl, fl->routes[k], ev, md, NULL))
                continue;
            if (why)
                vg__buf_printf(why, "  suppressed by filter %s (%s)\n", fl->pub.id, fl->pub.title);
            return 1;
        }
    }
    return 0;
}

static void explain_searches(const vg__rule *r, const vg__route *rt, const vg_event *ev,
                             pcre2_match_data *md, vg__buf *why)
{
    for (size_t s = 0; s < r->n_searches; s++) {
        size_t mark = why->len;
        vg__buf_printf(why, "    %s: ", r->searches[s].name);
        size_t head = why->len;
        vg__buf_adds(why, "true\n");
        ectx x = {ev, rt, md, why};
        if (!search_eval(&x, &r->searches[s])) {
            why->len = head;
            vg__buf_adds(why, "false\n");
        }
        (void)mark;
    }
}

int vg__route_body(const vg__rule *r, const vg__route *rt, const vg_event *ev, pcre2_match_data *md)
{
    return route_ok(rt, ev) && body_matches(r, rt, ev, md, NULL);
}

int vg__body_eval(const vg__rule *r, const vg__route *rt, const vg_event *ev, pcre2_match_data *md)
{
    return body_matches(r, rt, ev, md, NULL);
}

int vg__rule_filtered(const vg__rule *r, const vg_event *ev, pcre2_match_data *md)
{
    return r->n_filters && filtered(r, ev, md, NULL);
}

int vg__rule_eval(const vg__rule *r, const vg_event *ev, pcre2_match_data *md, vg__buf *why)
{
    for (size_t k = 0; k < r->n_routes; k++) {
        const vg__route *rt = r->routes[k];
        if (!route_ok(rt, ev)) {
            if (why)
                vg__buf_printf(why, "  branch %s: the event is not from this log source\n",
                               rt->label);
            continue;
        }
        if (!body_matches(r, rt, ev, md, NULL)) {
            if (why) {
                vg__buf_printf(why, "  branch %s: condition false\n", rt->label);
                explain_searches(r, rt, ev, md, why);
            }
            continue;
        }
        if (why) {
            vg__buf_printf(why, "  branch %s: condition true\n", rt->label);
            explain_searches(r, rt, ev, md, why);
        }
        if (filtered(r, ev, md, why))
            return 0;
        return 1;
    }
    if (why && !r->n_routes)
        vg__buf_adds(why, "  the profile does not route this rule's log source\n");
    return 0;
}

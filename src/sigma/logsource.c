/*
 * logsource.c - log-source profiles: which events carry a Sigma log source.
 *
 * Profiles are read from YAML (the built-in data/profiles.yml is linked into the binary; a user
 * file has the same shape for one profile: name, include, sources). Includes are expanded
 * depth-first into one flat list of entries; each entry pairs a log source (product, category,
 * service) with a route: field conditions an event must meet and a Sigma-to-event field map.
 * A rule gets one routing branch per entry that names exactly its log source. A rule with a
 * product but no category or service is routed to every event of that product.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma.h"

extern const char vg__profiles_start[];
extern const char vg__profiles_end[];

typedef struct entry {
    const char *product, *category, *service;
    vg__route route;
} entry;

struct vg_profile {
    vg__arena arena;
    const char *name;
    int route_all; /* every rule applies to every event (samples of unknown origin) */
    const char *included[16];
    size_t n_included;
    entry *entries;
    size_t n, cap;
    vg__route any; /* route with no conditions, for product-only rules */
};

static const char *scalar(const vg__ynode *n)
{
    return n && n->type == VG_Y_SCALAR ? n->str : NULL;
}

static int perr(vg_diags *d, const char *file, const vg__ynode *n, const char *msg)
{
    vg__diag_add(d, VG_ERR_TYPE, VG_SEV_ERROR, file, n ? n->line : 0, n ? n->col : 0,
                 n ? n->offset : 0, NULL, "%s", msg);
    return VG_ERR_TYPE;
}

static int push_entry(vg_profile *p, entry **out)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        entry *e = realloc(p->entries, cap * sizeof *e);
        if (!e)
            return VG_ERR_NOMEM;
        p->entries = e;
        p->cap = cap;
    }
    *out = &p->entries[p->n++];
    memset(*out, 0, sizeof **out);
    return 0;
}

static int read_source(vg_profile *p, const char *label, const vg__ynode *s, const char *file,
                       vg_diags *d)
{
    const vg__ynode *ls = vg__yaml_get(s, "logsource");
    const vg__ynode *conds = vg__yaml_get(s, "conditions");
    const vg__ynode *fields = vg__yaml_get(s, "fields");
    if (!ls || ls->type != VG_Y_MAP)
        return perr(d, file, s, "a source needs a 'logsource' map");
    if (conds && conds->type != VG_Y_MAP)
        return perr(d, file, conds, "'conditions' must be a map of field: value(s)");
    if (fields && fields->type != VG_Y_MAP)
        return perr(d, file, fields, "'fields' must be a map of sigma_name: event_name");
    entry *e;
    if (push_entry(p, &e))
        return VG_ERR_NOMEM;
    e->product = scalar(vg__yaml_get(ls, "product"));
    e->category = scalar(vg__yaml_get(ls, "category"));
    e->service = scalar(vg__yaml_get(ls, "service"));
    e->route.label = label;
    size_t nc = conds ? conds->n : 0;
    e->route.conds = vg__arena_alloc(&p->arena, (nc + 1) * sizeof *e->route.conds);
    if (!e->route.conds)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < nc; i++) {
        vg__cond_field *cf = &e->route.conds[e->route.n_conds++];
        cf->field = conds->keys[i]->str;
        cf->flen = strlen(cf->field);
        cf->hash = vg__hash_lower(cf->field, cf->flen);
        const vg__ynode *v = conds->items[i];
        size_t nv = v->type == VG_Y_SEQ ? v->n : 1;
        cf->values = vg__arena_alloc(&p->arena, (nv + 1) * sizeof *cf->values);
        cf->vlens = vg__arena_alloc(&p->arena, (nv + 1) * sizeof *cf->vlens);
        if (!cf->values || !cf->vlens)
            return VG_ERR_NOMEM;
        for (size_t k = 0; k < nv; k++) {
            const char *sv = scalar(v->type == VG_Y_SEQ ? v->items[k] : v);
            if (!sv)
                return perr(d, file, v, "condition values must be scalars");
            cf->vlens[cf->n] = strlen(sv);
            cf->values[cf->n++] = sv;
        }
    }
    size_t nf = fields ? fields->n : 0;
    vg__fmap *fm = vg__arena_alloc(&p->arena, (nf + 1) * sizeof *fm);
    if (!fm)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < nf; i++) {
        if (!scalar(fields->items[i]))
            return perr(d, file, fields->items[i], "field mappings must be scalars");
        fm[i] = (vg__fmap){fields->keys[i]->str, fields->items[i]->str,
                           strlen(fields->keys[i]->str), strlen(fields->items[i]->str)};
    }
    e->route.map = fm;
    e->route.n_map = nf;
    return 0;
}

static int add_profile(vg_profile *p, const vg__ynode *all, const vg__ynode *prof,
                       const char *label, const char *file, int depth, vg_diags *d)
{
    if (depth > 8)
        return perr(d, file, prof, "profile includes nest too deeply (a cycle?)");
    int every;
    if (vg__yaml_is_bool(vg__yaml_get(prof, "route_all"), &every) && every)
        p->route_all = 1;
    const vg__ynode *inc = vg__yaml_get(prof, "include");
    for (size_t i = 0; inc && inc->type == VG_Y_SEQ && i < inc->n; i++) {
        const char *name = scalar(inc->items[i]);
        int seen = 0; /* a profile included twice (both -> sysmon, windows -> base) counts once */
        for (size_t k = 0; name && k < p->n_included; k++)
            seen |= strcmp(p->included[k], name) == 0;
        if (seen)
            continue;
        if (name && p->n_included < VG_ARRAY_LEN(p->included))
            p->included[p->n_included++] = name;
        const vg__ynode *sub = name ? vg__yaml_get(all, name) : NULL;
        if (!sub) {
            char m[160];
            snprintf(m, sizeof m, "included profile '%s' is not built in",
                     name ? name : "(not a name)");
            return perr(d, file, inc->items[i], m);
        }
        int rc = add_profile(p, all, sub, name, file, depth + 1, d);
        if (rc)
            return rc;
    }
    const vg__ynode *src = vg__yaml_get(prof, "sources");
    if (src && src->type != VG_Y_SEQ)
        return perr(d, file, src, "'sources' must be a list");
    for (size_t i = 0; src && i < src->n; i++) {
        int rc = read_source(p, label, src->items[i], file, d);
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_builtin(vg__arena *a, const vg__ynode **all, vg_diags *d)
{
    vg__ydocs docs;
    int rc = vg__yaml_load(vg__profiles_start, (size_t)(vg__profiles_end - vg__profiles_start),
                           "<built-in profiles>", a, &docs, d);
    if (rc)
        return rc;
    *all = docs.n ? vg__yaml_get(docs.docs[0], "profiles") : NULL;
    return *all ? 0 : VG_ERR_CORRUPT;
}

int vg_profile_load(const char *name, vg_profile **out, vg_diags *diags)
{
    *out = NULL;
    vg_profile *p = calloc(1, sizeof *p);
    if (!p)
        return VG_ERR_NOMEM;
    vg__arena_init(&p->arena);
    const vg__ynode *all = NULL;
    int rc = parse_builtin(&p->arena, &all, diags);
    const vg__ynode *prof = rc ? NULL : vg__yaml_get(all, name ? name : "both");
    const char *file = "<built-in profiles>";
    if (!rc && !prof) {
        /* not a built-in name: a profile file */
        char *buf;
        size_t len;
        file = vg__arena_strndup(&p->arena, name, strlen(name));
        rc = vg__read_file(name, VG_SIGMA_MAX_FILE, &buf, &len);
        if (rc) {
            vg__diag_add(diags, rc, VG_SEV_ERROR, name, 0, 0, 0, NULL,
                         "not a built-in profile (sysmon, windows, both) and cannot be read: %s",
                         vg_strerror(rc));
        } else {
            vg__ydocs docs;
            rc = vg__yaml_load(buf, len, file, &p->arena, &docs, diags);
            free(buf);
            prof = !rc && docs.n ? docs.docs[0] : NULL;
            if (!rc && (!prof || prof->type != VG_Y_MAP))
                rc = perr(diags, file, prof, "a profile file must be a map with 'sources'");
        }
    }
    if (!rc) {
        const char *pname = scalar(vg__yaml_get(prof, "name"));
        p->name = pname ? pname : name ? name : "both";
        rc = add_profile(p, all, prof, p->name, file, 0, diags);
    }
    if (rc) {
        vg_profile_free(p);
        return rc;
    }
    p->any.label = p->name;
    *out = p;
    return 0;
}

void vg_profile_free(vg_profile *p)
{
    if (!p)
        return;
    free(p->entries);
    vg__arena_free(&p->arena);
    free(p);
}

const char *vg_profile_name(const vg_profile *p)
{
    return p ? p->name : "";
}

static int same(const char *a, const char *b)
{
    if (!a || !*a)
        return !b || !*b;
    return b && vg__str_ieq_c(vg__str_c(a), b);
}

size_t vg__profile_routes(const vg_profile *p, const char *product, const char *category,
                          const char *service, const vg__route **out, size_t cap)
{
    size_t n = 0;
    int product_known = 0;
    if (p->route_all) {
        if (cap)
            out[n++] = &p->any;
        return n;
    }
    for (size_t i = 0; i < p->n; i++) {
        const entry *e = &p->entries[i];
        product_known |= same(e->product, product) && product && *product;
        if (same(e->product, product) && same(e->category, category) && same(e->service, service) &&
            n < cap)
            out[n++] = &e->route;
    }
    if (!n && product_known && (!category || !*category) && (!service || !*service) && cap)
        out[n++] = &p->any;
    return n;
}

vg__str vg__route_field(const vg__route *rt, const char *field, size_t flen)
{
    for (size_t i = 0; rt && i < rt->n_map; i++)
        if (vg__str_ieq((vg__str){field, flen}, (vg__str){rt->map[i].from, rt->map[i].from_len}))
            return (vg__str){rt->map[i].to, rt->map[i].to_len};
    return (vg__str){field, flen};
}

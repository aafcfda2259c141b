/*
 * kb.c - the knowledge base after loading: finalize, lookups, search and statistics.
 *
 * finalize resolves the raw STIX references kept by load.c into pointers. It counts the edges
 * of every object first, carves exact-size edge arrays from the `fin` arena, then fills them,
 * so no array ever grows. Tactics are ordered as their domain's matrix lists them; a
 * technique's tactics follow that order. Lookups go through one multimap keyed by lower-cased
 * ATT&CK ID, name and alias; ties are broken by a fixed preference (ID over name, live over
 * revoked or deprecated, then kind order) so answers never depend on load order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attack.h"

vg_attack *vg_attack_new(void)
{
    vg_attack *kb = calloc(1, sizeof *kb);
    if (!kb)
        return NULL;
    vg__arena_init(&kb->arena);
    vg__arena_init(&kb->fin);
    return kb;
}

static void reset_derived(vg_attack *kb)
{
    vg__arena_free(&kb->fin);
    vg__smap_free(&kb->by_key);
    memset(kb->tactics, 0, sizeof kb->tactics);
    memset(kb->n_tactics, 0, sizeof kb->n_tactics);
    memset(kb->rel_count, 0, sizeof kb->rel_count);
    kb->finalized = 0;
}

void vg_attack_free(vg_attack *kb)
{
    if (!kb)
        return;
    reset_derived(kb);
    vg__vec_free(&kb->objs);
    vg__vec_free(&kb->rels);
    vg__smap_free(&kb->by_stix);
    vg__smap_free(&kb->rel_ids);
    vg__arena_free(&kb->arena);
    free(kb);
}

static vg__aobj *by_stix(const vg_attack *kb, const char *id)
{
    if (!id || !*id)
        return NULL;
    size_t it = 0;
    uint32_t v;
    if (vg__smap_next(&kb->by_stix, id, strlen(id), &it, &v))
        return vg__aobj_at(kb, v);
    return NULL;
}

/* One resolved edge before it is placed: src --rel--> dst. */
typedef struct edge3 {
    vg__aobj *src, *dst;
    vg_attack_rel rel;
} edge3;

static int add_edge(vg__vec *edges, vg__aobj *src, vg__aobj *dst, vg_attack_rel rel)
{
    edge3 *e = vg__vec_push(edges, sizeof *e);
    if (!e)
        return VG_ERR_NOMEM;
    *e = (edge3){src, dst, rel};
    src->pub.n_out++;
    dst->pub.n_in++;
    return 0;
}

static void dangling(vg_diags *diags, const char *from, const char *what, const char *ref)
{
    vg__diag_add(diags, VG_ERR_REF, VG_SEV_WARNING, NULL, 0, 0, 0, from,
                 "%s refers to %s, which is not loaded", what, ref);
}

static int collect_edges(vg_attack *kb, vg__vec *edges, vg_diags *diags)
{
    const vg__rawrel *rels = kb->rels.ptr;
    for (size_t i = 0; i < kb->rels.len; i++) {
        vg__aobj *s = by_stix(kb, rels[i].src), *d = by_stix(kb, rels[i].dst);
        if (!s || !d) {
            dangling(diags, rels[i].id, "relationship", !s ? rels[i].src : rels[i].dst);
            continue;
        }
        if (add_edge(edges, s, d, rels[i].rel))
            return VG_ERR_NOMEM;
        kb->rel_count[rels[i].rel]++;
    }
    for (size_t i = 0; i < kb->objs.len; i++) {
        vg__aobj *o = vg__aobj_at(kb, i);
        if (o->pub.kind == VG_ATTACK_DETECTION_STRATEGY) {
            for (size_t r = 0; r < o->n_refs; r++) {
                vg__aobj *a = by_stix(kb, o->refs[r]);
                if (!a) {
                    dangling(diags, o->pub.stix_id, "x_mitre_analytic_refs", o->refs[r]);
                    continue;
                }
                if (add_edge(edges, o, a, VG_REL_HAS_ANALYTIC))
                    return VG_ERR_NOMEM;
                kb->rel_count[VG_REL_HAS_ANALYTIC]++;
            }
        }
        if (o->data_source_ref && *o->data_source_ref) {
            vg__aobj *ds = by_stix(kb, o->data_source_ref);
            if (!ds)
                dangling(diags, o->pub.stix_id, "x_mitre_data_source_ref", o->data_source_ref);
            else if (add_edge(edges, o, ds, VG_REL_COMPONENT_OF))
                return VG_ERR_NOMEM;
            else
                kb->rel_count[VG_REL_COMPONENT_OF]++;
        }
        if (o->pub.kind != VG_ATTACK_ANALYTIC)
            continue;
        for (size_t r = 0; r < o->n_rawsrc; r++) {
            const char *ref = o->rawsrc[r].component_ref;
            vg__aobj *dc = by_stix(kb, ref);
            if (ref && !dc) {
                dangling(diags, o->pub.stix_id, "x_mitre_log_source_references", ref);
                continue;
            }
            int seen = 0; /* one edge per component even if several log sources name it */
            for (size_t q = 0; q < r && dc; q++)
                seen |= o->rawsrc[q].component_ref && strcmp(o->rawsrc[q].component_ref, ref) == 0;
            if (dc && !seen) {
                if (add_edge(edges, o, dc, VG_REL_ANALYTIC_READS))
                    return VG_ERR_NOMEM;
                kb->rel_count[VG_REL_ANALYTIC_READS]++;
            }
        }
    }
    return 0;
}

static int place_edges(vg_attack *kb, const vg__vec *edges)
{
    for (size_t i = 0; i < kb->objs.len; i++) {
        vg_attack_obj *p = &vg__aobj_at(kb, i)->pub;
        p->out = p->n_out ? vg__arena_alloc(&kb->fin, p->n_out * sizeof *p->out) : NULL;
        p->in = p->n_in ? vg__arena_alloc(&kb->fin, p->n_in * sizeof *p->in) : NULL;
        if ((p->n_out && !p->out) || (p->n_in && !p->in))
            return VG_ERR_NOMEM;
        p->n_out = p->n_in = 0;
    }
    const edge3 *e = edges->ptr;
    for (size_t i = 0; i < edges->len; i++) {
        vg_attack_obj *s = &e[i].src->pub, *d = &e[i].dst->pub;
        ((vg_attack_edge *)s->out)[s->n_out++] = (vg_attack_edge){e[i].rel, d};
        ((vg_attack_edge *)d->in)[d->n_in++] = (vg_attack_edge){e[i].rel, s};
        if (e[i].rel == VG_REL_SUBTECHNIQUE_OF)
            s->parent = d;
        if (e[i].rel == VG_REL_REVOKED_BY)
            s->revoked_by = d;
    }
    return 0;
}

/* Tactic order per domain: live matrices first, then any tactic no matrix lists. */
static int order_tactics(vg_attack *kb)
{
    for (int slot = 0; slot < 3; slot++) {
        uint32_t dom = 1u << slot;
        size_t cap = 0;
        for (size_t i = 0; i < kb->objs.len; i++)
            cap += vg__aobj_at(kb, i)->pub.kind == VG_ATTACK_TACTIC;
        const vg_attack_obj **list = vg__arena_alloc(&kb->fin, (cap + 1) * sizeof *list);
        if (!list)
            return VG_ERR_NOMEM;
        size_t n = 0;
        for (int pass = 0; pass < 3; pass++) {
            for (size_t i = 0; i < kb->objs.len; i++) {
                vg__aobj *o = vg__aobj_at(kb, i);
                int dead = (o->pub.flags & (VG_ATTACK_F_DEPRECATED | VG_ATTACK_F_REVOKED)) != 0;
                if (pass < 2 &&
                    (o->pub.kind != VG_ATTACK_MATRIX || dead != pass || !(o->pub.domains & dom)))
                    continue;
                if (pass == 2 && (o->pub.kind != VG_ATTACK_TACTIC || !(o->pub.domains & dom)))
                    continue;
                size_t nrefs = pass < 2 ? o->n_refs : 1;
                for (size_t r = 0; r < nrefs; r++) {
                    vg__aobj *t = pass < 2 ? by_stix(kb, o->refs[r]) : o;
                    if (!t || t->pub.kind != VG_ATTACK_TACTIC)
                        continue;
                    int dup = 0;
                    for (size_t k = 0; k < n && !dup; k++)
                        dup = list[k] == &t->pub;
                    if (!dup && n < cap)
                        list[n++] = &t->pub;
                }
            }
        }
        kb->tactics[slot] = list;
        kb->n_tactics[slot] = n;
    }
    return 0;
}

const vg_attack_obj *vg__attack_tactic_by_short(const vg_attack *kb, uint32_t domain,
                                                const char *shortname)
{
    int slot = vg__domain_slot(domain);
    for (size_t i = 0; i < kb->n_tactics[slot]; i++)
        if (vg__str_ieq_c(vg__str_c(kb->tactics[slot][i]->shortname), shortname))
            return kb->tactics[slot][i];
    return NULL;
}

static size_t tactic_rank(const vg_attack *kb, const vg_attack_obj *t)
{
    for (int s = 0; s < 3; s++)
        for (size_t i = 0; i < kb->n_tactics[s]; i++)
            if (kb->tactics[s][i] == t)
                return (size_t)s * 1000 + i;
    return 99999;
}

static int technique_tactics(vg_attack *kb, vg__aobj *o, vg_diags *diags)
{
    o->pub.tactics = NULL;
    o->pub.n_tactics = 0;
    if (!o->n_phases)
        return 0;
    const vg_attack_obj **t = vg__arena_alloc(&kb->fin, o->n_phases * sizeof *t);
    if (!t)
        return VG_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < o->n_phases; i++) {
        const vg_attack_obj *tac =
            vg__attack_tactic_by_short(kb, o->phases[i].domain, o->phases[i].name);
        if (!tac) {
            vg__diag_add(diags, VG_ERR_REF, VG_SEV_WARNING, NULL, 0, 0, 0, o->pub.stix_id,
                         "kill-chain phase \"%s\" names no loaded tactic", o->phases[i].name);
            continue;
        }
        size_t at = n; /* insertion sort by matrix order */
        while (at > 0 && tactic_rank(kb, t[at - 1]) > tactic_rank(kb, tac)) {
            t[at] = t[at - 1];
            at--;
        }
        t[at] = tac;
        n++;
    }
    o->pub.tactics = t;
    o->pub.n_tactics = n;
    return 0;
}

static int resolve_logsrc(vg_attack *kb, vg__aobj *o)
{
    if (!o->n_rawsrc)
        return 0;
    vg_attack_logsrc *ls = vg__arena_alloc(&kb->fin, o->n_rawsrc * sizeof *ls);
    if (!ls)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < o->n_rawsrc; i++) {
        vg__aobj *c = by_stix(kb, o->rawsrc[i].component_ref);
        ls[i] = (vg_attack_logsrc){c ? &c->pub : NULL, o->rawsrc[i].name, o->rawsrc[i].channel};
    }
    o->pub.logsrc = ls;
    o->pub.n_logsrc = o->n_rawsrc;
    return 0;
}

static int index_key(vg_attack *kb, const char *s, uint32_t idx)
{
    if (!s || !*s)
        return 0;
    size_t n = strlen(s);
    char *k = vg__arena_strlower(&kb->fin, s, n);
    return k ? vg__smap_add(&kb->by_key, k, n, idx) : VG_ERR_NOMEM;
}

/* Release label from the newest modification date (see docs/attack.md). */
static void set_version(vg_attack *kb)
{
    static const struct {
        const char *from, *label;
    } releases[] = {
        {"2025-10-21", "v18.0"},
        {"2025-11-01", "v18.1"},
        {"2026-04-20", "newer than v18.1"},
    };
    const char *label = NULL;
    for (size_t i = 0; i < VG_ARRAY_LEN(releases); i++)
        if (strcmp(kb->newest, releases[i].from) >= 0)
            label = releases[i].label;
    if (label)
        snprintf(kb->version, sizeof kb->version, "ATT&CK %s", label);
    else if (kb->newest[0])
        snprintf(kb->version, sizeof kb->version, "ATT&CK (objects modified up to %.10s)",
                 kb->newest);
    else
        snprintf(kb->version, sizeof kb->version, "ATT&CK (empty)");
}

int vg_attack_finalize(vg_attack *kb, vg_diags *diags)
{
    if (!kb)
        return VG_ERR_INVAL;
    reset_derived(kb);
    for (size_t i = 0; i < kb->objs.len; i++) {
        vg_attack_obj *p = &vg__aobj_at(kb, i)->pub;
        p->index = (uint32_t)i;
        p->n_out = p->n_in = 0;
        p->parent = p->revoked_by = NULL;
    }
    vg__vec edges = {0};
    int rc = collect_edges(kb, &edges, diags);
    if (!rc)
        rc = place_edges(kb, &edges);
    vg__vec_free(&edges);
    if (!rc)
        rc = order_tactics(kb);
    for (size_t i = 0; !rc && i < kb->objs.len; i++) {
        vg__aobj *o = vg__aobj_at(kb, i);
        o->pub.aliases = o->aliases;
        o->pub.n_aliases = o->n_aliases;
        rc = technique_tactics(kb, o, diags);
        if (!rc)
            rc = resolve_logsrc(kb, o);
        if (!rc)
            rc = index_key(kb, o->pub.attack_id, (uint32_t)i);
        if (!rc)
            rc = index_key(kb, o->pub.name, (uint32_t)i);
        for (size_t a = 0; !rc && a < o->n_aliases; a++)
            if (!o->pub.name || strcmp(o->aliases[a], o->pub.name) != 0)
                rc = index_key(kb, o->aliases[a], (uint32_t)i);
    }
    if (rc) {
        reset_derived(kb);
        return rc;
    }
    set_version(kb);
    kb->finalized = 1;
    return 0;
}

void vg_attack_stats_get(const vg_attack *kb, vg_attack_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!kb)
        return;
    out->objects = kb->objs.len;
    out->bundles = kb->bundles;
    for (size_t i = 0; i < kb->objs.len; i++) {
        const vg_attack_obj *p = &vg__aobj_at(kb, i)->pub;
        out->kind[p->kind]++;
        out->subtechniques += (p->flags & VG_ATTACK_F_SUBTECHNIQUE) != 0;
        out->revoked += (p->flags & VG_ATTACK_F_REVOKED) != 0;
        out->deprecated += (p->flags & VG_ATTACK_F_DEPRECATED) != 0;
    }
    memcpy(out->rel, kb->rel_count, sizeof out->rel);
}

const char *vg_attack_version(const vg_attack *kb)
{
    return kb && kb->version[0] ? kb->version : "ATT&CK (not loaded)";
}

int vg_attack_is_embedded(const vg_attack *kb)
{
    return kb && kb->embedded;
}

const char *vg_attack_notice(void)
{
    return "MITRE ATT&CK(R) content: (c) The MITRE Corporation. Used under the ATT&CK Terms of "
           "Use (https://attack.mitre.org/resources/legal-and-branding/terms-of-use/). "
           "ATT&CK is a registered trademark of The MITRE Corporation.";
}

size_t vg_attack_count(const vg_attack *kb)
{
    return kb ? kb->objs.len : 0;
}

const vg_attack_obj *vg_attack_at(const vg_attack *kb, size_t i)
{
    return kb && i < kb->objs.len ? &vg__aobj_at(kb, i)->pub : NULL;
}

const char *vg_attack_platform_name(const vg_attack *kb, unsigned bit)
{
    return kb && bit < kb->n_platforms ? kb->platforms[bit] : NULL;
}

int vg_attack_platform_bit(const vg_attack *kb, const char *name)
{
    for (unsigned i = 0; kb && name && i < kb->n_platforms; i++)
        if (vg__str_ieq_c(vg__str_c(kb->platforms[i]), name))
            return (int)i;
    return -1;
}

size_t vg_attack_tactics(const vg_attack *kb, uint32_t domain, const vg_attack_obj *const **out)
{
    int slot = vg__domain_slot(domain);
    *out = kb->tactics[slot];
    return kb->n_tactics[slot];
}

/* Lower is better. */
static unsigned rank(const vg_attack_obj *o, int by_id)
{
    /* ID over name, then live over revoked or deprecated (a name shared by a live campaign
     * and a deprecated group means the campaign), then kind (old mitigations reuse technique
     * IDs; both are dead, so the technique wins), revoked before deprecated last */
    unsigned r = by_id ? 0 : 10000;
    if (o->flags & (VG_ATTACK_F_REVOKED | VG_ATTACK_F_DEPRECATED))
        r += 1000;
    unsigned kind = o->kind == VG_ATTACK_MATRIX ? VG_ATTACK_KIND_COUNT : o->kind;
    r += kind * 10;
    if (o->flags & VG_ATTACK_F_REVOKED)
        r += 2;
    if (o->flags & VG_ATTACK_F_DEPRECATED)
        r += 1;
    return r;
}

size_t vg_attack_find_all(const vg_attack *kb, const char *text, uint32_t kind_mask,
                          const vg_attack_obj **out, size_t cap)
{
    if (!kb || !text || !kb->finalized)
        return 0;
    size_t n = strlen(text), total = 0;
    char key[256];
    if (n >= sizeof key)
        return 0;
    for (size_t i = 0; i < n; i++)
        key[i] = (char)vg__lower((unsigned char)text[i]);
    key[n] = 0;
    /* STIX ids as written, else lower-cased: MITRE writes them in lower case, and lookups are
     * case-insensitive (vigil.h) */
    vg__aobj *s = by_stix(kb, text);
    if (!s)
        s = by_stix(kb, key);
    const vg_attack_obj *best[64];
    unsigned best_rank[64];
    if (s && (!kind_mask || (kind_mask & (1u << s->pub.kind)))) {
        best[0] = &s->pub;
        best_rank[0] = 0;
        total = 1;
    }
    size_t it = 0;
    uint32_t v;
    while (vg__smap_next(&kb->by_key, key, n, &it, &v)) {
        const vg_attack_obj *o = &vg__aobj_at(kb, v)->pub;
        if (kind_mask && !(kind_mask & (1u << o->kind)))
            continue;
        int dup = 0;
        for (size_t k = 0; k < total && k < 64 && !dup; k++)
            dup = best[k] == o;
        if (dup || total >= 64)
            continue;
        unsigned r = rank(o, vg__str_ieq_c(vg__str_c(o->attack_id), text));
        size_t at = total++;
        while (at > 0 && (best_rank[at - 1] > r ||
                          (best_rank[at - 1] == r && best[at - 1]->index > o->index))) {
            best[at] = best[at - 1];
            best_rank[at] = best_rank[at - 1];
            at--;
        }
        best[at] = o;
        best_rank[at] = r;
    }
    for (size_t i = 0; i < total && i < cap; i++)
        out[i] = best[i];
    return total;
}

int vg_attack_find(const vg_attack *kb, const char *text, uint32_t kind_mask,
                   const vg_attack_obj **out)
{
    const vg_attack_obj *all[8];
    *out = NULL;
    if (!kb || !text)
        return VG_ERR_INVAL;
    size_t n = vg_attack_find_all(kb, text, kind_mask, all, 8);
    if (!n)
        return VG_ERR_NOENT;
    *out = all[0];
    for (size_t i = 1; i < n && i < 8; i++)
        if (all[i]->kind != all[0]->kind && vg__str_ieq_c(vg__str_c(all[i]->attack_id), text) ==
                                                vg__str_ieq_c(vg__str_c(all[0]->attack_id), text))
            return VG_ERR_AMBIGUOUS;
    return 0;
}

const vg_attack_obj *vg_attack_resolve(const vg_attack_obj *obj)
{
    /* A chain longer than the cap is taken for a cycle: there is no live replacement, and the
     * answer is obj itself rather than whichever member of the cycle the count stopped on. */
    const vg_attack_obj *o = obj;
    for (int hops = 0; o && o->revoked_by; hops++) {
        if (hops == VG_ATTACK_MAX_REVOKE_CHAIN)
            return obj;
        o = o->revoked_by;
    }
    return o;
}

size_t vg_attack_search(const vg_attack *kb, const char *text, uint32_t kind_mask,
                        int (*fn)(const vg_attack_obj *obj, void *ud), void *ud)
{
    size_t n = 0;
    vg__str needle = vg__str_c(text);
    for (size_t i = 0; kb && i < kb->objs.len; i++) {
        const vg__aobj *o = vg__aobj_at(kb, i);
        if (kind_mask && !(kind_mask & (1u << o->pub.kind)))
            continue;
        int hit = vg__str_icontains(vg__str_c(o->pub.attack_id), needle) ||
                  vg__str_icontains(vg__str_c(o->pub.name), needle);
        for (size_t a = 0; !hit && a < o->n_aliases; a++)
            hit = vg__str_icontains(vg__str_c(o->aliases[a]), needle);
        if (!hit)
            continue;
        n++;
        if (fn && fn(&o->pub, ud))
            break;
    }
    return n;
}

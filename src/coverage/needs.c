/*
 * needs.c - data needs: which log sources feed which rules, and what onboarding them unlocks
 * for the techniques asked about (given ones, those actors use, or every gap).
 *
 * A candidate source is a channel and an event ID. Each route a rule's log source has in the
 * profile yields candidates: its Channel values times its EventID values; a route that names no
 * event ID (service: security) takes the event IDs the rule's detection selects, else the whole
 * channel (event ID ""). A candidate feeds the rules whose routes yield it: onboarding it with
 * every field makes them work, each candidate alone. ATT&CK's analytics for a selected
 * technique add the Windows sources they name (through the facts' name mapping), which may feed
 * no rule of ours. A candidate is present when an observed or declared source has its channel
 * and event ID, partial when rules it feeds still need data (the fields they read that it lacks
 * are named with the facts' notes on how to get them), absent otherwise; when the coverage
 * assumes data, nothing is known to be present and every rule starts without data.
 *
 * Per selected technique: its data components and ATT&CK log sources, its rules (rolled up as
 * in the coverage) now and once fed, its level now and after, and its sources. Per source, for
 * the selection: the deployed rules needing data it would make active and the selected
 * techniques it would bring to active, each on its own. next.c ranks sources greedily.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sigma/introspect.h"
#include "needs.h"

#define MAX_IDS 64 /* event IDs taken from one rule's detection */

vg_needs *vg_needs_new(const vg_coverage *c, const vg_sources *s)
{
    vg_needs *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->c = c;
    n->facts = s;
    vg__arena_init(&n->arena);
    n->n_rules = vg_coverage_rules(c, &n->rules);
    n->has_now = calloc(n->n_rules + 1, 1);
    n->has_after = calloc(n->n_rules + 1, 1);
    n->feeds = calloc(n->n_rules + 1, sizeof *n->feeds);
    if (!n->has_now || !n->has_after || !n->feeds) {
        vg_needs_free(n);
        return NULL;
    }
    return n;
}

void vg_needs_free(vg_needs *n)
{
    if (!n)
        return;
    vg__cand **cs = n->cands.ptr;
    for (size_t i = 0; i < n->cands.len; i++) {
        vg__vec_free(&cs[i]->rules);
        vg__vec_free(&cs[i]->logsources);
        vg__vec_free(&cs[i]->unlock);
        free(cs[i]);
    }
    for (size_t k = 0; n->feeds && k < n->n_rules; k++)
        vg__vec_free(&n->feeds[k]);
    vg_gaps_free(n->gaps);
    vg__vec_free(&n->cands);
    vg__smap_free(&n->cand_by_key);
    vg__vec_free(&n->sorted);
    vg__vec_free(&n->actors);
    vg__vec_free(&n->picked);
    vg__vec_free(&n->techs);
    vg__vec_free(&n->steps);
    vg__vec_free(&n->gained);
    free(n->feeds);
    free(n->has_now);
    free(n->has_after);
    vg__arena_free(&n->arena);
    free(n);
}

static int push_ptr(vg__vec *v, const void *p)
{
    const void **slot = vg__vec_push(v, sizeof *slot);
    if (!slot)
        return VG_ERR_NOMEM;
    *slot = p;
    return 0;
}

static int has_ptr(const vg__vec *v, const void *p)
{
    const void *const *a = v->ptr;
    for (size_t i = 0; i < v->len; i++)
        if (a[i] == p)
            return 1;
    return 0;
}

int vg_needs_add_technique(vg_needs *n, const vg_attack_obj *tech)
{
    if (!tech || tech->kind != VG_ATTACK_TECHNIQUE)
        return VG_ERR_INVAL;
    tech = vg_attack_resolve(tech);
    return has_ptr(&n->picked, tech) ? 0 : push_ptr(&n->picked, tech);
}

int vg_needs_add_actor(vg_needs *n, const vg_attack_obj *actor)
{
    if (!n->gaps && !(n->gaps = vg_gaps_new(n->c)))
        return VG_ERR_NOMEM;
    int rc = vg_gaps_add_actor(n->gaps, actor);
    if (!rc && !has_ptr(&n->actors, vg_attack_resolve(actor)))
        rc = push_ptr(&n->actors, vg_attack_resolve(actor));
    return rc;
}

int vg_needs_add_gaps(vg_needs *n)
{
    n->all_gaps = 1;
    return 0;
}

/* ---- small helpers ---- */

static int ieq(const char *a, const char *b)
{
    return vg__str_ieq(vg__str_c(a), vg__str_c(b));
}

size_t vg__needs_rule_index(const vg_needs *n, const vg_cov_rule *r)
{
    return (size_t)(r - n->rules);
}

static int icmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = vg__lower((unsigned char)*a), y = vg__lower((unsigned char)*b);
        if (x != y || !x)
            return x - y;
    }
}

int vg__needs_key_cmp(const vg_need_source *a, const vg_need_source *b)
{
    int c = icmp(a->channel, b->channel);
    if (c)
        return c;
    size_t la = strlen(a->event_id), lb = strlen(b->event_id);
    return la != lb ? (la < lb ? -1 : 1) : strcmp(a->event_id, b->event_id);
}

vg_gap_level vg__needs_level(const vg_needs *n, const vg_cov_tech *t, const uint8_t *has)
{
    if (!t)
        return VG_GAP_NONE;
    if (t->tech_validated || t->validated)
        return VG_GAP_VALIDATED;
    vg_gap_level best = t->n_rules ? VG_GAP_NEEDS_DATA : VG_GAP_NONE;
    for (size_t i = 0; i < t->n_rules; i++) {
        size_t k = vg__needs_rule_index(n, t->rules[i]);
        if (has[k] && t->rules[i]->deployed)
            return VG_GAP_ACTIVE;
        if (has[k])
            best = VG_GAP_AVAILABLE;
    }
    return best;
}

static vg_cov_status status_of(const vg_cov_rule *r, int has)
{
    return !has ? VG_COV_NEEDS_DATA : r->deployed ? VG_COV_ACTIVE : VG_COV_AVAILABLE;
}

/* ---- candidates ---- */

/* The candidate for (channel, event_id), created when absent; NULL when out of memory. */
static vg__cand *cand_get(vg_needs *n, const char *channel, const char *event_id)
{
    vg__buf k;
    vg__buf_init(&k);
    for (const char *p = channel; *p; p++)
        vg__buf_addc(&k, (char)vg__lower((unsigned char)*p));
    vg__buf_printf(&k, "\n%s", event_id);
    if (k.oom) {
        vg__buf_free(&k);
        return NULL;
    }
    size_t it = 0;
    uint32_t idx;
    vg__cand **cs = n->cands.ptr;
    while (vg__smap_next(&n->cand_by_key, k.ptr, k.len, &it, &idx))
        if (idx < n->cands.len) {
            vg__buf_free(&k);
            return cs[idx];
        }
    char *key = vg__arena_strndup(&n->arena, k.ptr, k.len);
    vg__buf_free(&k);
    vg__cand *c = calloc(1, sizeof *c);
    int rc = key && c ? push_ptr(&n->cands, c) : VG_ERR_NOMEM;
    if (!rc)
        rc = vg__smap_add(&n->cand_by_key, key, strlen(key), (uint32_t)(n->cands.len - 1));
    if (rc) {
        if (c && (!n->cands.len || ((vg__cand **)n->cands.ptr)[n->cands.len - 1] != c))
            free(c);
        return NULL;
    }
    c->index = n->cands.len - 1;
    vg_need_source *s = &c->pub;
    s->channel = vg__arena_strndup(&n->arena, channel, strlen(channel));
    s->event_id = vg__arena_strndup(&n->arena, event_id, strlen(event_id));
    char label[600];
    snprintf(label, sizeof label, "%s%s%s", channel, *event_id ? " " : "", event_id);
    s->key = vg__arena_strndup(&n->arena, label, strlen(label));
    s->facts_known = vg_sources_lookup(n->facts, channel, event_id, &s->facts) == 0;
    s->missing_fields = s->field_notes = "";
    if (!s->channel || !s->event_id || !s->key)
        return NULL;
    return c;
}

static const char *logsource_of(vg_needs *n, const vg_rule *r)
{
    const char *parts[3] = {r->product, r->category, r->service};
    vg__buf b;
    vg__buf_init(&b);
    for (int i = 0; i < 3; i++)
        if (parts[i] && *parts[i])
            vg__buf_printf(&b, "%s%s", b.len ? "/" : "", parts[i]);
    const char *s = b.oom ? NULL : vg__arena_strndup(&n->arena, b.ptr ? b.ptr : "", b.len);
    vg__buf_free(&b);
    return s;
}

/* Record that candidate c feeds rule k through route rt. */
static int link(vg_needs *n, vg__cand *c, size_t k, size_t rt, const char *ls)
{
    vg__feed *f = n->feeds[k].ptr;
    uint32_t bit = 1u << (rt < 31 ? rt : 31);
    for (size_t i = 0; i < n->feeds[k].len; i++)
        if (f[i].cand == c->index) {
            f[i].routes |= bit;
            return 0;
        }
    vg__feed *nf = vg__vec_push(&n->feeds[k], sizeof *nf);
    size_t *slot = nf ? vg__vec_push(&c->rules, sizeof *slot) : NULL;
    if (!slot)
        return VG_ERR_NOMEM;
    nf->cand = c->index;
    nf->routes = bit;
    *slot = k;
    const char *const *have = c->logsources.ptr;
    for (size_t i = 0; ls && *ls && i < c->logsources.len; i++)
        if (strcmp(have[i], ls) == 0)
            return 0;
    return ls && *ls ? push_ptr(&c->logsources, ls) : 0;
}

/* The candidates of rule k's routes. */
static int rule_cands(vg_needs *n, size_t k)
{
    const vg_rule *r = n->rules[k].rule;
    const char *det_ids[MAX_IDS];
    size_t n_det = vg__rule_event_ids(r, det_ids, MAX_IDS);
    if (n_det > MAX_IDS)
        n_det = MAX_IDS;
    const char *ls = logsource_of(n, r);
    if (!ls)
        return VG_ERR_NOMEM;
    for (size_t rt = 0; rt < vg__rule_n_routes(r); rt++) {
        vg__route_cond ch = {0}, id = {0};
        for (size_t q = 0; q < vg__rule_route_n_conds(r, rt); q++) {
            vg__route_cond rc;
            vg__rule_route_cond(r, rt, q, &rc);
            if (ieq(rc.field, "Channel"))
                ch = rc;
            else if (ieq(rc.field, "EventID"))
                id = rc;
        }
        const char *const *ids = id.n_values ? id.values : det_ids;
        size_t nid = id.n_values ? id.n_values : n_det;
        for (size_t a = 0; a < ch.n_values; a++)
            for (size_t b = 0; b < (nid ? nid : 1); b++) {
                vg__cand *c = cand_get(n, ch.values[a], nid ? ids[b] : "");
                int rc = c ? link(n, c, k, rt, ls) : VG_ERR_NOMEM;
                if (rc)
                    return rc;
            }
    }
    return 0;
}

/* ---- presence ---- */

/* Does observed or declared source s have the candidate's channel and event ID? */
static int source_is(const vg__dsrc *s, const vg_need_source *c)
{
    return ieq(s->channel, c->channel) &&
           (!*s->event_id || !*c->event_id || strcmp(s->event_id, c->event_id) == 0);
}

static int carried(const vg_needs *n, const vg_need_source *c, const char *field)
{
    const vg__dsrc *src = n->c->sources.ptr;
    for (size_t i = 0; i < n->c->sources.len; i++)
        if (source_is(&src[i], c) && vg__cov_has_field(&src[i], field))
            return 1;
    return 0;
}

static void add_missing(vg__buf *b, const char *field)
{
    /* fields are few: a substring check on ", name," would be fooled by prefixes */
    const char *p = b->ptr;
    size_t fl = strlen(field);
    while (p && (p = strstr(p, field)) != NULL) {
        int start = p == b->ptr || p[-1] == ' ', end = p[fl] == ',' || p[fl] == 0;
        if (start && end)
            return;
        p += fl;
    }
    vg__buf_printf(b, "%s%s", b->len ? ", " : "", field);
}

/* The fields rule k reads through route rt (and the route's own condition fields) that no
 * present source of candidate c carries, into b. */
static void rule_missing(const vg_needs *n, const vg_need_source *c, size_t k, size_t rt,
                         vg__buf *b)
{
    const vg_rule *r = n->rules[k].rule;
    const char *fields[64];
    size_t nf = vg__rule_fields_read(r, fields, 64);
    for (size_t f = 0; f < nf && f < 64; f++) {
        const char *name = vg__rule_route_field(r, rt, fields[f]);
        if (!carried(n, c, name))
            add_missing(b, name);
    }
    for (size_t q = 0; q < vg__rule_route_n_conds(r, rt); q++) {
        vg__route_cond rc;
        vg__rule_route_cond(r, rt, q, &rc);
        if (!ieq(rc.field, "Channel") && !ieq(rc.field, "EventID") && !carried(n, c, rc.field))
            add_missing(b, rc.field);
    }
}

static int judge_presence(vg_needs *n, vg__cand *c)
{
    vg_need_source *s = &c->pub;
    if (vg_coverage_data_mode(n->c) == VG_COV_DATA_ASSUMED) {
        s->presence = VG_NEED_UNKNOWN;
        return 0;
    }
    const vg__dsrc *src = n->c->sources.ptr;
    int any = 0;
    for (size_t i = 0; i < n->c->sources.len && !any; i++)
        any = source_is(&src[i], s);
    if (!any) {
        s->presence = VG_NEED_ABSENT;
        return 0;
    }
    vg__buf miss, notes;
    vg__buf_init(&miss);
    vg__buf_init(&notes);
    const size_t *ks = c->rules.ptr;
    for (size_t i = 0; i < c->rules.len; i++) {
        if (n->has_now[ks[i]])
            continue;
        const vg__feed *f = n->feeds[ks[i]].ptr;
        for (size_t j = 0; j < n->feeds[ks[i]].len; j++)
            for (size_t rt = 0; f[j].cand == c->index && rt < 32; rt++)
                if (f[j].routes >> rt & 1)
                    rule_missing(n, s, ks[i], rt, &miss);
    }
    s->presence = miss.len ? VG_NEED_PARTIAL : VG_NEED_PRESENT;
    /* notes on how to get each missing field */
    for (char *p = miss.ptr, *end; p && *p; p = end ? end + 2 : p + strlen(p)) {
        end = strstr(p, ", ");
        char field[256];
        size_t fl = end ? (size_t)(end - p) : strlen(p);
        snprintf(field, sizeof field, "%.*s", (int)fl, p);
        const char *note = vg_sources_field_note(n->facts, s->channel, s->event_id, field);
        if (note)
            vg__buf_printf(&notes, "%s%s: %s", notes.len ? "; " : "", field, note);
    }
    s->missing_fields = vg__arena_strndup(&n->arena, miss.ptr ? miss.ptr : "", miss.len);
    s->field_notes = vg__arena_strndup(&n->arena, notes.ptr ? notes.ptr : "", notes.len);
    int oom = miss.oom || notes.oom || !s->missing_fields || !s->field_notes;
    vg__buf_free(&miss);
    vg__buf_free(&notes);
    return oom ? VG_ERR_NOMEM : 0;
}

/* ---- the selection ---- */

static int live_in_domain(const vg_needs *n, const vg_attack_obj *o)
{
    return o->kind == VG_ATTACK_TECHNIQUE && (o->domains & vg_coverage_domain(n->c)) &&
           !(o->flags & (VG_ATTACK_F_REVOKED | VG_ATTACK_F_DEPRECATED));
}

static int selected(const vg_needs *n, const vg_attack_obj *t)
{
    const vg_need_tech *e = n->techs.ptr;
    for (size_t i = 0; i < n->techs.len; i++)
        if (e[i].tech == t)
            return 1;
    return 0;
}

static int select_tech(vg_needs *n, const vg_attack_obj *t, const vg_gap *g)
{
    if (selected(n, t))
        return 0;
    vg_need_tech *e = vg__vec_push(&n->techs, sizeof *e);
    if (!e)
        return VG_ERR_NOMEM;
    e->tech = t;
    if (g) {
        e->users = g->users;
        e->n_users = g->n_users;
    }
    return 0;
}

static int select_all(vg_needs *n)
{
    const vg_gap *g = NULL;
    size_t ng = 0;
    int rc = 0;
    if (n->gaps && !(rc = vg_gaps_compute(n->gaps)))
        ng = vg_gaps_list(n->gaps, &g);
    const vg_attack_obj *const *p = n->picked.ptr;
    for (size_t i = 0; !rc && i < n->picked.len; i++) {
        const vg_gap *mine = NULL;
        for (size_t j = 0; j < ng && !mine; j++)
            mine = g[j].tech == p[i] ? &g[j] : NULL;
        rc = select_tech(n, p[i], mine);
    }
    for (size_t j = 0; !rc && j < ng; j++)
        rc = select_tech(n, g[j].tech, &g[j]);
    const vg_cov_tech *const *all;
    size_t na = n->all_gaps ? vg_coverage_techniques(n->c, &all) : 0;
    for (size_t i = 0; !rc && i < na; i++)
        if (live_in_domain(n, all[i]->tech) &&
            vg__needs_level(n, all[i], n->has_now) <= VG_GAP_NEEDS_DATA)
            rc = select_tech(n, all[i]->tech, NULL);
    return rc;
}

/* ATT&CK's analytics for technique e: their log sources, the components they read, and the
 * candidates the Windows ones mean. */
static int attack_part(vg_needs *n, vg_need_tech *e, vg__vec *srcs)
{
    vg__vec list = {0}, comps = {0};
    int rc = 0;
    const vg_attack_obj *t = e->tech;
    for (size_t i = 0; !rc && i < t->n_in; i++) {
        const vg_attack_obj *st = t->in[i].other;
        if (t->in[i].rel != VG_REL_DETECTS || st->kind != VG_ATTACK_DETECTION_STRATEGY ||
            (st->flags & (VG_ATTACK_F_REVOKED | VG_ATTACK_F_DEPRECATED)))
            continue;
        for (size_t j = 0; !rc && j < st->n_out; j++) {
            const vg_attack_obj *an = st->out[j].other;
            if (st->out[j].rel != VG_REL_HAS_ANALYTIC ||
                (an->flags & (VG_ATTACK_F_REVOKED | VG_ATTACK_F_DEPRECATED)))
                continue;
            for (size_t l = 0; !rc && l < an->n_logsrc; l++) {
                const vg_attack_logsrc *ls = &an->logsrc[l];
                vg_need_attack_src *a = vg__vec_push(&list, sizeof *a);
                if (!a) {
                    rc = VG_ERR_NOMEM;
                    break;
                }
                *a = (vg_need_attack_src){st, an, ls->component, ls->name, ls->channel, NULL, 0};
                if (ls->component && !has_ptr(&comps, ls->component))
                    rc = push_ptr(&comps, ls->component);
                vg__src_ref refs[32];
                size_t nr = vg__sources_map_attack(n->facts, ls->name, ls->channel, refs, 32);
                const vg_need_source **arr = vg__arena_alloc(&n->arena, (nr + 1) * sizeof *arr);
                if (!arr)
                    rc = VG_ERR_NOMEM;
                for (size_t q = 0; !rc && q < nr; q++) {
                    vg__cand *c = cand_get(n, refs[q].channel, refs[q].event_id);
                    if (!c) {
                        rc = VG_ERR_NOMEM;
                        break;
                    }
                    c->pub.named_by_attack = 1;
                    arr[a->n_sources++] = &c->pub;
                    if (!has_ptr(srcs, &c->pub))
                        rc = push_ptr(srcs, &c->pub);
                }
                a->sources = arr;
            }
        }
    }
    size_t bytes_a = list.len * sizeof(vg_need_attack_src);
    size_t bytes_c = comps.len * sizeof(const vg_attack_obj *);
    void *pa = rc ? NULL : vg__arena_alloc(&n->arena, bytes_a + 1);
    void *pc = rc || !pa ? NULL : vg__arena_alloc(&n->arena, bytes_c + 1);
    if (!rc && (!pa || !pc))
        rc = VG_ERR_NOMEM;
    if (!rc) {
        if (bytes_a)
            memcpy(pa, list.ptr, bytes_a);
        if (bytes_c)
            memcpy(pc, comps.ptr, bytes_c);
        e->attack = pa;
        e->n_attack = list.len;
        e->components = pc;
        e->n_components = comps.len;
    }
    vg__vec_free(&list);
    vg__vec_free(&comps);
    return rc;
}

/* Scratch counts used to rank the sources of one technique. */
typedef struct ranked {
    const vg_need_source *s;
    size_t unlocks; /* the technique's rules needing data it feeds */
} ranked;

static int cmp_ranked(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->unlocks != b->unlocks)
        return a->unlocks > b->unlocks ? -1 : 1;
    if (a->s->named_by_attack != b->s->named_by_attack)
        return b->s->named_by_attack - a->s->named_by_attack;
    return vg__needs_key_cmp(a->s, b->s);
}

/* Rules, levels and sources of technique e. */
static int tech_part(vg_needs *n, vg_need_tech *e)
{
    const vg_cov_tech *t = vg_coverage_tech(n->c, e->tech);
    e->now = vg__needs_level(n, t, n->has_now);
    e->after = vg__needs_level(n, t, n->has_after);
    vg__vec srcs = {0};
    int rc = attack_part(n, e, &srcs);
    size_t nr = t ? t->n_rules : 0;
    vg_need_rule *rules = rc ? NULL : vg__arena_alloc(&n->arena, (nr + 1) * sizeof *rules);
    if (!rc && !rules)
        rc = VG_ERR_NOMEM;
    for (size_t i = 0; !rc && i < nr; i++) {
        size_t k = vg__needs_rule_index(n, t->rules[i]);
        const vg__feed *f = n->feeds[k].ptr;
        const vg_need_source **fb = vg__arena_alloc(&n->arena, (n->feeds[k].len + 1) * sizeof *fb);
        if (!fb) {
            rc = VG_ERR_NOMEM;
            break;
        }
        vg__cand **cs = n->cands.ptr;
        for (size_t j = 0; !rc && j < n->feeds[k].len; j++) {
            fb[j] = &cs[f[j].cand]->pub;
            if (!has_ptr(&srcs, fb[j]))
                rc = push_ptr(&srcs, fb[j]);
        }
        rules[i] = (vg_need_rule){t->rules[i], status_of(t->rules[i], n->has_now[k]),
                                  status_of(t->rules[i], n->has_after[k]), fb, n->feeds[k].len};
    }
    e->rules = rules;
    e->n_rules = rc ? 0 : nr;
    ranked *rk = rc ? NULL : calloc(srcs.len + 1, sizeof *rk);
    if (!rc && !rk)
        rc = VG_ERR_NOMEM;
    const vg_need_source *const *sp = srcs.ptr;
    for (size_t i = 0; !rc && i < srcs.len; i++) {
        rk[i].s = sp[i];
        for (size_t r = 0; r < e->n_rules; r++)
            for (size_t j = 0; rules[r].now == VG_COV_NEEDS_DATA && j < rules[r].n_fed_by; j++)
                rk[i].unlocks += rules[r].fed_by[j] == sp[i] && rules[r].rule->deployed;
    }
    if (!rc && srcs.len)
        qsort(rk, srcs.len, sizeof *rk, cmp_ranked);
    const vg_need_source **out =
        rc ? NULL : vg__arena_alloc(&n->arena, (srcs.len + 1) * sizeof *out);
    if (!rc && !out)
        rc = VG_ERR_NOMEM;
    for (size_t i = 0; !rc && i < srcs.len; i++)
        out[i] = rk[i].s;
    e->sources = out;
    e->n_sources = rc ? 0 : srcs.len;
    free(rk);
    vg__vec_free(&srcs);
    return rc;
}

/* Per source, what it unlocks for the selection; then the selection's sources, ranked. */
static int unlocks(vg_needs *n)
{
    vg__cand **cs = n->cands.ptr;
    uint8_t *sel_rule = calloc(n->n_rules + 1, 1);
    int rc = sel_rule ? 0 : VG_ERR_NOMEM;
    vg_need_tech *e = n->techs.ptr;
    for (size_t i = 0; !rc && i < n->techs.len; i++) {
        for (size_t r = 0; r < e[i].n_rules; r++) {
            const vg_need_rule *nr = &e[i].rules[r];
            if (nr->now == VG_COV_NEEDS_DATA && nr->rule->deployed)
                sel_rule[vg__needs_rule_index(n, nr->rule)] = 1;
            for (size_t j = 0; !rc && e[i].now < VG_GAP_ACTIVE && nr->now == VG_COV_NEEDS_DATA &&
                               nr->rule->deployed && j < nr->n_fed_by;
                 j++) {
                vg__cand *c = (vg__cand *)nr->fed_by[j]; /* pub is the first member */
                if (c->stamp != i + 1) {
                    c->stamp = i + 1;
                    rc = push_ptr(&c->unlock, e[i].tech);
                }
            }
        }
        for (size_t j = 0; !rc && j < e[i].n_sources; j++)
            if (!has_ptr(&n->sorted, e[i].sources[j]))
                rc = push_ptr(&n->sorted, e[i].sources[j]);
    }
    for (size_t k = 0; !rc && k < n->n_rules; k++) {
        const vg__feed *f = n->feeds[k].ptr;
        for (size_t j = 0; sel_rule[k] && j < n->feeds[k].len; j++)
            cs[f[j].cand]->pub.unlock_rules++;
    }
    free(sel_rule);
    for (size_t i = 0; !rc && i < n->cands.len; i++) {
        cs[i]->pub.unlock_techs = cs[i]->unlock.ptr;
        cs[i]->pub.n_unlock_techs = cs[i]->unlock.len;
    }
    return rc;
}

static int cmp_source(const void *pa, const void *pb)
{
    const vg_need_source *a = *(const vg_need_source *const *)pa;
    const vg_need_source *b = *(const vg_need_source *const *)pb;
    if (a->n_unlock_techs != b->n_unlock_techs)
        return a->n_unlock_techs > b->n_unlock_techs ? -1 : 1;
    if (a->unlock_rules != b->unlock_rules)
        return a->unlock_rules > b->unlock_rules ? -1 : 1;
    if (a->named_by_attack != b->named_by_attack)
        return b->named_by_attack - a->named_by_attack;
    return vg__needs_key_cmp(a, b);
}

/* Fill the public arrays of every candidate. */
static int finish_cands(vg_needs *n)
{
    vg__cand **cs = n->cands.ptr;
    for (size_t i = 0; i < n->cands.len; i++) {
        vg__cand *c = cs[i];
        const vg_cov_rule **rl = vg__arena_alloc(&n->arena, (c->rules.len + 1) * sizeof *rl);
        if (!rl)
            return VG_ERR_NOMEM;
        const size_t *ks = c->rules.ptr;
        for (size_t j = 0; j < c->rules.len; j++)
            rl[j] = &n->rules[ks[j]];
        c->pub.rules = rl;
        c->pub.n_rules = c->rules.len;
        c->pub.logsources = c->logsources.ptr;
        c->pub.n_logsources = c->logsources.len;
        int rc = judge_presence(n, c);
        if (rc)
            return rc;
    }
    return 0;
}

int vg_needs_compute(vg_needs *n)
{
    if (n->computed)
        return VG_ERR_INVAL;
    n->computed = 1;
    int assumed = vg_coverage_data_mode(n->c) == VG_COV_DATA_ASSUMED;
    int rc = 0;
    for (size_t k = 0; !rc && k < n->n_rules; k++) {
        n->has_now[k] = !assumed && n->rules[k].status != VG_COV_NEEDS_DATA;
        rc = rule_cands(n, k);
        n->has_after[k] = n->has_now[k] || n->feeds[k].len > 0;
    }
    if (!rc)
        rc = select_all(n);
    vg_need_tech *e = n->techs.ptr;
    for (size_t i = 0; !rc && i < n->techs.len; i++)
        rc = tech_part(n, &e[i]);
    if (!rc)
        rc = finish_cands(n);
    if (!rc)
        rc = unlocks(n);
    if (!rc && n->sorted.len)
        qsort(n->sorted.ptr, n->sorted.len, sizeof(const vg_need_source *), cmp_source);
    return rc;
}

size_t vg_needs_techniques(const vg_needs *n, const vg_need_tech **out)
{
    *out = n->techs.ptr;
    return n->techs.len;
}

size_t vg_needs_sources(const vg_needs *n, const vg_need_source *const **out)
{
    *out = n->sorted.ptr;
    return n->sorted.len;
}

size_t vg_needs_actors(const vg_needs *n, const vg_attack_obj *const **out)
{
    *out = n->actors.ptr;
    return n->actors.len;
}

const vg_coverage *vg_needs_coverage(const vg_needs *n)
{
    return n->c;
}

const char *vg_need_presence_name(vg_need_presence p)
{
    static const char *const names[] = {"absent", "partial", "present", "unknown"};
    return (unsigned)p < VG_ARRAY_LEN(names) ? names[p] : "?";
}

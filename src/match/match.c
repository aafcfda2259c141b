/*
 * match.c - per-event matching through the rule index (see index.c for how it is built).
 *
 * For one event: look up its Channel and EventID, merge the candidate entry lists for
 * (channel, event ID), (channel, any) and the always-list (all sorted by entry id, which is
 * rule order), scan every event field the index has literals for with that field's Vectorscan
 * database and stamp the literals found, then evaluate exactly only the entries whose atoms
 * were found (or that have none). A rule matches when one of its routes' bodies is true and no
 * attached filter matches, exactly as vg__rule_eval decides; matches come out in rule order,
 * so the result equals the exhaustive walk, which tests check on all shared data. Nothing is
 * allocated per event once the scratch buffers have grown; hit marks are generation stamps,
 * so nothing is cleared either.
 */
#include <stdlib.h>
#include <string.h>

#include "index.h"

struct vg__mscratch {
    hs_scratch_t *hs;
    uint32_t gen;
    uint32_t *lit_gen;  /* per literal: the generation it was last seen in */
    uint32_t *rule_gen; /* per rule: the generation it was decided in */
    uint32_t *cand;
    size_t cand_cap;
};

vg__mscratch *vg__mscratch_new(const vg__index *ix)
{
    vg__mscratch *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->lit_gen = calloc(ix->n_literals + 1, sizeof *s->lit_gen);
    s->rule_gen = calloc(ix->n_rules + 1, sizeof *s->rule_gen);
    s->cand_cap = ix->n_entries + 1;
    s->cand = malloc(s->cand_cap * sizeof *s->cand);
    int ok = s->lit_gen && s->rule_gen && s->cand;
    for (uint32_t f = 0; ok && f <= ix->n_fields; f++) {
        hs_database_t *db = f < ix->n_fields ? vg__index_field(ix, f)->db : ix->any_db;
        if (db && hs_alloc_scratch(db, &s->hs) != HS_SUCCESS)
            ok = 0;
    }
    if (!ok) {
        vg__mscratch_free(s);
        return NULL;
    }
    return s;
}

void vg__mscratch_free(vg__mscratch *s)
{
    if (!s)
        return;
    if (s->hs)
        hs_free_scratch(s->hs);
    free(s->lit_gen);
    free(s->rule_gen);
    free(s->cand);
    free(s);
}

static int on_literal(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                      void *ctx)
{
    (void)from;
    (void)to;
    (void)flags;
    vg__mscratch *s = ctx;
    s->lit_gen[id] = s->gen;
    return 0;
}

/* Field id of an event field name, or UINT32_MAX. */
static uint32_t lookup_field(const vg__index *ix, const char *name, size_t len)
{
    char low[256];
    if (len >= sizeof low)
        return UINT32_MAX;
    for (size_t i = 0; i < len; i++)
        low[i] = (char)vg__lower((unsigned char)name[i]);
    size_t it = 0;
    uint32_t v;
    return vg__smap_next(&ix->field_ids, low, len, &it, &v) ? v : UINT32_MAX;
}

static const uint32_t *list_for(const vg__index *ix, vg__str ch, vg__str id, uint32_t *n)
{
    char key[600];
    if (ch.len + id.len + 2 > sizeof key) {
        *n = 0;
        return NULL;
    }
    for (size_t i = 0; i < ch.len; i++)
        key[i] = (char)vg__lower((unsigned char)ch.ptr[i]);
    key[ch.len] = '\x1f';
    memcpy(key + ch.len + 1, id.ptr, id.len);
    size_t it = 0;
    uint32_t v;
    if (!vg__smap_next(&ix->keys, key, ch.len + 1 + id.len, &it, &v)) {
        *n = 0;
        return NULL;
    }
    *n = ix->list_len[v];
    return ix->lists[v];
}

/* Merge sorted lists into s->cand without duplicates; returns the count. */
static size_t merge(vg__mscratch *s, const uint32_t *const *lists, const uint32_t *lens, int n)
{
    size_t pos[8] = {0}, out = 0;
    for (;;) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (pos[i] < lens[i] && (best < 0 || lists[i][pos[i]] < lists[best][pos[best]]))
                best = i;
        if (best < 0)
            return out;
        uint32_t e = lists[best][pos[best]++];
        if (!out || s->cand[out - 1] != e)
            s->cand[out++] = e;
    }
}

#define MAX_KEYS 4

int vg__index_run(const vg__index *ix, vg__mscratch *s, const vg_event *ev, pcre2_match_data *md,
                  vg_match_fn fn, void *ud)
{
    if (++s->gen == 0) { /* wrapped: forget every stamp */
        memset(s->lit_gen, 0, ix->n_literals * sizeof *s->lit_gen);
        memset(s->rule_gen, 0, ix->n_rules * sizeof *s->rule_gen);
        s->gen = 1;
    }
    /* channels and event IDs of the event (normally one each) */
    vg__str chans[MAX_KEYS], ids[MAX_KEYS];
    int nc = 0, ni = 0;
    for (size_t i = 0; i < ev->n; i++) {
        const vg__field *f = &ev->fields[i];
        vg__str name = vg__field_name(ev, f);
        if (nc < MAX_KEYS && vg__str_ieq(name, VG_STR("Channel")))
            chans[nc++] = vg__field_value(ev, f);
        else if (ni < MAX_KEYS && vg__str_ieq(name, VG_STR("EventID")))
            ids[ni++] = vg__field_value(ev, f);
    }
    const uint32_t *lists[2 * MAX_KEYS * MAX_KEYS + 1];
    uint32_t lens[2 * MAX_KEYS * MAX_KEYS + 1];
    int nl = 0;
    for (int c = 0; c < nc; c++) {
        uint32_t n;
        const uint32_t *l = list_for(ix, chans[c], VG_STR("*"), &n);
        if (n) {
            lists[nl] = l;
            lens[nl++] = n;
        }
        for (int k = 0; k < ni; k++) {
            l = list_for(ix, chans[c], ids[k], &n);
            if (n && nl < 8) {
                lists[nl] = l;
                lens[nl++] = n;
            }
        }
    }
    if (ix->n_always && nl < 8) {
        lists[nl] = ix->always;
        lens[nl++] = ix->n_always;
    }
    if (nl > 8)
        nl = 8;
    size_t nc_ = merge(s, lists, lens, nl);
    if (!nc_)
        return 0;
    /* find the literals present in the event's fields */
    for (size_t i = 0; i < ev->n; i++) {
        const vg__field *f = &ev->fields[i];
        if (f->type == VG_VAL_NULL || !f->vlen)
            continue;
        if (ix->any_db) /* keywords look in every field */
            hs_scan(ix->any_db, ev->bytes + f->value, f->vlen, 0, s->hs, on_literal, s);
        uint32_t id = lookup_field(ix, ev->bytes + f->name, f->nlen);
        if (id == UINT32_MAX)
            continue;
        hs_database_t *db = vg__index_field(ix, id)->db;
        if (db)
            hs_scan(db, ev->bytes + f->value, f->vlen, 0, s->hs, on_literal, s);
    }
    int matches = 0;
    for (size_t c = 0; c < nc_; c++) {
        const vg__entry *e = &ix->entries[s->cand[c]];
        if (s->rule_gen[e->rule_index] == s->gen)
            continue; /* this rule is decided */
        if (e->n_atoms) {
            int hit = 0;
            for (uint32_t a = 0; a < e->n_atoms && !hit; a++)
                hit = s->lit_gen[e->atoms[a]] == s->gen;
            if (!hit)
                continue;
        }
        if (!vg__route_body(e->rule, e->route, ev, md))
            continue;
        s->rule_gen[e->rule_index] = s->gen;
        if (vg__rule_filtered(e->rule, ev, md))
            continue;
        matches++;
        if (fn && fn(&e->rule->pub, ud))
            break;
    }
    return matches;
}

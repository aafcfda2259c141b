/*
 * match.c - per-event matching through the rule index (see index.c for how it is built).
 *
 * For one event: look up its Channel and EventID fields (through the event's name-hash
 * buckets) to find the candidate lists it is routed to ((channel, event ID), (channel, any),
 * the always-list; a per-thread memo keeps the lists of recent pairs), scan each event field
 * that some entry of those lists has literals to scan for with that field's Vectorscan
 * database (not when the value is shorter than its shortest literal) and look up its whole
 * value in the table of whole-value literals (keywords: one scan over all values laid end to
 * end, keeping hits inside one value). Then follow each literal found to the entries filed
 * under it (the literals of their trigger group), looking at each entry once: it is a
 * candidate when it is routed here and each of its other groups has a literal found, which
 * is known by then since every literal of the event has been found. Add the routed entries
 * that need no literal, sort by entry id (rule order) and evaluate exactly only those. A rule
 * matches when one of its routes' bodies is true and no attached filter matches, exactly as
 * vg__rule_eval decides; matches come out in rule order, so the result equals the exhaustive walk,
 * which tests check on all shared data. Nothing is allocated per event once the scratch buffers
 * have grown; hit marks are generation stamps, so nothing is cleared either.
 */
#include <stdlib.h>
#include <string.h>

#include "index.h"

/* A remembered (channel, event ID) pair and its candidate lists. */
typedef struct memo {
    char key[118]; /* channel, 0x1f, event ID, as in the event */
    uint8_t len;   /* 0: empty */
    uint8_t nk;
    uint32_t keys[2];
} memo;

#define MEMO_SLOTS 16

struct vg__mscratch {
    memo memo[MEMO_SLOTS]; /* the lists of recent (channel, event ID) pairs */
    uint32_t *list_gen;    /* per candidate list (n_lists: the always-list): routed in */
    hs_scratch_t *hs;
    uint32_t gen;
    uint32_t *lit_gen;   /* per literal: the generation it was last seen in */
    uint32_t *rule_gen;  /* per rule: the generation it was decided in */
    uint32_t *entry_gen; /* per entry: the generation it was looked at (or taken) in */
    uint32_t *hits;      /* literals found in this event */
    uint32_t n_hits;
    uint32_t *cand;
    size_t cand_cap;
    uint64_t *want; /* the union of this event's lists' field sets (fbits): to look at, to scan */
    uint64_t bloom[VG_INDEX_BLOOM_WORDS]; /* the union of their name hash filters */
    const vg_event *ev;                   /* the event being scanned, for on_keyword */
    unsigned long long vlen; /* length of the value being scanned, for anchored literals */
    const vg__index *ix;
};

vg__mscratch *vg__mscratch_new(const vg__index *ix)
{
    vg__mscratch *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->lit_gen = calloc(ix->n_literals + 1, sizeof *s->lit_gen);
    s->rule_gen = calloc(ix->n_rules + 1, sizeof *s->rule_gen);
    s->entry_gen = calloc(ix->n_entries + 1, sizeof *s->entry_gen);
    s->list_gen = calloc((size_t)ix->n_lists + 2, sizeof *s->list_gen);
    s->hits = malloc((ix->n_literals + 1) * sizeof *s->hits);
    s->cand_cap = ix->n_entries + 1;
    s->cand = malloc(s->cand_cap * sizeof *s->cand);
    s->ix = ix;
    s->want = malloc((2 * (size_t)ix->fwords + 1) * sizeof *s->want);
    int ok =
        s->lit_gen && s->rule_gen && s->entry_gen && s->list_gen && s->hits && s->cand && s->want;
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
    free(s->entry_gen);
    free(s->list_gen);
    free(s->hits);
    free(s->cand);
    free(s->want);
    free(s);
}

static int on_literal(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                      void *ctx)
{
    (void)from; /* not computed for literal databases; the start is to - length */
    (void)flags;
    vg__mscratch *s = ctx;
    if (s->lit_gen[id] == s->gen)
        return 0;
    uint8_t anchor = s->ix->lit_anchor[id];
    if (((anchor & VG_ANCHOR_START) && to != s->ix->lit_len[id]) ||
        ((anchor & VG_ANCHOR_END) && to != s->vlen))
        return 0; /* an anchored literal elsewhere in the value */
    s->lit_gen[id] = s->gen;
    s->hits[s->n_hits++] = id;
    return 0;
}

/* A literal of a prefix group (prefix.h), reported as a scan would. */
static int on_prefixed(unsigned id, unsigned long long to, void *ctx)
{
    return on_literal(id, 0, to, 0, ctx);
}

/* Keyword literals are scanned over all values at once: keep a hit only if it lies inside
 * one non-null value. */
static int on_keyword(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                      void *ctx)
{
    (void)from; /* not computed for literal databases; the start is found from the field */
    vg__mscratch *s = ctx;
    const vg_event *ev = s->ev;
    if (s->lit_gen[id] == s->gen)
        return 0;
    size_t lo = 0, hi = ev->n; /* the last field whose value starts before `to` */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (ev->fields[mid].lower < to)
            lo = mid;
        else
            hi = mid;
    }
    const vg__field *f = &ev->fields[lo];
    if (f->type == VG_VAL_NULL || to > (unsigned long long)f->lower + f->vlen)
        return 0;
    if (to - f->lower < s->ix->lit_len[id])
        return 0; /* starts in the value before */
    return on_literal(id, from, to, flags, ctx);
}

/* The whole-value literals of field fid equal to its folded value v (n bytes): one lookup when
 * some literal of the field is n bytes long (slots with the same key hold more than one only
 * on a hash collision, which at worst makes one more candidate). */
static void whole_value(const vg__index *ix, vg__mscratch *s, uint32_t fid, const vg__ifield *x,
                        const char *v, size_t n)
{
    if (n > VG_WHOLE_MAX_LEN || !(x->wlen[n / 64] >> (n % 64) & 1))
        return;
    uint64_t key = vg__whole_key(fid, v, n);
    for (uint32_t slot = (uint32_t)key & ix->wmask; ix->wkey[slot]; slot = (slot + 1) & ix->wmask) {
        uint32_t l = ix->wlit[slot];
        if (ix->wkey[slot] == key && s->lit_gen[l] != s->gen) {
            s->lit_gen[l] = s->gen;
            s->hits[s->n_hits++] = l;
        }
    }
}

/* Is n-byte name s, folded, the (folded) index field name low? Eight bytes at a time, the
 * last eight overlapping the ones before; four to seven bytes as two overlapping halves. */
static int same_name(const char *low, const char *s, size_t n)
{
    uint64_t a, b;
    if (n < 8) {
        if (n < 4) {
            for (size_t i = 0; i < n; i++)
                if ((unsigned char)low[i] != vg__lower((unsigned char)s[i]))
                    return 0;
            return 1;
        }
        uint32_t a0, a1, b0, b1;
        memcpy(&a0, low, 4);
        memcpy(&a1, low + n - 4, 4);
        memcpy(&b0, s, 4);
        memcpy(&b1, s + n - 4, 4);
        return ((uint64_t)a1 << 32 | a0) == vg__lower8((uint64_t)b1 << 32 | b0);
    }
    for (size_t i = 0; i + 8 < n; i += 8) {
        memcpy(&a, low + i, 8);
        memcpy(&b, s + i, 8);
        if (a != vg__lower8(b))
            return 0;
    }
    memcpy(&a, low + n - 8, 8);
    memcpy(&b, s + n - 8, 8);
    return a == vg__lower8(b);
}

/* Field id of an event field if the index knows it and wants it scanned for this event (by its
 * name hash, then its name), or UINT32_MAX. Unwanted slots are passed over without comparing
 * names: the field is either that one (not wanted) or a later one in the probe chain. */
static uint32_t wanted_field(const vg__index *ix, const uint64_t *want, const vg_event *ev,
                             const vg__field *f)
{
    for (uint32_t h = f->nhash & ix->fmask;; h = (h + 1) & ix->fmask) {
        uint32_t v = ix->fslot[h];
        if (!v)
            return UINT32_MAX;
        uint32_t id = v - 1;
        const vg__ifield *x = vg__index_field(ix, id);
        if (x->hash == f->nhash && x->len == f->nlen && (want[id / 64] >> (id % 64) & 1) &&
            same_name(x->name, ev->bytes + f->name, f->nlen))
            return id;
    }
}

/* Id of the candidate list for (channel, id), or UINT32_MAX. */
static uint32_t list_for(const vg__index *ix, vg__str ch, vg__str id)
{
    char key[600];
    if (ch.len + id.len + 2 > sizeof key)
        return UINT32_MAX;
    for (size_t i = 0; i < ch.len; i++)
        key[i] = (char)vg__lower((unsigned char)ch.ptr[i]);
    key[ch.len] = '\x1f';
    memcpy(key + ch.len + 1, id.ptr, id.len);
    size_t it = 0;
    uint32_t v;
    return vg__smap_next(&ix->keys, key, ch.len + 1 + id.len, &it, &v) ? v : UINT32_MAX;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Sort n entry ids: by insertion when few (an event has a handful of candidates), else qsort. */
static void sort_ids(uint32_t *v, size_t n)
{
    if (n > 32) {
        qsort(v, n, sizeof *v, cmp_u32);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        for (; j && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* A keyword literal found by its byte pair (bigram.h), reported as the scan would. */
static int on_keyword_pair(unsigned id, unsigned long long to, void *ctx)
{
    return on_keyword(id, 0, to, 0, ctx);
}

/* The keyword literals in the event's values: only those of the always-list when no other
 * list routed here has keyword literals (`only_always`) and they are searched by pairs. */
static void scan_keywords(const vg__index *ix, vg__mscratch *s, const vg_event *ev, int only_always)
{
    if (only_always && ix->always_bg && ev->lused)
        vg__bigram_scan(ix->always_bg, ev->low, ev->lused, on_keyword_pair, s);
    else if (ix->any_db && ev->lused)
        hs_scan(ix->any_db, ev->low, (unsigned)ev->lused, 0, s->hs, on_keyword, s);
}

/* The literals of index field id in event field f (neither null nor empty): its whole value
 * looked up, and scanned when `scan` (some entry routed here has a literal to scan for in it). */
static void scan_value(const vg__index *ix, vg__mscratch *s, const vg_event *ev, uint32_t id,
                       const vg__field *f, int scan)
{
    const vg__ifield *x = vg__index_field(ix, id);
    if (scan && x->db && f->vlen >= x->min_len) {
        s->vlen = f->vlen;
        hs_scan(x->db, ev->low + f->lower, f->vlen, 0, s->hs, on_literal, s);
    }
    if (scan && x->pfx) {
        s->vlen = f->vlen;
        vg__pfx_scan(x->pfx, ev->low + f->lower, f->vlen, on_prefixed, s);
    }
    if (x->has_whole)
        whole_value(ix, s, id, x, ev->low + f->lower, f->vlen);
}

/* Does every group of entry en other than its trigger have a literal in this event? */
static int others_found(const vg__mscratch *s, const vg__entry *en)
{
    if (!en->n_others)
        return 1;
    const uint32_t *o = en->others, *end = o + en->n_others;
    while (o < end) {
        const uint32_t *next = o + 1 + o[0];
        for (o++; o < next && s->lit_gen[*o] != s->gen; o++)
            ;
        if (o == next)
            return 0;
        o = next;
    }
    return 1;
}

/* Make entry e a candidate once. */
static void take(vg__mscratch *s, size_t *n, uint32_t e)
{
    if (s->entry_gen[e] == s->gen)
        return;
    s->entry_gen[e] = s->gen;
    s->cand[(*n)++] = e;
}

#define MAX_KEYS 4

/* The values of the first MAX_KEYS fields named low (folded, n bytes, hash h) into out, in
 * field order, through the event's bucket of that name hash. Returns how many. */
static int named_values(const vg_event *ev, uint32_t h, const char *low, size_t n, vg__str *out)
{
    int k = 0;
    for (uint32_t i = vg__event_bucket(ev, h); i && k < MAX_KEYS; i = ev->fields[i - 1].next) {
        const vg__field *f = &ev->fields[i - 1];
        if (f->nhash == h && f->nlen == n && same_name(low, ev->bytes + f->name, n))
            out[k++] = vg__field_value(ev, f);
    }
    return k;
}

/* The candidate lists of one channel and at most one event ID (id NULL: none) into keys,
 * through the memo: most events of a log repeat a few pairs. Returns how many. */
static int lists_of(const vg__index *ix, vg__mscratch *s, vg__str ch, const vg__str *id,
                    uint32_t *keys)
{
    size_t idlen = id ? id->len : 0, klen = ch.len + 1 + idlen;
    memo *m = NULL;
    char key[sizeof m->key];
    if (klen <= sizeof key && ch.len) {
        memcpy(key, ch.ptr, ch.len);
        key[ch.len] = 0x1f;
        if (idlen)
            memcpy(key + ch.len + 1, id->ptr, idlen);
        unsigned h = (unsigned)klen * 31u + (unsigned char)key[klen - 1] * 7u +
                     (unsigned char)key[klen > 2 ? klen - 2 : 0];
        m = &s->memo[h % MEMO_SLOTS];
        if (m->len == klen && memcmp(m->key, key, klen) == 0) {
            memcpy(keys, m->keys, m->nk * sizeof *keys);
            return m->nk;
        }
    }
    int nk = 0;
    uint32_t l = list_for(ix, ch, VG_STR("*"));
    if (l != UINT32_MAX)
        keys[nk++] = l;
    if (id && (l = list_for(ix, ch, *id)) != UINT32_MAX)
        keys[nk++] = l;
    if (m) {
        memcpy(m->key, key, klen);
        m->len = (uint8_t)klen;
        m->nk = (uint8_t)nk;
        memcpy(m->keys, keys, (size_t)nk * sizeof *keys);
    }
    return nk;
}

int vg__index_run(const vg__index *ix, vg__mscratch *s, const vg_event *ev, pcre2_match_data *md,
                  vg_match_fn fn, void *ud)
{
    if (++s->gen == 0) { /* wrapped: forget every stamp */
        memset(s->lit_gen, 0, ix->n_literals * sizeof *s->lit_gen);
        memset(s->rule_gen, 0, ix->n_rules * sizeof *s->rule_gen);
        memset(s->entry_gen, 0, ix->n_entries * sizeof *s->entry_gen);
        memset(s->list_gen, 0, ((size_t)ix->n_lists + 1) * sizeof *s->list_gen);
        s->gen = 1;
    }
    /* the candidate lists this event is routed to (channel and event ID, normally one each) */
    vg__str chans[MAX_KEYS], ids[MAX_KEYS];
    int nc = named_values(ev, ix->channel_hash, "channel", 7, chans);
    int ni = named_values(ev, ix->eventid_hash, "eventid", 7, ids);
    uint32_t keys[MAX_KEYS * (MAX_KEYS + 1) + 1];
    int nk = 0;
    if (nc == 1 && ni <= 1)
        nk = lists_of(ix, s, chans[0], ni ? &ids[0] : NULL, keys);
    else
        for (int c = 0; c < nc; c++) {
            uint32_t l = list_for(ix, chans[c], VG_STR("*"));
            if (l != UINT32_MAX)
                keys[nk++] = l;
            for (int k = 0; k < ni; k++)
                if ((l = list_for(ix, chans[c], ids[k])) != UINT32_MAX)
                    keys[nk++] = l;
        }
    if (ix->n_always)
        keys[nk++] = VG_KEY_ALWAYS;
    if (!nk)
        return 0; /* no rule is routed to this event */
    /* the fields worth scanning: those some entry of these lists has literals for */
    uint32_t words = 2 * ix->fwords;
    memset(s->want, 0, words * sizeof *s->want);
    memset(s->bloom, 0, sizeof s->bloom);
    uint32_t af = ix->any_field;
    int kw_other = 0; /* some list other than the always-list has keyword literals */
    for (int k = 0; k < nk; k++) {
        uint32_t list = keys[k] == VG_KEY_ALWAYS ? ix->n_lists : keys[k];
        s->list_gen[list] = s->gen;
        const uint64_t *row = ix->fbits + (size_t)list * words;
        kw_other |= keys[k] != VG_KEY_ALWAYS && (row[af / 64] >> (af % 64) & 1);
        for (uint32_t w = 0; w < words; w++)
            s->want[w] |= row[w];
        const uint64_t *bloom = ix->fbloom + (size_t)list * VG_INDEX_BLOOM_WORDS;
        for (int w = 0; w < VG_INDEX_BLOOM_WORDS; w++)
            s->bloom[w] |= bloom[w];
    }
    /* the literals present in those fields */
    s->n_hits = 0;
    s->ev = ev;
    if (s->want[af / 64] >> (af % 64) & 1)
        scan_keywords(ix, s, ev, !kw_other);
    const uint64_t *scan = s->want + ix->fwords;
    for (size_t i = 0; i < ev->n; i++) {
        const vg__field *f = &ev->fields[i];
        uint32_t b = f->nhash % (64 * VG_INDEX_BLOOM_WORDS);
        if (!(s->bloom[b / 64] >> (b % 64) & 1) || f->type == VG_VAL_NULL || !f->vlen)
            continue;
        uint32_t id = wanted_field(ix, s->want, ev, f);
        if (id != UINT32_MAX)
            scan_value(ix, s, ev, id, f, scan[id / 64] >> (id % 64) & 1);
    }
    /* candidates: entries of the literals found that are routed here, and the routed entries
     * that need no literal */
    size_t n = 0;
    for (uint32_t h = 0; h < s->n_hits; h++) {
        uint32_t l = s->hits[h];
        for (uint32_t i = ix->lit_off[l]; i < ix->lit_off[l + 1]; i++) {
            uint32_t e = ix->lit_ent[i];
            if (s->entry_gen[e] == s->gen)
                continue;
            /* every literal of this event is known by now, so one look decides the entry */
            s->entry_gen[e] = s->gen;
            const vg__entry *en = &ix->entries[e];
            int routed = 0;
            for (uint32_t a = 0; a < en->n_keys && !routed; a++)
                routed =
                    s->list_gen[en->keys[a] == VG_KEY_ALWAYS ? ix->n_lists : en->keys[a]] == s->gen;
            if (routed && others_found(s, en))
                s->cand[n++] = e;
        }
    }
    for (int k = 0; k < nk; k++) {
        const uint32_t *l = keys[k] == VG_KEY_ALWAYS ? ix->always_noatom : ix->noatom[keys[k]];
        uint32_t len = keys[k] == VG_KEY_ALWAYS ? ix->n_always_noatom : ix->noatom_len[keys[k]];
        for (uint32_t i = 0; i < len; i++)
            take(s, &n, l[i]);
    }
    if (n > 1) /* entry order is rule order, so matches come out as the exhaustive walk gives */
        sort_ids(s->cand, n);
    int matches = 0;
    for (size_t c = 0; c < n; c++) {
        const vg__entry *e = &ix->entries[s->cand[c]];
        if (s->rule_gen[e->rule_index] == s->gen)
            continue; /* this rule is decided */
        if (!(e->implied ? vg__body_eval(e->rule, e->route, ev, md)
                         : vg__route_body(e->rule, e->route, ev, md)))
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

/*
 * prefix.c - literals of one field grouped by their first four bytes, found by hashing (see
 * prefix.h for why).
 *
 * Building: the literals, folded to lower case like the values, are counted by their first
 * four bytes; a prefix shared by at least
 * VG_PFX_MIN_GROUP literals of VG_PFX_MIN_LEN bytes or more makes a group (the largest
 * VG_PFX_MAX_GROUPS), which keeps its VG_PFX_MAX_LENS most common lengths. Every literal of a
 * group with one of those lengths goes into one open-addressing table keyed by a hash of
 * (group, text); its slot keeps the text, so a lookup is confirmed byte for byte.
 *
 * Scanning a value: the places where some group's prefix starts are found in one pass,
 * sixteen bytes at a time (vg__pairs_scan of bigram.c: every group's first two bytes compared
 * at every position at once; then the four), and at each one the text of each of the group's
 * lengths that fits is hashed and looked up. The cost is a pass over the value and a lookup per
 * (place, length), whatever the number of literals.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "bigram.h"
#include "prefix.h"

typedef struct slot {
    uint64_t key; /* 0: empty */
    const char *text;
    uint32_t len;
    unsigned id;
} slot;

typedef struct group {
    uint32_t prefix; /* the first four bytes, as loaded from memory */
    uint32_t lens[VG_PFX_MAX_LENS];
    int n_lens;
} group;

struct vg__pfx {
    group groups[VG_PFX_MAX_GROUPS];
    int n_groups;
    slot *slots;
    uint32_t mask;
    char *texts; /* the literals' folded texts, laid end to end */
};

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 29;
    return h;
}

/* Hash of n >= 8 bytes for group g: eight bytes at a time, the last eight overlapping; never 0. */
static uint64_t text_key(int g, const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull * (uint64_t)(g + 1) ^ n, w;
    size_t i = 0;
    for (; i + 8 < n; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    memcpy(&w, s + n - 8, 8);
    return mix((h ^ w) * 0x100000001b3ull) | 1;
}

static uint32_t prefix_of(const char *s)
{
    uint32_t p;
    memcpy(&p, s, 4);
    return p;
}

typedef struct count {
    uint32_t key, n;
} count;

static int by_count(const void *a, const void *b)
{
    const count *x = a, *y = b;
    return x->n != y->n ? (x->n < y->n) - (x->n > y->n) : (x->key > y->key) - (x->key < y->key);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The distinct values of v[0..n) with their counts, most common first (v is sorted in
 * place); returns how many. */
static size_t runs_by_count(uint32_t *v, size_t n, count *out)
{
    qsort(v, n, sizeof *v, cmp_u32);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && out[k - 1].key == v[i])
            out[k - 1].n++;
        else
            out[k++] = (count){v[i], 1};
    }
    qsort(out, k, sizeof *out, by_count);
    return k;
}

/* The groups: prefixes with enough literals, and their most common lengths. */
static int choose_groups(vg__pfx *p, const char *const *texts, const size_t *lens, size_t n)
{
    uint32_t *v = malloc((n + 1) * sizeof *v);
    count *c = malloc((n + 1) * sizeof *c), *lc = malloc((n + 1) * sizeof *lc);
    int rc = v && c && lc ? 0 : VG_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; !rc && i < n; i++)
        if (lens[i] >= VG_PFX_MIN_LEN)
            v[m++] = prefix_of(texts[i]);
    size_t k = rc ? 0 : runs_by_count(v, m, c);
    for (size_t g = 0; g < k && c[g].n >= VG_PFX_MIN_GROUP && p->n_groups < VG_PFX_MAX_GROUPS;
         g++) {
        group *gr = &p->groups[p->n_groups++];
        gr->prefix = c[g].key;
        size_t nl = 0;
        for (size_t i = 0; i < n; i++)
            if (lens[i] >= VG_PFX_MIN_LEN && prefix_of(texts[i]) == gr->prefix)
                v[nl++] = (uint32_t)lens[i];
        size_t runs = runs_by_count(v, nl, lc), held = 0;
        gr->n_lens = runs < VG_PFX_MAX_LENS ? (int)runs : VG_PFX_MAX_LENS;
        for (int i = 0; i < gr->n_lens; i++) {
            gr->lens[i] = lc[i].key;
            held += lc[i].n;
        }
        if (held < VG_PFX_MIN_GROUP) /* too few of the lengths it would look up */
            p->n_groups--;
    }
    free(v);
    free(c);
    free(lc);
    return rc;
}

/* The group literal s (n bytes) belongs to, or -1. */
static int group_of(const vg__pfx *p, const char *s, size_t n)
{
    if (n < VG_PFX_MIN_LEN)
        return -1;
    uint32_t pre = prefix_of(s);
    for (int g = 0; g < p->n_groups; g++) {
        if (p->groups[g].prefix != pre)
            continue;
        for (int i = 0; i < p->groups[g].n_lens; i++)
            if (p->groups[g].lens[i] == n)
                return g;
        return -1;
    }
    return -1;
}

/* The groups of the (folded) texts and their table; no table when no group is found. */
static int build_table(vg__pfx *p, const char *const *texts, const size_t *lens,
                       const unsigned *ids, size_t n, uint8_t *taken)
{
    if (choose_groups(p, texts, lens, n))
        return VG_ERR_NOMEM;
    size_t m = 0, bytes = 0;
    for (size_t i = 0; i < n; i++)
        if (group_of(p, texts[i], lens[i]) >= 0) {
            m++;
            bytes += lens[i];
        }
    if (!m)
        return 0;
    uint32_t cap = 16;
    while (cap < 2 * m)
        cap *= 2;
    p->mask = cap - 1;
    p->slots = calloc(cap, sizeof *p->slots);
    p->texts = malloc(bytes + 1);
    if (!p->slots || !p->texts)
        return VG_ERR_NOMEM;
    char *t = p->texts;
    for (size_t i = 0; i < n; i++) {
        int g = group_of(p, texts[i], lens[i]);
        if (g < 0)
            continue;
        memcpy(t, texts[i], lens[i]);
        uint64_t key = text_key(g, t, lens[i]);
        uint32_t at = (uint32_t)key & p->mask;
        while (p->slots[at].key)
            at = (at + 1) & p->mask;
        p->slots[at] = (slot){key, t, (uint32_t)lens[i], ids[i]};
        t += lens[i];
        taken[i] = 1;
    }
    return 0;
}

int vg__pfx_build(const char *const *texts, const size_t *lens, const unsigned *ids, size_t n,
                  uint8_t *taken, vg__pfx **out)
{
    *out = NULL;
    vg__pfx *p = calloc(1, sizeof *p);
    size_t all = 0;
    for (size_t i = 0; i < n; i++)
        all += lens[i];
    char *fold = malloc(all + 1); /* the texts folded to lower case, as values are */
    const char **ft = malloc((n + 1) * sizeof *ft);
    if (!p || !fold || !ft) {
        free(p);
        free(fold);
        free(ft);
        return VG_ERR_NOMEM;
    }
    for (size_t i = 0, at = 0; i < n; at += lens[i++]) {
        for (size_t k = 0; k < lens[i]; k++)
            fold[at + k] = (char)vg__lower((unsigned char)texts[i][k]);
        ft[i] = fold + at;
    }
    int rc = build_table(p, ft, lens, ids, n, taken);
    free(fold);
    free(ft);
    if (rc || !p->slots) {
        vg__pfx_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

/* The literals of group g whose text starts at v + at (n bytes in all). */
static int lookup(const vg__pfx *p, int g, const char *v, size_t at, size_t n,
                  int (*fn)(unsigned, unsigned long long, void *), void *ctx)
{
    const group *gr = &p->groups[g];
    for (int i = 0; i < gr->n_lens; i++) {
        size_t len = gr->lens[i];
        if (len > n - at)
            continue;
        uint64_t key = text_key(g, v + at, len);
        for (uint32_t s = (uint32_t)key & p->mask; p->slots[s].key; s = (s + 1) & p->mask) {
            const slot *sl = &p->slots[s];
            if (sl->key == key && sl->len == len && memcmp(sl->text, v + at, len) == 0 &&
                fn(sl->id, at + len, ctx))
                return 1;
        }
    }
    return 0;
}

/* The groups whose prefix starts at v + at, looked up (a vg__pair_at: their first two bytes
 * are there). */
static int at_place(const void *obj, const char *v, size_t at, size_t n,
                    int (*fn)(unsigned, unsigned long long, void *), void *ctx)
{
    const vg__pfx *p = obj;
    if (at + 4 > n)
        return 0;
    uint32_t here = prefix_of(v + at);
    for (int g = 0; g < p->n_groups; g++)
        if (p->groups[g].prefix == here && lookup(p, g, v, at, n, fn, ctx))
            return 1;
    return 0;
}

void vg__pfx_scan(const vg__pfx *p, const char *v, size_t n,
                  int (*fn)(unsigned id, unsigned long long end, void *ctx), void *ctx)
{
    if (!p || n < VG_PFX_MIN_LEN)
        return;
    unsigned char pair[VG_PFX_MAX_GROUPS][2]; /* each group's first two bytes */
    for (int g = 0; g < p->n_groups; g++) {
        pair[g][0] = (unsigned char)(p->groups[g].prefix & 0xff);
        pair[g][1] = (unsigned char)(p->groups[g].prefix >> 8 & 0xff);
    }
    vg__pairs_scan((const unsigned char(*)[2])pair, p->n_groups, v, n, at_place, p, fn, ctx);
}

void vg__pfx_free(vg__pfx *p)
{
    if (!p)
        return;
    free(p->slots);
    free(p->texts);
    free(p);
}

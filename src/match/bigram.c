/*
 * bigram.c - a few literals found by one rare byte pair each (see bigram.h for why).
 *
 * Building: each literal is folded to lower case and given one of its byte pairs (at the
 * first place the pair occurs in it). The pairs are chosen greedily, as a weighted set cover:
 * each pair costs a compare at every position of the buffer, however rare it is, and a look
 * at its literals wherever it occurs, so the pair that covers the most literals still
 * without one is taken first, the rarer one on a tie, a pair's frequency in log text being
 * estimated as the product of rough byte weights (spaces, digits, hex and common letters are
 * frequent; path and option punctuation less; other punctuation rare). So fifteen of the
 * twenty mimikatz keywords share `::`, and three pairs cover all twenty.
 *
 * Scanning: sixteen positions at a time (SSE2), every chosen pair's two bytes are compared at
 * each position at once; where one matches, each literal holding that pair is compared in
 * full at the place it would start. An occurrence is found exactly once, at its pair.
 */
#include <emmintrin.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "bigram.h"

typedef struct blit {
    const char *text;  /* folded */
    uint32_t len, off; /* length; where its pair is in it */
    unsigned id;
} blit;

struct vg__bigram {
    int n_pairs;
    unsigned char pair[VG_BIGRAM_MAX_PAIRS][2];
    uint32_t first[VG_BIGRAM_MAX_PAIRS + 1]; /* the literals of pair k: lits[first[k]..] */
    blit lits[VG_BIGRAM_MAX_LITS];
    char *texts;
};

/* How often a byte appears in log text, roughly. */
static unsigned weight(unsigned char c)
{
    if (c == ' ')
        return 60;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c && strchr("tonisrhl", c)))
        return 40;
    if (c >= 'g' && c <= 'z')
        return 20;
    if (c && strchr("\\.-:/_,{}=", c))
        return 12;
    return c >= 0x20 && c < 0x7f ? 3 : 1;
}

/* Where the pair (a, b) first occurs in s (n bytes), or -1. */
static long find_pair(const char *s, size_t n, unsigned char a, unsigned char b)
{
    for (size_t j = 0; j + 1 < n; j++)
        if ((unsigned char)s[j] == a && (unsigned char)s[j + 1] == b)
            return (long)j;
    return -1;
}

/* Chooses the pairs: pair_of[i] is literal i's pair; returns how many, or -1 if more than
 * VG_BIGRAM_MAX_PAIRS are needed. */
static int choose_pairs(vg__bigram *g, char **t, const size_t *lens, size_t n, int *pair_of)
{
    size_t left = n;
    for (size_t i = 0; i < n; i++)
        pair_of[i] = -1;
    while (left) {
        double best = -1;
        unsigned char ba = 0, bb = 0;
        for (size_t i = 0; i < n; i++) { /* candidates: the pairs of uncovered literals */
            if (pair_of[i] >= 0)
                continue;
            for (size_t j = 0; j + 1 < lens[i]; j++) {
                unsigned char a = (unsigned char)t[i][j], b = (unsigned char)t[i][j + 1];
                size_t covers = 0;
                for (size_t k = 0; k < n; k++)
                    covers += pair_of[k] < 0 && find_pair(t[k], lens[k], a, b) >= 0;
                /* each pair costs a compare per position however rare it is, and a look
                 * at the literals wherever it occurs: fewer pairs first, rarer second */
                double score = (double)covers / (1.0 + (double)(weight(a) * weight(b)) / 4000);
                if (score > best) {
                    best = score;
                    ba = a;
                    bb = b;
                }
            }
        }
        if (g->n_pairs == VG_BIGRAM_MAX_PAIRS)
            return -1;
        int k = g->n_pairs++;
        g->pair[k][0] = ba;
        g->pair[k][1] = bb;
        for (size_t i = 0; i < n; i++)
            if (pair_of[i] < 0 && find_pair(t[i], lens[i], ba, bb) >= 0) {
                pair_of[i] = k;
                left--;
            }
    }
    return g->n_pairs;
}

int vg__bigram_build(const char *const *texts, const size_t *lens, const unsigned *ids, size_t n,
                     vg__bigram **out)
{
    *out = NULL;
    if (!n || n > VG_BIGRAM_MAX_LITS)
        return 0;
    size_t all = 0;
    for (size_t i = 0; i < n; i++) {
        if (lens[i] < 2)
            return 0;
        all += lens[i];
    }
    vg__bigram *g = calloc(1, sizeof *g);
    char *fold = g ? malloc(all) : NULL;
    if (!fold) {
        free(g);
        return VG_ERR_NOMEM;
    }
    g->texts = fold;
    char *t[VG_BIGRAM_MAX_LITS];
    int pair_of[VG_BIGRAM_MAX_LITS];
    for (size_t i = 0, at = 0; i < n; at += lens[i++]) {
        t[i] = fold + at;
        for (size_t k = 0; k < lens[i]; k++)
            t[i][k] = (char)vg__lower((unsigned char)texts[i][k]);
    }
    if (choose_pairs(g, t, lens, n, pair_of) < 0) {
        vg__bigram_free(g);
        return 0;
    }
    size_t m = 0;
    for (int k = 0; k < g->n_pairs; k++) {
        g->first[k] = (uint32_t)m;
        for (size_t i = 0; i < n; i++)
            if (pair_of[i] == k)
                g->lits[m++] = (blit){
                    t[i], (uint32_t)lens[i],
                    (uint32_t)find_pair(t[i], lens[i], g->pair[k][0], g->pair[k][1]), ids[i]};
    }
    g->first[g->n_pairs] = (uint32_t)m;
    *out = g;
    return 0;
}

/* The literals whose pair is at v + p. */
static int at_pair(const void *obj, const char *v, size_t p, size_t n,
                   int (*fn)(unsigned, unsigned long long, void *), void *ctx)
{
    const vg__bigram *g = obj;
    unsigned char a = (unsigned char)v[p], b = (unsigned char)v[p + 1];
    for (int k = 0; k < g->n_pairs; k++) {
        if (g->pair[k][0] != a || g->pair[k][1] != b)
            continue;
        for (uint32_t i = g->first[k]; i < g->first[k + 1]; i++) {
            const blit *l = &g->lits[i];
            if (p < l->off || p - l->off + l->len > n ||
                memcmp(v + p - l->off, l->text, l->len) != 0)
                continue;
            if (fn(l->id, p - l->off + l->len, ctx))
                return 1;
        }
    }
    return 0;
}

void vg__pairs_scan(const unsigned char (*pair)[2], int k, const char *v, size_t n, vg__pair_at at,
                    const void *obj, int (*fn)(unsigned id, unsigned long long end, void *ctx),
                    void *ctx)
{
    __m128i b0[VG_BIGRAM_MAX_PAIRS], b1[VG_BIGRAM_MAX_PAIRS];
    for (int j = 0; j < k; j++) {
        b0[j] = _mm_set1_epi8((char)pair[j][0]);
        b1[j] = _mm_set1_epi8((char)pair[j][1]);
    }
    size_t i = 0;
    for (; i + 17 <= n; i += 16) { /* pairs starting at i..i+15 (loads end by v + n) */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(v + i));
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(v + i + 1));
        __m128i any = _mm_setzero_si128();
        for (int j = 0; j < k; j++)
            any = _mm_or_si128(any,
                               _mm_and_si128(_mm_cmpeq_epi8(x, b0[j]), _mm_cmpeq_epi8(y, b1[j])));
        unsigned m = (unsigned)_mm_movemask_epi8(any);
        while (m) {
            size_t p = i + (size_t)__builtin_ctz(m);
            m &= m - 1;
            if (at(obj, v, p, n, fn, ctx))
                return;
        }
    }
    for (; i + 2 <= n; i++)
        for (int j = 0; j < k; j++)
            if ((unsigned char)v[i] == pair[j][0] && (unsigned char)v[i + 1] == pair[j][1]) {
                if (at(obj, v, i, n, fn, ctx))
                    return;
                break;
            }
}

void vg__bigram_scan(const vg__bigram *g, const char *v, size_t n,
                     int (*fn)(unsigned id, unsigned long long end, void *ctx), void *ctx)
{
    if (g && n >= 2)
        vg__pairs_scan((const unsigned char(*)[2])g->pair, g->n_pairs, v, n, at_pair, g, fn, ctx);
}

void vg__bigram_free(vg__bigram *g)
{
    if (!g)
        return;
    free(g->texts);
    free(g);
}

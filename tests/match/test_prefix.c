/*
 * test_prefix.c - literals grouped by their first four bytes and found by hashing
 * (src/match/prefix.c), against a plain search.
 *
 * Every occurrence of every literal a group took must be reported once, with the offset just
 * past it, wherever it lies in the value (at the start, across the sixteen-byte blocks of the
 * prefix search, ending at the last byte), whatever the case it was written in; literals a
 * group did not take (too short, too few sharing a prefix, a length beyond the group's most
 * common ones) are left for the scan and never reported; a callback that returns nonzero
 * stops the scan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "match/prefix.h"

#define MAX_LITS 400
#define MAX_HITS 4096

typedef struct hits {
    unsigned id[MAX_HITS];
    unsigned long long end[MAX_HITS];
    size_t n;
    size_t stop_after; /* 0: never stop */
} hits;

static int on_hit(unsigned id, unsigned long long end, void *ctx)
{
    hits *h = ctx;
    assert_true(h->n < MAX_HITS);
    h->id[h->n] = id;
    h->end[h->n++] = end;
    return h->stop_after && h->n >= h->stop_after;
}

static int cmp_hit(const void *a, const void *b)
{
    const unsigned long long *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

/* The hits as sorted (id << 32 | end) keys. */
static void keys(const hits *h, unsigned long long *k)
{
    for (size_t i = 0; i < h->n; i++)
        k[i] = (unsigned long long)h->id[i] << 32 | h->end[i];
    qsort(k, h->n, sizeof *k, cmp_hit);
}

static unsigned char low(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The occurrences of the taken literals in v, by a plain search. */
static void naive(char **texts, const size_t *lens, const uint8_t *taken, size_t n, const char *v,
                  size_t vn, hits *h)
{
    for (size_t i = 0; i < n; i++) {
        if (!taken[i])
            continue;
        for (size_t at = 0; at + lens[i] <= vn; at++) {
            size_t k = 0;
            while (k < lens[i] && low((unsigned char)texts[i][k]) == (unsigned char)v[at + k])
                k++;
            if (k == lens[i])
                on_hit((unsigned)i + 100, at + lens[i], h);
        }
    }
}

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static void test_every_occurrence_found(void **state)
{
    (void)state;
    static char store[MAX_LITS][80];
    char *texts[MAX_LITS];
    size_t lens[MAX_LITS];
    unsigned ids[MAX_LITS];
    uint8_t taken[MAX_LITS];
    static const char *const pre[] = {"SHA256=", "md5=", "ImpHash="};
    static const size_t hex[] = {64, 32, 32};
    size_t n = 0;
    uint32_t seed = 7;
    /* three groups of 100 (two of them in mixed case), 40 short ones, 20 of an odd length */
    for (int g = 0; g < 3; g++)
        for (int i = 0; i < 100; i++, n++) {
            size_t p = strlen(pre[g]);
            memcpy(store[n], pre[g], p);
            for (size_t k = 0; k < hex[g]; k++)
                store[n][p + k] = "0123456789ABCDEF"[rnd(&seed) % 16];
            lens[n] = p + hex[g];
            if (i < 20 && g == 0)
                lens[n] = p + 10 + (size_t)(i % 7); /* other lengths: 7 of them */
        }
    for (int i = 0; i < 40; i++, n++) {
        snprintf(store[n], sizeof store[n], "sha2%d", i % 10); /* < 8 bytes: never grouped */
        lens[n] = strlen(store[n]);
    }
    for (int i = 0; i < 20; i++, n++) { /* 20 sharing "zzzz": too few for a group */
        snprintf(store[n], sizeof store[n], "zzzz%08d", i);
        lens[n] = strlen(store[n]);
    }
    for (size_t i = 0; i < n; i++) {
        texts[i] = store[i];
        ids[i] = (unsigned)i + 100;
        taken[i] = 0;
    }
    vg__pfx *p = NULL;
    assert_int_equal(vg__pfx_build((const char *const *)texts, lens, ids, n, taken, &p), 0);
    assert_non_null(p);
    size_t n_taken = 0;
    for (size_t i = 0; i < n; i++) {
        n_taken += taken[i];
        if (i >= 300) /* the short ones and the small group stay in the scan */
            assert_int_equal(taken[i], 0);
    }
    /* groups: sha256= with its 4 most common lengths, md5=, imphash= */
    assert_true(n_taken >= 280 && n_taken < 300);

    /* values: random filler with literals (taken or not) planted at every offset mod 16 */
    char v[600];
    static hits got, want;
    static unsigned long long kg[MAX_HITS], kw[MAX_HITS];
    size_t total = 0;
    for (int round = 0; round < 400; round++) {
        size_t vn = 1 + rnd(&seed) % (sizeof v - 1);
        for (size_t k = 0; k < vn; k++)
            v[k] = "0123456789abcdef=,sha256md5"[rnd(&seed) % 27];
        for (int plant = 0; plant < 3; plant++) {
            size_t i = rnd(&seed) % n;
            if (lens[i] > vn)
                continue;
            size_t at = round % 5 == 0 ? vn - lens[i] : rnd(&seed) % (vn - lens[i] + 1);
            for (size_t k = 0; k < lens[i]; k++)
                v[at + k] = (char)low((unsigned char)texts[i][k]);
        }
        got.n = want.n = 0;
        got.stop_after = want.stop_after = 0;
        vg__pfx_scan(p, v, vn, on_hit, &got);
        naive(texts, lens, taken, n, v, vn, &want);
        assert_int_equal(got.n, want.n);
        keys(&got, kg);
        keys(&want, kw);
        assert_memory_equal(kg, kw, got.n * sizeof *kg);
        total += got.n;
    }
    assert_true(total > 300); /* the planted literals were there to be found */
    /* stopping: the callback's nonzero return ends the scan */
    size_t at = 0;
    for (size_t i = 0; i < 3; i++) {
        for (size_t k = 0; k < lens[100 + i]; k++)
            v[at + k] = (char)low((unsigned char)texts[100 + i][k]);
        at += lens[100 + i];
    }
    got.n = 0;
    got.stop_after = 1;
    vg__pfx_scan(p, v, at, on_hit, &got);
    assert_int_equal(got.n, 1);
    vg__pfx_free(p);
}

static void test_nothing_to_group(void **state)
{
    (void)state;
    const char *texts[] = {"powershell", "-encodedcommand", "\\temp\\"};
    size_t lens[] = {10, 15, 6};
    unsigned ids[] = {1, 2, 3};
    uint8_t taken[3] = {0, 0, 0};
    vg__pfx *p = (vg__pfx *)1;
    assert_int_equal(vg__pfx_build(texts, lens, ids, 3, taken, &p), 0);
    assert_null(p);
    assert_true(!taken[0] && !taken[1] && !taken[2]);
    hits h = {.n = 0};
    vg__pfx_scan(NULL, "powershell", 10, on_hit, &h); /* no groups: nothing is reported */
    assert_int_equal(h.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_occurrence_found),
        cmocka_unit_test(test_nothing_to_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

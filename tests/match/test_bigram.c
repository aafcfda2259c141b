/*
 * test_bigram.c - keyword literals found by one byte pair each (src/match/bigram.c), against
 * a plain search.
 *
 * Every occurrence of every literal must be reported, once, with the offset just past it,
 * wherever it lies (the first bytes, across sixteen-byte blocks, ending at the last byte),
 * whatever the case it was written in, including literals that overlap and literals whose
 * pair occurs more than once in them; sets that are too large, hold a one-byte literal or need
 * too many pairs are refused (left to Vectorscan); a nonzero return from the callback stops
 * the scan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "match/bigram.h"

#define MAX_HITS 8192

typedef struct hits {
    unsigned long long key[MAX_HITS]; /* id << 32 | end */
    size_t n, stop_after;
} hits;

static int on_hit(unsigned id, unsigned long long end, void *ctx)
{
    hits *h = ctx;
    assert_true(h->n < MAX_HITS);
    h->key[h->n++] = (unsigned long long)id << 32 | end;
    return h->stop_after && h->n >= h->stop_after;
}

static int cmp_key(const void *a, const void *b)
{
    const unsigned long long *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

static unsigned char low(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static void naive(const char *const *t, const size_t *lens, size_t n, const char *v, size_t vn,
                  hits *h)
{
    for (size_t i = 0; i < n; i++)
        for (size_t at = 0; at + lens[i] <= vn; at++) {
            size_t k = 0;
            while (k < lens[i] && low((unsigned char)t[i][k]) == (unsigned char)v[at + k])
                k++;
            if (k == lens[i])
                on_hit((unsigned)i + 7, at + lens[i], h);
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
    static const char *const t[] = {"sekurlsa::",
                                    "Kerberos::ptt",
                                    "kerberos::golden",
                                    "lsadump::",
                                    "misc::skeleton",
                                    "privilege::debug",
                                    "gentilkiwi.com",
                                    "Kiwi Legit Printer",
                                    "mimidrv.sys",
                                    "\\mimilib.dll",
                                    "eo.oe.kiwi",
                                    "::",
                                    "aaaa",
                                    "aa",
                                    "abab"};
    enum { N = sizeof t / sizeof *t };
    size_t lens[N];
    unsigned ids[N];
    for (size_t i = 0; i < N; i++) {
        lens[i] = strlen(t[i]);
        ids[i] = (unsigned)i + 7;
    }
    vg__bigram *g = NULL;
    assert_int_equal(vg__bigram_build(t, lens, ids, N, &g), 0);
    assert_non_null(g);
    char v[700];
    static hits got, want;
    uint32_t seed = 11;
    size_t total = 0;
    for (int round = 0; round < 600; round++) {
        size_t vn = rnd(&seed) % sizeof v;
        for (size_t k = 0; k < vn; k++)
            v[k] = "abkimos:.\\ l-"[rnd(&seed) % 13];
        for (int plant = 0; plant < 4 && vn; plant++) {
            size_t i = rnd(&seed) % N;
            if (lens[i] > vn)
                continue;
            size_t at = round % 4 == 0 ? vn - lens[i] : rnd(&seed) % (vn - lens[i] + 1);
            for (size_t k = 0; k < lens[i]; k++)
                v[at + k] = (char)low((unsigned char)t[i][k]);
        }
        got.n = want.n = 0;
        got.stop_after = 0;
        vg__bigram_scan(g, v, vn, on_hit, &got);
        naive(t, lens, N, v, vn, &want);
        assert_int_equal(got.n, want.n);
        qsort(got.key, got.n, sizeof *got.key, cmp_key);
        qsort(want.key, want.n, sizeof *want.key, cmp_key);
        assert_memory_equal(got.key, want.key, got.n * sizeof *got.key);
        total += got.n;
    }
    assert_true(total > 1000);
    got.n = 0;
    got.stop_after = 2;
    vg__bigram_scan(g, "sekurlsa::lsadump::misc::skeleton", 33, on_hit, &got);
    assert_int_equal(got.n, 2);
    vg__bigram_free(g);
}

static void test_refused(void **state)
{
    (void)state;
    const char *t[VG_BIGRAM_MAX_LITS + 1];
    size_t lens[VG_BIGRAM_MAX_LITS + 1];
    unsigned ids[VG_BIGRAM_MAX_LITS + 1];
    static char two[VG_BIGRAM_MAX_LITS + 1][3];
    for (int i = 0; i <= VG_BIGRAM_MAX_LITS; i++) { /* distinct two-byte literals */
        two[i][0] = (char)('a' + i % 26);
        two[i][1] = (char)('0' + i / 26);
        t[i] = two[i];
        lens[i] = 2;
        ids[i] = (unsigned)i;
    }
    vg__bigram *g = (vg__bigram *)1;
    /* too many literals */
    assert_int_equal(vg__bigram_build(t, lens, ids, VG_BIGRAM_MAX_LITS + 1, &g), 0);
    assert_null(g);
    /* too many pairs: every literal needs its own */
    g = (vg__bigram *)1;
    assert_int_equal(vg__bigram_build(t, lens, ids, VG_BIGRAM_MAX_PAIRS + 1, &g), 0);
    assert_null(g);
    /* as many as allowed */
    assert_int_equal(vg__bigram_build(t, lens, ids, VG_BIGRAM_MAX_PAIRS, &g), 0);
    assert_non_null(g);
    vg__bigram_free(g);
    /* a one-byte literal */
    g = (vg__bigram *)1;
    const char *one[] = {"sekurlsa::", "x"};
    size_t ol[] = {10, 1};
    assert_int_equal(vg__bigram_build(one, ol, ids, 2, &g), 0);
    assert_null(g);
    hits h = {.n = 0};
    vg__bigram_scan(NULL, "sekurlsa::", 10, on_hit, &h);
    assert_int_equal(h.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_occurrence_found),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_util.c - unit tests for the base building blocks (src/base/util.c, diag.c, error.c).
 *
 * The arena must hand out 16-byte aligned, zeroed memory whatever the request size, including
 * requests bigger than a chunk; the JSON string writer must escape exactly the bytes JSON
 * requires and round-trip through the parser; the string multimap must keep every duplicate
 * of a key and find each one, also after it grows; file reading must report a missing file as
 * VG_ERR_NOENT; every code in VG_ERRNO_MAP must have its message and name and unknown codes a
 * fixed fallback; and the diagnostics list must copy what it is given and cap its size. An
 * arena adopted by another stays valid and is freed once; a range of diagnostics copied to
 * another list arrives unchanged, in order, under the same cap (how loader threads merge).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/base.h"
#include "base/json.h"

/* ---- string views ---- */

static void test_str_views(void **state)
{
    (void)state;
    vg__str a = vg__str_c("PowerShell"), b = vg__str_c("powershell");
    assert_int_equal(a.len, 10);
    assert_int_equal(vg__str_c(NULL).len, 0);
    assert_false(vg__str_eq(a, b));
    assert_true(vg__str_eq(a, vg__str_c("PowerShell")));
    assert_true(vg__str_ieq(a, b));
    assert_false(vg__str_ieq(a, vg__str_c("powershel")));
    assert_true(vg__str_ieq_c(VG_STR("T1059.001"), "t1059.001"));
    assert_true(vg__str_istarts(VG_STR("Attack.T1059"), "attack."));
    assert_false(vg__str_istarts(VG_STR("attack"), "attack."));
    assert_true(vg__str_icontains(a, VG_STR("SHELL")));
    assert_true(vg__str_icontains(a, VG_STR("")));
    assert_false(vg__str_icontains(VG_STR("abc"), VG_STR("abcd")));
    assert_false(vg__str_icontains(a, VG_STR("shells")));
    /* only ASCII letters fold */
    assert_int_equal(vg__lower('A'), 'a');
    assert_int_equal(vg__lower('['), '[');
    assert_int_equal(vg__lower(0xC9), 0xC9);
}

/* The word-at-a-time folding, comparing and hashing agree with the byte-wise definitions for
 * every byte value at every position and length (tails included). */
/* vg__hash_lower as first written: bytes folded one by one, the tail copied into a zeroed word.
 * The word-at-a-time version must give the same hash for every length (the index keeps
 * hashes of field names). */
static uint32_t ref_hash_lower(const unsigned char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w = 0;
        for (size_t k = 0; k < 8 && i + k < n; k++)
            w |= (uint64_t)vg__lower(p[i + k]) << (8 * k);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    h *= 0xc4ceb9fe1a85ec53ull;
    uint32_t r = (uint32_t)(h >> 32);
    return r ? r : 1;
}

static void test_fold_word_at_a_time(void **state)
{
    (void)state;
    unsigned char src[40], want[40], got[40];
    for (int b = 0; b < 256; b++) {
        for (size_t len = 1; len <= sizeof src; len++) {
            size_t at = (size_t)b % len;
            for (size_t i = 0; i < len; i++)
                src[i] = (unsigned char)("aZ@[`{\x7f\x80"[i % 8]);
            src[at] = (unsigned char)b;
            for (size_t i = 0; i < len; i++)
                want[i] = vg__lower(src[i]);
            vg__lower_copy((char *)got, (const char *)src, len);
            assert_memory_equal(got, want, len);
            vg__str s = {(const char *)src, len}, w = {(const char *)want, len};
            assert_true(vg__str_ieq(s, w));
            assert_int_equal(vg__hash_lower(s.ptr, len), vg__hash_lower(w.ptr, len));
            for (size_t k = 0; k <= len; k++) /* every length, from every start */
                assert_int_equal(vg__hash_lower((const char *)src + len - k, k),
                                 ref_hash_lower(src + len - k, k));
            unsigned char other[40];
            memcpy(other, want, len);
            other[at] ^= 0x01;
            assert_false(vg__str_ieq(s, (vg__str){(const char *)other, len}));
        }
    }
    assert_true(vg__hash_lower("", 0) != 0);
    assert_true(vg__hash_lower("Channel", 7) != vg__hash_lower("EventID", 7));
}

/* ---- arena ---- */

static void assert_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) {
            print_message("byte %zu is %u, not zero\n", i, p[i]);
            fail();
        }
}

static void test_arena_alignment(void **state)
{
    (void)state;
    vg__arena a;
    vg__arena_init(&a);
    static const size_t sizes[] = {1, 3, 15, 16, 17, 0, 31, 33, 100, 4095, 70000, 2, 1 << 20, 5};
    size_t expect_total = 0;
    for (size_t i = 0; i < VG_ARRAY_LEN(sizes); i++) {
        unsigned char *p = vg__arena_alloc(&a, sizes[i]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_zero(p, sizes[i]);
        memset(p, 0xA5, sizes[i]); /* the next allocation must not overlap this one */
        size_t rounded = sizes[i] ? (sizes[i] + 15) / 16 * 16 : 16;
        expect_total += rounded;
        assert_int_equal(a.used_total, expect_total);
    }
    vg__arena_free(&a);
    assert_null(a.head);
    assert_int_equal(a.used_total, 0);
    vg__arena_free(&a); /* freeing twice is harmless */
}

static void test_arena_zeroing(void **state)
{
    (void)state;
    /* Dirty memory, free it, allocate again: malloc tends to hand the same block back, and
     * the arena must zero it either way. */
    for (int round = 0; round < 3; round++) {
        vg__arena a;
        vg__arena_init(&a);
        for (int i = 0; i < 200; i++) {
            size_t n = (size_t)(i * 37 % 900) + 1;
            unsigned char *p = vg__arena_alloc(&a, n);
            assert_non_null(p);
            assert_int_equal((uintptr_t)p % 16, 0);
            assert_zero(p, (n + 15) / 16 * 16); /* the padding is zeroed too */
            memset(p, 0xFF, n);
        }
        vg__arena_free(&a);
    }
}

static void test_arena_strings(void **state)
{
    (void)state;
    vg__arena a;
    vg__arena_init(&a);
    char *s = vg__arena_strndup(&a, "Cozy Bear!", 9);
    assert_string_equal(s, "Cozy Bear");
    assert_int_equal((uintptr_t)s % 16, 0);
    s = vg__arena_strndup(&a, NULL, 0);
    assert_string_equal(s, "");
    s = vg__arena_strlower(&a, "APT29 \xc3\x89X", 9);
    assert_string_equal(s, "apt29 \xc3\x89x");
    vg__arena_free(&a);
}

/* Adopting moves every block: what was allocated in the source stays valid and is freed with
 * the destination, whose own next allocations continue; an empty source changes nothing. */
static void test_arena_adopt(void **state)
{
    (void)state;
    vg__arena dst, src, empty;
    vg__arena_init(&dst);
    vg__arena_init(&src);
    vg__arena_init(&empty);
    char *d1 = vg__arena_strndup(&dst, "first", 5);
    char *s[100];
    for (int i = 0; i < 100; i++) { /* several blocks: 100 x 4 KiB is past the first 64 KiB */
        s[i] = vg__arena_alloc(&src, 4096);
        assert_non_null(s[i]);
        snprintf(s[i], 4096, "block %d", i);
    }
    size_t total = dst.used_total + src.used_total;
    vg__arena_adopt(&dst, &src);
    assert_null(src.head);
    assert_int_equal(src.used_total, 0);
    assert_int_equal(dst.used_total, total);
    assert_string_equal(d1, "first");
    for (int i = 0; i < 100; i++) {
        char want[32];
        snprintf(want, sizeof want, "block %d", i);
        assert_string_equal(s[i], want);
    }
    char *d2 = vg__arena_strndup(&dst, "second", 6);
    assert_string_equal(d2, "second");
    vg__arena_adopt(&dst, &empty);
    assert_int_equal(dst.used_total, total + 16);
    /* into an empty arena */
    vg__arena_adopt(&empty, &dst);
    assert_null(dst.head);
    assert_string_equal(s[99], "block 99");
    vg__arena_free(&empty); /* ASan: every block freed once */
    vg__arena_free(&src);
}

/* ---- buffer ---- */

static void test_buf_basic(void **state)
{
    (void)state;
    vg__buf b;
    vg__buf_init(&b);
    vg__buf_adds(&b, "ab");
    vg__buf_addc(&b, 'c');
    vg__buf_add(&b, "dxx", 1);
    vg__buf_printf(&b, "-%d-%s", 42, "z");
    assert_int_equal(b.len, 9);
    assert_string_equal(b.ptr, "abcd-42-z");
    /* a formatted piece longer than the 256-byte stack buffer */
    char big[600];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = 0;
    vg__buf_printf(&b, "<%s>", big);
    assert_int_equal(b.len, 9 + 601);
    assert_int_equal(b.ptr[9], '<');
    assert_int_equal(b.ptr[9 + 600], '>');
    assert_int_equal(b.ptr[b.len], 0);
    size_t len = 0;
    char *p = vg__buf_take(&b, &len);
    assert_int_equal(len, 610);
    assert_int_equal(strlen(p), 610);
    assert_null(b.ptr); /* the buffer is reset */
    assert_int_equal(b.len, 0);
    free(p);
    /* taking an empty buffer gives an empty string */
    p = vg__buf_take(&b, &len);
    assert_non_null(p);
    assert_string_equal(p, "");
    assert_int_equal(len, 0);
    free(p);
    vg__buf_free(&b);
}

static char *json_str(const char *s, size_t n)
{
    vg__buf b;
    vg__buf_init(&b);
    vg__buf_json_str(&b, s, n);
    return vg__buf_take(&b, NULL);
}

static void test_buf_json_escaping(void **state)
{
    (void)state;
    char *p = json_str("plain", 5);
    assert_string_equal(p, "\"plain\"");
    free(p);
    p = json_str("", 0);
    assert_string_equal(p, "\"\"");
    free(p);
    /* quote, backslash, the named control escapes, other controls as \u00XX; DEL, '/' and
     * UTF-8 pass through */
    const char in[] = "a\"b\\c\nd\re\tf\x01g\x1fh\x7fi/j\xc3\xa9k\bl\fm";
    p = json_str(in, sizeof in - 1);
    assert_string_equal(
        p, "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh\x7fi/j\xc3\xa9k\\u0008l\\u000cm\"");
    free(p);
    /* an embedded NUL is written as \u0000 */
    p = json_str("x\0y", 3);
    assert_string_equal(p, "\"x\\u0000y\"");
    free(p);
    /* escaping at the very start and end */
    p = json_str("\"\\", 2);
    assert_string_equal(p, "\"\\\"\\\\\"");
    free(p);
}

static void test_buf_json_roundtrip(void **state)
{
    (void)state;
    /* every byte value 1..255 (bytes >= 0x80 are passed through as they are) */
    char in[256];
    for (int i = 0; i < 255; i++)
        in[i] = (char)(i + 1);
    in[255] = 0;
    char *p = json_str(in, 255);
    vg__json j;
    vg__json_init(&j);
    assert_int_equal(vg__json_parse(&j, p, strlen(p)), 0);
    assert_int_equal(j.n, 1);
    char out[2048];
    long n = vg__json_unescape(&j, 0, out, sizeof out);
    assert_int_equal(n, 255);
    assert_memory_equal(out, in, 255);
    vg__json_free(&j);
    free(p);
}

/* ---- vectors ---- */

static void test_vec(void **state)
{
    (void)state;
    vg__vec v = {0};
    for (uint32_t i = 0; i < 1000; i++) {
        uint32_t *slot = vg__vec_push(&v, sizeof *slot);
        assert_non_null(slot);
        assert_int_equal(*slot, 0);
        *slot = i * 3;
    }
    assert_int_equal(v.len, 1000);
    for (uint32_t i = 0; i < 1000; i++)
        assert_int_equal(((uint32_t *)v.ptr)[i], i * 3);
    vg__vec_free(&v);
    assert_null(v.ptr);
    assert_int_equal(v.len, 0);
}

/* ---- string multimap ---- */

/* All values of key, in iteration order; returns the count. */
static size_t smap_values(const vg__smap *m, const char *key, size_t klen, uint32_t *out,
                          size_t cap)
{
    size_t it = 0, n = 0;
    uint32_t v;
    while (vg__smap_next(m, key, klen, &it, &v)) {
        if (n < cap)
            out[n] = v;
        n++;
    }
    return n;
}

static void test_smap_duplicates(void **state)
{
    (void)state;
    vg__smap m = {0};
    uint32_t vals[16];
    /* empty map */
    assert_int_equal(smap_values(&m, "a", 1, vals, 16), 0);
    assert_int_equal(vg__smap_add(&m, "apt29", 5, 1), 0);
    assert_int_equal(vg__smap_add(&m, "cozy bear", 9, 2), 0);
    assert_int_equal(vg__smap_add(&m, "apt29", 5, 3), 0);
    assert_int_equal(vg__smap_add(&m, "apt29", 5, 3), 0); /* even the same value twice */
    assert_int_equal(vg__smap_add(&m, "powershell", 10, 4), 0);
    assert_int_equal(vg__smap_add(&m, "apt29", 5, 5), 0);
    assert_int_equal(m.len, 6);
    /* duplicates come back in insertion order (they lie along one probe sequence) */
    assert_int_equal(smap_values(&m, "apt29", 5, vals, 16), 4);
    assert_int_equal(vals[0], 1);
    assert_int_equal(vals[1], 3);
    assert_int_equal(vals[2], 3);
    assert_int_equal(vals[3], 5);
    assert_int_equal(smap_values(&m, "cozy bear", 9, vals, 16), 1);
    assert_int_equal(vals[0], 2);
    /* keys are compared exactly: length, case and prefixes matter */
    assert_int_equal(smap_values(&m, "APT29", 5, vals, 16), 0);
    assert_int_equal(smap_values(&m, "apt2", 4, vals, 16), 0);
    assert_int_equal(smap_values(&m, "apt29x", 5, vals, 16), 4); /* klen bounds the key */
    assert_int_equal(smap_values(&m, "missing", 7, vals, 16), 0);
    vg__smap_free(&m);
    assert_null(m.slots);
    assert_int_equal(m.cap, 0);
}

static void test_smap_growth(void **state)
{
    (void)state;
    enum { N = 5000 };
    static char keys[N][12];
    vg__smap m = {0};
    for (uint32_t i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "k%u", (unsigned)i);
        assert_int_equal(vg__smap_add(&m, keys[i], strlen(keys[i]), i), 0);
    }
    /* one key with many duplicates, added across several growths */
    for (uint32_t i = 0; i < 300; i++)
        assert_int_equal(vg__smap_add(&m, "dup", 3, 100000 + i), 0);
    assert_int_equal(m.len, N + 300);
    assert_true(m.len * 4 < m.cap * 3); /* load factor stays under 3/4 */
    for (uint32_t i = 0; i < N; i++) {
        uint32_t v[2];
        assert_int_equal(smap_values(&m, keys[i], strlen(keys[i]), v, 2), 1);
        assert_int_equal(v[0], i);
    }
    static uint32_t d[400];
    assert_int_equal(smap_values(&m, "dup", 3, d, 400), 300);
    /* each duplicate exactly once */
    int seen[300] = {0};
    for (size_t i = 0; i < 300; i++) {
        assert_in_range(d[i], 100000, 100299);
        seen[d[i] - 100000]++;
    }
    for (size_t i = 0; i < 300; i++)
        assert_int_equal(seen[i], 1);
    vg__smap_free(&m);
}

static void test_hash(void **state)
{
    (void)state;
    /* FNV-1a; 0 is reserved */
    assert_int_equal(vg__hash("", 0), 2166136261u);
    assert_int_equal(vg__hash("a", 1), 0xe40c292cu);
    assert_int_not_equal(vg__hash("ab", 2), vg__hash("ba", 2));
}

/* ---- files ---- */

static void test_read_file(void **state)
{
    (void)state;
    char *buf = (char *)1;
    size_t len = 7;
    assert_int_equal(vg__read_file("/nonexistent-vigil-dir/no-such-file.json", 1 << 20, &buf, &len),
                     VG_ERR_NOENT);
    assert_null(buf);
    assert_int_equal(len, 0);

    char path[] = "/tmp/vigil-test-util-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "{\"type\":\"bundle\"}\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    assert_int_equal(vg__read_file(path, 1 << 20, &buf, &len), 0);
    assert_int_equal(len, sizeof text - 1);
    assert_string_equal(buf, text); /* NUL-terminated */
    free(buf);
    /* exactly at the cap reads; one byte under fails */
    assert_int_equal(vg__read_file(path, sizeof text - 1, &buf, &len), 0);
    free(buf);
    assert_int_equal(vg__read_file(path, sizeof text - 2, &buf, &len), VG_ERR_LIMIT);
    assert_null(buf);
    assert_int_equal(len, 0);
    unlink(path);
    /* a directory is not a file */
    assert_int_equal(vg__read_file("/", 1 << 20, &buf, &len), VG_ERR_IO);
    assert_null(buf);
}

/* ---- error codes ---- */

static const struct {
    int code;
    const char *msg, *name;
} codes[] = {
#define ROW_(n, m) {VG_ERR_##n, m, "VG_ERR_" #n},
    VG_ERRNO_MAP(ROW_)
#undef ROW_
};

static void test_errors(void **state)
{
    (void)state;
    assert_int_equal(VG_ARRAY_LEN(codes), 14);
    for (size_t i = 0; i < VG_ARRAY_LEN(codes); i++) {
        /* codes are negative, consecutive from VG_ERR_FIRST_ + 1 */
        assert_int_equal(codes[i].code, VG_ERR_FIRST_ + 1 + (int)i);
        assert_true(codes[i].code < 0);
        assert_string_equal(vg_strerror(codes[i].code), codes[i].msg);
        assert_string_equal(vg_errname(codes[i].code), codes[i].name);
    }
    /* spot checks against the literal text, so the table itself is pinned */
    assert_string_equal(vg_strerror(VG_ERR_NOMEM), "out of memory");
    assert_string_equal(vg_errname(VG_ERR_NOENT), "VG_ERR_NOENT");
    assert_string_equal(vg_strerror(VG_ERR_AMBIGUOUS), "ambiguous name");
    assert_string_equal(vg_errname(VG_ERR_AMBIGUOUS), "VG_ERR_AMBIGUOUS");
    assert_int_equal(VG_ERR_LAST_, VG_ERR_AMBIGUOUS + 1);
    assert_string_equal(vg_strerror(0), "success");
    assert_string_equal(vg_errname(0), "VG_OK");
    static const int unknown[] = {
        1, -1, VG_ERR_FIRST_, VG_ERR_LAST_, VG_ERR_FIRST_ - 1, INT_MIN, INT_MAX, 42};
    for (size_t i = 0; i < VG_ARRAY_LEN(unknown); i++) {
        assert_string_equal(vg_strerror(unknown[i]), "unknown error");
        assert_string_equal(vg_errname(unknown[i]), "VG_ERR_UNKNOWN");
    }
    assert_string_equal(vg_version(), VG_VERSION_STRING);
}

/* ---- diagnostics ---- */

static void test_diags_ops(void **state)
{
    (void)state;
    vg_diags *d = vg_diags_new();
    assert_non_null(d);
    assert_int_equal(vg_diags_count(d), 0);
    assert_null(vg_diags_get(d, 0));
    char file[] = "bundle.json", obj[] = "attack-pattern--1";
    assert_int_equal(vg__diag_add(d, VG_ERR_TYPE, VG_SEV_ERROR, file, 3, 7, 120, obj,
                                  "field \"%s\" must be a %s", "name", "string"),
                     0);
    assert_int_equal(vg__diag_add(d, VG_ERR_REF, VG_SEV_WARNING, NULL, 0, 0, 0, NULL, "dangling"),
                     0);
    assert_int_equal(vg__diag_add(d, VG_ERR_DUP, VG_SEV_NOTE, "x", 1, 1, 0, NULL, "%s", "note"), 0);
    /* the list keeps its own copies */
    memset(file, 'X', sizeof file - 1);
    memset(obj, 'Y', sizeof obj - 1);
    assert_int_equal(vg_diags_count(d), 3);
    const vg_diag *r = vg_diags_get(d, 0);
    assert_non_null(r);
    assert_int_equal(r->code, VG_ERR_TYPE);
    assert_int_equal(r->severity, VG_SEV_ERROR);
    assert_string_equal(r->file, "bundle.json");
    assert_int_equal(r->line, 3);
    assert_int_equal(r->col, 7);
    assert_int_equal(r->offset, 120);
    assert_string_equal(r->object, "attack-pattern--1");
    assert_string_equal(r->message, "field \"name\" must be a string");
    r = vg_diags_get(d, 1);
    assert_null(r->file);
    assert_null(r->object);
    assert_string_equal(r->message, "dangling");
    assert_null(vg_diags_get(d, 3));
    assert_int_equal(vg_diags_count_at(d, VG_SEV_NOTE), 3);
    assert_int_equal(vg_diags_count_at(d, VG_SEV_WARNING), 2);
    assert_int_equal(vg_diags_count_at(d, VG_SEV_ERROR), 1);
    vg_diags_clear(d);
    assert_int_equal(vg_diags_count(d), 0);
    assert_null(vg_diags_get(d, 0));
    /* usable after clear */
    assert_int_equal(vg__diag_add(d, VG_ERR_IO, VG_SEV_ERROR, NULL, 0, 0, 0, NULL, "again"), 0);
    assert_string_equal(vg_diags_get(d, 0)->message, "again");
    vg_diags_free(d);
    /* NULL lists */
    vg_diags_free(NULL);
    vg_diags_clear(NULL);
    assert_int_equal(vg_diags_count(NULL), 0);
    assert_null(vg_diags_get(NULL, 0));
    assert_int_equal(vg_diags_count_at(NULL, VG_SEV_NOTE), 0);
    assert_int_equal(vg__diag_add(NULL, VG_ERR_IO, VG_SEV_ERROR, NULL, 0, 0, 0, NULL, "x"), 0);
}

static void test_diags_limits(void **state)
{
    (void)state;
    vg_diags *d = vg_diags_new();
    assert_non_null(d);
    /* a message longer than VG_DIAG_MAX_MESSAGE is cut to fit */
    char longmsg[VG_DIAG_MAX_MESSAGE * 2];
    memset(longmsg, 'm', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = 0;
    assert_int_equal(vg__diag_add(d, VG_ERR_IO, VG_SEV_NOTE, NULL, 0, 0, 0, NULL, "%s", longmsg),
                     0);
    assert_int_equal(strlen(vg_diags_get(d, 0)->message), VG_DIAG_MAX_MESSAGE - 1);
    /* at most VG_DIAG_MAX_RECORDS records are stored; further ones are dropped quietly */
    for (size_t i = 1; i < VG_DIAG_MAX_RECORDS + 10; i++)
        assert_int_equal(vg__diag_add(d, VG_ERR_IO, VG_SEV_NOTE, NULL, 0, 0, i, NULL, "r"), 0);
    assert_int_equal(vg_diags_count(d), VG_DIAG_MAX_RECORDS);
    assert_int_equal(vg_diags_get(d, VG_DIAG_MAX_RECORDS - 1)->offset, VG_DIAG_MAX_RECORDS - 1);
    assert_null(vg_diags_get(d, VG_DIAG_MAX_RECORDS));
    vg_diags_free(d);
}

/* Copying a range of another list's records: exact copies in order, under the destination's
 * cap, the dropped count passed on. */
static void test_diags_copy(void **state)
{
    (void)state;
    vg_diags *src = vg_diags_new(), *dst = vg_diags_new();
    assert_non_null(src);
    assert_non_null(dst);
    for (int i = 0; i < 5; i++)
        assert_int_equal(vg__diag_add(src, VG_ERR_TYPE - i, (vg_severity)(i % 3),
                                      i ? "f.yml" : NULL, (uint32_t)i + 1, (uint32_t)i + 2,
                                      (uint64_t)i * 10, i % 2 ? "rule-id" : NULL, "message %d %%s",
                                      i),
                         0);
    assert_int_equal(vg__diags_copy(dst, src, 1, 4, 0), 0);
    assert_int_equal(vg_diags_count(dst), 3);
    for (size_t i = 0; i < 3; i++) {
        const vg_diag *a = vg_diags_get(src, i + 1), *b = vg_diags_get(dst, i);
        assert_int_equal(a->code, b->code);
        assert_int_equal(a->severity, b->severity);
        assert_string_equal(a->file, b->file);
        assert_int_equal(a->line, b->line);
        assert_int_equal(a->col, b->col);
        assert_int_equal(a->offset, b->offset);
        if (a->object)
            assert_string_equal(a->object, b->object);
        else
            assert_null(b->object);
        assert_string_equal(a->message, b->message); /* "%s" in a message stays text */
    }
    assert_int_equal(vg__diags_dropped(dst), 0);
    /* a range past the end stops at the end; NULL lists are no-ops */
    assert_int_equal(vg__diags_copy(dst, src, 4, 99, 0), 0);
    assert_int_equal(vg_diags_count(dst), 4);
    assert_int_equal(vg__diags_copy(NULL, src, 0, 5, 7), 0);
    assert_int_equal(vg__diags_copy(dst, NULL, 0, 5, 0), 0);
    assert_int_equal(vg__diags_dropped(NULL), 0);
    /* the cap: one slot left, three copied, two more already dropped at the source */
    vg_diags_clear(dst);
    for (size_t i = 0; i + 1 < VG_DIAG_MAX_RECORDS; i++)
        assert_int_equal(vg__diag_add(dst, VG_ERR_IO, VG_SEV_NOTE, NULL, 0, 0, i, NULL, "r"), 0);
    assert_int_equal(vg__diags_copy(dst, src, 0, 3, 2), 0);
    assert_int_equal(vg_diags_count(dst), VG_DIAG_MAX_RECORDS);
    assert_string_equal(vg_diags_get(dst, VG_DIAG_MAX_RECORDS - 1)->message, "message 0 %s");
    assert_int_equal(vg__diags_dropped(dst), 2 + 2);
    vg_diags_free(src);
    vg_diags_free(dst);
}

static void test_line_col(void **state)
{
    (void)state;
    const char *s = "ab\ncd\n\nx";
    uint32_t line, col;
    static const struct {
        size_t off;
        uint32_t line, col;
    } cases[] = {{0, 1, 1}, {1, 1, 2}, {2, 1, 3}, {3, 2, 1}, {5, 2, 3},
                 {6, 3, 1}, {7, 4, 1}, {8, 4, 2}, {99, 4, 2}};
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        vg__line_col(s, strlen(s), cases[i].off, &line, &col);
        assert_int_equal(line, cases[i].line);
        assert_int_equal(col, cases[i].col);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str_views),
        cmocka_unit_test(test_fold_word_at_a_time),
        cmocka_unit_test(test_arena_alignment),
        cmocka_unit_test(test_arena_zeroing),
        cmocka_unit_test(test_arena_strings),
        cmocka_unit_test(test_arena_adopt),
        cmocka_unit_test(test_buf_basic),
        cmocka_unit_test(test_buf_json_escaping),
        cmocka_unit_test(test_buf_json_roundtrip),
        cmocka_unit_test(test_vec),
        cmocka_unit_test(test_smap_duplicates),
        cmocka_unit_test(test_smap_growth),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_diags_ops),
        cmocka_unit_test(test_diags_limits),
        cmocka_unit_test(test_diags_copy),
        cmocka_unit_test(test_line_col),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

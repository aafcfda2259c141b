/*
 * test_value.c - the text of every EVTX value type (src/evtx/value.c) against a reference.
 *
 * value.c formats numbers, hex, GUIDs, SIDs and times by hand and converts UTF-16 four code
 * units at a time. The reference here is the way value.c used to do it: printf for every
 * number ("%d", "%llu", "0x%llx", "%08X-...", "S-%u-%llu-%u"), gmtime_r for FILETIME and one
 * code unit at a time for UTF-16. Each test feeds both the same values, edge values first
 * (0, -1, the minimum and maximum of each type, every power of ten, FILETIME 0 and max,
 * SYSTEMTIME fields at 0xffff, SIDs with 0 to 255 sub-authorities, unpaired surrogates at
 * every position of a 4-unit block, NUL units inside and at the end) then a fixed-seed random
 * stream, and asserts the same text and the same result code, byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "evtx/evtx.h"

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

/* ---- the reference ---- */

static void ref_utf8(vg__buf *b, uint32_t cp)
{
    if (cp < 0x80) {
        vg__buf_addc(b, (char)cp);
    } else if (cp < 0x800) {
        vg__buf_printf(b, "%c%c", 0xc0 | cp >> 6, 0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        vg__buf_printf(b, "%c%c%c", 0xe0 | cp >> 12, 0x80 | (cp >> 6 & 0x3f), 0x80 | (cp & 0x3f));
    } else {
        vg__buf_printf(b, "%c%c%c%c", 0xf0 | cp >> 18, 0x80 | (cp >> 12 & 0x3f),
                       0x80 | (cp >> 6 & 0x3f), 0x80 | (cp & 0x3f));
    }
}

static void ref_utf16(const uint8_t *p, size_t n, int stop_nul, vg__buf *b)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u = vg__evtx_le16(p + 2 * i);
        if (u == 0 && stop_nul)
            break;
        if (u >= 0xd800 && u < 0xdc00 && i + 1 < n) {
            uint32_t lo = vg__evtx_le16(p + 2 * i + 2);
            if (lo >= 0xdc00 && lo < 0xe000) {
                ref_utf8(b, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
                i++;
                continue;
            }
        }
        ref_utf8(b, u >= 0xd800 && u < 0xe000 ? 0xfffd : u);
    }
}

static void ref_filetime(vg__buf *b, uint64_t ft)
{
    time_t t = (time_t)(int64_t)(ft / 10000000) - (time_t)11644473600LL;
    struct tm tm;
    assert_non_null(gmtime_r(&t, &tm));
    vg__buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900, tm.tm_mon + 1,
                   tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ft / 10 % 1000000));
}

static int ref_sid(vg__buf *b, const uint8_t *p, uint32_t size)
{
    if (size < 8 || size < 8u + 4u * p[1])
        return -1;
    unsigned long long auth = 0;
    for (int i = 2; i < 8; i++)
        auth = auth << 8 | p[i];
    vg__buf_printf(b, "S-%u-%llu", p[0], auth);
    for (unsigned i = 0; i < p[1]; i++)
        vg__buf_printf(b, "-%u", vg__evtx_le32(p + 8 + 4 * i));
    return 0;
}

/* One fixed-size scalar (size already checked). */
static int ref_scalar(vg__buf *b, uint8_t t, const uint8_t *p, uint32_t size)
{
    uint16_t w16 = size >= 2 ? vg__evtx_le16(p) : 0;
    uint32_t w32 = size >= 4 ? vg__evtx_le32(p) : 0;
    uint64_t w64 = size >= 8 ? vg__evtx_le64(p) : 0;
    switch (t) {
    case VG__EVTX_T_INT8:
        vg__buf_printf(b, "%d", (int8_t)p[0]);
        return 0;
    case VG__EVTX_T_UINT8:
        vg__buf_printf(b, "%u", p[0]);
        return 0;
    case VG__EVTX_T_INT16:
        vg__buf_printf(b, "%d", (int16_t)w16);
        return 0;
    case VG__EVTX_T_UINT16:
        vg__buf_printf(b, "%u", w16);
        return 0;
    case VG__EVTX_T_INT32:
        vg__buf_printf(b, "%d", (int32_t)w32);
        return 0;
    case VG__EVTX_T_UINT32:
        vg__buf_printf(b, "%u", w32);
        return 0;
    case VG__EVTX_T_INT64:
        vg__buf_printf(b, "%lld", (long long)(int64_t)w64);
        return 0;
    case VG__EVTX_T_UINT64:
        vg__buf_printf(b, "%llu", (unsigned long long)w64);
        return 0;
    case VG__EVTX_T_BOOL:
        vg__buf_adds(b, w32 ? "true" : "false");
        return 0;
    case VG__EVTX_T_GUID:
        vg__buf_printf(b, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", w32,
                       vg__evtx_le16(p + 4), vg__evtx_le16(p + 6), p[8], p[9], p[10], p[11], p[12],
                       p[13], p[14], p[15]);
        return 0;
    case VG__EVTX_T_FILETIME:
        ref_filetime(b, w64);
        return 0;
    case VG__EVTX_T_SYSTIME:
        vg__buf_printf(b, "%04d-%02u-%02uT%02u:%02u:%02u.%06uZ", w16, vg__evtx_le16(p + 2),
                       vg__evtx_le16(p + 6), vg__evtx_le16(p + 8), vg__evtx_le16(p + 10),
                       vg__evtx_le16(p + 12), vg__evtx_le16(p + 14) * 1000u);
        return 0;
    case VG__EVTX_T_HEX32:
        vg__buf_printf(b, "0x%llx", (unsigned long long)w32);
        return 0;
    case VG__EVTX_T_HEX64:
        vg__buf_printf(b, "0x%llx", (unsigned long long)w64);
        return 0;
    case VG__EVTX_T_SIZET:
        vg__buf_printf(b, "0x%llx", (unsigned long long)(size == 4 ? w32 : w64));
        return 0;
    case VG__EVTX_T_SID:
        return ref_sid(b, p, size);
    default:
        return -1;
    }
}

/* The text of v, or -1 where value.c reports an error. Reals, ANSI and binary are not
 * covered here (their code did not change; test_evtx checks them). */
static int ref_text(const vg__evtx_val *v, vg__buf *b)
{
    uint8_t t = v->type & 0x7f;
    if (v->type == VG__EVTX_T_STRING) {
        ref_utf16(v->p, v->size / 2, 1, b);
        return 0;
    }
    if (v->type == (VG__EVTX_T_ARRAY | VG__EVTX_T_STRING)) {
        size_t n = v->size / 2, start = 0;
        for (size_t i = 0; i <= n; i++) {
            if (i < n && vg__evtx_le16(v->p + 2 * i) != 0)
                continue;
            if (i == n && start == n)
                break;
            if (start)
                vg__buf_addc(b, ',');
            ref_utf16(v->p + 2 * start, i - start, 0, b);
            start = i + 1;
        }
        return 0;
    }
    if (t == VG__EVTX_T_SID && (v->type & VG__EVTX_T_ARRAY)) {
        for (uint32_t at = 0; at < v->size;) {
            uint32_t len = v->size - at >= 2 ? 8u + 4u * v->p[at + 1] : 0;
            if (at)
                vg__buf_addc(b, ',');
            if (len == 0 || len > v->size - at || ref_sid(b, v->p + at, len))
                return -1;
            at += len;
        }
        return 0;
    }
    uint32_t w = t == VG__EVTX_T_SIZET && (v->type & VG__EVTX_T_ARRAY) ? 8 : vg__evtx_type_size(t);
    if (t == VG__EVTX_T_SID || (t == VG__EVTX_T_SIZET && !(v->type & VG__EVTX_T_ARRAY)))
        w = v->size;
    if (w == 0 || v->size % w || (!(v->type & VG__EVTX_T_ARRAY) && v->size != w))
        return -1;
    if (t == VG__EVTX_T_SIZET && w != 4 && w != 8)
        return -1;
    for (uint32_t at = 0; at < v->size; at += w) {
        if (at)
            vg__buf_addc(b, ',');
        if (ref_scalar(b, t, v->p + at, w))
            return -1;
    }
    return 0;
}

/* ---- comparing ---- */

static unsigned long compared;

static void same(uint8_t type, const uint8_t *p, uint32_t size)
{
    vg__evtx_val v = {p, size, type, NULL};
    vg__buf got, want;
    vg__buf_init(&got);
    vg__buf_init(&want);
    vg__buf_adds(&got, "<"); /* text is appended: something before it must stay */
    vg__buf_adds(&want, "<");
    const char *why = NULL;
    int rc = vg__evtx_val_text(&v, &got, &why);
    int ref = ref_text(&v, &want);
    if ((rc != 0) != (ref != 0) || (rc == 0 && strcmp(got.ptr, want.ptr) != 0)) {
        fprintf(stderr, "type 0x%02x size %u: got %d \"%s\", want %d \"%s\"\n", type, size, rc,
                got.ptr, ref, want.ptr);
        fail();
    }
    if (rc == 0)
        assert_int_equal(got.len, strlen(got.ptr)); /* NUL-terminated, no NUL inside */
    compared++;
    vg__buf_free(&got);
    vg__buf_free(&want);
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void test_integers(void **state)
{
    (void)state;
    static const uint8_t types[] = {
        VG__EVTX_T_INT8,  VG__EVTX_T_UINT8,  VG__EVTX_T_INT16, VG__EVTX_T_UINT16,
        VG__EVTX_T_INT32, VG__EVTX_T_UINT32, VG__EVTX_T_INT64, VG__EVTX_T_UINT64,
        VG__EVTX_T_HEX32, VG__EVTX_T_HEX64,  VG__EVTX_T_BOOL,  VG__EVTX_T_SIZET,
    };
    uint64_t edge[128];
    size_t n = 0;
    edge[n++] = 0;
    edge[n++] = UINT64_MAX;
    for (uint64_t p = 1;; p *= 10) { /* 1, 10, ... 10^19 and one below each */
        edge[n++] = p;
        edge[n++] = p - 1;
        if (p > UINT64_MAX / 10)
            break;
    }
    for (int bit = 0; bit < 64; bit++) /* every sign and width boundary */
        edge[n++] = (uint64_t)1 << bit | (bit ? ((uint64_t)1 << bit) - 1 : 0);
    for (size_t t = 0; t < sizeof types; t++) {
        uint32_t w = types[t] == VG__EVTX_T_SIZET ? 8 : vg__evtx_type_size(types[t]);
        for (size_t i = 0; i < n + 20000; i++) {
            uint64_t v = i < n ? edge[i] : rnd() >> (rnd() % 64);
            uint8_t b[8];
            put_le(b, v, 8);
            same(types[t], b, w);
            if (types[t] == VG__EVTX_T_SIZET)
                same(types[t], b, 4);
            if (i < n) { /* and the negated edge: INT_MIN, -1, -10, ... */
                put_le(b, 0 - v, 8);
                same(types[t], b, w);
            }
        }
        uint8_t b[16] = {0};
        same(types[t], b, w + 1); /* wrong size: an error in both */
    }
}

static void test_guid_and_times(void **state)
{
    (void)state;
    uint8_t b[16];
    for (int i = 0; i < 20000; i++) {
        int edge = i % 4;
        for (int k = 0; k < 16; k++)
            b[k] = i < 4 ? (uint8_t)(edge == 0 ? 0 : edge == 1 ? 0xff : k * 17) : (uint8_t)rnd();
        same(VG__EVTX_T_GUID, b, 16);
        same(VG__EVTX_T_SYSTIME, b, 16);
    }
    /* SYSTEMTIMEs with fields about their ranges: years about 1000 and 9999, fields about 64
     * and 100, milliseconds about 1000 (value.c writes the common form in one step) */
    for (int i = 0; i < 20000; i++) {
        static const uint16_t years[] = {999, 1000, 1601, 2024, 9999, 10000};
        uint16_t f[8] = {i % 2 ? years[rnd() % 6] : (uint16_t)(990 + rnd() % 9100),
                         (uint16_t)(rnd() % 14),
                         (uint16_t)(rnd() % 7),
                         (uint16_t)(rnd() % 33),
                         (uint16_t)(rnd() % (i % 3 ? 25 : 110)),
                         (uint16_t)(rnd() % (i % 3 ? 61 : 110)),
                         (uint16_t)(rnd() % (i % 3 ? 62 : 110)),
                         (uint16_t)(rnd() % (i % 5 ? 1000 : 1100))};
        for (int k = 0; k < 8; k++)
            put_le(b + 2 * k, f[k], 2);
        same(VG__EVTX_T_SYSTIME, b, 16);
    }
    static const uint64_t ft[] = {0,
                                  1,
                                  9,
                                  10,
                                  9999999,
                                  10000000,
                                  116444736000000000ull, /* 1970-01-01 */
                                  116444735999999999ull,
                                  132012345678901234ull,
                                  2650467743999999999ull, /* 9999-12-31 */
                                  2650467744000000000ull, /* 10000-01-01 */
                                  94354848000000000ull,   /* 1900-01-01 */
                                  UINT64_MAX,
                                  UINT64_MAX - 1};
    for (size_t i = 0; i < VG_ARRAY_LEN(ft) + 20000; i++) {
        put_le(b, i < VG_ARRAY_LEN(ft) ? ft[i] : rnd() >> (rnd() % 8), 8);
        same(VG__EVTX_T_FILETIME, b, 8);
    }
}

static void test_sids(void **state)
{
    (void)state;
    static uint8_t b[8 + 4 * 255 + 4];
    for (int subs = 0; subs <= 255; subs++) {
        for (int fill = 0; fill < 3; fill++) {
            b[0] = fill == 1 ? 0xff : 1;
            b[1] = (uint8_t)subs;
            for (int k = 2; k < 8 + 4 * subs; k++)
                b[k] = fill == 0 ? 0 : fill == 1 ? 0xff : (uint8_t)rnd();
            same(VG__EVTX_T_SID, b, 8 + 4 * (uint32_t)subs);
            same(VG__EVTX_T_SID, b, 8 + 4 * (uint32_t)subs + 4); /* longer than needed */
            if (subs)
                same(VG__EVTX_T_SID, b, 8 + 4 * (uint32_t)subs - 1); /* too short */
        }
    }
    same(VG__EVTX_T_SID, b, 7);
    /* arrays of SIDs: S-1-5-18,S-1-5-32-544, then one cut short */
    static const uint8_t arr[] = {1, 1, 0, 0, 0,  0, 0, 5, 18,   0, 0, 0, 1, 2, 0, 0,
                                  0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0, 1, 3, 0};
    same(VG__EVTX_T_ARRAY | VG__EVTX_T_SID, arr, 28);
    same(VG__EVTX_T_ARRAY | VG__EVTX_T_SID, arr, sizeof arr);
}

/* n UTF-16 units from a small alphabet that hits every case of the converter. */
static void units(uint8_t *p, size_t n, int mix)
{
    static const uint16_t alphabet[] = {'a',    'Z',    '0',    0x7f,   0x80,   0,
                                        0xe9,   0x7ff,  0x800,  0xffff, 0xfffd, 0xd83d,
                                        0xde00, 0xd800, 0xdbff, 0xdc00, 0xdfff, ' '};
    for (size_t i = 0; i < n; i++) {
        uint16_t u = mix ? alphabet[rnd() % VG_ARRAY_LEN(alphabet)]
                         : (uint16_t)('a' + rnd() % 26); /* long ASCII runs */
        if (mix == 2)
            u = (uint16_t)rnd();
        p[2 * i] = (uint8_t)u;
        p[2 * i + 1] = (uint8_t)(u >> 8);
    }
}

static void test_utf16(void **state)
{
    (void)state;
    uint8_t p[2 * 64];
    /* one special unit at every position of runs of ASCII up to 40 units long
     * (two blocks of sixteen and more) */
    static const uint16_t special[] = {0, 0x7f, 0x80, 0xd83d, 0xde00, 0xd800, 0xdfff, 0xffff};
    for (size_t n = 0; n <= 40; n++) {
        for (size_t at = 0; at <= n; at++) {
            for (size_t s = 0; s < VG_ARRAY_LEN(special); s++) {
                units(p, n, 0);
                if (at < n) {
                    p[2 * at] = (uint8_t)special[s];
                    p[2 * at + 1] = (uint8_t)(special[s] >> 8);
                }
                same(VG__EVTX_T_STRING, p, 2 * (uint32_t)n);
                same(VG__EVTX_T_STRING, p, 2 * (uint32_t)n + (n ? 1 : 0)); /* odd size */
                same(VG__EVTX_T_ARRAY | VG__EVTX_T_STRING, p, 2 * (uint32_t)n);
            }
        }
    }
    /* a valid pair split across two 4-unit blocks, and a high surrogate as the last unit */
    static const uint16_t split[] = {'a', 'b', 'c', 0xd83d, 0xde00, 'd', 'e', 'f', 0xd83d};
    for (size_t i = 0; i < VG_ARRAY_LEN(split); i++)
        put_le(p + 2 * i, split[i], 2);
    same(VG__EVTX_T_STRING, p, sizeof split);
    for (int i = 0; i < 30000; i++) {
        size_t n = rnd() % 64;
        units(p, n, 1 + (i % 3 == 0));
        same(i % 5 == 0 ? VG__EVTX_T_ARRAY | VG__EVTX_T_STRING : VG__EVTX_T_STRING, p,
             2 * (uint32_t)n);
    }
}

static void test_arrays(void **state)
{
    (void)state;
    uint8_t p[64];
    static const uint8_t types[] = {VG__EVTX_T_INT8,    VG__EVTX_T_UINT16, VG__EVTX_T_INT32,
                                    VG__EVTX_T_UINT64,  VG__EVTX_T_GUID,   VG__EVTX_T_FILETIME,
                                    VG__EVTX_T_SYSTIME, VG__EVTX_T_HEX32,  VG__EVTX_T_HEX64,
                                    VG__EVTX_T_SIZET,   VG__EVTX_T_BOOL,   VG__EVTX_T_INT64};
    for (size_t t = 0; t < sizeof types; t++) {
        for (int i = 0; i < 2000; i++) {
            for (size_t k = 0; k < sizeof p; k++)
                p[k] = (uint8_t)rnd();
            same(VG__EVTX_T_ARRAY | types[t], p, (uint32_t)(rnd() % (sizeof p + 1)));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers), cmocka_unit_test(test_guid_and_times),
        cmocka_unit_test(test_sids),     cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_arrays),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    printf("test_value: %lu values compared\n", compared);
    return rc;
}

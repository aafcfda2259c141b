/*
 * value.c - EVTX substitution values: sizes, emptiness, and their text.
 *
 * A value is a typed view of bytes in a chunk. Its text follows the Rust evtx crate, whose
 * JSON vigil's `dump` reproduces: integers in decimal, HexInt32/64 and SizeT as 0x-prefixed
 * lower-case hex without padding, booleans as true/false, GUIDs upper-case without braces,
 * SIDs as S-R-A-S1-..., FILETIME and SYSTEMTIME as 2019-04-30T07:26:34.133638Z (microseconds),
 * binary as upper-case hex, reals in the shortest form that reads back to the same number,
 * UTF-16 strings up to their first NUL, and arrays (type | 0x80) as their items' text joined
 * with commas. A value whose size does not fit its type is reported, never read past.
 * Numbers, hex, GUIDs, SIDs and times are written by hand, not with printf (the same text:
 * tests/evtx/test_value.c compares every type with a printf reference), and UTF-16 is
 * converted sixteen ASCII code units at a time (SSE2 where there is), eight (SSE2, else in
 * 64-bit words), then four, then one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "evtx.h"

uint32_t vg__evtx_type_size(uint8_t type)
{
    switch (type) {
    case VG__EVTX_T_INT8:
    case VG__EVTX_T_UINT8:
        return 1;
    case VG__EVTX_T_INT16:
    case VG__EVTX_T_UINT16:
        return 2;
    case VG__EVTX_T_INT32:
    case VG__EVTX_T_UINT32:
    case VG__EVTX_T_REAL32:
    case VG__EVTX_T_BOOL:
    case VG__EVTX_T_HEX32:
        return 4;
    case VG__EVTX_T_INT64:
    case VG__EVTX_T_UINT64:
    case VG__EVTX_T_REAL64:
    case VG__EVTX_T_FILETIME:
    case VG__EVTX_T_HEX64:
        return 8;
    case VG__EVTX_T_GUID:
    case VG__EVTX_T_SYSTIME:
        return 16;
    default:
        return 0;
    }
}

const char *vg__evtx_type_name(uint8_t type)
{
    static const char *const names[] = {
        "Null",   "String",   "AnsiString", "Int8",   "UInt8",    "Int16",    "UInt16", "Int32",
        "UInt32", "Int64",    "UInt64",     "Real32", "Real64",   "Bool",     "Binary", "Guid",
        "SizeT",  "FileTime", "SysTime",    "Sid",    "HexInt32", "HexInt64",
    };
    uint8_t t = type & 0x7f;
    if (t < VG_ARRAY_LEN(names))
        return names[t];
    if (t == VG__EVTX_T_HANDLE)
        return "EvtHandle";
    if (t == VG__EVTX_T_BINXML)
        return "BinXml";
    if (t == VG__EVTX_T_EVTXML)
        return "EvtXml";
    return "unknown";
}

int vg__evtx_val_numeric(const vg__evtx_val *v)
{
    return (v->type >= VG__EVTX_T_INT8 && v->type <= VG__EVTX_T_UINT64) ||
           v->type == VG__EVTX_T_BOOL;
}

/* ---- UTF-16 ---- */

static size_t utf8_of(char *u, uint32_t cp)
{
    if (cp < 0x80) {
        u[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        u[0] = (char)(0xc0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        u[0] = (char)(0xe0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    u[0] = (char)(0xf0 | cp >> 18);
    u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    u[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

static void put_utf8(vg__buf *b, uint32_t cp)
{
    char u[4];
    vg__buf_add(b, u, utf8_of(u, cp));
}

/* Four code units (read little-endian into w) that are all ASCII and, when nul_ends, none of
 * them NUL. Each unit below 0x80 plus 0x7f stays below 0x100, so no carry crosses units and
 * bit 7 of a unit's sum is set exactly when the unit is not 0. */
static int ascii4(uint64_t w, int nul_ends)
{
    if (w & 0xff80ff80ff80ff80ull)
        return 0;
    return !nul_ends ||
           ((w + 0x007f007f007f007full) & 0x0080008000800080ull) == 0x0080008000800080ull;
}

/* The four ASCII units of w as four bytes, first unit lowest. */
static uint32_t pack4(uint64_t w)
{
    w = (w | w >> 8) & 0x0000ffff0000ffffull;
    return (uint32_t)(w | w >> 16);
}

/* v's bytes at o, lowest first: one store on a little-endian host. */
static void store4(char *o, uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(o, &v, 4);
#else
    o[0] = (char)v;
    o[1] = (char)(v >> 8);
    o[2] = (char)(v >> 16);
    o[3] = (char)(v >> 24);
#endif
}

/* The eight code units at p as eight bytes at o, if they are all ASCII and, when nul_ends,
 * none of them NUL; returns whether they were. */
#if defined(__SSE2__)
static int ascii8(const uint8_t *p, int nul_ends, char *o)
{
    const __m128i zero = _mm_setzero_si128();
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p); /* x86: little-endian */
    __m128i high = _mm_and_si128(v, _mm_set1_epi16((short)0xff80));
    if (_mm_movemask_epi8(_mm_cmpeq_epi16(high, zero)) != 0xffff ||
        (nul_ends && _mm_movemask_epi8(_mm_cmpeq_epi16(v, zero))))
        return 0;
    _mm_storel_epi64((__m128i *)(void *)o, _mm_packus_epi16(v, v));
    return 1;
}
#else
static int ascii8(const uint8_t *p, int nul_ends, char *o)
{
    uint64_t w0 = vg__evtx_le64(p), w1 = vg__evtx_le64(p + 8);
    if (!ascii4(w0, nul_ends) || !ascii4(w1, nul_ends))
        return 0;
    store4(o, pack4(w0));
    store4(o + 4, pack4(w1));
    return 1;
}
#endif

/* vg__buf_reserve(b, n), without the call when there is room already (values are short). */
static int need(vg__buf *b, size_t n)
{
    return b->cap - b->len <= n && vg__buf_reserve(b, n);
}

void vg__evtx_utf16(const uint8_t *p, size_t n, int stop_nul, vg__buf *b)
{
    if (need(b, n * 3 + 1))
        return;
    char *o = b->ptr + b->len; /* capacity reserved above: at most 3 bytes per unit */
    size_t i = 0;
#if defined(__SSE2__)
    /* fast path: sixteen ASCII units at a time (one test of the high bits of both halves,
     * one of NUL units), then eight, then four */
    const __m128i zero = _mm_setzero_si128(), high = _mm_set1_epi16((short)0xff80);
    for (; n - i >= 16; i += 16, o += 16) {
        __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)(p + 2 * i));
        __m128i hi = _mm_loadu_si128((const __m128i *)(const void *)(p + 2 * i + 16));
        if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(_mm_or_si128(lo, hi), high), zero)) !=
                0xffff ||
            (stop_nul &&
             _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi16(lo, zero), _mm_cmpeq_epi16(hi, zero)))))
            break;
        _mm_storeu_si128((__m128i *)(void *)o, _mm_packus_epi16(lo, hi));
    }
#endif
    for (; n - i >= 8 && ascii8(p + 2 * i, stop_nul, o); i += 8)
        o += 8;
    while (i < n) {
        if (n - i >= 4) {
            uint64_t w = vg__evtx_le64(p + 2 * i);
            if (ascii4(w, stop_nul)) {
                store4(o, pack4(w));
                o += 4;
                i += 4;
                continue;
            }
        }
        uint32_t u = vg__evtx_le16(p + 2 * i++);
        if (u < 0x80 && u != 0) {
            *o++ = (char)u;
            continue;
        }
        if (u == 0 && stop_nul)
            break;
        if (u >= 0xd800 && u < 0xdc00 && i < n) {
            uint32_t lo = vg__evtx_le16(p + 2 * i);
            if (lo >= 0xdc00 && lo < 0xe000) {
                o += utf8_of(o, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
                i++;
                continue;
            }
        }
        if (u >= 0xd800 && u < 0xe000)
            u = 0xfffd;
        o += utf8_of(o, u);
    }
    b->len = (size_t)(o - b->ptr);
    b->ptr[b->len] = 0;
}

/* ---- scalar formatting: hand-written, the same text printf gave ---- */

static const char digits2[] = "00010203040506070809101112131415161718192021222324252627282930313233"
                              "34353637383940414243444546474849505152535455565758596061626364656667"
                              "6869707172737475767778798081828384858687888990919293949596979899";

/* The decimal digits of v, at least width of them (zero-padded), written so that they end
 * at end; returns where they start. */
static char *dec(char *end, uint64_t v, int width)
{
    char *o = end;
    while (v >= 100) {
        unsigned k = (unsigned)(v % 100) * 2;
        v /= 100;
        *--o = digits2[k + 1];
        *--o = digits2[k];
    }
    if (v >= 10) {
        *--o = digits2[v * 2 + 1];
        *--o = digits2[v * 2];
    } else {
        *--o = (char)('0' + v);
    }
    while (end - o < width)
        *--o = '0';
    return o;
}

/* Room for n more bytes and a NUL at the end of b, or NULL when out of memory. */
static char *room(vg__buf *b, size_t n)
{
    if (b->cap - b->len <= n && vg__buf_reserve(b, n))
        return NULL;
    return b->ptr + b->len;
}

/* The text written from room() ends at end. */
static void written(vg__buf *b, char *end)
{
    b->len = (size_t)(end - b->ptr);
    *end = 0;
}

static unsigned ndigits(uint64_t v)
{
    unsigned n = 1;
    for (; v >= 10000; v /= 10000)
        n += 4;
    return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

/* v in decimal, after a '-' when neg. */
static void put_dec(vg__buf *b, uint64_t v, int neg)
{
    unsigned n = ndigits(v) + (neg != 0);
    char *o = room(b, n);
    if (!o)
        return;
    dec(o + n, v, 0);
    if (neg)
        o[0] = '-';
    written(b, o + n);
}

static void put_u64(vg__buf *b, uint64_t v)
{
    put_dec(b, v, 0);
}

static void put_i64(vg__buf *b, int64_t v)
{
    /* the magnitude of INT64_MIN does not fit int64_t: negate as unsigned */
    put_dec(b, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
}

static const char hex_lower[] = "0123456789abcdef", hex_upper[] = "0123456789ABCDEF";

static void put_hex_lower(vg__buf *b, uint64_t v)
{
    unsigned n = 3; /* "0x" and the first digit */
    for (uint64_t x = v >> 4; x; x >>= 4)
        n++;
    char *o = room(b, n), *e = o + n;
    if (!o)
        return;
    do {
        *--e = hex_lower[v & 15];
        v >>= 4;
    } while (v);
    o[0] = '0';
    o[1] = 'x';
    written(b, o + n);
}

/* n upper-case hex digits of v (most significant first) at o; returns the end. */
static char *hex_fixed(char *o, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        o[i] = hex_upper[v & 15];
        v >>= 4;
    }
    return o + n;
}

static void put_guid(vg__buf *b, const uint8_t *g)
{
    char *o = room(b, 36);
    if (!o)
        return;
    o = hex_fixed(o, vg__evtx_le32(g), 8);
    *o++ = '-';
    o = hex_fixed(o, vg__evtx_le16(g + 4), 4);
    *o++ = '-';
    o = hex_fixed(o, vg__evtx_le16(g + 6), 4);
    *o++ = '-';
    o = hex_fixed(o, (uint64_t)g[8] << 8 | g[9], 4);
    *o++ = '-';
    for (int i = 10; i < 16; i++)
        o = hex_fixed(o, g[i], 2);
    written(b, o);
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(int64_t days, int *y, unsigned *m, unsigned *d)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Digits of v written at least width wide. */
static unsigned width_of(uint64_t v, unsigned width)
{
    unsigned n = ndigits(v);
    return n > width ? n : width;
}

/* YYYY-MM-DDThh:mm:ss.uuuuuuZ; each part is a minimum width, as printf's %04d / %02u / %06u
 * (a year below 0 cannot occur: FILETIME starts at 1601, SYSTEMTIME's year is unsigned). */
static void put_time(vg__buf *b, int y, unsigned mo, unsigned d, unsigned h, unsigned mi,
                     unsigned s, unsigned us)
{
    if (y >= 1000 && y <= 9999 && (mo | d | h | mi | s) < 64 && us < 1000000) {
        /* the common form, 27 bytes: each part has its width exactly (two digits: < 64) */
        char *o = room(b, 27);
        if (!o)
            return;
        memcpy(o, "0000-00-00T00:00:00.000000Z", 27);
        const unsigned two[] = {(unsigned)y / 100, (unsigned)y % 100, mo,      d, h, mi, s,
                                us / 10000,        us / 100 % 100,    us % 100};
        static const uint8_t at[] = {0, 2, 5, 8, 11, 14, 17, 20, 22, 24};
        for (int i = 0; i < 10; i++)
            memcpy(o + at[i], digits2 + 2 * two[i], 2);
        written(b, o + 27);
        return;
    }
    const unsigned part[] = {mo, d, h, mi, s};
    static const char sep[] = "-T::.";
    uint64_t year = y < 0 ? 0 : (uint64_t)y;
    unsigned n = width_of(year, 4) + width_of(us, 6) + 7; /* 7: "--T::.Z" */
    for (int i = 0; i < 5; i++)
        n += width_of(part[i], 2);
    char *o = room(b, n), *e = o + n;
    if (!o)
        return;
    *--e = 'Z';
    e = dec(e, us, 6);
    for (int i = 4; i >= 0; i--) {
        *--e = sep[i];
        e = dec(e, part[i], 2);
    }
    *--e = '-';
    dec(e, year, 4);
    written(b, o + n);
}

static void put_filetime(vg__buf *b, uint64_t ft)
{
    uint64_t us = ft / 10;
    int64_t secs = (int64_t)(us / 1000000) - 11644473600LL;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int y;
    unsigned mo, d;
    civil(days, &y, &mo, &d);
    put_time(b, y, mo, d, (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60),
             (unsigned)(us % 1000000));
}

static void put_systime(vg__buf *b, const uint8_t *p)
{
    /* year, month, day of week, day, hour, minute, second, milliseconds */
    put_time(b, vg__evtx_le16(p), vg__evtx_le16(p + 2), vg__evtx_le16(p + 6), vg__evtx_le16(p + 8),
             vg__evtx_le16(p + 10), vg__evtx_le16(p + 12), vg__evtx_le16(p + 14) * 1000u);
}

static int put_sid(vg__buf *b, const uint8_t *p, uint32_t size)
{
    if (size < 8 || size < 8u + 4u * p[1])
        return -1;
    uint64_t auth = 0;
    for (int i = 2; i < 8; i++)
        auth = auth << 8 | p[i];
    /* S-255-281474976710655 then up to 255 times -4294967295 */
    if (need(b, 24 + 11u * p[1] + 1))
        return 0;
    char *o = b->ptr + b->len, s[24], *d;
    *o++ = 'S';
    *o++ = '-';
    for (int k = 0; k < 2 + p[1]; k++) {
        if (k)
            *o++ = '-';
        uint64_t v = k == 0 ? p[0] : k == 1 ? auth : vg__evtx_le32(p + 8 + 4 * (k - 2));
        d = dec(s + sizeof s, v, 0);
        memcpy(o, d, (size_t)(s + sizeof s - d));
        o += s + sizeof s - d;
    }
    b->len = (size_t)(o - b->ptr);
    b->ptr[b->len] = 0;
    return 0;
}

/* Shortest decimal that reads back to the same double; integral values keep a ".0". */
static void put_real(vg__buf *b, double v, int single)
{
    char s[40];
    if (isnan(v) || isinf(v)) {
        vg__buf_adds(b, isnan(v) ? "NaN" : v > 0 ? "inf" : "-inf");
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, v);
        double back = strtod(s, NULL);
        if (single ? (float)back == (float)v : back == v)
            break;
    }
    vg__buf_adds(b, s);
    if (!strpbrk(s, ".eEn"))
        vg__buf_adds(b, ".0");
}

static void put_hex_upper(vg__buf *b, const uint8_t *p, size_t n)
{
    const char *hex = hex_upper;
    if (need(b, 2 * n + 1))
        return;
    for (size_t i = 0; i < n; i++) {
        b->ptr[b->len++] = hex[p[i] >> 4];
        b->ptr[b->len++] = hex[p[i] & 15];
    }
    b->ptr[b->len] = 0;
}

/* One scalar of type t at p (size bytes, already checked for fixed-size types). */
static int put_scalar(vg__buf *b, uint8_t t, const uint8_t *p, uint32_t size)
{
    switch (t) {
    case VG__EVTX_T_INT8:
        put_i64(b, (int8_t)p[0]);
        break;
    case VG__EVTX_T_UINT8:
        put_u64(b, p[0]);
        break;
    case VG__EVTX_T_INT16:
        put_i64(b, (int16_t)vg__evtx_le16(p));
        break;
    case VG__EVTX_T_UINT16:
        put_u64(b, vg__evtx_le16(p));
        break;
    case VG__EVTX_T_INT32:
        put_i64(b, (int32_t)vg__evtx_le32(p));
        break;
    case VG__EVTX_T_UINT32:
        put_u64(b, vg__evtx_le32(p));
        break;
    case VG__EVTX_T_INT64:
        put_i64(b, (int64_t)vg__evtx_le64(p));
        break;
    case VG__EVTX_T_UINT64:
        put_u64(b, vg__evtx_le64(p));
        break;
    case VG__EVTX_T_REAL32: {
        float f;
        uint32_t u = vg__evtx_le32(p);
        memcpy(&f, &u, 4);
        put_real(b, f, 1);
        break;
    }
    case VG__EVTX_T_REAL64: {
        double d;
        uint64_t u = vg__evtx_le64(p);
        memcpy(&d, &u, 8);
        put_real(b, d, 0);
        break;
    }
    case VG__EVTX_T_BOOL:
        vg__buf_adds(b, vg__evtx_le32(p) ? "true" : "false");
        break;
    case VG__EVTX_T_GUID:
        put_guid(b, p);
        break;
    case VG__EVTX_T_FILETIME:
        put_filetime(b, vg__evtx_le64(p));
        break;
    case VG__EVTX_T_SYSTIME:
        put_systime(b, p);
        break;
    case VG__EVTX_T_HEX32:
        put_hex_lower(b, vg__evtx_le32(p));
        break;
    case VG__EVTX_T_HEX64:
        put_hex_lower(b, vg__evtx_le64(p));
        break;
    case VG__EVTX_T_SIZET:
        put_hex_lower(b, size == 4 ? vg__evtx_le32(p) : vg__evtx_le64(p));
        break;
    case VG__EVTX_T_SID:
        return put_sid(b, p, size);
    default:
        return -1;
    }
    return 0;
}

/* Items of a string array: NUL-terminated UTF-16 strings, joined with commas. */
static void put_string_array(vg__buf *b, const uint8_t *p, uint32_t size)
{
    size_t n = size / 2, start = 0;
    int first = 1;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && vg__evtx_le16(p + 2 * i) != 0)
            continue;
        if (i == n && start == n)
            break; /* the terminator of the last item ends the array */
        if (!first)
            vg__buf_addc(b, ',');
        first = 0;
        vg__evtx_utf16(p + 2 * start, i - start, 0, b);
        start = i + 1;
    }
}

static int put_array(const vg__evtx_val *v, vg__buf *b, const char **why)
{
    uint8_t t = v->type & 0x7f;
    if (t == VG__EVTX_T_STRING) {
        put_string_array(b, v->p, v->size);
        return 0;
    }
    uint32_t w = vg__evtx_type_size(t);
    if (t == VG__EVTX_T_SIZET)
        w = 8;
    if (t == VG__EVTX_T_SID) {
        /* SIDs have their own length: sub-authority count at byte 1 */
        for (uint32_t at = 0, first = 1; at < v->size; first = 0) {
            uint32_t len = v->size - at >= 2 ? 8u + 4u * v->p[at + 1] : 0;
            if (!first)
                vg__buf_addc(b, ',');
            if (len == 0 || len > v->size - at || put_sid(b, v->p + at, len)) {
                *why = "malformed SID in array";
                return VG_ERR_CORRUPT;
            }
            at += len;
        }
        return 0;
    }
    if (w == 0 || v->size % w) {
        *why = w ? "array size is not a multiple of its item size" : "unsupported array type";
        return VG_ERR_CORRUPT;
    }
    for (uint32_t at = 0; at < v->size; at += w) {
        if (at)
            vg__buf_addc(b, ',');
        put_scalar(b, t, v->p + at, w);
    }
    return 0;
}

int vg__evtx_val_text(const vg__evtx_val *v, vg__buf *b, const char **why)
{
    uint8_t t = v->type;
    if (t & VG__EVTX_T_ARRAY)
        return put_array(v, b, why);
    switch (t) {
    case VG__EVTX_T_NULL:
    case VG__EVTX_T_BINXML: /* empty BinXml: non-empty ones are elements, never text */
        return 0;
    case VG__EVTX_T_STRING:
        vg__evtx_utf16(v->p, v->size / 2, 1, b);
        return 0;
    case VG__EVTX_T_ANSI:
        for (uint32_t i = 0; i < v->size && v->p[i]; i++)
            put_utf8(b, v->p[i]); /* Latin-1: each byte is its code point */
        return 0;
    case VG__EVTX_T_BINARY:
        put_hex_upper(b, v->p, v->size);
        return 0;
    case VG__EVTX_T_SID:
        if (put_sid(b, v->p, v->size)) {
            *why = "malformed SID";
            return VG_ERR_CORRUPT;
        }
        return 0;
    case VG__EVTX_T_SIZET:
        if (v->size != 4 && v->size != 8) {
            *why = "SizeT value is neither 4 nor 8 bytes";
            return VG_ERR_CORRUPT;
        }
        return put_scalar(b, t, v->p, v->size);
    default:
        break;
    }
    uint32_t w = vg__evtx_type_size(t);
    if (w == 0) {
        *why = "unsupported value type";
        return VG_ERR_UNSUPPORTED;
    }
    if (v->size != w) {
        *why = "value size does not match its type";
        return VG_ERR_CORRUPT;
    }
    return put_scalar(b, t, v->p, w);
}

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
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int vg__evtx_val_empty(const vg__evtx_val *v)
{
    switch (v->type) {
    case VG__EVTX_T_NULL:
        return 1;
    case VG__EVTX_T_STRING:
        return v->size < 2 || vg__evtx_le16(v->p) == 0;
    case VG__EVTX_T_ANSI:
        return v->size == 0 || v->p[0] == 0;
    case VG__EVTX_T_BINARY:
    case VG__EVTX_T_BINXML:
        return v->size == 0;
    default:
        return (v->type & VG__EVTX_T_ARRAY) ? v->size == 0 : 0;
    }
}

int vg__evtx_val_numeric(const vg__evtx_val *v)
{
    return (v->type >= VG__EVTX_T_INT8 && v->type <= VG__EVTX_T_UINT64) ||
           v->type == VG__EVTX_T_BOOL;
}

/* ---- UTF-16 ---- */

static void put_utf8(vg__buf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    vg__buf_add(b, u, n);
}

void vg__evtx_utf16(const uint8_t *p, size_t n, int stop_nul, vg__buf *b)
{
    if (vg__buf_reserve(b, n * 3 + 1))
        return;
    for (size_t i = 0; i < n; i++) {
        uint32_t u = vg__evtx_le16(p + 2 * i);
        if (u < 0x80 && u != 0) {
            /* fast path: ASCII runs need no encoding (capacity reserved above) */
            b->ptr[b->len++] = (char)u;
            continue;
        }
        if (u == 0 && stop_nul)
            break;
        if (u >= 0xd800 && u < 0xdc00 && i + 1 < n) {
            uint32_t lo = vg__evtx_le16(p + 2 * i + 2);
            if (lo >= 0xdc00 && lo < 0xe000) {
                put_utf8(b, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
                i++;
                continue;
            }
        }
        if (u >= 0xd800 && u < 0xe000)
            u = 0xfffd;
        put_utf8(b, u);
    }
    if (b->ptr)
        b->ptr[b->len] = 0;
}

/* ---- scalar formatting ---- */

static void put_hex_lower(vg__buf *b, uint64_t v)
{
    vg__buf_printf(b, "0x%llx", (unsigned long long)v);
}

static void put_guid(vg__buf *b, const uint8_t *g)
{
    vg__buf_printf(b, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", vg__evtx_le32(g),
                   vg__evtx_le16(g + 4), vg__evtx_le16(g + 6), g[8], g[9], g[10], g[11], g[12],
                   g[13], g[14], g[15]);
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

static void put_time(vg__buf *b, int y, unsigned mo, unsigned d, unsigned h, unsigned mi,
                     unsigned s, unsigned us)
{
    vg__buf_printf(b, "%04d-%02u-%02uT%02u:%02u:%02u.%06uZ", y, mo, d, h, mi, s, us);
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
    vg__buf_printf(b, "S-%u-%llu", p[0], (unsigned long long)auth);
    for (unsigned i = 0; i < p[1]; i++)
        vg__buf_printf(b, "-%u", vg__evtx_le32(p + 8 + 4 * i));
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
    static const char hex[] = "0123456789ABCDEF";
    if (vg__buf_reserve(b, 2 * n + 1))
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
        vg__buf_printf(b, "%d", (int8_t)p[0]);
        break;
    case VG__EVTX_T_UINT8:
        vg__buf_printf(b, "%u", p[0]);
        break;
    case VG__EVTX_T_INT16:
        vg__buf_printf(b, "%d", (int16_t)vg__evtx_le16(p));
        break;
    case VG__EVTX_T_UINT16:
        vg__buf_printf(b, "%u", vg__evtx_le16(p));
        break;
    case VG__EVTX_T_INT32:
        vg__buf_printf(b, "%d", (int32_t)vg__evtx_le32(p));
        break;
    case VG__EVTX_T_UINT32:
        vg__buf_printf(b, "%u", vg__evtx_le32(p));
        break;
    case VG__EVTX_T_INT64:
        vg__buf_printf(b, "%lld", (long long)(int64_t)vg__evtx_le64(p));
        break;
    case VG__EVTX_T_UINT64:
        vg__buf_printf(b, "%llu", (unsigned long long)vg__evtx_le64(p));
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

/*
 * json.c - validating JSON parser producing a flat token tape (see json.h).
 *
 * The parser is iterative: an explicit stack of open containers bounded by VG_JSON_MAX_DEPTH,
 * so hostile nesting cannot exhaust the C stack. Every byte is read through bounds checks on
 * (p < end); strings are checked for control characters and well-formed escapes but not
 * decoded. A container's token is written when it opens and patched with its child count and
 * the end of its subtree when it closes.
 *
 * Speed: most of a STIX bundle is long description strings and indentation, and most of a
 * log line is strings too, so strings are skipped sixteen bytes at a time with SSE2 where
 * there is (a block with no quote, backslash or control byte is plain), else eight at a time
 * in 64-bit words (SWAR), and finished byte by byte; a word of eight spaces is indentation. The
 * tape is sized once from the input length (about one token per 16 bytes, more than STIX needs) so
 * a large document does not grow it by repeated doubling; it still doubles if a dense document
 * needs more.
 */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "json.h"

void vg__json_init(vg__json *j)
{
    memset(j, 0, sizeof *j);
}

void vg__json_free(vg__json *j)
{
    free(j->tok);
    vg__json_init(j);
}

static int fail(vg__json *j, const char *p, const char *msg)
{
    j->err_off = (size_t)(p - j->src);
    size_t n = strlen(msg);
    if (n >= sizeof j->err)
        n = sizeof j->err - 1;
    memcpy(j->err, msg, n);
    j->err[n] = 0;
    return VG_ERR_SYNTAX;
}

static int reserve(vg__json *j, size_t cap)
{
    vg__jtok *t = realloc(j->tok, cap * sizeof *t);
    if (!t)
        return VG_ERR_NOMEM;
    j->tok = t;
    j->cap = cap;
    return 0;
}

static vg__jtok *push(vg__json *j)
{
    if (j->n == j->cap && reserve(j, j->cap ? j->cap * 2 : 256))
        return NULL;
    vg__jtok *t = &j->tok[j->n++];
    memset(t, 0, sizeof *t);
    return t;
}

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static uint64_t load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

#if !defined(__SSE2__)
/* Non-zero if any byte of w is '"', '\\' or below 0x20. Exact as a yes/no answer, and its
 * lowest set bit marks the first such byte (a borrow can only flag bytes above a real one). */
static uint64_t special8(uint64_t w)
{
    uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');
    return (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((w - ONES * 0x20) & ~w)) & HIGHS;
}
#endif

static const char *skip_ws_run(const char *p, const char *end)
{
    while (p < end) {
        if (*p == ' ') {
            while (end - p >= 8 && load8(p) == ONES * ' ')
                p += 8;
            while (p < end && *p == ' ')
                p++;
        } else if (*p == '\n' || *p == '\r' || *p == '\t') {
            p++;
        } else {
            break;
        }
    }
    return p;
}

/* The usual cases inline: no white space, or one space before a token. */
static inline const char *skip_ws(const char *p, const char *end)
{
    if (p < end && (unsigned char)*p > ' ')
        return p;
    if (end - p >= 2 && *p == ' ' && (unsigned char)p[1] > ' ')
        return p + 1;
    return skip_ws_run(p, end);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)vg__lower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

#if defined(__SSE2__)
/* A bit for each of the sixteen bytes at p that is '"', '\\' or below 0x20. */
static inline unsigned special16(const char *p)
{
    const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p), ctl = _mm_set1_epi8(0x1f);
    __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
        _mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* The first byte at or after p (before end) that is '"', '\\' or below 0x20; end if none. */
static const char *find_special(const char *p, const char *end)
{
#if defined(__SSE2__)
    for (;;) {
        unsigned m;
        size_t left = (size_t)(end - p);
        if (left >= 16) {
            m = special16(p);
        } else { /* the tail, padded with NULs: a NUL is a control byte, so it stops the scan */
            char tail[16] = {0};
            memcpy(tail, p, left);
            m = special16(tail);
        }
        if (m) {
            size_t at = (size_t)__builtin_ctz(m);
            return at < left ? p + at : end;
        }
        p += 16;
    }
#else
    /* eight at a time, then up to the special one (the lowest flagged byte of special8 is
     * exact, so on little-endian machines it is found at once) */
    while (end - p >= 8) {
        uint64_t m = special8(load8(p));
        if (!m)
            p += 8;
        else {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            p += __builtin_ctzll(m) >> 3;
#endif
            break;
        }
    }
    while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
        p++;
    return p;
#endif
}

/* *pp at the opening quote, and the bytes before p (past it) plain. On success *pp is past the
 * closing quote. */
static int scan_string_at(vg__json *j, const char **pp, const char *end, vg__jtok *t, const char *p)
{
    const char *start = *pp + 1;
    uint8_t esc = 0;
    for (;;) {
        p = find_special(p, end);
        if (p >= end)
            return fail(j, *pp, "unterminated string");
        if (*p == '"')
            break;
        if ((unsigned char)*p < 0x20)
            return fail(j, p, "control character in string");
        esc = 1;
        if (p + 1 >= end)
            return fail(j, *pp, "unterminated string");
        switch (p[1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            p += 2;
            break;
        case 'u':
            if (end - p < 6)
                return fail(j, p, "truncated \\u escape");
            for (int k = 2; k < 6; k++)
                if (hexval(p[k]) < 0)
                    return fail(j, p, "invalid \\u escape");
            p += 6;
            break;
        default:
            return fail(j, p, "invalid escape in string");
        }
    }
    t->type = VG_J_STR;
    t->esc = esc;
    t->off = (uint32_t)(start - j->src);
    t->len = (uint32_t)(p - start);
    *pp = p + 1;
    return 0;
}

/* scan_string, with the usual case inline: a string of plain bytes (most names, many values) is
 * found a block of sixteen at a time, without a call. */
static inline int scan_string(vg__json *j, const char **pp, const char *end, vg__jtok *t)
{
#if defined(__SSE2__)
    const char *p = *pp + 1, *q = p;
    for (; end - q >= 16; q += 16) {
        unsigned m = special16(q);
        if (!m)
            continue;
        size_t n = (size_t)__builtin_ctz(m);
        if (q[n] != '"') /* an escape or a control byte */
            return scan_string_at(j, pp, end, t, q + n);
        t->type = VG_J_STR; /* the first special byte closes the string */
        t->esc = 0;
        t->off = (uint32_t)(p - j->src);
        t->len = (uint32_t)(q + n - p);
        *pp = q + n + 1;
        return 0;
    }
    return scan_string_at(j, pp, end, t, q); /* the tail, under sixteen bytes */
#else
    return scan_string_at(j, pp, end, t, *pp + 1);
#endif
}

static int scan_number_any(vg__json *j, const char **pp, const char *end, vg__jtok *t)
{
    const char *p = *pp, *s = p;
    if (p < end && *p == '-')
        p++;
    if (p >= end || !(*p >= '0' && *p <= '9'))
        return fail(j, s, "invalid number");
    if (*p == '0')
        p++;
    else
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !(*p >= '0' && *p <= '9'))
            return fail(j, s, "invalid number");
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || !(*p >= '0' && *p <= '9'))
            return fail(j, s, "invalid number");
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    t->type = VG_J_NUM;
    t->off = (uint32_t)(s - j->src);
    t->len = (uint32_t)(p - s);
    *pp = p;
    return 0;
}

/* scan_number, with the usual case inline: an integer that does not start with 0. */
static inline int scan_number(vg__json *j, const char **pp, const char *end, vg__jtok *t)
{
    const char *s = *pp, *p = s;
    if (p < end && *p >= '1' && *p <= '9') {
        do
            p++;
        while (p < end && *p >= '0' && *p <= '9');
        if (p >= end || (*p != '.' && *p != 'e' && *p != 'E')) {
            t->type = VG_J_NUM;
            t->off = (uint32_t)(s - j->src);
            t->len = (uint32_t)(p - s);
            *pp = p;
            return 0;
        }
    }
    return scan_number_any(j, pp, end, t);
}

static int scan_word(vg__json *j, const char **pp, const char *end, vg__jtok *t)
{
    static const struct {
        const char *w;
        size_t n;
        uint8_t type;
    } words[] = {{"null", 4, VG_J_NULL}, {"true", 4, VG_J_TRUE}, {"false", 5, VG_J_FALSE}};
    for (size_t i = 0; i < VG_ARRAY_LEN(words); i++) {
        if ((size_t)(end - *pp) >= words[i].n && memcmp(*pp, words[i].w, words[i].n) == 0) {
            t->type = words[i].type;
            t->off = (uint32_t)(*pp - j->src);
            t->len = (uint32_t)words[i].n;
            *pp += words[i].n;
            return 0;
        }
    }
    return fail(j, *pp, "unexpected character");
}

int vg__json_parse(vg__json *j, const char *src, size_t len)
{
    j->src = src;
    j->src_len = len;
    j->n = 0;
    j->err[0] = 0;
    j->err_off = 0;
    if (len >= VG_JSON_MAX_INPUT)
        return VG_ERR_LIMIT;
    if (j->cap < len / 16 && reserve(j, len / 16))
        return VG_ERR_NOMEM;
    const char *p = src, *end = src + len;
    uint32_t stack[VG_JSON_MAX_DEPTH];
    size_t depth = 0;
    /* state: expecting a value (after '[' ',' ':' or at top), a key, or ',' / close */
    enum { WANT_VALUE, WANT_KEY_OR_CLOSE, WANT_KEY, WANT_COMMA_OR_CLOSE } st = WANT_VALUE;
    int first_in_arr = 0;
    for (;;) {
        p = skip_ws(p, end);
        if (st == WANT_COMMA_OR_CLOSE) {
            if (depth == 0)
                break;
            vg__jtok *c = &j->tok[stack[depth - 1]];
            if (p >= end)
                return fail(j, p, "unexpected end of input");
            if (*p == ',') {
                p++;
                st = c->type == VG_J_OBJ ? WANT_KEY : WANT_VALUE;
                first_in_arr = 0;
                continue;
            }
            if ((*p == ']' && c->type == VG_J_ARR) || (*p == '}' && c->type == VG_J_OBJ)) {
                p++;
                c->next = (uint32_t)j->n;
                depth--;
                continue;
            }
            return fail(j, p, c->type == VG_J_OBJ ? "expected ',' or '}'" : "expected ',' or ']'");
        }
        if (p >= end)
            return fail(j, p, "unexpected end of input");
        if (st == WANT_KEY_OR_CLOSE || st == WANT_KEY) {
            if (*p == '}' && st == WANT_KEY_OR_CLOSE) {
                p++;
                j->tok[stack[depth - 1]].next = (uint32_t)j->n;
                depth--;
                st = WANT_COMMA_OR_CLOSE;
                continue;
            }
            if (*p != '"')
                return fail(j, p, "expected a string key");
            vg__jtok *k = push(j);
            if (!k)
                return VG_ERR_NOMEM;
            int rc = scan_string(j, &p, end, k);
            if (rc)
                return rc;
            k->next = (uint32_t)j->n;
            p = skip_ws(p, end);
            if (p >= end || *p != ':')
                return fail(j, p, "expected ':' after key");
            p++;
            j->tok[stack[depth - 1]].len++;
            st = WANT_VALUE;
            continue;
        }
        /* WANT_VALUE */
        if (*p == ']' && first_in_arr) {
            p++;
            j->tok[stack[depth - 1]].next = (uint32_t)j->n;
            depth--;
            first_in_arr = 0;
            st = WANT_COMMA_OR_CLOSE;
            continue;
        }
        if (depth > 0 && j->tok[stack[depth - 1]].type == VG_J_ARR)
            j->tok[stack[depth - 1]].len++;
        uint32_t idx = (uint32_t)j->n;
        vg__jtok *t = push(j);
        if (!t)
            return VG_ERR_NOMEM;
        int rc = 0;
        first_in_arr = 0;
        switch (*p) {
        case '{':
        case '[':
            if (depth >= VG_JSON_MAX_DEPTH)
                return fail(j, p, "nesting too deep");
            t->type = *p == '{' ? VG_J_OBJ : VG_J_ARR;
            t->off = (uint32_t)(p - src);
            stack[depth++] = idx;
            st = *p == '{' ? WANT_KEY_OR_CLOSE : WANT_VALUE;
            first_in_arr = *p == '[';
            p++;
            continue;
        case '"':
            rc = scan_string(j, &p, end, t);
            break;
        case '-':
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
        case '8':
        case '9':
            rc = scan_number(j, &p, end, t);
            break;
        default:
            rc = scan_word(j, &p, end, t);
            break;
        }
        if (rc)
            return rc;
        j->tok[idx].next = (uint32_t)j->n;
        st = WANT_COMMA_OR_CLOSE;
    }
    p = skip_ws(p, end);
    if (p != end)
        return fail(j, p, "trailing data after JSON value");
    return 0;
}

static size_t unescape(const char *s, size_t n, char *out);

/* A scalar value at p: string, number or word. */
static inline int scan_scalar(vg__json *j, const char **pp, const char *end, vg__jtok *t)
{
    char c = **pp;
    if (c == '"')
        return scan_string(j, pp, end, t);
    if (c == '-' || (c >= '0' && c <= '9'))
        return scan_number(j, pp, end, t);
    if (c == '{' || c == '[')
        return 1;
    return scan_word(j, pp, end, t);
}

int vg__json_flat_members(vg__json *j, const char *src, size_t len, vg__json_member_fn fn, void *ud)
{
    j->src = src;
    j->src_len = len;
    j->n = 0;
    if (len >= VG_JSON_MAX_INPUT)
        return 1;
    const char *p = skip_ws(src, src + len), *end = src + len;
    if (p >= end || *p != '{')
        return 1;
    p = skip_ws(p + 1, end);
    if (p < end && *p == '}')
        return skip_ws(p + 1, end) == end ? 0 : 1;
    for (;;) {
        vg__jtok k, v;
        if (p >= end || *p != '"' || scan_string(j, &p, end, &k))
            return 1;
        p = skip_ws(p, end);
        if (p >= end || *p != ':')
            return 1;
        p = skip_ws(p + 1, end);
        v.esc = 0; /* strings set it, numbers and words do not */
        if (p >= end || scan_scalar(j, &p, end, &v))
            return 1;
        int rc = fn(ud, src + k.off, k.len, k.esc, src + v.off, v.len, v.esc, v.type);
        if (rc)
            return rc;
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            p = skip_ws(p + 1, end);
            continue;
        }
        if (p < end && *p == '}')
            return skip_ws(p + 1, end) == end ? 0 : 1;
        return 1;
    }
}

/* ---- the one-pass reader (json.h): a pull parser over the same scanners ---- */

int vg__json_open(vg__jreader *r, vg__json *j, const char *src, size_t len)
{
    j->src = src;
    j->src_len = len;
    j->n = 0;
    r->j = j;
    r->end = src + len;
    r->depth = 0;
    if (len >= VG_JSON_MAX_INPUT)
        return 1;
    const char *p = skip_ws(src, r->end);
    if (p >= r->end || *p != '{')
        return 1;
    r->p = p + 1;
    r->depth = 1;
    r->first = 1;
    r->arr[0] &= ~1ull;
    return 0;
}

/* Enter the object or array at p, which val becomes; 0, or VG_ERR_SYNTAX past
 * VG_JSON_MAX_DEPTH (as vg__json_parse: "nesting too deep"). */
static inline int enter(vg__jreader *r, const char *p, vg__jtok *val)
{
    if (r->depth >= VG_JSON_MAX_DEPTH)
        return VG_ERR_SYNTAX;
    uint32_t d = r->depth++;
    uint64_t bit = 1ull << (d % 64);
    r->arr[d / 64] = *p == '[' ? r->arr[d / 64] | bit : r->arr[d / 64] & ~bit;
    val->type = *p == '[' ? VG_J_ARR : VG_J_OBJ;
    val->off = (uint32_t)(p - r->j->src);
    val->len = 0;
    r->first = 1;
    r->p = p + 1;
    return 0;
}

/* The innermost container closes at p. */
static inline void leave(vg__jreader *r, const char *p)
{
    r->p = p + 1;
    r->depth--;
    r->first = 0; /* the parent has just had a value */
}

/* A member's key and its colon at *pp: the key into key, *pp past the colon and the
 * whitespace after it. 0, or VG_ERR_SYNTAX. */
static inline int member_key(vg__json *j, const char **pp, const char *end, vg__jtok *key)
{
    const char *p = *pp;
    if (p >= end || *p != '"' || scan_string(j, &p, end, key))
        return VG_ERR_SYNTAX;
    p = skip_ws(p, end);
    if (p >= end || *p != ':')
        return VG_ERR_SYNTAX;
    *pp = skip_ws(p + 1, end);
    return 0;
}

int vg__json_next(vg__jreader *r, vg__jtok *key, vg__jtok *val)
{
    const char *p = skip_ws(r->p, r->end), *end = r->end;
    if (!r->depth || p >= end)
        return VG_ERR_SYNTAX;
    uint32_t d = r->depth - 1;
    int arr = (int)(r->arr[d / 64] >> (d % 64) & 1);
    if (*p == (arr ? ']' : '}')) {
        leave(r, p);
        return 0;
    }
    if (!r->first) {
        if (*p != ',')
            return VG_ERR_SYNTAX;
        p = skip_ws(p + 1, end);
    }
    r->first = 0;
    if (!arr && member_key(r->j, &p, end, key))
        return VG_ERR_SYNTAX;
    if (p >= end)
        return VG_ERR_SYNTAX;
    val->esc = 0;
    if (*p == '{' || *p == '[')
        return enter(r, p, val) ? VG_ERR_SYNTAX : 1;
    if (scan_scalar(r->j, &p, end, val))
        return VG_ERR_SYNTAX;
    r->p = p;
    return 1;
}

/* vg__json_next for the members of an object in a run: the scanning loop of
 * vg__json_flat_members, with its state (r->p, r->first, r->depth) kept in locals until it
 * stops. */
int vg__json_members(vg__jreader *r, vg__jmember *m, size_t cap, int *closed)
{
    const char *p = skip_ws(r->p, r->end), *end = r->end;
    uint32_t d = r->depth - 1;
    *closed = 0;
    if (!r->depth || (r->arr[d / 64] >> (d % 64) & 1) || p >= end || !cap)
        return VG_ERR_SYNTAX;
    if (*p == '}') {
        leave(r, p);
        *closed = 1;
        return 0;
    }
    if (!r->first) {
        if (*p != ',')
            return VG_ERR_SYNTAX;
        p = skip_ws(p + 1, end);
    }
    for (size_t n = 0;;) {
        vg__jtok *k = &m[n].key, *v = &m[n].val;
        if (member_key(r->j, &p, end, k) || p >= end)
            return VG_ERR_SYNTAX;
        n++;
        v->esc = 0;
        if (*p == '{' || *p == '[') /* entered, as vg__json_next enters it */
            return enter(r, p, v) ? VG_ERR_SYNTAX : (int)n;
        int rc = *p == '"'                               ? scan_string(r->j, &p, end, v)
                 : *p == '-' || (*p >= '0' && *p <= '9') ? scan_number(r->j, &p, end, v)
                                                         : scan_word(r->j, &p, end, v);
        if (rc)
            return VG_ERR_SYNTAX;
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            if (n == cap) { /* the next call reads on from the comma */
                r->first = 0;
                r->p = p;
                return (int)n;
            }
            p = skip_ws(p + 1, end);
            continue;
        }
        if (p < end && *p == '}') {
            leave(r, p);
            *closed = 1;
            return (int)n;
        }
        return VG_ERR_SYNTAX;
    }
}

int vg__json_skip(vg__jreader *r)
{
    uint32_t d = r->depth; /* the container being skipped is the innermost one */
    vg__jtok k, v;
    while (r->depth >= d && r->depth) {
        int rc = vg__json_next(r, &k, &v);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int vg__json_end(const vg__jreader *r)
{
    return !r->depth && skip_ws(r->p, r->end) == r->end ? 0 : VG_ERR_SYNTAX;
}

size_t vg__json_unescape_raw(const char *s, size_t n, char *out)
{
    return unescape(s, n, out);
}

vg__str vg__json_raw(const vg__json *j, uint32_t t)
{
    return (vg__str){j->src + j->tok[t].off, j->tok[t].len};
}

uint32_t vg__json_get(const vg__json *j, uint32_t obj, const char *key)
{
    if (obj >= j->n || j->tok[obj].type != VG_J_OBJ)
        return 0;
    size_t klen = strlen(key);
    uint32_t k = obj + 1;
    for (uint32_t m = 0; m < j->tok[obj].len; m++) {
        const vg__jtok *kt = &j->tok[k];
        uint32_t v = kt->next;
        if (!kt->esc && kt->len == klen && memcmp(j->src + kt->off, key, klen) == 0)
            return v;
        if (kt->esc) {
            char tmp[128];
            long n = vg__json_unescape(j, k, tmp, sizeof tmp);
            if (n == (long)klen && memcmp(tmp, key, klen) == 0)
                return v;
        }
        k = j->tok[v].next;
    }
    return 0;
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static uint32_t hex4(const char *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = v * 16 + (uint32_t)hexval(p[i]);
    return v;
}

/* Unescaped bytes never exceed the escaped length, so out must hold tok.len bytes. */
/* The escape at s[*i] (a backslash) written to out at *o; both advanced past it. */
static inline void unescape_one(const char *s, size_t n, size_t *i, char *out, size_t *o)
{
    char c = s[++*i];
    switch (c) {
    case 'b':
        out[(*o)++] = '\b';
        break;
    case 'f':
        out[(*o)++] = '\f';
        break;
    case 'n':
        out[(*o)++] = '\n';
        break;
    case 'r':
        out[(*o)++] = '\r';
        break;
    case 't':
        out[(*o)++] = '\t';
        break;
    case 'u': {
        uint32_t cp = hex4(s + *i + 1);
        *i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && *i + 6 < n && s[*i + 1] == '\\' && s[*i + 2] == 'u') {
            uint32_t lo = hex4(s + *i + 3);
            if (lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                *i += 6;
            }
        }
        if (cp >= 0xD800 && cp < 0xE000)
            cp = 0xFFFD; /* lone surrogate */
        *o += put_utf8(out + *o, cp);
        break;
    }
    default:
        out[(*o)++] = c;
        break;
    }
    ++*i;
}

/* Decode the n bytes of a scanned string (escapes well formed) to out, which has room for n
 * bytes; the decoded length. Runs without a backslash are copied sixteen bytes at a time where
 * SSE2 is: decoding never lengthens, so o <= i and a block stored at o ends within n. */
static size_t unescape(const char *s, size_t n, char *out)
{
    size_t o = 0, i = 0;
#if defined(__SSE2__)
    const __m128i bslash = _mm_set1_epi8('\\');
    while (i + 16 <= n) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)(out + o), x);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, bslash));
        if (!m) {
            i += 16;
            o += 16;
            continue;
        }
        size_t k = (size_t)__builtin_ctz(m);
        i += k;
        o += k;
        unescape_one(s, n, &i, out, &o);
    }
#endif
    while (i < n) {
        if (s[i] != '\\')
            out[o++] = s[i++];
        else
            unescape_one(s, n, &i, out, &o);
    }
    return o;
}

long vg__json_unescape(const vg__json *j, uint32_t t, char *buf, size_t cap)
{
    const vg__jtok *k = &j->tok[t];
    if (k->type != VG_J_STR || cap < (size_t)k->len + 1)
        return -1;
    size_t n = unescape(j->src + k->off, k->len, buf);
    buf[n] = 0;
    return (long)n;
}

char *vg__json_str(const vg__json *j, uint32_t t, vg__arena *a, size_t *out_len)
{
    if (t == 0 || t >= j->n || j->tok[t].type != VG_J_STR)
        return NULL;
    const vg__jtok *k = &j->tok[t];
    char *p = vg__arena_alloc(a, (size_t)k->len + 1);
    if (!p)
        return NULL;
    size_t n = k->esc ? unescape(j->src + k->off, k->len, p) : k->len;
    if (!k->esc)
        memcpy(p, j->src + k->off, n);
    p[n] = 0;
    if (out_len)
        *out_len = n;
    return p;
}

int vg__json_is_true(const vg__json *j, uint32_t t)
{
    return t && t < j->n && j->tok[t].type == VG_J_TRUE;
}

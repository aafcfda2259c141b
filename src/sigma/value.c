/*
 * value.c - matching one compiled Sigma value against one field value.
 *
 * Strings compare case-insensitively (ASCII folding; patterns are folded once at compile time,
 * field text once per event) unless the rule says `cased`. Substrings (contains, the pieces of
 * a glob, the runs of a regular expression) are found by vg__find: the places whose first and
 * last bytes are the needle's, sixteen at a time (SSE2), each then compared whole; glibc's
 * memmem spent more on setting up than on searching these short needles and values. A glob
 * whose only wildcard is `*` is matched piece by piece; other globs iteratively, backtracking
 * only to the last `*`, so the cost is O(pattern x text) in the worst case and needs no
 * recursion; `?` consumes one UTF-8 character.
 * Numbers are parsed from the field text (decimal, or hexadecimal with 0x); time parts are
 * read from "YYYY-MM-DD[ T]HH:MM[:SS...]" timestamps. CIDR checks parse the field as IPv4 or
 * IPv6 text. A regular expression is run only when the value is as long as its shortest match
 * (PCRE2_INFO_MINLENGTH) and the runs of plain text its matches must contain (vg__regex_runs,
 * derived once at compile time) are all in the folded value, in order: a few vg__find calls
 * instead of a PCRE2 match that would fail anyway. vg__item_hit tries an item's values on one
 * field value (its value set first), the string matches inline.
 * A long list of plain values (equals, startswith, endswith; not cased, no wildcards) is also
 * compiled into a value set: one open-addressing table of the folded values, probed with the
 * field's folded text for each distinct value length, the hash of a prefix (suffix) grown byte
 * by byte from the shorter one, so that hundreds of values cost one pass over the text.
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sigma.h"

static inline unsigned char fold(unsigned char c, int cased)
{
    return cased ? c : vg__lower(c);
}

static size_t utf8_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

int vg__glob_match(const char *pat, size_t plen, const char *s, size_t n, int cased)
{
    size_t p = 0, i = 0, star_p = (size_t)-1, star_i = 0;
    while (i < n) {
        if (p < plen && pat[p] == VG_GLOB_STAR) {
            star_p = ++p;
            star_i = i;
            continue;
        }
        if (p < plen && pat[p] == VG_GLOB_ONE) {
            size_t l = utf8_len((unsigned char)s[i]);
            i += l <= n - i ? l : n - i;
            p++;
            continue;
        }
        if (p < plen && (unsigned char)pat[p] == fold((unsigned char)s[i], cased)) {
            p++;
            i++;
            continue;
        }
        if (star_p == (size_t)-1)
            return 0;
        p = star_p; /* let the last star absorb one more character */
        i = ++star_i;
    }
    while (p < plen && pat[p] == VG_GLOB_STAR)
        p++;
    return p == plen;
}

/* ---------------------------------------------------------------- substring search */

/* Do the n bytes at a and b agree? Up to sixteen bytes in two words that may overlap. */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a0, b0, a1, b1;
        memcpy(&a0, a, 8);
        memcpy(&b0, b, 8);
        memcpy(&a1, a + n - 8, 8);
        memcpy(&b1, b + n - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n >= 4 && n < 8) {
        uint32_t a0, b0, a1, b1;
        memcpy(&a0, a, 4);
        memcpy(&b0, b, 4);
        memcpy(&a1, a + n - 4, 4);
        memcpy(&b1, b + n - 4, 4);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n < 4) {
        for (size_t i = 0; i < n; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    return memcmp(a, b, n) == 0;
}

#if defined(__SSE2__)
/* The needle at the positions of bit mask m (bit k: position base + k), first one first. */
static inline const char *check_block(const char *h, size_t base, unsigned m, const char *nd,
                                      size_t nn)
{
    for (; m; m &= m - 1) {
        const char *at = h + base + (size_t)__builtin_ctz(m);
        if (same_bytes(at, nd, nn))
            return at;
    }
    return NULL;
}

/* Positions base .. base + 15 whose byte is f and whose byte nn - 1 further on is l. */
static inline unsigned block_mask(const char *h, size_t base, size_t nn, __m128i f, __m128i l)
{
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(h + base));
    __m128i z = _mm_loadu_si128((const __m128i *)(const void *)(h + base + nn - 1));
    return (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(z, l)));
}
#endif

const char *vg__find(const char *h, size_t hn, const char *nd, size_t nn)
{
    if (nn == 0)
        return h;
    if (nn > hn)
        return NULL;
    if (nn == 1)
        return memchr(h, nd[0], hn);
    size_t np = hn - nn + 1; /* the positions the needle can start at */
#if defined(__SSE2__)
    if (hn >= 16) {
        __m128i f = _mm_set1_epi8(nd[0]), l = _mm_set1_epi8(nd[nn - 1]);
        size_t i = 0;
        const char *hit;
        for (; i + 16 <= np; i += 16)
            if ((hit = check_block(h, i, block_mask(h, i, nn, f, l), nd, nn)))
                return hit;
        if (i == np)
            return NULL;
        if (np >= 16) /* the last sixteen positions again, those before i already done */
            return check_block(h, np - 16,
                               block_mask(h, np - 16, nn, f, l) & (~0u << (i + 16 - np)), nd, nn);
        /* fewer than sixteen positions: their first bytes are at the start of the text and
         * their last bytes at its end, sixteen bytes each */
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)h);
        __m128i z = _mm_loadu_si128((const __m128i *)(const void *)(h + hn - 16));
        unsigned ma = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, f));
        unsigned mz = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(z, l));
        return check_block(h, 0, ma & (mz >> (16 - np)) & ((1u << np) - 1), nd, nn);
    }
#endif
    char first = nd[0], last = nd[nn - 1];
    for (size_t p = 0; p < np; p++)
        if (h[p] == first && h[p + nn - 1] == last && same_bytes(h + p, nd, nn))
            return h + p;
    return NULL;
}

/* A glob whose only wildcard is `*`: its text before the first star is a prefix, its text after
 * the last a suffix, and each piece between them is found leftmost after the one before (the
 * leftmost place leaves the most room for the rest, so this is exact). */
static int stars_match(const char *pat, size_t plen, const char *s, size_t n)
{
    const char *first = memchr(pat, VG_GLOB_STAR, plen), *last = memrchr(pat, VG_GLOB_STAR, plen);
    size_t head = (size_t)(first - pat), tail = (size_t)(pat + plen - last - 1);
    if (head + tail > n || !same_bytes(pat, s, head) || !same_bytes(last + 1, s + n - tail, tail))
        return 0;
    size_t at = head, end = n - tail;
    for (const char *p = first + 1; p < last;) {
        const char *q = memchr(p, VG_GLOB_STAR, (size_t)(last - p) + 1);
        size_t len = (size_t)(q - p);
        if (len) {
            const char *hit = vg__find(s + at, end - at, p, len);
            if (!hit)
                return 0;
            at = (size_t)(hit - s) + len;
        }
        p = q + 1;
    }
    return 1;
}

/* t is the field's text, low the same text folded to lower case (patterns that are not
 * `cased` are folded at compile time, so both sides compare byte for byte). */
static int pattern_match(const vg__pattern *pt, vg__str t, vg__str low)
{
    vg__str s = pt->cased ? t : low;
    switch (pt->kind) {
    case PK_EXACT:
        return s.len == pt->len && memcmp(pt->text, s.ptr, pt->len) == 0;
    case PK_PREFIX:
        return s.len >= pt->len && memcmp(pt->text, s.ptr, pt->len) == 0;
    case PK_SUFFIX:
        return s.len >= pt->len && memcmp(pt->text, s.ptr + s.len - pt->len, pt->len) == 0;
    case PK_CONTAINS:
        return pt->len == 0 || vg__find(s.ptr, s.len, pt->text, pt->len);
    default:
        return pt->stars ? stars_match(pt->text, pt->len, s.ptr, s.len)
                         : vg__glob_match(pt->text, pt->len, s.ptr, s.len, 1);
    }
}

/* ---------------------------------------------------------------- value sets */

enum { VS_EQUAL, VS_PREFIX, VS_SUFFIX }; /* the set's kinds, indexes of vg__vset.lens */

typedef struct vg__vent {
    const char *text;
    uint32_t len, hash;
    uint8_t kind; /* 1 + VS_*; 0: an empty slot */
} vg__vent;

/* FNV-1a, one byte at a time so that a prefix's (suffix's) hash grows with its length; the
 * seed differs per kind. */
#define VSET_PRIME 16777619u
static inline uint32_t vset_seed(int kind)
{
    return 2166136261u ^ (uint32_t)kind * 0x9E3779B9u;
}

static inline uint32_t vset_step(uint32_t h, unsigned char c)
{
    return (h ^ c) * VSET_PRIME;
}

static int vset_kind(const vg__value *v)
{
    if (v->kind != VK_STRING || v->pat.cased)
        return -1;
    return v->pat.kind == PK_EXACT    ? VS_EQUAL
           : v->pat.kind == PK_PREFIX ? VS_PREFIX
           : v->pat.kind == PK_SUFFIX ? VS_SUFFIX
                                      : -1;
}

static uint32_t vset_hash(int kind, const char *p, size_t n)
{
    uint32_t h = vset_seed(kind);
    for (size_t i = 0; i < n; i++)
        h = vset_step(h, (unsigned char)p[kind == VS_SUFFIX ? n - 1 - i : i]);
    return h;
}

static int vset_probe(const vg__vset *s, uint32_t h, int kind, const char *p, size_t n)
{
    for (uint32_t i = h & s->mask;; i = (i + 1) & s->mask) {
        const vg__vent *e = &s->tab[i];
        if (!e->kind)
            return 0;
        if (e->hash == h && e->len == n && e->kind == kind + 1 && memcmp(e->text, p, n) == 0)
            return 1;
    }
}

static void vset_insert(vg__vset *s, int kind, const char *p, size_t n)
{
    uint32_t h = vset_hash(kind, p, n);
    if (vset_probe(s, h, kind, p, n))
        return; /* the same value twice */
    uint32_t i = h & s->mask;
    while (s->tab[i].kind)
        i = (i + 1) & s->mask;
    s->tab[i] = (vg__vent){p, (uint32_t)n, h, (uint8_t)(kind + 1)};
    uint32_t *l = s->lens[kind], k = s->n_lens[kind];
    while (k && l[k - 1] > n) /* insertion into the sorted distinct lengths */
        k--;
    if (k && l[k - 1] == n)
        return;
    memmove(l + k + 1, l + k, (s->n_lens[kind] - k) * sizeof *l);
    l[k] = (uint32_t)n;
    s->n_lens[kind]++;
}

int vg__vset_build(vg__arena *a, vg__item *it)
{
    size_t plain = 0;
    if (it->all || it->exists >= 0)
        return 0;
    for (size_t v = 0; v < it->n; v++)
        plain += vset_kind(&it->vals[v]) >= 0 && it->vals[v].pat.len <= UINT32_MAX;
    if (plain < VG_VSET_MIN)
        return 0;
    uint32_t slots = 16;
    while (slots < 2 * plain)
        slots *= 2;
    vg__vset *s = vg__arena_alloc(a, sizeof *s);
    if (!s || !(s->tab = vg__arena_alloc(a, slots * sizeof *s->tab)) ||
        !(s->rest = vg__arena_alloc(a, (it->n - plain + 1) * sizeof *s->rest)))
        return VG_ERR_NOMEM;
    for (int k = VS_EQUAL; k <= VS_SUFFIX; k++)
        if (!(s->lens[k] = vg__arena_alloc(a, plain * sizeof *s->lens[k])))
            return VG_ERR_NOMEM;
    s->mask = slots - 1;
    for (size_t v = 0; v < it->n; v++) {
        const vg__value *val = &it->vals[v];
        int kind = vset_kind(val);
        if (kind >= 0 && val->pat.len <= UINT32_MAX)
            vset_insert(s, kind, val->pat.text, val->pat.len);
        else
            s->rest[s->n_rest++] = val;
    }
    it->set = s;
    return 0;
}

int vg__vset_hit(const vg__vset *s, vg__str low)
{
    const uint32_t *l = s->lens[VS_EQUAL];
    uint32_t n = s->n_lens[VS_EQUAL];
    if (n && low.len >= l[0] && low.len <= l[n - 1] &&
        vset_probe(s, vset_hash(VS_EQUAL, low.ptr, low.len), VS_EQUAL, low.ptr, low.len))
        return 1;
    for (int kind = VS_PREFIX; kind <= VS_SUFFIX; kind++) { /* each shortest first */
        uint32_t h = vset_seed(kind);
        size_t i = 0;
        l = s->lens[kind];
        for (uint32_t j = 0; j < s->n_lens[kind] && l[j] <= low.len; j++) {
            for (; i < l[j]; i++)
                h = vset_step(h, (unsigned char)low.ptr[kind == VS_SUFFIX ? low.len - 1 - i : i]);
            const char *at = kind == VS_SUFFIX ? low.ptr + low.len - l[j] : low.ptr;
            if (vset_probe(s, h, kind, at, l[j]))
                return 1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- regex runs */

static int is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Index of the `]` closing the class opened at re[i] (n if none): a `]` first in the class (or
 * after `^`) is a member, and so are POSIX names such as [:alpha:]. */
static size_t class_end(const char *re, size_t n, size_t i)
{
    i++;
    if (i < n && re[i] == '^')
        i++;
    if (i < n && re[i] == ']')
        i++;
    for (; i < n; i++) {
        if (re[i] == '\\') {
            i++;
        } else if (re[i] == '[' && i + 1 < n && strchr(":.=", re[i + 1])) {
            char close[2] = {re[i + 1], ']'};
            const char *e = memmem(re + i + 2, n - i - 2, close, 2);
            if (e)
                i = (size_t)(e - re) + 1;
        } else if (re[i] == ']') {
            return i;
        }
    }
    return n;
}

/* Index of the `)` closing the group opened at re[i] (n if none), past nested groups,
 * classes and escapes. */
static size_t group_end(const char *re, size_t n, size_t i)
{
    int depth = 0;
    for (; i < n; i++) {
        if (re[i] == '\\')
            i++;
        else if (re[i] == '[')
            i = class_end(re, n, i);
        else if (re[i] == '(')
            depth++;
        else if (re[i] == ')' && --depth == 0)
            return i;
    }
    return n;
}

/* Does the expression use syntax the run scanner does not follow: quoting (\Q...\E),
 * comments, or the extended option (whitespace and # are not text)? */
static int unfollowed(const char *re, size_t n)
{
    if (memmem(re, n, "\\Q", 2) || memmem(re, n, "(?#", 3))
        return 1;
    for (const char *p = re; (p = memmem(p, n - (size_t)(p - re), "(?", 2)) != NULL; p += 2)
        for (const char *q = p + 2; q < re + n && *q != ')' && *q != ':'; q++) {
            if (*q == 'x')
                return 1;
            if (!is_alnum((unsigned char)*q) && *q != '-' && *q != '^')
                break;
        }
    return 0;
}

int vg__regex_runs(vg__arena *a, const char *re, size_t n, int caseless, vg__str **runs,
                   uint32_t *n_runs, uint8_t *decide)
{
    *runs = NULL;
    *n_runs = 0;
    *decide = 0;
    if (!n || unfollowed(re, n))
        return 0;
    if (memmem(re, n, "(?", 2))
        caseless = 1; /* inline options may turn it on anywhere */
    char *text = vg__arena_alloc(a, n + 1);
    vg__str *out = vg__arena_alloc(a, (n + 1) * sizeof *out);
    if (!text || !out)
        return VG_ERR_NOMEM;
    size_t len = 0, used = 0;
    uint32_t k = 0;
    int only = 1;     /* nothing but plain characters and `.*` so far */
    int letters = 0;  /* a run has a letter (compared ignoring case below) */
    int esc_args = 0; /* after \x, \c, \0, \p ...: letters and digits are its arguments */
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)re[i], lit = 0;
        int plain = 0;
        size_t end = i + 1; /* the element re[i, end) */
        if (!is_alnum(c) && c != '\\')
            esc_args = 0;
        if (esc_args && is_alnum(c)) {
            plain = 0;
        } else if (c == '\\') {
            if (i + 1 >= n)
                break;
            lit = (unsigned char)re[i + 1];
            plain = !is_alnum(lit);
            esc_args = !plain;
            end = i + 2;
        } else if (c == '[') {
            end = class_end(re, n, i) + 1;
        } else if (c == '(') {
            end = group_end(re, n, i) + 1;
        } else if (c == '|') {
            *n_runs = 0; /* a top-level alternative: nothing is required */
            return 0;
        } else if (c == '{') { /* a count (or literal braces: skipped all the same) */
            const char *e = memchr(re + i, '}', n - i);
            end = e ? (size_t)(e - re) + 1 : n;
        } else if (!strchr(".^$?*+)]", c)) {
            plain = 1;
            lit = c;
        }
        if (plain && caseless &&
            (lit >= 0x80 || lit == 'k' || lit == 'K' || lit == 's' || lit == 'S'))
            plain = 0; /* Unicode caseless matching pairs these with non-ASCII characters */
        if (end > n)
            end = n;
        char next = end < n ? re[end] : 0, after = end + 1 < n ? re[end + 1] : 0;
        int repeated = next == '+' || (next == '{' && after >= '1' && after <= '9');
        int optional = next == '?' || next == '*' || (next == '{' && !repeated);
        if (c == '.' && next == '*' && after != '+' && after != '?' && after != '{')
            end++; /* `.*`: a gap between runs (its `*` is not an element of its own) */
        else if (!plain || optional || repeated)
            only = 0;
        if (plain && !optional) {
            text[used + len++] = (char)vg__lower(lit);
            letters |= (lit | 0x20) >= 'a' && (lit | 0x20) <= 'z';
        }
        if ((!plain || optional || repeated) && len) {
            out[k++] = (vg__str){text + used, len};
            used += len;
            len = 0;
        }
        i = end;
    }
    if (len)
        out[k++] = (vg__str){text + used, len};
    *runs = out;
    *n_runs = k;
    /* runs are compared folded, which decides a match only when case does not matter */
    *decide = (uint8_t)(only && k && (caseless || !letters));
    return 0;
}

/* Is every byte of t printable ASCII or a tab? There `.` matches any character and
 * caseless ASCII is caseless Unicode, so a regular expression of runs and `.*` gaps matches
 * exactly when its runs are in the value in order. */
static int printable(vg__str t)
{
    for (size_t i = 0; i < t.len; i++) {
        unsigned char c = (unsigned char)t.ptr[i];
        if ((c < 0x20 && c != '\t') || c >= 0x7f)
            return 0;
    }
    return 1;
}

/* Are the runs of plain text of a regular expression all in the folded value, in order? The
 * leftmost place of each run leaves the most room for the next, so this is exact. */
static int runs_in_order(const vg__value *v, vg__str low)
{
    size_t at = 0;
    for (uint32_t r = 0; r < v->n_runs; r++) {
        const vg__str *run = &v->runs[r];
        const char *p = vg__find(low.ptr + at, low.len - at, run->ptr, run->len);
        if (!p)
            return 0;
        at = (size_t)(p - low.ptr) + run->len;
    }
    return 1;
}

/* Parse a number from field text: optional sign, decimal with fraction/exponent, or 0x hex. */
static int parse_number(vg__str t, double *out)
{
    char buf[64];
    while (t.len && (*t.ptr == ' ' || *t.ptr == '\t')) {
        t.ptr++;
        t.len--;
    }
    if (t.len == 0 || t.len >= sizeof buf)
        return 0;
    memcpy(buf, t.ptr, t.len);
    buf[t.len] = 0;
    char *end;
    if (t.len > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
        unsigned long long v = strtoull(buf + 2, &end, 16);
        if (*end || end == buf + 2)
            return 0;
        *out = (double)v;
        return 1;
    }
    double v = strtod(buf, &end);
    if (*end || end == buf || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

/* ISO 8601 week number of a date. */
static int iso_week(int y, int m, int d)
{
    static const int cum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int doy = cum[m - 1] + d + (leap && m > 2);
    /* weekday of y-m-d, 1 = Monday .. 7 = Sunday (Sakamoto) */
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    int yy = m < 3 ? y - 1 : y;
    int wd = (yy + yy / 4 - yy / 100 + yy / 400 + t[m - 1] + d) % 7;
    if (wd == 0)
        wd = 7;
    int w = (doy - wd + 10) / 7;
    if (w < 1)
        return iso_week(y - 1, 12, 31); /* belongs to the previous year's last week */
    if (w == 53) {
        int jan1 = (wd - (doy - 1) % 7 + 7 + 6) % 7 + 1; /* weekday of Jan 1 */
        if (!(jan1 == 4 || (leap && jan1 == 3)))
            return 1;
    }
    return w;
}

static int time_part(vg__str t, int part, double *out)
{
    int y, mo, d, h, mi;
    if (t.len < 16 || t.ptr[4] != '-' || t.ptr[7] != '-' ||
        (t.ptr[10] != ' ' && t.ptr[10] != 'T') || t.ptr[13] != ':')
        return 0;
    if (!vg__digits(t.ptr, 4, &y) || !vg__digits(t.ptr + 5, 2, &mo) ||
        !vg__digits(t.ptr + 8, 2, &d) || !vg__digits(t.ptr + 11, 2, &h) ||
        !vg__digits(t.ptr + 14, 2, &mi) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return 0;
    switch (part) {
    case TP_MINUTE:
        *out = mi;
        break;
    case TP_HOUR:
        *out = h;
        break;
    case TP_DAY:
        *out = d;
        break;
    case TP_WEEK:
        *out = iso_week(y, mo, d);
        break;
    case TP_MONTH:
        *out = mo;
        break;
    default:
        *out = y;
        break;
    }
    return 1;
}

int vg__parse_ip(const char *s, size_t n, uint8_t out[16], uint8_t *family)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    char *pct = strchr(buf, '%'); /* IPv6 zone id */
    if (pct)
        *pct = 0;
    memset(out, 0, 16);
    if (inet_pton(AF_INET, buf, out) == 1) {
        *family = 4;
        return 1;
    }
    if (inet_pton(AF_INET6, buf, out) == 1) {
        *family = 6;
        return 1;
    }
    return 0;
}

static int cidr_match(const vg__value *v, vg__str t)
{
    uint8_t ip[16], fam;
    if (!vg__parse_ip(t.ptr, t.len, ip, &fam))
        return 0;
    if (fam == 6 && v->family == 4) {
        /* IPv4-mapped IPv6 (::ffff:a.b.c.d) is compared as IPv4 */
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(ip, mapped, 12) != 0)
            return 0;
        memmove(ip, ip + 12, 4);
        fam = 4;
    }
    if (fam != v->family)
        return 0;
    unsigned bits = v->prefix;
    for (unsigned i = 0; bits; i++) {
        unsigned take = bits >= 8 ? 8 : bits;
        uint8_t mask = (uint8_t)(0xFF << (8 - take));
        if ((ip[i] & mask) != (v->ip[i] & mask))
            return 0;
        bits -= take;
    }
    return 1;
}

/* Compare with the non-null occurrences of another field of the event: as written when
 * `cased`, else both folded (the event keeps every value folded). */
static int fieldref_match(const vg__value *v, vg__str t, vg__str low, const vg_event *ev,
                          const vg__route *rt)
{
    vg__str name = vg__route_field(rt, v->pat.text, v->pat.len);
    uint32_t h = name.ptr == v->pat.text ? v->ref_hash : vg__hash_lower(name.ptr, name.len);
    vg__str s = v->pat.cased ? t : low;
    for (uint32_t i = vg__event_bucket(ev, h); i; i = ev->fields[i - 1].next) {
        const vg__field *f = &ev->fields[i - 1];
        if (f->nhash != h || f->nlen != name.len || f->type == VG_VAL_NULL ||
            !vg__text_ieq(ev->bytes + f->name, name.ptr, name.len))
            continue;
        vg__str o = v->pat.cased ? vg__field_value(ev, f) : vg__field_lower(ev, f);
        int hit;
        switch (v->pat.kind) {
        case PK_PREFIX:
            hit = s.len >= o.len && same_bytes(s.ptr, o.ptr, o.len);
            break;
        case PK_SUFFIX:
            hit = s.len >= o.len && same_bytes(s.ptr + s.len - o.len, o.ptr, o.len);
            break;
        case PK_CONTAINS:
            hit = o.len == 0 || vg__find(s.ptr, s.len, o.ptr, o.len);
            break;
        default:
            hit = s.len == o.len && same_bytes(s.ptr, o.ptr, o.len);
        }
        if (hit)
            return 1;
    }
    return 0;
}

static int value_match(const vg__value *v, vg__str t, vg__str low, const vg_event *ev,
                       const vg__route *rt, pcre2_match_data *md)
{
    double x;
    switch (v->kind) {
    case VK_STRING:
        return pattern_match(&v->pat, t, low);
    case VK_REGEX:
        if (t.len < v->re_minlen || !runs_in_order(v, low))
            return 0;
        if (v->runs_decide && printable(low))
            return 1;
        return pcre2_match(v->re, (PCRE2_SPTR)t.ptr, t.len, 0, 0, md, NULL) >= 0;
    case VK_CIDR:
        return cidr_match(v, t);
    case VK_NUMBER:
        if (v->timepart ? !time_part(t, v->timepart, &x) : !parse_number(t, &x))
            return 0;
        switch (v->cmp) {
        case CMP_LT:
            return x < v->num;
        case CMP_LTE:
            return x <= v->num;
        case CMP_GT:
            return x > v->num;
        case CMP_GTE:
            return x >= v->num;
        default:
            return x == v->num;
        }
    case VK_FIELDREF:
        return fieldref_match(v, t, low, ev, rt);
    case VK_BOOL:
        return vg__str_ieq(t, (vg__str){v->pat.text, v->pat.len});
    default:
        return 0;
    }
}

int vg__value_match(const vg__value *v, vg__str t, vg__str low, const vg_event *ev,
                    const vg__route *rt, pcre2_match_data *md)
{
    return v->kind == VK_STRING ? pattern_match(&v->pat, t, low)
                                : value_match(v, t, low, ev, rt, md);
}

int vg__item_hit(const vg__item *it, vg__str t, vg__str low, const vg_event *ev,
                 const vg__route *rt, pcre2_match_data *md)
{
    const vg__value *vals = it->vals, *const *rest = NULL;
    size_t n = it->n;
    if (it->set) {
        if (vg__vset_hit(it->set, low))
            return 1;
        rest = it->set->rest;
        n = it->set->n_rest;
    }
    for (size_t k = 0; k < n; k++) {
        const vg__value *v = rest ? rest[k] : &vals[k];
        if (v->kind == VK_STRING ? pattern_match(&v->pat, t, low)
                                 : value_match(v, t, low, ev, rt, md))
            return 1;
    }
    return 0;
}

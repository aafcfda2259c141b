/*
 * modifiers.c - the Sigma value modifiers (appendix "Sigma Modifiers", v2.1.0).
 *
 * One table names every modifier and the group it belongs to; checks on combinations are
 * driven by those groups (one match kind, one comparison, regex flags only after re, ...).
 * String values are first unescaped by the specification's rules into bytes where 0x01 / 0x02
 * stand for live `*` / `?`; then the modifiers apply in the order written: match kinds add
 * wildcards, encodings (utf16*, base64, base64offset) rewrite bytes, windash and expand
 * multiply values. Every value that one written value expands to shares its group number, so
 * `all` means "every written value matches", not "every expansion". The final bytes become a
 * pattern (exact, prefix, suffix, contains or glob), folded to lower case unless `cased`.
 * Regex, CIDR, numeric, time-part, fieldref and exists modifiers take the value as written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modifiers.h"

enum { G_NONE, G_KIND, G_REFLAG, G_ENC, G_B64, G_CMP, G_TIME, G_TYPE };

static const struct {
    const char *name;
    uint8_t id, group;
} table[] = {
    {"contains", M_CONTAINS, G_KIND},
    {"startswith", M_STARTSWITH, G_KIND},
    {"endswith", M_ENDSWITH, G_KIND},
    {"all", M_ALL, G_NONE},
    {"re", M_RE, G_TYPE},
    {"i", M_RE_I, G_REFLAG},
    {"ignorecase", M_RE_I, G_REFLAG},
    {"m", M_RE_M, G_REFLAG},
    {"multiline", M_RE_M, G_REFLAG},
    {"s", M_RE_S, G_REFLAG},
    {"dotall", M_RE_S, G_REFLAG},
    {"base64", M_BASE64, G_B64},
    {"base64offset", M_BASE64OFFSET, G_B64},
    {"utf16le", M_UTF16LE, G_ENC},
    {"utf16be", M_UTF16BE, G_ENC},
    {"utf16", M_UTF16, G_ENC},
    {"wide", M_WIDE, G_ENC},
    {"windash", M_WINDASH, G_NONE},
    {"cidr", M_CIDR, G_TYPE},
    {"exists", M_EXISTS, G_TYPE},
    {"cased", M_CASED, G_NONE},
    {"neq", M_NEQ, G_NONE},
    {"lt", M_LT, G_CMP},
    {"lte", M_LTE, G_CMP},
    {"gt", M_GT, G_CMP},
    {"gte", M_GTE, G_CMP},
    {"minute", M_MINUTE, G_TIME},
    {"hour", M_HOUR, G_TIME},
    {"day", M_DAY, G_TIME},
    {"week", M_WEEK, G_TIME},
    {"month", M_MONTH, G_TIME},
    {"year", M_YEAR, G_TIME},
    {"expand", M_EXPAND, G_NONE},
    {"fieldref", M_FIELDREF, G_TYPE},
};

#define HAS(m, id) (((m)->bits >> (id)) & 1u)

static int group_of(uint8_t id)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(table); i++)
        if (table[i].id == id)
            return table[i].group;
    return G_NONE;
}

static const char *name_of(uint8_t id)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(table); i++)
        if (table[i].id == id)
            return table[i].name;
    return "?";
}

static int bad(vg__cctx *c, const vg__ynode *at, const char *fmt, const char *a, const char *b)
{
    char msg[300];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    snprintf(msg, sizeof msg, fmt, a, b);
#pragma GCC diagnostic pop
    return vg__cerror(c, at, VG_ERR_SYNTAX, msg);
}

static int check_combination(vg__cctx *c, const vg__ynode *at, const vg__mods *m)
{
    int count[8] = {0};
    uint8_t first[8] = {0};
    for (size_t i = 0; i < m->n; i++) {
        int g = group_of(m->order[i]);
        /* one modifier per exclusive group; every group is counted for the checks below */
        if (g != G_NONE && g != G_REFLAG && g != G_ENC && count[g])
            return bad(c, at, "modifiers '%s' and '%s' cannot be combined", name_of(first[g]),
                       name_of(m->order[i]));
        if (!count[g]++)
            first[g] = m->order[i];
    }
    int re = HAS(m, M_RE), typed = count[G_TYPE] > 0;
    if ((HAS(m, M_RE_I) || HAS(m, M_RE_M) || HAS(m, M_RE_S)) && !re)
        return bad(c, at, "the regex flag modifiers i, m and s need 're'%s%s", "", "");
    if (re && (count[G_KIND] || count[G_ENC] || count[G_B64] || HAS(m, M_WINDASH) ||
               HAS(m, M_EXPAND) || count[G_CMP] || count[G_TIME]))
        return bad(c, at,
                   "'re' takes a regular expression as written; it cannot be combined "
                   "with string transformations, match kinds or comparisons%s%s",
                   "", "");
    if (HAS(m, M_EXISTS) && m->n > 1)
        return bad(c, at, "'exists' cannot be combined with other modifiers%s%s", "", "");
    if ((HAS(m, M_CIDR) || HAS(m, M_FIELDREF)) &&
        (count[G_ENC] || count[G_B64] || HAS(m, M_WINDASH) || HAS(m, M_EXPAND) || count[G_CMP] ||
         count[G_TIME]))
        return bad(c, at,
                   "'%s' cannot be combined with encodings, windash, expand or "
                   "comparisons%s",
                   HAS(m, M_CIDR) ? "cidr" : "fieldref", "");
    if (HAS(m, M_CIDR) && count[G_KIND])
        return bad(c, at, "'cidr' cannot be combined with contains, startswith or endswith%s%s", "",
                   "");
    if ((count[G_CMP] || count[G_TIME]) &&
        (count[G_KIND] || count[G_ENC] || count[G_B64] || HAS(m, M_WINDASH) || typed))
        return bad(c, at,
                   "numeric comparisons and time parts cannot be combined with string "
                   "modifiers%s%s",
                   "", "");
    return 0;
}

int vg__mods_parse(vg__cctx *c, const vg__ynode *at, const char *text, vg__mods *out)
{
    memset(out, 0, sizeof *out);
    while (text && *text) {
        const char *e = strchr(text, '|');
        size_t n = e ? (size_t)(e - text) : strlen(text);
        int found = -1;
        for (size_t i = 0; i < VG_ARRAY_LEN(table); i++)
            if (strlen(table[i].name) == n && memcmp(table[i].name, text, n) == 0)
                found = table[i].id;
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(n < 60 ? n : 60), text);
        if (found < 0)
            return bad(c, at, "unknown modifier '%s'%s", name, n ? "" : " (empty)");
        if (HAS(out, found))
            return bad(c, at, "modifier '%s' is given twice%s", name, "");
        if (out->n >= VG_SIGMA_MAX_MODIFIERS) {
            char lim[16];
            snprintf(lim, sizeof lim, "%d", VG_SIGMA_MAX_MODIFIERS);
            return bad(c, at, "too many modifiers (at most %s)%s", lim, "");
        }
        out->bits |= 1ull << found;
        out->order[out->n++] = (uint8_t)found;
        text = e ? e + 1 : NULL;
    }
    return check_combination(c, at, out);
}

/* ---------------------------------------------------------------- working values */

typedef struct wval {
    char *p;
    size_t n;
} wval;

typedef struct wlist {
    wval *v;
    size_t n, cap;
} wlist;

static int wl_add(vg__cctx *c, wlist *l, const char *p, size_t n)
{
    if (l->n >= VG_SIGMA_MAX_EXPANSION)
        return vg__cerror(c, NULL, VG_ERR_LIMIT, "a value expands to too many alternatives");
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        wval *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return VG_ERR_NOMEM;
        l->v = v;
        l->cap = cap;
    }
    char *copy = vg__arena_strndup(c->t->arena, p, n);
    if (!copy)
        return VG_ERR_NOMEM;
    l->v[l->n++] = (wval){copy, n};
    return 0;
}

/* Spec escaping: \* and \? are literal wildcards, \\ is one backslash, any other backslash is
 * itself; unescaped * and ? become the markers. */
static size_t unescape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\\' && i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
            out[o++] = s[++i];
        } else if (ch == '*') {
            out[o++] = VG_GLOB_STAR;
        } else if (ch == '?') {
            out[o++] = VG_GLOB_ONE;
        } else {
            out[o++] = ch;
        }
    }
    return o;
}

static int has_markers(const wval *w)
{
    return memchr(w->p, VG_GLOB_STAR, w->n) || memchr(w->p, VG_GLOB_ONE, w->n);
}

static int add_wild(vg__cctx *c, wlist *out, const wval *w, int head, int tail)
{
    char *buf = malloc(w->n + 2);
    if (!buf)
        return VG_ERR_NOMEM;
    size_t n = 0;
    if (head && !(w->n && w->p[0] == VG_GLOB_STAR))
        buf[n++] = VG_GLOB_STAR;
    memcpy(buf + n, w->p, w->n);
    n += w->n;
    if (tail && !(w->n && w->p[w->n - 1] == VG_GLOB_STAR))
        buf[n++] = VG_GLOB_STAR;
    int rc = wl_add(c, out, buf, n);
    free(buf);
    return rc;
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = b64chars[(v >> 18) & 63];
        out[o++] = b64chars[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? b64chars[v & 63] : '=';
    }
    return o;
}

/* base64 (offset == 0) or the three base64offset variants: the encodings of the value shifted
 * by 0, 1 and 2 bytes, cut to the characters that do not depend on the neighbouring bytes. */
static int encode_b64(vg__cctx *c, wlist *out, const wval *w, int offsets)
{
    unsigned char *in = malloc(w->n + 2);
    char *enc = malloc((w->n + 2) / 3 * 4 + 8);
    int rc = in && enc ? 0 : VG_ERR_NOMEM;
    for (int shift = 0; !rc && shift < (offsets ? 3 : 1); shift++) {
        memset(in, ' ', (size_t)shift);
        memcpy(in + shift, w->p, w->n);
        size_t len = b64(in, w->n + (size_t)shift, enc);
        if (!offsets) {
            rc = wl_add(c, out, enc, len);
            break;
        }
        static const size_t start[3] = {0, 2, 3};
        static const size_t cut_end[3] = {0, 3, 2}; /* by (n + shift) % 3 */
        size_t s = start[shift], e = len - cut_end[(w->n + (size_t)shift) % 3];
        if (e > s)
            rc = wl_add(c, out, enc + s, e - s);
    }
    free(in);
    free(enc);
    return rc;
}

static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (len > n)
        len = 1;
    if (len == 1) {
        *cp = b;
        return 1;
    }
    uint32_t v = b & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++)
        v = (v << 6) | (s[i] & 0x3F);
    *cp = v;
    return len;
}

static int encode_utf16(vg__cctx *c, wlist *out, const wval *w, int be, int bom)
{
    char *buf = malloc(w->n * 4 + 4);
    if (!buf)
        return VG_ERR_NOMEM;
    size_t o = 0;
    if (bom) {
        buf[o++] = be ? (char)0xFE : (char)0xFF;
        buf[o++] = be ? (char)0xFF : (char)0xFE;
    }
    for (size_t i = 0; i < w->n;) {
        uint32_t cp;
        i += utf8_decode((const unsigned char *)w->p + i, w->n - i, &cp);
        uint16_t units[2];
        int nu = 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            units[0] = (uint16_t)(0xD800 + (cp >> 10));
            units[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
            nu = 2;
        } else {
            units[0] = (uint16_t)cp;
        }
        for (int k = 0; k < nu; k++) {
            buf[o++] = (char)(be ? units[k] >> 8 : units[k] & 0xFF);
            buf[o++] = (char)(be ? units[k] & 0xFF : units[k] >> 8);
        }
    }
    int rc = wl_add(c, out, buf, o);
    free(buf);
    return rc;
}

/* The five characters windash treats as interchangeable, as UTF-8. */
static const char *const dashes[] = {"-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95"};

static size_t dash_at(const char *p, size_t n)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(dashes); i++) {
        size_t l = strlen(dashes[i]);
        if (l <= n && memcmp(p, dashes[i], l) == 0)
            return l;
    }
    return 0;
}

static int word(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

/* A dash that starts a command-line flag: at the start or after a non-word character, and
 * followed by a word character. Other dashes (Invoke-Expression) are left alone. */
static int flag_dash(const wval *w, size_t i, size_t l)
{
    int before = i == 0 || !word((unsigned char)w->p[i - 1]);
    int after = i + l < w->n && word((unsigned char)w->p[i + l]);
    return before && after;
}

/* The expansion so far (acc) followed by the rest of w from `from` is one finished value. */
static int emit_rest(vg__cctx *c, wlist *out, const wval *w, size_t from, vg__buf *acc)
{
    size_t keep = acc->len;
    vg__buf_add(acc, w->p + from, w->n - from);
    int rc = acc->oom ? VG_ERR_NOMEM : wl_add(c, out, acc->ptr ? acc->ptr : "", acc->len);
    acc->len = keep;
    return rc;
}

static int windash_rec(vg__cctx *c, wlist *out, const wval *w, size_t from, vg__buf *acc)
{
    for (size_t i = from; i < w->n; i++) {
        size_t l = dash_at(w->p + i, w->n - i);
        if (!l || !flag_dash(w, i, l))
            continue;
        size_t keep = acc->len;
        vg__buf_add(acc, w->p + from, i - from);
        size_t mark = acc->len;
        for (size_t d = 0; d < VG_ARRAY_LEN(dashes); d++) {
            acc->len = mark;
            vg__buf_adds(acc, dashes[d]);
            int rc = windash_rec(c, out, w, i + l, acc);
            if (rc)
                return rc;
        }
        acc->len = keep;
        return 0;
    }
    return emit_rest(c, out, w, from, acc);
}

/* Placeholder values: the first document of the placeholder file, name -> list. */
static const vg__ynode *placeholder(const vg_ruleset *rs, const char *name, size_t n)
{
    if (!rs->placeholders.n)
        return NULL;
    const vg__ynode *m = rs->placeholders.docs[0];
    for (size_t i = 0; m && m->type == VG_Y_MAP && i < m->n; i++)
        if (strlen(m->keys[i]->str) == n && memcmp(m->keys[i]->str, name, n) == 0)
            return m->items[i];
    return NULL;
}

/* A placeholder's values: a scalar, or a list with at least one scalar. */
static int has_scalar(const vg__ynode *vals)
{
    if (vals->type == VG_Y_SCALAR)
        return 1;
    for (size_t k = 0; vals->type == VG_Y_SEQ && k < vals->n; k++)
        if (vals->items[k]->type == VG_Y_SCALAR)
            return 1;
    return 0;
}

/* Expand %name% placeholders (\% is a plain percent). Returns 1 through *never when a
 * placeholder has no values: the value can never match. */
static int expand_rec(vg__cctx *c, wlist *out, const wval *w, size_t from, vg__buf *acc, int *never)
{
    for (size_t i = from; i < w->n; i++) {
        if (w->p[i] == '\\' && i + 1 < w->n && w->p[i + 1] == '%') {
            vg__buf_add(acc, w->p + from, i - from);
            vg__buf_addc(acc, '%');
            from = i + 2;
            i++;
            continue;
        }
        if (w->p[i] != '%')
            continue;
        const char *end = memchr(w->p + i + 1, '%', w->n - i - 1);
        if (!end)
            break;
        size_t nl = (size_t)(end - (w->p + i + 1));
        const vg__ynode *vals = placeholder(c->rs, w->p + i + 1, nl);
        size_t keep = acc->len;
        vg__buf_add(acc, w->p + from, i - from);
        size_t mark = acc->len;
        if (!vals || !has_scalar(vals)) {
            vg__cwarn(c, NULL,
                      "placeholder %%%.*s%% has no values (--placeholders FILE); the "
                      "value matches nothing",
                      (int)nl, w->p + i + 1);
            *never = 1;
            acc->len = keep;
            return 0;
        }
        size_t nv = vals->type == VG_Y_SEQ ? vals->n : 1;
        for (size_t k = 0; k < nv; k++) {
            const vg__ynode *v = vals->type == VG_Y_SEQ ? vals->items[k] : vals;
            if (v->type != VG_Y_SCALAR)
                continue;
            if (memchr(v->str, VG_GLOB_STAR, v->len) || memchr(v->str, VG_GLOB_ONE, v->len))
                return vg__cerror(c, NULL, VG_ERR_SYNTAX,
                                  "a placeholder value contains the control characters U+0001 "
                                  "or U+0002, which values cannot contain");
            acc->len = mark;
            char *tmp = malloc(v->len + 1);
            if (!tmp)
                return VG_ERR_NOMEM;
            size_t tl = unescape(v->str, v->len, tmp);
            vg__buf_add(acc, tmp, tl);
            free(tmp);
            wval rest = {w->p, w->n};
            int rc = expand_rec(c, out, &rest, (size_t)(end - w->p) + 1, acc, never);
            if (rc)
                return rc;
        }
        acc->len = keep;
        return 0;
    }
    return emit_rest(c, out, w, from, acc);
}

/* Apply one transformation modifier to every working value. */
static int transform(vg__cctx *c, const vg__ynode *at, uint8_t id, wlist *in, wlist *out,
                     int *never)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < in->n; i++) {
        const wval *w = &in->v[i];
        vg__buf acc;
        vg__buf_init(&acc);
        switch (id) {
        case M_CONTAINS:
            rc = add_wild(c, out, w, 1, 1);
            break;
        case M_STARTSWITH:
            rc = add_wild(c, out, w, 0, 1);
            break;
        case M_ENDSWITH:
            rc = add_wild(c, out, w, 1, 0);
            break;
        case M_BASE64:
        case M_BASE64OFFSET:
        case M_UTF16LE:
        case M_UTF16BE:
        case M_UTF16:
        case M_WIDE:
            if (has_markers(w))
                return vg__cerror(c, at, VG_ERR_SYNTAX,
                                  "values with wildcards cannot be encoded (base64, utf16); "
                                  "put contains/startswith/endswith after the encoding");
            if (id == M_BASE64 || id == M_BASE64OFFSET)
                rc = encode_b64(c, out, w, id == M_BASE64OFFSET);
            else
                rc = encode_utf16(c, out, w, id == M_UTF16BE, id == M_UTF16);
            break;
        case M_WINDASH:
            rc = windash_rec(c, out, w, 0, &acc);
            break;
        case M_EXPAND:
            rc = expand_rec(c, out, w, 0, &acc, never);
            break;
        default:
            rc = wl_add(c, out, w->p, w->n);
            break;
        }
        vg__buf_free(&acc);
    }
    return rc;
}

/* Working bytes -> pattern. */
static void to_pattern(vg__cctx *c, const wval *w, int cased, vg__pattern *p)
{
    const char *s = w->p;
    size_t n = w->n;
    int head = n && s[0] == VG_GLOB_STAR, tail = n > 1 && s[n - 1] == VG_GLOB_STAR;
    if (n == 1 && s[0] == VG_GLOB_STAR)
        head = 1, tail = 0;
    const char *mid = s + head;
    size_t mlen = n - (size_t)head - (size_t)tail;
    int inner = memchr(mid, VG_GLOB_STAR, mlen) || memchr(mid, VG_GLOB_ONE, mlen);
    if (inner) {
        p->kind = PK_GLOB;
        mid = s;
        mlen = n;
    } else {
        p->kind = head && tail ? PK_CONTAINS : head ? PK_SUFFIX : tail ? PK_PREFIX : PK_EXACT;
    }
    p->cased = (uint8_t)cased;
    p->stars = (uint8_t)(inner && !memchr(s, VG_GLOB_ONE, n));
    p->text = cased ? vg__arena_strndup(c->t->arena, mid, mlen)
                    : vg__arena_strlower(c->t->arena, mid, mlen);
    p->len = mlen;
}

static int number_value(vg__cctx *c, const vg__ynode *v, double *out)
{
    char *end;
    double x = strtod(v->str, &end);
    if (!v->len || *end)
        return vg__cerror(c, v, VG_ERR_TYPE, "this modifier needs a number");
    *out = x;
    return 0;
}

static int cidr_value(vg__cctx *c, const vg__ynode *v, vg__value *out)
{
    const char *slash = strchr(v->str, '/');
    size_t alen = slash ? (size_t)(slash - v->str) : v->len;
    if (!vg__parse_ip(v->str, alen, out->ip, &out->family))
        return vg__cerror(c, v, VG_ERR_SYNTAX, "not a network in CIDR notation (a.b.c.d/n)");
    unsigned max = out->family == 4 ? 32 : 128, pre = max;
    if (slash) {
        char *end;
        long p = strtol(slash + 1, &end, 10);
        if (*end || end == slash + 1 || p < 0 || (unsigned long)p > max)
            return vg__cerror(c, v, VG_ERR_SYNTAX, "CIDR prefix length out of range");
        pre = (unsigned)p;
    }
    out->prefix = (uint8_t)pre;
    out->kind = VK_CIDR;
    return 0;
}

static int regex_value(vg__cctx *c, const vg__mods *m, const vg__ynode *v, vg__value *out)
{
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (HAS(m, M_RE_I))
        opts |= PCRE2_CASELESS;
    if (HAS(m, M_RE_M))
        opts |= PCRE2_MULTILINE;
    if (HAS(m, M_RE_S))
        opts |= PCRE2_DOTALL;
    int err;
    PCRE2_SIZE off;
    out->re = pcre2_compile((PCRE2_SPTR)v->str, v->len, opts, &err, &off, NULL);
    if (!out->re) {
        char msg[200], pe[120];
        pcre2_get_error_message(err, (PCRE2_UCHAR *)pe, sizeof pe);
        snprintf(msg, sizeof msg, "invalid regular expression at offset %zu: %s", (size_t)off, pe);
        return vg__cerror(c, v, VG_ERR_SYNTAX, msg);
    }
    /* owned by the ruleset from here on, also if this rule is rejected later */
    pcre2_code **slot = vg__vec_push(c->t->regexes, sizeof *slot);
    if (!slot) {
        pcre2_code_free(out->re);
        out->re = NULL;
        return VG_ERR_NOMEM;
    }
    *slot = out->re;
    pcre2_jit_compile(out->re, PCRE2_JIT_COMPLETE);
    /* every match is at least this many characters (so bytes) long; 0 when not known */
    if (pcre2_pattern_info(out->re, PCRE2_INFO_MINLENGTH, &out->re_minlen) != 0)
        out->re_minlen = 0;
    out->kind = VK_REGEX;
    return vg__regex_runs(c->t->arena, v->str, v->len, HAS(m, M_RE_I), &out->runs, &out->n_runs,
                          &out->runs_decide);
}

/* Values for a non-string item (regex, cidr, comparison, time part, fieldref). */
static int typed_value(vg__cctx *c, const vg__mods *m, const vg__ynode *v, vg__value *out)
{
    if (HAS(m, M_RE))
        return regex_value(c, m, v, out);
    if (HAS(m, M_CIDR))
        return cidr_value(c, v, out);
    if (HAS(m, M_FIELDREF)) {
        out->kind = VK_FIELDREF;
        out->pat.kind = HAS(m, M_CONTAINS)     ? PK_CONTAINS
                        : HAS(m, M_STARTSWITH) ? PK_PREFIX
                        : HAS(m, M_ENDSWITH)   ? PK_SUFFIX
                                               : PK_EXACT;
        out->pat.cased = (uint8_t)HAS(m, M_CASED);
        out->pat.text = v->str;
        out->pat.len = v->len;
        out->ref_hash = vg__hash_lower(v->str, v->len);
        return 0;
    }
    out->kind = VK_NUMBER;
    out->cmp = HAS(m, M_LT)    ? CMP_LT
               : HAS(m, M_LTE) ? CMP_LTE
               : HAS(m, M_GT)  ? CMP_GT
               : HAS(m, M_GTE) ? CMP_GTE
                               : CMP_EQ;
    out->timepart = HAS(m, M_MINUTE)  ? TP_MINUTE
                    : HAS(m, M_HOUR)  ? TP_HOUR
                    : HAS(m, M_DAY)   ? TP_DAY
                    : HAS(m, M_WEEK)  ? TP_WEEK
                    : HAS(m, M_MONTH) ? TP_MONTH
                    : HAS(m, M_YEAR)  ? TP_YEAR
                                      : TP_NONE;
    return number_value(c, v, &out->num);
}

static int push_value(vg__cctx *c, vg__vec *vals, uint16_t group, const char *src, vg__value **out)
{
    vg__value *v = vg__vec_push(vals, sizeof *v);
    if (!v)
        return VG_ERR_NOMEM;
    v->group = group;
    v->source = src;
    *out = v;
    (void)c;
    return 0;
}

/* One written scalar through the string pipeline. */
static int string_values(vg__cctx *c, const vg__mods *m, const vg__ynode *v, uint16_t group,
                         vg__vec *vals)
{
    wlist a = {0}, b = {0};
    c->cur = v;
    /* the working bytes use U+0001 and U+0002 for live wildcards: a value holding them (a YAML
     * escape) would silently become a wildcard */
    if (memchr(v->str, VG_GLOB_STAR, v->len) || memchr(v->str, VG_GLOB_ONE, v->len))
        return vg__cerror(c, v, VG_ERR_SYNTAX,
                          "values cannot contain the control characters U+0001 and U+0002");
    char *tmp = malloc(v->len + 1);
    int rc = tmp ? 0 : VG_ERR_NOMEM;
    int never = 0;
    if (!rc)
        rc = wl_add(c, &a, tmp, unescape(v->str, v->len, tmp));
    free(tmp);
    for (size_t i = 0; !rc && i < m->n; i++) {
        uint8_t id = m->order[i];
        int g = group_of(id);
        if (g != G_KIND && g != G_ENC && g != G_B64 && id != M_WINDASH && id != M_EXPAND)
            continue;
        b.n = 0;
        rc = transform(c, v, id, &a, &b, &never);
        wlist t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; !rc && i < a.n && !never; i++) {
        vg__value *val;
        rc = push_value(c, vals, group, v->str, &val);
        if (!rc) {
            val->kind = VK_STRING;
            to_pattern(c, &a.v[i], HAS(m, M_CASED), &val->pat);
            if (!val->pat.text)
                rc = VG_ERR_NOMEM;
        }
    }
    /* a written value that leaves nothing (a placeholder without values, base64offset of '')
     * matches nothing, and still counts as one written value for 'all' */
    if (!rc && (never || !a.n)) {
        vg__value *val;
        rc = push_value(c, vals, group, v->str, &val);
        if (!rc)
            val->kind = VK_NEVER;
    }
    free(a.v);
    free(b.v);
    return rc;
}

int vg__mods_compile_values(vg__cctx *c, const vg__mods *m, const vg__ynode *val, vg__item *it)
{
    it->all = (uint8_t)HAS(m, M_ALL);
    it->neq = (uint8_t)HAS(m, M_NEQ);
    it->fhash = it->field ? vg__hash_lower(it->field, it->flen) : 0;
    if (HAS(m, M_EXISTS)) {
        int b;
        if (!vg__yaml_is_bool(val, &b))
            return vg__cerror(c, val, VG_ERR_TYPE, "'exists' takes true or false");
        if (!it->field)
            return vg__cerror(c, val, VG_ERR_SYNTAX, "'exists' needs a field name");
        it->exists = (int8_t)b;
        return 0;
    }
    if (val->type == VG_Y_MAP)
        return vg__cerror(c, val, VG_ERR_TYPE,
                          "a field's value must be a value or a list of "
                          "values, not a map");
    size_t n = val->type == VG_Y_SEQ ? val->n : 1;
    if (n == 0)
        return vg__cerror(c, val, VG_ERR_SYNTAX, "empty list of values");
    if (it->all && n == 1)
        return vg__cerror(c, val, VG_ERR_SYNTAX,
                          "'all' needs a list of two or more values (the specification does "
                          "not allow it on a single value)");
    int typed = HAS(m, M_RE) || HAS(m, M_CIDR) || HAS(m, M_FIELDREF) || HAS(m, M_LT) ||
                HAS(m, M_LTE) || HAS(m, M_GT) || HAS(m, M_GTE) || HAS(m, M_MINUTE) ||
                HAS(m, M_HOUR) || HAS(m, M_DAY) || HAS(m, M_WEEK) || HAS(m, M_MONTH) ||
                HAS(m, M_YEAR);
    vg__vec vals = {0};
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const vg__ynode *v = val->type == VG_Y_SEQ ? val->items[i] : val;
        if (v->type != VG_Y_SCALAR) {
            rc = vg__cerror(c, v, VG_ERR_TYPE, "list items must be single values");
            break;
        }
        if (vg__yaml_is_null(v)) {
            if (n > 1 || m->n) {
                rc = vg__cerror(c, v, VG_ERR_SYNTAX,
                                n > 1 ? "null cannot be part of a list of values (use a separate "
                                        "selection)"
                                      : "null cannot take modifiers");
                break;
            }
            vg__value *nv;
            rc = push_value(c, &vals, 0, "null", &nv);
            if (!rc)
                nv->kind = VK_NULL;
            continue;
        }
        if (typed) {
            vg__value *tv;
            rc = push_value(c, &vals, (uint16_t)i, v->str, &tv);
            if (!rc)
                rc = typed_value(c, m, v, tv);
            continue;
        }
        if (!it->field && !(HAS(m, M_CONTAINS) || HAS(m, M_STARTSWITH) || HAS(m, M_ENDSWITH))) {
            /* keywords search the whole event: implicit contains */
            vg__mods km = *m;
            km.bits |= 1ull << M_CONTAINS;
            km.order[km.n < VG_SIGMA_MAX_MODIFIERS ? km.n++ : km.n - 1] = M_CONTAINS;
            rc = string_values(c, &km, v, (uint16_t)i, &vals);
            continue;
        }
        rc = string_values(c, m, v, (uint16_t)i, &vals);
    }
    if (rc) {
        vg__vec_free(&vals);
        return rc;
    }
    it->vals = vg__arena_alloc(c->t->arena, (vals.len + 1) * sizeof *it->vals);
    if (!it->vals) {
        vg__vec_free(&vals);
        return VG_ERR_NOMEM;
    }
    if (vals.len)
        memcpy(it->vals, vals.ptr, vals.len * sizeof *it->vals);
    it->n = vals.len;
    it->any = (uint8_t)(!it->all && !(it->n == 1 && it->vals[0].kind == VK_NULL));
    vg__vec_free(&vals);
    return 0;
}

/*
 * cond.c - parses Sigma conditions into a tree over search identifiers.
 *
 * Recursive descent with the specification's precedence, least binding first:
 * or < and < not < "x of" < parentheses. Quantifiers are resolved here: "1 of sel*" and
 * "all of them" become CN_OF_ANY / CN_OF_ALL over the identifiers the pattern matches
 * ("them" skips identifiers starting with "_"). Errors carry the column in the condition
 * text; the caller turns it into a file position. Depth is bounded by VG_SIGMA_MAX_COND_DEPTH.
 */
#include <stdio.h>
#include <string.h>

#include "cond.h"

typedef struct parser {
    const char *s;
    size_t n, pos;
    const vg__search *searches;
    size_t n_searches;
    vg__arena *a;
    int depth;
    char *err;
    size_t errcap;
    size_t err_pos;
    int failed;
} parser;

static vg__cnode *error_at(parser *p, size_t pos, const char *fmt, const char *arg) VG_PRINTF(3, 0);

static vg__cnode *error_at(parser *p, size_t pos, const char *fmt, const char *arg)
{
    if (!p->failed) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        snprintf(p->err, p->errcap, fmt, arg);
#pragma GCC diagnostic pop
        p->err_pos = pos;
        p->failed = 1;
    }
    return NULL;
}

static void skip_ws(parser *p)
{
    while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
                             p->s[p->pos] == '\r'))
        p->pos++;
}

static int is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '*' || c == '-' || c == '.' || c == '?' || (unsigned char)c >= 0x80;
}

/* Next word without consuming it. */
static vg__str peek_word(parser *p)
{
    skip_ws(p);
    size_t e = p->pos;
    while (e < p->n && is_ident_char(p->s[e]))
        e++;
    return (vg__str){p->s + p->pos, e - p->pos};
}

static int word_is(vg__str w, const char *kw)
{
    return vg__str_ieq(w, vg__str_c(kw));
}

static vg__cnode *node(parser *p, uint8_t op)
{
    vg__cnode *n = vg__arena_alloc(p->a, sizeof *n);
    if (!n)
        return error_at(p, p->pos, "%s", "out of memory");
    n->op = op;
    return n;
}

static int find_search(const parser *p, vg__str name)
{
    for (size_t i = 0; i < p->n_searches; i++)
        if (vg__str_eq(vg__str_c(p->searches[i].name), name))
            return (int)i;
    return -1;
}

/* Does name match a pattern with * wildcards (case-sensitive, as identifiers are)? */
static int ident_glob(vg__str pat, const char *name)
{
    char tmp[256];
    if (pat.len >= sizeof tmp)
        return 0;
    for (size_t i = 0; i < pat.len; i++)
        tmp[i] = pat.ptr[i] == '*' ? VG_GLOB_STAR : pat.ptr[i];
    return vg__glob_match(tmp, pat.len, name, strlen(name), 1);
}

static vg__cnode *parse_or(parser *p);

static vg__cnode *parse_quantifier(parser *p, vg__str q)
{
    size_t qpos = p->pos;
    uint32_t count = 0;
    int all = word_is(q, "all");
    if (!all) {
        for (size_t i = 0; i < q.len; i++) {
            if (q.ptr[i] < '0' || q.ptr[i] > '9' || count > 100000)
                return error_at(p, qpos, "%s", "expected a count or 'all' before 'of'");
            count = count * 10 + (uint32_t)(q.ptr[i] - '0');
        }
        if (count == 0)
            return error_at(p, qpos, "%s", "'0 of' is never true; use 1 or more");
    }
    p->pos += q.len;
    vg__str of = peek_word(p);
    if (!word_is(of, "of"))
        return error_at(p, p->pos, "%s", "expected 'of'");
    p->pos += of.len;
    vg__str target = peek_word(p);
    size_t tpos = p->pos;
    if (!target.len)
        return error_at(p, tpos, "%s", "expected 'them' or an identifier pattern after 'of'");
    p->pos += target.len;
    int them = word_is(target, "them");
    vg__cnode *n = node(p, all ? CN_OF_ALL : CN_OF_ANY);
    if (!n)
        return NULL;
    n->count = all ? 0 : count;
    n->refs = vg__arena_alloc(p->a, (p->n_searches + 1) * sizeof *n->refs);
    if (!n->refs)
        return error_at(p, tpos, "%s", "out of memory");
    for (size_t i = 0; i < p->n_searches; i++) {
        const char *name = p->searches[i].name;
        if (them ? name[0] != '_' : ident_glob(target, name))
            n->refs[n->n_refs++] = (uint32_t)i;
    }
    if (!n->n_refs) {
        char t[160];
        snprintf(t, sizeof t, "%.*s", (int)(target.len < 100 ? target.len : 100), target.ptr);
        return error_at(p, tpos, "'%s' matches no search identifier", t);
    }
    if (!all && count > n->n_refs) { /* never true, like '0 of' */
        char t[200];
        snprintf(t, sizeof t, "%u of %.*s", count, (int)(target.len < 100 ? target.len : 100),
                 target.ptr);
        char msg[260];
        snprintf(msg, sizeof msg, "'%s' is never true: only %zu search identifier%s match%s", t,
                 n->n_refs, n->n_refs == 1 ? "" : "s", n->n_refs == 1 ? "es" : "");
        return error_at(p, qpos, "%s", msg);
    }
    return n;
}

static vg__cnode *parse_primary(parser *p)
{
    skip_ws(p);
    if (p->pos >= p->n)
        return error_at(p, p->pos, "%s", "unexpected end of condition");
    char c = p->s[p->pos];
    if (c == '(') {
        size_t open = p->pos++;
        if (++p->depth > VG_SIGMA_MAX_COND_DEPTH)
            return error_at(p, open, "%s", "condition nested too deeply");
        vg__cnode *e = parse_or(p);
        p->depth--;
        if (!e)
            return NULL;
        skip_ws(p);
        if (p->pos >= p->n || p->s[p->pos] != ')')
            return error_at(p, open, "%s", "unbalanced '(': missing ')'");
        p->pos++;
        return e;
    }
    if (c == '|')
        return error_at(p, p->pos, "%s",
                        "aggregation expressions ('| count() ...') were removed in Sigma v2; "
                        "write a correlation rule instead");
    vg__str w = peek_word(p);
    if (!w.len)
        return error_at(p, p->pos, "unexpected character '%s'", (char[]){c, 0});
    if (word_is(w, "and") || word_is(w, "or") || word_is(w, "of"))
        return error_at(p, p->pos, "unexpected operator '%s'",
                        word_is(w, "and")  ? "and"
                        : word_is(w, "or") ? "or"
                                           : "of");
    /* quantifier? */
    size_t save = p->pos;
    p->pos += w.len;
    vg__str next = peek_word(p);
    p->pos = save;
    if (word_is(next, "of"))
        return parse_quantifier(p, w);
    if (word_is(w, "them") || word_is(w, "all"))
        return error_at(p, p->pos, "'%s' must follow '1 of' or 'all of'",
                        word_is(w, "them") ? "them" : "all");
    int idx = find_search(p, w);
    if (idx < 0) {
        char t[160];
        snprintf(t, sizeof t, "%.*s", (int)(w.len < 100 ? w.len : 100), w.ptr);
        return error_at(p, p->pos, "unknown search identifier '%s'", t);
    }
    p->pos += w.len;
    vg__cnode *n = node(p, CN_REF);
    if (n)
        n->ref = (uint32_t)idx;
    return n;
}

static vg__cnode *parse_not(parser *p)
{
    vg__str w = peek_word(p);
    if (word_is(w, "not")) {
        size_t at = p->pos; /* errors point at this 'not' */
        p->pos += w.len;
        if (++p->depth > VG_SIGMA_MAX_COND_DEPTH)
            return error_at(p, at, "%s", "condition nested too deeply");
        vg__cnode *a = parse_not(p);
        p->depth--;
        if (!a)
            return NULL;
        vg__cnode *n = node(p, CN_NOT);
        if (n)
            n->a = a;
        return n;
    }
    return parse_primary(p);
}

static vg__cnode *parse_binary(parser *p, int is_or)
{
    vg__cnode *l = is_or ? parse_binary(p, 0) : parse_not(p);
    while (l) {
        vg__str w = peek_word(p);
        if (!word_is(w, is_or ? "or" : "and"))
            return l;
        p->pos += w.len;
        vg__cnode *r = is_or ? parse_binary(p, 0) : parse_not(p);
        if (!r)
            return NULL;
        vg__cnode *n = node(p, is_or ? CN_OR : CN_AND);
        if (!n)
            return NULL;
        n->a = l;
        n->b = r;
        l = n;
    }
    return l;
}

static vg__cnode *parse_or(parser *p)
{
    return parse_binary(p, 1);
}

vg__cnode *vg__cond_parse(const char *s, size_t n, const vg__search *searches, size_t n_searches,
                          vg__arena *a, char *err, size_t errcap, size_t *err_pos)
{
    parser p = {s, n, 0, searches, n_searches, a, 0, err, errcap, 0, 0};
    vg__cnode *root = parse_or(&p);
    if (root) {
        skip_ws(&p);
        if (p.pos < p.n) {
            char c = p.s[p.pos];
            root =
                c == ')' ? error_at(&p, p.pos, "%s", "unbalanced ')'")
                : c == '|'
                    ? error_at(&p, p.pos, "%s",
                               "aggregation expressions ('| count() ...') were removed in "
                               "Sigma v2; write a correlation rule instead")
                    : error_at(&p, p.pos, "%s", "expected 'and', 'or' or the end of the condition");
        }
    }
    *err_pos = p.err_pos;
    return root;
}

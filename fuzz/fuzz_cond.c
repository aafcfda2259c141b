/*
 * fuzz_cond.c - libFuzzer target for the Sigma condition parser (src/sigma/cond.c).
 *
 * One input is one condition text, parsed over six fixed search identifiers (a, b, sel_1,
 * sel_2, filter_x and _hidden). A failed parse must give a message and a position inside the
 * text. A parsed tree must be well formed: references inside the identifier list, quantifiers
 * over at least one identifier and never more than they can satisfy, "them" never naming an
 * identifier that starts with '_' unless the text could name it. It is then printed
 * back as a fully parenthesized condition with the quantifiers spelled out as and/or, parsed
 * again, and both trees must give the same truth value for every one of the 64 assignments of
 * the identifiers: the parser reads what the tree means. Built with libFuzzer when VG_FUZZ=ON
 * and as a plain program with replay.c that the test suite runs over fuzz/corpus/cond.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/cond.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_cond: invariant failed: %s (line %d)\n", #cond, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define N_IDS 6

static const vg__search ids[N_IDS] = {{"a", NULL, 0},        {"b", NULL, 0},
                                      {"sel_1", NULL, 0},    {"sel_2", NULL, 0},
                                      {"filter_x", NULL, 0}, {"_hidden", NULL, 0}};

/* Structure checks of a parsed tree. */
static void check_tree(const vg__cnode *n)
{
    switch (n->op) {
    case CN_REF:
        CHECK(n->ref < N_IDS);
        return;
    case CN_AND:
    case CN_OR:
        CHECK(n->a && n->b);
        check_tree(n->a);
        check_tree(n->b);
        return;
    case CN_NOT:
        CHECK(n->a);
        check_tree(n->a);
        return;
    case CN_OF_ANY:
    case CN_OF_ALL:
        CHECK(n->n_refs >= 1 && n->n_refs <= N_IDS);
        if (n->op == CN_OF_ANY)
            CHECK(n->count >= 1 && n->count <= n->n_refs);
        for (size_t i = 0; i < n->n_refs; i++) {
            CHECK(n->refs[i] < N_IDS);
            if (i)
                CHECK(n->refs[i] > n->refs[i - 1]); /* each identifier once, in order */
        }
        return;
    default:
        CHECK(!"unknown node");
    }
}

static int eval(const vg__cnode *n, unsigned bits)
{
    switch (n->op) {
    case CN_REF:
        return (bits >> n->ref) & 1;
    case CN_AND:
        return eval(n->a, bits) && eval(n->b, bits);
    case CN_OR:
        return eval(n->a, bits) || eval(n->b, bits);
    case CN_NOT:
        return !eval(n->a, bits);
    case CN_OF_ANY: {
        uint32_t hits = 0;
        for (size_t i = 0; i < n->n_refs; i++)
            hits += (bits >> n->refs[i]) & 1;
        return hits >= n->count;
    }
    case CN_OF_ALL:
        for (size_t i = 0; i < n->n_refs; i++)
            if (!((bits >> n->refs[i]) & 1))
                return 0;
        return 1;
    default:
        return 0;
    }
}

static void put(vg__buf *b, const char *s)
{
    vg__buf_adds(b, s);
}

/* "count of refs" as an OR over every choice of count identifiers, each an AND. */
static void print_of(vg__buf *b, const vg__cnode *n, size_t from, size_t need, uint32_t *chosen,
                     size_t k, int *first)
{
    if (k == need) {
        put(b, *first ? "(" : " or (");
        *first = 0;
        for (size_t i = 0; i < k; i++) {
            put(b, i ? " and " : "");
            put(b, ids[chosen[i]].name);
        }
        put(b, ")");
        return;
    }
    if (k >= N_IDS) /* need <= n_refs <= N_IDS; tells the compiler chosen[k] is in bounds */
        return;
    for (size_t i = from; i < n->n_refs; i++) {
        chosen[k] = n->refs[i];
        print_of(b, n, i + 1, need, chosen, k + 1, first);
    }
}

static void print(vg__buf *b, const vg__cnode *n)
{
    switch (n->op) {
    case CN_REF:
        put(b, ids[n->ref].name);
        return;
    case CN_AND:
    case CN_OR:
        put(b, "(");
        print(b, n->a);
        put(b, n->op == CN_AND ? " and " : " or ");
        print(b, n->b);
        put(b, ")");
        return;
    case CN_NOT:
        put(b, "not ");
        print(b, n->a);
        return;
    default: {
        uint32_t chosen[N_IDS];
        int first = 1;
        put(b, "(");
        print_of(b, n, 0, n->op == CN_OF_ALL ? n->n_refs : n->count, chosen, 0, &first);
        put(b, ")");
    }
    }
}

static size_t depth(const vg__cnode *n)
{
    switch (n->op) {
    case CN_AND:
    case CN_OR: {
        size_t a = depth(n->a), b = depth(n->b);
        return 1 + (a > b ? a : b);
    }
    case CN_NOT:
        return 1 + depth(n->a);
    default:
        return 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    vg__arena a;
    vg__arena_init(&a);
    char err[256];
    size_t pos = (size_t)-1;
    vg__cnode *t = vg__cond_parse(s, size, ids, N_IDS, &a, err, sizeof err, &pos);
    if (!t) {
        CHECK(err[0] != 0);
        CHECK(pos <= size);
        vg__arena_free(&a);
        return 0;
    }
    check_tree(t);
    /* without a '_' or '*' in the text nothing can name _hidden ('them' leaves it out) */
    if (!memchr(s, '_', size) && !memchr(s, '*', size))
        for (unsigned bits = 0; bits < (1u << (N_IDS - 1)); bits++)
            CHECK(eval(t, bits) == eval(t, bits | 1u << (N_IDS - 1)));
    /* round trip through a fully parenthesized print, when the print stays small enough to
     * parse within the nesting limit */
    vg__buf b;
    vg__buf_init(&b);
    print(&b, t);
    CHECK(!b.oom);
    if (depth(t) < VG_SIGMA_MAX_COND_DEPTH / 2 && b.len < (1u << 16)) {
        char err2[256];
        size_t pos2;
        vg__cnode *u = vg__cond_parse(b.ptr, b.len, ids, N_IDS, &a, err2, sizeof err2, &pos2);
        if (!u)
            fprintf(stderr, "fuzz_cond: reprint does not parse: %s at %zu: %.*s\n", err2, pos2,
                    (int)(b.len < 300 ? b.len : 300), b.ptr);
        CHECK(u != NULL);
        for (unsigned bits = 0; bits < (1u << N_IDS); bits++)
            CHECK(eval(t, bits) == eval(u, bits));
    }
    vg__buf_free(&b);
    vg__arena_free(&a);
    return 0;
}

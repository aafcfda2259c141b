/*
 * index.c - builds the rule index that lets an event skip the rules it cannot match.
 *
 * Two filters, both exact in what they discard:
 *
 * 1. Routing. Each (rule, route) pair is an entry. A route whose conditions name a Channel is
 *    filed under "channel\x1fid" for each of its event IDs (or "channel\x1f*" without an
 *    event-ID condition); the rest go to an always-list. An event looks up its own channel and
 *    event ID and sees only those entries (their full route conditions are still checked).
 *
 * 2. Required literals ("atoms", after YARA). For every entry we derive up to four groups of
 *    (field, literal) such that the rule cannot match unless each group has a literal that
 *    occurs, ignoring case, in its field of the event. The derivation follows the condition
 *    tree: a value gives its longest wildcard-free run (nothing when it is one byte and not
 *    the whole value); an item (field: values) is an OR over
 *    its values, or for `all` the best single written value; a map (AND of items), `and` and
 *    `all of` keep the groups of every side (the most selective four); a search (OR of maps),
 *    `or` and `1 of` keep, for each group of one side, its union with the other side's best
 *    group (req_or); a regular expression gives the longest run of plain text of its top-level
 *    concatenation (regex_atom, from vg__regex_runs); keywords give literals searched in every
 *    field; `not`, `neq`, `exists`, null, CIDR, numbers and field references give nothing,
 *    and anything that gives nothing makes its OR give nothing. "Best" prefers the set whose
 *    shortest literal is longest, then the smaller set. An entry with no atoms is always
 *    evaluated. Literals are compiled per field into one Vectorscan database (caseless,
 *    single-match), except whole values (anchored at both ends), which are one hash table
 *    keyed by field and folded text; an event scans (and looks up) only the fields some entry
 *    of its candidate lists has literals for (a bit set per list; a field whose literals
 *    there are all whole values is only looked up). Keyword literals (any field) are one more
 *    database, scanned once over all the event's values laid end to end. An entry with several
 *    groups is filed under the literals of one of them, its trigger (the group whose literals
 *    the fewest entries use); the others are checked only when a trigger literal is found,
 *    so common literals of the other groups are never followed to their entries.
 *
 * The index is built once per ruleset, by the first matcher that needs it, and shared read-only
 * by threads. Compiling the literal databases is most of the build; with a cache directory
 * (vg_ruleset_set_cache_dir) each database is serialized under a hash of its literal set and
 * the next run with the same rules loads it instead.
 * Correctness is checked by comparing with exact evaluation (tests/match/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index.h"

/* ---------------------------------------------------------------- atom sets */

typedef struct atom {
    uint32_t field; /* field id */
    const char *lit;
    uint32_t len;
    uint8_t anchor; /* VG_ANCHOR_START / _END: where in the value the literal must be */
} atom;

typedef struct aset {
    int none; /* nothing is required (cannot prefilter) */
    atom *a;
    size_t n, cap;
} aset;

typedef struct builder {
    vg__index *ix;
    vg_ruleset *rs;
    const vg__route *rt;
    vg__vec lits; /* per literal id: struct lit */
    vg__smap lit_ids;
    int oom;
} builder;

static void aset_free(aset *s)
{
    free(s->a);
    s->a = NULL;
    s->n = s->cap = 0;
}

static aset none_set(void)
{
    return (aset){1, NULL, 0, 0};
}

static void aset_add(builder *b, aset *s, atom at)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->a[i].field == at.field && s->a[i].len == at.len && s->a[i].anchor == at.anchor &&
            memcmp(s->a[i].lit, at.lit, at.len) == 0)
            return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        atom *p = realloc(s->a, cap * sizeof *p);
        if (!p) {
            b->oom = 1;
            return;
        }
        s->a = p;
        s->cap = cap;
    }
    s->a[s->n++] = at;
}

/* Union into dst (consumes src). Anything unioned with "none" is none. */
static void aset_union(builder *b, aset *dst, aset *src)
{
    if (dst->none || src->none) {
        aset_free(dst);
        aset_free(src);
        dst->none = 1;
        return;
    }
    for (size_t i = 0; i < src->n; i++)
        aset_add(b, dst, src->a[i]);
    aset_free(src);
}

/* How selective a set is: its weakest literal, where a literal anchored to the start or end
 * of the value counts as four bytes longer per anchor (it is found far less often). */
static uint32_t shortest(const aset *s)
{
    uint32_t m = UINT32_MAX;
    for (size_t i = 0; i < s->n; i++) {
        uint32_t w = s->a[i].len + 0u * ((s->a[i].anchor & VG_ANCHOR_START) != 0) +
                     0u * ((s->a[i].anchor & VG_ANCHOR_END) != 0);
        if (w < m)
            m = w;
    }
    return m;
}

/* Keep the better of two alternatives (AND: either suffices as a requirement). */
static void aset_best(aset *dst, aset *src)
{
    int take = 0;
    if (dst->none || !dst->n)
        take = !src->none && src->n;
    else if (!src->none && src->n) {
        uint32_t a = shortest(dst), c = shortest(src);
        take = c > a || (c == a && src->n < dst->n);
    }
    if (take) {
        aset_free(dst);
        *dst = *src;
    } else {
        aset_free(src);
    }
}

/* A requirement: every group must have one of its literals in the event (an AND of ORs). `and`
 * keeps the groups of both sides (the VG_INDEX_MAX_GROUPS most selective), `or` the unions of
 * each group of one side with the best group of the other (req_or). */
typedef struct req {
    int none; /* nothing is required */
    aset g[VG_INDEX_MAX_GROUPS];
    int ng;
} req;

static req req_none(void)
{
    req r;
    memset(&r, 0, sizeof r);
    r.none = 1;
    return r;
}

static void req_free(req *r)
{
    for (int i = 0; i < r->ng; i++)
        aset_free(&r->g[i]);
    r->ng = 0;
}

static req req_of(aset s)
{
    req r = req_none();
    if (s.none || !s.n) {
        aset_free(&s);
        return r;
    }
    r.none = 0;
    r.g[0] = s;
    r.ng = 1;
    return r;
}

/* The index of r's most selective group. */
static int req_best(const req *r)
{
    int best = 0;
    for (int i = 1; i < r->ng; i++) {
        uint32_t a = shortest(&r->g[best]), c = shortest(&r->g[i]);
        if (c > a || (c == a && r->g[i].n < r->g[best].n))
            best = i;
    }
    return best;
}

/* x AND y (consumes y). */
static void req_and(req *x, req *y)
{
    if (y->none)
        return;
    if (x->none) {
        *x = *y;
        return;
    }
    for (int i = 0; i < y->ng; i++) {
        if (x->ng < VG_INDEX_MAX_GROUPS) {
            x->g[x->ng++] = y->g[i];
            continue;
        }
        int worst = 0; /* full: replace the least selective group if y's is better */
        for (int k = 1; k < x->ng; k++)
            if (shortest(&x->g[k]) < shortest(&x->g[worst]))
                worst = k;
        if (shortest(&y->g[i]) > shortest(&x->g[worst])) {
            aset_free(&x->g[worst]);
            x->g[worst] = y->g[i];
        } else {
            aset_free(&y->g[i]);
        }
    }
    y->ng = 0;
}

/* A copy of s (marks b->oom when out of memory). */
static aset aset_copy(builder *b, const aset *s)
{
    aset c = {s->none, NULL, 0, 0};
    for (size_t i = 0; i < s->n; i++)
        aset_add(b, &c, s->a[i]);
    return c;
}

/* x OR y (consumes y). Whatever group Gi of x and Hj of y, x implies Gi and y implies Hj, so
 * x OR y implies Gi u Hj: keep Gi u Hbest for each group of x and Gbest u Hj for each group of
 * y (the VG_INDEX_MAX_GROUPS most selective), so that a rule such as "(a and b) or c" needs
 * (a or c) and (b or c), not only the weaker of the two. */
static void req_or(builder *b, req *x, req *y)
{
    if (x->none || y->none) {
        req_free(x);
        req_free(y);
        *x = req_none();
        return;
    }
    int bx = req_best(x), by = req_best(y);
    req out = req_none();
    for (int side = 0; side < 2; side++) {
        const req *p = side ? y : x, *q = side ? x : y;
        int best = side ? bx : by;
        for (int i = 0; i < p->ng; i++) {
            if (side && i == by)
                continue; /* Gbest u Hbest: already made from x's side */
            aset u = aset_copy(b, &p->g[i]), w = aset_copy(b, &q->g[best]);
            aset_union(b, &u, &w);
            req one = req_of(u);
            req_and(&out, &one);
        }
    }
    req_free(x);
    req_free(y);
    *x = out;
}

/* Field id for a (mapped) field name; adds it when new. */
static uint32_t field_id(builder *b, const char *name, size_t len)
{
    char low[512];
    if (len >= sizeof low)
        len = sizeof low - 1;
    for (size_t i = 0; i < len; i++)
        low[i] = (char)vg__lower((unsigned char)name[i]);
    size_t it = 0;
    uint32_t v;
    if (vg__smap_next(&b->ix->field_ids, low, len, &it, &v))
        return v;
    vg__ifield *f = vg__vec_push(&b->ix->fields_v, sizeof *f);
    if (!f) {
        b->oom = 1;
        return 0;
    }
    memset(f, 0, sizeof *f);
    f->name = vg__arena_strndup(&b->ix->arena, low, len);
    f->len = len;
    f->hash = vg__hash_lower(low, len);
    uint32_t id = b->ix->n_fields++;
    if (!f->name || vg__smap_add(&b->ix->field_ids, f->name, len, id))
        b->oom = 1;
    return id;
}

/* A literal every match of a regular expression contains: the longest of its runs of plain
 * text (vg__regex_runs, src/sigma/value.c), if at least three bytes long. */
static int regex_atom(const vg__value *v, uint32_t field, atom *out)
{
    const vg__str *best = NULL;
    for (uint32_t r = 0; r < v->n_runs; r++)
        if (!best || v->runs[r].len > best->len)
            best = &v->runs[r];
    if (!best || best->len < 3)
        return 0;
    *out = (atom){field, best->ptr, (uint32_t)best->len, 0};
    return 1;
}

/* The longest run of a pattern without wildcards (pattern text is already folded), and
 * whether it must be at the start or end of the value: an exact value's run is the whole
 * value, a prefix's starts it, a suffix's ends it, a glob's may do either. A run shorter than
 * VG_INDEX_MIN_RUN gives nothing unless it is the whole value (looked up, not scanned): over
 * the shared events, dropping the one-byte literals (' ', '?', '<', digits) cut the
 * Vectorscan work by more than the few extra candidates cost; dropping two-byte ones too
 * made evaluation cost more than the scans saved. */
static int value_atom(const vg__value *v, uint32_t field, atom *out)
{
    if (v->kind == VK_REGEX)
        return regex_atom(v, field, out);
    if (v->kind != VK_STRING)
        return 0;
    const char *p = v->pat.text;
    size_t n = v->pat.len, best = 0, best_at = 0, run = 0;
    for (size_t i = 0; i <= n; i++) {
        /* NUL bytes (UTF-16 values) end a run: Vectorscan literals cannot start with one */
        if (i == n || p[i] == VG_GLOB_STAR || p[i] == VG_GLOB_ONE || p[i] == 0) {
            if (run > best) {
                best = run;
                best_at = i - run;
            }
            run = 0;
        } else {
            run++;
        }
    }
    if (!best)
        return 0;
    /* anchored when the run is the pattern's start or end and the kind fixes that end */
    int kind = v->pat.kind;
    uint8_t anchor = 0;
    if (best_at == 0 && (kind == PK_EXACT || kind == PK_PREFIX || kind == PK_GLOB))
        anchor |= VG_ANCHOR_START;
    if (best_at + best == n && (kind == PK_EXACT || kind == PK_SUFFIX || kind == PK_GLOB))
        anchor |= VG_ANCHOR_END;
    if (best < VG_INDEX_MIN_RUN && anchor != (VG_ANCHOR_START | VG_ANCHOR_END))
        return 0; /* a single byte is in most values: scanning for it costs more than it saves */
    *out = (atom){field, p + best_at, (uint32_t)best, anchor};
    return 1;
}

static aset item_atoms(builder *b, const vg__item *it)
{
    if (it->neq || it->exists >= 0 || !it->n)
        return none_set();
    uint32_t fid = b->ix->any_field; /* keywords: any field */
    if (it->field) {
        vg__str name = vg__route_field(b->rt, it->field, it->flen);
        fid = field_id(b, name.ptr, name.len);
    }
    aset out = {0};
    if (!it->all) {
        for (size_t i = 0; i < it->n; i++) {
            atom at;
            if (!value_atom(&it->vals[i], fid, &at)) {
                aset_free(&out);
                return none_set();
            }
            aset_add(b, &out, at);
        }
        return out;
    }
    /* all: every written value must match; any one value's expansions are a requirement */
    out = none_set();
    for (size_t i = 0; i < it->n;) {
        uint16_t g = it->vals[i].group;
        aset grp = {0};
        for (; i < it->n && it->vals[i].group == g; i++) {
            atom at;
            if (grp.none || !value_atom(&it->vals[i], fid, &at)) {
                aset_free(&grp);
                grp.none = 1;
                continue;
            }
            aset_add(b, &grp, at);
        }
        aset_best(&out, &grp);
    }
    return out;
}

static req search_atoms(builder *b, const vg__search *s)
{
    req out = req_none();
    for (size_t m = 0; m < s->n; m++) {
        req map = req_none();
        for (size_t i = 0; i < s->maps[m].n; i++) {
            req it = req_of(item_atoms(b, &s->maps[m].items[i]));
            req_and(&map, &it);
        }
        if (m == 0)
            out = map;
        else
            req_or(b, &out, &map);
        if (out.none)
            break;
    }
    return out;
}

static req cond_atoms(builder *b, const vg__rule *r, const vg__cnode *n)
{
    req x, y;
    switch (n->op) {
    case CN_REF:
        return search_atoms(b, &r->searches[n->ref]);
    case CN_AND:
        x = cond_atoms(b, r, n->a);
        y = cond_atoms(b, r, n->b);
        req_and(&x, &y);
        return x;
    case CN_OR:
        x = cond_atoms(b, r, n->a);
        y = cond_atoms(b, r, n->b);
        req_or(b, &x, &y);
        return x;
    case CN_OF_ANY:
    case CN_OF_ALL: {
        /* "N of" needs N true operands, so with N == 1 any one of them (or); "all of" needs
         * every operand (and); N > 1 of several is at least "1 of" (or) */
        req out = req_none();
        for (size_t i = 0; i < n->n_refs; i++) {
            req one = search_atoms(b, &r->searches[n->refs[i]]);
            if (n->op == CN_OF_ALL)
                req_and(&out, &one);
            else if (i == 0)
                out = one;
            else
                req_or(b, &out, &one);
        }
        return out;
    }
    default:
        return req_none();
    }
}

/* ---------------------------------------------------------------- literals */

typedef struct lit {
    uint32_t field;
    const char *text;
    uint32_t len;
    uint8_t anchor;
} lit;

static uint32_t literal_id(builder *b, const atom *a)
{
    char key[1024];
    size_t kl = (size_t)snprintf(key, sizeof key, "%u\x1f%u\x1f", a->field, a->anchor);
    size_t n = a->len < sizeof key - kl - 1 ? a->len : sizeof key - kl - 1;
    memcpy(key + kl, a->lit, n);
    kl += n;
    size_t it = 0;
    uint32_t v;
    if (vg__smap_next(&b->lit_ids, key, kl, &it, &v))
        return v;
    lit *l = vg__vec_push(&b->lits, sizeof *l);
    char *k = vg__arena_strndup(&b->ix->arena, key, kl);
    if (!l || !k) {
        b->oom = 1;
        return 0;
    }
    *l = (lit){a->field, k + (kl - n), (uint32_t)n, a->anchor};
    uint32_t id = (uint32_t)(b->lits.len - 1);
    if (vg__smap_add(&b->lit_ids, k, kl, id))
        b->oom = 1;
    return id;
}

/* ---------------------------------------------------------------- database cache */

/* Two independent 64-bit hashes of the literal set (ids, lengths, bytes), the flags and the
 * Vectorscan version name the cached file, so a file can only be reused for the same set. */
static int cache_path(builder *b, const char *const *exprs, const size_t *lens, const unsigned *ids,
                      const unsigned *flags, unsigned k, char *out, size_t cap)
{
    if (!b->rs->cache_dir)
        return 0;
    uint64_t h1 = 1469598103934665603ull, h2 = 0x9e3779b97f4a7c15ull;
    const char *ver = hs_version();
#define MIX(byte)                                                                                  \
    do {                                                                                           \
        h1 = (h1 ^ (unsigned char)(byte)) * 1099511628211ull;                                      \
        h2 = (h2 ^ (unsigned char)(byte)) * 0xff51afd7ed558ccdull;                                 \
        h2 ^= h2 >> 29;                                                                            \
    } while (0)
    for (const char *p = ver; *p; p++)
        MIX(*p);
    for (unsigned i = 0; i < k; i++) {
        for (int s = 0; s < 32; s += 8)
            MIX(flags[i] >> s);
        for (int s = 0; s < 32; s += 8)
            MIX(ids[i] >> s);
        for (int s = 0; s < 32; s += 8)
            MIX(lens[i] >> s);
        for (size_t c = 0; c < lens[i]; c++)
            MIX(exprs[i][c]);
    }
#undef MIX
    int n = snprintf(out, cap, "%s/lit-%016llx%016llx.hsdb", b->rs->cache_dir,
                     (unsigned long long)h1, (unsigned long long)h2);
    return n > 0 && (size_t)n < cap;
}

static int cache_load(const char *path, hs_database_t **db)
{
    char *buf;
    size_t len;
    if (vg__read_file(path, 256u << 20, &buf, &len))
        return 0;
    int ok = hs_deserialize_database(buf, len, db) == HS_SUCCESS;
    free(buf);
    return ok;
}

/* Written to a temporary name and renamed, so a reader never sees half a file. */
static void cache_store(const char *path, const hs_database_t *db)
{
    char *bytes = NULL, tmp[4200];
    size_t len = 0;
    if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
        return;
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(bytes, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, path) == 0)
        ok = 2;
    if (ok != 2)
        remove(tmp);
    free(bytes); /* hs_serialize_database allocates with malloc (the default allocator) */
}

/* Is literal l looked up by hash instead of scanned: a whole value of one field, not too
 * long? (Literals anchored at one end only stay in the scan: hashing every value's first and
 * last bytes at each length cost more than it saved.) */
static int whole(const vg__index *ix, const lit *l)
{
    return l->anchor == (VG_ANCHOR_START | VG_ANCHOR_END) && l->field != ix->any_field &&
           l->len <= VG_WHOLE_MAX_LEN;
}

/* The table of whole-value literals, and each field's lengths of them: match.c looks a wanted
 * value up when its length is one of them. */
static int whole_table(builder *b)
{
    vg__index *ix = b->ix;
    const lit *lits = b->lits.ptr;
    uint32_t n = 0, cap = 16;
    for (uint32_t l = 0; l < ix->n_literals; l++)
        n += (uint32_t)whole(ix, &lits[l]);
    while (cap < 2 * n)
        cap *= 2;
    ix->wkey = calloc(cap, sizeof *ix->wkey);
    ix->wlit = calloc(cap, sizeof *ix->wlit);
    if (!ix->wkey || !ix->wlit)
        return VG_ERR_NOMEM;
    ix->wmask = cap - 1;
    for (uint32_t l = 0; l < ix->n_literals; l++) {
        const lit *x = &lits[l];
        if (!whole(ix, x))
            continue;
        uint64_t key = vg__whole_key(x->field, x->text, x->len);
        uint32_t slot = (uint32_t)key & ix->wmask;
        while (ix->wkey[slot])
            slot = (slot + 1) & ix->wmask;
        ix->wkey[slot] = key;
        ix->wlit[slot] = l;
        vg__ifield *f = vg__index_field(ix, x->field);
        f->wlen[x->len / 64] |= 1ull << (x->len % 64);
        f->has_whole = 1;
    }
    return 0;
}

/* Field f's literals in large groups by prefix go to its prefix table (prefix.h) instead of
 * its database: they are removed from exprs[0..*k) and the arrays beside it. Sets the
 * field's min_len from what is left. */
static int take_prefixed(builder *b, uint32_t f, const char **exprs, size_t *lens, unsigned *flags,
                         unsigned *ids, unsigned *k)
{
    vg__ifield *x = vg__index_field(b->ix, f);
    uint8_t *taken = calloc(*k, 1);
    if (!taken || vg__pfx_build(exprs, lens, ids, *k, taken, &x->pfx)) {
        free(taken);
        return VG_ERR_NOMEM;
    }
    unsigned kept = 0;
    x->min_len = UINT32_MAX;
    for (unsigned j = 0; j < *k; j++) {
        if (taken[j])
            continue;
        exprs[kept] = exprs[j];
        lens[kept] = lens[j];
        flags[kept] = flags[j];
        ids[kept++] = ids[j];
        if (lens[j] < x->min_len)
            x->min_len = (uint32_t)lens[j];
    }
    free(taken);
    *k = kept;
    return 0;
}

static int compile_dbs(builder *b)
{
    const lit *lits = b->lits.ptr;
    size_t n = b->lits.len;
    const char **exprs = malloc((n + 1) * sizeof *exprs);
    unsigned *flags = malloc((n + 1) * sizeof *flags), *ids = malloc((n + 1) * sizeof *ids);
    size_t *lens = malloc((n + 1) * sizeof *lens);
    int rc = exprs && flags && ids && lens ? 0 : VG_ERR_NOMEM;
    for (uint32_t f = 0; !rc && f < b->ix->n_fields; f++) {
        hs_database_t **dbp =
            f == b->ix->any_field ? &b->ix->any_db : &vg__index_field(b->ix, f)->db;
        unsigned k = 0;
        for (size_t i = 0; i < n; i++) {
            if (lits[i].field != f || whole(b->ix, &lits[i]))
                continue;
            exprs[k] = lits[i].text;
            lens[k] = lits[i].len;
            /* keywords are scanned over all values at once and anchored literals must be
             * seen at their place, so both report every occurrence for match.c to check */
            flags[k] = f == b->ix->any_field || lits[i].anchor
                           ? HS_FLAG_CASELESS
                           : HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
            ids[k] = (unsigned)i;
            k++;
        }
        if (f != b->ix->any_field && k && (rc = take_prefixed(b, f, exprs, lens, flags, ids, &k)))
            break;
        if (!k)
            continue;
        char path[4096];
        int cached = cache_path(b, exprs, lens, ids, flags, k, path, sizeof path);
        if (cached && cache_load(path, dbp))
            continue;
        hs_compile_error_t *err = NULL;
        if (hs_compile_lit_multi(exprs, flags, ids, lens, k, HS_MODE_BLOCK, NULL, dbp, &err) !=
            HS_SUCCESS) {
            hs_free_compile_error(err);
            rc = VG_ERR_NOMEM;
        } else if (cached) {
            cache_store(path, *dbp);
        }
    }
    free(exprs);
    free(flags);
    free(ids);
    free(lens);
    return rc;
}

/* The keyword literals that entries of the always-list need, by byte pairs when they are
 * few (bigram.h): an event routed to no other list with keywords (most events: the one
 * SigmaHQ Windows rule without a channel has twenty keywords, while all rules have 125)
 * searches for those alone. */
static int always_keywords(builder *b)
{
    vg__index *ix = b->ix;
    const lit *lits = b->lits.ptr;
    const char *texts[VG_BIGRAM_MAX_LITS];
    size_t lens[VG_BIGRAM_MAX_LITS];
    unsigned ids[VG_BIGRAM_MAX_LITS];
    size_t n = 0;
    for (uint32_t i = 0; i < ix->n_always; i++) {
        const vg__entry *en = &ix->entries[ix->always[i]];
        for (uint32_t a = 0; a < en->n_atoms; a++) {
            uint32_t l = en->atoms[a];
            if (lits[l].field != ix->any_field)
                continue;
            size_t j = 0;
            while (j < n && ids[j] != l)
                j++;
            if (j < n)
                continue;
            if (n == VG_BIGRAM_MAX_LITS)
                return 0; /* too many: the database is searched */
            texts[n] = lits[l].text;
            lens[n] = lits[l].len;
            ids[n++] = l;
        }
    }
    return n ? vg__bigram_build(texts, lens, ids, n, &ix->always_bg) : 0;
}

/* ---------------------------------------------------------------- routing keys */

static int add_to_list(builder *b, const char *key, size_t klen, uint32_t entry, uint32_t *list)
{
    vg__index *ix = b->ix;
    size_t it = 0;
    uint32_t v;
    if (!vg__smap_next(&ix->keys, key, klen, &it, &v)) {
        uint32_t **lists = realloc(ix->lists, (ix->n_lists + 1) * sizeof *lists);
        uint32_t *lens = realloc(ix->list_len, (ix->n_lists + 1) * sizeof *lens);
        if (lists)
            ix->lists = lists;
        if (lens)
            ix->list_len = lens;
        char *k = vg__arena_strndup(&ix->arena, key, klen);
        if (!lists || !lens || !k)
            return VG_ERR_NOMEM;
        v = ix->n_lists++;
        ix->lists[v] = NULL;
        ix->list_len[v] = 0;
        if (vg__smap_add(&ix->keys, k, klen, v))
            return VG_ERR_NOMEM;
    }
    uint32_t *l = realloc(ix->lists[v], (ix->list_len[v] + 1) * sizeof *l);
    if (!l)
        return VG_ERR_NOMEM;
    l[ix->list_len[v]++] = entry;
    ix->lists[v] = l;
    *list = v;
    return 0;
}

static int add_key(builder *b, vg__entry *e, uint32_t key)
{
    uint32_t *k = vg__arena_alloc(&b->ix->arena, (e->n_keys + 1) * sizeof *k);
    if (!k)
        return VG_ERR_NOMEM;
    if (e->n_keys)
        memcpy(k, e->keys, e->n_keys * sizeof *k);
    k[e->n_keys++] = key;
    e->keys = k;
    return 0;
}

static const vg__cond_field *cond_named(const vg__route *rt, const char *name)
{
    for (size_t i = 0; i < rt->n_conds; i++)
        if (vg__str_ieq_c(vg__str_c(rt->conds[i].field), name))
            return &rt->conds[i];
    return NULL;
}

static int file_entry(builder *b, uint32_t e)
{
    const vg__route *rt = b->ix->entries[e].route;
    const vg__cond_field *ch = cond_named(rt, "Channel"), *id = cond_named(rt, "EventID");
    b->ix->entries[e].implied = ch && rt->n_conds == 1u + (id != NULL);
    if (!ch) {
        uint32_t *a = realloc(b->ix->always, (b->ix->n_always + 1) * sizeof *a);
        if (!a)
            return VG_ERR_NOMEM;
        a[b->ix->n_always++] = e;
        b->ix->always = a;
        return add_key(b, &b->ix->entries[e], VG_KEY_ALWAYS);
    }
    for (size_t c = 0; c < ch->n; c++) {
        for (size_t k = 0; k < (id ? id->n : 1); k++) {
            char key[600];
            int n = snprintf(key, sizeof key, "%s\x1f%s", ch->values[c], id ? id->values[k] : "*");
            for (int i = 0; i < n; i++)
                key[i] = (char)vg__lower((unsigned char)key[i]);
            uint32_t list;
            int rc = add_to_list(b, key, (size_t)(n < (int)sizeof key ? n : (int)sizeof key - 1), e,
                                 &list);
            if (!rc)
                rc = add_key(b, &b->ix->entries[e], list);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* The group an entry is filed under (its trigger): the one whose literals are used by the
 * fewest (entry, literal) pairs in all, rules' common literals (a system folder, a frequent
 * image name) being the ones events hold most often and the ones with the longest entry
 * lists. The other groups are checked only when a trigger literal is found, so a common
 * literal of a non-trigger group costs nothing per event. */
static uint8_t trigger_of(const vg__entry *en, const uint32_t *uses)
{
    uint64_t score[VG_INDEX_MAX_GROUPS] = {0};
    for (uint32_t a = 0; a < en->n_atoms; a++)
        score[en->agroup[a]] += uses[en->atoms[a]];
    uint8_t t = 0;
    for (uint8_t g = 1; g < en->n_groups; g++)
        if (score[g] < score[t])
            t = g;
    return t;
}

/* An entry's other groups, each as its literal count and then its literals. */
static int other_groups(vg__index *ix, vg__entry *en)
{
    if (en->n_groups < 2)
        return 0;
    uint32_t n = en->n_groups - 1u;
    for (uint32_t a = 0; a < en->n_atoms; a++)
        n += en->agroup[a] != en->trigger;
    uint32_t *o = vg__arena_alloc(&ix->arena, n * sizeof *o);
    if (!o)
        return VG_ERR_NOMEM;
    uint32_t k = 0;
    for (uint8_t g = 0; g < en->n_groups; g++) {
        if (g == en->trigger)
            continue;
        uint32_t at = k++;
        for (uint32_t a = 0; a < en->n_atoms; a++)
            if (en->agroup[a] == g)
                o[k++] = en->atoms[a];
        o[at] = k - at - 1;
    }
    en->others = o;
    en->n_others = n;
    return 0;
}

/* Entries by the literals of their trigger groups, and the candidate lists restricted to
 * entries without literals: at match time the literals found lead to their entries, and only
 * literal-free entries are taken from the routing lists, so an event never walks the hundreds
 * of entries filed under its channel and event ID. */
static int invert(vg__index *ix)
{
    ix->lit_off = calloc((size_t)ix->n_literals + 1, sizeof *ix->lit_off);
    uint32_t *uses = calloc((size_t)ix->n_literals + 1, sizeof *uses);
    if (!ix->lit_off || !uses) {
        free(uses);
        return VG_ERR_NOMEM;
    }
    for (uint32_t e = 0; e < ix->n_entries; e++)
        for (uint32_t a = 0; a < ix->entries[e].n_atoms; a++)
            uses[ix->entries[e].atoms[a]]++;
    int rc = 0;
    size_t total = 0;
    for (uint32_t e = 0; !rc && e < ix->n_entries; e++) {
        vg__entry *en = &ix->entries[e];
        en->trigger = trigger_of(en, uses);
        rc = other_groups(ix, en);
        for (uint32_t a = 0; a < en->n_atoms; a++)
            if (en->agroup[a] == en->trigger) {
                ix->lit_off[en->atoms[a] + 1]++;
                total++;
            }
    }
    free(uses);
    for (uint32_t l = 0; l < ix->n_literals; l++)
        ix->lit_off[l + 1] += ix->lit_off[l];
    ix->lit_ent = malloc((total + 1) * sizeof *ix->lit_ent);
    uint32_t *fill = calloc((size_t)ix->n_literals + 1, sizeof *fill);
    ix->noatom = calloc((size_t)ix->n_lists + 1, sizeof *ix->noatom);
    ix->noatom_len = calloc((size_t)ix->n_lists + 1, sizeof *ix->noatom_len);
    ix->always_noatom = malloc(((size_t)ix->n_always + 1) * sizeof *ix->always_noatom);
    if (!rc && !(ix->lit_ent && fill && ix->noatom && ix->noatom_len && ix->always_noatom))
        rc = VG_ERR_NOMEM;
    for (uint32_t e = 0; !rc && e < ix->n_entries; e++) /* entry order is kept in each list */
        for (uint32_t a = 0; a < ix->entries[e].n_atoms; a++) {
            uint32_t l = ix->entries[e].atoms[a];
            if (ix->entries[e].agroup[a] == ix->entries[e].trigger)
                ix->lit_ent[ix->lit_off[l] + fill[l]++] = e;
        }
    free(fill);
    for (uint32_t k = 0; !rc && k < ix->n_lists; k++) {
        ix->noatom[k] = malloc(((size_t)ix->list_len[k] + 1) * sizeof **ix->noatom);
        if (!ix->noatom[k]) {
            rc = VG_ERR_NOMEM;
            break;
        }
        for (uint32_t i = 0; i < ix->list_len[k]; i++)
            if (!ix->entries[ix->lists[k][i]].n_atoms)
                ix->noatom[k][ix->noatom_len[k]++] = ix->lists[k][i];
    }
    for (uint32_t i = 0; !rc && i < ix->n_always; i++)
        if (!ix->entries[ix->always[i]].n_atoms)
            ix->always_noatom[ix->n_always_noatom++] = ix->always[i];
    return rc;
}

/* Per candidate list, the fields its entries have literals for and, of those, the fields they
 * have literals to scan for (not only whole values), and a filter of the former's name hashes;
 * and the field ids by name hash. */
static int field_sets(builder *b)
{
    vg__index *ix = b->ix;
    const lit *lits = b->lits.ptr;
    ix->fwords = (ix->n_fields + 63) / 64;
    ix->fbits = calloc(((size_t)ix->n_lists + 1) * 2 * ix->fwords + 1, sizeof *ix->fbits);
    ix->fbloom = calloc(((size_t)ix->n_lists + 1) * VG_INDEX_BLOOM_WORDS, sizeof *ix->fbloom);
    uint32_t cap = 16;
    while (cap < 2 * ix->n_fields)
        cap *= 2;
    ix->fslot = calloc(cap, sizeof *ix->fslot);
    ix->lit_len = malloc(((size_t)ix->n_literals + 1) * sizeof *ix->lit_len);
    ix->lit_anchor = malloc((size_t)ix->n_literals + 1);
    if (!ix->fbits || !ix->fbloom || !ix->fslot || !ix->lit_len || !ix->lit_anchor)
        return VG_ERR_NOMEM;
    for (uint32_t l = 0; l < ix->n_literals; l++) {
        ix->lit_len[l] = lits[l].len;
        ix->lit_anchor[l] = lits[l].anchor;
    }
    ix->fmask = cap - 1;
    for (uint32_t f = 0; f < ix->n_fields; f++) {
        uint32_t h = vg__index_field(ix, f)->hash & ix->fmask;
        while (ix->fslot[h])
            h = (h + 1) & ix->fmask;
        ix->fslot[h] = f + 1;
    }
    for (uint32_t e = 0; e < ix->n_entries; e++) {
        const vg__entry *en = &ix->entries[e];
        for (uint32_t k = 0; k < en->n_keys; k++) {
            uint32_t row = en->keys[k] == VG_KEY_ALWAYS ? ix->n_lists : en->keys[k];
            uint64_t *bits = ix->fbits + (size_t)row * 2 * ix->fwords;
            uint64_t *bloom = ix->fbloom + (size_t)row * VG_INDEX_BLOOM_WORDS;
            for (uint32_t a = 0; a < en->n_atoms; a++) {
                uint32_t f = lits[en->atoms[a]].field, h = vg__index_field(ix, f)->hash;
                bits[f / 64] |= 1ull << (f % 64);
                h %= 64 * VG_INDEX_BLOOM_WORDS;
                bloom[h / 64] |= 1ull << (h % 64);
                if (!whole(ix, &lits[en->atoms[a]]))
                    bits[ix->fwords + f / 64] |= 1ull << (f % 64);
            }
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- build */

static int build(vg_ruleset *rs, vg__index *ix)
{
    builder b = {ix, rs, NULL, {0}, {0}, 0};
    ix->channel_hash = vg__hash_lower("Channel", 7);
    ix->eventid_hash = vg__hash_lower("EventID", 7);
    ix->channel_field = field_id(&b, "channel", 7);
    ix->eventid_field = field_id(&b, "eventid", 7);
    ix->any_field = field_id(&b, "\x01any", 4); /* no event field has this name */
    size_t total = 0;
    for (size_t i = 0; i < rs->rules.len; i++) {
        const vg__rule *r = ((vg__rule **)rs->rules.ptr)[i];
        if (r->pub.kind == VG_RULE_DETECTION)
            total += r->n_routes;
    }
    ix->entries = vg__arena_alloc(&ix->arena, (total + 1) * sizeof *ix->entries);
    if (!ix->entries)
        return VG_ERR_NOMEM;
    ix->n_rules = (uint32_t)rs->rules.len;
    int rc = 0;
    for (size_t i = 0; !rc && i < rs->rules.len; i++) {
        const vg__rule *r = ((vg__rule **)rs->rules.ptr)[i];
        if (r->pub.kind != VG_RULE_DETECTION)
            continue;
        for (size_t k = 0; !rc && k < r->n_routes; k++) {
            b.rt = r->routes[k];
            req q = cond_atoms(&b, r, r->cond);
            vg__entry *e = &ix->entries[ix->n_entries];
            *e = (vg__entry){.rule = r, .route = r->routes[k], .rule_index = (uint32_t)i};
            size_t na = 0;
            for (int g = 0; !q.none && g < q.ng; g++)
                na += q.g[g].n;
            if (na) {
                e->atoms = vg__arena_alloc(&ix->arena, na * sizeof *e->atoms);
                e->agroup = vg__arena_alloc(&ix->arena, na);
                if (!e->atoms || !e->agroup)
                    rc = VG_ERR_NOMEM;
                for (int g = 0; !rc && g < q.ng; g++) {
                    for (size_t a = 0; a < q.g[g].n; a++) {
                        e->agroup[e->n_atoms] = (uint8_t)g;
                        e->atoms[e->n_atoms++] = literal_id(&b, &q.g[g].a[a]);
                    }
                }
                e->n_groups = (uint8_t)q.ng;
            }
            req_free(&q);
            if (!rc)
                rc = file_entry(&b, ix->n_entries++);
        }
    }
    if (!rc && b.oom)
        rc = VG_ERR_NOMEM;
    ix->n_literals = (uint32_t)b.lits.len;
    if (!rc)
        rc = invert(ix);
    if (!rc)
        rc = field_sets(&b);
    if (!rc)
        rc = whole_table(&b);
    if (!rc)
        rc = compile_dbs(&b);
    if (!rc)
        rc = always_keywords(&b);
    vg__vec_free(&b.lits);
    vg__smap_free(&b.lit_ids);
    return rc;
}

void vg__index_free(vg__index *ix)
{
    if (!ix)
        return;
    for (uint32_t f = 0; f < ix->n_fields; f++) {
        hs_free_database(vg__index_field(ix, f)->db);
        vg__pfx_free(vg__index_field(ix, f)->pfx);
    }
    hs_free_database(ix->any_db);
    vg__bigram_free(ix->always_bg);
    free(ix->fbits);
    free(ix->fbloom);
    free(ix->fslot);
    free(ix->lit_len);
    free(ix->lit_anchor);
    free(ix->wkey);
    free(ix->wlit);
    vg__vec_free(&ix->fields_v);
    for (uint32_t l = 0; l < ix->n_lists; l++) {
        free(ix->lists[l]);
        if (ix->noatom)
            free(ix->noatom[l]);
    }
    free(ix->noatom);
    free(ix->noatom_len);
    free(ix->always_noatom);
    free(ix->lit_off);
    free(ix->lit_ent);
    free(ix->lists);
    free(ix->list_len);
    free(ix->always);
    vg__smap_free(&ix->keys);
    vg__smap_free(&ix->field_ids);
    vg__arena_free(&ix->arena);
    free(ix);
}

int vg__index_get(vg_ruleset *rs, const vg__index **out)
{
    pthread_mutex_lock(&rs->index_lock);
    int rc = 0;
    if (!rs->index_built) {
        vg__index *ix = calloc(1, sizeof *ix);
        rc = ix ? build(rs, ix) : VG_ERR_NOMEM;
        if (rc)
            vg__index_free(ix);
        else
            rs->index = ix;
        rs->index_built = !rc;
    }
    pthread_mutex_unlock(&rs->index_lock);
    *out = rs->index;
    return rc;
}

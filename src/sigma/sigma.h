/*
 * sigma.h - internal model of compiled Sigma rules.
 *
 * A rule compiles to: search identifiers (each an OR of maps, each map an AND of items, each
 * item a field, its modifiers and an OR/AND of values), a condition tree over those
 * identifiers, and the routing branches its log source has in the active profile. Values are
 * compiled once into matchers (literal with a match kind, glob, regex, CIDR, numeric
 * comparison, time part, field reference, null); evaluation never allocates except for PCRE2
 * match data kept in the per-thread vg_matcher.
 */
#ifndef VG_SIGMA_H
#define VG_SIGMA_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <string.h>

#include "../base/base.h"
#include "../event/event.h"
#include "yaml.h"

typedef struct vg__index vg__index;       /* match/index.h */
typedef struct vg__mscratch vg__mscratch; /* match/match.c */

/* ---- text ---- */

/* Two words of text agree ignoring ASCII case (alike first, as names usually are). */
static inline int vg__word_ieq(uint64_t x, uint64_t y)
{
    return x == y || vg__lower8(x) == vg__lower8(y);
}

/* Do the n bytes at a and b agree ignoring ASCII case? vg__str_ieq inline, for field names
 * and route conditions: eight bytes at a time, the last eight (or four) in a word that may
 * overlap the one before. */
static inline int vg__text_ieq(const char *a, const char *b, size_t n)
{
    uint64_t x = 0, y = 0;
    if (n < 4) {
        for (size_t i = 0; i < n; i++)
            if (vg__lower((unsigned char)a[i]) != vg__lower((unsigned char)b[i]))
                return 0;
        return 1;
    }
    if (n < 8) {
        uint32_t x1, y1;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&x1, a + n - 4, 4);
        memcpy(&y1, b + n - 4, 4);
        return vg__word_ieq(x, y) && vg__word_ieq(x1, y1);
    }
    for (size_t i = 0; i + 8 < n; i += 8) {
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (!vg__word_ieq(x, y))
            return 0;
    }
    memcpy(&x, a + n - 8, 8);
    memcpy(&y, b + n - 8, 8);
    return vg__word_ieq(x, y);
}

/* ---- values ---- */

typedef enum {
    VK_STRING,   /* pattern over the field's text */
    VK_REGEX,    /* PCRE2 search */
    VK_CIDR,     /* IP in network */
    VK_NUMBER,   /* numeric comparison */
    VK_NULL,     /* field missing or JSON null */
    VK_FIELDREF, /* compare with another field of the same event */
    VK_NEVER,    /* matches nothing (placeholder without values) */
    VK_BOOL,     /* exists: true/false is kept on the item; this is a literal boolean */
} vg__vkind;

typedef enum {
    PK_EXACT,
    PK_PREFIX,
    PK_SUFFIX,
    PK_CONTAINS,
    PK_GLOB, /* has unescaped * or ? inside */
} vg__pkind;

typedef enum { CMP_EQ, CMP_LT, CMP_LTE, CMP_GT, CMP_GTE } vg__cmp;

typedef enum { TP_NONE, TP_MINUTE, TP_HOUR, TP_DAY, TP_WEEK, TP_MONTH, TP_YEAR } vg__timepart;

/* A string pattern. For PK_GLOB, text holds the pattern with wildcards encoded as bytes
 * 0x01 (*) and 0x02 (?) and escapes removed; a literal 0x01/0x02 cannot occur in rules. */
typedef struct vg__pattern {
    uint8_t kind;     /* vg__pkind */
    uint8_t cased;    /* compare case-sensitively */
    uint8_t stars;    /* PK_GLOB with no `?`: matched piece by piece (value.c) */
    const char *text; /* lower-cased unless cased */
    size_t len;
} vg__pattern;

#define VG_GLOB_STAR '\x01'
#define VG_GLOB_ONE  '\x02'

typedef struct vg__value {
    uint16_t group; /* index of the value as written (expansions share it) */
    uint8_t kind;   /* vg__vkind */
    uint8_t cmp;    /* VK_NUMBER */
    uint8_t timepart;
    vg__pattern pat; /* VK_STRING, VK_FIELDREF (field name in pat.text, match kind in pat.kind) */
    pcre2_code *re;  /* VK_REGEX */
    /* VK_REGEX: runs of plain text every match contains, in this order and folded to lower
     * case (vg__regex_runs); none when the expression gives none */
    vg__str *runs;
    uint32_t n_runs;
    uint8_t runs_decide; /* the expression is only runs and `.*` gaps (see printable()) */
    uint32_t re_minlen;  /* VK_REGEX: PCRE2_INFO_MINLENGTH, no match in a shorter value */
    uint32_t ref_hash;   /* VK_FIELDREF: vg__hash_lower of the field named */
    double num;          /* VK_NUMBER */
    uint8_t ip[16];      /* VK_CIDR */
    uint8_t family;      /* 4 or 6 */
    uint8_t prefix;
    const char *source; /* the value as written, for explanations */
} vg__value;

typedef struct vg__item {
    const char *field; /* NULL for keywords */
    size_t flen;
    uint32_t fhash;   /* vg__hash_lower(field), for the event's table of names */
    const char *mods; /* "|contains|all" as written, for explanations */
    uint8_t all;      /* AND over values */
    uint8_t neq;      /* field must exist and match none of the values */
    int8_t exists;    /* -1: no exists check; 0/1: field must be absent/present */
    uint8_t any;      /* an OR of values, no `exists` or null test: decided field by field */
    vg__value *vals;
    size_t n;
    const struct vg__vset *set; /* a long list's plain values in hash tables, or NULL */
    uint32_t line, col;
} vg__item;

typedef struct vg__map {
    vg__item *items;
    size_t n;
} vg__map;

typedef struct vg__search {
    const char *name;
    vg__map *maps; /* OR over maps; AND within one map */
    size_t n;
} vg__search;

/* ---- conditions ---- */

typedef enum { CN_REF, CN_AND, CN_OR, CN_NOT, CN_OF_ANY, CN_OF_ALL, CN_TRUE } vg__cop;

typedef struct vg__cnode vg__cnode;
struct vg__cnode {
    uint8_t op;
    uint32_t ref;     /* CN_REF: search index */
    vg__cnode *a, *b; /* AND/OR: a, b; NOT: a */
    uint32_t *refs;   /* CN_OF_*: search indexes */
    size_t n_refs;
    uint32_t count; /* CN_OF_ANY: at least count (1 for "1 of") */
};

/* ---- routing ---- */

typedef struct vg__cond_field {
    const char *field;
    size_t flen;
    uint32_t hash;       /* vg__hash_lower(field) */
    const char **values; /* OR; compared case-insensitively as text */
    size_t *vlens;
    size_t n;
} vg__cond_field;

typedef struct vg__fmap {
    const char *from, *to;
    size_t from_len, to_len;
} vg__fmap;

/* One way a log source appears in events: all conds hold, fields renamed by map. */
typedef struct vg__route {
    const char *label; /* "sysmon", "windows", ... for explanations */
    vg__cond_field *conds;
    size_t n_conds;
    const vg__fmap *map;
    size_t n_map;
} vg__route;

/* ---- rules ---- */

typedef struct vg__rule vg__rule;
struct vg__rule {
    vg_rule pub;
    uint64_t offset; /* byte offset of the rule's document, for diagnostics at finalize */
    vg__search *searches;
    size_t n_searches;
    vg__cnode *cond;
    const vg__route *const *routes;
    size_t n_routes;
    /* filters that apply to this rule (each excludes its matches) */
    vg__rule **filters;
    size_t n_filters;
    /* filters only */
    const char **filter_targets;
    size_t n_filter_targets;
    /* correlations only */
    const char **corr_rules;
    size_t n_corr_rules;
    const vg__ynode *corr; /* the validated 'correlation' map (in the ruleset's arena), read by
                              the risk engine's correlation compiler (src/risk/corr.c) */
};

struct vg_ruleset {
    vg__arena arena;
    const vg_attack *kb;
    const vg_profile *profile;
    vg_profile *own_profile;
    vg__vec rules; /* vg__rule* */
    vg__smap by_id;
    /* placeholders: name -> values */
    vg__ydocs placeholders;
    int finalized;
    uint32_t max_ovector;
    /* pcre2_code*: every regex compiled, also of rules rejected later; freed with the set */
    vg__vec regexes;
    vg__index *index; /* built on first use by a matcher (match/index.c) */
    int index_built;
    pthread_mutex_t index_lock;
    char *cache_dir;  /* where compiled literal databases are kept between runs, or NULL */
    int load_threads; /* vg_ruleset_set_load_threads: 0 = one per CPU (load.c) */
};

struct vg_matcher {
    const vg_ruleset *rs;
    pcre2_match_data *md;
    int exact;              /* evaluate every rule (the reference the index must equal) */
    int index_tried;        /* the index was asked for (it may have failed to build) */
    const vg__index *index; /* shared, owned by the ruleset */
    vg__mscratch *scratch;  /* per-matcher state of the indexed path */
};

/* compile.c: where compiling puts what it makes, the ruleset's own arena and lists or those of
 * one loader thread that load.c merges into the ruleset in file order. The ruleset is only read
 * (knowledge base, profile, placeholders), so threads share it. */
typedef struct vg__route_memo vg__route_memo;
typedef struct vg__ctarget {
    const vg_ruleset *rs;
    vg__arena *arena;
    vg__vec *rules;       /* vg__rule*, pub.index local to this list */
    vg__vec *regexes;     /* pcre2_code*, freed with the ruleset */
    vg__route_memo *memo; /* log source -> routes, made on first use; NULL */
} vg__ctarget;
/* A target that compiles straight into rs; vg__ctarget_done frees its memo. */
void vg__ctarget_init(vg__ctarget *t, vg_ruleset *rs);
void vg__ctarget_done(vg__ctarget *t);
int vg__sigma_compile_doc(vg__ctarget *t, const vg__ynode *doc, const char *file, vg_diags *diags);
/* ruleset.c: every document of one file's text into t (vg_ruleset_add_buffer's body). */
int vg__sigma_add_buffer(vg__ctarget *t, const char *buf, size_t len, const char *name,
                         vg_diags *diags);
/* value.c */
int vg__value_match(const vg__value *v, vg__str text, vg__str lower, const vg_event *ev,
                    const vg__route *rt, pcre2_match_data *md);
/* Does a field's text (and its fold, lower) match one of the item's values: its value set
 * first, if it has one, then the values left out of the set, in any order? */
int vg__item_hit(const vg__item *it, vg__str text, vg__str lower, const vg_event *ev,
                 const vg__route *rt, pcre2_match_data *md);
/* Items whose OR list has at least VG_VSET_MIN plain values (not cased, no wildcards: equals,
 * startswith, endswith) get a vg__vset: the folded values in one hash table, probed once per
 * distinct value length; the item's other values are kept in a short list to check one by one.
 * Built at compile time in arena a (0, or VG_ERR_NOMEM); it->set stays NULL for other items
 * (also `all` and `exists`). 4 was measured best among 2, 4, 8, 16 (docs/BENCHMARKS.md). */
#define VG_VSET_MIN 4
typedef struct vg__vset {
    struct vg__vent *tab; /* open addressing, mask + 1 slots */
    uint32_t mask;
    uint32_t *lens[3]; /* per kind (exact, prefix, suffix): its distinct value lengths, sorted */
    uint32_t n_lens[3];
    const vg__value **rest; /* the item's values not in the table */
    size_t n_rest;
} vg__vset;
int vg__vset_build(vg__arena *a, vg__item *it);
/* Does folded text low equal, start or end with one of the set's values? */
int vg__vset_hit(const vg__vset *s, vg__str low);
int vg__glob_match(const char *pat, size_t plen, const char *s, size_t n, int cased);
/* The first place of needle nd (nn bytes) in h (hn bytes), or NULL; h itself when nn is 0.
 * Candidates are the places whose first and last bytes match (sixteen places per SSE2 step,
 * never reading outside h), then compared whole: for the short needles and values of rules,
 * where glibc's memmem spends its time setting up. */
const char *vg__find(const char *h, size_t hn, const char *nd, size_t nn);
/* The runs of plain text in the top-level concatenation of regular expression re (n bytes),
 * folded to lower case and in order: every match contains them in that order, without
 * overlap. Nothing for an expression with a top-level `|` or extended syntax ((?x)); with
 * caseless matching possible (caseless, or any inline (?...)), bytes that Unicode case folding
 * may match outside ASCII (k, s, non-ASCII) end a run. *decide: the expression is nothing but
 * these runs with `.*` between them. Arrays in arena a; 0 or VG_ERR_NOMEM. */
int vg__regex_runs(vg__arena *a, const char *re, size_t n, int caseless, vg__str **runs,
                   uint32_t *n_runs, uint8_t *decide);
int vg__parse_ip(const char *s, size_t n, uint8_t out[16], uint8_t *family);
/* match/index.c, match/match.c */
int vg__index_get(vg_ruleset *rs, const vg__index **out);
void vg__index_free(vg__index *ix);
vg__mscratch *vg__mscratch_new(const vg__index *ix);
void vg__mscratch_free(vg__mscratch *s);
int vg__index_run(const vg__index *ix, vg__mscratch *s, const vg_event *ev, pcre2_match_data *md,
                  vg_match_fn fn, void *ud);

/* logsource.c */
size_t vg__profile_routes(const vg_profile *p, const char *product, const char *category,
                          const char *service, const vg__route **out, size_t cap);
vg__str vg__route_field(const vg__route *rt, const char *field, size_t flen);
/* eval.c */
int vg__rule_eval(const vg__rule *r, const vg_event *ev, pcre2_match_data *md, vg__buf *why);
/* The route's conditions hold and the rule's condition is true under it (no filters). */
int vg__route_body(const vg__rule *r, const vg__route *rt, const vg_event *ev,
                   pcre2_match_data *md);
/* The rule's body under route rt, the route's conditions taken as met (the index knows). */
int vg__body_eval(const vg__rule *r, const vg__route *rt, const vg_event *ev, pcre2_match_data *md);
/* A filter attached to the rule matches the event. */
int vg__rule_filtered(const vg__rule *r, const vg_event *ev, pcre2_match_data *md);

#endif

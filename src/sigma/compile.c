/*
 * compile.c - turns one YAML document into a compiled Sigma rule, filter or correlation.
 *
 * Metadata is checked against the specification (title required, known status and level,
 * lists where lists belong) and ATT&CK tags are resolved through the knowledge base with the
 * version crosswalk. The detection section compiles each search identifier into maps of items;
 * each item's modifiers are parsed and checked, then its values pass through the modifiers in
 * the order written (modifiers.c), and end as compiled matchers. The condition is parsed last,
 * against the identifiers. Any error rejects just this document with a diagnostic naming the
 * file, line, column, rule id and reason; warnings (unknown tags, placeholders without values)
 * keep the rule. What a document compiles to goes to a target (sigma.h: the ruleset itself, or
 * one loader thread's arena and lists, load.c), which also remembers the profile's routes of
 * each log source it has seen.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cond.h"
#include "modifiers.h"

static const char *const statuses[] = {"stable", "test", "experimental", "deprecated",
                                       "unsupported"};
static const char *const levels[] = {"", "informational", "low", "medium", "high", "critical"};

static int cerr(vg__cctx *c, const vg__ynode *at, int code, const char *fmt, ...) VG_PRINTF(4, 5);

static int cerr(vg__cctx *c, const vg__ynode *at, int code, const char *fmt, ...)
{
    char msg[VG_DIAG_MAX_MESSAGE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!at)
        at = c->cur; /* value being compiled (expansion limits), as for warnings */
    if (!c->failed)
        vg__diag_add(c->diags, code, VG_SEV_ERROR, c->file, at ? at->line : c->doc_line,
                     at ? at->col : 1, at ? at->offset : 0, c->rule_id, "%s", msg);
    c->failed = 1;
    return code;
}

void vg__cwarn(vg__cctx *c, const vg__ynode *at, const char *fmt, ...)
{
    char msg[VG_DIAG_MAX_MESSAGE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!at)
        at = c->cur;
    vg__diag_add(c->diags, 0, VG_SEV_WARNING, c->file, at ? at->line : c->doc_line,
                 at ? at->col : 1, at ? at->offset : 0, c->rule_id, "%s", msg);
}

int vg__cerror(vg__cctx *c, const vg__ynode *at, int code, const char *msg)
{
    return cerr(c, at, code, "%s", msg);
}

/* ---------------------------------------------------------------- metadata */

static const char *opt_scalar(vg__cctx *c, const vg__ynode *doc, const char *key)
{
    const vg__ynode *n = vg__yaml_get(doc, key);
    if (!n || vg__yaml_is_null(n))
        return "";
    if (n->type != VG_Y_SCALAR) {
        cerr(c, n, VG_ERR_TYPE, "'%s' must be a single value, not a %s", key,
             n->type == VG_Y_SEQ ? "list" : "map");
        return "";
    }
    return n->str;
}

/* A list of scalars (a single scalar is accepted as a one-item list where lenient is set). */
static const char *const *str_list(vg__cctx *c, const vg__ynode *doc, const char *key, size_t *n,
                                   int lenient)
{
    *n = 0;
    const vg__ynode *v = vg__yaml_get(doc, key);
    if (!v || vg__yaml_is_null(v))
        return NULL;
    if (v->type == VG_Y_SCALAR && lenient) {
        const char **one = vg__arena_alloc(c->t->arena, sizeof *one);
        if (one) {
            one[0] = v->str;
            *n = 1;
        }
        return one;
    }
    if (v->type != VG_Y_SEQ) {
        cerr(c, v, VG_ERR_TYPE, "'%s' must be a list", key);
        return NULL;
    }
    const char **out = vg__arena_alloc(c->t->arena, (v->n + 1) * sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < v->n; i++) {
        if (v->items[i]->type != VG_Y_SCALAR) {
            cerr(c, v->items[i], VG_ERR_TYPE, "items of '%s' must be single values", key);
            *n = 0; /* no list, not a NULL list with items (resolve_tags reads r->tags) */
            return NULL;
        }
        out[(*n)++] = v->items[i]->str;
    }
    return out;
}

static int one_of(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, set[i]) == 0)
            return (int)i;
    return -1;
}

static void add_unique(const vg_attack_obj **arr, size_t *n, size_t cap, const vg_attack_obj *o)
{
    for (size_t i = 0; i < *n; i++)
        if (arr[i] == o)
            return;
    if (*n < cap)
        arr[(*n)++] = o;
}

/* A copy of n pointers in the ruleset's arena (n + 1 slots, never NULL unless out of memory:
 * then the list is empty). */
static void *keep_list(vg__cctx *c, const void *items, size_t n, size_t *count)
{
    void *out = vg__arena_alloc(c->t->arena, (n + 1) * sizeof(void *));
    *count = out ? n : 0;
    if (out && n)
        memcpy(out, items, n * sizeof(void *));
    return out;
}

/* Resolve ATT&CK tags: techniques first (they are the hints for split tactics), then tactics;
 * the rule's tactics also include every resolved technique's own tactics. */
static void resolve_tags(vg__cctx *c, vg_rule *r, const vg__ynode *tags)
{
    size_t cap = r->n_tags * VG_TAG_MAX_OBJS + 64;
    const vg_attack_obj **tech = malloc(2 * cap * sizeof *tech);
    const char **unres = malloc((r->n_tags + 1) * sizeof *unres);
    if (!tech || !unres) {
        free(tech);
        free(unres);
        return;
    }
    const vg_attack_obj **tac = tech + cap;
    size_t nt = 0, na = 0, nu = 0;
    vg_tag_result res;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < r->n_tags; i++) {
            if (!vg__str_istarts(vg__str_c(r->tags[i]), "attack."))
                continue;
            if (!c->rs->kb) {
                if (pass == 0)
                    unres[nu++] = r->tags[i];
                continue;
            }
            vg_attack_resolve_tag(c->rs->kb, r->tags[i], tech, nt, &res);
            int is_tech = res.cls == VG_TAG_TECHNIQUE;
            if (is_tech != (pass == 0))
                continue;
            if (res.status == VG_TAG_UNKNOWN || res.status == VG_TAG_INVALID) {
                unres[nu++] = r->tags[i];
                vg__cwarn(c, tags && tags->type == VG_Y_SEQ && i < tags->n ? tags->items[i] : NULL,
                          "tag '%s': %s", r->tags[i], res.note);
                continue;
            }
            if (!is_tech && res.cls != VG_TAG_TACTIC)
                continue; /* groups, software, ...: kept as tags only */
            for (size_t k = 0; k < res.n_objs; k++)
                add_unique(is_tech ? tech : tac, is_tech ? &nt : &na, cap, res.objs[k]);
        }
    }
    for (size_t i = 0; i < nt; i++)
        for (size_t k = 0; k < tech[i]->n_tactics; k++)
            if (tech[i]->tactics[k]->domains & VG_DOMAIN_ENTERPRISE)
                add_unique(tac, &na, cap, tech[i]->tactics[k]);
    /* the rule keeps arrays of the sizes found (the bounds above are for the worst case) */
    r->techniques = keep_list(c, tech, nt, &r->n_techniques);
    r->tactics = keep_list(c, tac, na, &r->n_tactics);
    r->unresolved_tags = keep_list(c, unres, nu, &r->n_unresolved);
    free(tech);
    free(unres);
}

static void read_meta(vg__cctx *c, const vg__ynode *doc, vg_rule *r)
{
    const vg__ynode *title = vg__yaml_get(doc, "title");
    /* a plain null is no title; a list or map is reported by opt_scalar() as the wrong type */
    if (!title || vg__yaml_is_null(title) || (title->type == VG_Y_SCALAR && !title->len))
        cerr(c, title ? title : doc, VG_ERR_TYPE, "a rule needs a 'title'");
    r->title = opt_scalar(c, doc, "title");
    r->name = opt_scalar(c, doc, "name");
    r->status = opt_scalar(c, doc, "status");
    if (*r->status && one_of(r->status, statuses, VG_ARRAY_LEN(statuses)) < 0)
        cerr(c, vg__yaml_get(doc, "status"), VG_ERR_RANGE,
             "unknown status '%s' (stable, test, experimental, deprecated, unsupported)",
             r->status);
    const char *lv = opt_scalar(c, doc, "level");
    int l = one_of(lv, levels, VG_ARRAY_LEN(levels));
    if (l < 0)
        cerr(c, vg__yaml_get(doc, "level"), VG_ERR_RANGE,
             "unknown level '%s' (informational, low, medium, high, critical)", lv);
    r->level = l < 0 ? VG_LEVEL_NONE : (vg_level)l;
    r->description = opt_scalar(c, doc, "description");
    r->author = opt_scalar(c, doc, "author");
    r->date = opt_scalar(c, doc, "date");
    r->modified = opt_scalar(c, doc, "modified");
    r->tags = str_list(c, doc, "tags", &r->n_tags, 0);
    r->references = str_list(c, doc, "references", &r->n_references, 0);
    r->falsepositives = str_list(c, doc, "falsepositives", &r->n_falsepositives, 1);
    r->fields = str_list(c, doc, "fields", &r->n_fields, 0);
    const vg__ynode *rel = vg__yaml_get(doc, "related");
    static const char *const rtypes[] = {"derived", "obsolete", "merged", "renamed", "similar"};
    for (size_t i = 0; rel && rel->type == VG_Y_SEQ && i < rel->n; i++) {
        const char *t = opt_scalar(c, rel->items[i], "type");
        if (*t && one_of(t, rtypes, VG_ARRAY_LEN(rtypes)) < 0)
            vg__cwarn(c, rel->items[i],
                      "related type '%s' is not one of derived, obsolete, "
                      "merged, renamed, similar",
                      t);
    }
    const vg__ynode *ls = vg__yaml_get(doc, "logsource");
    if (ls && ls->type != VG_Y_MAP)
        cerr(c, ls, VG_ERR_TYPE, "'logsource' must be a map (product, category, service)");
    r->product = opt_scalar(c, ls, "product");
    r->category = opt_scalar(c, ls, "category");
    r->service = opt_scalar(c, ls, "service");
    resolve_tags(c, r, vg__yaml_get(doc, "tags"));
}

/* ---------------------------------------------------------------- detection */

static int compile_item(vg__cctx *c, const vg__ynode *key, const vg__ynode *val, vg__item *it)
{
    const char *k = key ? key->str : "";
    const char *bar = strchr(k, '|');
    size_t flen = bar ? (size_t)(bar - k) : strlen(k);
    it->field = flen ? vg__arena_strndup(c->t->arena, k, flen) : NULL;
    it->flen = flen;
    it->mods = bar ? bar : "";
    it->exists = -1;
    it->line = key ? key->line : val->line;
    it->col = key ? key->col : val->col;
    vg__mods mods;
    if (vg__mods_parse(c, key ? key : val, bar ? bar + 1 : NULL, &mods))
        return VG_ERR_SYNTAX;
    int rc = vg__mods_compile_values(c, &mods, val, it);
    return rc ? rc : vg__vset_build(c->t->arena, it);
}

static int compile_map(vg__cctx *c, const vg__ynode *m, vg__map *out)
{
    out->items = vg__arena_alloc(c->t->arena, (m->n + 1) * sizeof *out->items);
    if (!out->items)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < m->n; i++) {
        int rc = compile_item(c, m->keys[i], m->items[i], &out->items[out->n]);
        if (rc)
            return rc;
        out->n++;
    }
    return 0;
}

static int compile_search(vg__cctx *c, const char *name, const vg__ynode *v, vg__search *s)
{
    s->name = name;
    if (v->type == VG_Y_MAP) {
        s->maps = vg__arena_alloc(c->t->arena, sizeof *s->maps);
        if (!s->maps)
            return VG_ERR_NOMEM;
        s->n = 1;
        if (v->n == 0)
            return cerr(c, v, VG_ERR_SYNTAX, "search identifier '%s' is an empty map", name);
        return compile_map(c, v, &s->maps[0]);
    }
    if (v->type == VG_Y_SCALAR) {
        if (vg__yaml_is_null(v))
            return cerr(c, v, VG_ERR_SYNTAX, "search identifier '%s' is empty", name);
        /* a single keyword */
        s->maps = vg__arena_alloc(c->t->arena, sizeof *s->maps);
        if (!s->maps || !(s->maps[0].items = vg__arena_alloc(c->t->arena, sizeof(vg__item))))
            return VG_ERR_NOMEM;
        s->n = 1;
        s->maps[0].n = 1;
        return compile_item(c, NULL, v, &s->maps[0].items[0]);
    }
    /* a list: all keywords (one OR item) or all maps (OR of maps) */
    if (v->n == 0)
        return cerr(c, v, VG_ERR_SYNTAX, "search identifier '%s' is an empty list", name);
    size_t maps = 0;
    for (size_t i = 0; i < v->n; i++)
        maps += v->items[i]->type == VG_Y_MAP;
    if (maps && maps != v->n)
        return cerr(c, v, VG_ERR_SYNTAX,
                    "search identifier '%s' mixes maps and plain values in one list", name);
    if (!maps) {
        for (size_t i = 0; i < v->n; i++)
            if (v->items[i]->type != VG_Y_SCALAR)
                return cerr(c, v->items[i], VG_ERR_SYNTAX,
                            "keyword lists may hold only single values");
        s->maps = vg__arena_alloc(c->t->arena, sizeof *s->maps);
        if (!s->maps || !(s->maps[0].items = vg__arena_alloc(c->t->arena, sizeof(vg__item))))
            return VG_ERR_NOMEM;
        s->n = 1;
        s->maps[0].n = 1;
        return compile_item(c, NULL, v, &s->maps[0].items[0]);
    }
    s->maps = vg__arena_alloc(c->t->arena, v->n * sizeof *s->maps);
    if (!s->maps)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < v->n; i++) {
        if (v->items[i]->n == 0)
            return cerr(c, v->items[i], VG_ERR_SYNTAX, "empty map in '%s'", name);
        int rc = compile_map(c, v->items[i], &s->maps[s->n]);
        if (rc)
            return rc;
        s->n++;
    }
    return 0;
}

static vg__cnode *parse_condition(vg__cctx *c, const vg__ynode *cn, vg__rule *r)
{
    char err[256];
    size_t pos;
    vg__cnode *t = vg__cond_parse(cn->str, cn->len, r->searches, r->n_searches, c->t->arena, err,
                                  sizeof err, &pos);
    if (!t) {
        /* point into the condition text: quoted scalars start one column later */
        vg__ynode at = *cn;
        at.col += (uint32_t)pos + (cn->plain ? 0 : 1);
        at.offset += pos + (cn->plain ? 0 : 1);
        cerr(c, &at, VG_ERR_SYNTAX, "condition: %s", err);
    }
    return t;
}

/* detection (or a filter's body): search identifiers plus condition; skip lists keys to ignore */
static int compile_detection(vg__cctx *c, const vg__ynode *det, vg__rule *r, const char *what,
                             const char *const *skip, size_t n_skip)
{
    if (!det || det->type != VG_Y_MAP)
        return cerr(c, det, VG_ERR_TYPE,
                    "'%s' must be a map of search identifiers and a "
                    "condition",
                    what);
    const vg__ynode *cond = vg__yaml_get(det, "condition");
    if (!cond)
        return cerr(c, det, VG_ERR_SYNTAX, "'%s' has no 'condition'", what);
    if (vg__yaml_get(det, "timeframe"))
        return cerr(c, vg__yaml_get(det, "timeframe"), VG_ERR_UNSUPPORTED,
                    "'timeframe' inside detection is a Sigma v1 aggregation feature removed in "
                    "v2; express it as a correlation rule");
    r->searches = vg__arena_alloc(c->t->arena, (det->n + 1) * sizeof *r->searches);
    if (!r->searches)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < det->n; i++) {
        const char *k = det->keys[i]->str;
        if (strcmp(k, "condition") == 0 || one_of(k, skip, n_skip) >= 0)
            continue;
        int rc = compile_search(c, k, det->items[i], &r->searches[r->n_searches]);
        if (rc)
            return rc;
        r->n_searches++;
    }
    if (!r->n_searches)
        return cerr(c, det, VG_ERR_SYNTAX, "'%s' defines no search identifier", what);
    /* a list of conditions is OR-ed */
    if (cond->type == VG_Y_SEQ) {
        vg__cnode *acc = NULL;
        for (size_t i = 0; i < cond->n; i++) {
            if (cond->items[i]->type != VG_Y_SCALAR)
                return cerr(c, cond->items[i], VG_ERR_TYPE, "conditions must be text");
            vg__cnode *t = parse_condition(c, cond->items[i], r);
            if (!t)
                return VG_ERR_SYNTAX;
            if (acc) {
                vg__cnode *o = vg__arena_alloc(c->t->arena, sizeof *o);
                if (!o)
                    return VG_ERR_NOMEM;
                o->op = CN_OR;
                o->a = acc;
                o->b = t;
                t = o;
            }
            acc = t;
        }
        if (!acc)
            return cerr(c, cond, VG_ERR_SYNTAX, "the condition list is empty");
        r->cond = acc;
        return 0;
    }
    if (cond->type != VG_Y_SCALAR || !cond->len)
        return cerr(c, cond, VG_ERR_TYPE, "'condition' must be text");
    r->cond = parse_condition(c, cond, r);
    return r->cond ? 0 : VG_ERR_SYNTAX;
}

/* ---------------------------------------------------------------- correlations */

static int check_timespan(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || !strchr("smhdwMy", s[n - 1]))
        return 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int compile_correlation(vg__cctx *c, const vg__ynode *corr, vg__rule *r)
{
    static const char *const types[] = {"event_count",      "value_count", "temporal",
                                        "temporal_ordered", "value_sum",   "value_avg",
                                        "value_percentile"};
    static const char *const ops[] = {"gt", "gte", "lt", "lte", "eq", "neq"};
    if (corr->type != VG_Y_MAP)
        return cerr(c, corr, VG_ERR_TYPE, "'correlation' must be a map");
    const char *type = opt_scalar(c, corr, "type");
    int t = one_of(type, types, VG_ARRAY_LEN(types));
    if (t < 0 && !*type)
        return cerr(c, corr, VG_ERR_SYNTAX, "a correlation needs a 'type' (%s)",
                    "event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, "
                    "value_percentile");
    if (t < 0)
        return cerr(c, vg__yaml_get(corr, "type") ? vg__yaml_get(corr, "type") : corr, VG_ERR_RANGE,
                    "unknown correlation type '%s' (%s)", type,
                    "event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, "
                    "value_percentile");
    r->pub.correlation_type = types[t];
    r->corr = corr;
    r->corr_rules = (const char **)str_list(c, corr, "rules", &r->n_corr_rules, 1);
    if (!r->n_corr_rules)
        return cerr(c, corr, VG_ERR_SYNTAX, "a correlation needs 'rules'");
    const vg__ynode *ts = vg__yaml_get(corr, "timespan");
    if (!ts || ts->type != VG_Y_SCALAR || !check_timespan(ts->str))
        return cerr(c, ts ? ts : corr, VG_ERR_SYNTAX,
                    "'timespan' must be a number and a unit (s, m, h, d, w, M, y), e.g. 90m");
    const vg__ynode *gb = vg__yaml_get(corr, "group-by");
    if (gb && gb->type != VG_Y_SEQ && gb->type != VG_Y_SCALAR)
        return cerr(c, gb, VG_ERR_TYPE, "'group-by' must be a list of fields");
    const vg__ynode *cond = vg__yaml_get(corr, "condition");
    int temporal = t == 2 || t == 3;
    if (!cond && !temporal)
        return cerr(c, corr, VG_ERR_SYNTAX, "%s %s correlation needs a 'condition'",
                    t == 0 ? "an" : "a", type);
    if (cond) {
        if (cond->type != VG_Y_MAP)
            return cerr(c, cond, VG_ERR_TYPE,
                        "the correlation condition must be a map like "
                        "{gte: 10}");
        int nops = 0;
        for (size_t i = 0; i < cond->n; i++) {
            const char *k = cond->keys[i]->str;
            if (strcmp(k, "field") == 0 || strcmp(k, "percentile") == 0)
                continue;
            if (one_of(k, ops, VG_ARRAY_LEN(ops)) < 0)
                return cerr(c, cond->keys[i], VG_ERR_SYNTAX,
                            "unknown condition operator '%s' (gt, gte, lt, lte, eq, neq)", k);
            if (!vg__yaml_is_number(cond->items[i]))
                return cerr(c, cond->items[i], VG_ERR_TYPE, "'%s' needs a number", k);
            nops++;
        }
        if (!nops)
            return cerr(c, cond, VG_ERR_SYNTAX, "the correlation condition has no operator");
        if (t == 1 || t >= 4) {
            if (!vg__yaml_get(cond, "field"))
                return cerr(c, cond, VG_ERR_SYNTAX,
                            "a %s correlation needs 'field' in its "
                            "condition",
                            type);
        }
    }
    const vg__ynode *al = vg__yaml_get(corr, "aliases");
    if (al && al->type != VG_Y_MAP)
        return cerr(c, al, VG_ERR_TYPE, "'aliases' must map alias names to rule: field maps");
    for (size_t i = 0; al && i < al->n; i++)
        if (al->items[i]->type != VG_Y_MAP)
            return cerr(c, al->items[i], VG_ERR_TYPE, "alias '%s' must map each rule to a field",
                        al->keys[i]->str);
    const vg__ynode *gen = vg__yaml_get(corr, "generate");
    int b;
    if (gen && !vg__yaml_is_bool(gen, &b))
        return cerr(c, gen, VG_ERR_TYPE, "'generate' must be true or false");
    return 0;
}

/* ---------------------------------------------------------------- routes */

/* A corpus repeats a few hundred log sources over thousands of rules, and asking the profile
 * compares every entry of it; so each target remembers the routes of each (product, category,
 * service) it has seen, exactly as written, and rules with the same source share one array. */
typedef struct memo_slot {
    const char *product, *category, *service; /* NULL: free slot */
    const vg__route *const *routes;
    size_t n;
} memo_slot;

struct vg__route_memo {
    memo_slot slot[VG_SIGMA_ROUTE_MEMO];
    size_t used;
};

void vg__ctarget_init(vg__ctarget *t, vg_ruleset *rs)
{
    *t = (vg__ctarget){rs, &rs->arena, &rs->rules, &rs->regexes, NULL};
}

void vg__ctarget_done(vg__ctarget *t)
{
    free(t->memo);
    t->memo = NULL;
}

static size_t source_hash(const vg_rule *p)
{
    const char *part[3] = {p->product, p->category, p->service};
    uint32_t h = 2166136261u;
    for (int k = 0; k < 3; k++) {
        for (const char *s = part[k]; *s; s++)
            h = (h ^ (unsigned char)*s) * 16777619u;
        h = (h ^ 0x100u) * 16777619u; /* ends the part: ("ab", "") differs from ("a", "b") */
    }
    return h % VG_SIGMA_ROUTE_MEMO;
}

static int memo_match(const memo_slot *m, const vg_rule *p)
{
    return strcmp(m->product, p->product) == 0 && strcmp(m->category, p->category) == 0 &&
           strcmp(m->service, p->service) == 0;
}

/* The routes of the rule's log source in the profile, remembered in t (a full or missing memo
 * only costs the lookup). */
static int find_routes(vg__ctarget *t, vg__rule *r)
{
    if (!t->memo)
        t->memo = calloc(1, sizeof *t->memo);
    memo_slot *m = NULL;
    for (size_t i = source_hash(&r->pub), k = 0; t->memo && k < VG_SIGMA_ROUTE_MEMO; k++) {
        m = &t->memo->slot[(i + k) % VG_SIGMA_ROUTE_MEMO];
        if (!m->product)
            break;
        if (memo_match(m, &r->pub)) {
            r->routes = m->routes;
            r->n_routes = m->n;
            r->pub.routed = m->n > 0;
            return 0;
        }
        m = NULL;
    }
    const vg__route *routes[16];
    size_t n = vg__profile_routes(t->rs->profile, r->pub.product, r->pub.category, r->pub.service,
                                  routes, 16);
    const vg__route **keep = vg__arena_alloc(t->arena, (n + 1) * sizeof *keep);
    if (!keep)
        return VG_ERR_NOMEM;
    memcpy(keep, routes, n * sizeof *keep);
    r->routes = keep;
    r->n_routes = n;
    r->pub.routed = n > 0;
    if (m && t->memo->used < VG_SIGMA_ROUTE_MEMO / 2) {
        *m = (memo_slot){r->pub.product, r->pub.category, r->pub.service, keep, n};
        t->memo->used++;
    }
    return 0;
}

/* ---------------------------------------------------------------- documents */

static vg__rule *new_rule(vg__cctx *c, const vg__ynode *doc)
{
    vg__rule *r = vg__arena_alloc(c->t->arena, sizeof *r);
    if (!r)
        return NULL;
    r->pub.file = c->file;
    r->pub.line = doc->line;
    r->offset = doc->offset;
    r->pub.correlation_type = "";
    return r;
}

int vg__sigma_compile_doc(vg__ctarget *t, const vg__ynode *doc, const char *file, vg_diags *diags)
{
    vg__cctx c = {t->rs, t, file, diags, NULL, 0, doc ? doc->line : 1, NULL};
    if (!doc || doc->type != VG_Y_MAP)
        return cerr(&c, doc, VG_ERR_TYPE, "a Sigma document must be a map");
    const vg__ynode *idn = vg__yaml_get(doc, "id");
    c.rule_id = idn && idn->type == VG_Y_SCALAR ? idn->str : NULL;
    if (vg__yaml_get(doc, "action"))
        return cerr(&c, vg__yaml_get(doc, "action"), VG_ERR_UNSUPPORTED,
                    "'action' (rule collections) is a Sigma v1 feature removed in v2");
    vg__rule *r = new_rule(&c, doc);
    if (!r)
        return VG_ERR_NOMEM;
    r->pub.id = opt_scalar(&c, doc, "id");
    read_meta(&c, doc, &r->pub);
    const vg__ynode *det = vg__yaml_get(doc, "detection");
    const vg__ynode *filt = vg__yaml_get(doc, "filter");
    const vg__ynode *corr = vg__yaml_get(doc, "correlation");
    if (!c.failed) {
        if (corr) {
            r->pub.kind = VG_RULE_CORRELATION;
            compile_correlation(&c, corr, r);
        } else if (det) {
            r->pub.kind = VG_RULE_DETECTION;
            if (!vg__yaml_get(doc, "logsource"))
                cerr(&c, doc, VG_ERR_SYNTAX, "a rule needs a 'logsource'");
            else
                compile_detection(&c, det, r, "detection", NULL, 0);
        } else if (filt) {
            static const char *const skip[] = {"rules"};
            r->pub.kind = VG_RULE_FILTER;
            if (!vg__yaml_get(doc, "logsource"))
                cerr(&c, doc, VG_ERR_SYNTAX, "a filter needs a 'logsource'");
            else if (compile_detection(&c, filt, r, "filter", skip, 1) == 0)
                r->filter_targets =
                    (const char **)str_list(&c, filt, "rules", &r->n_filter_targets, 1);
        } else {
            cerr(&c, doc, VG_ERR_SYNTAX,
                 "not a Sigma rule: no 'detection', 'filter' or 'correlation' section");
        }
    }
    if (c.failed)
        return VG_ERR_SYNTAX;
    if (r->pub.kind != VG_RULE_CORRELATION && find_routes(t, r))
        return VG_ERR_NOMEM;
    vg__rule **slot = vg__vec_push(t->rules, sizeof *slot);
    if (!slot)
        return VG_ERR_NOMEM;
    r->pub.index = (uint32_t)(t->rules->len - 1);
    *slot = r;
    return 0;
}

/*
 * ruleset.c - the public Sigma ruleset: loading files and folders, finalizing, matching.
 *
 * Files are read whole and every YAML document in them compiled on its own, so one broken
 * rule costs only itself. Folders are walked recursively in sorted order (stable rule order
 * and diagnostics) and their files read and compiled by several threads (load.c). finalize indexes
 * rules by id and name, attaches each filter to the rules it names (or, when it names none, to the
 * rules with the same log source), and checks that correlations refer to loaded rules. Matching
 * walks every detection rule; speed comes later from an index that must give the same answers as
 * this walk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma.h"

vg_ruleset *vg_ruleset_new(const vg_attack *kb, const vg_profile *profile)
{
    vg_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs)
        return NULL;
    vg__arena_init(&rs->arena);
    pthread_mutex_init(&rs->index_lock, NULL);
    rs->kb = kb;
    rs->profile = profile;
    if (!profile) {
        if (vg_profile_load("both", &rs->own_profile, NULL)) {
            free(rs);
            return NULL;
        }
        rs->profile = rs->own_profile;
    }
    return rs;
}

static vg__rule *rule_at(const vg_ruleset *rs, size_t i)
{
    return ((vg__rule **)rs->rules.ptr)[i];
}

void vg_ruleset_free(vg_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->regexes.len; i++)
        pcre2_code_free(((pcre2_code **)rs->regexes.ptr)[i]);
    vg__vec_free(&rs->regexes);
    vg__index_free(rs->index);
    free(rs->cache_dir);
    pthread_mutex_destroy(&rs->index_lock);
    vg__vec_free(&rs->rules);
    vg__smap_free(&rs->by_id);
    vg_profile_free(rs->own_profile);
    vg__arena_free(&rs->arena);
    free(rs);
}

/* The documents of one file: a rule collection is rejected whole, the others compiled. */
static int compile_docs(vg__ctarget *t, const vg__ydocs *docs, const char *file, vg_diags *diags)
{
    /* A Sigma v1 rule collection (a document with 'action') makes the whole file one rule
     * spread over several documents; v2 removed collections, so every document is rejected
     * with that reason rather than as an incomplete rule. */
    const vg__ynode *action = NULL;
    for (size_t i = 0; i < docs->n && !action; i++)
        action = vg__yaml_get(docs->docs[i], "action");
    for (size_t i = 0; action && i < docs->n; i++) {
        const vg__ynode *doc = docs->docs[i];
        const vg__ynode *id = vg__yaml_get(doc, "id");
        if (doc)
            vg__diag_add(diags, VG_ERR_UNSUPPORTED, VG_SEV_ERROR, file, doc->line, doc->col,
                         doc->offset, id && id->type == VG_Y_SCALAR ? id->str : NULL,
                         "document %zu of a rule collection ('action: %s' at line %u): "
                         "collections are a Sigma v1 feature removed in v2",
                         i + 1, action->type == VG_Y_SCALAR ? action->str : "?", action->line);
    }
    if (action)
        return 0;
    /* documents before a syntax error are still compiled */
    for (size_t i = 0; i < docs->n; i++) {
        if (!docs->docs[i])
            continue;
        int rc = vg__sigma_compile_doc(t, docs->docs[i], file, diags);
        if (rc == VG_ERR_NOMEM)
            return rc;
    }
    return 0;
}

/* Compiled rules keep the scalars' text (titles, values, names) but no YAML node, except a
 * correlation's map (r->corr, which the risk engine reads). So the nodes, more than half of what
 * parsing allocates, go to an arena of their own that is freed after compiling, or kept with
 * the rules when the file holds a correlation. */
int vg__sigma_add_buffer(vg__ctarget *t, const char *buf, size_t len, const char *name,
                         vg_diags *diags)
{
    const char *file = vg__arena_strndup(t->arena, name, strlen(name));
    if (!file)
        return VG_ERR_NOMEM;
    vg__arena nodes;
    vg__arena_init(&nodes);
    vg__ydocs docs;
    vg__yaml_load_split(buf, len, file, &nodes, t->arena, &docs, diags);
    size_t first = t->rules->len;
    int rc = compile_docs(t, &docs, file, diags);
    int keep = 0;
    for (size_t i = first; i < t->rules->len; i++)
        keep |= ((vg__rule **)t->rules->ptr)[i]->corr != NULL;
    if (keep)
        vg__arena_adopt(t->arena, &nodes);
    else
        vg__arena_free(&nodes);
    return rc;
}

int vg_ruleset_add_buffer(vg_ruleset *rs, const char *buf, size_t len, const char *name,
                          vg_diags *diags)
{
    if (!rs || rs->finalized)
        return VG_ERR_INVAL;
    vg__ctarget t;
    vg__ctarget_init(&t, rs);
    int rc = vg__sigma_add_buffer(&t, buf, len, name, diags);
    vg__ctarget_done(&t);
    return rc;
}

extern const char vg__starter_start[];
extern const char vg__starter_end[];

int vg_ruleset_add_starter(vg_ruleset *rs, vg_diags *diags)
{
    return vg_ruleset_add_buffer(rs, vg__starter_start,
                                 (size_t)(vg__starter_end - vg__starter_start), "<starter rules>",
                                 diags);
}

static const vg__rule *lookup(const vg_ruleset *rs, const char *key)
{
    size_t it = 0;
    uint32_t v;
    if (key && *key && vg__smap_next(&rs->by_id, key, strlen(key), &it, &v))
        return rule_at(rs, v);
    return NULL;
}

static int attach_filter(vg_ruleset *rs, vg__rule *target, vg__rule *f)
{
    vg__rule **arr = vg__arena_alloc(&rs->arena, (target->n_filters + 1) * sizeof *arr);
    if (!arr)
        return VG_ERR_NOMEM;
    if (target->n_filters)
        memcpy(arr, target->filters, target->n_filters * sizeof *arr);
    arr[target->n_filters++] = f;
    target->filters = arr;
    return 0;
}

static int same_source(const vg_rule *a, const vg_rule *b)
{
    return strcmp(a->product, b->product) == 0 && strcmp(a->category, b->category) == 0 &&
           strcmp(a->service, b->service) == 0;
}

int vg_ruleset_finalize(vg_ruleset *rs, vg_diags *diags)
{
    if (!rs)
        return VG_ERR_INVAL;
    for (size_t i = 0; i < rs->rules.len; i++) {
        vg__rule *r = rule_at(rs, i);
        const char *keys[2] = {r->pub.id, r->pub.name};
        for (int k = 0; k < 2; k++) {
            if (!*keys[k])
                continue;
            const vg__rule *prev = lookup(rs, keys[k]);
            if (prev) {
                vg__diag_add(diags, VG_ERR_DUP, VG_SEV_WARNING, r->pub.file, r->pub.line, 1,
                             r->offset, keys[k],
                             "%s '%s' is also used by %s:%u; lookups find the first",
                             k ? "rule name" : "rule id", keys[k], prev->pub.file, prev->pub.line);
                continue;
            }
            if (vg__smap_add(&rs->by_id, keys[k], strlen(keys[k]), (uint32_t)i))
                return VG_ERR_NOMEM;
        }
    }
    for (size_t i = 0; i < rs->rules.len; i++) {
        vg__rule *f = rule_at(rs, i);
        if (f->pub.kind == VG_RULE_FILTER) {
            for (size_t t = 0; t < f->n_filter_targets; t++) {
                vg__rule *target = (vg__rule *)lookup(rs, f->filter_targets[t]);
                if (!target)
                    vg__diag_add(diags, VG_ERR_REF, VG_SEV_WARNING, f->pub.file, f->pub.line, 1,
                                 f->offset, f->pub.id,
                                 "filter names rule '%s', which is not loaded",
                                 f->filter_targets[t]);
                else if (attach_filter(rs, target, f))
                    return VG_ERR_NOMEM;
            }
            for (size_t k = 0; !f->n_filter_targets && k < rs->rules.len; k++) {
                vg__rule *target = rule_at(rs, k);
                if (target->pub.kind == VG_RULE_DETECTION && same_source(&target->pub, &f->pub) &&
                    attach_filter(rs, target, f))
                    return VG_ERR_NOMEM;
            }
        }
        if (f->pub.kind == VG_RULE_CORRELATION)
            for (size_t t = 0; t < f->n_corr_rules; t++)
                if (!lookup(rs, f->corr_rules[t]))
                    vg__diag_add(diags, VG_ERR_REF, VG_SEV_WARNING, f->pub.file, f->pub.line, 1,
                                 f->offset, f->pub.id,
                                 "correlation refers to rule '%s', which is not "
                                 "loaded",
                                 f->corr_rules[t]);
    }
    rs->finalized = 1;
    return 0;
}

size_t vg_ruleset_count(const vg_ruleset *rs)
{
    return rs ? rs->rules.len : 0;
}

const vg_rule *vg_ruleset_rule(const vg_ruleset *rs, size_t i)
{
    return rs && i < rs->rules.len ? &rule_at(rs, i)->pub : NULL;
}

const vg_rule *vg_ruleset_find(const vg_ruleset *rs, const char *id_or_name)
{
    const vg__rule *r = rs ? lookup(rs, id_or_name) : NULL;
    return r ? &r->pub : NULL;
}

vg_matcher *vg_matcher_new(const vg_ruleset *rs)
{
    vg_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->rs = rs;
    m->md = pcre2_match_data_create(1, NULL);
    if (!m->md) {
        vg_matcher_free(m);
        return NULL;
    }
    return m;
}

void vg_matcher_free(vg_matcher *m)
{
    if (!m)
        return;
    pcre2_match_data_free(m->md);
    vg__mscratch_free(m->scratch);
    free(m);
}

int vg_matcher_set_exact(vg_matcher *m, int exact)
{
    if (!m)
        return VG_ERR_INVAL;
    m->exact = exact != 0;
    return 0;
}

int vg_ruleset_set_cache_dir(vg_ruleset *rs, const char *dir)
{
    if (!rs || rs->index_built)
        return VG_ERR_INVAL;
    free(rs->cache_dir);
    rs->cache_dir = dir ? strdup(dir) : NULL;
    return dir && !rs->cache_dir ? VG_ERR_NOMEM : 0;
}

/* The index is a cache of the immutable ruleset, built by the first matcher that needs it and
 * shared by all; a matcher that only tests single rules never builds it. Without it (out of
 * memory in the pattern compiler) every rule is evaluated, with the same answers. */
static int use_index(vg_matcher *m)
{
    if (!m->index_tried) {
        m->index_tried = 1;
        if (vg__index_get((vg_ruleset *)m->rs, &m->index) || !m->index ||
            !(m->scratch = vg__mscratch_new(m->index)))
            m->index = NULL;
    }
    return m->index != NULL;
}

int vg_matcher_run(vg_matcher *m, const vg_event *ev, vg_match_fn fn, void *ud)
{
    if (!m->exact && use_index(m))
        return vg__index_run(m->index, m->scratch, ev, m->md, fn, ud);
    int n = 0;
    for (size_t i = 0; i < m->rs->rules.len; i++) {
        const vg__rule *r = rule_at(m->rs, i);
        if (r->pub.kind != VG_RULE_DETECTION || !vg__rule_eval(r, ev, m->md, NULL))
            continue;
        n++;
        if (fn && fn(&r->pub, ud))
            break;
    }
    return n;
}

int vg_matcher_test(vg_matcher *m, const vg_rule *rule, const vg_event *ev, char **why)
{
    if (!m || !rule || rule->index >= m->rs->rules.len)
        return VG_ERR_INVAL;
    const vg__rule *r = rule_at(m->rs, rule->index);
    if (r->pub.kind == VG_RULE_CORRELATION)
        return VG_ERR_UNSUPPORTED;
    vg__buf b;
    vg__buf_init(&b);
    int hit = vg__rule_eval(r, ev, m->md, why ? &b : NULL);
    if (why) {
        *why = vg__buf_take(&b, NULL);
        if (!*why)
            return VG_ERR_NOMEM;
    }
    return hit;
}

const char *vg_level_name(vg_level l)
{
    static const char *const n[] = {"", "informational", "low", "medium", "high", "critical"};
    return (unsigned)l < VG_ARRAY_LEN(n) ? n[l] : "";
}

/*
 * test_load.c - loading rule folders with several threads gives exactly what one thread gives.
 *
 * vg_ruleset_add_path reads and compiles a folder's files in parallel (src/sigma/load.c) and
 * merges the threads' results in file order. Each test loads the same folders once with one
 * thread (file after file, straight into the ruleset) and again with 2, 3 and 8, and compares a
 * full text rendering of both: every rule in order with its index, file, line, byte offset,
 * metadata, resolved and unresolved tags, routes, filters, correlation references and map (the
 * YAML nodes kept for it while the others are freed), condition tree and every item and value
 * as compiled, then every diagnostic (code, severity, file, line, column, offset, rule id,
 * message) in order. The folders: the golden fixtures (argv[1], tests/golden/data/sigma: valid
 * rules, one error per document in errors/, warnings, correlations), a tree made here (nested
 * and linked folders, a dangling link, hidden and non-rule files, a file with a syntax error
 * after good documents, a rule collection, a duplicate id, 60 small files so that the threads
 * interleave), and the whole shared SigmaHQ corpus when ../shared is there (VG_SHARED; skipped
 * with a message otherwise). The routes each rule got through the loader's log-source memo are
 * checked against the profile asked directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sigma/sigma.h"

static const char *fixtures = "tests/golden/data/sigma";
static vg_attack *kb;

/* ---------------------------------------------------------------- rendering */

static void list(FILE *f, const char *key, const char *const *l, size_t n)
{
    fprintf(f, " %s=[", key);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? "|" : "", l[i]);
    fputc(']', f);
}

static void objs(FILE *f, const char *key, const vg_attack_obj *const *o, size_t n)
{
    fprintf(f, " %s=[", key);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s,", o[i]->attack_id);
    fputc(']', f);
}

static void cond(FILE *f, const vg__cnode *c)
{
    if (!c) {
        fputs("nil", f);
        return;
    }
    fprintf(f, "(%d r%u n%u", c->op, c->ref, c->count);
    for (size_t i = 0; i < c->n_refs; i++)
        fprintf(f, " %u", c->refs[i]);
    if (c->a) {
        fputc(' ', f);
        cond(f, c->a);
    }
    if (c->b) {
        fputc(' ', f);
        cond(f, c->b);
    }
    fputc(')', f);
}

/* A YAML subtree (a correlation's map, kept with the rule for the risk engine). */
static void ynode(FILE *f, const vg__ynode *n, int depth)
{
    if (!n || depth > 8)
        return;
    fprintf(f, " <%d %u:%u %s", n->type, n->line, n->col, n->type == VG_Y_SCALAR ? n->str : "");
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys)
            fprintf(f, " %s=", n->keys[i]->str);
        ynode(f, n->items[i], depth + 1);
    }
    fputc('>', f);
}

static void item(FILE *f, const vg__item *it)
{
    fprintf(f, "  field=%.*s mods=%s all=%d neq=%d exists=%d at=%u:%u\n", (int)it->flen,
            it->field ? it->field : "", it->mods, it->all, it->neq, it->exists, it->line, it->col);
    for (size_t v = 0; v < it->n; v++) {
        const vg__value *x = &it->vals[v];
        fprintf(f, "   g%u k%d cmp%d tp%d pat=%d/%d/", x->group, x->kind, x->cmp, x->timepart,
                x->pat.kind, x->pat.cased);
        fwrite(x->pat.text ? x->pat.text : "", 1, x->pat.len, f);
        fprintf(f, " re=%d num=%.17g ip=%d/%d/", x->re != NULL, x->num, x->family, x->prefix);
        for (int i = 0; i < 16; i++)
            fprintf(f, "%02x", x->ip[i]);
        fprintf(f, " src=%s\n", x->source ? x->source : "");
    }
}

static void rule(FILE *f, const vg__rule *r)
{
    const vg_rule *p = &r->pub;
    fprintf(f, "rule %u kind=%d file=%s line=%u offset=%llu id=%s name=%s title=%s status=%s",
            p->index, p->kind, p->file, p->line, (unsigned long long)r->offset, p->id, p->name,
            p->title, p->status);
    fprintf(f, " description=%s author=%s date=%s modified=%s level=%d", p->description, p->author,
            p->date, p->modified, p->level);
    fprintf(f, " logsource=%s/%s/%s routed=%d correlation=%s", p->product, p->category, p->service,
            p->routed, p->correlation_type);
    list(f, "tags", p->tags, p->n_tags);
    objs(f, "tactics", p->tactics, p->n_tactics);
    objs(f, "techniques", p->techniques, p->n_techniques);
    list(f, "unresolved", p->unresolved_tags, p->n_unresolved);
    list(f, "references", p->references, p->n_references);
    list(f, "falsepositives", p->falsepositives, p->n_falsepositives);
    list(f, "fields", p->fields, p->n_fields);
    fputs("\n routes=", f);
    for (size_t k = 0; k < r->n_routes; k++)
        fprintf(f, "%s/%zu/%zu,", r->routes[k]->label, r->routes[k]->n_conds, r->routes[k]->n_map);
    fputs(" filters=", f);
    for (size_t k = 0; k < r->n_filters; k++)
        fprintf(f, "%u,", r->filters[k]->pub.index);
    list(f, "targets", r->filter_targets, r->n_filter_targets);
    list(f, "correlated", r->corr_rules, r->n_corr_rules);
    fputs(" correlation=", f);
    ynode(f, r->corr, 0);
    fputs("\n cond=", f);
    cond(f, r->cond);
    fputc('\n', f);
    for (size_t s = 0; s < r->n_searches; s++) {
        fprintf(f, " search %s\n", r->searches[s].name);
        for (size_t m = 0; m < r->searches[s].n; m++) {
            fprintf(f, "  map %zu\n", m);
            for (size_t i = 0; i < r->searches[s].maps[m].n; i++)
                item(f, &r->searches[s].maps[m].items[i]);
        }
    }
}

/* Everything a load produced, as text. Caller frees. */
static char *render(const vg_ruleset *rs, const vg_diags *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    fprintf(f, "%zu rules, %zu regexes\n", vg_ruleset_count(rs), rs->regexes.len);
    for (size_t i = 0; i < vg_ruleset_count(rs); i++) {
        const vg__rule *r = ((vg__rule **)rs->rules.ptr)[i];
        assert_int_equal(r->pub.index, i);
        assert_ptr_equal(vg_ruleset_rule(rs, i), &r->pub);
        rule(f, r);
    }
    for (size_t i = 0; i < vg_diags_count(d); i++) {
        const vg_diag *g = vg_diags_get(d, i);
        fprintf(f, "diag %d %d %s:%u:%u offset=%llu object=%s: %s\n", g->code, g->severity,
                g->file ? g->file : "(none)", g->line, g->col, (unsigned long long)g->offset,
                g->object ? g->object : "(none)", g->message);
    }
    fclose(f);
    return text;
}

/* ---------------------------------------------------------------- loading */

typedef struct loaded {
    vg_ruleset *rs;
    vg_diags *d;
    char *text;
} loaded;

static loaded load(int threads, const char *placeholders, const char *const *paths, size_t n)
{
    loaded l = {vg_ruleset_new(kb, NULL), vg_diags_new(), NULL};
    assert_non_null(l.rs);
    assert_non_null(l.d);
    assert_int_equal(vg_ruleset_set_load_threads(l.rs, threads), 0);
    if (placeholders)
        assert_int_equal(vg_ruleset_load_placeholders(l.rs, placeholders, l.d), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(vg_ruleset_add_path(l.rs, paths[i], l.d), 0);
    assert_int_equal(vg_ruleset_finalize(l.rs, l.d), 0);
    l.text = render(l.rs, l.d);
    return l;
}

static void unload(loaded *l)
{
    free(l->text);
    vg_diags_free(l->d);
    vg_ruleset_free(l->rs);
}

/* Report the first differing line rather than two whole renderings. */
static void same_text(const char *a, const char *b, int threads)
{
    size_t line = 1, start = 0, i = 0;
    for (; a[i] && a[i] == b[i]; i++)
        if (a[i] == '\n') {
            line++;
            start = i + 1;
        }
    if (a[i] == b[i])
        return;
    const char *ea = strchr(a + start, '\n'), *eb = strchr(b + start, '\n');
    print_error("%d threads differ at line %zu:\n  1: %.*s\n  %d: %.*s\n", threads, line,
                (int)(ea ? ea - (a + start) : (ptrdiff_t)strlen(a + start)), a + start, threads,
                (int)(eb ? eb - (b + start) : (ptrdiff_t)strlen(b + start)), b + start);
    fail();
}

/* The routes through the loader's memo are the profile's for that log source. */
static void routes_as_profile(const vg_ruleset *rs)
{
    for (size_t i = 0; i < vg_ruleset_count(rs); i++) {
        const vg__rule *r = ((vg__rule **)rs->rules.ptr)[i];
        if (r->pub.kind == VG_RULE_CORRELATION)
            continue;
        const vg__route *want[16];
        size_t n = vg__profile_routes(rs->profile, r->pub.product, r->pub.category, r->pub.service,
                                      want, 16);
        assert_int_equal(r->n_routes, n);
        for (size_t k = 0; k < n; k++)
            assert_ptr_equal(r->routes[k], want[k]);
    }
}

/* Load with 1 thread and with 2, 3 and 8; all must render the same. Returns the 1-thread load. */
static loaded same_for_all_counts(const char *placeholders, const char *const *paths, size_t n)
{
    loaded one = load(1, placeholders, paths, n);
    static const int counts[] = {2, 3, 8, 0};
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
        loaded many = load(counts[k], placeholders, paths, n);
        same_text(one.text, many.text, counts[k]);
        routes_as_profile(many.rs);
        unload(&many);
    }
    routes_as_profile(one.rs);
    return one;
}

/* ---------------------------------------------------------------- tests */

static void test_fixtures(void **state)
{
    (void)state;
    const char *paths[] = {fixtures};
    loaded l = same_for_all_counts(NULL, paths, 1);
    /* the folder has both: rules that load and documents that are rejected */
    assert_true(vg_ruleset_count(l.rs) > 50);
    assert_true(vg_diags_count_at(l.d, VG_SEV_ERROR) > 50);
    assert_true(vg_diags_count_at(l.d, VG_SEV_WARNING) > vg_diags_count_at(l.d, VG_SEV_ERROR));
    unload(&l);

    /* with placeholders, several paths (a folder, a file, a folder again) in one ruleset */
    char ph[4096], errors[4096], one[4096];
    snprintf(ph, sizeof ph, "%s/placeholders.yml", fixtures);
    snprintf(errors, sizeof errors, "%s/errors", fixtures);
    snprintf(one, sizeof one, "%s/errors/yaml-syntax.yml", fixtures);
    const char *more[] = {errors, one, fixtures};
    l = same_for_all_counts(ph, more, 3);
    unload(&l);
}

static void put(const char *dir, const char *name, const char *text)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char rule_fmt[] = "title: rule %d\n"
                               "id: %s\n"
                               "logsource: {product: windows, category: %s}\n"
                               "tags: [attack.execution, attack.t1059.001, attack.t9999]\n"
                               "detection:\n"
                               "  sel:\n"
                               "    CommandLine|contains: 'word%d'\n"
                               "    Image|re: '.*\\\\cmd%d\\.exe'\n"
                               "  condition: %s\n"
                               "level: %s\n";

static void test_tree(void **state)
{
    (void)state;
    char root[] = "/tmp/vigil-test-load.XXXXXX";
    assert_non_null(mkdtemp(root));
    char sub[4200], deep[4200], link[4200], cmd[4300];
    snprintf(sub, sizeof sub, "%s/b-sub", root);
    snprintf(deep, sizeof deep, "%s/b-sub/deeper", root);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(mkdir(deep, 0755), 0);
    static const char *const cats[] = {"process_creation", "network_connection", "image_load",
                                       "nonexistent"};
    for (int i = 0; i < 60; i++) {
        char name[64], text[1024], id[64];
        /* every seventh rule broken (bad condition), every fifth a duplicate id */
        snprintf(id, sizeof id, "00000000-0000-0000-0000-%012d", i % 5 ? i : 5);
        snprintf(text, sizeof text, rule_fmt, i, id, cats[i % 4], i, i, i % 7 ? "sel" : "sel and (",
                 i % 3 ? "high" : "critical");
        snprintf(name, sizeof name, "r%02d.yml", i);
        put(i % 3 == 0 ? root : i % 3 == 1 ? sub : deep, name, text);
    }
    char two[1024], bad[4096];
    snprintf(two, sizeof two, rule_fmt, 100, "a", "process_creation", 1, 1, "sel", "low");
    snprintf(bad, sizeof bad, "---\n%s---\n%s---\ntitle: [unclosed\n---\n%s", two, two, two);
    put(root, "a-docs.yaml", bad);
    put(root, "a-collection.yml", "action: global\ntitle: t\n---\ntitle: u\n");
    put(root, "README.md", "not a rule\n");
    put(root, ".hidden.yml", "title: [never read\n");
    put(sub, "empty.yml", "");
    snprintf(cmd, sizeof cmd, "%s/c-dangling.yml", root);
    assert_int_equal(symlink("/nonexistent/vigil/rule.yml", cmd), 0);
    snprintf(link, sizeof link, "%s/c-linked", root);
    assert_int_equal(symlink(sub, link), 0); /* a folder reached through a link */
    const char *paths[] = {root};
    loaded l = same_for_all_counts(NULL, paths, 1);
    /* 51 of the 60 rules compile (every seventh is broken), 34 again through the link, and the
     * two documents before the syntax error */
    assert_int_equal(vg_ruleset_count(l.rs), 51 + 34 + 2);
    int dangling = 0, syntax = 0, dup = 0;
    for (size_t i = 0; i < vg_diags_count(l.d); i++) {
        const char *m = vg_diags_get(l.d, i)->message;
        dangling += strstr(m, "cannot read") != NULL;
        syntax += strstr(m, "YAML syntax") != NULL;
        dup += strstr(m, "is also used by") != NULL;
    }
    assert_int_equal(dangling, 1);
    assert_int_equal(syntax, 1);
    assert_true(dup > 0);
    unload(&l);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static void test_shared_corpus(void **state)
{
    (void)state;
    const char *dir = getenv("VG_SHARED");
    char base[4096];
    snprintf(base, sizeof base, "%s/sigma", dir && *dir ? dir : "../shared");
    static const char *const folders[] = {
        "rules",      "rules-emerging-threats", "rules-threat-hunting", "rules-compliance",
        "rules-dfir", "rules-placeholder",      "deprecated",           "unsupported"};
    char paths[8][4200];
    const char *p[8];
    struct stat st;
    for (size_t i = 0; i < 8; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%s", base, folders[i]);
        p[i] = paths[i];
        if (stat(paths[i], &st) != 0) {
            print_message("shared data not found at %s, skipping\n", paths[i]);
            skip();
        }
    }
    loaded one = load(1, NULL, p, 8);
    loaded two = load(2, NULL, p, 8);
    same_text(one.text, two.text, 2);
    routes_as_profile(two.rs);
    assert_true(vg_ruleset_count(one.rs) > 3000);
    unload(&one);
    unload(&two);
}

static void test_api(void **state)
{
    (void)state;
    vg_ruleset *rs = vg_ruleset_new(NULL, NULL);
    assert_int_equal(vg_ruleset_set_load_threads(rs, -1), VG_ERR_INVAL);
    assert_int_equal(vg_ruleset_set_load_threads(NULL, 2), VG_ERR_INVAL);
    assert_int_equal(vg_ruleset_set_load_threads(rs, 64), 0); /* capped, not refused */
    vg_diags *d = vg_diags_new();
    assert_int_equal(vg_ruleset_add_path(rs, "/nonexistent/vigil", d), VG_ERR_NOENT);
    assert_int_equal(vg_ruleset_add_path(rs, fixtures, d), 0);
    size_t n = vg_ruleset_count(rs);
    assert_true(n > 0);
    assert_int_equal(vg_ruleset_finalize(rs, d), 0);
    /* a finalized ruleset takes no more files, in parallel or not */
    assert_int_equal(vg_ruleset_add_path(rs, fixtures, d), VG_ERR_INVAL);
    assert_int_equal(vg_ruleset_count(rs), n);
    vg_diags_free(d);
    vg_ruleset_free(rs);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        fixtures = argv[1];
    kb = vg_attack_new();
    if (!kb || vg_attack_load_embedded(kb, NULL) || vg_attack_finalize(kb, NULL))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_shared_corpus),
        cmocka_unit_test(test_api),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    vg_attack_free(kb);
    return rc;
}

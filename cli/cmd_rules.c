/*
 * cmd_rules.c - `vigil rules check` and `vigil rules test`: the detection engineer's loop.
 *
 * check compiles files and folders of Sigma rules and reports, per file, ok or each problem
 * with its position and a caret, then a summary by kind, status, level, log source and ATT&CK
 * tactic; it exits 1 when any rule was rejected. test evaluates rules on JSON-lines events and
 * shows, for each event, whether each rule matched and which branch, search identifiers,
 * fields and values decided it.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cli.h"

typedef struct rules_opts {
    const char *paths[256];
    int n_paths;
    const char *profile;
    const char *placeholders;
    const char *on;
    int verbose;
} rules_opts;

static int parse_rules_args(int argc, char **argv, const char *cmd, rules_opts *ro)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0) {
            cli_help(cmd, stdout);
            return -2;
        } else if ((strcmp(a, "--profile") == 0 || strcmp(a, "-p") == 0) && v) {
            ro->profile = argv[++i];
        } else if (strcmp(a, "--placeholders") == 0 && v) {
            ro->placeholders = argv[++i];
        } else if (strcmp(a, "--on") == 0 && v) {
            ro->on = argv[++i];
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            ro->verbose = 1;
        } else if (a[0] == '-' && a[1]) {
            cli_usage_error(cmd, "bad option '%s'%s", a, v ? "" : " (or it needs a value)");
            return -1;
        } else if (ro->n_paths < 256) {
            ro->paths[ro->n_paths++] = a;
        }
    }
    if (!ro->n_paths) {
        cli_usage_error(cmd, "give at least one rule file or folder");
        return -1;
    }
    return 0;
}

/* Load profile, placeholders and rules. Diagnostics go to d. */
static vg_ruleset *load_rules(const rules_opts *ro, const vg_attack *kb, vg_profile **prof,
                              vg_diags *d)
{
    *prof = NULL;
    if (vg_profile_load(ro->profile ? ro->profile : "both", prof, d))
        return NULL;
    vg_ruleset *rs = vg_ruleset_new(kb, *prof);
    if (!rs)
        return NULL;
    if (ro->placeholders && vg_ruleset_load_placeholders(rs, ro->placeholders, d)) {
        vg_ruleset_free(rs);
        return NULL;
    }
    for (int i = 0; i < ro->n_paths; i++)
        vg_ruleset_add_path(rs, ro->paths[i], d);
    vg_ruleset_finalize(rs, d);
    return rs;
}

/* ---------------------------------------------------------------- check */

typedef struct counter {
    const char *key[512];
    size_t n[512];
    size_t len;
} counter;

static void count(counter *c, const char *k)
{
    for (size_t i = 0; i < c->len; i++)
        if (strcmp(c->key[i], k) == 0) {
            c->n[i]++;
            return;
        }
    if (c->len < 512) {
        c->key[c->len] = k;
        c->n[c->len++] = 1;
    }
}

static void print_counter(const char *title, counter *c, size_t top)
{
    /* sort by count, then name */
    for (size_t i = 1; i < c->len; i++)
        for (size_t k = i;
             k > 0 && (c->n[k] > c->n[k - 1] ||
                       (c->n[k] == c->n[k - 1] && strcmp(c->key[k], c->key[k - 1]) < 0));
             k--) {
            const char *tk = c->key[k];
            size_t tn = c->n[k];
            c->key[k] = c->key[k - 1];
            c->n[k] = c->n[k - 1];
            c->key[k - 1] = tk;
            c->n[k - 1] = tn;
        }
    printf("%s:\n", title);
    for (size_t i = 0; i < c->len && i < top; i++)
        printf("  %-44s %6zu\n", c->key[i], c->n[i]);
    if (c->len > top)
        printf("  (%zu more)\n", c->len - top);
}

static void json_counter(jw *w, const char *key, const counter *c)
{
    jw_key(w, key);
    jw_obj(w);
    for (size_t i = 0; i < c->len; i++)
        jw_kint(w, c->key[i], (long long)c->n[i]);
    jw_end(w, '}');
}

static const char *kind_name(vg_rule_kind k)
{
    return k == VG_RULE_FILTER ? "filter" : k == VG_RULE_CORRELATION ? "correlation" : "detection";
}

/* Files seen: from the rules and from the diagnostics, in first-seen order. */
typedef struct filestat {
    const char *file;
    size_t rules, errors, warnings;
} filestat;

static filestat *file_slot(filestat *fs, size_t *n, size_t cap, const char *file)
{
    for (size_t i = *n; i-- > 0;)
        if (strcmp(fs[i].file, file) == 0)
            return &fs[i];
    if (*n >= cap)
        return NULL;
    fs[*n] = (filestat){file, 0, 0, 0};
    return &fs[(*n)++];
}

static int rules_check(const rules_opts *ro, const cli_opts *o)
{
    cli_opts q = *o;
    q.quiet = 1;
    vg_attack *kb = cli_load_attack(&q);
    vg_diags *d = vg_diags_new();
    vg_profile *prof = NULL;
    vg_ruleset *rs = kb && d ? load_rules(ro, kb, &prof, d) : NULL;
    if (!rs) {
        cli_print_diags(d, stderr, 0);
        vg_profile_free(prof);
        vg_diags_free(d);
        vg_attack_free(kb);
        return EXIT_INPUT;
    }
    /* what only planning the correlations finds: reference cycles and what depends on them */
    vg_correlator *corr = NULL;
    if (vg_correlator_new(rs, &corr, d) == 0)
        vg_correlator_free(corr);
    size_t cap = vg_ruleset_count(rs) + vg_diags_count(d) + 1, nf = 0;
    filestat *fs = calloc(cap, sizeof *fs);
    counter kinds = {0}, status = {0}, level = {0}, source = {0}, tactic = {0};
    size_t unrouted = 0, unresolved = 0;
    char(*srcbuf)[160] = calloc(vg_ruleset_count(rs) + 1, sizeof *srcbuf);
    for (size_t i = 0; fs && srcbuf && i < vg_ruleset_count(rs); i++) {
        const vg_rule *r = vg_ruleset_rule(rs, i);
        filestat *f = file_slot(fs, &nf, cap, r->file);
        if (f)
            f->rules++;
        count(&kinds, kind_name(r->kind));
        count(&status, *r->status ? r->status : "(none)");
        count(&level, *vg_level_name(r->level) ? vg_level_name(r->level) : "(none)");
        snprintf(srcbuf[i], sizeof srcbuf[i], "%s/%s/%s", *r->product ? r->product : "-",
                 *r->category ? r->category : "-", *r->service ? r->service : "-");
        if (r->kind != VG_RULE_CORRELATION)
            count(&source, srcbuf[i]);
        for (size_t t = 0; t < r->n_tactics; t++)
            count(&tactic, r->tactics[t]->shortname);
        unrouted += r->kind == VG_RULE_DETECTION && !r->routed;
        unresolved += r->n_unresolved;
    }
    size_t errors = 0, warnings = 0;
    for (size_t i = 0; fs && i < vg_diags_count(d); i++) {
        const vg_diag *g = vg_diags_get(d, i);
        filestat *f = g->file ? file_slot(fs, &nf, cap, g->file) : NULL;
        if (g->severity == VG_SEV_ERROR) {
            errors++;
            if (f)
                f->errors++;
        } else {
            warnings++;
            if (f)
                f->warnings++;
        }
    }
    if (o->json) {
        jw w;
        jw_init(&w, stdout);
        jw_obj(&w);
        jw_kstr(&w, "profile", vg_profile_name(prof));
        jw_key(&w, "files");
        jw_arr(&w);
        for (size_t i = 0; i < nf; i++) {
            jw_obj(&w);
            jw_kstr(&w, "file", fs[i].file);
            jw_kstr(&w, "status", fs[i].errors ? "error" : "ok");
            jw_kint(&w, "rules", (long long)fs[i].rules);
            jw_kint(&w, "errors", (long long)fs[i].errors);
            jw_kint(&w, "warnings", (long long)fs[i].warnings);
            jw_end(&w, '}');
        }
        jw_end(&w, ']');
        jw_key(&w, "diagnostics");
        jw_arr(&w);
        for (size_t i = 0; i < vg_diags_count(d); i++) {
            const vg_diag *g = vg_diags_get(d, i);
            jw_obj(&w);
            jw_kstr(&w, "severity", g->severity == VG_SEV_ERROR ? "error" : "warning");
            jw_kstr(&w, "file", g->file ? g->file : "");
            jw_kint(&w, "line", g->line);
            jw_kint(&w, "col", g->col);
            jw_kstr(&w, "rule_id", g->object ? g->object : "");
            jw_kstr(&w, "code", vg_errname(g->code));
            jw_kstr(&w, "message", g->message);
            jw_end(&w, '}');
        }
        jw_end(&w, ']');
        jw_key(&w, "summary");
        jw_obj(&w);
        jw_kint(&w, "rules", (long long)vg_ruleset_count(rs));
        jw_kint(&w, "errors", (long long)errors);
        jw_kint(&w, "warnings", (long long)warnings);
        jw_kint(&w, "unrouted", (long long)unrouted);
        jw_kint(&w, "unresolved_tags", (long long)unresolved);
        json_counter(&w, "kinds", &kinds);
        json_counter(&w, "status", &status);
        json_counter(&w, "level", &level);
        json_counter(&w, "logsource", &source);
        json_counter(&w, "tactics", &tactic);
        jw_end(&w, '}');
        jw_end(&w, '}');
    } else {
        vg_diags *shown = d;
        cli_print_diags(shown, stdout, o->color);
        for (size_t i = 0; ro->verbose && i < nf; i++)
            if (!fs[i].errors)
                printf("ok  %s (%zu rule%s)\n", fs[i].file, fs[i].rules,
                       fs[i].rules == 1 ? "" : "s");
        size_t bad_files = 0;
        for (size_t i = 0; i < nf; i++)
            bad_files += fs[i].errors > 0;
        printf("\n%zu file%s: %zu ok, %zu with errors; %zu rules compiled, %zu rejected, %zu "
               "warnings (profile %s)\n",
               nf, nf == 1 ? "" : "s", nf - bad_files, bad_files, vg_ruleset_count(rs), errors,
               warnings, vg_profile_name(prof));
        if (unrouted)
            printf("%zu detection rule%s use a log source the profile does not route; they "
                   "never match\n",
                   unrouted, unrouted == 1 ? "" : "s");
        if (unresolved)
            printf("%zu ATT&CK tag%s not in %s (see the warnings)\n", unresolved,
                   unresolved == 1 ? " is" : "s are", vg_attack_version(kb));
        printf("\n");
        print_counter("by kind", &kinds, 10);
        print_counter("by status", &status, 10);
        print_counter("by level", &level, 10);
        print_counter("by log source (product/category/service)", &source, 15);
        print_counter("by ATT&CK tactic", &tactic, 20);
    }
    free(fs);
    free(srcbuf);
    vg_ruleset_free(rs);
    vg_profile_free(prof);
    vg_diags_free(d);
    vg_attack_free(kb);
    return errors ? EXIT_FINDINGS : EXIT_OK;
}

/* ---------------------------------------------------------------- test */

static int rules_test(const rules_opts *ro, const cli_opts *o)
{
    if (!ro->on) {
        cli_usage_error("rules test", "give the events with --on FILE (JSON lines, - for stdin)");
        return EXIT_USAGE;
    }
    cli_opts q = *o;
    q.quiet = 1;
    vg_attack *kb = cli_load_attack(&q);
    vg_diags *d = vg_diags_new();
    vg_profile *prof = NULL;
    vg_ruleset *rs = kb && d ? load_rules(ro, kb, &prof, d) : NULL;
    if (rs)
        cli_print_diags(d, stderr, 0);
    if (!rs || !vg_ruleset_count(rs)) {
        if (!rs)
            cli_print_diags(d, stderr, 0);
        fprintf(stderr, "vigil: no rule compiled\n");
        vg_ruleset_free(rs);
        vg_profile_free(prof);
        vg_diags_free(d);
        vg_attack_free(kb);
        return EXIT_INPUT;
    }
    FILE *in = strcmp(ro->on, "-") == 0 ? stdin : fopen(ro->on, "rb");
    if (!in) {
        fprintf(stderr, "vigil: %s: cannot open\n", ro->on);
        vg_ruleset_free(rs);
        vg_profile_free(prof);
        vg_diags_free(d);
        vg_attack_free(kb);
        return EXIT_INPUT;
    }
    vg_event *ev = vg_event_new();
    vg_matcher *m = vg_matcher_new(rs);
    char *line = NULL;
    size_t cap = 0, lineno = 0, events = 0, matches = 0, bad = 0;
    ssize_t len;
    jw w;
    jw_init(&w, stdout);
    if (o->json) {
        jw_obj(&w);
        jw_key(&w, "results");
        jw_arr(&w);
    }
    while ((len = getline(&line, &cap, in)) >= 0) {
        lineno++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (!len)
            continue;
        size_t off = 0;
        char err[160];
        if (vg_event_from_json(ev, line, (size_t)len, VG_JSON_AUTO, &off, err, sizeof err)) {
            fflush(stdout); /* keep the warning in place among the results */
            fprintf(stderr, "%s:%zu:%zu: warning: skipped line: %s\n", ro->on, lineno, off + 1,
                    err);
            bad++;
            continue;
        }
        events++;
        for (size_t i = 0; i < vg_ruleset_count(rs); i++) {
            const vg_rule *r = vg_ruleset_rule(rs, i);
            if (r->kind != VG_RULE_DETECTION)
                continue;
            char *why = NULL;
            int hit = vg_matcher_test(m, r, ev, &why);
            matches += hit == 1;
            if (o->json) {
                jw_obj(&w);
                jw_kint(&w, "line", (long long)lineno);
                jw_kstr(&w, "rule_id", r->id);
                jw_kstr(&w, "title", r->title);
                jw_key(&w, "match");
                jw_bool(&w, hit == 1);
                jw_kstr(&w, "explanation", why ? why : "");
                jw_end(&w, '}');
            } else if (hit == 1 || ro->verbose) {
                printf("%s:%zu: %s %s (%s)\n%s", ro->on, lineno, hit == 1 ? "MATCH" : "no match",
                       r->title, r->id, why ? why : "");
            }
            free(why);
        }
    }
    if (o->json) {
        jw_end(&w, ']');
        jw_kint(&w, "events", (long long)events);
        jw_kint(&w, "matches", (long long)matches);
        jw_kint(&w, "skipped_lines", (long long)bad);
        jw_end(&w, '}');
    } else {
        printf("%zu event%s, %zu match%s, %zu line%s skipped\n", events, events == 1 ? "" : "s",
               matches, matches == 1 ? "" : "es", bad, bad == 1 ? "" : "s");
    }
    free(line);
    if (in != stdin)
        fclose(in);
    vg_matcher_free(m);
    vg_event_free(ev);
    vg_ruleset_free(rs);
    vg_profile_free(prof);
    vg_diags_free(d);
    vg_attack_free(kb);
    return EXIT_OK;
}

int cmd_rules(int argc, char **argv, cli_opts *o)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        cli_help("rules", argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    rules_opts ro = {0};
    int check = strcmp(argv[1], "check") == 0, test = strcmp(argv[1], "test") == 0;
    if (!check && !test) {
        cli_usage_error("rules", "unknown rules command '%s'", argv[1]);
        return EXIT_USAGE;
    }
    int rc = parse_rules_args(argc, argv, check ? "rules check" : "rules test", &ro);
    if (rc)
        return rc == -2 ? EXIT_OK : EXIT_USAGE;
    return check ? rules_check(&ro, o) : rules_test(&ro, o);
}

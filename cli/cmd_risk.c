/*
 * cmd_risk.c - `vigil risk`, `vigil risk show`, `vigil risk correlate` and `vigil notables`:
 * risk-based alerting on the command line.
 *
 * `vigil risk --db F` scores the store's new matches into risk events (and the new matches of
 * Sigma correlations given with -r), evaluates the incident rules over the whole risk index,
 * records the notables and prints them with their score arithmetic and timeline.
 * `--risk-events FILE` runs the incident rules over risk events written as JSON lines instead
 * (no store: for replaying and testing scenarios). `vigil risk show OBJECT` prints one
 * object's risk timeline; `vigil risk correlate -r RULES PATH...` evaluates correlation rules
 * directly over event files; `vigil notables` lists what the store holds. docs/risk.md.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

typedef struct risk_opts {
    const char *db, *assets, *identities, *config, *irules, *events_file;
    const char *rules[64];
    int n_rules;
    const char *paths[64];
    int n_paths;
    size_t max_events;
} risk_opts;

static int parse(int argc, char **argv, int first, const char *cmd, risk_opts *r)
{
    r->max_events = 100;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (strcmp(a, name) == 0 && v && (++i, 1))
        if (strcmp(a, "--help") == 0) {
            cli_help(cmd, stdout);
            return 1;
        } else if (OPT("--db")) {
            r->db = v;
        } else if (OPT("--assets")) {
            r->assets = v;
        } else if (OPT("--identities")) {
            r->identities = v;
        } else if (OPT("--config")) {
            r->config = v;
        } else if (OPT("--incident-rules")) {
            r->irules = v;
        } else if (OPT("--risk-events")) {
            r->events_file = v;
        } else if (OPT("--max-events")) {
            r->max_events = (size_t)strtoul(v, NULL, 10);
        } else if (OPT("-r") || OPT("--rules")) {
            if (r->n_rules < 64)
                r->rules[r->n_rules++] = v;
        } else if (a[0] == '-' && a[1]) {
            cli_usage_error(cmd, "bad option '%s'%s", a, v ? "" : " (or it needs a value)");
            return -1;
        } else if (r->n_paths < 64) {
            r->paths[r->n_paths++] = a;
        }
#undef OPT
    }
    return 0;
}

vg_risk_config *cli_risk_config(const char *config, const char *irules, const char *assets,
                                const char *identities)
{
    vg_risk_config *c;
    if (vg_risk_config_new(&c)) {
        fprintf(stderr, "vigil: out of memory\n");
        return NULL;
    }
    vg_diags *d = vg_diags_new();
    int rc = 0;
    if (!rc && config)
        rc = vg_risk_config_load(c, config, d);
    if (!rc && irules)
        rc = vg_risk_config_load_rules(c, irules, d);
    if (!rc && assets)
        rc = vg_risk_config_load_assets(c, assets, d);
    if (!rc && identities)
        rc = vg_risk_config_load_identities(c, identities, d);
    cli_print_diags(d, stderr, 0);
    vg_diags_free(d);
    if (rc) {
        vg_risk_config_free(c);
        return NULL;
    }
    return c;
}

/* Sigma rules for correlations; NULL with a message on failure. kb must outlive the ruleset. */
static vg_ruleset *load_rules(const risk_opts *r, cli_opts *o, vg_attack **kb)
{
    cli_opts q = *o;
    q.quiet = 1;
    *kb = cli_load_attack(&q);
    vg_ruleset *rs = *kb ? vg_ruleset_new(*kb, NULL) : NULL;
    if (!rs)
        return NULL;
    vg_diags *d = vg_diags_new();
    for (int i = 0; i < r->n_rules; i++)
        vg_ruleset_add_path(rs, r->rules[i], d);
    vg_ruleset_finalize(rs, d);
    if (!o->quiet || vg_diags_count_at(d, VG_SEV_ERROR))
        cli_print_diags(d, stderr, 0);
    vg_diags_free(d);
    return rs;
}

/* ---------------------------------------------------------------- notables out */

typedef struct out_ctx {
    cli_opts *o;
    vg_store *st;
    size_t max_events;
    size_t notables, fresh;
    int first;
    int rc;
} out_ctx;

static int on_notable(const vg_notable *n, void *ud)
{
    out_ctx *x = ud;
    int is_new = 0;
    if (x->st && (x->rc = vg_store_notable_put(x->st, n, &is_new)))
        return 1;
    x->notables++;
    x->fresh += (size_t)is_new;
    char *text;
    if (vg_notable_format(n, x->o->json, x->max_events, &text)) {
        x->rc = VG_ERR_NOMEM;
        return 1;
    }
    if (x->o->json)
        printf("%s%s", x->first ? "" : ",", text);
    else
        printf("\n%s", text);
    x->first = 0;
    free(text);
    return 0;
}

/* JSON lines of risk events: time, object, object_type, rule, title, level or base_score,
 * tactics, techniques (lists or comma-separated), optional score (else calculated). */
static int read_risk_events(const char *path, vg_risk_engine *e)
{
    vg_diags *d = vg_diags_new();
    vg_input *in;
    vg_event *ev = vg_event_new();
    int rc = vg_input_open(path, VG_JSON_FLAT, d, &in), bad = 0;
    vg_input_info info;
    while (!rc && vg_input_next(in, ev, &info) == 1) {
        char tac[1024] = "", tech[1024] = "", line[64];
        char f[8][512] = {{0}};
        static const char *const names[] = {"time",  "object", "object_type", "rule",
                                            "title", "level",  "base_score",  "score"};
        for (size_t i = 0; i < vg_event_count(ev); i++) {
            vg_str n, v;
            vg_event_field(ev, i, &n, &v, NULL);
            char *dst = n.len == 7 && strncmp(n.ptr, "tactics", 7) == 0        ? tac
                        : n.len == 10 && strncmp(n.ptr, "techniques", 10) == 0 ? tech
                                                                               : NULL;
            if (dst) {
                size_t k = strlen(dst);
                snprintf(dst + k, 1024 - k, "%s%.*s", k ? "," : "", (int)v.len, v.ptr);
                continue;
            }
            for (size_t k = 0; k < 8; k++)
                if (n.len == strlen(names[k]) && strncmp(n.ptr, names[k], n.len) == 0)
                    snprintf(f[k], sizeof f[k], "%.*s", (int)v.len, v.ptr);
        }
        vg_risk_event re = {0};
        snprintf(line, sizeof line, "%s:%llu", path, (unsigned long long)info.line);
        re.id = (int64_t)info.line;
        re.time = f[0];
        re.object = f[1];
        re.object_type = strcmp(f[2], "user") == 0    ? VG_RISK_USER
                         : strcmp(f[2], "other") == 0 ? VG_RISK_OTHER
                                                      : VG_RISK_SYSTEM;
        re.rule_id = f[3];
        re.rule_title = *f[4] ? f[4] : f[3];
        re.tactics = tac;
        re.techniques = tech;
        re.ref = line;
        static const double base[] = {0, 0, 21, 47, 73, 99};
        static const char *const lv[] = {"", "informational", "low", "medium", "high", "critical"};
        re.base_score = *f[6] ? strtod(f[6], NULL) : 21;
        for (int l = 1; l < 6 && !*f[6]; l++)
            if (strcmp(f[5], lv[l]) == 0)
                re.base_score = base[l];
        re.score = strtod(f[7], NULL);
        if (vg_risk_parse_time(f[0], strlen(f[0]), &re.time_ms) || !*f[1]) {
            fprintf(stderr, "%s:%llu: a risk event needs an ISO 'time' and an 'object'\n", path,
                    (unsigned long long)info.line);
            bad = 1;
            continue;
        }
        if (vg_risk_engine_add(e, &re, !*f[7]))
            rc = VG_ERR_NOMEM;
    }
    if (in)
        vg_input_close(in);
    cli_print_diags(d, stderr, 0);
    vg_diags_free(d);
    vg_event_free(ev);
    return rc ? rc : bad ? VG_ERR_SYNTAX : 0;
}

static int run_risk(int argc, char **argv, cli_opts *o)
{
    risk_opts r = {0};
    int rc = parse(argc, argv, 1, "risk", &r);
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (!r.db && !r.events_file) {
        cli_usage_error("risk", "give --db FILE (a store written by vigil scan --db) or "
                                "--risk-events FILE");
        return EXIT_USAGE;
    }
    vg_risk_config *c = cli_risk_config(r.config, r.irules, r.assets, r.identities);
    if (!c)
        return EXIT_INPUT;
    vg_attack *kb = NULL;
    vg_ruleset *rs = NULL;
    vg_store *st = NULL;
    vg_risk_engine *e = vg_risk_engine_new(c);
    vg_risk_update up = {0};
    int exit_code = EXIT_INPUT;
    vg_diags *d = vg_diags_new();
    if (r.n_rules && !(rs = load_rules(&r, o, &kb)))
        goto done;
    if (r.db) {
        if (vg_store_open(r.db, &st, d) || vg_store_risk_update(st, c, rs, &up, d) ||
            vg_store_risk_load(st, e, NULL))
            goto done;
    }
    if (r.events_file && read_risk_events(r.events_file, e))
        goto done;
    out_ctx x = {o, st, r.max_events, 0, 0, 1, 0};
    if (o->json)
        printf("{\"alerts_scored\":%zu,\"risk_events_added\":%zu,\"correlations\":%zu,"
               "\"risk_events\":%zu,\"notables\":[",
               up.alerts, up.risk_events, up.correlations, vg_risk_engine_count(e));
    else if (!o->quiet && r.db)
        printf("risk: %zu new alert%s scored into %zu risk event%s (%zu correlation match%s); "
               "%zu risk events in the index\n",
               up.alerts, up.alerts == 1 ? "" : "s", up.risk_events, up.risk_events == 1 ? "" : "s",
               up.correlations, up.correlations == 1 ? "" : "es", vg_risk_engine_count(e));
    if (st && vg_store_notables_begin(st))
        goto done;
    int n = vg_risk_engine_run(e, on_notable, &x);
    if (st && (n < 0 || x.rc || vg_store_notables_end(st)))
        goto done;
    if (n < 0 || x.rc)
        goto done;
    if (o->json)
        printf("]}\n");
    else if (!o->quiet)
        printf("%s%zu notable%s", x.notables ? "\n" : "", x.notables, x.notables == 1 ? "" : "s");
    if (!o->json && !o->quiet)
        printf(st ? ", %zu new\n" : "\n", x.fresh);
    exit_code = EXIT_OK;
done:
    cli_print_diags(d, stderr, 0);
    vg_diags_free(d);
    vg_risk_engine_free(e);
    vg_store_close(st);
    vg_ruleset_free(rs);
    vg_attack_free(kb);
    vg_risk_config_free(c);
    return exit_code;
}

/* ---------------------------------------------------------------- risk show */

static int run_show(int argc, char **argv, cli_opts *o)
{
    risk_opts r = {0};
    int rc = parse(argc, argv, 2, "risk show", &r);
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (!r.db || r.n_paths != 1) {
        cli_usage_error("risk show", "give one OBJECT and --db FILE");
        return EXIT_USAGE;
    }
    vg_risk_config *c = cli_risk_config(r.config, NULL, NULL, NULL);
    if (!c)
        return EXIT_INPUT;
    vg_diags *d = vg_diags_new();
    vg_store *st = NULL;
    vg_risk_engine *e = vg_risk_engine_new(c);
    int exit_code = EXIT_INPUT;
    if (vg_store_open(r.db, &st, d) || vg_store_risk_load(st, e, r.paths[0]))
        goto done;
    size_t n = vg_risk_engine_count(e);
    double total = 0;
    jw w;
    jw_init(&w, stdout);
    if (o->json) {
        jw_obj(&w);
        jw_kstr(&w, "object", r.paths[0]);
        jw_key(&w, "timeline");
        jw_arr(&w);
    } else {
        printf("%s: %zu risk event%s\n", r.paths[0], n, n == 1 ? "" : "s");
    }
    for (size_t i = 0; i < n; i++) {
        const vg_risk_event *x = vg_risk_engine_event(e, i);
        total += x->score;
        if (o->json) {
            jw_obj(&w);
            jw_kstr(&w, "time", x->time);
            jw_kstr(&w, "object", x->object);
            jw_kstr(&w, "object_type", vg_risk_object_type_name(x->object_type));
            jw_kstr(&w, "rule_id", x->rule_id);
            jw_kstr(&w, "rule_title", x->rule_title);
            jw_key(&w, "score");
            fprintf(stdout, "%.2f", x->score);
            w.after_key = 0;
            w.need_comma[w.depth] = 1;
            jw_kstr(&w, "arithmetic", x->arithmetic);
            jw_kstr(&w, "tactics", x->tactics);
            jw_kstr(&w, "techniques", x->techniques);
            jw_kstr(&w, "threats", x->threats);
            jw_kstr(&w, "ref", x->ref);
            jw_end(&w, '}');
            continue;
        }
        printf("  %s  %7.2f  %s (%s)%s%s%s\n", x->time, x->score, x->rule_title,
               vg_risk_object_type_name(x->object_type), *x->tactics ? "  [" : "", x->tactics,
               *x->tactics ? "]" : "");
        printf("      score %s; %s; from %s\n", x->arithmetic, x->threats, x->ref);
    }
    if (o->json) {
        jw_end(&w, ']');
        jw_end(&w, '}');
        putchar('\n');
    } else {
        printf("  total of calculated scores: %.2f (before capping)\n", total);
    }
    exit_code = n ? EXIT_OK : EXIT_FINDINGS;
done:
    cli_print_diags(d, stderr, 0);
    vg_diags_free(d);
    vg_risk_engine_free(e);
    vg_store_close(st);
    vg_risk_config_free(c);
    return exit_code;
}

/* ---------------------------------------------------------------- risk correlate */

typedef struct corr_feed {
    vg_correlator *co;
    const vg_event *ev;
    int64_t ref;
} corr_feed;

static int feed(const vg_rule *rule, void *ud)
{
    corr_feed *f = ud;
    return vg_correlator_add(f->co, rule, f->ev, f->ref) ? 1 : 0;
}

static int print_corr(const vg_corr_match *m, void *ud)
{
    cli_opts *o = ud;
    char v[32];
    snprintf(v, sizeof v, "%.6g", m->value);
    if (o->json) {
        jw w;
        jw_init(&w, stdout);
        jw_obj(&w);
        jw_kstr(&w, "rule", m->rule->title);
        jw_kstr(&w, "id", m->rule->id);
        jw_kstr(&w, "type", m->rule->correlation_type);
        jw_kstr(&w, "group", m->group);
        jw_kint(&w, "start_ms", m->start_ms);
        jw_kint(&w, "end_ms", m->end_ms);
        jw_kstr(&w, "value", v);
        jw_key(&w, "lines");
        jw_arr(&w);
        for (size_t i = 0; i < m->n_refs; i++)
            jw_int(&w, m->refs[i]);
        jw_end(&w, ']');
        jw_end(&w, '}');
        putchar('\n');
        return 0;
    }
    printf("%s [%s] %s%svalue %s, %.3f s, lines", m->rule->title, m->rule->correlation_type,
           m->group, *m->group ? ": " : "", v, (double)(m->end_ms - m->start_ms) / 1000.0);
    for (size_t i = 0; i < m->n_refs; i++)
        printf("%s%lld", i ? "," : " ", (long long)m->refs[i]);
    putchar('\n');
    return 0;
}

static int run_correlate(int argc, char **argv, cli_opts *o)
{
    risk_opts r = {0};
    int rc = parse(argc, argv, 2, "risk correlate", &r);
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (!r.n_rules || !r.n_paths) {
        cli_usage_error("risk correlate", "give -r RULES and at least one events file");
        return EXIT_USAGE;
    }
    vg_attack *kb = NULL;
    vg_ruleset *rs = load_rules(&r, o, &kb);
    vg_correlator *co = NULL;
    vg_diags *d = vg_diags_new();
    int exit_code = EXIT_INPUT;
    if (!rs || vg_correlator_new(rs, &co, d))
        goto done;
    cli_print_diags(d, stderr, 0);
    vg_matcher *m = vg_matcher_new(rs);
    vg_event *ev = vg_event_new();
    for (int i = 0; i < r.n_paths; i++) {
        vg_input *in;
        vg_input_info info;
        if (vg_input_open(r.paths[i], VG_JSON_AUTO, d, &in))
            continue;
        corr_feed f = {co, ev, 0};
        while (vg_input_next(in, ev, &info) == 1) {
            f.ref = (int64_t)(info.line ? info.line : info.record_id);
            vg_matcher_run(m, ev, feed, &f);
        }
        vg_input_close(in);
    }
    vg_event_free(ev);
    vg_matcher_free(m);
    int n = vg_correlator_run(co, print_corr, o);
    if (n >= 0) {
        if (!o->quiet && !o->json)
            printf("%d correlation match%s\n", n, n == 1 ? "" : "es");
        exit_code = n ? EXIT_OK : EXIT_FINDINGS;
    }
done:
    vg_diags_clear(d);
    vg_diags_free(d);
    vg_correlator_free(co);
    vg_ruleset_free(rs);
    vg_attack_free(kb);
    return exit_code;
}

/* ---------------------------------------------------------------- notables */

static int print_stored(const vg_store_notable *n, void *ud)
{
    int *mode = ud; /* [0]: 0 list, 1 one as text, 2 JSON; [1]: printed so far */
    if (mode[0] == 2)
        printf("%s%s", mode[1]++ ? "," : "", n->json);
    else if (mode[0] == 1)
        printf("%s\nfirst raised %s\n", n->text, n->raised);
    else
        printf("%.12s  %-8s  %7.2f  %-24s  %s\n", n->id, n->severity, n->score, n->window_start,
               n->title);
    return 0;
}

int cmd_notables(int argc, char **argv, cli_opts *o)
{
    risk_opts r = {0};
    int rc = parse(argc, argv, 1, "notables", &r);
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (!r.db) {
        cli_usage_error("notables", "give --db FILE");
        return EXIT_USAGE;
    }
    vg_diags *d = vg_diags_new();
    vg_store *st = NULL;
    int exit_code = EXIT_INPUT;
    if (!vg_store_open(r.db, &st, d)) {
        int mode[2] = {o->json ? 2 : r.n_paths ? 1 : 0, 0};
        if (o->json)
            printf("[");
        int n = vg_store_notables(st, r.n_paths ? r.paths[0] : NULL, print_stored, mode);
        if (o->json)
            printf("]\n");
        if (n >= 0)
            exit_code = n ? EXIT_OK : EXIT_FINDINGS;
        if (n == 0 && r.n_paths)
            fprintf(stderr, "vigil: no notable '%s'\n", r.paths[0]);
    }
    cli_print_diags(d, stderr, 0);
    vg_diags_free(d);
    vg_store_close(st);
    return exit_code;
}

int cmd_risk(int argc, char **argv, cli_opts *o)
{
    if (argc > 1 && strcmp(argv[1], "show") == 0)
        return run_show(argc, argv, o);
    if (argc > 1 && strcmp(argv[1], "correlate") == 0)
        return run_correlate(argc, argv, o);
    return run_risk(argc, argv, o);
}

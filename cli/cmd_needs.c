/*
 * cmd_needs.c - `vigil data needs` (what data a technique, a group's techniques or every gap
 * needs, and what onboarding it unlocks) and `vigil data next` (which log source to onboard
 * next, ranked greedily).
 *
 * Both load rules, deployment and data like `vigil coverage` (cov_load.c) and the facts of where
 * Windows events come from (the built-in data/sources/windows.yml or --sources FILE), then ask
 * vg_needs. `data needs` prints per technique its data components and the log sources ATT&CK's
 * analytics name, the concrete sources with whether we have them and how to turn them on, and
 * its rules now and once fed, then the list of what to enable; --format markdown writes the
 * short justification for IT operations, --json the whole result. `data next` prints the
 * greedy steps with the marginal and cumulative gain.
 */
#include <stdlib.h>
#include <string.h>

#include "cov.h"

typedef struct needs_args {
    const char *names[COV_MAX_LIST]; /* techniques, then --group names */
    int n_names;
    const char *groups[COV_MAX_LIST];
    int n_groups;
    int all_gaps;
    const char *format, *out, *sources;
    long limit;
} needs_args;

/* Parse the options of `data needs` (next = 0) or `data next` (next = 1). Returns 0, -1 after
 * --help, or an exit code. */
static int parse(int argc, char **argv, cov_ctx *x, needs_args *a, int next)
{
    const char *cmd = next ? "data next" : "data needs";
    for (int i = 1; i < argc; i++) {
        int t = cov_take_option(x, argc, argv, &i);
        if (t < 0)
            return EXIT_USAGE;
        if (t > 0)
            continue;
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0) {
            cli_help(cmd, stdout);
            return -1;
        }
        if (!next && strcmp(arg, "--all-gaps") == 0) {
            a->all_gaps = 1;
            continue;
        }
        if (!next && strcmp(arg, "--markdown") == 0) {
            a->format = "markdown";
            continue;
        }
        int takes = !strcmp(arg, "--group") || !strcmp(arg, "--sources") || !strcmp(arg, "-o") ||
                    (!next && !strcmp(arg, "--format")) || (next && !strcmp(arg, "-n"));
        if (takes && i + 1 >= argc) {
            cli_usage_error(cmd, "%s needs a value", arg);
            return EXIT_USAGE;
        }
        if (!takes && (arg[0] == '-' || next)) {
            cli_usage_error(cmd, "bad argument '%s'", arg);
            return EXIT_USAGE;
        }
        const char *v = takes ? argv[++i] : arg;
        const char **list = !takes ? a->names : !strcmp(arg, "--group") ? a->groups : NULL;
        int *count = !takes ? &a->n_names : &a->n_groups;
        if (list && *count >= COV_MAX_LIST) {
            cli_usage_error(cmd, "at most %d names", COV_MAX_LIST);
            return EXIT_USAGE;
        } else if (list) {
            list[(*count)++] = v;
        } else if (!strcmp(arg, "--sources")) {
            a->sources = v;
        } else if (!strcmp(arg, "-o")) {
            a->out = v;
        } else if (!strcmp(arg, "--format")) {
            a->format = v;
        } else {
            char *end;
            a->limit = strtol(v, &end, 10);
            if (*end || a->limit < 0 || !*v) {
                cli_usage_error(cmd, "-n needs a number (0: every step)");
                return EXIT_USAGE;
            }
        }
    }
    if (x->o->json)
        a->format = "json";
    if (!next && !a->n_names && !a->n_groups && !a->all_gaps) {
        cli_usage_error(cmd, "name a technique, a group (--group NAME) or --all-gaps");
        return EXIT_USAGE;
    }
    if (a->format && strcmp(a->format, "text") && strcmp(a->format, "markdown") &&
        strcmp(a->format, "json")) {
        cli_usage_error(cmd, "--format is text, markdown or json");
        return EXIT_USAGE;
    }
    if (a->out && (!a->format || !strcmp(a->format, "text"))) {
        cli_usage_error(cmd, "-o writes %s only", next ? "--json" : "markdown or json");
        return EXIT_USAGE;
    }
    return 0;
}

/* Load everything and select what was asked for. Returns 0 or an exit code. */
static int prepare(cov_ctx *x, const needs_args *a, vg_sources **facts, vg_needs **n)
{
    int rc = cov_load(x);
    if (rc)
        return rc;
    vg_diags *d = vg_diags_new();
    if (vg_sources_load(a->sources, facts, d)) {
        cli_print_diags(d, stderr, 0);
        vg_diags_free(d);
        return EXIT_INPUT;
    }
    vg_diags_free(d);
    if (!(*n = vg_needs_new(x->cov, *facts)))
        return EXIT_INPUT;
    int bad = 0;
    for (int i = 0; i < a->n_names; i++) {
        const vg_attack_obj *t = NULL;
        vg_attack_find(x->kb, a->names[i], 1u << VG_ATTACK_TECHNIQUE, &t);
        if (!t) {
            fprintf(stderr, "vigil: '%s' is not a technique in %s\n", a->names[i],
                    vg_attack_version(x->kb));
            bad = 1;
            continue;
        }
        if (vg_attack_resolve(t) != t && !x->o->quiet)
            fprintf(stderr, "note: %s %s is revoked; using its replacement %s\n", t->attack_id,
                    t->name, vg_attack_resolve(t)->attack_id);
        bad |= vg_needs_add_technique(*n, t) != 0;
    }
    for (int i = 0; i < a->n_groups; i++) {
        const vg_attack_obj *g = cov_find_actor(x, a->groups[i]);
        bad |= !g || vg_needs_add_actor(*n, g) != 0;
    }
    if (a->all_gaps)
        bad |= vg_needs_add_gaps(*n) != 0;
    if (!bad && vg_needs_compute(*n))
        bad = 1;
    return bad ? EXIT_INPUT : 0;
}

static void print_header(const char *cmd, const cov_ctx *x)
{
    const vg_cov_rule *rules;
    size_t nr = vg_coverage_rules(x->cov, &rules);
    printf("vigil %s - %s, %zu rule%s, ", cmd, vg_attack_version(x->kb), nr, nr == 1 ? "" : "s");
    switch (vg_coverage_data_mode(x->cov)) {
    case VG_COV_DATA_OBSERVED:
        printf("data observed (%llu event%s in %zu file%s)\n", x->events, x->events == 1 ? "" : "s",
               x->files, x->files == 1 ? "" : "s");
        break;
    case VG_COV_DATA_DECLARED:
        printf("data declared\n");
        break;
    default:
        printf("no data given: no source counts as present\n");
    }
}

/* The ATT&CK part of a technique: components, then one line per analytic. */
static void print_attack(const vg_need_tech *t, const vg_attack *kb)
{
    if (t->n_components) {
        printf("  data components:");
        for (size_t i = 0; i < t->n_components; i++)
            printf("%s %s (%s)", i ? "," : "", t->components[i]->name, t->components[i]->attack_id);
        printf("\n");
    }
    const vg_attack_obj *strategy = NULL;
    for (size_t i = 0; i < t->n_attack; i++) {
        const vg_need_attack_src *a = &t->attack[i];
        if (a->strategy != strategy) {
            strategy = a->strategy;
            printf("  ATT&CK %s %s:\n", a->strategy->attack_id, a->strategy->name);
        }
        if (!i || t->attack[i - 1].analytic != a->analytic) {
            printf("    %s [", a->analytic->attack_id);
            int first = 1;
            for (unsigned b = 0; b < 64; b++)
                if (a->analytic->platforms >> b & 1) {
                    printf("%s%s", first ? "" : ", ", vg_attack_platform_name(kb, b));
                    first = 0;
                }
            printf("]");
        } else {
            printf(";");
        }
        if (a->n_sources) {
            for (size_t j = 0; j < a->n_sources; j++)
                printf("%s%s", j ? ", " : " ", a->sources[j]->key);
        } else {
            printf(" %s %s", a->name, a->channel);
        }
        if (i + 1 == t->n_attack || t->attack[i + 1].analytic != a->analytic)
            printf("\n");
    }
}

/* How many of t's rules needing data source s would make work. */
static size_t feeds_of(const vg_need_tech *t, const vg_need_source *s)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n_rules; i++)
        for (size_t j = 0; t->rules[i].now == VG_COV_NEEDS_DATA && j < t->rules[i].n_fed_by; j++)
            k += t->rules[i].fed_by[j] == s;
    return k;
}

static void print_source_how(const vg_need_source *s, const char *indent)
{
    if (s->presence == VG_NEED_PARTIAL)
        printf("%show: %s\n", indent, *s->field_notes ? s->field_notes : "(no note on the fields)");
    else if (s->presence != VG_NEED_PRESENT)
        printf("%show: %s\n", indent,
               *s->facts.enable ? s->facts.enable
                                : "(the sources file does not know this channel)");
}

static void print_tech(const vg_need_tech *t, const cov_ctx *x)
{
    printf("\n%s %s\n  %s", t->tech->attack_id, t->tech->name, vg_gap_level_name(t->now));
    if (t->after != t->now)
        printf(", %s once onboarded", vg_gap_level_name(t->after));
    if (t->n_users) {
        printf("; used by");
        for (size_t i = 0; i < t->n_users; i++)
            printf("%s %s", i ? "," : "", t->users[i]->attack_id);
    }
    printf("\n");
    print_attack(t, x->kb);
    if (t->n_sources)
        printf("  sources:\n");
    for (size_t i = 0; i < t->n_sources; i++) {
        const vg_need_source *s = t->sources[i];
        size_t k = feeds_of(t, s);
        printf("    %-8s %s", vg_need_presence_name(s->presence), s->key);
        if (*s->facts.what)
            printf(" (%s)", s->facts.what);
        if (s->presence == VG_NEED_PARTIAL)
            printf(" without %s%s", s->missing_fields, k ? "" : " (read by other rules)");
        if (k)
            printf(": %zu rule%s", k, k == 1 ? "" : "s");
        printf("\n");
        if (k || s->presence != VG_NEED_PARTIAL)
            print_source_how(s, "             ");
    }
    if (t->n_rules)
        printf("  rules:\n");
    for (size_t i = 0; i < t->n_rules; i++) {
        const vg_need_rule *r = &t->rules[i];
        printf("    %-10s", vg_cov_status_name(r->now));
        if (r->after != r->now)
            printf(" -> %-9s", vg_cov_status_name(r->after));
        else
            printf("%13s", "");
        printf("  %s", r->rule->rule->title);
        if (r->now == VG_COV_NEEDS_DATA && r->n_fed_by) {
            printf("  (");
            for (size_t j = 0; j < r->n_fed_by; j++)
                printf("%s%s", j ? " | " : "", r->fed_by[j]->key);
            printf(")");
        } else if (r->now == VG_COV_NEEDS_DATA) {
            printf("  (%s)", r->rule->missing);
        }
        printf("\n");
    }
}

static void print_enable(const vg_needs *n)
{
    const vg_need_source *const *s;
    size_t ns = vg_needs_sources(n, &s), rows = 0;
    for (size_t i = 0; i < ns; i++) {
        if (s[i]->presence == VG_NEED_PRESENT || !s[i]->unlock_rules)
            continue;
        if (!rows++)
            printf("\nWhat to enable (sources that would make a rule active, most techniques "
                   "first):\n");
        printf("%3zu. %s", rows, s[i]->key);
        if (s[i]->presence == VG_NEED_PARTIAL)
            printf(" (present without %s)", s[i]->missing_fields);
        printf(": %zu technique%s, %zu rule%s", s[i]->n_unlock_techs,
               s[i]->n_unlock_techs == 1 ? "" : "s", s[i]->unlock_rules,
               s[i]->unlock_rules == 1 ? "" : "s");
        for (size_t k = 0; k < s[i]->n_unlock_techs; k++)
            printf("%s%s", k ? ", " : " (", s[i]->unlock_techs[k]->attack_id);
        printf("%s\n", s[i]->n_unlock_techs ? ")" : "");
        print_source_how(s[i], "     ");
        if (*s[i]->facts.hosts)
            printf("     hosts: %s\n", s[i]->facts.hosts);
    }
    if (!rows)
        printf("\nNothing to enable: no missing source would make one of these rules active.\n");
}

/* Print or write what `data needs` found. */
static int needs_output(const vg_needs *n, const needs_args *a, const cov_ctx *x)
{
    if (!a->format || !strcmp(a->format, "text")) {
        print_header("data needs", x);
        const vg_need_tech *t;
        size_t nt = vg_needs_techniques(n, &t);
        for (size_t i = 0; i < nt; i++)
            print_tech(&t[i], x);
        print_enable(n);
        if (!x->o->quiet)
            printf("\n%s\n", vg_attack_notice());
        return EXIT_OK;
    }
    char *text = NULL;
    size_t len = 0;
    int r = !strcmp(a->format, "json") ? vg_report_needs_json(n, &text, &len)
                                       : vg_report_needs_markdown(n, &text, &len);
    int rc = r ? EXIT_INPUT : cov_write(a->out, text, len);
    free(text);
    return rc;
}

static void print_steps(const vg_needs *n, const vg_next_step *st, size_t count, const cov_ctx *x,
                        int weighted)
{
    size_t techs, active, rules;
    unsigned long weight, aweight;
    vg_needs_next_base(n, &techs, &weight, &active, &aweight, &rules);
    print_header("data next", x);
    const vg_attack_obj *const *act;
    size_t na = vg_needs_actors(n, &act);
    for (size_t i = 0; i < na; i++)
        printf("  %-8s %s (%s)\n", act[i]->attack_id, act[i]->name, cov_actor_kind(act[i]));
    if (weighted)
        printf("%zu techniques used (weight %lu: each counts the actors using it); active now: "
               "%zu (weight %lu), %zu active rule%s\n",
               techs, weight, active, aweight, rules, rules == 1 ? "" : "s");
    else
        printf("%zu techniques (parents); active now: %zu, %zu active rule%s\n", techs, active,
               rules, rules == 1 ? "" : "s");
    if (!count) {
        printf("\nNo source missing from the data would make a rule active.\n");
        return;
    }
    printf("\nrank %6s", "+tech");
    if (weighted)
        printf(" %7s", "+weight");
    printf(" %6s %12s", "+rules", "total tech");
    if (weighted)
        printf(" %7s", "weight");
    printf(" %6s  source\n", "rules");
    for (size_t i = 0; i < count; i++) {
        printf("%4zu %6zu", i + 1, st[i].techniques);
        if (weighted)
            printf(" %7lu", st[i].weight);
        printf(" %6zu %12zu", st[i].rules, active + st[i].cum_techniques);
        if (weighted)
            printf(" %7lu", aweight + st[i].cum_weight);
        printf(" %6zu  %s", rules + st[i].cum_rules, st[i].source->key);
        if (st[i].source->presence == VG_NEED_PARTIAL)
            printf(" (present without %s)", st[i].source->missing_fields);
        printf("\n");
        if (st[i].n_gained) {
            printf("%12s", "");
            for (size_t k = 0; k < st[i].n_gained; k++)
                printf("%s%s", k ? ", " : "", st[i].gained[k]->attack_id);
            printf("\n");
        }
        print_source_how(st[i].source, "            ");
    }
}

/* Rank and print or write what `data next` found. */
static int next_output(vg_needs *n, const needs_args *a, const cov_ctx *x)
{
    const vg_next_step *steps = NULL;
    size_t count = 0;
    if (vg_needs_next(n, (size_t)a->limit, &steps, &count))
        return EXIT_INPUT;
    if (!a->format || strcmp(a->format, "json")) {
        print_steps(n, steps, count, x, a->n_groups > 0);
        if (!x->o->quiet)
            printf("\n%s\n", vg_attack_notice());
        return EXIT_OK;
    }
    char *text = NULL;
    size_t len = 0;
    int rc = vg_report_next_json(n, steps, count, &text, &len) ? EXIT_INPUT
                                                               : cov_write(a->out, text, len);
    free(text);
    return rc;
}

/* `data needs` (next = 0) and `data next` (next = 1). */
static int run(int argc, char **argv, cli_opts *o, int next)
{
    cov_ctx x = {.o = o, .cmd = next ? "data next" : "data needs"};
    needs_args a = {.limit = 10};
    int rc = parse(argc, argv, &x, &a, next);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    vg_sources *facts = NULL;
    vg_needs *n = NULL;
    rc = prepare(&x, &a, &facts, &n);
    if (!rc)
        rc = next ? next_output(n, &a, &x) : needs_output(n, &a, &x);
    vg_needs_free(n);
    vg_sources_free(facts);
    cov_free(&x);
    return rc;
}

int cmd_data_needs(int argc, char **argv, cli_opts *o)
{
    return run(argc, argv, o, 0);
}

int cmd_data_next(int argc, char **argv, cli_opts *o)
{
    return run(argc, argv, o, 1);
}

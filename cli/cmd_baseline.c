/*
 * cmd_baseline.c - `vigil baseline check BASELINE`: pass or fail a detection programme or a
 * supplier's log feed against a baseline (vg_baseline, docs/coverage.md "Baselines").
 *
 * The baseline is read first (with the knowledge base, so that its tactics and groups resolve
 * and a broken file is reported before any log is read); then rules, deployment and data are
 * loaded like `vigil coverage` does (cov_load.c) and every requirement is checked. The text
 * output gives one PASS or FAIL line per requirement in the baseline's order with the reason
 * under it (shares reached and required, events and fields seen, and for a failed group the
 * techniques left uncovered, the first 24 of them);
 * --json writes vg_report_baseline_json. Exit status 1 when a requirement failed, 0 when all
 * passed, 3 when the baseline or an input could not be read.
 */
#include <stdlib.h>
#include <string.h>

#include "cov.h"

static void print_subject(const vg_baseline_item *it)
{
    if (it->kind == VG_BASELINE_SOURCE)
        printf("source %s %s\n", it->channel, *it->event_id ? it->event_id : "(any event ID)");
    else if (it->kind == VG_BASELINE_GROUP)
        printf("group %s %s (%s)\n", it->obj->attack_id, it->obj->name, cov_actor_kind(it->obj));
    else if (it->obj)
        printf("tactic %s (%s)\n", it->obj->name, it->obj->attack_id);
    else
        printf("tactic all (the whole matrix)\n");
}

#define MAX_UNCOVERED 24 /* techniques listed per failed group requirement (JSON lists all) */

/* The uncovered techniques of a group, weakest first, wrapped at width columns. */
static void print_uncovered(const vg_baseline_item *it, int width)
{
    int col = printf("      %s:", it->validated ? "not validated" : "uncovered");
    for (size_t k = 0; k < it->n_uncovered && k < MAX_UNCOVERED; k++) {
        const vg_attack_obj *t = it->uncovered[k].tech;
        const char *lvl = vg_gap_level_name(it->uncovered[k].level);
        int need = (int)(strlen(t->attack_id) + strlen(t->name) + strlen(lvl)) + 6;
        if (k && col + need > width)
            col = printf("\n       ") - 1;
        col +=
            printf(" %s %s (%s)%s", t->attack_id, t->name, lvl, k + 1 < it->n_uncovered ? "," : "");
    }
    if (it->n_uncovered > MAX_UNCOVERED)
        printf("\n        ... %zu more (`vigil gaps --group %s` ranks them all)",
               it->n_uncovered - MAX_UNCOVERED, it->obj->attack_id);
    printf("\n");
}

static void print_text(const vg_baseline *b, const cov_ctx *x, const char *path)
{
    static const char *const modes[] = {"assumed", "observed", "declared"};
    const vg_cov_rule *rules;
    size_t nr = vg_coverage_rules(x->cov, &rules), deployed = 0;
    for (size_t i = 0; i < nr; i++)
        deployed += rules[i].deployed != 0;
    const char *name = vg_baseline_name(b);
    printf("vigil baseline check %s%s%s\n", path, *name ? ": " : "", name);
    printf("%s; %zu rule%s (%zu deployed); data %s", vg_attack_version(x->kb), nr,
           nr == 1 ? "" : "s", deployed, modes[vg_coverage_data_mode(x->cov)]);
    if (x->n_logs)
        printf(" (%llu event%s in %zu file%s)", x->events, x->events == 1 ? "" : "s", x->files,
               x->files == 1 ? "" : "s");
    if (x->db)
        printf(" (the inventory stored in %s)", x->db);
    printf("\n\n");
    const vg_baseline_item *it;
    size_t n = vg_baseline_items(b, &it), failed = 0;
    int width = x->o->width < 100 ? x->o->width : 100;
    for (size_t i = 0; i < n; i++) {
        failed += !it[i].pass;
        printf("%s  ", it[i].pass ? "PASS" : "FAIL");
        print_subject(&it[i]);
        printf("      %s\n", it[i].reason);
        if (!it[i].pass && it[i].n_uncovered)
            print_uncovered(&it[i], width);
    }
    if (failed)
        printf("\n%zu of %zu requirement%s failed\n", failed, n, n == 1 ? "" : "s");
    else
        printf("\nall %zu requirement%s passed\n", n, n == 1 ? "" : "s");
    if (!x->o->quiet)
        printf("\n%s\n", vg_attack_notice());
}

static int check(const char *path, cov_ctx *x)
{
    x->kb = cli_load_attack(x->o);
    if (!x->kb)
        return EXIT_INPUT;
    vg_diags *d = vg_diags_new();
    vg_baseline *b = NULL;
    int rc = d ? vg_baseline_load(x->kb, path, &b, d) : VG_ERR_NOMEM;
    cli_print_diags(d, stderr, 0);
    vg_diags_free(d);
    if (rc) {
        if (rc == VG_ERR_NOMEM)
            fprintf(stderr, "vigil: %s: %s\n", path, vg_strerror(rc));
        cov_free(x);
        return EXIT_INPUT;
    }
    rc = cov_load(x);
    int failed = rc ? 0 : vg_baseline_check(b, x->cov, x->inv);
    if (failed < 0) {
        fprintf(stderr, "vigil: baseline check: %s\n", vg_strerror(failed));
        rc = EXIT_INPUT;
    }
    if (!rc && x->o->json) {
        char *text = NULL;
        size_t len = 0;
        if (vg_report_baseline_json(b, x->cov, &text, &len) == 0)
            fwrite(text, 1, len, stdout);
        else
            rc = EXIT_INPUT;
        free(text);
    } else if (!rc) {
        print_text(b, x, path);
    }
    vg_baseline_free(b);
    cov_free(x);
    return rc ? rc : failed ? EXIT_FINDINGS : EXIT_OK;
}

int cmd_baseline(int argc, char **argv, cli_opts *o)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        cli_help("baseline", argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "check") != 0) {
        cli_usage_error("baseline", "unknown baseline command '%s'", argv[1]);
        return EXIT_USAGE;
    }
    cov_ctx x = {.o = o, .cmd = "baseline check"};
    const char *path = NULL;
    for (int i = 2; i < argc; i++) {
        int t = cov_take_option(&x, argc, argv, &i);
        if (t < 0)
            return EXIT_USAGE;
        if (t > 0)
            continue;
        if (strcmp(argv[i], "--help") == 0)
            return cli_help("baseline check", stdout);
        if (argv[i][0] == '-' && argv[i][1]) {
            cli_usage_error("baseline check", "bad argument '%s'", argv[i]);
            return EXIT_USAGE;
        }
        if (path) {
            cli_usage_error("baseline check", "one baseline at a time ('%s' and '%s')", path,
                            argv[i]);
            return EXIT_USAGE;
        }
        path = argv[i];
    }
    if (!path) {
        cli_usage_error("baseline check", "give a baseline (docs/coverage.md, \"Baselines\")");
        return EXIT_USAGE;
    }
    return check(path, &x);
}

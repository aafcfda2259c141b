/*
 * cmd_gaps.c - `vigil gaps --group NAME...`: threat-informed priorities.
 *
 * Loads rules, deployment and data like `vigil coverage` (cov_load.c), finds the groups,
 * campaigns and software named, and prints the techniques they use against our coverage,
 * ranked by vg_gaps (gaps first, then by how many of them use it times the asset weight of
 * --assets, then weakest level). --format json|navigator writes the list or a Navigator layer
 * overlay instead (to -o FILE or standard output).
 */
#include <stdlib.h>
#include <string.h>

#include "cov.h"

/* Find each actor; reports what is not found. Returns 0 or EXIT_INPUT. */
static int add_actors(cov_ctx *x, vg_gaps *g, const char *const *names, int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        const vg_attack_obj *a = cov_find_actor(x, names[i]);
        if (!a || vg_gaps_add_actor(g, a))
            bad = 1;
    }
    return bad ? EXIT_INPUT : 0;
}

static void print_text(const vg_gaps *g, size_t limit, const cov_ctx *x)
{
    const vg_attack_obj *const *act;
    size_t na = vg_gaps_actors(g, &act);
    const vg_gap *e;
    size_t n = vg_gaps_list(g, &e);
    size_t by[VG_GAP_VALIDATED + 1] = {0};
    for (size_t i = 0; i < n; i++)
        by[e[i].level]++;
    static const char *const mode[] = {"assumed", "observed", "declared"};
    printf("vigil gaps - %s, data %s\n", vg_attack_version(x->kb),
           mode[vg_coverage_data_mode(x->cov)]);
    for (size_t i = 0; i < na; i++)
        printf("  %-8s %s (%s)\n", act[i]->attack_id, act[i]->name, cov_actor_kind(act[i]));
    printf("%zu technique%s used: %zu gap%s (%zu without rules, %zu needing data, %zu "
           "available), %zu active, %zu validated\n",
           n, n == 1 ? "" : "s", by[0] + by[1] + by[2], by[0] + by[1] + by[2] == 1 ? "" : "s",
           by[0], by[1], by[2], by[3], by[4]);
    if (vg_gaps_n_assets(g))
        printf("weighted by %zu asset%s (weight: highest criticality on the technique's "
               "platforms)\n",
               vg_gaps_n_assets(g), vg_gaps_n_assets(g) == 1 ? "" : "s");
    printf("\nrank technique  level       users weight priority  name  [used by]\n");
    for (size_t i = 0; i < n && (!limit || i < limit); i++) {
        printf("%4zu %-10s %-11s %5zu %6u %8lu  %s  [", i + 1, e[i].tech->attack_id,
               vg_gap_level_name(e[i].level), e[i].n_users, e[i].weight, e[i].priority,
               e[i].tech->name);
        for (size_t k = 0; k < e[i].n_users; k++)
            printf("%s%s", k ? "," : "", e[i].users[k]->attack_id);
        printf("]\n");
    }
    if (limit && n > limit)
        printf("... %zu more (-n 0 shows all)\n", n - limit);
    if (!x->o->quiet)
        printf("\n%s\n", vg_attack_notice());
}

int cmd_gaps(int argc, char **argv, cli_opts *o)
{
    cov_ctx x = {.o = o, .cmd = "gaps"};
    const char *names[COV_MAX_LIST];
    int n_names = 0;
    const char *assets = NULL, *format = "text", *out = NULL;
    long limit = 0;
    for (int i = 1; i < argc; i++) {
        int t = cov_take_option(&x, argc, argv, &i);
        if (t < 0)
            return EXIT_USAGE;
        if (t > 0)
            continue;
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0)
            return cli_help("gaps", stdout);
        int takes = !strcmp(a, "--group") || !strcmp(a, "--assets") || !strcmp(a, "--format") ||
                    !strcmp(a, "-o") || !strcmp(a, "-n");
        if (takes && i + 1 >= argc) {
            cli_usage_error("gaps", "%s needs a value", a);
            return EXIT_USAGE;
        }
        const char *v = takes ? argv[++i] : a;
        if (!takes && a[0] == '-') {
            cli_usage_error("gaps", "bad argument '%s'", a);
            return EXIT_USAGE;
        }
        if (!takes || !strcmp(a, "--group")) {
            if (n_names >= COV_MAX_LIST) {
                cli_usage_error("gaps", "at most %d groups", COV_MAX_LIST);
                return EXIT_USAGE;
            }
            names[n_names++] = v;
        } else if (!strcmp(a, "--assets")) {
            assets = v;
        } else if (!strcmp(a, "--format")) {
            format = v;
        } else if (!strcmp(a, "-o")) {
            out = v;
        } else {
            char *end;
            limit = strtol(v, &end, 10);
            if (*end || limit < 0) {
                cli_usage_error("gaps", "-n needs a number");
                return EXIT_USAGE;
            }
        }
    }
    if (!n_names) {
        cli_usage_error("gaps", "name at least one group, campaign or software (--group NAME)");
        return EXIT_USAGE;
    }
    if (o->json)
        format = "json";
    if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "navigator")) {
        cli_usage_error("gaps", "--format is text, json or navigator");
        return EXIT_USAGE;
    }
    int rc = cov_load(&x);
    vg_gaps *g = rc ? NULL : vg_gaps_new(x.cov);
    if (!rc && !g)
        rc = EXIT_INPUT;
    if (!rc)
        rc = add_actors(&x, g, names, n_names);
    if (!rc && assets) {
        vg_diags *d = vg_diags_new();
        if (vg_gaps_load_assets(g, assets, d))
            rc = EXIT_INPUT;
        cli_print_diags(d, stderr, 0);
        vg_diags_free(d);
    }
    if (!rc && vg_gaps_compute(g))
        rc = EXIT_INPUT;
    if (!rc && strcmp(format, "text") == 0) {
        print_text(g, (size_t)limit, &x);
    } else if (!rc) {
        char *text = NULL;
        size_t len = 0;
        int r = format[0] == 'j' ? vg_report_gaps_json(g, &text, &len)
                                 : vg_report_gaps_navigator(g, &text, &len);
        rc = r ? EXIT_INPUT : cov_write(out, text, len);
        free(text);
    }
    vg_gaps_free(g);
    cov_free(&x);
    return rc;
}

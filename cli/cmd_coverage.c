/*
 * cmd_coverage.c - `vigil coverage`: where detections stand against ATT&CK, and
 * `vigil coverage diff A B`: what changed between two coverage JSON files.
 *
 * Loads rules, deployment and data through cov_load.c, computes the coverage and shows it as
 * the terminal map (default), a table (--by tactic|platform|technique|rule), or writes an
 * export (--format json|csv|navigator|svg|html, to -o FILE or standard output). --html FILE
 * writes the HTML report besides whatever is printed, which is what `make demo` uses.
 */
#include <stdlib.h>
#include <string.h>

#include "cov.h"

static int export(const vg_coverage *c, const char *format, const vg_report_opts *ro,
                  const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc;
    if (strcmp(format, "json") == 0)
        rc = vg_report_json(c, &text, &len);
    else if (strcmp(format, "csv") == 0)
        rc = vg_report_csv(c, &text, &len);
    else if (strcmp(format, "navigator") == 0)
        rc = vg_report_navigator(c, ro, &text, &len);
    else if (strcmp(format, "svg") == 0)
        rc = vg_report_svg(c, ro, &text, &len);
    else
        rc = vg_report_html(c, ro, &text, &len);
    if (rc) {
        fprintf(stderr, "vigil: cannot render %s: %s\n", format, vg_strerror(rc));
        return EXIT_INPUT;
    }
    rc = cov_write(path, text, len);
    free(text);
    return rc;
}

static cov_colors pick_colors(const cli_opts *o, const char *want)
{
    if (want)
        return strcmp(want, "truecolor") == 0 ? COV_COLORS_TRUE
               : strcmp(want, "256") == 0     ? COV_COLORS_256
                                              : COV_COLORS_NONE;
    if (!o->color)
        return COV_COLORS_NONE;
    const char *ct = getenv("COLORTERM");
    return ct && (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0) ? COV_COLORS_TRUE
                                                                            : COV_COLORS_256;
}

static int diff(int argc, char **argv, cli_opts *o)
{
    if (argc != 4) {
        cli_usage_error("coverage diff", "give two coverage JSON files (vigil coverage "
                                         "--format json)");
        return EXIT_USAGE;
    }
    char *text = NULL;
    size_t len = 0;
    vg_diags *d = vg_diags_new();
    int rc = vg_coverage_diff(argv[2], argv[3], o->json, &text, &len, d);
    cli_print_diags(d, stderr, 0);
    vg_diags_free(d);
    if (rc < 0) {
        fprintf(stderr, "vigil: coverage diff: %s\n", vg_strerror(rc));
        return EXIT_INPUT;
    }
    int w = cov_write(NULL, text, len);
    free(text);
    return w;
}

typedef struct cov_args {
    const char *format, *out, *html, *by, *colors, *platform, *title, *table;
    int width;
} cov_args;

static int parse(int argc, char **argv, cov_ctx *x, cov_args *a)
{
    for (int i = 1; i < argc; i++) {
        int t = cov_take_option(x, argc, argv, &i);
        if (t < 0)
            return EXIT_USAGE;
        if (t > 0)
            continue;
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0) {
            cli_help("coverage", stdout);
            return -1;
        }
        const char **slot = strcmp(arg, "--format") == 0     ? &a->format
                            : strcmp(arg, "-o") == 0         ? &a->out
                            : strcmp(arg, "--html") == 0     ? &a->html
                            : strcmp(arg, "--color-by") == 0 ? &a->by
                            : strcmp(arg, "--colors") == 0   ? &a->colors
                            : strcmp(arg, "--platform") == 0 ? &a->platform
                            : strcmp(arg, "--title") == 0    ? &a->title
                            : strcmp(arg, "--by") == 0       ? &a->table
                                                             : NULL;
        if (slot && i + 1 < argc) {
            *slot = argv[++i];
        } else if (strcmp(arg, "--width") == 0 && i + 1 < argc) {
            a->width = atoi(argv[++i]);
        } else {
            cli_usage_error("coverage", slot ? "%s needs a value" : "bad argument '%s'", arg);
            return EXIT_USAGE;
        }
    }
    static const char *const formats[] = {"map", "json", "csv", "navigator", "svg", "html"};
    static const char *const tables[] = {"tactic", "platform", "technique", "technique-all",
                                         "rule"};
    int ok = !a->format;
    for (size_t i = 0; !ok && i < sizeof formats / sizeof *formats; i++)
        ok = strcmp(a->format, formats[i]) == 0;
    if (!ok) {
        cli_usage_error("coverage", "--format is map, json, csv, navigator, svg or html");
        return EXIT_USAGE;
    }
    ok = !a->table;
    for (size_t i = 0; !ok && i < sizeof tables / sizeof *tables; i++)
        ok = strcmp(a->table, tables[i]) == 0;
    if (!ok) {
        cli_usage_error("coverage", "--by is tactic, platform, technique, technique-all or rule");
        return EXIT_USAGE;
    }
    if (a->colors && strcmp(a->colors, "truecolor") && strcmp(a->colors, "256") &&
        strcmp(a->colors, "none")) {
        cli_usage_error("coverage", "--colors is truecolor, 256 or none");
        return EXIT_USAGE;
    }
    return 0;
}

int cmd_coverage(int argc, char **argv, cli_opts *o)
{
    if (argc >= 2 && strcmp(argv[1], "diff") == 0)
        return diff(argc, argv, o);
    cov_ctx x = {.o = o, .cmd = "coverage"};
    cov_args a = {0};
    int rc = parse(argc, argv, &x, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    vg_report_opts ro = {.title = a.title, .platform = a.platform};
    if (a.by && vg_cov_measure_parse(a.by, &ro.by)) {
        cli_usage_error("coverage",
                        "--color-by is total, active, available, needs-data or validated");
        return EXIT_USAGE;
    }
    if (!a.by)
        ro.by = VG_COV_BY_ACTIVE;
    if (a.platform && !o->n_attack_files && strcmp(a.platform, "") == 0)
        a.platform = NULL;
    rc = cov_load(&x);
    if (rc) {
        cov_free(&x);
        return rc;
    }
    if (a.platform && vg_attack_platform_bit(x.kb, a.platform) < 0) {
        cli_usage_error("coverage", "unknown platform '%s'", a.platform);
        cov_free(&x);
        return EXIT_USAGE;
    }
    if (o->json && !a.format)
        a.format = "json";
    if (a.format && strcmp(a.format, "map") != 0) {
        rc = export(x.cov, a.format, &ro, a.out);
    } else if (a.table) {
        FILE *f = stdout;
        if (strcmp(a.table, "tactic") == 0 || strcmp(a.table, "platform") == 0)
            cov_print_tallies(x.cov, a.table[0] == 'p', f);
        else if (strcmp(a.table, "rule") == 0)
            cov_print_rules(x.cov, f);
        else
            cov_print_techniques(x.cov, strcmp(a.table, "technique-all") == 0, f);
    } else {
        printf("%s - %s enterprise matrix, rules coloured by %s\n", "vigil coverage",
               vg_attack_version(x.kb), vg_cov_measure_name(ro.by));
        cov_print_summary(x.cov, stdout);
        printf("\n");
        cov_print_map(x.cov, ro.by, pick_colors(o, a.colors), a.width > 0 ? a.width : o->width,
                      a.platform, stdout);
        if (!o->quiet)
            printf("\n%s\n", vg_attack_notice());
    }
    if (!rc && a.html) {
        rc = export(x.cov, "html", &ro, a.html);
        if (!rc)
            printf("HTML report: %s\n", a.html);
    }
    cov_free(&x);
    return rc;
}

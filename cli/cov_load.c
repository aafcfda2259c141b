/*
 * cov_load.c - options and loading shared by the coverage commands.
 *
 * Every coverage command answers from the same three inputs: the rules (-r, default the
 * built-in starter pack), which of them are deployed (--enabled, default all) and what data
 * exists (observed: --logs read through the data inventory and/or --db, the inventory that
 * `vigil scan --db` stored; declared: --inventory in YAML; none of them: assumed present
 * wherever the profile routes a rule's log source). This file parses those options, loads
 * everything, walks log folders, and computes the coverage.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cov.h"

static const char *value(cov_ctx *x, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *eq = strchr(a, '=');
    if (eq && a[0] == '-' && a[1] == '-')
        return eq + 1;
    if (*i + 1 >= argc || !argv[*i + 1][0]) {
        cli_usage_error(x->cmd, "%s needs a value", a);
        return NULL;
    }
    return argv[++*i];
}

static int is_opt(const char *a, const char *name)
{
    size_t n = strlen(name);
    return strncmp(a, name, n) == 0 && (a[n] == 0 || a[n] == '=');
}

static int push(cov_ctx *x, const char **list, int *n, const char *v, const char *what)
{
    if (*n >= COV_MAX_LIST) {
        cli_usage_error(x->cmd, "at most %d %s", COV_MAX_LIST, what);
        return -1;
    }
    list[(*n)++] = v;
    return 1;
}

int cov_take_option(cov_ctx *x, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *v;
    if (strcmp(a, "-r") == 0 || is_opt(a, "--rules")) {
        if (!(v = value(x, argc, argv, i)))
            return -1;
        return push(x, x->rules, &x->n_rules, v, "rule paths");
    }
    if (is_opt(a, "--enabled")) {
        if (!(v = value(x, argc, argv, i)))
            return -1;
        return push(x, x->enabled, &x->n_enabled, v, "--enabled lists");
    }
    if (is_opt(a, "--logs")) {
        if (!(v = value(x, argc, argv, i)))
            return -1;
        return push(x, x->logs, &x->n_logs, v, "log paths");
    }
    const char **slot = is_opt(a, "--profile")      ? &x->profile
                        : is_opt(a, "--inventory")  ? &x->inventory
                        : is_opt(a, "--host-group") ? &x->host_group
                        : is_opt(a, "--validated")  ? &x->manifest
                        : is_opt(a, "--base")       ? &x->base
                        : is_opt(a, "--db")         ? &x->db
                                                    : NULL;
    if (!slot)
        return 0;
    if (!(*slot = value(x, argc, argv, i)))
        return -1;
    return 1;
}

/* ---- walking logs ---- */

static int walk_dir(const char *path, cov_event_fn fn, void *ud, size_t *files,
                    unsigned long long *events)
{
    size_t n;
    char **names = cli_list_dir(path, &n);
    if (!names) {
        fprintf(stderr, "vigil: %s: cannot open folder\n", path);
        return 1;
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(names[i], &sb) == 0 && (S_ISDIR(sb.st_mode) || cli_log_name(names[i])))
            bad |= cov_walk(names[i], fn, ud, files, events);
    }
    cli_free_list(names, n);
    return bad;
}

int cov_walk(const char *path, cov_event_fn fn, void *ud, size_t *files, unsigned long long *events)
{
    struct stat sb;
    if (strcmp(path, "-") != 0 && stat(path, &sb) != 0) {
        fprintf(stderr, "vigil: %s: no such file or folder\n", path);
        return 1;
    }
    if (strcmp(path, "-") != 0 && S_ISDIR(sb.st_mode))
        return walk_dir(path, fn, ud, files, events);
    vg_diags *dg = vg_diags_new();
    vg_event *ev = vg_event_new();
    vg_input *in = NULL;
    int rc = dg && ev ? vg_input_open(path, VG_JSON_AUTO, dg, &in) : VG_ERR_NOMEM;
    if (!rc) {
        (*files)++;
        while ((rc = vg_input_next(in, ev, NULL)) == 1) {
            (*events)++;
            fn(ev, path, ud);
        }
        vg_input_close(in);
    } else {
        fprintf(stderr, "vigil: %s: %s\n", path, vg_strerror(rc));
    }
    cli_print_diags(dg, stderr, 0);
    vg_diags_free(dg);
    vg_event_free(ev);
    return rc < 0;
}

static void to_inventory(const vg_event *ev, const char *file, void *ud)
{
    (void)file;
    vg_inventory_add(ud, ev);
}

/* ---- loading ---- */

/* --db: the inventory of every scan stored in the database, added to x->inv. */
static int load_db(cov_ctx *x, vg_diags *d)
{
    struct stat sb;
    if (stat(x->db, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fprintf(stderr, "vigil: %s: no such database (`vigil scan --db %s LOGS` makes one)\n",
                x->db, x->db);
        return 1;
    }
    vg_store *st = NULL;
    size_t scans = 0;
    int rc = vg_store_open(x->db, &st, d);
    if (!rc)
        rc = vg_store_load_inventory(st, 0, x->inv, &scans);
    vg_store_close(st);
    cli_print_diags(d, stderr, 0);
    vg_diags_clear(d);
    if (!rc && !scans)
        fprintf(stderr, "vigil: %s: warning: the database holds no scan: no data observed\n",
                x->db);
    return rc != 0;
}

static int load_rules(cov_ctx *x, vg_diags *d)
{
    if (vg_profile_load(x->profile ? x->profile : "both", &x->prof, d))
        return -1;
    x->rs = vg_ruleset_new(x->kb, x->prof);
    if (!x->rs)
        return -1;
    if (!x->n_rules)
        vg_ruleset_add_starter(x->rs, d);
    for (int i = 0; i < x->n_rules; i++)
        if (vg_ruleset_add_path(x->rs, x->rules[i], d))
            return -1;
    vg_ruleset_finalize(x->rs, d);
    size_t rejected = vg_diags_count_at(d, VG_SEV_ERROR);
    if (rejected && !x->o->quiet)
        fprintf(stderr, "vigil: %zu rule document%s rejected (see `vigil rules check`)\n", rejected,
                rejected == 1 ? "" : "s");
    return 0;
}

/* --enabled: a file with one rule id or name per line ('#' comments), or a comma list. */
static int enable(cov_ctx *x, const char *spec)
{
    struct stat sb;
    char *text = NULL;
    if (stat(spec, &sb) == 0 && S_ISREG(sb.st_mode)) {
        FILE *f = fopen(spec, "r");
        if (!f || !(text = calloc(1, (size_t)sb.st_size + 1))) {
            if (f)
                fclose(f);
            fprintf(stderr, "vigil: %s: cannot read\n", spec);
            return 1;
        }
        size_t got = fread(text, 1, (size_t)sb.st_size, f);
        text[got] = 0;
        fclose(f);
    } else if (!(text = strdup(spec))) {
        return 1;
    }
    int bad = 0;
    char *save = NULL;
    for (char *tok = strtok_r(text, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        size_t n = strlen(tok);
        while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\r' || tok[n - 1] == '\t'))
            tok[--n] = 0;
        if (!n || *tok == '#')
            continue;
        if (vg_coverage_enable(x->cov, tok)) {
            fprintf(stderr, "vigil: --enabled: no loaded rule has id or name '%s'\n", tok);
            bad = 1;
        }
    }
    free(text);
    return bad;
}

int cov_load(cov_ctx *x)
{
    if (!x->kb) /* a command may have loaded it already (baseline check) */
        x->kb = cli_load_attack(x->o);
    if (!x->kb)
        return EXIT_INPUT;
    vg_diags *d = vg_diags_new();
    int rc = load_rules(x, d);
    if (rc || !x->o->quiet || vg_diags_count_at(d, VG_SEV_ERROR))
        cli_print_diags(d, stderr, 0);
    vg_diags_clear(d);
    if (rc) {
        vg_diags_free(d);
        return EXIT_INPUT;
    }
    x->cov = vg_coverage_new(x->kb, x->rs, VG_DOMAIN_ENTERPRISE);
    int bad = !x->cov;
    for (int i = 0; !bad && i < x->n_enabled; i++)
        bad |= enable(x, x->enabled[i]);
    if (!bad && (x->n_logs || x->db)) {
        bad = !(x->inv = vg_inventory_new());
        for (int i = 0; x->inv && i < x->n_logs; i++)
            bad |= cov_walk(x->logs[i], to_inventory, x->inv, &x->files, &x->events);
        if (!bad && x->db)
            bad |= load_db(x, d);
        if (!bad)
            bad |= vg_coverage_add_inventory(x->cov, x->inv) != 0;
    }
    if (!bad && x->inventory) {
        bad |= vg_coverage_load_inventory(x->cov, x->inventory, x->host_group, d) != 0;
        cli_print_diags(d, stderr, 0);
    }
    if (!bad && x->manifest)
        bad |= cov_run_manifest(x, x->manifest, NULL) != 0;
    if (!bad)
        bad |= vg_coverage_compute(x->cov) != 0;
    vg_diags_free(d);
    return bad ? EXIT_INPUT : EXIT_OK;
}

void cov_free(cov_ctx *x)
{
    vg_coverage_free(x->cov);
    vg_inventory_free(x->inv);
    vg_ruleset_free(x->rs);
    vg_profile_free(x->prof);
    vg_attack_free(x->kb);
}

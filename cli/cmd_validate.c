/*
 * cmd_validate.c - `vigil validate MANIFEST`: evidence-based coverage.
 *
 * A manifest (vg_manifest_load, docs/coverage.md) names files or folders of recorded attacks
 * and the techniques or tactics they contain. Every entry is read like `vigil scan` reads logs
 * (cov_walk) and matched with every loaded rule, deployed or not. Per label, in manifest order:
 * detected (a rule that fired counts for it: vg_manifest_rule_detects), missed (events were
 * read, no such rule fired) or no data (no events). Detections are marked in the coverage with
 * vg_coverage_mark_validated: a technique label marks the rule and the technique; a tactic label
 * marks the rule and those of its techniques that belong to the tactic. The same run feeds
 * `vigil coverage --validated MANIFEST`, where nothing is printed.
 */
#include <stdlib.h>
#include <string.h>

#include "cov.h"

typedef struct label_res {
    const vg_attack_obj *o;
    unsigned long long events;
    size_t files;
    uint8_t *hit;   /* by rule index: fired and counts for this label */
    uint8_t *other; /* by rule index: fired on its data without counting for it */
} label_res;

typedef struct walk_ud {
    vg_matcher *m;
    uint8_t *fired; /* by rule index, for the current entry */
} walk_ud;

static int on_match(const vg_rule *rule, void *ud)
{
    ((walk_ud *)ud)->fired[rule->index] = 1;
    return 0;
}

static void on_event(const vg_event *ev, const char *file, void *ud)
{
    (void)file;
    walk_ud *w = ud;
    vg_matcher_run(w->m, ev, on_match, w);
}

static size_t count(const uint8_t *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += v[i];
    return k;
}

static const char *rule_label(const vg_rule *r)
{
    return *r->title ? r->title : r->id;
}

static const char *result_of(const label_res *l, size_t nr)
{
    return !l->events ? "no data" : count(l->hit, nr) ? "detected" : "missed";
}

static void report_text(const cov_ctx *x, const char *manifest, const label_res *labs, size_t nl,
                        size_t entries, size_t files, unsigned long long events, FILE *f)
{
    size_t nr = vg_ruleset_count(x->rs), by[3] = {0};
    fprintf(f, "vigil validate %s - %zu entr%s, %zu file%s, %llu event%s, %zu rules\n\n", manifest,
            entries, entries == 1 ? "y" : "ies", files, files == 1 ? "" : "s", events,
            events == 1 ? "" : "s", nr);
    for (size_t i = 0; i < nl; i++) {
        const label_res *l = &labs[i];
        const char *res = result_of(l, nr);
        by[res[0] == 'd' ? 0 : res[0] == 'm' ? 1 : 2]++;
        fprintf(f, "%-10s %-34.34s %-9s", l->o->attack_id, l->o->name, res);
        size_t nh = count(l->hit, nr), no = count(l->other, nr);
        if (!l->events)
            fprintf(f, " no events read\n");
        else if (nh)
            fprintf(f, " %zu rule%s fired\n", nh, nh == 1 ? "" : "s");
        else
            fprintf(f, " %llu event%s; no rule for it fired (%zu other%s did)\n", l->events,
                    l->events == 1 ? "" : "s", no, no == 1 ? "" : "s");
        for (size_t r = 0; r < nr; r++)
            if (l->hit[r])
                fprintf(f, "           + %s\n", rule_label(vg_ruleset_rule(x->rs, r)));
    }
    fprintf(f, "\n%zu detected, %zu missed, %zu without data\n", by[0], by[1], by[2]);
}

static void report_json(const cov_ctx *x, const char *manifest, const label_res *labs, size_t nl,
                        FILE *f)
{
    size_t nr = vg_ruleset_count(x->rs);
    jw w;
    jw_init(&w, f);
    jw_obj(&w);
    jw_kint(&w, "vigil_validate", 1);
    jw_kstr(&w, "manifest", manifest);
    jw_key(&w, "labels");
    jw_arr(&w);
    for (size_t i = 0; i < nl; i++) {
        jw_obj(&w);
        jw_kstr(&w, "id", labs[i].o->attack_id);
        jw_kstr(&w, "name", labs[i].o->name);
        jw_kstr(&w, "kind", labs[i].o->kind == VG_ATTACK_TACTIC ? "tactic" : "technique");
        jw_kstr(&w, "result", result_of(&labs[i], nr));
        jw_kint(&w, "events", (long long)labs[i].events);
        jw_key(&w, "rules");
        jw_arr(&w);
        for (size_t r = 0; r < nr; r++)
            if (labs[i].hit[r])
                jw_str(&w, vg_ruleset_rule(x->rs, r)->id);
        jw_end(&w, ']');
        jw_kint(&w, "other_rules_fired", (long long)count(labs[i].other, nr));
        jw_end(&w, '}');
    }
    jw_end(&w, ']');
    jw_end(&w, '}');
    fputc('\n', f);
}

static label_res *label_of(label_res *labs, size_t *nl, const vg_attack_obj *o, size_t nr)
{
    for (size_t i = 0; i < *nl; i++)
        if (labs[i].o == o)
            return &labs[i];
    label_res *l = &labs[(*nl)++];
    l->o = o;
    l->hit = calloc(nr + 1, 1);
    l->other = calloc(nr + 1, 1);
    return l->hit && l->other ? l : NULL;
}

static void mark(cov_ctx *x, const label_res *l)
{
    size_t nr = vg_ruleset_count(x->rs);
    for (size_t r = 0; r < nr; r++) {
        if (!l->hit[r])
            continue;
        const vg_rule *rule = vg_ruleset_rule(x->rs, r);
        if (l->o->kind != VG_ATTACK_TACTIC) {
            vg_coverage_mark_validated(x->cov, rule, l->o);
            continue;
        }
        for (size_t t = 0; t < rule->n_techniques; t++) {
            const vg_attack_obj *tech = vg_attack_resolve(rule->techniques[t]);
            for (size_t k = 0; k < tech->n_tactics; k++)
                if (tech->tactics[k] == l->o)
                    vg_coverage_mark_validated(x->cov, rule, tech);
        }
    }
}

int cov_run_manifest(cov_ctx *x, const char *manifest, FILE *report)
{
    vg_diags *d = vg_diags_new();
    vg_manifest *m = NULL;
    int rc = vg_manifest_load(x->kb, manifest, x->base, &m, d);
    cli_print_diags(d, stderr, 0);
    vg_diags_free(d);
    if (rc)
        return 1;
    const vg_manifest_entry *e;
    size_t ne = vg_manifest_entries(m, &e), nr = vg_ruleset_count(x->rs), cap = 0, nl = 0;
    for (size_t i = 0; i < ne; i++)
        cap += e[i].n_labels;
    label_res *labs = calloc(cap + 1, sizeof *labs);
    walk_ud w = {.m = vg_matcher_new(x->rs), .fired = calloc(nr + 1, 1)};
    int bad = !labs || !w.m || !w.fired;
    size_t files = 0;
    unsigned long long events = 0;
    for (size_t i = 0; !bad && i < ne; i++) {
        memset(w.fired, 0, nr + 1);
        size_t f0 = files;
        unsigned long long e0 = events;
        bad |= cov_walk(e[i].path, on_event, &w, &files, &events);
        for (size_t k = 0; !bad && k < e[i].n_labels; k++) {
            label_res *l = label_of(labs, &nl, e[i].labels[k], nr);
            if (!l) {
                bad = 1;
                break;
            }
            l->events += events - e0;
            l->files += files - f0;
            for (size_t r = 0; r < nr; r++)
                if (w.fired[r]) {
                    if (vg_manifest_rule_detects(vg_ruleset_rule(x->rs, r), l->o))
                        l->hit[r] = 1;
                    else
                        l->other[r] = 1;
                }
        }
    }
    for (size_t i = 0; !bad && i < nl; i++)
        mark(x, &labs[i]);
    if (!bad && report) {
        if (x->o->json)
            report_json(x, manifest, labs, nl, report);
        else
            report_text(x, manifest, labs, nl, ne, files, events, report);
    }
    for (size_t i = 0; labs && i < nl; i++) {
        free(labs[i].hit);
        free(labs[i].other);
    }
    free(labs);
    free(w.fired);
    vg_matcher_free(w.m);
    vg_manifest_free(m);
    return bad;
}

int cmd_validate(int argc, char **argv, cli_opts *o)
{
    cov_ctx x = {.o = o, .cmd = "validate"};
    const char *manifest = NULL;
    for (int i = 1; i < argc; i++) {
        int t = cov_take_option(&x, argc, argv, &i);
        if (t < 0)
            return EXIT_USAGE;
        if (t > 0)
            continue;
        if (strcmp(argv[i], "--help") == 0)
            return cli_help("validate", stdout);
        if (argv[i][0] == '-' || manifest) {
            cli_usage_error("validate", "bad argument '%s'", argv[i]);
            return EXIT_USAGE;
        }
        manifest = argv[i];
    }
    if (!manifest) {
        cli_usage_error("validate", "give a manifest (docs/coverage.md, \"Validation\")");
        return EXIT_USAGE;
    }
    x.manifest = NULL; /* --validated does not apply: this run is the validation */
    int rc = cov_load(&x);
    if (!rc && cov_run_manifest(&x, manifest, stdout))
        rc = EXIT_INPUT;
    cov_free(&x);
    return rc;
}

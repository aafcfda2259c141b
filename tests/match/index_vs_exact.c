/*
 * index_vs_exact.c - the rule index must never change an answer.
 *
 * usage: index_vs_exact SHARED_DIR
 * Compiles every Windows rule of SHARED_DIR/sigma (rules, emerging threats, threat hunting,
 * deprecated, unsupported) with the "both" profile, then evaluates each event of the shared
 * data twice, once through the index (vg_matcher_run) and once exhaustively
 * (vg_matcher_set_exact), and compares the lists of matching rules event by event: the
 * oracle's flattened events, every record of every EVTX file under SHARED_DIR/evtx, and the
 * JSON events of the SigmaHQ regression cases. Prints the counts, each difference, and
 * "N passed, N failed". Without shared data it says so and passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../walk.h"
#include "vigil.h"

typedef struct hits {
    uint32_t idx[4096];
    size_t n;
} hits;

static int collect(const vg_rule *r, void *ud)
{
    hits *h = ud;
    if (h->n < 4096)
        h->idx[h->n++] = r->index;
    return 0;
}

static unsigned long long events, matches, diffs;

static void check(vg_matcher *fast, vg_matcher *slow, const vg_ruleset *rs, vg_event *ev,
                  const char *where, unsigned long long n)
{
    hits a = {.n = 0}, b = {.n = 0};
    vg_matcher_run(fast, ev, collect, &a);
    vg_matcher_run(slow, ev, collect, &b);
    events++;
    matches += b.n;
    if (a.n == b.n && memcmp(a.idx, b.idx, a.n * sizeof a.idx[0]) == 0)
        return;
    diffs++;
    printf("DIFF %s #%llu: index %zu matches, exact %zu\n", where, n, a.n, b.n);
    for (size_t i = 0; i < b.n; i++)
        printf("  exact: %s %s\n", vg_ruleset_rule(rs, b.idx[i])->id,
               vg_ruleset_rule(rs, b.idx[i])->title);
    for (size_t i = 0; i < a.n; i++)
        printf("  index: %s %s\n", vg_ruleset_rule(rs, a.idx[i])->id,
               vg_ruleset_rule(rs, a.idx[i])->title);
}

static void run_input(const char *path, vg_matcher *f, vg_matcher *s, const vg_ruleset *rs,
                      vg_event *ev)
{
    vg_input *in;
    if (vg_input_open(path, VG_JSON_AUTO, NULL, &in))
        return;
    unsigned long long n = 0;
    while (vg_input_next(in, ev, NULL) == 1)
        check(f, s, rs, ev, path, ++n);
    vg_input_close(in);
}

/* run_input over each file of a folder (vg_test_walk). */
typedef struct walk_ctx {
    vg_matcher *f, *s;
    const vg_ruleset *rs;
    vg_event *ev;
} walk_ctx;

static void run_one(const char *path, void *ud)
{
    walk_ctx *c = ud;
    run_input(path, c->f, c->s, c->rs, c->ev);
}

int main(int argc, char **argv)
{
    char path[4096];
    struct stat st;
    if (argc < 2) {
        fprintf(stderr, "usage: index_vs_exact SHARED_DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/sigma/rules", argv[1]);
    if (stat(path, &st) != 0) {
        printf("shared data not found at %s; skipping the index comparison\n", argv[1]);
        printf("0 passed, 0 failed, 1 skipped\n");
        return 0;
    }
    vg_attack *kb = vg_attack_new();
    vg_attack_load_embedded(kb, NULL);
    vg_attack_finalize(kb, NULL);
    int failed = 0;
    /* "both" holds every route of "sysmon" and "windows" (each with its own field map) */
    static const char *const profiles[] = {"both"};
    const size_t n_profiles = sizeof profiles / sizeof profiles[0];
    for (size_t p = 0; p < n_profiles; p++) {
        vg_profile *prof;
        vg_profile_load(profiles[p], &prof, NULL);
        vg_ruleset *rs = vg_ruleset_new(kb, prof);
        static const char *const sets[] = {"sigma/rules/windows", "sigma/rules-emerging-threats",
                                           "sigma/rules-threat-hunting", "sigma/deprecated",
                                           "sigma/unsupported"};
        for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
            snprintf(path, sizeof path, "%s/%s", argv[1], sets[i]);
            vg_ruleset_add_path(rs, path, NULL);
        }
        vg_ruleset_finalize(rs, NULL);
        vg_matcher *fast = vg_matcher_new(rs), *slow = vg_matcher_new(rs);
        vg_matcher_set_exact(slow, 1);
        vg_event *ev = vg_event_new();
        events = matches = diffs = 0;
        snprintf(path, sizeof path, "%s/oracle/events/flat.jsonl", argv[1]);
        run_input(path, fast, slow, rs, ev);
        walk_ctx ctx = {fast, slow, rs, ev};
        snprintf(path, sizeof path, "%s/evtx", argv[1]);
        vg_test_walk(path, ".evtx", run_one, &ctx);
        snprintf(path, sizeof path, "%s/sigma/regression_data", argv[1]);
        vg_test_walk(path, ".evtx", run_one, &ctx);
        printf("profile %s: %zu rules, %llu events, %llu matches, %llu differences\n", profiles[p],
               vg_ruleset_count(rs), events, matches, diffs);
        failed += diffs > 0;
        vg_event_free(ev);
        vg_matcher_free(fast);
        vg_matcher_free(slow);
        vg_ruleset_free(rs);
        vg_profile_free(prof);
    }
    vg_attack_free(kb);
    printf("%d passed, %d failed\n", (int)n_profiles - failed, failed);
    return failed ? 1 : 0;
}

/*
 * bench_match.c - detection throughput: rules compiled, events read and matched.
 *
 * usage: bench_match [--min-events N] [--threads T] [--exact] [--rules DIR]... INPUT...
 *        bench_match --compile-only --rules DIR...   (the compile and index times only)
 *        bench_match --read-only ...   (events read into vg_event, not matched: the read bound)
 * Compiles the rules (timed: YAML and Sigma compile, then the index on the first matcher),
 * reads every INPUT (EVTX or JSON lines) into memory once, then reads and matches them again
 * and again from memory until at least N events were processed, with T threads sharing the
 * inputs (each its own matcher and event; the inputs are split by file, and a single file is
 * repeated per thread). Reports events/s for the read+match loop, peak RSS, and a hash of the
 * (rule, event) pairs so that a faster build that changes an answer is caught.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "vigil.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct job {
    const vg_ruleset *rs;
    char **inputs;
    int n_inputs, first, step, exact, read_only;
    unsigned long long min_events, events, matches, hash;
} job;

static int on_match(const vg_rule *r, void *ud)
{
    job *j = ud;
    j->matches++;
    j->hash = j->hash * 1000003u + r->index + 1 + j->events;
    return 0;
}

static void *run(void *arg)
{
    job *j = arg;
    vg_matcher *m = vg_matcher_new(j->rs);
    vg_event *ev = vg_event_new();
    if (j->exact)
        vg_matcher_set_exact(m, 1);
    while (j->events < j->min_events) {
        for (int i = j->first; i < j->n_inputs; i += j->step) {
            vg_input *in;
            if (vg_input_open(j->inputs[i], VG_JSON_AUTO, NULL, &in))
                continue;
            while (vg_input_next(in, ev, NULL) == 1) {
                if (!j->read_only)
                    vg_matcher_run(m, ev, on_match, j);
                j->events++;
            }
            vg_input_close(in);
        }
        if (!j->events)
            break;
    }
    vg_event_free(ev);
    vg_matcher_free(m);
    return NULL;
}

int main(int argc, char **argv)
{
    unsigned long long min_events = 200000;
    int threads = 1, exact = 0, read_only = 0, n_rules = 0, n_inputs = 0, compile_only = 0;
    const char *rules[64];
    char **inputs = calloc((size_t)argc, sizeof *inputs);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--min-events") && i + 1 < argc)
            min_events = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rules") && i + 1 < argc && n_rules < 64)
            rules[n_rules++] = argv[++i];
        else if (!strcmp(argv[i], "--exact"))
            exact = 1;
        else if (!strcmp(argv[i], "--read-only"))
            read_only = 1;
        else if (!strcmp(argv[i], "--compile-only"))
            compile_only = 1;
        else
            inputs[n_inputs++] = argv[i];
    }
    if ((!n_inputs && !compile_only) || !n_rules || threads < 1 || threads > 64) {
        fprintf(stderr, "usage: bench_match [--min-events N] [--threads T] [--exact] "
                        "--rules DIR... INPUT...\n"
                        "       bench_match --compile-only --rules DIR...\n");
        return 2;
    }
    vg_attack *kb = vg_attack_new();
    vg_attack_load_embedded(kb, NULL);
    vg_attack_finalize(kb, NULL);
    double t0 = now();
    vg_ruleset *rs = vg_ruleset_new(kb, NULL);
    for (int i = 0; i < n_rules; i++)
        vg_ruleset_add_path(rs, rules[i], NULL);
    vg_ruleset_finalize(rs, NULL);
    double t1 = now();
    vg_matcher *warm = vg_matcher_new(rs);
    vg_event *empty = vg_event_new();
    vg_matcher_run(warm, empty, NULL, NULL); /* the first run builds the index */
    double t2 = now();
    vg_event_free(empty);
    vg_matcher_free(warm);
    size_t det = 0;
    for (size_t i = 0; i < vg_ruleset_count(rs); i++)
        det += vg_ruleset_rule(rs, i)->kind == VG_RULE_DETECTION;
    if (compile_only) {
        printf("  rules: %zu rules (%zu detection) compiled in %.3f s, index built in %.3f s\n",
               vg_ruleset_count(rs), det, t1 - t0, t2 - t1);
        free(inputs);
        vg_ruleset_free(rs);
        vg_attack_free(kb);
        return 0;
    }
    job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    double t3 = now();
    for (int t = 0; t < threads; t++) {
        int split = n_inputs >= threads; /* several files: share them; one file: repeat it */
        jobs[t] = (job){rs,
                        inputs,
                        n_inputs,
                        split ? t : 0,
                        split ? threads : 1,
                        exact,
                        read_only,
                        min_events / (unsigned long long)threads,
                        0,
                        0,
                        0};
        pthread_create(&tid[t], NULL, run, &jobs[t]);
    }
    unsigned long long events = 0, matches = 0, hash = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        events += jobs[t].events;
        matches += jobs[t].matches;
        hash += jobs[t].hash;
    }
    double t4 = now();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("  rules: %zu detection rules compiled in %.3f s, index built in %.3f s\n", det, t1 - t0,
           t2 - t1);
    printf("  %s, %d thread%s: %llu events, %llu matches in %.2f s = %.0f events/s "
           "(%.0f per thread); peak RSS %ld MB; result hash %016llx\n",
           read_only ? "read only (no matching)"
           : exact   ? "exact (every rule)"
                     : "indexed",
           threads, threads == 1 ? "" : "s", events, matches, t4 - t3, (double)events / (t4 - t3),
           (double)events / (t4 - t3) / threads, ru.ru_maxrss / 1024, hash);
    free(jobs);
    free(tid);
    free(inputs);
    vg_ruleset_free(rs);
    vg_attack_free(kb);
    return 0;
}

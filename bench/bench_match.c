/*
 * bench_match.c - detection throughput: rules compiled, events read and matched.
 *
 * usage: bench_match [--min-events N] [--min-mb MB] [--threads T] [--exact] [--rules DIR]...
 *                    INPUT...
 *        bench_match --compile-only --rules DIR...   (the compile and index times only)
 *        --load-threads L: threads compiling the rule folders (default 0: one per CPU)
 *        bench_match --read-only ...   (events read into vg_event, not matched: the read bound)
 * Compiles the rules (timed: YAML and Sigma compile, then the index on the first matcher),
 * then reads every INPUT (EVTX or JSON lines, from the page cache after the first pass) and
 * matches its events, again and again until at least N events (default 200,000, or none when
 * only --min-mb is given) and at least MB megabytes of input files were processed; a pass over
 * the inputs is never cut short, so --min-events 1 is exactly one pass. T threads share the
 * work (each its own matcher and event, and 1/T of both minimums; the inputs are split by
 * file, and a single file is repeated per thread). Reports events/s and MB/s for the read+match
 * loop, peak RSS (also with --compile-only), and a hash of the (rule, event) pairs so that a
 * faster build that changes an answer is caught; exits 1 if no event could be read.
 * bench/detection.sh parses these lines.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
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
    unsigned long long min_events, min_bytes, events, bytes, matches, hash;
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
    while (j->events < j->min_events || j->bytes < j->min_bytes) {
        unsigned long long before = j->events;
        for (int i = j->first; i < j->n_inputs; i += j->step) {
            vg_input *in;
            struct stat st;
            if (vg_input_open(j->inputs[i], VG_JSON_AUTO, NULL, &in))
                continue;
            if (stat(j->inputs[i], &st) == 0 && S_ISREG(st.st_mode))
                j->bytes += (unsigned long long)st.st_size;
            while (vg_input_next(in, ev, NULL) == 1) {
                if (!j->read_only)
                    vg_matcher_run(m, ev, on_match, j);
                j->events++;
            }
            vg_input_close(in);
        }
        if (j->events == before) /* nothing readable: do not spin */
            break;
    }
    vg_event_free(ev);
    vg_matcher_free(m);
    return NULL;
}

int main(int argc, char **argv)
{
    unsigned long long min_events = 200000, min_bytes = 0;
    int have_min_events = 0;
    int threads = 1, exact = 0, read_only = 0, n_rules = 0, n_inputs = 0, compile_only = 0;
    int load_threads = 0;
    const char *rules[64];
    char **inputs = calloc((size_t)argc, sizeof *inputs);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--min-events") && i + 1 < argc) {
            min_events = strtoull(argv[++i], NULL, 10);
            have_min_events = 1;
        } else if (!strcmp(argv[i], "--min-mb") && i + 1 < argc)
            min_bytes = strtoull(argv[++i], NULL, 10) * 1000000ull;
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--load-threads") && i + 1 < argc)
            load_threads = atoi(argv[++i]);
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
        fprintf(stderr, "usage: bench_match [--min-events N] [--min-mb MB] [--threads T] [--exact] "
                        "[--read-only] --rules DIR... INPUT...\n"
                        "       bench_match --compile-only --rules DIR...\n");
        return 2;
    }
    if (min_bytes && !have_min_events)
        min_events = 0;
    vg_attack *kb = vg_attack_new();
    vg_attack_load_embedded(kb, NULL);
    vg_attack_finalize(kb, NULL);
    double t0 = now();
    vg_ruleset *rs = vg_ruleset_new(kb, NULL);
    vg_ruleset_set_load_threads(rs, load_threads);
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
    struct rusage ru;
    if (compile_only) {
        getrusage(RUSAGE_SELF, &ru);
        printf("  rules: %zu rules (%zu detection) compiled in %.3f s, index built in %.3f s; "
               "peak RSS %ld MB\n",
               vg_ruleset_count(rs), det, t1 - t0, t2 - t1, ru.ru_maxrss / 1024);
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
        unsigned long long n = (unsigned long long)threads;
        jobs[t] = (job){.rs = rs,
                        .inputs = inputs,
                        .n_inputs = n_inputs,
                        .first = split ? t : 0,
                        .step = split ? threads : 1,
                        .exact = exact,
                        .read_only = read_only,
                        .min_events = (min_events + n - 1) / n,
                        .min_bytes = (min_bytes + n - 1) / n};
        pthread_create(&tid[t], NULL, run, &jobs[t]);
    }
    unsigned long long events = 0, bytes = 0, matches = 0, hash = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        events += jobs[t].events;
        bytes += jobs[t].bytes;
        matches += jobs[t].matches;
        hash += jobs[t].hash;
    }
    double t4 = now();
    getrusage(RUSAGE_SELF, &ru);
    printf("  rules: %zu detection rules compiled in %.3f s, index built in %.3f s\n", det, t1 - t0,
           t2 - t1);
    printf("  %s, %d thread%s: %llu events (%.1f MB), %llu matches in %.2f s = %.0f events/s "
           "(%.0f per thread, %.1f MB/s); peak RSS %ld MB; result hash %016llx\n",
           read_only ? "read only (no matching)"
           : exact   ? "exact (every rule)"
                     : "indexed",
           threads, threads == 1 ? "" : "s", events, (double)bytes / 1e6, matches, t4 - t3,
           (double)events / (t4 - t3), (double)events / (t4 - t3) / threads,
           (double)bytes / 1e6 / (t4 - t3), ru.ru_maxrss / 1024, hash);
    if (!events)
        fprintf(stderr, "bench_match: no event was read from the inputs\n");
    free(jobs);
    free(tid);
    free(inputs);
    vg_ruleset_free(rs);
    vg_attack_free(kb);
    return events ? 0 : 1;
}

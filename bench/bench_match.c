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
 * the inputs is never cut short, so --min-events 1 is exactly one pass (with one input and T
 * threads, T passes: each thread reads it as often). T threads share the work through one
 * queue of (pass, file) items, each thread with its own matcher and event taking the next
 * item when it is done with one, so that no thread idles while another still has files of its
 * share (a split fixed in advance left one thread with 15% more work on the EVTX files and the
 * other idle at the end). The first pass decides how many passes are run. Reports events/s
 * and MB/s for the read+match loop, peak RSS (also with --compile-only), per thread its
 * events, busy time and CPU time (the kernel shares a busy machine between sessions, not
 * threads, so CPU time shows what the threads cost when wall time cannot), and a hash of the
 * (rule, event) pairs so that a faster build that changes an answer is caught: the pairs of
 * each item are folded apart and combined in item order, so the hash is the same with any
 * number of threads. Exits 1 if no event could be read.
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

/* The work shared by the threads: items n = pass * n_inputs + file, taken in order. */
typedef struct queue {
    pthread_mutex_t lock;
    char **inputs;
    int n_inputs, threads;
    unsigned long long min_events, min_bytes, pass_bytes, first_events;
    size_t next, first_done;
    long passes; /* -1 until pass 0 is done */
} queue;

/* What one item gave: with its events counted from 0, the (rule, event) pairs folded into
 * a = a * P + rule + 1 + event, b = b * P + 1 and k = P^matches, so that the hash of all items
 * in order is h = h * k + a + (events before the item) * b (the hash of one thread running
 * every item in turn). */
typedef struct result {
    size_t item;
    unsigned long long events, bytes, matches, a, b, k;
} result;

#define HASH_P 1000003u

typedef struct job {
    queue *q;
    const vg_ruleset *rs;
    int exact, read_only;
    result cur, *res;
    size_t n_res, cap_res;
    double busy, cpu, ended; /* cpu: the thread's CPU time */
} job;

static int on_match(const vg_rule *r, void *ud)
{
    result *c = &((job *)ud)->cur;
    c->matches++;
    c->a = c->a * HASH_P + r->index + 1 + c->events;
    c->b = c->b * HASH_P + 1;
    c->k *= HASH_P;
    return 0;
}

/* Whole passes until both minimums are met, from pass 0 (one when it read nothing). */
static long passes_needed(const queue *q)
{
    unsigned long long p = 1, e = q->first_events, b = q->pass_bytes;
    if (e && q->min_events > e)
        p = (q->min_events + e - 1) / e;
    if (e && b && q->min_bytes > p * b)
        p = (q->min_bytes + b - 1) / b;
    if (e && q->n_inputs == 1 && p % (unsigned)q->threads) /* one file: as many passes each */
        p += (unsigned)q->threads - p % (unsigned)q->threads;
    return (long)p;
}

/* The next item to read, or 0 when the run is over. Until pass 0 is done, items of the next
 * passes are taken too; those past the passes needed are left out of the results. */
static int take(queue *q, size_t *item)
{
    pthread_mutex_lock(&q->lock);
    int more = q->passes < 0 || q->next < (size_t)q->passes * (size_t)q->n_inputs;
    if (more)
        *item = q->next++;
    pthread_mutex_unlock(&q->lock);
    return more;
}

static void *run(void *arg)
{
    job *j = arg;
    queue *q = j->q;
    vg_matcher *m = vg_matcher_new(j->rs);
    vg_event *ev = vg_event_new();
    if (j->exact)
        vg_matcher_set_exact(m, 1);
    size_t item;
    while (take(q, &item)) {
        double t0 = now();
        const char *path = q->inputs[item % (size_t)q->n_inputs];
        j->cur = (result){.item = item, .k = 1};
        vg_input *in;
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            j->cur.bytes = (unsigned long long)st.st_size;
        if (vg_input_open(path, VG_JSON_AUTO, NULL, &in) == 0) {
            while (vg_input_next(in, ev, NULL) == 1) {
                if (!j->read_only)
                    vg_matcher_run(m, ev, on_match, j);
                j->cur.events++;
            }
            vg_input_close(in);
        }
        if (j->n_res == j->cap_res) {
            j->cap_res = j->cap_res ? j->cap_res * 2 : 256;
            j->res = realloc(j->res, j->cap_res * sizeof *j->res);
            if (!j->res) {
                fprintf(stderr, "bench_match: out of memory\n");
                exit(2);
            }
        }
        j->res[j->n_res++] = j->cur;
        j->busy += now() - t0;
        if (item < (size_t)q->n_inputs) {
            pthread_mutex_lock(&q->lock);
            q->first_events += j->cur.events;
            if (++q->first_done == (size_t)q->n_inputs)
                q->passes = passes_needed(q);
            pthread_mutex_unlock(&q->lock);
        }
    }
    vg_event_free(ev);
    vg_matcher_free(m);
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    j->cpu = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    j->ended = now();
    return NULL;
}

static int by_item(const void *a, const void *b)
{
    size_t x = ((const result *)a)->item, y = ((const result *)b)->item;
    return x < y ? -1 : x > y;
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
    queue q = {.inputs = inputs,
               .n_inputs = n_inputs,
               .threads = threads,
               .min_events = min_events,
               .min_bytes = min_bytes,
               .passes = -1};
    pthread_mutex_init(&q.lock, NULL);
    for (int i = 0; i < n_inputs; i++) {
        struct stat st;
        if (stat(inputs[i], &st) == 0 && S_ISREG(st.st_mode))
            q.pass_bytes += (unsigned long long)st.st_size;
    }
    job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    double t3 = now();
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job){.q = &q, .rs = rs, .exact = exact, .read_only = read_only};
        pthread_create(&tid[t], NULL, run, &jobs[t]);
    }
    for (int t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    double t4 = now();
    /* the items in order, whichever thread read them */
    size_t n_res = 0;
    for (int t = 0; t < threads; t++)
        n_res += jobs[t].n_res;
    result *all = malloc((n_res ? n_res : 1) * sizeof *all);
    n_res = 0;
    for (int t = 0; t < threads; t++) {
        memcpy(all + n_res, jobs[t].res, jobs[t].n_res * sizeof *all);
        n_res += jobs[t].n_res;
    }
    qsort(all, n_res, sizeof *all, by_item);
    while (n_res && all[n_res - 1].item >= (size_t)q.passes * (size_t)n_inputs)
        n_res--; /* taken before pass 0 was done, and not needed */
    unsigned long long events = 0, bytes = 0, matches = 0, hash = 0;
    for (size_t i = 0; i < n_res; i++) {
        hash = hash * all[i].k + all[i].a + events * all[i].b;
        events += all[i].events;
        bytes += all[i].bytes;
        matches += all[i].matches;
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("  rules: %zu detection rules compiled in %.3f s, index built in %.3f s\n", det, t1 - t0,
           t2 - t1);
    for (int t = 0; t < threads; t++) {
        unsigned long long ev = 0;
        for (size_t i = 0; i < jobs[t].n_res; i++)
            ev += jobs[t].res[i].events;
        printf("  thread %d: %zu files read, %llu events, busy %.2f s (CPU %.2f s), done %.2f s "
               "before the end\n",
               t + 1, jobs[t].n_res, ev, jobs[t].busy, jobs[t].cpu, t4 - jobs[t].ended);
    }
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
    for (int t = 0; t < threads; t++)
        free(jobs[t].res);
    free(all);
    free(jobs);
    free(tid);
    free(inputs);
    vg_ruleset_free(rs);
    vg_attack_free(kb);
    return events ? 0 : 1;
}

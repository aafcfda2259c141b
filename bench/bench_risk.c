/*
 * bench_risk.c - risk scoring and incident-rule evaluation at scale.
 *
 * Generates a fixed-seed stream of risk events (default 10,000,000 over 100,000 objects, 60
 * source rules with one to three ATT&CK tactics each, levels low to critical, times over 30
 * days, arriving in random order), adds them to a vg_risk_engine with the default
 * configuration (base score -> calculated score with the factors, arithmetic text interned),
 * then runs the two default incident rules. Prints events/s for adding (scoring) and for
 * evaluation with the CPU time of each phase (the wall clock suffers when the machine is
 * shared), the notables raised, peak RSS, and an FNV-1a hash of every notable's id, score
 * and event count so that a faster build that changes an answer is caught.
 *
 * With --incremental the events are pushed (vg_risk_engine_push: each is evaluated as it
 * arrives, late ones re-evaluated in batches) and then flushed, as `vigil scan --risk` does;
 * the hash must be the same as the batch's.
 *
 * usage: bench_risk [--events N] [--objects N] [--seed S] [--incremental]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "vigil.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process (one thread): on a busy machine it says more than the wall clock. */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct acc {
    uint64_t hash;
    size_t notables, events;
} acc;

static int on_notable(const vg_notable *n, void *ud)
{
    acc *a = ud;
    char buf[128];
    int len = snprintf(buf, sizeof buf, "%s %.2f %zu;", n->id, n->score, n->n_events);
    for (int i = 0; i < len; i++) {
        a->hash ^= (unsigned char)buf[i];
        a->hash *= 0x100000001b3ull;
    }
    a->notables++;
    a->events += n->n_events;
    return 0;
}

int main(int argc, char **argv)
{
    size_t n_events = 10000000, n_objects = 100000;
    int incremental = 0;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--incremental") == 0) {
            incremental = 1;
            memmove(&argv[i], &argv[i + 1], (size_t)(argc - i - 1) * sizeof *argv);
            argc--;
        }
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--events") == 0)
            n_events = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--objects") == 0)
            n_objects = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0)
            rng = strtoull(argv[i + 1], NULL, 10) | 1;
    }
    static const char *const tactics[] = {"reconnaissance",  "resource-development",
                                          "initial-access",  "execution",
                                          "persistence",     "privilege-escalation",
                                          "defense-evasion", "credential-access",
                                          "discovery",       "lateral-movement",
                                          "collection",      "command-and-control",
                                          "exfiltration",    "impact"};
    enum { RULES = 60 };
    char rule_id[RULES][16], rule_tac[RULES][96], rule_tech[RULES][16];
    double rule_base[RULES];
    static const double bases[] = {21, 47, 73, 99};
    for (int r = 0; r < RULES; r++) {
        snprintf(rule_id[r], sizeof rule_id[r], "rule-%02d", r);
        snprintf(rule_tech[r], sizeof rule_tech[r], "T1%03d", r);
        int nt = 1 + (int)(next() % 3);
        size_t k = 0;
        for (int t = 0; t < nt; t++)
            k += (size_t)snprintf(rule_tac[r] + k, sizeof rule_tac[r] - k, "%s%s", t ? "," : "",
                                  tactics[next() % 14]);
        rule_base[r] = bases[next() % 4];
    }
    char(*names)[32] = malloc(n_objects * sizeof *names);
    if (!names)
        return 1;
    for (size_t o = 0; o < n_objects; o++)
        snprintf(names[o], sizeof names[o], o % 4 ? "WKS-%06zu" : "CORP\\user%06zu", o);
    vg_risk_config *c;
    if (vg_risk_config_new(&c))
        return 1;
    vg_risk_engine *e = vg_risk_engine_new(c);
    const int64_t t0 = 1793577600000LL, span = 30LL * 86400000;
    double a0 = now(), c0 = cpu();
    for (size_t i = 0; i < n_events; i++) {
        /* skewed: a tenth of the objects get half the events */
        uint64_t x = next();
        size_t o = (x & 1) ? (size_t)(next() % (n_objects / 10 + 1)) : (size_t)(next() % n_objects);
        int r = (int)(next() % RULES);
        vg_risk_event re = {0};
        re.time_ms = t0 + (int64_t)(next() % (uint64_t)span);
        re.object = names[o];
        re.object_type = o % 4 ? VG_RISK_SYSTEM : VG_RISK_USER;
        re.rule_id = rule_id[r];
        re.rule_title = rule_id[r];
        re.tactics = rule_tac[r];
        re.techniques = rule_tech[r];
        re.base_score = rule_base[r];
        if (incremental ? vg_risk_engine_push(e, &re, 1, NULL, NULL)
                        : vg_risk_engine_add(e, &re, 1)) {
            fprintf(stderr, "bench_risk: out of memory at event %zu\n", i);
            return 1;
        }
    }
    double a1 = now(), c1 = cpu();
    acc ac = {0xcbf29ce484222325ull, 0, 0};
    int n = incremental ? vg_risk_engine_flush(e, on_notable, &ac)
                        : vg_risk_engine_run(e, on_notable, &ac);
    double a2 = now(), c2 = cpu();
    if (n < 0)
        return 1;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bench_risk: %zu risk events over %zu objects, 60 rules, 30 days, 2 incident rules%s\n",
           n_events, n_objects, incremental ? ", incremental" : "");
    printf("  %-10s %.2f s (%.0f events/s), CPU %.2f s\n",
           incremental ? "push:" : "add+score:", a1 - a0, (double)n_events / (a1 - a0), c1 - c0);
    printf("  %-10s %.2f s (%.0f events/s), CPU %.2f s, %zu notables holding %zu events\n",
           incremental ? "flush:" : "evaluate:", a2 - a1, (double)n_events / (a2 - a1), c2 - c1,
           ac.notables, ac.events);
    printf("  total:     %.2f s (%.0f events/s), CPU %.2f s, peak RSS %.0f MB, hash %016llx\n",
           a2 - a0, (double)n_events / (a2 - a0), c2 - c0, (double)ru.ru_maxrss / 1024.0,
           (unsigned long long)ac.hash);
    vg_risk_engine_free(e);
    vg_risk_config_free(c);
    free(names);
    return 0;
}

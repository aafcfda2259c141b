/*
 * bench_attack.c - how long loading ATT&CK takes, and how much memory it needs.
 *
 * Loads one or more STIX bundles (or the embedded catalogue) through the public API exactly as
 * the CLI does - vg_attack_new, vg_attack_load_file, vg_attack_finalize - a number of times and
 * reports the minimum and median wall time, user and system CPU time and minor page faults per
 * load. With --single it loads once and reports the process's peak resident set size
 * (getrusage ru_maxrss); run it in a fresh process so that the figure is that of one load and
 * not of the biggest of many. Following SQLite's speedtest1, every run also prints a hash of
 * what was loaded (every object's kind, flags, IDs, names, tactics and edge counts, and the
 * version label), so a faster build that changes an answer shows up next to its timing; runs
 * that disagree with the first one make the benchmark fail. --max-ms and --max-rss-mb turn a
 * goal into an exit status. bench/run.sh (`make bench`) runs the standard set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "vigil.h"

#ifndef VG_BENCH_DEFAULT_BUNDLE
#define VG_BENCH_DEFAULT_BUNDLE "../shared/attack/enterprise-attack.json"
#endif

#define MAX_FILES 8
#define MAX_RUNS  1000

typedef struct opts {
    const char *files[MAX_FILES];
    int n_files;
    int embedded;
    int runs;
    int single;
    double max_ms;     /* 0: no goal */
    double max_rss_mb; /* 0: no goal */
} opts;

/* One timed load. */
typedef struct sample {
    double wall, user, sys; /* seconds */
    long minflt;
} sample;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_sec(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* ---- result hash: FNV-1a 64 over everything a load decides ---- */

static void h_bytes(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 1099511628211ull;
    }
}

static void h_str(uint64_t *h, const char *s)
{
    h_bytes(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static void h_u64(uint64_t *h, uint64_t v)
{
    h_bytes(h, &v, sizeof v);
}

static uint64_t result_hash(const vg_attack *kb)
{
    uint64_t h = 14695981039346656037ull;
    h_str(&h, vg_attack_version(kb));
    for (unsigned b = 0; vg_attack_platform_name(kb, b); b++)
        h_str(&h, vg_attack_platform_name(kb, b));
    for (size_t i = 0; i < vg_attack_count(kb); i++) {
        const vg_attack_obj *o = vg_attack_at(kb, i);
        h_u64(&h, (uint64_t)o->kind);
        h_u64(&h, o->flags);
        h_u64(&h, o->domains);
        h_u64(&h, o->platforms);
        h_str(&h, o->stix_id);
        h_str(&h, o->attack_id);
        h_str(&h, o->name);
        h_str(&h, o->url);
        h_str(&h, o->shortname);
        h_str(&h, o->version);
        h_str(&h, o->modified);
        h_str(&h, o->parent ? o->parent->stix_id : NULL);
        h_str(&h, o->revoked_by ? o->revoked_by->stix_id : NULL);
        for (size_t t = 0; t < o->n_tactics; t++)
            h_str(&h, o->tactics[t]->stix_id);
        for (size_t a = 0; a < o->n_aliases; a++)
            h_str(&h, o->aliases[a]);
        for (size_t e = 0; e < o->n_out; e++) {
            h_u64(&h, (uint64_t)o->out[e].rel);
            h_u64(&h, o->out[e].other->index);
        }
        h_u64(&h, o->n_in);
        for (size_t l = 0; l < o->n_logsrc; l++) {
            h_str(&h, o->logsrc[l].name);
            h_str(&h, o->logsrc[l].channel);
        }
    }
    return h;
}

/* ---- one load ---- */

static void print_diags(const vg_diags *d)
{
    size_t n = vg_diags_count(d);
    for (size_t i = 0; i < n && i < 5; i++) {
        const vg_diag *g = vg_diags_get(d, i);
        fprintf(stderr, "bench_attack: %s: %s\n", g->file ? g->file : "-", g->message);
    }
}

/* Load what o names into a new knowledge base; NULL on failure (reported). */
static vg_attack *load(const opts *o)
{
    vg_attack *kb = vg_attack_new();
    vg_diags *d = vg_diags_new();
    int rc = kb && d ? 0 : VG_ERR_NOMEM;
    if (!rc && o->embedded)
        rc = vg_attack_load_embedded(kb, d);
    for (int i = 0; !rc && i < o->n_files; i++)
        rc = vg_attack_load_file(kb, o->files[i], d);
    if (!rc)
        rc = vg_attack_finalize(kb, d);
    if (rc) {
        print_diags(d);
        fprintf(stderr, "bench_attack: load failed: %s\n", vg_strerror(rc));
        vg_attack_free(kb);
        kb = NULL;
    }
    vg_diags_free(d);
    return kb;
}

static vg_attack *timed_load(const opts *o, sample *s)
{
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    double t0 = now();
    vg_attack *kb = load(o);
    double t1 = now();
    getrusage(RUSAGE_SELF, &r1);
    s->wall = t1 - t0;
    s->user = tv_sec(r1.ru_utime) - tv_sec(r0.ru_utime);
    s->sys = tv_sec(r1.ru_stime) - tv_sec(r0.ru_stime);
    s->minflt = r1.ru_minflt - r0.ru_minflt;
    return kb;
}

/* ---- reporting ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *what(const opts *o, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = 0;
    if (o->embedded)
        n += (size_t)snprintf(buf, cap, "embedded catalogue");
    for (int i = 0; i < o->n_files && n < cap; i++) {
        const char *base = strrchr(o->files[i], '/');
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? " + " : "",
                              base ? base + 1 : o->files[i]);
    }
    return buf;
}

/* What was loaded, in words: the release and the main counts. */
static void describe(const vg_attack *kb, char *buf, size_t cap)
{
    vg_attack_stats st;
    vg_attack_stats_get(kb, &st);
    size_t rels = 0;
    for (int r = 0; r < VG_REL_COUNT; r++)
        rels += st.rel[r];
    snprintf(buf, cap, "%s, %zu objects (%zu techniques, %zu groups, %zu software), %zu edges",
             vg_attack_version(kb), st.objects, st.kind[VG_ATTACK_TECHNIQUE],
             st.kind[VG_ATTACK_GROUP], st.kind[VG_ATTACK_SOFTWARE], rels);
}

static int run_many(const opts *o)
{
    static double wall[MAX_RUNS], user[MAX_RUNS], sys[MAX_RUNS], flt[MAX_RUNS];
    uint64_t first = 0;
    char name[512], loaded[256];
    int status = 0;
    for (int i = 0; i < o->runs; i++) {
        sample s;
        vg_attack *kb = timed_load(o, &s);
        if (!kb)
            return 3;
        uint64_t h = result_hash(kb);
        if (i == 0) {
            first = h;
            describe(kb, loaded, sizeof loaded);
        } else if (h != first) {
            fprintf(stderr, "bench_attack: run %d hashed %016llx, run 1 %016llx\n", i + 1,
                    (unsigned long long)h, (unsigned long long)first);
            status = 1;
        }
        vg_attack_free(kb);
        wall[i] = s.wall;
        user[i] = s.user;
        sys[i] = s.sys;
        flt[i] = (double)s.minflt;
    }
    double med = median(wall, o->runs); /* sorts wall: min and max are at the ends */
    double min = wall[0], max = wall[o->runs - 1];
    printf("%s: %d runs, wall min %.1f ms, median %.1f ms, max %.1f ms\n",
           what(o, name, sizeof name), o->runs, min * 1e3, med * 1e3, max * 1e3);
    printf("  median user %.1f ms, system %.1f ms, %.0f minor page faults; hash %016llx\n",
           median(user, o->runs) * 1e3, median(sys, o->runs) * 1e3, median(flt, o->runs),
           (unsigned long long)first);
    printf("  loaded: %s\n", loaded);
    if (o->max_ms > 0) {
        int ok = med * 1e3 < o->max_ms;
        printf("  goal: median under %.0f ms: %s\n", o->max_ms, ok ? "met" : "NOT MET");
        if (!ok)
            status = 1;
    }
    return status;
}

static int run_single(const opts *o)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    long base_kb = r.ru_maxrss;
    sample s;
    char name[512];
    vg_attack *kb = timed_load(o, &s);
    if (!kb)
        return 3;
    getrusage(RUSAGE_SELF, &r);
    uint64_t h = result_hash(kb);
    vg_attack_free(kb);
    double peak_mb = (double)r.ru_maxrss / 1024;
    printf("%s: one load in a fresh process, %.1f ms, %ld minor page faults\n",
           what(o, name, sizeof name), s.wall * 1e3, s.minflt);
    printf("  peak RSS %.1f MB (%.1f MB before loading); hash %016llx\n", peak_mb,
           (double)base_kb / 1024, (unsigned long long)h);
    int status = 0;
    if (o->max_rss_mb > 0) {
        int ok = peak_mb < o->max_rss_mb;
        printf("  goal: peak RSS under %.0f MB: %s\n", o->max_rss_mb, ok ? "met" : "NOT MET");
        status = !ok;
    }
    return status;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_attack [--runs N] [--single] [--embedded] [--max-ms MS]\n"
            "                    [--max-rss-mb MB] [BUNDLE...]\n"
            "  BUNDLE        STIX bundles loaded together into one knowledge base; default\n"
            "                $VG_BENCH_ATTACK, else %s\n"
            "  --embedded    load the embedded catalogue (and no default bundle)\n"
            "  --runs N      timed loads, each in a new knowledge base (default 10)\n"
            "  --single      one load, then the process's peak RSS (use a fresh process)\n"
            "  --max-ms MS   exit 1 unless the median load is under MS milliseconds\n"
            "  --max-rss-mb MB  with --single: exit 1 unless peak RSS is under MB\n"
            "Exit status: 0 ok, 1 goal missed or results differ between runs, 2 usage,\n"
            "3 load failed; a missing default bundle is skipped with a message (exit 0).\n",
            VG_BENCH_DEFAULT_BUNDLE);
}

static int num_arg(int argc, char **argv, int *i, double *out)
{
    if (*i + 1 >= argc)
        return -1;
    char *end;
    double v = strtod(argv[++*i], &end);
    if (*end || v <= 0)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    opts o = {.runs = 10};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double v;
        if (strcmp(a, "--runs") == 0 && num_arg(argc, argv, &i, &v) == 0 && v <= MAX_RUNS) {
            o.runs = (int)v;
        } else if (strcmp(a, "--single") == 0) {
            o.single = 1;
        } else if (strcmp(a, "--embedded") == 0) {
            o.embedded = 1;
        } else if (strcmp(a, "--max-ms") == 0 && num_arg(argc, argv, &i, &v) == 0) {
            o.max_ms = v;
        } else if (strcmp(a, "--max-rss-mb") == 0 && num_arg(argc, argv, &i, &v) == 0) {
            o.max_rss_mb = v;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' || o.n_files >= MAX_FILES) {
            usage(stderr);
            return 2;
        } else {
            o.files[o.n_files++] = a;
        }
    }
    if (!o.embedded && o.n_files == 0) {
        const char *def = getenv("VG_BENCH_ATTACK");
        o.files[o.n_files++] = def && *def ? def : VG_BENCH_DEFAULT_BUNDLE;
        FILE *f = fopen(o.files[0], "rb");
        if (!f) {
            printf("bench_attack: %s not found; skipping (shared data is optional)\n", o.files[0]);
            return 0;
        }
        fclose(f);
    }
    return o.single ? run_single(&o) : run_many(&o);
}

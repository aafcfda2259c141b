/*
 * bench_evtx.c - how fast vigil reads EVTX files: records/s and MB/s for the reader alone.
 *
 * usage: bench_evtx [--mode json|event|parse] [--min-mb N] FILE_OR_DIR...
 * Finds every .evtx under the arguments, then reads them all, again and again, until at least
 * --min-mb megabytes (default 200) of EVTX have been read. Each file is opened (and read a
 * chunk at a time) and every record read through the public API, as `vigil dump` and `vigil
 * scan` do:
 *   json   vg_evtx_next() and vg_evtx_record_json(): the evtx crate's JSON (what dump prints)
 *   event  vg_evtx_next() filling a vg_event: the fields rules read
 *   parse  vg_evtx_next() alone: framing, checksums, templates and values, no rendering
 * The first pass prints a hash of everything produced (FNV-1a over the JSON text, or over the
 * event fields), following SQLite's speedtest1: a faster build that changes an answer shows
 * the change next to its timing. Timing is wall time of all passes; files stay in the page
 * cache after the first pass, so this measures decoding, not the disk.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "vigil.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct files {
    char **path;
    size_t n, cap;
    unsigned long long bytes;
} files;

static void add_path(files *f, const char *p, unsigned long long size)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->path = realloc(f->path, f->cap * sizeof *f->path);
        if (!f->path)
            abort();
    }
    f->path[f->n++] = strdup(p);
    f->bytes += size;
}

static void find(files *f, const char *p)
{
    struct stat st;
    if (stat(p, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        size_t n = strlen(p);
        if (n > 5 && strcmp(p + n - 5, ".evtx") == 0)
            add_path(f, p, (unsigned long long)st.st_size);
        return;
    }
    DIR *d = opendir(p);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", p, e->d_name);
        find(f, sub);
    }
    if (d)
        closedir(d);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void fnv(unsigned long long *h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= s[i];
        *h *= 1099511628211ull;
    }
}

/* Read one file; returns the records read. hash is updated when not NULL. */
static unsigned long long read_file(const char *path, int mode, vg_event *ev,
                                    unsigned long long *hash)
{
    vg_evtx *r = NULL;
    unsigned long long n = 0;
    if (vg_evtx_open(path, NULL, &r))
        return 0;
    while (vg_evtx_next(r, mode == 1 ? ev : NULL, NULL) == 1) {
        n++;
        if (mode == 0) {
            const char *j;
            size_t len;
            if (vg_evtx_record_json(r, &j, &len) == 0 && hash)
                fnv(hash, j, len);
        } else if (mode == 1 && hash) {
            for (size_t i = 0; i < vg_event_count(ev); i++) {
                vg_str name, value;
                vg_event_field(ev, i, &name, &value, NULL);
                fnv(hash, name.ptr, name.len);
                fnv(hash, value.ptr, value.len);
            }
        }
    }
    vg_evtx_close(r);
    return n;
}

int main(int argc, char **argv)
{
    int mode = 0;
    double min_mb = 200;
    files f = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
            const char *m = argv[++i];
            mode = strcmp(m, "json") == 0 ? 0 : strcmp(m, "event") == 0 ? 1 : 2;
        } else if (strcmp(argv[i], "--min-mb") == 0 && i + 1 < argc) {
            min_mb = atof(argv[++i]);
        } else {
            find(&f, argv[i]);
        }
    }
    if (!f.n) {
        fprintf(stderr, "bench_evtx: no .evtx files found\n");
        return 2;
    }
    qsort(f.path, f.n, sizeof *f.path, by_name);
    vg_event *ev = vg_event_new();
    unsigned long long records = 0, bytes = 0, hash = 14695981039346656037ull;
    int passes = 0;
    double t0 = now();
    do {
        for (size_t i = 0; i < f.n; i++)
            records += read_file(f.path[i], mode, ev, passes == 0 ? &hash : NULL);
        bytes += f.bytes;
        passes++;
    } while ((double)bytes < min_mb * 1e6);
    double secs = now() - t0;
    static const char *const names[] = {"json", "event", "parse"};
    printf("  %-5s %zu files x %d passes: %.1f MB, %llu records in %.2f s: %.0f records/s, "
           "%.1f MB/s (hash %016llx)\n",
           names[mode], f.n, passes, (double)bytes / 1e6, records, secs, (double)records / secs,
           (double)bytes / 1e6 / secs, hash);
    vg_event_free(ev);
    for (size_t i = 0; i < f.n; i++)
        free(f.path[i]);
    free(f.path);
    return 0;
}

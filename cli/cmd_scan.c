/*
 * cmd_scan.c - `vigil scan`: EVTX and JSON-lines files in, an ATT&CK-tagged timeline out.
 *
 * Paths are expanded (folders recursively, in sorted order) into the files vigil can read;
 * each file is opened through vg_input, every event is evaluated against the ruleset, and each
 * match that passes the filters becomes a row: timestamp, computer, channel, event ID, record
 * ID, level, tactics, techniques, rule, details, file. Rows are kept and sorted by time (then
 * file and record) before they are printed as a table, CSV or JSON lines (docs/scan.md has the
 * stable JSON schema). A summary follows: events and files read, matches by level, the top
 * rules and, per host, the ATT&CK tactics seen. On a terminal a progress line shows files,
 * events per second, matches and an estimate of the time left. Files are shared out to one
 * worker thread per core (each with its own matcher, event and inventory), largest first, and
 * a large JSON-lines or EVTX file in ranges read by all of them; rows and counters are added
 * under one lock, and since rows are sorted at the end the output does not depend on the
 * schedule. Warnings about the input come out in input order too (file, then range): a work
 * item's are held until every item before it is done, and the first unfinished item prints
 * its own as they come.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "scan.h"

/* ---------------------------------------------------------------- files */

static void add_file(scan_state *st, const char *path, long long size)
{
    if (st->n_files == st->cap_files) {
        st->cap_files = st->cap_files ? st->cap_files * 2 : 64;
        st->files = realloc(st->files, st->cap_files * sizeof *st->files);
        st->sizes = realloc(st->sizes, st->cap_files * sizeof *st->sizes);
        st->rstart = realloc(st->rstart, st->cap_files * sizeof *st->rstart);
        st->rend = realloc(st->rend, st->cap_files * sizeof *st->rend);
        st->rlines = realloc(st->rlines, st->cap_files * sizeof *st->rlines);
        st->origin = realloc(st->origin, st->cap_files * sizeof *st->origin);
        if (!st->files || !st->sizes || !st->rstart || !st->rend || !st->rlines || !st->origin) {
            fprintf(stderr, "vigil: out of memory\n");
            exit(EXIT_INPUT);
        }
    }
    st->files[st->n_files] = strdup(path);
    st->rstart[st->n_files] = st->rend[st->n_files] = st->rlines[st->n_files] = 0;
    st->origin[st->n_files] = st->n_files;
    st->sizes[st->n_files++] = size;
    st->total_bytes += size;
}

/* Work items in decreasing size (ties in the given order), so that the last ones, which
 * decide how long one worker waits for the others, are small. */
typedef struct sized {
    long long size;
    size_t i;
} sized;

static int larger_first(const void *pa, const void *pb)
{
    const sized *a = pa, *b = pb;
    return a->size != b->size ? (a->size < b->size) - (a->size > b->size)
                              : (a->i > b->i) - (a->i < b->i);
}

static void largest_first(scan_state *st)
{
    size_t n = st->n_files;
    sized *ix = malloc(n * sizeof *ix);
    char **files = malloc(n * sizeof *files);
    long long *sizes = malloc(n * sizeof *sizes);
    uint64_t *r = malloc(3 * n * sizeof *r);
    size_t *origin = malloc(n * sizeof *origin);
    if (!ix || !files || !sizes || !r || !origin) {
        fprintf(stderr, "vigil: out of memory\n");
        exit(EXIT_INPUT);
    }
    for (size_t i = 0; i < n; i++)
        ix[i] = (sized){st->sizes[i], i};
    qsort(ix, n, sizeof *ix, larger_first);
    for (size_t i = 0; i < n; i++) {
        size_t k = ix[i].i;
        files[i] = st->files[k];
        sizes[i] = st->sizes[k];
        r[i] = st->rstart[k];
        r[n + i] = st->rend[k];
        r[2 * n + i] = st->rlines[k];
        origin[i] = st->origin[k];
    }
    memcpy(st->files, files, n * sizeof *files);
    memcpy(st->sizes, sizes, n * sizeof *sizes);
    memcpy(st->rstart, r, n * sizeof *r);
    memcpy(st->rend, r + n, n * sizeof *r);
    memcpy(st->rlines, r + 2 * n, n * sizeof *r);
    memcpy(st->origin, origin, n * sizeof *origin);
    free(origin);
    free(ix);
    free(files);
    free(sizes);
    free(r);
}

/* With several workers, a plain JSON-lines or EVTX file of st->split_bytes or more becomes
 * several work items, four per worker, each a line-aligned range or a range of whole chunks
 * of it (vg_input_split), so that one large file keeps every core busy to the end. Work
 * items are then taken largest first. Rows are sorted afterwards, so the output is the same. */
static void split_large(scan_state *st)
{
    st->n_inputs = st->n_files;
    if (st->threads < 2)
        return;
    size_t n = st->n_files;
    unsigned want = st->threads < 64 ? (unsigned)st->threads * 4 : 256;
    for (size_t i = 0; i < n && st->split_bytes > 0; i++) {
        uint64_t start[256], lines[256];
        unsigned parts = 0;
        if (st->sizes[i] < st->split_bytes ||
            vg_input_split(st->files[i], want, start, lines, &parts) || parts < 2)
            continue;
        long long size = st->sizes[i];
        st->total_bytes -= size;
        for (unsigned k = 0; k < parts; k++) {
            uint64_t end = k + 1 < parts ? start[k + 1] : 0;
            size_t at = i;
            if (k > 0) {
                add_file(st, st->files[i], 0);
                at = st->n_files - 1;
                st->origin[at] = st->origin[i];
            }
            st->rstart[at] = start[k];
            st->rend[at] = end;
            st->rlines[at] = lines[k];
            st->sizes[at] = (long long)((end ? end : (uint64_t)size) - start[k]);
            st->total_bytes += st->sizes[at];
        }
    }
    if (st->n_files > 1)
        largest_first(st);
}

/* Expand one command-line path: a file is taken as given (whatever its name), a folder is
 * searched recursively for files vigil reads. */
static void expand(scan_state *st, const char *path, int top)
{
    struct stat sb;
    if (strcmp(path, "-") == 0) {
        add_file(st, path, 0);
        return;
    }
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "vigil: %s: no such file or folder\n", path);
        st->input_errors++;
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        if (top || cli_log_name(path))
            add_file(st, path, (long long)sb.st_size);
        return;
    }
    size_t n;
    char **names = cli_list_dir(path, &n);
    if (!names) {
        fprintf(stderr, "vigil: %s: cannot open folder\n", path);
        st->input_errors++;
        return;
    }
    for (size_t i = 0; i < n; i++)
        expand(st, names[i], 0);
    cli_free_list(names, n);
}

/* ---------------------------------------------------------------- progress */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(scan_state *st, int force)
{
    if (!st->progress)
        return;
    double t = now();
    if (!force && t - st->last_progress < 0.25)
        return;
    st->last_progress = t;
    double el = t - st->started;
    double rate = el > 0 ? (double)st->events / el : 0;
    double frac = st->total_bytes ? (double)st->done_bytes / (double)st->total_bytes : 0;
    double eta = frac > 0.01 ? el / frac - el : 0;
    fprintf(stderr, "\r\033[Kfiles %zu/%zu  events %llu (%.0f/s)  matches %zu  ETA %.0fs",
            st->file_index, st->n_files, st->events, rate, st->n_rows, eta);
    if (force)
        fputc('\n', stderr);
}

/* ---------------------------------------------------------------- options */

static int parse_level(const char *s)
{
    static const char *const n[] = {"", "informational", "low", "medium", "high", "critical"};
    for (int i = 1; i < 6; i++)
        if (strcmp(s, n[i]) == 0)
            return i;
    return -1;
}

static int parse_args(int argc, char **argv, scan_state *st)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (strcmp(a, name) == 0 && v && (++i, 1))
        if (strcmp(a, "--help") == 0) {
            cli_help("scan", stdout);
            return 1;
        } else if (OPT("-r") || OPT("--rules")) {
            if (st->n_rules < SCAN_MAX_LIST)
                st->rules[st->n_rules++] = v;
        } else if (OPT("--profile") || OPT("-p")) {
            st->profile = v;
        } else if (OPT("--format") || OPT("-f")) {
            if (strcmp(v, "table") && strcmp(v, "csv") && strcmp(v, "jsonl")) {
                cli_usage_error("scan", "--format is table, csv or jsonl, not '%s'", v);
                return -1;
            }
            st->format = v;
        } else if (OPT("--min-level")) {
            if ((st->min_level = parse_level(v)) < 0) {
                cli_usage_error("scan",
                                "--min-level is informational, low, medium, high or "
                                "critical, not '%s'",
                                v);
                return -1;
            }
        } else if (OPT("--status")) {
            st->status = v;
        } else if (OPT("--since")) {
            st->since = v;
        } else if (OPT("--until")) {
            st->until = v;
        } else if (OPT("--include")) {
            if (st->n_include < SCAN_MAX_LIST)
                st->include[st->n_include++] = v;
        } else if (OPT("--exclude")) {
            if (st->n_exclude < SCAN_MAX_LIST)
                st->exclude[st->n_exclude++] = v;
        } else if (OPT("--json-form")) {
            vg_json_form f;
            if (vg_json_form_parse(v, &f)) {
                cli_usage_error("scan", "--json-form is auto, flat, evtx, ecs or nxlog");
                return -1;
            }
            st->form = f;
        } else if (OPT("--db")) {
            st->db = v;
        } else if (strcmp(a, "--risk") == 0) {
            st->risk = 1;
        } else if (OPT("--risk-config")) {
            st->risk_config = v;
        } else if (OPT("--incident-rules")) {
            st->incident_rules = v;
        } else if (OPT("--assets")) {
            st->assets = v;
        } else if (OPT("--identities")) {
            st->identities = v;
        } else if (OPT("--notables")) {
            st->notables_out = v;
        } else if (OPT("--placeholders")) {
            st->placeholders = v;
        } else if (OPT("-j") || OPT("--threads")) {
            st->threads = atoi(v);
            if (st->threads < 1 || st->threads > 256) {
                cli_usage_error("scan", "--threads takes a number from 1 to 256");
                return -1;
            }
        } else if (OPT("--split-mb")) {
            char *end;
            long mb = strtol(v, &end, 10);
            if (*end || mb < 0 || mb > 1000000) {
                cli_usage_error("scan", "--split-mb takes a number of megabytes (0: never)");
                return -1;
            }
            st->split_bytes = (long long)mb << 20;
        } else if (strcmp(a, "--exact") == 0) {
            st->exact = 1;
        } else if (strcmp(a, "--no-summary") == 0) {
            st->no_summary = 1;
        } else if (strcmp(a, "--no-sort") == 0) {
            st->no_sort = 1;
        } else if (a[0] == '-' && a[1]) {
            cli_usage_error("scan", "bad option '%s'%s", a, v ? "" : " (or it needs a value)");
            return -1;
        } else if (st->n_paths < SCAN_MAX_LIST) {
            st->paths[st->n_paths++] = a;
        }
#undef OPT
    }
    if (!st->n_paths) {
        cli_usage_error("scan", "give at least one EVTX or JSON-lines file or folder");
        return -1;
    }
    if (!st->risk && (st->risk_config || st->incident_rules || st->assets || st->identities ||
                      st->notables_out)) {
        cli_usage_error("scan", "--risk-config, --incident-rules, --assets, --identities and "
                                "--notables go with --risk");
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- scan */

static int load_rules(scan_state *st, vg_diags *d)
{
    if (vg_profile_load(st->profile ? st->profile : "both", &st->prof, d))
        return -1;
    st->rs = vg_ruleset_new(st->kb, st->prof);
    if (!st->rs)
        return -1;
    cli_use_cache(st->rs);
    if (st->placeholders && vg_ruleset_load_placeholders(st->rs, st->placeholders, d))
        return -1;
    if (!st->n_rules)
        vg_ruleset_add_starter(st->rs, d);
    for (int i = 0; i < st->n_rules; i++)
        vg_ruleset_add_path(st->rs, st->rules[i], d);
    vg_ruleset_finalize(st->rs, d);
    size_t rejected = vg_diags_count_at(d, VG_SEV_ERROR);
    if (rejected)
        fprintf(stderr, "vigil: %zu rule document%s rejected (see `vigil rules check`)\n", rejected,
                rejected == 1 ? "" : "s");
    size_t det = 0;
    for (size_t i = 0; i < vg_ruleset_count(st->rs); i++)
        det += vg_ruleset_rule(st->rs, i)->kind == VG_RULE_DETECTION;
    if (!det) {
        fprintf(stderr, "vigil: no detection rule loaded\n");
        return -1;
    }
    st->n_detection = det;
    return 0;
}

static int on_match(const vg_rule *r, void *ud)
{
    scan_worker *w = ud;
    scan_state *st = w->st;
    if (!scan_rule_selected(st, r))
        return 0;
    pthread_mutex_lock(&st->lock);
    scan_add_row(st, w, r);
    pthread_mutex_unlock(&st->lock);
    return 0;
}

/* Add this worker's events to the shared count and show progress (lock held by caller). */
static void flush_count(scan_state *st, scan_worker *w)
{
    st->events += w->events;
    w->events = 0;
    progress(st, 0);
}

/* What a work item reports, kept until it can be printed in input order. */
typedef struct scan_item_out {
    vg_diags *d;
    size_t printed; /* how many of d are printed */
    int done;
    int rc; /* < 0: reading stopped with this error */
} scan_item_out;

/* An item's place in input order: its file's position among those given, then its range. */
typedef struct item_key {
    size_t origin;
    uint64_t start;
    size_t item;
} item_key;

static int in_input_order(const void *pa, const void *pb)
{
    const item_key *a = pa, *b = pb;
    if (a->origin != b->origin)
        return (a->origin > b->origin) - (a->origin < b->origin);
    return (a->start > b->start) - (a->start < b->start);
}

/* The items in input order, and a slot per item for what it reports. */
static int order_output(scan_state *st)
{
    st->iout = calloc(st->n_files + 1, sizeof *st->iout);
    st->by_order = malloc((st->n_files + 1) * sizeof *st->by_order);
    item_key *k = malloc((st->n_files + 1) * sizeof *k);
    if (!st->iout || !st->by_order || !k) {
        free(k);
        return -1;
    }
    for (size_t i = 0; i < st->n_files; i++)
        k[i] = (item_key){st->origin[i], st->rstart[i], i};
    qsort(k, st->n_files, sizeof *k, in_input_order);
    for (size_t i = 0; i < st->n_files; i++)
        st->by_order[i] = k[i].item;
    free(k);
    st->next_out = 0;
    return 0;
}

static void print_new_diags(scan_state *st, vg_diags *d, size_t *printed)
{
    if (vg_diags_count(d) <= *printed)
        return;
    if (st->progress)
        fputs("\r\033[K", stderr);
    for (; *printed < vg_diags_count(d); (*printed)++)
        cli_print_one_diag(vg_diags_get(d, *printed), stderr);
}

/* Item i is done (lock held): print, in input order, what every done item before the first
 * unfinished one has left to say. An unfinished item prints its own as it goes once it is
 * the first (scan_file). */
static void item_done(scan_state *st, size_t i, int rc)
{
    st->iout[i].done = 1;
    st->iout[i].rc = rc;
    while (st->next_out < st->n_files && st->iout[st->by_order[st->next_out]].done) {
        size_t k = st->by_order[st->next_out++];
        scan_item_out *o = &st->iout[k];
        print_new_diags(st, o->d, &o->printed);
        if (o->rc < 0)
            fprintf(stderr, "%s: reading stopped: %s\n", st->files[k], vg_strerror(o->rc));
        vg_diags_free(o->d);
        o->d = NULL;
    }
}

static void scan_file(scan_worker *w, size_t i)
{
    scan_state *st = w->st;
    const char *path = st->files[i];
    vg_diags *d = vg_diags_new();
    if (!d) {
        fprintf(stderr, "vigil: out of memory\n");
        exit(EXIT_INPUT);
    }
    scan_item_out *out = &st->iout[i];
    out->d = d;
    vg_input *in = NULL;
    int rc = st->rstart[i] || st->rend[i] ? vg_input_open_range(path, st->form, st->rstart[i],
                                                                st->rend[i], st->rlines[i], d, &in)
                                          : vg_input_open(path, st->form, d, &in);
    if (rc) {
        pthread_mutex_lock(&st->lock);
        st->input_errors++;
        item_done(st, i, 0);
        pthread_mutex_unlock(&st->lock);
        return;
    }
    w->cur_input = in;
    while ((rc = vg_input_next(in, w->ev, &w->cur_info)) == 1) {
        w->events++;
        w->cur_event = w->ev;
        if (scan_time_selected(st, w->ev))
            vg_matcher_run(w->m, w->ev, on_match, w);
        if (vg_inventory_add(w->inv, w->ev)) {
            fprintf(stderr, "vigil: out of memory\n");
            exit(EXIT_INPUT);
        }
        if ((w->events & 1023) == 0) {
            pthread_mutex_lock(&st->lock);
            flush_count(st, w);
            if (st->next_out < st->n_files && st->by_order[st->next_out] == i) /* in order */
                print_new_diags(st, d, &out->printed);
            pthread_mutex_unlock(&st->lock);
        }
    }
    vg_input_close(in);
    w->cur_input = NULL;
    pthread_mutex_lock(&st->lock);
    flush_count(st, w);
    st->warnings += vg_diags_count(d);
    if (rc < 0)
        st->input_errors++;
    item_done(st, i, rc < 0 ? rc : 0);
    pthread_mutex_unlock(&st->lock);
}

/* A worker takes the next file until none is left. */
static void *worker_main(void *arg)
{
    scan_worker *w = arg;
    scan_state *st = w->st;
    for (;;) {
        pthread_mutex_lock(&st->lock);
        size_t i = st->next_file++;
        pthread_mutex_unlock(&st->lock);
        if (i >= st->n_files)
            break;
        scan_file(w, i);
        pthread_mutex_lock(&st->lock);
        st->done_bytes += st->sizes[i];
        st->file_index++;
        progress(st, 0);
        pthread_mutex_unlock(&st->lock);
    }
    return NULL;
}

/* Scan every file with st->threads workers (files are shared out one at a time; rows are
 * sorted afterwards, so the output does not depend on which worker read what). */
static int run_workers(scan_state *st)
{
    int n = st->threads;
    if ((size_t)n > st->n_files)
        n = st->n_files ? (int)st->n_files : 1;
    scan_worker *w = calloc((size_t)n, sizeof *w);
    pthread_t *tid = calloc((size_t)n, sizeof *tid);
    if (!w || !tid) {
        free(w);
        free(tid);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        w[i].st = st;
        w[i].m = vg_matcher_new(st->rs);
        w[i].ev = vg_event_new();
        w[i].inv = vg_inventory_new();
        if (!w[i].m || !w[i].ev || !w[i].inv)
            rc = -1;
        else if (st->exact)
            vg_matcher_set_exact(w[i].m, 1);
    }
    int started = 0;
    for (int i = 0; i < n && !rc; i++, started++)
        if (i > 0 && pthread_create(&tid[i], NULL, worker_main, &w[i]) != 0)
            break;
    if (!rc)
        worker_main(&w[0]); /* the calling thread is worker 0 */
    for (int i = 1; i < started; i++)
        pthread_join(tid[i], NULL);
    for (int i = 0; i < n; i++) {
        if (!rc && w[i].inv && vg_inventory_merge(st->inv, w[i].inv))
            rc = -1;
        vg_inventory_free(w[i].inv);
        vg_event_free(w[i].ev);
        vg_matcher_free(w[i].m);
    }
    free(w);
    free(tid);
    return rc;
}

int cmd_scan(int argc, char **argv, cli_opts *o)
{
    scan_state st;
    memset(&st, 0, sizeof st);
    st.format = isatty(STDOUT_FILENO) ? "table" : "jsonl";
    st.form = VG_JSON_AUTO;
    st.opts = o;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    st.threads = cores > 0 ? (int)(cores < 64 ? cores : 64) : 1;
    st.split_bytes = (long long)SCAN_SPLIT_MB << 20;
    int rc = parse_args(argc, argv, &st);
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (o->json)
        st.format = "jsonl";
    st.progress = isatty(STDERR_FILENO) && !o->quiet;
    cli_opts q = *o;
    q.quiet = 1;
    st.kb = cli_load_attack(&q);
    vg_diags *d = vg_diags_new();
    if (!st.kb || load_rules(&st, d)) {
        cli_print_diags(d, stderr, 0);
        vg_diags_free(d);
        scan_free(&st);
        return EXIT_INPUT;
    }
    if (!o->quiet)
        cli_print_diags(d, stderr, 0);
    vg_diags_free(d);
    for (int i = 0; i < st.n_paths; i++)
        expand(&st, st.paths[i], 1);
    split_large(&st);
    if ((st.risk && scan_risk_open(&st)) || ((st.db || st.risk) && scan_db_open(&st))) {
        scan_free(&st);
        return EXIT_INPUT;
    }
    st.inv = vg_inventory_new();
    pthread_mutex_init(&st.lock, NULL);
    st.started = now();
    if (!st.inv || order_output(&st) || run_workers(&st)) {
        fprintf(stderr, "vigil: out of memory\n");
        scan_free(&st);
        return EXIT_INPUT;
    }
    progress(&st, 1);
    st.elapsed = now() - st.started;
    if (st.risk)
        scan_risk_finish(&st);
    scan_output(&st);
    if (st.store)
        scan_db_close(&st);
    if (st.risk)
        scan_risk_report(&st);
    int exit_code = st.input_errors ? EXIT_INPUT : EXIT_OK;
    scan_free(&st);
    return exit_code;
}

/*
 * scan.h - state shared by the parts of `vigil scan` (cmd_scan.c reads and matches,
 * scan_out.c filters, keeps, sorts and prints rows, and writes the store, scan_risk.c turns
 * matches into risk events and notables with --risk).
 */
#ifndef VG_CLI_SCAN_H
#define VG_CLI_SCAN_H

#include <pthread.h>

#include "cli.h"

#define SCAN_MAX_LIST 256

typedef struct scan_row {
    char *time, *computer, *channel, *event_id, *details, *file;
    uint64_t record_id, line, offset;
    const vg_rule *rule;
    size_t seq; /* arrival order, for a stable sort */
} scan_row;

/* What one worker thread is reading now. */
/* A plain JSON-lines or EVTX file this large (MB) is read by all workers at once
 * (--split-mb). */
#define SCAN_SPLIT_MB 16

typedef struct scan_worker {
    struct scan_state *st;
    vg_matcher *m;
    vg_event *ev;
    vg_inventory *inv; /* this worker's share, merged at the end */
    vg_input *cur_input;
    vg_input_info cur_info;
    const vg_event *cur_event;
    unsigned long long events; /* not yet added to the shared count */
} scan_worker;

typedef struct scan_state {
    cli_opts *opts;
    /* options */
    const char *paths[SCAN_MAX_LIST];
    int n_paths;
    const char *rules[SCAN_MAX_LIST];
    int n_rules;
    const char *include[SCAN_MAX_LIST], *exclude[SCAN_MAX_LIST];
    int n_include, n_exclude;
    const char *profile, *format, *status, *since, *until, *db, *placeholders;
    int min_level, no_summary, no_sort, progress, threads, exact;
    vg_json_form form;
    /* loaded */
    vg_attack *kb;
    vg_profile *prof;
    vg_ruleset *rs;
    size_t n_detection;
    /* files */
    char **files;
    long long *sizes;
    size_t n_files, cap_files, file_index;
    /* work items may be ranges of one large JSON-lines or EVTX file (split_large in cmd_scan.c):
     * [rstart, rend) with rlines lines before it; all 0 for a whole file */
    uint64_t *rstart, *rend, *rlines;
    size_t *origin;        /* per item: the position of its file among those given or found */
    size_t n_inputs;       /* files given or found, before splitting */
    long long split_bytes; /* a plain JSON-lines file this large is shared by the workers */
    long long total_bytes, done_bytes;
    /* shared between workers, under lock */
    pthread_mutex_t lock;
    size_t next_file;
    /* diagnostics are printed in input order (file, then range): an item's are held until
     * every item before it is done (scan_item_out in cmd_scan.c) */
    struct scan_item_out *iout;
    size_t *by_order, next_out; /* items in input order; the first not yet printed */
    /* results */
    scan_row *rows;
    size_t n_rows, cap_rows;
    unsigned long long events;
    size_t warnings, input_errors;
    vg_inventory *inv;
    vg_store *store;
    int64_t scan_id;
    double started, last_progress, elapsed;
    /* --risk (scan_risk.c) */
    int risk;
    const char *risk_config, *incident_rules, *assets, *identities, *notables_out;
    struct scan_risk *rk;
} scan_state;

int scan_rule_selected(scan_state *st, const vg_rule *r);
int scan_time_selected(scan_state *st, const vg_event *ev);
/* Called with st->lock held. */
void scan_add_row(scan_state *st, scan_worker *w, const vg_rule *r);
void scan_output(scan_state *st);
int scan_db_open(scan_state *st);
void scan_db_close(scan_state *st);
void scan_free(scan_state *st);

/* --risk (scan_risk.c): open before scan_db_open (it opens the store, in memory without --db);
 * match for each stored match, under st->lock; finish after the workers, before the store is
 * closed; report after the summary; free last. */
typedef struct scan_risk scan_risk;
int scan_risk_open(scan_state *st);
void scan_risk_match(scan_state *st, const vg_rule *r);
void scan_risk_finish(scan_state *st);
void scan_risk_report(scan_state *st);
void scan_risk_free(scan_state *st);

#endif

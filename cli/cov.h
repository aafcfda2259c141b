/*
 * cov.h - what the coverage commands share (`vigil coverage`, `data needs`, `data next`,
 * `gaps`, `validate`, `baseline check`): the options that say which rules, which are deployed
 * and what data exists, and the loaded knowledge base, ruleset, inventory and coverage.
 */
#ifndef VG_CLI_COV_H
#define VG_CLI_COV_H

#include "cli.h"

#define COV_MAX_LIST 64

typedef struct cov_ctx {
    cli_opts *o;
    const char *cmd; /* for usage errors: "coverage", "data needs", ... */
    /* options */
    const char *rules[COV_MAX_LIST];
    int n_rules;
    const char *enabled[COV_MAX_LIST];
    int n_enabled;
    const char *logs[COV_MAX_LIST];
    int n_logs;
    const char *inventory, *host_group, *profile, *manifest, *base, *db;
    /* loaded */
    vg_attack *kb;
    vg_profile *prof;
    vg_ruleset *rs;
    vg_inventory *inv;
    vg_coverage *cov;
    size_t files;
    unsigned long long events;
} cov_ctx;

/* Take one of the shared options at argv[*i] (advancing *i past its value): 1 taken, 0 not
 * one of them, -1 usage error (printed). Options: -r/--rules PATH, --profile P,
 * --enabled LIST|FILE, --logs PATH, --db FILE (the inventory stored by `vigil scan --db`),
 * --inventory FILE, --host-group G, --validated MANIFEST, --base DIR (what the paths of a
 * manifest are relative to). */
int cov_take_option(cov_ctx *x, int argc, char **argv, int *i);
/* Load ATT&CK (unless x->kb is set already), rules, data and evidence, and compute. Returns
 * EXIT_OK or an exit code. */
int cov_load(cov_ctx *x);
void cov_free(cov_ctx *x);

/* Walk a file or folder of logs (EVTX, JSON lines plain or gzip, zip archives of them;
 * folders recursively), calling fn for every event. Returns 0, or 1 when a path could not be
 * read (reported). */
typedef void (*cov_event_fn)(const vg_event *ev, const char *file, void *ud);
int cov_walk(const char *path, cov_event_fn fn, void *ud, size_t *files,
             unsigned long long *events);

/* Validation (cmd_validate.c): scan the files of a manifest and mark what fired on labelled
 * data as validated in x->cov. When report is not NULL, print per technique detected, missed
 * or no data. Returns 0, or 1 when the manifest or a file could not be read (reported). */
int cov_run_manifest(cov_ctx *x, const char *manifest, FILE *report);

/* cov_out.c: the group, campaign or software named (ATT&CK ID, name or alias), or NULL with
 * an error printed; a note names the replacement of a revoked one (unless -q). */
const vg_attack_obj *cov_find_actor(const cov_ctx *x, const char *name);
const char *cov_actor_kind(const vg_attack_obj *o); /* "group", "campaign", "software" */
/* Write text to path (NULL or "-": standard output). EXIT_OK, or EXIT_INPUT (reported). */
int cov_write(const char *path, const char *text, size_t len);

/* The terminal map and tables (cov_map.c). */
typedef enum { COV_COLORS_NONE, COV_COLORS_256, COV_COLORS_TRUE } cov_colors;
void cov_print_map(const vg_coverage *c, vg_cov_measure by, cov_colors colors, int width,
                   const char *platform, FILE *f);
void cov_print_tallies(const vg_coverage *c, int platforms, FILE *f);
void cov_print_rules(const vg_coverage *c, FILE *f);
void cov_print_techniques(const vg_coverage *c, int all, FILE *f);
void cov_print_summary(const vg_coverage *c, FILE *f);

/* Commands. */
int cmd_coverage(int argc, char **argv, cli_opts *o);
int cmd_gaps(int argc, char **argv, cli_opts *o);
int cmd_validate(int argc, char **argv, cli_opts *o);
int cmd_baseline(int argc, char **argv, cli_opts *o);
int cmd_data_needs(int argc, char **argv, cli_opts *o);
int cmd_data_next(int argc, char **argv, cli_opts *o);

#endif

/*
 * cli.h - shared pieces of the vigil command-line tool.
 *
 * The CLI is a thin layer over include/vigil.h: it parses arguments, loads what a command
 * needs, and renders results as text or JSON. Exit codes are fixed (see EXIT_*), and every
 * diagnostic from the library is printed as file:line:col with the source line and a caret.
 */
#ifndef VG_CLI_H
#define VG_CLI_H

#include <stdio.h>

#include "vigil.h"

enum {
    EXIT_OK = 0,       /* success */
    EXIT_FINDINGS = 1, /* a check found something (failed requirement, matches when asked) */
    EXIT_USAGE = 2,    /* bad command line */
    EXIT_INPUT = 3,    /* unreadable or invalid input */
};

#define CLI_MAX_ATTACK_FILES 8

/* Options common to every command. */
typedef struct cli_opts {
    int json;
    int quiet;
    int color;
    const char *attack_files[CLI_MAX_ATTACK_FILES];
    int n_attack_files;
    int width; /* terminal columns for tables */
} cli_opts;

/* ---- help (help.c) ---- */
int cli_help(const char *topic, FILE *out);
int cli_help_man(FILE *out);
void cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- rendering (render.c) ---- */
void cli_print_diags(const vg_diags *d, FILE *out, int color);
void cli_print_one_diag(const vg_diag *r, FILE *out);

/* A small streaming JSON writer. */
typedef struct jw {
    FILE *f;
    int depth;
    unsigned char need_comma[64];
    int after_key;
} jw;
void jw_init(jw *w, FILE *f);
void jw_obj(jw *w);
void jw_end(jw *w, char close); /* '}' or ']' */
void jw_arr(jw *w);
void jw_key(jw *w, const char *k);
void jw_str(jw *w, const char *s);
void jw_int(jw *w, long long v);
void jw_bool(jw *w, int v);
void jw_null(jw *w);
void jw_kstr(jw *w, const char *k, const char *s);
void jw_kint(jw *w, const char *k, long long v);

/* Print s in at most width display columns (UTF-8 aware), padded with spaces when pad. */
void cli_put_cell(FILE *f, const char *s, int width, int pad);
int cli_term_width(void);

/* ---- folders (files.c) ---- */
/* The entries of a folder (dot-names skipped) as malloc'ed full paths, sorted, NULL-terminated;
 * NULL if the folder cannot be opened. Free with cli_free_list(). */
char **cli_list_dir(const char *path, size_t *n);
void cli_free_list(char **names, size_t n);
/* Is a file found in a folder one of the logs vigil reads (by its name: .evtx, .json, .jsonl,
 * .ndjson, .gz, .zip)? Files named on the command line are read whatever their name. */
int cli_log_name(const char *name);

/* ---- the compiled-index cache (cache.c) ---- */
/* Point the ruleset at the user's cache directory unless VIGIL_NO_CACHE is set. */
void cli_use_cache(vg_ruleset *rs);

/* ---- ATT&CK (cmd_attack.c) ---- */
/* Load --attack files or the embedded catalogue; diagnostics printed. NULL on failure. */
vg_attack *cli_load_attack(const cli_opts *o);
int cmd_attack(int argc, char **argv, cli_opts *o);

/* ---- Sigma rules (cmd_rules.c) ---- */
int cmd_rules(int argc, char **argv, cli_opts *o);

/* ---- scans and data (cmd_scan.c, cmd_data.c) ---- */
int cmd_scan(int argc, char **argv, cli_opts *o);
int cmd_data(int argc, char **argv, cli_opts *o);

/* ---- EVTX (cmd_dump.c) ---- */
int cmd_dump(int argc, char **argv, cli_opts *o);

/* ---- risk-based alerting (cmd_risk.c) ---- */
int cmd_risk(int argc, char **argv, cli_opts *o);
int cmd_notables(int argc, char **argv, cli_opts *o);
/* The risk configuration: built-in defaults, then each file given (may be NULL); problems are
 * printed; NULL on failure. */
vg_risk_config *cli_risk_config(const char *config, const char *irules, const char *assets,
                                const char *identities);

#endif

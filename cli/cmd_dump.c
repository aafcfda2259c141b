/*
 * cmd_dump.c - `vigil dump FILE...`: every record of EVTX files as JSON lines.
 *
 * Each record is printed on its own line in the nested form the Rust evtx crate prints
 * ({"Event":{"#attributes":...,"System":{...},"EventData":{...}}}), so output can be compared
 * with other tools and piped to `vigil rules test --on -`. Damage is reported on standard
 * error as it is met, one line per problem: FILE:chunk N (byte X): reason (FILE (byte X):
 * reason for the file header); the records around it are still printed. The exit status is 3
 * if a file could not be opened or is not EVTX, else 0 (damage reported as warnings included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void print_new_diags(const vg_diags *d, size_t *done, int quiet)
{
    size_t n = vg_diags_count(d);
    for (; *done < n; (*done)++) {
        const vg_diag *r = vg_diags_get(d, *done);
        if (quiet && r->severity < VG_SEV_ERROR)
            continue;
        if (r->object)
            fprintf(stderr, "%s:%s (byte %llu): %s\n", r->file ? r->file : "-", r->object,
                    (unsigned long long)r->offset, r->message);
        else
            fprintf(stderr, "%s (byte %llu): %s\n", r->file ? r->file : "-",
                    (unsigned long long)r->offset, r->message);
    }
}

/* Dump one file; returns EXIT_OK or EXIT_INPUT. */
static int dump_file(const char *path, vg_diags *d, int quiet, unsigned long long *records)
{
    size_t done = 0;
    vg_evtx *r = NULL;
    int rc = vg_evtx_open(path, d, &r);
    print_new_diags(d, &done, quiet);
    if (rc)
        return EXIT_INPUT;
    for (;;) {
        rc = vg_evtx_next(r, NULL, NULL);
        print_new_diags(d, &done, quiet);
        if (rc <= 0)
            break;
        const char *json;
        size_t len;
        int jrc = vg_evtx_record_json(r, &json, &len);
        if (jrc) {
            fprintf(stderr, "%s: record not printed: %s\n", path, vg_strerror(jrc));
            continue;
        }
        fwrite(json, 1, len, stdout);
        fputc('\n', stdout);
        (*records)++;
    }
    if (rc < 0)
        fprintf(stderr, "%s: reading stopped: %s\n", path, vg_strerror(rc));
    vg_evtx_close(r);
    return rc < 0 ? EXIT_INPUT : EXIT_OK;
}

int cmd_dump(int argc, char **argv, cli_opts *o)
{
    int status = EXIT_OK, n_files = 0, files_only = 0;
    for (int i = 1; i < argc; i++) {
        if (!files_only && strcmp(argv[i], "--") == 0) {
            files_only = 1;
            argv[i] = NULL;
            continue;
        }
        if (!files_only && argv[i][0] == '-' && argv[i][1]) {
            cli_usage_error("dump", "unknown option '%s'", argv[i]);
            return EXIT_USAGE;
        }
        n_files++;
    }
    if (!n_files) {
        cli_usage_error("dump", "name at least one EVTX file");
        return EXIT_USAGE;
    }
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    vg_diags *d = vg_diags_new();
    if (!d)
        return EXIT_INPUT;
    unsigned long long records = 0;
    for (int i = 1; i < argc; i++) {
        if (!argv[i])
            continue;
        if (dump_file(argv[i], d, o->quiet, &records) != EXIT_OK)
            status = EXIT_INPUT;
        vg_diags_clear(d);
    }
    fflush(stdout);
    vg_diags_free(d);
    return status;
}

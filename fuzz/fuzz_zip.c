/*
 * fuzz_zip.c - libFuzzer target for zip archives as input (src/input/zip.c through vg_input).
 *
 * vg_input_open() takes a path, so each input is written to one scratch file per process (in
 * $TMPDIR, else /tmp) and read through vg_input_open / vg_input_next / vg_input_json to the
 * end, as `vigil scan` reads a file. Invariants, not only "no crash": an input that starts with
 * a zip signature opens as an archive or fails with a diagnostic naming the file; every event
 * of an archive comes from a member (its file is "PATH:member") and is EVTX or JSON lines with
 * a line number; vg_input_json gives the event's text; every diagnostic names the file or one
 * of its members and has a message; and reading the same bytes again gives the same events and
 * diagnostics.
 *
 * Built two ways (fuzz/CMakeLists.txt): with libFuzzer when VG_FUZZ=ON, and with replay.c as
 * a plain program that the test suite runs over fuzz/corpus/zip.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_zip: invariant failed: %s (line %d)\n", #cond, __LINE__);        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static char path[512];

static const char *scratch(void)
{
    if (!path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/vigil-fuzz-zip-%ld.zip", dir && *dir ? dir : "/tmp",
                 (long)getpid());
    }
    return path;
}

static void cleanup(void)
{
    if (path[0])
        unlink(path);
}

/* Does name start with the archive's path (and, for a member, a ':')? */
static int names_archive(const char *name, int member)
{
    size_t n = strlen(path);
    return name && strncmp(name, path, n) == 0 && (member ? name[n] == ':' : 1);
}

/* Read everything once; a digest of the events and diagnostics, to compare two reads. */
static uint64_t read_all(int is_zip)
{
    uint64_t h = 1469598103934665603ull;
    vg_diags *d = vg_diags_new();
    vg_event *ev = vg_event_new();
    CHECK(d && ev);
    vg_input *in = NULL;
    int rc = vg_input_open(path, VG_JSON_AUTO, d, &in);
    if (rc) {
        CHECK(!in && rc < 0);
        CHECK(vg_diags_count_at(d, VG_SEV_ERROR) > 0 || rc == VG_ERR_NOMEM);
    } else {
        CHECK(!is_zip || vg_input_kind_of(in) == VG_INPUT_ZIP);
        vg_input_info info;
        while ((rc = vg_input_next(in, ev, &info)) == 1) {
            if (is_zip) {
                CHECK(names_archive(info.file, 1));
                CHECK(info.kind == VG_INPUT_EVTX || info.kind == VG_INPUT_JSONL);
                CHECK(info.kind == VG_INPUT_EVTX || info.line > 0);
            }
            const char *json = NULL;
            size_t len = 0;
            int jr = vg_input_json(in, &json, &len);
            CHECK(jr == 0 || jr == VG_ERR_LIMIT || jr == VG_ERR_NOMEM);
            CHECK(jr || (json && len > 0));
            for (size_t k = 0; k < strlen(info.file); k++)
                h = (h ^ (unsigned char)info.file[k]) * 1099511628211ull;
            h = (h ^ info.line ^ info.offset << 20 ^ vg_event_count(ev) << 40) * 1099511628211ull;
        }
        CHECK(rc == 0 || rc == VG_ERR_NOMEM);
        vg_input_close(in);
    }
    for (size_t i = 0; i < vg_diags_count(d); i++) {
        const vg_diag *g = vg_diags_get(d, i);
        CHECK(g->message && g->message[0]);
        CHECK(names_archive(g->file, 0));
        for (const char *p = g->message; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
    }
    vg_event_free(ev);
    vg_diags_free(d);
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int registered;
    if (!registered++)
        atexit(cleanup);
    FILE *f = fopen(scratch(), "wb");
    CHECK(f);
    CHECK(fwrite(data, 1, size, f) == size);
    CHECK(fclose(f) == 0);
    int is_zip =
        size >= 4 && (memcmp(data, "PK\x03\x04", 4) == 0 || memcmp(data, "PK\x05\x06", 4) == 0);
    CHECK(read_all(is_zip) == read_all(is_zip));
    return 0;
}

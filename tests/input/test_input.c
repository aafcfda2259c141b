/*
 * test_input.c - unit tests for reading one file in ranges (src/input/input.c).
 *
 * vg_input_split must cut a plain JSON-lines file only at line starts and count the lines
 * before each cut; reading every range with vg_input_open_range must give each line exactly
 * once, with the line numbers and byte offsets of the whole file, and diagnostics naming the
 * true line. Files it cannot cut (gzip, zip, standard input) are refused, and a file too
 * small for the parts asked gives fewer ranges. EVTX files are cut between whole chunks; the
 * EVTX tests (tests/evtx/test_evtx.c) read every file of theirs in ranges as well.
 *
 * Lines are read in blocks and handed out in place: a line must come out whole whatever the
 * block boundaries (lines longer than a block, CRLF, blank lines, no final newline), with its
 * true line number and byte offset, the same from a plain file and from gzip; a NUL byte in a
 * line is reported at its column and does not merge the line with the next (a reader built on
 * gzgets and strlen did that); a line over VG_INPUT_MAX_LINE is skipped with a warning and the
 * next line is read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "base/limits.h"
#include "vigil.h"

static char *write_tmp(const char *text, size_t len)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/vg-test-input-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_ranges_cover_every_line_once(void **state)
{
    (void)state;
    char text[4096];
    size_t len = 0;
    for (int i = 1; i <= 40; i++) /* lines of different lengths; line 23 is broken */
        len += (size_t)snprintf(text + len, sizeof text - len,
                                i == 23 ? "{\"n\": %d,\n" : "{\"n\": %d, \"pad\": \"%.*s\"}\n", i,
                                i % 7, "xxxxxxx");
    char *path = write_tmp(text, len);
    for (unsigned parts = 1; parts <= 6; parts++) {
        uint64_t start[8], lines[8];
        unsigned n = 0;
        assert_int_equal(vg_input_split(path, parts, start, lines, &n), 0);
        assert_true(n >= 1 && n <= parts);
        assert_int_equal(start[0], 0);
        int seen[41] = {0};
        size_t warnings = 0;
        for (unsigned k = 0; k < n; k++) {
            if (k) { /* a range starts right after a newline, and counts the lines before it */
                assert_int_equal(text[start[k] - 1], '\n');
                uint64_t nl = 0;
                for (uint64_t b = 0; b < start[k]; b++)
                    nl += text[b] == '\n';
                assert_int_equal(lines[k], nl);
            }
            vg_diags *d = vg_diags_new();
            vg_input *in;
            assert_int_equal(vg_input_open_range(path, VG_JSON_FLAT, start[k],
                                                 k + 1 < n ? start[k + 1] : 0, lines[k], d, &in),
                             0);
            vg_event *ev = vg_event_new();
            vg_input_info info;
            while (vg_input_next(in, ev, &info) == 1) {
                vg_str v = vg_event_get(ev, "n");
                int num = atoi(v.ptr);
                assert_true(num >= 1 && num <= 40);
                assert_int_equal(info.line, (uint64_t)num); /* line n holds {"n": n} */
                assert_memory_equal(text + info.offset, "{\"n\"", 4);
                seen[num]++;
            }
            for (size_t i = 0; i < vg_diags_count(d); i++) {
                assert_int_equal(vg_diags_get(d, i)->line, 23);
                warnings++;
            }
            vg_event_free(ev);
            vg_input_close(in);
            vg_diags_free(d);
        }
        for (int i = 1; i <= 40; i++)
            assert_int_equal(seen[i], i == 23 ? 0 : 1);
        assert_int_equal(warnings, 1);
    }
    unlink(path);
}

static void test_what_cannot_be_split(void **state)
{
    (void)state;
    uint64_t start[4], lines[4];
    unsigned n = 9;
    assert_int_equal(vg_input_split("-", 2, start, lines, &n), VG_ERR_INVAL);
    assert_int_equal(n, 0);
    static const char gz[] = "\x1f\x8b\x08\x00 not really gzip\n";
    char *path = write_tmp(gz, sizeof gz - 1);
    assert_int_equal(vg_input_split(path, 2, start, lines, &n), VG_ERR_INVAL);
    unlink(path);
    static const char zip[] = "PK\3\4 not really a zip archive\n";
    path = write_tmp(zip, sizeof zip - 1);
    assert_int_equal(vg_input_split(path, 2, start, lines, &n), VG_ERR_INVAL);
    unlink(path);
    /* EVTX is cut between chunks (tests/evtx/test_evtx.c): a file without any is one range */
    static const char evtx[] = "ElfFile\0 and more\n";
    path = write_tmp(evtx, sizeof evtx - 1);
    assert_int_equal(vg_input_split(path, 2, start, lines, &n), 0);
    assert_int_equal(n, 1);
    assert_true(start[0] == 0 && lines[0] == 0);
    unlink(path);
    static const char one[] = "{\"only\": \"one line, no newline at the end\"}";
    path = write_tmp(one, sizeof one - 1);
    assert_int_equal(vg_input_split(path, 4, start, lines, &n), 0);
    assert_int_equal(n, 1);
    unlink(path);
}

/* The lines of test_lines_whole_in_place: n = 1..9 (line 4 blank, line 5 blank but for
 * spaces, line 7 holds a NUL at byte 8). */
static char *lines_text(size_t *len, size_t big)
{
    char *t = malloc(big + 4096);
    assert_non_null(t);
    size_t n = 0;
    n += (size_t)sprintf(t + n, "{\"n\": 1}\n");
    n += (size_t)sprintf(t + n, "{\"n\": 2, \"crlf\": \"yes\"}\r\n");
    n += (size_t)sprintf(t + n, "{\"n\": 3, \"big\": \"");
    memset(t + n, 'x', big); /* longer than a block: cut by several block ends */
    n += big;
    n += (size_t)sprintf(t + n, "\"}\n\n \t \n{\"n\": 6}\n");
    static const char l7[] = "{\"a\": \"x\0y\", \"n\": 7}\n";
    memcpy(t + n, l7, sizeof l7 - 1);
    n += sizeof l7 - 1;
    n += (size_t)sprintf(t + n, "{\"n\": 8}\n{\"n\": 9, \"last\": \"no newline\"}");
    *len = n;
    return t;
}

static void check_lines(const char *path, const char *text, size_t len, size_t big)
{
    vg_diags *d = vg_diags_new();
    vg_input *in;
    assert_int_equal(vg_input_open(path, VG_JSON_FLAT, d, &in), 0);
    vg_event *ev = vg_event_new();
    vg_input_info info;
    static const int want[] = {1, 2, 3, 6, 8, 9};
    size_t k = 0;
    while (vg_input_next(in, ev, &info) == 1) {
        assert_true(k < sizeof want / sizeof *want);
        vg_str v = vg_event_get(ev, "n");
        assert_non_null(v.ptr);
        assert_int_equal(atoi(v.ptr), want[k]);
        assert_int_equal(info.line, (uint64_t)want[k]);
        assert_true(info.offset < len);
        assert_memory_equal(text + info.offset, "{\"n\"", 4); /* the line starts there */
        const char *json;
        size_t jlen;
        assert_int_equal(vg_input_json(in, &json, &jlen), 0);
        assert_memory_equal(json, text + info.offset, jlen); /* whole, without its newline */
        assert_true(info.offset + jlen == len || text[info.offset + jlen] == '\n' ||
                    text[info.offset + jlen] == '\r');
        if (want[k] == 3)
            assert_int_equal(vg_event_get(ev, "big").len, big);
        k++;
    }
    assert_int_equal(k, sizeof want / sizeof *want);
    assert_int_equal(vg_diags_count(d), 1); /* the NUL of line 7, at its column */
    const vg_diag *g = vg_diags_get(d, 0);
    assert_int_equal(g->line, 7);
    assert_int_equal(g->col, 9);
    vg_event_free(ev);
    vg_input_close(in);
    vg_diags_free(d);
}

static void test_lines_whole_in_place(void **state)
{
    (void)state;
    size_t len, big = 3 * VG_INPUT_BLOCK + 12345;
    char *text = lines_text(&len, big);
    char *path = write_tmp(text, len);
    check_lines(path, text, len, big);
    char gz[80];
    snprintf(gz, sizeof gz, "%s.gz", path);
    gzFile z = gzopen(gz, "wb");
    assert_non_null(z);
    assert_int_equal(gzwrite(z, text, (unsigned)len), (int)len);
    gzclose(z);
    check_lines(gz, text, len, big);
    unlink(gz);
    unlink(path);
    free(text);
}

/* A line of `big` spaces, then {"n": 2}: the first is skipped with a warning. */
static void oversized(size_t big)
{
    char *text = malloc(big + 64);
    assert_non_null(text);
    memset(text, ' ', big);
    text[big] = '\n';
    size_t len = big + 1 + (size_t)sprintf(text + big + 1, "{\"n\": 2}\n");
    char *path = write_tmp(text, len);
    vg_diags *d = vg_diags_new();
    vg_input *in;
    assert_int_equal(vg_input_open(path, VG_JSON_FLAT, d, &in), 0);
    vg_event *ev = vg_event_new();
    vg_input_info info;
    assert_int_equal(vg_input_next(in, ev, &info), 1);
    assert_int_equal(info.line, 2);
    assert_int_equal(info.offset, big + 1);
    assert_int_equal(vg_input_next(in, ev, &info), 0);
    assert_int_equal(vg_diags_count(d), 1);
    assert_int_equal(vg_diags_get(d, 0)->line, 1);
    assert_non_null(strstr(vg_diags_get(d, 0)->message, "line longer than"));
    vg_event_free(ev);
    vg_input_close(in);
    vg_diags_free(d);
    unlink(path);
    free(text);
}

static void test_oversized_line_skipped(void **state)
{
    (void)state;
    oversized((size_t)VG_INPUT_MAX_LINE + 10);                     /* found whole, then refused */
    oversized((size_t)VG_INPUT_MAX_LINE + 2 * VG_INPUT_BLOCK + 7); /* skipped while read */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranges_cover_every_line_once),
        cmocka_unit_test(test_what_cannot_be_split),
        cmocka_unit_test(test_lines_whole_in_place),
        cmocka_unit_test(test_oversized_line_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * risk_test.h - what the risk unit tests (test_risk.c, test_risk_stream.c) share: a private
 * temporary directory for the files they write (made before the tests, removed after them).
 * Include after cmocka.h; each test program is one translation unit.
 */
#ifndef VG_RISK_TEST_H
#define VG_RISK_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char tmpdir[256];

/* Write text to a file of the temporary directory; the path is valid until the next call. */
static inline const char *write_tmp(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Make the temporary directory (under $TMPDIR); 0 or -1. */
static inline int risk_tmpdir_make(const char *prefix)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/%s-XXXXXX", t && *t ? t : "/tmp", prefix);
    return mkdtemp(tmpdir) ? 0 : -1;
}

/* Remove it and what the tests wrote; 0 or -1. */
static inline int risk_tmpdir_remove(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

#endif

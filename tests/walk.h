/*
 * walk.h - the tests' walk over a folder of shared data: every file below a folder whose name
 * ends in a given suffix, depth first in readdir order, handed to a callback. Names starting
 * with a dot are passed over; a folder that cannot be opened is passed over too (the tests say
 * when the shared data is absent). Header-only, for the test programs.
 */
#ifndef VG_TESTS_WALK_H
#define VG_TESTS_WALK_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef void (*vg_test_file_fn)(const char *path, void *ud);

static inline void vg_test_walk(const char *dir, const char *ext, vg_test_file_fn fn, void *ud)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    size_t el = strlen(ext);
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        int k = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (k < 0 || (size_t)k >= sizeof path)
            continue; /* too long a path for these tests */
        struct stat st;
        size_t n = strlen(e->d_name);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            vg_test_walk(path, ext, fn, ud);
        else if (n > el && strcmp(e->d_name + n - el, ext) == 0)
            fn(path, ud);
    }
    closedir(d);
}

#endif

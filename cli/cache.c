/*
 * cache.c - where the CLI keeps compiled rule indexes between runs.
 *
 * $VIGIL_CACHE_DIR, else $XDG_CACHE_HOME/vigil, else $HOME/.cache/vigil, created on first use
 * (mode 0700). VIGIL_NO_CACHE=1 turns caching off. The library only reads and writes files
 * there; a cache that cannot be created simply means every run compiles (docs/speed.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        int rc = mkdir(path, 0700);
        *p = '/';
        if (rc && errno != EEXIST)
            return -1;
    }
    return mkdir(path, 0700) && errno != EEXIST ? -1 : 0;
}

void cli_use_cache(vg_ruleset *rs)
{
    static char dir[4096];
    const char *no = getenv("VIGIL_NO_CACHE");
    if (no && *no && strcmp(no, "0") != 0)
        return;
    const char *env = getenv("VIGIL_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"),
               *home = getenv("HOME");
    int n;
    if (env && *env)
        n = snprintf(dir, sizeof dir, "%s", env);
    else if (xdg && *xdg)
        n = snprintf(dir, sizeof dir, "%s/vigil", xdg);
    else if (home && *home)
        n = snprintf(dir, sizeof dir, "%s/.cache/vigil", home);
    else
        return;
    if (n <= 0 || (size_t)n >= sizeof dir || mkdirs(dir))
        return;
    vg_ruleset_set_cache_dir(rs, dir);
}

/*
 * files.c - the folder listing every command that reads folders of logs uses.
 *
 * scan, data inventory, coverage and validate walk folders the same way: entries whose names
 * start with a dot are skipped, the rest come back as full paths in byte order, so results
 * never depend on the order the file system returns them in; of the files found, those whose
 * names say they are logs (cli_log_name) are read.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **cli_list_dir(const char *path, size_t *n)
{
    *n = 0;
    DIR *d = opendir(path);
    if (!d)
        return NULL;
    size_t cap = 16, plen = strlen(path);
    int slash = plen && path[plen - 1] == '/';
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (*n + 1 >= cap) {
            char **grown = realloc(names, (cap *= 2) * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        size_t len = plen + strlen(e->d_name) + 2;
        char *full = malloc(len);
        if (!full)
            break;
        snprintf(full, len, "%s%s%s", path, slash ? "" : "/", e->d_name);
        names[(*n)++] = full;
    }
    closedir(d);
    if (names) {
        qsort(names, *n, sizeof *names, cmp_str);
        names[*n] = NULL;
    }
    return names;
}

int cli_log_name(const char *name)
{
    static const char *const ext[] = {".evtx", ".json", ".jsonl", ".ndjson", ".gz", ".zip"};
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof ext / sizeof ext[0]; i++)
        if (strcasecmp(dot, ext[i]) == 0)
            return 1;
    return 0;
}

void cli_free_list(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

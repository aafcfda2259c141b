/*
 * load.c - adding rule files, folders and placeholder files to a ruleset, a folder's files
 * compiled by several threads with the result of one.
 *
 * A folder is walked first, recursively in sorted order, into a list of units: the rule files
 * and, at their place in that order, the folders that could not be opened. Threads then take
 * the next unit from a shared counter, read the file and compile its documents (the YAML parse
 * and the Sigma compile are nearly all of a load) into their own target: an arena, a rule list,
 * a regex list, a diagnostic list and a memo of log-source routes. They share only what they
 * read: the ruleset's knowledge base, profile and placeholders. Each unit records which thread
 * took it and the ranges of rules and diagnostics it produced there. When all are done the
 * calling thread walks the units in order and appends each one's rules (renumbered) to the
 * ruleset and its diagnostics to the caller's list, then adopts the threads' arenas and
 * regexes. So the rules, the diagnostics and their order are exactly those of compiling file
 * after file, which is what one thread does (vg_ruleset_set_load_threads(rs, 1)), straight
 * into the ruleset; tests/sigma/test_load.c compares the two.
 */
#define _DEFAULT_SOURCE /* DT_DIR, DT_REG: d_type spares a stat() per folder entry */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sigma.h"

typedef struct unit {
    char *path;
    int folder_error; /* a folder that could not be opened: its diagnostic goes here */
    /* filled in by the thread that took the unit */
    int worker; /* -1: not taken */
    int rc;
    size_t rules_from, rules_to, diags_from, diags_to, dropped;
} unit;

typedef struct load load;

typedef struct worker {
    load *ld;
    int id;
    vg__ctarget t;
    vg__arena arena;
    vg__vec rules, regexes;
    vg_diags *diags;
} worker;

struct load {
    unit *units;
    size_t n;
    atomic_size_t next;
    atomic_int stop; /* a unit failed (out of memory): take no more */
};

/* ---------------------------------------------------------------- one file */

/* A rule or placeholder file whole, or a diagnostic and the reason. */
static int read_or_report(const char *path, char **buf, size_t *len, vg_diags *diags)
{
    int rc = vg__read_file(path, VG_SIGMA_MAX_FILE, buf, len);
    if (rc)
        vg__diag_add(diags, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL, "cannot read: %s",
                     vg_strerror(rc));
    return rc;
}

/* Read one rule file and compile its documents into t; an unreadable file is a diagnostic and
 * the load goes on. Returns 0, VG_ERR_NOMEM, or VG_ERR_INVAL once the ruleset is finalized. */
static int load_file(vg__ctarget *t, const char *path, vg_diags *diags)
{
    char *buf;
    size_t len;
    if (read_or_report(path, &buf, &len, diags))
        return 0;
    int rc = t->rs->finalized ? VG_ERR_INVAL : vg__sigma_add_buffer(t, buf, len, path, diags);
    free(buf);
    return rc;
}

/* ---------------------------------------------------------------- the walk */

static int is_rule_file(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
           (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

/* Takes path (malloc'ed) as a unit, or frees it. */
static int add_unit(vg__vec *units, char *path, int folder_error)
{
    unit *u = path ? vg__vec_push(units, sizeof *u) : NULL;
    if (!u) {
        free(path);
        return VG_ERR_NOMEM;
    }
    u->path = path;
    u->folder_error = folder_error;
    u->worker = -1;
    return 0;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *full = malloc(n);
    if (full)
        snprintf(full, n, "%s/%s", dir, name);
    return full;
}

typedef struct entry {
    char *name;
    unsigned char type; /* d_type; DT_UNKNOWN and links are asked with stat() */
} entry;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

/* The rule files under path in load order (sorted names, folders entered where they sort). */
static int walk(vg__vec *units, const char *path, int depth)
{
    if (depth > VG_SIGMA_MAX_PATH_DEPTH)
        return 0;
    DIR *d = opendir(path);
    if (!d)
        return add_unit(units, strdup(path), 1);
    vg__vec names = {0};
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) && !rc) {
        if (e->d_name[0] == '.')
            continue;
        entry *slot = vg__vec_push(&names, sizeof *slot);
        if (!slot || !(slot->name = strdup(e->d_name)))
            rc = VG_ERR_NOMEM;
        else
            slot->type = e->d_type;
    }
    closedir(d);
    if (names.len)
        qsort(names.ptr, names.len, sizeof(entry), by_name);
    for (size_t i = 0; i < names.len; i++) {
        entry *en = &((entry *)names.ptr)[i];
        int dir = en->type == DT_DIR, file = is_rule_file(en->name);
        char *full = NULL;
        if (!rc && (dir || file || en->type != DT_REG) && !(full = join(path, en->name)))
            rc = VG_ERR_NOMEM;
        struct stat st;
        if (full && !dir && en->type != DT_REG) /* a link, or a file system without d_type */
            dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
        if (full && dir) {
            rc = walk(units, full, depth + 1);
        } else if (full && file) {
            rc = add_unit(units, full, 0);
            full = NULL;
        }
        free(full);
        free(en->name);
    }
    vg__vec_free(&names);
    return rc;
}

static void folder_error(const unit *u, vg_diags *diags)
{
    vg__diag_add(diags, VG_ERR_IO, VG_SEV_ERROR, u->path, 0, 0, 0, NULL, "cannot open folder");
}

/* ---------------------------------------------------------------- threads */

static void *work(void *arg)
{
    worker *w = arg;
    load *ld = w->ld;
    while (!atomic_load(&ld->stop)) {
        size_t i = atomic_fetch_add(&ld->next, 1);
        if (i >= ld->n)
            break;
        unit *u = &ld->units[i];
        if (u->folder_error)
            continue;
        u->rules_from = w->rules.len;
        u->diags_from = vg_diags_count(w->diags);
        size_t dropped = vg__diags_dropped(w->diags);
        u->rc = load_file(&w->t, u->path, w->diags);
        u->rules_to = w->rules.len;
        u->diags_to = vg_diags_count(w->diags);
        u->dropped = vg__diags_dropped(w->diags) - dropped;
        u->worker = w->id;
        if (u->rc)
            atomic_store(&ld->stop, 1);
    }
    return NULL;
}

static int reserve(vg__vec *v, size_t more, size_t item)
{
    if (v->len + more <= v->cap)
        return 0;
    void *p = realloc(v->ptr, (v->len + more) * item);
    if (!p)
        return VG_ERR_NOMEM;
    v->ptr = p;
    v->cap = v->len + more;
    return 0;
}

/* The units' rules and diagnostics in unit order, then the threads' regexes and arenas. */
static int merge(vg_ruleset *rs, load *ld, worker *w, int n, vg_diags *diags)
{
    size_t n_rules = 0, n_regexes = 0;
    for (int k = 0; k < n; k++) {
        n_rules += w[k].rules.len;
        n_regexes += w[k].regexes.len;
    }
    int rc = reserve(&rs->regexes, n_regexes, sizeof(pcre2_code *));
    for (int k = 0; k < n; k++) {
        pcre2_code **re = w[k].regexes.ptr;
        for (size_t i = 0; i < w[k].regexes.len; i++) {
            if (rc)
                pcre2_code_free(re[i]); /* no rule of theirs is merged below */
            else
                *(pcre2_code **)vg__vec_push(&rs->regexes, sizeof *re) = re[i];
        }
    }
    if (!rc)
        rc = reserve(&rs->rules, n_rules, sizeof(vg__rule *));
    for (size_t i = 0; !rc && i < ld->n; i++) {
        const unit *u = &ld->units[i];
        if (u->folder_error) {
            folder_error(u, diags);
            continue;
        }
        if (u->worker < 0)
            break; /* after a failed unit, which ended the load */
        const worker *o = &w[u->worker];
        rc = vg__diags_copy(diags, o->diags, u->diags_from, u->diags_to, u->dropped);
        for (size_t k = u->rules_from; k < u->rules_to; k++) {
            vg__rule *r = ((vg__rule **)o->rules.ptr)[k];
            r->pub.index = (uint32_t)rs->rules.len;
            *(vg__rule **)vg__vec_push(&rs->rules, sizeof r) = r;
        }
        if (!rc)
            rc = u->rc;
    }
    for (int k = 0; k < n; k++)
        vg__arena_adopt(&rs->arena, &w[k].arena);
    return rc;
}

static int thread_count(const vg_ruleset *rs, size_t files)
{
    long n = rs->load_threads ? rs->load_threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (n > VG_SIGMA_MAX_LOAD_THREADS)
        n = VG_SIGMA_MAX_LOAD_THREADS;
    if (n > 0 && (size_t)n > files)
        n = (long)files;
    return rs->finalized || n < 1 ? 1 : (int)n;
}

static int load_parallel(vg_ruleset *rs, load *ld, int n, vg_diags *diags)
{
    worker w[VG_SIGMA_MAX_LOAD_THREADS];
    pthread_t tid[VG_SIGMA_MAX_LOAD_THREADS];
    int started[VG_SIGMA_MAX_LOAD_THREADS] = {0};
    int rc = 0;
    memset(w, 0, sizeof w);
    for (int k = 0; k < n; k++) {
        w[k].ld = ld;
        w[k].id = k;
        vg__arena_init(&w[k].arena);
        w[k].t = (vg__ctarget){rs, &w[k].arena, &w[k].rules, &w[k].regexes, NULL};
        if (diags && !(w[k].diags = vg_diags_new()))
            rc = VG_ERR_NOMEM;
    }
    /* the calling thread is worker 0; a thread that cannot start leaves its share to others */
    for (int k = 1; !rc && k < n; k++)
        started[k] = pthread_create(&tid[k], NULL, work, &w[k]) == 0;
    if (!rc)
        work(&w[0]);
    for (int k = 1; k < n; k++)
        if (started[k])
            pthread_join(tid[k], NULL);
    if (!rc)
        rc = merge(rs, ld, w, n, diags);
    for (int k = 0; k < n; k++) {
        vg__arena_free(&w[k].arena); /* empty once merged */
        vg__vec_free(&w[k].rules);
        vg__vec_free(&w[k].regexes);
        vg__ctarget_done(&w[k].t);
        vg_diags_free(w[k].diags);
    }
    return rc;
}

static int load_units(vg_ruleset *rs, unit *units, size_t n_units, vg_diags *diags)
{
    size_t files = 0;
    for (size_t i = 0; i < n_units; i++)
        files += !units[i].folder_error;
    int n = thread_count(rs, files);
    if (n > 1) {
        load ld = {.units = units, .n = n_units};
        atomic_init(&ld.next, 0);
        atomic_init(&ld.stop, 0);
        return load_parallel(rs, &ld, n, diags);
    }
    vg__ctarget t;
    vg__ctarget_init(&t, rs);
    int rc = 0;
    for (size_t i = 0; i < n_units && !rc; i++) {
        if (units[i].folder_error)
            folder_error(&units[i], diags);
        else
            rc = load_file(&t, units[i].path, diags);
    }
    vg__ctarget_done(&t);
    return rc;
}

/* ---------------------------------------------------------------- public */

int vg_ruleset_add_path(vg_ruleset *rs, const char *path, vg_diags *diags)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        vg__diag_add(diags, VG_ERR_NOENT, VG_SEV_ERROR, path, 0, 0, 0, NULL,
                     "no such file or folder");
        return VG_ERR_NOENT;
    }
    if (!rs)
        return VG_ERR_INVAL;
    vg__vec units = {0};
    int rc = S_ISDIR(st.st_mode) ? walk(&units, path, 0) : add_unit(&units, strdup(path), 0);
    /* what the walk found before running out of memory still loads, as it did file by file */
    int lrc = load_units(rs, units.ptr, units.len, diags);
    for (size_t i = 0; i < units.len; i++)
        free(((unit *)units.ptr)[i].path);
    vg__vec_free(&units);
    return lrc ? lrc : rc;
}

int vg_ruleset_load_placeholders(vg_ruleset *rs, const char *path, vg_diags *diags)
{
    char *buf;
    size_t len;
    int rc = read_or_report(path, &buf, &len, diags);
    if (rc)
        return rc;
    const char *file = vg__arena_strndup(&rs->arena, path, strlen(path));
    rc = vg__yaml_load(buf, len, file, &rs->arena, &rs->placeholders, diags);
    free(buf);
    if (!rc && (!rs->placeholders.n || !rs->placeholders.docs[0] ||
                rs->placeholders.docs[0]->type != VG_Y_MAP)) {
        vg__diag_add(diags, VG_ERR_TYPE, VG_SEV_ERROR, path, 1, 1, 0, NULL,
                     "a placeholder file maps each name to a list of values");
        rc = VG_ERR_TYPE;
    }
    return rc;
}

int vg_ruleset_set_load_threads(vg_ruleset *rs, int n)
{
    if (!rs || n < 0)
        return VG_ERR_INVAL;
    rs->load_threads = n;
    return 0;
}

/*
 * conformance.c - compares vigil's Sigma semantics with an independent implementation.
 *
 * usage: conformance ORACLE_DIR [EXPLAINED_FILE [EVTX_DIR]]
 * For each oracle ruleset (SQL rules run by SQLite over the same events), vigil compiles
 * ORACLE_DIR/sigma-rules with the matching profile, evaluates ORACLE_DIR/events/flat.jsonl and
 * compares (rule, file, record) pairs for the rules the oracle has:
 *   rules_windows_sysmon_high  --profile sysmon   must agree pair for pair
 *   rules_windows_generic      --profile windows  must find every oracle pair; extra pairs are
 *                                                 listed (4688 events carry NewProcessName, which
 *                                                 the profile maps from Image; the oracle kept
 *                                                 Sigma's names and so cannot match them)
 * A disagreement listed in EXPLAINED_FILE (lines "ruleset rule_id file record kind") is
 * reported as explained; any other disagreement fails. docs/conformance.md gives the reasons.
 * With EVTX_DIR the same comparison runs again from the EVTX files themselves, read through
 * vg_input as `vigil scan` reads them (lines of EXPLAINED_FILE for that run start with "evtx:").
 * Prints rules compared, pairs agreed and each disagreement; "N passed, N failed" at the end.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/base.h"
#include "base/json.h"
#include "vigil.h"

typedef struct pair {
    char *rule, *file;
    long record;
    int seen; /* matched on the other side */
} pair;

typedef struct pairs {
    pair *p;
    size_t n, cap;
} pairs;

static void add_pair(pairs *ps, const char *rule, const char *file, long rec)
{
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 1024;
        ps->p = realloc(ps->p, ps->cap * sizeof *ps->p);
        if (!ps->p)
            abort();
    }
    ps->p[ps->n++] = (pair){strdup(rule), strdup(file), rec, 0};
}

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    int c = strcmp(x->rule, y->rule);
    if (!c)
        c = strcmp(x->file, y->file);
    return c ? c : (x->record > y->record) - (x->record < y->record);
}

static void free_pairs(pairs *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->p[i].rule);
        free(ps->p[i].file);
    }
    free(ps->p);
}

/* Oracle file: {rule_id: {title, level, tags, matches: [[relpath, record], ...]}} */
static int read_oracle(const char *path, pairs *out, char ***ids, size_t *n_ids)
{
    char *buf;
    size_t len;
    if (vg__read_file(path, 1u << 30, &buf, &len))
        return -1;
    vg__json j;
    vg__json_init(&j);
    if (vg__json_parse(&j, buf, len) || j.tok[0].type != VG_J_OBJ) {
        fprintf(stderr, "%s: not JSON: %s\n", path, j.err);
        free(buf);
        vg__json_free(&j);
        return -1;
    }
    *ids = calloc(j.tok[0].len + 1, sizeof **ids);
    *n_ids = 0;
    char tmp[4096];
    for (uint32_t k = 1; k < j.tok[0].next;) {
        uint32_t v = j.tok[k].next;
        vg__json_unescape(&j, k, tmp, sizeof tmp);
        (*ids)[(*n_ids)++] = strdup(tmp);
        uint32_t m = vg__json_get(&j, v, "matches");
        for (uint32_t e = m ? m + 1 : 0; m && e < j.tok[m].next; e = j.tok[e].next) {
            char file[4096];
            vg__json_unescape(&j, e + 1, file, sizeof file);
            uint32_t rt = j.tok[e + 1].next;
            add_pair(out, tmp, file, strtol(j.src + j.tok[rt].off, NULL, 10));
        }
        k = j.tok[v].next;
    }
    vg__json_free(&j);
    free(buf);
    return 0;
}

typedef struct run_ctx {
    pairs *mine;
    const char *file;
    long record;
    char **ids;
    size_t n_ids;
} run_ctx;

static int in_oracle(const run_ctx *c, const char *id)
{
    size_t lo = 0, hi = c->n_ids;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = strcmp(c->ids[mid], id);
        if (!r)
            return 1;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int on_match(const vg_rule *r, void *ud)
{
    run_ctx *c = ud;
    if (in_oracle(c, r->id))
        add_pair(c->mine, r->id, c->file, c->record);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int explained(const char *expl, const char *set, const pair *p, const char *kind)
{
    char key[8192];
    snprintf(key, sizeof key, "%s %s %s %ld %s", set, p->rule, p->file, p->record, kind);
    for (const char *s = expl; s && *s;) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == strlen(key) && memcmp(s, key, n) == 0)
            return 1;
        s = e ? e + 1 : NULL;
    }
    return 0;
}

/* Events of the oracle's flattened file: _file and _record name them. */
static size_t run_flat(const char *oracle, vg_matcher *m, vg_event *ev, run_ctx *c)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/events/flat.jsonl", oracle);
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0, events = 0;
    ssize_t len;
    while (f && (len = getline(&line, &cap, f)) > 0) {
        if (vg_event_from_json(ev, line, (size_t)len, VG_JSON_FLAT, NULL, NULL, 0))
            continue;
        events++;
        vg_str fv = vg_event_get(ev, "_file"), rv = vg_event_get(ev, "_record");
        char file[4096];
        snprintf(file, sizeof file, "%.*s", (int)fv.len, fv.ptr ? fv.ptr : "");
        c->file = file;
        c->record = rv.ptr ? strtol(rv.ptr, NULL, 10) : 0;
        vg_matcher_run(m, ev, on_match, c);
    }
    if (f)
        fclose(f);
    free(line);
    return events;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The EVTX files themselves, read as `vigil scan` reads them (vg_input); rel is the path
 * below the top folder, which is how the oracle names files. */
static size_t run_evtx(const char *dir, const char *rel, vg_matcher *m, vg_event *ev, run_ctx *c)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t n = 0, events = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_name);
    for (size_t i = 0; i < n; i++) {
        char path[4096], sub[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", names[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            events += run_evtx(path, sub, m, ev, c);
        } else if (strlen(names[i]) > 5 && !strcmp(names[i] + strlen(names[i]) - 5, ".evtx")) {
            vg_input *in;
            vg_input_info info;
            if (vg_input_open(path, VG_JSON_AUTO, NULL, &in) == 0) {
                while (vg_input_next(in, ev, &info) == 1) {
                    events++;
                    c->file = sub;
                    c->record = (long)info.record_id;
                    vg_matcher_run(m, ev, on_match, c);
                }
                vg_input_close(in);
            }
        }
        free(names[i]);
    }
    free(names);
    return events;
}

static int compare(const char *oracle, const char *evtx_dir, const char *set, const char *profile,
                   int superset, const char *expl, int *failures)
{
    char path[4096];
    pairs theirs = {0}, mine = {0};
    char **ids = NULL;
    size_t n_ids = 0;
    snprintf(path, sizeof path, "%s/oracle-%s.json", oracle, set);
    if (read_oracle(path, &theirs, &ids, &n_ids))
        return -1;
    qsort(ids, n_ids, sizeof *ids, cmp_str);
    vg_attack *kb = vg_attack_new();
    vg_attack_load_embedded(kb, NULL);
    vg_attack_finalize(kb, NULL);
    vg_profile *prof = NULL;
    vg_profile_load(profile, &prof, NULL);
    vg_ruleset *rs = vg_ruleset_new(kb, prof);
    vg_diags *d = vg_diags_new();
    snprintf(path, sizeof path, "%s/sigma-rules", oracle);
    vg_ruleset_add_path(rs, path, d);
    vg_ruleset_finalize(rs, d);
    size_t missing_rules = 0;
    for (size_t i = 0; i < n_ids; i++) {
        if (!vg_ruleset_find(rs, ids[i])) {
            printf("  %s: oracle rule %s is not compiled by vigil\n", set, ids[i]);
            missing_rules++;
        }
    }
    vg_matcher *m = vg_matcher_new(rs);
    vg_event *ev = vg_event_new();
    run_ctx c = {&mine, NULL, 0, ids, n_ids};
    size_t events = evtx_dir ? run_evtx(evtx_dir, "", m, ev, &c) : run_flat(oracle, m, ev, &c);
    qsort(theirs.p, theirs.n, sizeof *theirs.p, cmp_pair);
    qsort(mine.p, mine.n, sizeof *mine.p, cmp_pair);
    size_t agreed = 0, only_theirs = 0, only_mine = 0, unexplained = 0;
    for (size_t i = 0, k = 0; i < theirs.n || k < mine.n;) {
        int r = i < theirs.n && k < mine.n ? cmp_pair(&theirs.p[i], &mine.p[k])
                : i < theirs.n             ? -1
                                           : 1;
        if (r == 0) {
            agreed++;
            i++;
            k++;
            continue;
        }
        const pair *p = r < 0 ? &theirs.p[i++] : &mine.p[k++];
        const char *kind = r < 0 ? "missed" : "extra";
        char tag[160];
        snprintf(tag, sizeof tag, "%s%s", evtx_dir ? "evtx:" : "", set);
        int ok = explained(expl, tag, p, kind) || (r > 0 && superset);
        const vg_rule *rule = vg_ruleset_find(rs, p->rule);
        printf("  %s %s: %s %s record %ld  %s%s\n", tag, kind, p->rule, p->file, p->record,
               rule ? rule->title : "",
               ok ? (r > 0 && superset ? "  [extra allowed]" : "  [explained]") : "");
        if (r < 0)
            only_theirs++;
        else
            only_mine++;
        unexplained += !ok;
    }
    printf("%s (--profile %s, %s): %zu events, %zu oracle rules, %zu compiled, pairs: %zu oracle, "
           "%zu vigil, %zu agreed, %zu only in the oracle, %zu only in vigil, %zu unexplained\n",
           set, profile, evtx_dir ? "from the EVTX files" : "from flat.jsonl", events, n_ids,
           n_ids - missing_rules, theirs.n, mine.n, agreed, only_theirs, only_mine, unexplained);
    *failures += (int)(unexplained + missing_rules);
    for (size_t i = 0; i < n_ids; i++)
        free(ids[i]);
    free(ids);
    free_pairs(&theirs);
    free_pairs(&mine);
    vg_event_free(ev);
    vg_matcher_free(m);
    vg_diags_free(d);
    vg_ruleset_free(rs);
    vg_profile_free(prof);
    vg_attack_free(kb);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: conformance ORACLE_DIR [EXPLAINED_FILE [EVTX_DIR]]\n");
        return 2;
    }
    struct stat st;
    char path[4096];
    snprintf(path, sizeof path, "%s/events/flat.jsonl", argv[1]);
    if (stat(path, &st) != 0) {
        printf("shared data not found at %s; skipping the conformance comparison\n", argv[1]);
        printf("0 passed, 0 failed, 1 skipped\n");
        return 0;
    }
    char *expl = NULL;
    size_t elen;
    if (argc > 2 && vg__read_file(argv[2], 1u << 24, &expl, &elen))
        expl = NULL;
    const char *evtx = argc > 3 ? argv[3] : NULL;
    int failures = 0, runs = 0, want = 0;
    const char *dirs[2] = {NULL, evtx};
    for (int k = 0; k < (evtx ? 2 : 1); k++) {
        int f0 = failures;
        runs += compare(argv[1], dirs[k], "rules_windows_sysmon_high", "sysmon", 0, expl,
                        &failures) == 0 &&
                failures == f0;
        f0 = failures;
        runs += compare(argv[1], dirs[k], "rules_windows_generic", "windows", 1, expl, &failures) ==
                    0 &&
                failures == f0;
        want += 2;
    }
    free(expl);
    printf("%d passed, %d failed\n", runs, want - runs);
    return runs == want ? 0 : 1;
}

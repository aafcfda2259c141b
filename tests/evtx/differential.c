/*
 * differential.c - `vigil dump` against independent decodings of the same EVTX files.
 *
 * usage: evtx_differential VIGIL SHARED_DIR
 * 1. Every .evtx under SHARED_DIR/evtx is dumped with `VIGIL dump` and compared, record by
 *    record and value by value (both sides parsed with src/base/json.h), with
 *    SHARED_DIR/oracle/events/raw/<relpath>.jsonl, decoded by python-evtx and shaped like the
 *    evtx crate's JSON.
 * 2. Every .evtx under SHARED_DIR/sigma/regression_data is compared with the .json beside it
 *    (SigmaHQ's expected events, printed by the evtx crate; several pretty-printed documents
 *    may follow each other).
 * 3. For every record, the vg_event vg_evtx_next() fills must equal, field for field, what
 *    vg_event_from_json(..., VG_JSON_EVTX) makes of the dumped line.
 * The only differences allowed are the known ones, each counted and named:
 *   float        a real number formatted differently (Python vs Rust) but equal in value
 *   string-array a string array: one JSON list on one side, its items joined by commas on
 *                the other
 *   charref      a character reference: "&#N;" (the crate) vs the character or nothing
 *   trailing-ws  (regression data only) trailing white space of a string value, which the
 *                crate's releases since 0.8.5 trim (omerbenamram/evtx#249) and the file holds
 * plus the named exceptions in `exceptions` below (cases whose expected JSON was edited by
 * hand). Anything else fails. Prints each failure and "N passed, N failed" (records). Without
 * the shared data it says so and passes.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/base.h"
#include "base/json.h"

enum { D_FLOAT, D_STRARRAY, D_CHARREF, D_TRAILWS, D_EXCEPTION, D_KINDS };
static const char *const kind_name[D_KINDS] = {"float", "string-array", "charref", "trailing-ws",
                                               "named exception"};

/* Regression cases whose expected JSON does not come from the .evtx as it is. */
static const struct {
    const char *file_part, *key;
} exceptions[] = {
    /* the expected JSON spells the parent "Explorer.exe" and gives SystemTime in nanoseconds
     * (...751156500Z); the file holds "Explorer.EXE" and 100 ns ticks ...7511565 */
    {"right_to_left_override", "ParentCommandLine"},
    {"right_to_left_override", "SystemTime"},
};

static long passed, failed, records, values, equal, kinds[D_KINDS], event_checks;
static const char *cur_file;
static int regression; /* comparing with regression_data */

/* ---- helpers ---- */

static char *slurp(const char *path, size_t *len)
{
    char *p = NULL;
    return vg__read_file(path, (size_t)1 << 30, &p, len) ? NULL : p;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_evtx(const char *dir, vg__vec *out)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t n = strlen(path);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            find_evtx(path, out);
        else if (n > 5 && strcmp(path + n - 5, ".evtx") == 0)
            *(char **)vg__vec_push(out, sizeof(char *)) = strdup(path);
    }
    closedir(d);
}

/* Run `vigil dump path` and return its standard output. */
static char *dump(const char *vigil, const char *path, size_t *len)
{
    vg__buf cmd, out;
    vg__buf_init(&cmd);
    vg__buf_init(&out);
    vg__buf_printf(&cmd, "'%s' dump -q -- '", vigil);
    for (const char *p = path; *p; p++)
        vg__buf_adds(&cmd, *p == '\'' ? "'\\''" : (char[]){*p, 0});
    vg__buf_addc(&cmd, '\'');
    FILE *f = popen(cmd.ptr, "r");
    vg__buf_free(&cmd);
    if (!f)
        return NULL;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        vg__buf_add(&out, tmp, n);
    pclose(f);
    return vg__buf_take(&out, len);
}

/* ---- value comparison ---- */

static char *str_of(const vg__json *j, uint32_t t, vg__arena *a)
{
    const vg__jtok *k = &j->tok[t];
    if (k->type == VG_J_STR)
        return vg__json_str(j, t, a, NULL);
    return vg__arena_strndup(a, j->src + k->off, k->len);
}

static int is_numeric(const char *s, double *v)
{
    char *end;
    if (!*s)
        return 0;
    *v = strtod(s, &end);
    return *end == 0;
}

/* Decode "&#N;" references of s into their characters (drop = remove them instead). */
static void charrefs(const char *s, int drop, vg__buf *b)
{
    b->len = 0;
    for (; *s; s++) {
        unsigned cp;
        int n;
        if (s[0] == '&' && s[1] == '#' && sscanf(s, "&#%u;%n", &cp, &n) == 1 && n > 0) {
            if (!drop && cp < 0x80)
                vg__buf_addc(b, (char)cp);
            else if (!drop)
                vg__buf_printf(b, "%c%c", 0xc0 | (cp >> 6 & 0x1f), 0x80 | (cp & 0x3f));
            s += n - 1;
            continue;
        }
        vg__buf_addc(b, *s);
    }
    vg__buf_addc(b, 0);
}

static int classify(const vg__json *ja, uint32_t a, const vg__json *jb, uint32_t b, const char *key,
                    vg__arena *ar)
{
    const vg__jtok *ka = &ja->tok[a], *kb = &jb->tok[b];
    if (regression)
        for (size_t i = 0; i < VG_ARRAY_LEN(exceptions); i++)
            if (strstr(cur_file, exceptions[i].file_part) && strcmp(key, exceptions[i].key) == 0)
                return D_EXCEPTION;
    if (kb->type == VG_J_ARR && ka->type == VG_J_STR) {
        vg__buf j;
        vg__buf_init(&j);
        for (uint32_t e = b + 1; e < kb->next; e = jb->tok[e].next) {
            if (j.len)
                vg__buf_addc(&j, ',');
            vg__buf_adds(&j, str_of(jb, e, ar));
        }
        int same = j.ptr && strcmp(j.ptr, str_of(ja, a, ar)) == 0;
        vg__buf_free(&j);
        if (same)
            return D_STRARRAY;
    }
    if (ka->type == VG_J_ARR || kb->type == VG_J_ARR || ka->type == VG_J_OBJ ||
        kb->type == VG_J_OBJ)
        return -1;
    char *sa = str_of(ja, a, ar), *sb = str_of(jb, b, ar);
    double va, vb;
    if (is_numeric(sa, &va) && is_numeric(sb, &vb) && (va == vb || fabs(va - vb) < 1e-6 * fabs(va)))
        return D_FLOAT;
    if (strstr(sa, "&#")) {
        vg__buf t;
        vg__buf_init(&t);
        charrefs(sa, 0, &t);
        int same = strcmp(t.ptr, sb) == 0;
        charrefs(sa, 1, &t);
        same |= strcmp(t.ptr, sb) == 0;
        vg__buf_free(&t);
        if (same)
            return D_CHARREF;
    }
    if (regression) {
        size_t la = strlen(sa);
        while (la && (sa[la - 1] == ' ' || sa[la - 1] == '\t'))
            la--;
        if (la < strlen(sa) && strlen(sb) == la && memcmp(sa, sb, la) == 0)
            return D_TRAILWS;
    }
    return -1;
}

static int same_scalar(const vg__json *ja, uint32_t a, const vg__json *jb, uint32_t b,
                       vg__arena *ar)
{
    const vg__jtok *ka = &ja->tok[a], *kb = &jb->tok[b];
    if (ka->type != kb->type)
        return 0;
    return strcmp(str_of(ja, a, ar), str_of(jb, b, ar)) == 0;
}

/* Compare value a (ours) with b (theirs); returns the number of unexplained differences. */
static int compare(const vg__json *ja, uint32_t a, const vg__json *jb, uint32_t b, const char *path,
                   const char *key, vg__arena *ar)
{
    const vg__jtok *ka = &ja->tok[a], *kb = &jb->tok[b];
    if (ka->type == VG_J_OBJ && kb->type == VG_J_OBJ) {
        int bad = 0;
        char sub[1024];
        for (uint32_t k = b + 1; k < kb->next; k = jb->tok[jb->tok[k].next].next) {
            char *name = str_of(jb, k, ar);
            uint32_t mine = vg__json_get(ja, a, name);
            snprintf(sub, sizeof sub, "%s/%s", path, name);
            if (!mine) {
                printf("  %s: %s missing\n", cur_file, sub);
                bad++;
            } else {
                bad += compare(ja, mine, jb, jb->tok[k].next, sub, name, ar);
            }
        }
        for (uint32_t k = a + 1; k < ka->next; k = ja->tok[ja->tok[k].next].next) {
            char *name = str_of(ja, k, ar);
            if (!vg__json_get(jb, b, name)) {
                printf("  %s: %s/%s not expected\n", cur_file, path, name);
                bad++;
            }
        }
        return bad;
    }
    if (ka->type == VG_J_ARR && kb->type == VG_J_ARR && ka->len == kb->len) {
        int bad = 0;
        for (uint32_t x = a + 1, y = b + 1; x < ka->next; x = ja->tok[x].next, y = jb->tok[y].next)
            bad += compare(ja, x, jb, y, path, key, ar);
        return bad;
    }
    values++;
    if (ka->type != VG_J_OBJ && ka->type != VG_J_ARR && same_scalar(ja, a, jb, b, ar)) {
        equal++;
        return 0;
    }
    int k = classify(ja, a, jb, b, key, ar);
    if (k >= 0) {
        kinds[k]++;
        return 0;
    }
    printf("  %s: %s: ours %.*s, theirs %.*s\n", cur_file, path,
           (int)(ka->len < 200 ? ka->len : 200), ja->src + ka->off,
           (int)(kb->len < 200 ? kb->len : 200), jb->src + kb->off);
    return 1;
}

/* ---- the event built by the reader vs the event built from the dumped JSON ---- */

static int same_event(const vg_event *x, const vg_event *y)
{
    if (vg_event_count(x) != vg_event_count(y))
        return 0;
    for (size_t i = 0; i < vg_event_count(x); i++) {
        vg_str n1, v1, n2, v2;
        vg_value_type t1, t2;
        vg_event_field(x, i, &n1, &v1, &t1);
        vg_event_field(y, i, &n2, &v2, &t2);
        if (t1 != t2 || n1.len != n2.len || v1.len != v2.len || memcmp(n1.ptr, n2.ptr, n1.len) ||
            memcmp(v1.ptr, v2.ptr, v1.len))
            return 0;
    }
    return 1;
}

/* Documents of text: one per line (JSON lines), or pretty-printed documents that each end
 * with a line holding only "}". */
static size_t next_doc(const char *text, size_t len, size_t at, size_t *start)
{
    while (at < len && (text[at] == '\n' || text[at] == '\r' || text[at] == ' '))
        at++;
    *start = at;
    if (at >= len)
        return at;
    const char *nl = memchr(text + at, '\n', len - at);
    if (nl && nl > text + at && nl[-1] == '}' && text[at] == '{' && (nl - (text + at)) > 1 &&
        text[at + 1] != '\n' && text[at + 1] != '\r')
        return (size_t)(nl - text); /* a JSON line */
    const char *end = strstr(text + at, "\n}");
    return end ? (size_t)(end - text) + 2 : len;
}

/* Compare the dump of one file with the expected documents in want. */
static void compare_file(const char *vigil, const char *evtx, const char *want, size_t want_len,
                         vg_event *ev, vg_event *ev2)
{
    size_t got_len;
    char *got = dump(vigil, evtx, &got_len);
    vg_diags *d = vg_diags_new();
    vg_evtx *r = NULL;
    vg_evtx_open(evtx, d, &r);
    vg__json ja, jb;
    vg__json_init(&ja);
    vg__json_init(&jb);
    size_t ga = 0, wa = 0, gs, ws;
    long n_got = 0, n_want = 0;
    for (;;) {
        size_t ge = next_doc(got ? got : "", got_len, ga, &gs);
        size_t we = next_doc(want, want_len, wa, &ws);
        int have_g = gs < got_len, have_w = ws < want_len;
        n_got += have_g;
        n_want += have_w;
        if (!have_g || !have_w)
            break;
        vg__arena ar;
        vg__arena_init(&ar);
        records++;
        int bad = 0;
        if (vg__json_parse(&ja, got + gs, ge - gs) || vg__json_parse(&jb, want + ws, we - ws)) {
            printf("  %s: record %ld: unparsable JSON\n", evtx, n_got);
            bad = 1;
        } else {
            bad = compare(&ja, 0, &jb, 0, "", "", &ar);
        }
        /* the reader's own fields against the fields of the line it printed */
        if (r && vg_evtx_next(r, ev, NULL) == 1) {
            event_checks++;
            if (vg_event_from_json(ev2, got + gs, ge - gs, VG_JSON_EVTX, NULL, NULL, 0) ||
                !same_event(ev, ev2)) {
                printf("  %s: record %ld: event fields differ from the JSON's\n", evtx, n_got);
                bad = 1;
            }
        }
        vg__arena_free(&ar);
        if (bad)
            failed++;
        else
            passed++;
        ga = ge;
        wa = we;
    }
    while (next_doc(got ? got : "", got_len, ga, &gs), gs < got_len) {
        n_got++;
        ga = next_doc(got, got_len, ga, &gs);
    }
    while (next_doc(want, want_len, wa, &ws), ws < want_len) {
        n_want++;
        wa = next_doc(want, want_len, wa, &ws);
    }
    if (n_got != n_want) {
        printf("  %s: %ld records dumped, %ld expected\n", evtx, n_got, n_want);
        failed += labs(n_got - n_want);
    }
    vg__json_free(&ja);
    vg__json_free(&jb);
    vg_evtx_close(r);
    vg_diags_free(d);
    free(got);
}

static void run_oracle(const char *vigil, const char *shared, vg_event *ev, vg_event *ev2)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/evtx", shared);
    vg__vec files = {0};
    find_evtx(dir, &files);
    qsort(files.ptr, files.len, sizeof(char *), by_str);
    for (size_t i = 0; i < files.len; i++) {
        char *f = ((char **)files.ptr)[i], want_path[4096];
        snprintf(want_path, sizeof want_path, "%s/oracle/events/raw/%s.jsonl", shared,
                 f + strlen(dir) + 1);
        size_t len;
        char *want = slurp(want_path, &len);
        cur_file = f + strlen(dir) + 1;
        if (!want) {
            printf("  %s: no oracle decoding at %s\n", cur_file, want_path);
            failed++;
        } else {
            compare_file(vigil, f, want, len, ev, ev2);
        }
        free(want);
        free(f);
    }
    printf("oracle: %zu files\n", files.len);
    vg__vec_free(&files);
}

static void run_regression(const char *vigil, const char *shared, vg_event *ev, vg_event *ev2)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/sigma/regression_data", shared);
    vg__vec files = {0};
    find_evtx(dir, &files);
    qsort(files.ptr, files.len, sizeof(char *), by_str);
    regression = 1;
    for (size_t i = 0; i < files.len; i++) {
        char *f = ((char **)files.ptr)[i], want_path[4096];
        snprintf(want_path, sizeof want_path, "%.*s.json", (int)(strlen(f) - 5), f);
        size_t len;
        char *want = slurp(want_path, &len);
        cur_file = f + strlen(dir) + 1;
        if (!want) {
            printf("  %s: no expected JSON at %s\n", cur_file, want_path);
            failed++;
        } else {
            compare_file(vigil, f, want, len, ev, ev2);
        }
        free(want);
        free(f);
    }
    regression = 0;
    printf("regression_data: %zu files\n", files.len);
    vg__vec_free(&files);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: evtx_differential VIGIL SHARED_DIR\n");
        return 2;
    }
    char probe[4096];
    struct stat st;
    snprintf(probe, sizeof probe, "%s/evtx", argv[2]);
    if (stat(probe, &st) != 0) {
        printf("shared data not found at %s; skipping the EVTX differential test\n", argv[2]);
        printf("0 passed, 0 failed\n");
        return 0;
    }
    vg_event *ev = vg_event_new(), *ev2 = vg_event_new();
    run_oracle(argv[1], argv[2], ev, ev2);
    run_regression(argv[1], argv[2], ev, ev2);
    printf("records compared: %ld; values compared: %ld, equal: %ld; event fields checked on %ld "
           "records\n",
           records, values, equal, event_checks);
    printf("allowed differences:");
    for (int k = 0; k < D_KINDS; k++)
        printf(" %s %ld%s", kind_name[k], kinds[k], k + 1 < D_KINDS ? "," : "\n");
    printf("%ld passed, %ld failed\n", passed, failed);
    vg_event_free(ev);
    vg_event_free(ev2);
    return failed ? 1 : 0;
}

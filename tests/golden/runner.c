/*
 * runner.c - the golden-test runner: runs shell commands and compares what they print with the
 * text kept in a .test file, after jq's tests/jq.test. Every CLI feature is pinned this way,
 * error messages included, so a changed word or caret is a reviewed diff.
 *
 * Test file format (see docs/testing.md):
 *
 *   Free text before the first %test is a header and is ignored.
 *   %test NAME          starts a case
 *   %cmd SHELL COMMAND  run with /bin/sh -c; several %cmd lines are joined with newlines
 *   %exit N             expected exit status (default 0)
 *   %needs-shared       skip the case (counted, with a message) when the shared data is absent
 *   %stdin FILE         standard input from FILE (relative to the data directory); else
 *                       /dev/null
 *   %# TEXT             a comment, allowed anywhere (also among expected lines)
 *   then the expected standard output and standard error, merged, exactly, up to the next
 *   %test or the end of the file. Trailing blank lines are trimmed from both the expected and
 *   the actual output, so cases can be separated by blank lines, and output without a final
 *   newline matches the same text with one. Expected output cannot contain lines that begin
 *   with '%': filter such output through sed in the command.
 *
 * Each case runs in its own process group with a timeout (VG_GOLDEN_TIMEOUT seconds, default
 * 60), with the working directory set to the data directory (--data; default FILE's directory
 * plus /data when that exists), `vigil` first on PATH (a symlink to --vigil), VG_SHARED set to
 * the shared data directory (the VG_SHARED environment variable wins over --shared),
 * VG_TEST_DIR set to the directory of the .test file, VG_GOLDEN_RUNNER to this program, TMPDIR set
 * to an empty private directory, LC_ALL=C, TZ=UTC, NO_COLOR=1, and COLUMNS and UPDATE unset.
 *
 * A mismatch prints the command, the exit status and a unified diff (`diff -u` when it runs,
 * else a built-in single-hunk diff). The last line is "N passed, N failed, N skipped".
 * Exit status: 0 all ran cases passed, 1 a case failed, 2 usage or test-file error, 77 every
 * case was skipped (ctest reports the test as skipped).
 *
 * UPDATE=1 rewrites the expected output (and %exit) of the failing cases in place, keeping
 * everything else of the file; review the result with git diff before committing it.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <ftw.h>
#include <time.h>
#include <unistd.h>

#define EXIT_ALL_SKIPPED 77
#define STATUS_TIMEOUT   (-1)

typedef struct text {
    char *p;
    size_t n, cap;
} text;

typedef struct tline {
    const char *p;
    size_t n;
} tline;

typedef struct tcase {
    char *name;
    char *cmd; /* %cmd lines joined with '\n' */
    char *stdin_file;
    int exit_code;
    int needs_shared;
    size_t first;   /* line index of %test */
    size_t body;    /* first line of the expected output */
    size_t end;     /* line index of the next %test, or the number of lines */
    char *expected; /* expected output, trimmed */
    int update;     /* UPDATE mode: rewrite this case */
    char *got;      /* actual output, trimmed (when update) */
    int got_status; /* actual exit status (when update) */
} tcase;

typedef struct tfile {
    const char *path;
    char *src;
    tline *lines;
    size_t n_lines;
    tcase *cases;
    size_t n_cases;
} tfile;

typedef struct runner {
    const char *data_opt; /* --data, or NULL */
    const char *shared;   /* resolved shared dir, or NULL */
    int have_shared;
    const char *filter; /* run only cases whose name contains this */
    int verbose;
    int update;
    int timeout;
    char tmp[PATH_MAX]; /* private temporary directory */
    size_t passed, failed, skipped, updated;
} runner;

/* ------------------------------------------------------------------------------------------ */
/* small helpers                                                                               */
/* ------------------------------------------------------------------------------------------ */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("golden-runner: out of memory\n", stderr);
        exit(2);
    }
    return q;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xrealloc(NULL, n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static void text_add(text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        t->cap = (t->n + n + 1) * 2;
        t->p = xrealloc(t->p, t->cap);
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = 0;
}

static void text_adds(text *t, const char *s)
{
    text_add(t, s, strlen(s));
}

/* Remove trailing newlines (that is, trailing blank lines and the final newline). */
static void trim_trailing(char *s, size_t *n)
{
    while (*n > 0 && s[*n - 1] == '\n')
        s[--*n] = 0;
}

static int read_all(const char *path, char **out, size_t *out_n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    text t = {0};
    text_add(&t, "", 0);
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        text_add(&t, buf, k);
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(t.p);
        return -1;
    }
    *out = t.p;
    *out_n = t.n;
    return 0;
}

static int write_all(const char *path, const char *s, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(s, 1, n, f);
    return (fclose(f) == 0 && w == n) ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* Remove path and everything under it; symbolic links are removed, not followed. */
static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int starts(const tline *l, const char *prefix)
{
    size_t k = strlen(prefix);
    return l->n >= k && memcmp(l->p, prefix, k) == 0;
}

/* The argument of a directive line "%word ARG", or NULL if the line is not that directive. */
static const char *directive_arg(const tline *l, const char *word, size_t *argn)
{
    size_t k = strlen(word);
    if (l->n < k || memcmp(l->p, word, k) != 0)
        return NULL;
    if (l->n > k && l->p[k] != ' ' && l->p[k] != '\t')
        return NULL;
    const char *a = l->p + k, *e = l->p + l->n;
    while (a < e && (*a == ' ' || *a == '\t'))
        a++;
    while (e > a && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    *argn = (size_t)(e - a);
    return a;
}

/* ------------------------------------------------------------------------------------------ */
/* parsing                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static int parse_error(const tfile *f, size_t line, const char *msg)
{
    fprintf(stderr, "%s:%zu: %s\n", f->path, line + 1, msg);
    return -1;
}

static void split_lines(tfile *f, size_t n)
{
    size_t cap = 64;
    f->lines = xrealloc(NULL, cap * sizeof *f->lines);
    const char *p = f->src, *end = f->src + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (f->n_lines == cap) {
            cap *= 2;
            f->lines = xrealloc(f->lines, cap * sizeof *f->lines);
        }
        f->lines[f->n_lines++] = (tline){p, (size_t)(le - p)};
        p = nl ? nl + 1 : end;
    }
}

/* Directives of the case starting at line i; sets c->body. */
static int parse_directives(tfile *f, size_t i, tcase *c)
{
    text cmd = {0};
    for (i++; i < f->n_lines; i++) {
        const tline *l = &f->lines[i];
        const char *a;
        size_t an;
        if (!starts(l, "%"))
            break;
        if (starts(l, "%#")) {
            continue;
        } else if (directive_arg(l, "%test", &an)) {
            break; /* a case with no expected output */
        } else if ((a = directive_arg(l, "%cmd", &an))) {
            if (!an)
                return parse_error(f, i, "%cmd needs a command");
            if (c->cmd)
                text_add(&cmd, "\n", 1);
            text_add(&cmd, a, an);
            c->cmd = cmd.p; /* owned by the case from now on, freed with the file */
        } else if ((a = directive_arg(l, "%exit", &an))) {
            char buf[16];
            char *endp;
            if (!an || an >= sizeof buf)
                return parse_error(f, i, "%exit needs a number");
            memcpy(buf, a, an);
            buf[an] = 0;
            long v = strtol(buf, &endp, 10);
            if (*endp || v < 0 || v > 255)
                return parse_error(f, i, "%exit needs a number from 0 to 255");
            c->exit_code = (int)v;
        } else if ((a = directive_arg(l, "%needs-shared", &an))) {
            c->needs_shared = 1;
        } else if ((a = directive_arg(l, "%stdin", &an))) {
            if (!an)
                return parse_error(f, i, "%stdin needs a file name");
            free(c->stdin_file);
            c->stdin_file = xstrndup(a, an);
        } else {
            return parse_error(f, i,
                               "unknown directive (expected %cmd, %exit, %needs-shared, "
                               "%stdin or %#)");
        }
    }
    if (!c->cmd)
        return parse_error(f, c->first, "case has no %cmd");
    c->body = i;
    return 0;
}

static int parse_file(tfile *f)
{
    size_t n;
    if (read_all(f->path, &f->src, &n) != 0) {
        fprintf(stderr, "golden-runner: cannot read %s: %s\n", f->path, strerror(errno));
        return -1;
    }
    split_lines(f, n);
    size_t cap = 0;
    for (size_t i = 0; i < f->n_lines; i++) {
        const tline *l = &f->lines[i];
        const char *a;
        size_t an;
        if (!(a = directive_arg(l, "%test", &an)))
            continue;
        if (!an)
            return parse_error(f, i, "%test needs a name");
        if (f->n_cases == cap) {
            cap = cap ? cap * 2 : 16;
            f->cases = xrealloc(f->cases, cap * sizeof *f->cases);
        }
        tcase *c = &f->cases[f->n_cases++];
        memset(c, 0, sizeof *c);
        c->name = xstrndup(a, an);
        c->first = i;
        if (parse_directives(f, i, c))
            return -1;
        if (f->n_cases > 1)
            f->cases[f->n_cases - 2].end = i;
        i = c->body - 1;
    }
    if (f->n_cases)
        f->cases[f->n_cases - 1].end = f->n_lines;
    for (size_t k = 0; k < f->n_cases; k++) {
        tcase *c = &f->cases[k];
        text e = {0};
        text_add(&e, "", 0);
        for (size_t i = c->body; i < c->end; i++) {
            const tline *l = &f->lines[i];
            if (starts(l, "%#"))
                continue;
            if (starts(l, "%"))
                return parse_error(f, i,
                                   "directive after the expected output began (expected "
                                   "output lines cannot start with '%')");
            text_add(&e, l->p, l->n);
            text_add(&e, "\n", 1);
        }
        trim_trailing(e.p, &e.n);
        c->expected = e.p;
    }
    if (!f->n_cases)
        return parse_error(f, 0, "no %test cases in this file");
    return 0;
}

static void free_file(tfile *f)
{
    for (size_t k = 0; k < f->n_cases; k++) {
        free(f->cases[k].name);
        free(f->cases[k].cmd);
        free(f->cases[k].stdin_file);
        free(f->cases[k].expected);
        free(f->cases[k].got);
    }
    free(f->cases);
    free(f->lines);
    free(f->src);
}

/* ------------------------------------------------------------------------------------------ */
/* running a command                                                                           */
/* ------------------------------------------------------------------------------------------ */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Run argv (or "sh -c cmd") in dir with stdin from in_path and stdout+stderr to out_path.
 * Returns the exit status, 128+signal, STATUS_TIMEOUT, or -2 if the process could not start. */
static int spawn(const char *const *argv, const char *dir, const char *in_path,
                 const char *out_path, int timeout)
{
    pid_t pid = fork();
    if (pid < 0)
        return -2;
    if (pid == 0) {
        setpgid(0, 0);
        int in = open(in_path, O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
            perror("golden-runner: redirect");
            _exit(126);
        }
        close(in);
        close(out);
        if (dir && chdir(dir) != 0) {
            perror(dir);
            _exit(126);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    setpgid(pid, pid);
    long waited = 0, step = 1;
    int st;
    for (;;) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return -2;
        if (waited >= (long)timeout * 1000) {
            kill(-pid, SIGKILL);
            waitpid(pid, &st, 0);
            return STATUS_TIMEOUT;
        }
        sleep_ms(step);
        waited += step;
        if (step < 20)
            step *= 2;
    }
    kill(-pid, SIGKILL); /* leftovers of pipelines, if any */
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -2;
}

/* ------------------------------------------------------------------------------------------ */
/* diffs                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static size_t to_lines(const char *s, tline **out)
{
    size_t n = 0, cap = 16;
    tline *l = xrealloc(NULL, cap * sizeof *l);
    const char *p = s;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t k = nl ? (size_t)(nl - p) : strlen(p);
        if (n == cap) {
            cap *= 2;
            l = xrealloc(l, cap * sizeof *l);
        }
        l[n++] = (tline){p, k};
        p += k + (nl ? 1 : 0);
    }
    *out = l;
    return n;
}

static int line_eq(const tline *a, const tline *b)
{
    return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

/* One hunk from the first to the last differing line, with 3 lines of context. */
static void builtin_diff(const char *exp, const char *got)
{
    tline *a, *b;
    size_t na = to_lines(exp, &a), nb = to_lines(got, &b);
    size_t pre = 0, suf = 0;
    while (pre < na && pre < nb && line_eq(&a[pre], &b[pre]))
        pre++;
    while (suf < na - pre && suf < nb - pre && line_eq(&a[na - 1 - suf], &b[nb - 1 - suf]))
        suf++;
    size_t from = pre > 3 ? pre - 3 : 0;
    size_t ctx_after = suf < 3 ? suf : 3;
    size_t ea = na - suf + ctx_after, eb = nb - suf + ctx_after;
    printf("@@ -%zu,%zu +%zu,%zu @@\n", from + 1, ea - from, from + 1, eb - from);
    for (size_t i = from; i < pre; i++)
        printf(" %.*s\n", (int)a[i].n, a[i].p);
    for (size_t i = pre; i < na - suf; i++)
        printf("-%.*s\n", (int)a[i].n, a[i].p);
    for (size_t i = pre; i < nb - suf; i++)
        printf("+%.*s\n", (int)b[i].n, b[i].p);
    for (size_t i = na - suf; i < ea; i++)
        printf(" %.*s\n", (int)a[i].n, a[i].p);
    free(a);
    free(b);
}

static void show_diff(const runner *r, const char *exp, const char *got)
{
    char pe[PATH_MAX + 16], pg[PATH_MAX + 16], pd[PATH_MAX + 16];
    snprintf(pe, sizeof pe, "%s/expected", r->tmp);
    snprintf(pg, sizeof pg, "%s/actual", r->tmp);
    snprintf(pd, sizeof pd, "%s/diff", r->tmp);
    /* compare complete lines: both texts end with one newline */
    text e = {0}, g = {0};
    text_adds(&e, exp);
    text_adds(&g, got);
    if (e.n)
        text_add(&e, "\n", 1);
    if (g.n)
        text_add(&g, "\n", 1);
    printf("--- expected\n+++ actual\n");
    int st = -2;
    if (write_all(pe, e.p ? e.p : "", e.n) == 0 && write_all(pg, g.p ? g.p : "", g.n) == 0) {
        const char *argv[] = {"diff", "-u", "expected", "actual", NULL};
        st = spawn(argv, r->tmp, "/dev/null", pd, 30);
    }
    char *d = NULL;
    size_t dn = 0;
    if (st == 1 && read_all(pd, &d, &dn) == 0) {
        /* drop diff's own ---/+++ lines: they carry temporary paths and times */
        const char *p = d;
        for (int k = 0; k < 2 && (!strncmp(p, "--- ", 4) || !strncmp(p, "+++ ", 4)); k++) {
            const char *nl = strchr(p, '\n');
            p = nl ? nl + 1 : p + strlen(p);
        }
        fputs(p, stdout);
    } else {
        builtin_diff(exp, got);
    }
    free(d);
    free(e.p);
    free(g.p);
}

/* ------------------------------------------------------------------------------------------ */
/* cases                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static void describe_status(char *buf, size_t cap, int st, int timeout)
{
    if (st == STATUS_TIMEOUT)
        snprintf(buf, cap, "timed out after %d s", timeout);
    else if (st == -2)
        snprintf(buf, cap, "could not run");
    else if (st > 128)
        snprintf(buf, cap, "exit status %d (signal %d?)", st, st - 128);
    else
        snprintf(buf, cap, "exit status %d", st);
}

static int run_case(runner *r, const tfile *f, tcase *c, const char *data)
{
    size_t line = c->first + 1;
    if (c->needs_shared && !r->have_shared) {
        printf("skip %s:%zu: %s (needs the shared data; VG_SHARED=%s is not a directory)\n",
               f->path, line, c->name, r->shared ? r->shared : "(unset)");
        r->skipped++;
        return 0;
    }
    char in[PATH_MAX * 2], outp[PATH_MAX + 16];
    if (c->stdin_file && c->stdin_file[0] == '/')
        snprintf(in, sizeof in, "%s", c->stdin_file);
    else if (c->stdin_file)
        snprintf(in, sizeof in, "%s/%s", data, c->stdin_file);
    else
        snprintf(in, sizeof in, "/dev/null");
    snprintf(outp, sizeof outp, "%s/output", r->tmp);
    char scratch[PATH_MAX + 16]; /* TMPDIR of the case, empty at its start */
    snprintf(scratch, sizeof scratch, "%s/scratch", r->tmp);
    remove_tree(scratch);
    mkdir(scratch, 0700);
    const char *argv[] = {"/bin/sh", "-c", c->cmd, NULL};
    int st = spawn(argv, data, in, outp, r->timeout);
    char *got = NULL;
    size_t gn = 0;
    if (read_all(outp, &got, &gn) != 0)
        got = xstrndup("", 0);
    trim_trailing(got, &gn);
    if (strlen(got) != gn) { /* NUL bytes: show them, do not cut the text */
        for (size_t i = 0; i < gn; i++)
            if (!got[i])
                got[i] = '@';
    }
    int ok = st == c->exit_code && strcmp(got, c->expected) == 0;
    if (ok) {
        if (r->verbose)
            printf("ok   %s:%zu: %s\n", f->path, line, c->name);
        r->passed++;
        free(got);
        return 0;
    }
    if (r->update && st >= 0) {
        c->update = 1;
        c->got = got;
        c->got_status = st;
        printf("update %s:%zu: %s\n", f->path, line, c->name);
        r->updated++;
        return 0;
    }
    char sbuf[64];
    describe_status(sbuf, sizeof sbuf, st, r->timeout);
    printf("FAIL %s:%zu: %s\n  command: ", f->path, line, c->name);
    for (const char *p = c->cmd; *p; p++) {
        if (*p == '\n')
            fputs("\n           ", stdout);
        else
            putchar(*p);
    }
    putchar('\n');
    if (st != c->exit_code)
        printf("  %s, expected %d\n", sbuf, c->exit_code);
    if (strcmp(got, c->expected) != 0)
        show_diff(r, c->expected, got);
    r->failed++;
    free(got);
    return 1;
}

/* Write the file back with the updated cases' output and %exit; other lines stay as they are. */
static int rewrite(const tfile *f)
{
    text t = {0};
    text_add(&t, "", 0);
    size_t head = f->n_cases ? f->cases[0].first : f->n_lines;
    for (size_t i = 0; i < head; i++) {
        text_add(&t, f->lines[i].p, f->lines[i].n);
        text_add(&t, "\n", 1);
    }
    for (size_t k = 0; k < f->n_cases; k++) {
        const tcase *c = &f->cases[k];
        if (!c->update) {
            for (size_t i = c->first; i < c->end; i++) {
                text_add(&t, f->lines[i].p, f->lines[i].n);
                text_add(&t, "\n", 1);
            }
            continue;
        }
        size_t an;
        for (size_t i = c->first; i < c->body; i++) {
            if (directive_arg(&f->lines[i], "%exit", &an))
                continue;
            text_add(&t, f->lines[i].p, f->lines[i].n);
            text_add(&t, "\n", 1);
        }
        if (c->got_status) {
            char buf[32];
            snprintf(buf, sizeof buf, "%%exit %d\n", c->got_status);
            text_adds(&t, buf);
        }
        text_adds(&t, c->got);
        if (*c->got)
            text_add(&t, "\n", 1);
        int comments = 0;
        for (size_t i = c->body; i < c->end; i++)
            comments |= starts(&f->lines[i], "%#");
        if (k + 1 < f->n_cases || comments)
            text_add(&t, "\n", 1);
        for (size_t i = c->body; i < c->end; i++) {
            if (!starts(&f->lines[i], "%#"))
                continue;
            text_add(&t, f->lines[i].p, f->lines[i].n);
            text_add(&t, "\n", 1);
        }
    }
    char tmp[PATH_MAX + 16];
    snprintf(tmp, sizeof tmp, "%s.update", f->path);
    if (write_all(tmp, t.p, t.n) != 0 || rename(tmp, f->path) != 0) {
        fprintf(stderr, "golden-runner: cannot rewrite %s: %s\n", f->path, strerror(errno));
        free(t.p);
        return -1;
    }
    free(t.p);
    return 0;
}

static int run_file(runner *r, const char *path)
{
    tfile f = {0};
    f.path = path;
    if (parse_file(&f)) {
        free_file(&f);
        return -1;
    }
    char data[PATH_MAX], dir[PATH_MAX + 8], test_dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (!realpath(dir, test_dir)) {
        fprintf(stderr, "golden-runner: %s: %s\n", dir, strerror(errno));
        free_file(&f);
        return -1;
    }
    setenv("VG_TEST_DIR", test_dir, 1);
    struct stat sb;
    snprintf(dir, sizeof dir, "%s/data", test_dir);
    if (r->data_opt)
        snprintf(dir, sizeof dir, "%s", r->data_opt);
    else if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        snprintf(dir, sizeof dir, "%s", test_dir);
    if (!realpath(dir, data)) {
        fprintf(stderr, "golden-runner: data directory %s: %s\n", dir, strerror(errno));
        free_file(&f);
        return -1;
    }
    size_t updated = r->updated;
    for (size_t k = 0; k < f.n_cases; k++)
        if (!r->filter || strstr(f.cases[k].name, r->filter))
            run_case(r, &f, &f.cases[k], data);
    int rc = 0;
    if (r->updated > updated)
        rc = rewrite(&f);
    free_file(&f);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* setup                                                                                       */
/* ------------------------------------------------------------------------------------------ */

/* Private temp dir holding bin/vigil -> the binary under test, and per-case scratch files. */
static int setup_env(runner *r, const char *vigil, const char *self)
{
    const char *t = getenv("TMPDIR");
    snprintf(r->tmp, sizeof r->tmp, "%s/vg-golden-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(r->tmp)) {
        fprintf(stderr, "golden-runner: mkdtemp %s: %s\n", r->tmp, strerror(errno));
        return -1;
    }
    if (vigil) {
        char real[PATH_MAX], link[PATH_MAX + 16];
        if (!realpath(vigil, real)) {
            fprintf(stderr, "golden-runner: %s: %s\n", vigil, strerror(errno));
            return -1;
        }
        snprintf(link, sizeof link, "%s/bin", r->tmp);
        if (mkdir(link, 0700) != 0)
            return -1;
        snprintf(link, sizeof link, "%s/bin/vigil", r->tmp);
        if (symlink(real, link) != 0) {
            fprintf(stderr, "golden-runner: symlink %s: %s\n", link, strerror(errno));
            return -1;
        }
        const char *old = getenv("PATH");
        text p = {0};
        text_adds(&p, r->tmp);
        text_adds(&p, "/bin:");
        text_adds(&p, old && *old ? old : "/usr/bin:/bin");
        setenv("PATH", p.p, 1);
        free(p.p);
    }
    char real_self[PATH_MAX];
    if (strchr(self, '/') && realpath(self, real_self))
        setenv("VG_GOLDEN_RUNNER", real_self, 1);
    const char *env_shared = getenv("VG_SHARED");
    if (env_shared && *env_shared)
        r->shared = env_shared;
    struct stat sb;
    r->have_shared = r->shared && stat(r->shared, &sb) == 0 && S_ISDIR(sb.st_mode);
    char scratch[PATH_MAX + 16];
    snprintf(scratch, sizeof scratch, "%s/scratch", r->tmp);
    setenv("TMPDIR", scratch, 1);
    if (r->shared)
        setenv("VG_SHARED", r->shared, 1);
    setenv("LC_ALL", "C", 1);
    setenv("TZ", "UTC", 1);
    setenv("NO_COLOR", "1", 1);
    unsetenv("COLUMNS");
    unsetenv("UPDATE"); /* read already; a nested runner must not rewrite its files */
    signal(SIGPIPE, SIG_DFL);
    return 0;
}

static int usage(void)
{
    fputs("usage: golden-runner [-v] [--vigil PATH] [--data DIR] [--shared DIR] [--filter TEXT] "
          "FILE.test...\n"
          "  UPDATE=1 rewrites the expected output of failing cases; VG_SHARED overrides "
          "--shared.\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    runner r = {0};
    const char *vigil = NULL;
    r.timeout = 60;
    const char *u = getenv("UPDATE");
    r.update = u && *u && strcmp(u, "0") != 0;
    const char *to = getenv("VG_GOLDEN_TIMEOUT");
    if (to && strtol(to, NULL, 10) > 0)
        r.timeout = (int)strtol(to, NULL, 10);
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-v") == 0) {
            r.verbose = 1;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (!v)
            return usage();
        if (strcmp(a, "--vigil") == 0)
            vigil = v;
        else if (strcmp(a, "--data") == 0)
            r.data_opt = v;
        else if (strcmp(a, "--shared") == 0)
            r.shared = *v ? v : NULL;
        else if (strcmp(a, "--filter") == 0)
            r.filter = v;
        else
            return usage();
        i++;
    }
    if (i >= argc)
        return usage();
    if (setup_env(&r, vigil, argv[0])) {
        remove_tree(r.tmp);
        return 2;
    }
    int bad = 0;
    for (; i < argc; i++)
        bad |= run_file(&r, argv[i]) != 0;
    remove_tree(r.tmp);
    if (r.update)
        printf("%zu updated\n", r.updated);
    printf("%zu passed, %zu failed, %zu skipped\n", r.passed, r.failed, r.skipped);
    fflush(stdout);
    if (bad)
        return 2;
    if (r.failed)
        return 1;
    if (!r.passed && !r.updated && r.skipped)
        return EXIT_ALL_SKIPPED;
    return 0;
}

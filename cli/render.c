/*
 * render.c - how the CLI shows things: diagnostics with a caret, JSON, table cells.
 *
 * Diagnostics follow the compiler convention `file:line:col: severity: message`, then the
 * offending source line (re-read from the file, clipped to a window around the column for very
 * long lines such as minified JSON) and a caret under the column.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

static const char *sev_name(vg_severity s)
{
    return s == VG_SEV_ERROR ? "error" : s == VG_SEV_WARNING ? "warning" : "note";
}

/* Fetch line `line` of file into buf; returns its length or -1. */
static long source_line(const char *file, uint32_t line, char *buf, size_t cap)
{
    FILE *f = fopen(file, "rb");
    if (!f)
        return -1;
    uint32_t cur = 1;
    int c;
    long n = 0;
    while ((c = fgetc(f)) != EOF) {
        if (cur == line) {
            if (c == '\n')
                break;
            if ((size_t)n + 1 < cap)
                buf[n++] = (char)c;
        } else if (c == '\n' && ++cur > line) {
            break;
        }
    }
    fclose(f);
    if (cur != line)
        return -1;
    buf[n] = 0;
    return n;
}

static void print_caret(FILE *out, const vg_diag *d)
{
    if (!d->file || !d->line || !d->col || d->file[0] == '<')
        return;
    static char buf[1 << 16];
    long n = source_line(d->file, d->line, buf, sizeof buf);
    if (n <= 0) /* unreadable, or an empty line: nothing to point at */
        return;
    long col = (long)d->col - 1, start = 0;
    if (col > n)
        col = n;
    if (col > 60)
        start = col - 40; /* window around the column for long lines */
    long end = start + 100 < n ? start + 100 : n;
    fprintf(out, "  %s", start ? "..." : "");
    for (long i = start; i < end; i++)
        fputc(buf[i] == '\t' ? ' ' : buf[i], out);
    fprintf(out, "%s\n  %s", end < n ? "..." : "", start ? "   " : "");
    for (long i = start; i < col; i++)
        fputc(' ', out);
    fputs("^\n", out);
}

static void print_diag(const vg_diag *r, FILE *out, int color)
{
    const char *on = "", *off = "";
    if (color) {
        on = r->severity == VG_SEV_ERROR ? "\033[1;31m" : "\033[1;33m";
        off = "\033[0m";
    }
    /* no file: the problem belongs to the whole input, named like compilers do ("cc1:") */
    fprintf(out, "%s:", r->file ? r->file : "vigil");
    if (r->line)
        fprintf(out, "%u:%u:", r->line, r->col);
    fprintf(out, " %s%s:%s %s", on, sev_name(r->severity), off, r->message);
    if (r->object)
        fprintf(out, " [%s]", r->object);
    if (r->line || r->offset) /* EVTX damage has no line, only a byte offset */
        fprintf(out, " (byte %llu)", (unsigned long long)r->offset);
    fputc('\n', out);
    print_caret(out, r);
}

void cli_print_one_diag(const vg_diag *r, FILE *out)
{
    print_diag(r, out, 0);
}

void cli_print_diags(const vg_diags *d, FILE *out, int color)
{
    for (size_t i = 0; i < vg_diags_count(d); i++)
        print_diag(vg_diags_get(d, i), out, color);
}

/* ---- JSON writer ---- */

void jw_init(jw *w, FILE *f)
{
    memset(w, 0, sizeof *w);
    w->f = f;
}

static void sep(jw *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth > 0 && w->need_comma[w->depth])
        fputc(',', w->f);
    if (w->depth > 0)
        w->need_comma[w->depth] = 1;
}

static void open_(jw *w, char c)
{
    sep(w);
    fputc(c, w->f);
    if (w->depth < 63)
        w->depth++;
    w->need_comma[w->depth] = 0;
}

void jw_obj(jw *w)
{
    open_(w, '{');
}

void jw_arr(jw *w)
{
    open_(w, '[');
}

void jw_end(jw *w, char close)
{
    fputc(close, w->f);
    if (w->depth > 0)
        w->depth--;
    if (w->depth == 0)
        fputc('\n', w->f);
}

/* Length of the valid UTF-8 sequence at s, or 0 if the bytes there are not one. */
static size_t utf8_valid(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (s[0] >= 0xF5)
        n = 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

static void raw_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80) { /* JSON output is always valid UTF-8 */
            size_t n = utf8_valid((const unsigned char *)s);
            if (!n) {
                fputs("\\ufffd", f);
            } else {
                fwrite(s, 1, n, f);
                s += n - 1;
            }
        } else if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void jw_key(jw *w, const char *k)
{
    sep(w);
    raw_str(w->f, k);
    fputc(':', w->f);
    w->after_key = 1;
}

void jw_str(jw *w, const char *s)
{
    sep(w);
    raw_str(w->f, s);
}

void jw_int(jw *w, long long v)
{
    sep(w);
    fprintf(w->f, "%lld", v);
}

void jw_bool(jw *w, int v)
{
    sep(w);
    fputs(v ? "true" : "false", w->f);
}

void jw_null(jw *w)
{
    sep(w);
    fputs("null", w->f);
}

void jw_kstr(jw *w, const char *k, const char *s)
{
    jw_key(w, k);
    jw_str(w, s);
}

void jw_kint(jw *w, const char *k, long long v)
{
    jw_key(w, k);
    jw_int(w, v);
}

/* ---- table cells ---- */

void cli_put_cell(FILE *f, const char *s, int width, int pad)
{
    int cols = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && cols < width) {
        size_t n = 1;
        if (*p >= 0xF0)
            n = 4;
        else if (*p >= 0xE0)
            n = 3;
        else if (*p >= 0xC0)
            n = 2;
        size_t have = strnlen((const char *)p, n);
        /* last visible column of a clipped cell shows an ellipsis */
        if (cols == width - 1 && strlen((const char *)p) > have) {
            fputs("\xe2\x80\xa6", f);
            cols++;
            p += strlen((const char *)p);
            break;
        }
        fwrite(p, 1, have, f);
        p += have;
        cols++;
    }
    while (pad && cols++ < width)
        fputc(' ', f);
}

int cli_term_width(void)
{
    const char *c = getenv("COLUMNS");
    if (c && *c) {
        long v = strtol(c, NULL, 10);
        if (v >= 40 && v <= 1000)
            return (int)v;
    }
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    return 200;
}

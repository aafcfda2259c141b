/*
 * diag.c - diagnostic records collected while loading untrusted input.
 *
 * Loaders never print: they append a record with the code, severity, location and a message,
 * and carry on with the next object. The list keeps its own copies of all strings, stores at
 * most VG_DIAG_MAX_RECORDS records and counts the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

struct vg_diags {
    vg__vec items; /* vg_diag */
    vg__arena strings;
    size_t dropped;
};

vg_diags *vg_diags_new(void)
{
    vg_diags *d = calloc(1, sizeof *d);
    if (d)
        vg__arena_init(&d->strings);
    return d;
}

void vg_diags_clear(vg_diags *d)
{
    if (!d)
        return;
    vg__vec_free(&d->items);
    vg__arena_free(&d->strings);
    d->dropped = 0;
}

void vg_diags_free(vg_diags *d)
{
    if (!d)
        return;
    vg_diags_clear(d);
    free(d);
}

size_t vg_diags_count(const vg_diags *d)
{
    return d ? d->items.len : 0;
}

const vg_diag *vg_diags_get(const vg_diags *d, size_t i)
{
    if (!d || i >= d->items.len)
        return NULL;
    return (const vg_diag *)d->items.ptr + i;
}

size_t vg_diags_count_at(const vg_diags *d, vg_severity min)
{
    size_t n = 0;
    for (size_t i = 0; i < vg_diags_count(d); i++)
        n += vg_diags_get(d, i)->severity >= min;
    return n;
}

static const char *keep(vg_diags *d, const char *s)
{
    return s ? vg__arena_strndup(&d->strings, s, strlen(s)) : NULL;
}

int vg__diag_add(vg_diags *d, int code, vg_severity sev, const char *file, uint32_t line,
                 uint32_t col, uint64_t offset, const char *object, const char *fmt, ...)
{
    if (!d)
        return 0;
    if (d->items.len >= VG_DIAG_MAX_RECORDS) {
        d->dropped++;
        return 0;
    }
    char msg[VG_DIAG_MAX_MESSAGE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    vg_diag *r = vg__vec_push(&d->items, sizeof *r);
    if (!r)
        return VG_ERR_NOMEM;
    r->code = code;
    r->severity = sev;
    r->file = keep(d, file);
    r->line = line;
    r->col = col;
    r->offset = offset;
    r->object = keep(d, object);
    r->message = keep(d, msg);
    if (!r->message) {
        d->items.len--;
        return VG_ERR_NOMEM;
    }
    return 0;
}

int vg__diags_copy(vg_diags *dst, const vg_diags *src, size_t from, size_t to, size_t dropped)
{
    if (!dst)
        return 0;
    for (size_t i = from; src && i < to && i < src->items.len; i++) {
        const vg_diag *r = (const vg_diag *)src->items.ptr + i;
        if (vg__diag_add(dst, r->code, r->severity, r->file, r->line, r->col, r->offset, r->object,
                         "%s", r->message))
            return VG_ERR_NOMEM;
    }
    dst->dropped += dropped;
    return 0;
}

size_t vg__diags_dropped(const vg_diags *d)
{
    return d ? d->dropped : 0;
}

void vg__line_col(const char *buf, size_t len, size_t offset, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1, c = 1;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        if (buf[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

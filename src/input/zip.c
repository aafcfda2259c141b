/*
 * zip.c - zip archives as input: each member that holds JSON lines or EVTX is read as if it
 * were a file of its own (OTRF Security-Datasets ship their recordings this way).
 *
 * libzip reads the archive's central directory; members are then taken in directory order.
 * Directories, hidden members (a name part starting with '.') and macOS resource forks
 * (__MACOSX/) are passed over silently, as a folder walk passes over hidden files. Every
 * other member is opened and its first chunk decides what it is, by content as for files: the
 * EVTX signature, or a '{' as the first byte that is not blank (JSON lines); anything else is
 * skipped with a note. A JSON-lines member is streamed in chunks of ZIP_CHUNK bytes through
 * input.c's line reader (vg__zip_read); an EVTX member is read into memory (at most
 * VG_ZIP_MAX_EVTX_MEMBER bytes) for vigil's EVTX reader. Each member gets an input named
 * "archive.zip:member", so events and diagnostics say where they came from
 * (archive.zip:member:line:col). A member that cannot be opened or decompressed, fails its
 * CRC, or is encrypted is reported with the archive and member named, and the next member is
 * read; an archive whose directory cannot be read (not a zip, truncated) is an error of the
 * whole file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "input.h"

#define ZIP_CHUNK (1u << 16)

struct vg__zip_member {
    zip_file_t *zf;
    vg_diags *diags;
    const char *name; /* "archive.zip:member" */
    char *buf;        /* ZIP_CHUNK bytes */
    size_t pos, len;
    int eof;
    char err[200]; /* why reading stopped early, or "" */
};

struct vg__zip {
    zip_t *za;
    char *path;
    vg_json_form form;
    vg_diags *diags;
    zip_int64_t n, next; /* members; the next to open */
    vg__zip_member m;    /* the current member's bytes */
    vg_input *cur;       /* the current member as an input */
    char *name;          /* "archive.zip:member" */
    char *evtx;          /* an EVTX member's bytes */
};

/* ---- a member's bytes ---- */

/* Refill the chunk; 0 at the end of the member or after an error (recorded in m->err). A CRC
 * mismatch shows only at the end, after every byte was delivered: it is reported here, naming
 * the member, and is not an error of the last line. */
static size_t fill(vg__zip_member *m)
{
    m->pos = m->len = 0;
    if (m->eof || !m->zf)
        return 0;
    zip_int64_t got = zip_fread(m->zf, m->buf, ZIP_CHUNK);
    if (got < 0 && zip_error_code_zip(zip_file_get_error(m->zf)) == ZIP_ER_CRC)
        vg__diag_add(m->diags, VG_ERR_CORRUPT, VG_SEV_ERROR, m->name, 0, 0, 0, NULL,
                     "member damaged (CRC mismatch): what was read of it may be wrong or "
                     "incomplete");
    else if (got < 0)
        snprintf(m->err, sizeof m->err, "%s", zip_file_strerror(m->zf));
    if (got < 0) {
        m->eof = 1;
        return 0;
    }
    if (got == 0)
        m->eof = 1;
    m->len = (size_t)got;
    return m->len;
}

size_t vg__zip_read(vg__zip_member *m, char *buf, size_t n)
{
    if (m->pos == m->len && !fill(m))
        return 0;
    size_t k = m->len - m->pos;
    if (k > n)
        k = n;
    memcpy(buf, m->buf + m->pos, k);
    m->pos += k;
    return k;
}

const char *vg__zip_error(vg__zip_member *m, int *err)
{
    *err = m->err[0] != 0;
    return m->err;
}

/* ---- members ---- */

static void end_member(vg__zip *z)
{
    vg_input_close(z->cur);
    z->cur = NULL;
    if (z->m.zf)
        zip_fclose(z->m.zf);
    z->m.zf = NULL;
    z->m.pos = z->m.len = 0;
    z->m.eof = 0;
    z->m.err[0] = 0;
    free(z->evtx);
    z->evtx = NULL;
    free(z->name);
    z->name = NULL;
}

/* Directories, hidden members and macOS resource forks are not logs. */
static int passed_over(const char *name)
{
    size_t n = strlen(name);
    if (!n || name[n - 1] == '/' || strncmp(name, "__MACOSX/", 9) == 0)
        return 1;
    for (const char *p = name; p; p = strchr(p, '/')) {
        p += *p == '/';
        if (*p == '.')
            return 1;
    }
    return 0;
}

/* "archive.zip:member", control characters shown as '?'. */
static char *member_name(const char *archive, const char *member)
{
    size_t a = strlen(archive), n = strlen(member);
    char *s = malloc(a + n + 2);
    if (!s)
        return NULL;
    memcpy(s, archive, a);
    s[a] = ':';
    for (size_t i = 0; i < n; i++)
        s[a + 1 + i] = (unsigned char)member[i] < 0x20 || member[i] == 0x7f ? '?' : member[i];
    s[a + 1 + n] = 0;
    return s;
}

/* A problem of the current member (or of the archive before one is named). */
static void report(vg__zip *z, int code, vg_severity sev, const char *msg, const char *why)
{
    vg__diag_add(z->diags, code, sev, z->name ? z->name : z->path, 0, 0, 0, NULL, "%s%s%s%s", msg,
                 why ? " (" : "", why ? why : "", why ? ")" : "");
}

/* Read the rest of an EVTX member into z->evtx (the first chunk is in z->m), growing the
 * buffer as bytes arrive, up to the limit. A read that fails keeps what came before it, which
 * the EVTX reader takes as a truncated file. */
static int read_evtx(vg__zip *z, size_t *len)
{
    size_t cap = z->m.len > ZIP_CHUNK ? z->m.len : ZIP_CHUNK;
    if (!(z->evtx = malloc(cap)))
        return VG_ERR_NOMEM;
    memcpy(z->evtx, z->m.buf, z->m.len);
    *len = z->m.len;
    while (fill(&z->m)) {
        if (*len + z->m.len > VG_ZIP_MAX_EVTX_MEMBER) {
            report(z, VG_ERR_LIMIT, VG_SEV_WARNING,
                   "EVTX member longer than the limit for archive members; the rest is not read",
                   NULL);
            break;
        }
        if (*len + z->m.len > cap) {
            char *p = realloc(z->evtx, cap * 2);
            if (!p)
                return VG_ERR_NOMEM;
            z->evtx = p;
            cap *= 2;
        }
        memcpy(z->evtx + *len, z->m.buf, z->m.len);
        *len += z->m.len;
    }
    if (z->m.err[0])
        report(z, VG_ERR_CORRUPT, VG_SEV_ERROR, "member damaged; its records after that are lost",
               z->m.err);
    return 0;
}

/* What the first chunk holds: 'e' EVTX, 'j' JSON lines, 0 something else. */
static int sniff(const vg__zip_member *m)
{
    if (m->len >= 8 && memcmp(m->buf, "ElfFile", 8) == 0)
        return 'e';
    size_t i = m->len >= 3 && memcmp(m->buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < m->len && strchr(" \t\r\n", m->buf[i]))
        i++;
    return i == m->len || m->buf[i] == '{' ? 'j' : 0; /* an empty member is empty JSON lines */
}

/* Open member i as z->cur: 1 opened, 0 passed over or skipped (reported), <0 out of memory. */
static int open_member(vg__zip *z, zip_int64_t i)
{
    zip_stat_t st;
    int rc;
    zip_stat_init(&st);
    if (zip_stat_index(z->za, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
        vg__diag_add(z->diags, VG_ERR_CORRUPT, VG_SEV_ERROR, z->path, 0, 0, 0, NULL,
                     "member %lld: cannot read its directory entry (%s)", (long long)i + 1,
                     zip_strerror(z->za));
        return 0;
    }
    if (passed_over(st.name))
        return 0;
    if (!(z->name = member_name(z->path, st.name)))
        return VG_ERR_NOMEM;
    z->m.name = z->name;
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
        report(z, VG_ERR_UNSUPPORTED, VG_SEV_WARNING, "encrypted member skipped", NULL);
        return 0;
    }
    if (!(z->m.zf = zip_fopen_index(z->za, (zip_uint64_t)i, 0))) {
        report(z, VG_ERR_CORRUPT, VG_SEV_ERROR, "member cannot be read, skipped",
               zip_strerror(z->za));
        return 0;
    }
    fill(&z->m);
    int kind = z->m.err[0] ? 0 : sniff(&z->m);
    if (z->m.err[0] && !z->m.len) {
        report(z, VG_ERR_CORRUPT, VG_SEV_ERROR, "member damaged, skipped", z->m.err);
        return 0;
    }
    if (!kind) {
        report(z, VG_ERR_UNSUPPORTED, VG_SEV_NOTE, "member is neither JSON lines nor EVTX; skipped",
               NULL);
        return 0;
    }
    if (kind == 'e') {
        size_t len = 0;
        if ((rc = read_evtx(z, &len)) == 0)
            rc = vg__input_open_member(z->name, z->form, z->diags, NULL, z->evtx, len, &z->cur);
    } else {
        rc = vg__input_open_member(z->name, z->form, z->diags, &z->m, NULL, 0, &z->cur);
    }
    if (rc == VG_ERR_NOMEM)
        return rc;
    return rc == 0; /* the EVTX reader reported why it refused the member */
}

/* ---- the archive ---- */

int vg__zip_open(const char *path, vg_json_form form, vg_diags *diags, vg__zip **out)
{
    *out = NULL;
    vg__zip *z = calloc(1, sizeof *z);
    if (!z || !(z->path = strdup(path)) || !(z->m.buf = malloc(ZIP_CHUNK))) {
        vg__zip_close(z);
        return VG_ERR_NOMEM;
    }
    z->form = form;
    z->diags = z->m.diags = diags;
    int err = 0;
    if (!(z->za = zip_open(path, ZIP_RDONLY, &err))) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        int rc = err == ZIP_ER_MEMORY                                              ? VG_ERR_NOMEM
                 : err == ZIP_ER_OPEN || err == ZIP_ER_READ || err == ZIP_ER_NOENT ? VG_ERR_IO
                                                                                   : VG_ERR_CORRUPT;
        vg__diag_add(diags, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL,
                     "zip archive cannot be read (%s)%s", zip_error_strerror(&ze),
                     rc == VG_ERR_CORRUPT ? ": damaged or truncated" : "");
        zip_error_fini(&ze);
        vg__zip_close(z);
        return rc;
    }
    z->n = zip_get_num_entries(z->za, 0);
    *out = z;
    return 0;
}

int vg__zip_next(vg__zip *z, vg_event *ev, vg_input_info *info)
{
    for (;;) {
        if (z->cur) {
            int rc = vg_input_next(z->cur, ev, info);
            if (rc != 0)
                return rc;
            end_member(z);
        }
        if (z->next >= z->n)
            return 0;
        int rc = open_member(z, z->next++);
        if (rc < 0)
            return rc;
        if (!rc)
            end_member(z);
    }
}

int vg__zip_json(vg__zip *z, const char **json, size_t *len)
{
    return z->cur ? vg_input_json(z->cur, json, len) : VG_ERR_INVAL;
}

void vg__zip_close(vg__zip *z)
{
    if (!z)
        return;
    end_member(z);
    if (z->za)
        zip_discard(z->za);
    free(z->m.buf);
    free(z->path);
    free(z);
}

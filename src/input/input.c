/*
 * input.c - one interface over the inputs vigil reads: EVTX files and JSON lines.
 *
 * vg_input_open() looks at the first bytes: the EVTX signature selects the EVTX reader,
 * anything else is read as JSON lines. Each line is one event; a line that is not a JSON object
 * is reported with its file, line and column and skipped, so one bad line never stops a scan.
 * A plain regular file is read with read(), gzip files and standard input through zlib
 * (gzread, which also passes plain bytes through), in large blocks into one buffer, and each
 * line is handed out where it lies in that buffer (found with memchr, never copied; a line
 * cut by the block end is moved to the front, and the buffer grows only for a line longer
 * than half of it). A line keeps every byte up to its newline, NUL bytes included (they make
 * it invalid JSON, reported at their column). A zip archive (PK\3\4) goes
 * to zip.c, which reads each member through an input of its own: a JSON-lines member gives
 * its bytes to the same line reader in place of zlib (src_read below). A plain file can also
 * be cut into line-aligned ranges (vg_input_split) and each range read by its own input
 * (vg_input_open_range), so several threads share one large file; an EVTX file is cut the
 * same way between whole chunks (src/evtx/file.c: vg__evtx_split, vg__evtx_open_chunks).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../base/base.h"
#include "../evtx/evtx.h"
#include "input.h"

struct vg_input {
    vg_input_kind kind;
    char *path;
    vg_diags *diags;
    vg_evtx *evtx;
    gzFile gz;
    vg__zip *zip;           /* an archive: its members, one after another */
    vg__zip_member *member; /* a JSON-lines member of one, read instead of gz */
    vg_json_form form;
    char *line; /* the current line, in blk */
    size_t len;
    int fd;    /* a plain file read with read(), or -1 (then gz or member) */
    char *blk; /* the block buffer: bytes [bpos, bfill) are read and not yet handed out */
    size_t bpos, bfill, bcap;
    int beof;
    uint64_t lineno, offset, next_offset;
    uint64_t end; /* a range (vg_input_open_range): no line starting here or later is read */
    int have;
};

/* 'e' EVTX, 'z' zip archive, 0 anything else (read as JSON lines). */
static int magic_of(const char *path)
{
    if (strcmp(path, "-") == 0)
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char magic[8] = {0};
    size_t n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return n == 8 && memcmp(magic, "ElfFile", 8) == 0 ? 'e'
           : n >= 4 && (memcmp(magic, VG__ZIP_MAGIC, 4) == 0 ||
                        memcmp(magic, VG__ZIP_MAGIC_EMPTY, 4) == 0)
               ? 'z'
               : 0;
}

static vg_input *new_input(const char *path, vg_json_form form, vg_diags *diags)
{
    vg_input *in = calloc(1, sizeof *in);
    if (!in || !(in->path = strdup(path))) {
        free(in);
        return NULL;
    }
    in->diags = diags;
    in->form = form;
    in->fd = -1;
    return in;
}

/* Is path a plain JSON-lines file (not EVTX, zip or gzip, not standard input)? */
static int plain_file(const char *path, uint64_t *size);

int vg_input_open(const char *path, vg_json_form form, vg_diags *diags, vg_input **out)
{
    *out = NULL;
    vg_input *in = new_input(path, form, diags);
    if (!in)
        return VG_ERR_NOMEM;
    int rc = 0, magic = magic_of(path);
    if (magic == 'e') {
        in->kind = VG_INPUT_EVTX;
        rc = vg_evtx_open(path, diags, &in->evtx);
    } else if (magic == 'z') {
        in->kind = VG_INPUT_ZIP;
        rc = vg__zip_open(path, form, diags, &in->zip);
    } else {
        in->kind = VG_INPUT_JSONL;
        uint64_t size;
        int plain = plain_file(path, &size);
        int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY);
        if (fd < 0) {
            rc = errno == ENOENT ? VG_ERR_NOENT : VG_ERR_IO;
            vg__diag_add(diags, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL, "cannot open: %s",
                         strerror(errno));
        } else if (plain) {
            in->fd = fd;
        } else if (!(in->gz = gzdopen(fd, "rb"))) {
            close(fd);
            rc = VG_ERR_NOMEM;
        } else {
            gzbuffer(in->gz, 1 << 17);
        }
    }
    if (rc) {
        vg_input_close(in);
        return rc;
    }
    *out = in;
    return 0;
}

static int plain_file(const char *path, uint64_t *size)
{
    struct stat sb;
    if (strcmp(path, "-") == 0 || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || magic_of(path))
        return 0;
    unsigned char m[2] = {0, 0};
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(m, 1, 2, f) : 0;
    if (f)
        fclose(f);
    *size = (uint64_t)sb.st_size;
    return f && !(got == 2 && m[0] == 0x1f && m[1] == 0x8b);
}

/* Is path a regular EVTX file? */
static int evtx_file(const char *path)
{
    struct stat sb;
    return strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
           magic_of(path) == 'e';
}

int vg_input_split(const char *path, unsigned parts, uint64_t *start, uint64_t *lines, unsigned *n)
{
    uint64_t size = 0;
    *n = 0;
    if (parts && evtx_file(path)) { /* whole chunks: each has its own names and templates */
        int rc = vg__evtx_split(path, parts, start, n);
        for (unsigned k = 0; k < *n; k++)
            lines[k] = 0;
        return rc;
    }
    if (!parts || !plain_file(path, &size))
        return VG_ERR_INVAL;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return errno == ENOENT ? VG_ERR_NOENT : VG_ERR_IO;
    static const size_t chunk = 1u << 20;
    char *buf = malloc(chunk);
    if (!buf) {
        close(fd);
        return VG_ERR_NOMEM;
    }
    /* range k starts after the first newline at or past k * size / parts */
    start[0] = 0;
    lines[0] = 0;
    unsigned k = 1;
    uint64_t pos = 0, nl = 0;
    int rc = 0;
    while (k < parts) {
        ssize_t got = read(fd, buf, chunk);
        if (got < 0) {
            rc = VG_ERR_IO;
            break;
        }
        if (got == 0)
            break;
        for (char *p = buf, *e = buf + got; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++) {
            uint64_t at = pos + (uint64_t)(p - buf);
            nl++;
            if (k < parts && at >= size / parts * k && at + 1 < size) {
                start[k] = at + 1;
                lines[k++] = nl;
            }
        }
        pos += (uint64_t)got;
    }
    free(buf);
    close(fd);
    *n = rc ? 0 : k;
    return rc;
}

int vg_input_open_range(const char *path, vg_json_form form, uint64_t start, uint64_t end,
                        uint64_t lines_before, vg_diags *diags, vg_input **out)
{
    *out = NULL;
    uint64_t size = 0;
    if (evtx_file(path)) {
        /* chunk numbers from byte offsets, which must be 0 or chunk starts */
        uint64_t h = VG__EVTX_FILE_HEADER, c = VG__EVTX_CHUNK;
        if ((start && (start < h || (start - h) % c)) || (end && (end < h || (end - h) % c)))
            return VG_ERR_INVAL;
        uint64_t first = start ? (start - h) / c : 0, last = end ? (end - h) / c : 0;
        vg_input *in = new_input(path, form, diags);
        if (!in)
            return VG_ERR_NOMEM;
        in->kind = VG_INPUT_EVTX;
        int rc = vg__evtx_open_chunks(path, diags, first, last, &in->evtx);
        if (rc) {
            vg_input_close(in);
            return rc;
        }
        *out = in;
        return 0;
    }
    if (!plain_file(path, &size))
        return VG_ERR_INVAL;
    int rc = vg_input_open(path, form, diags, out);
    if (rc)
        return rc;
    vg_input *in = *out;
    if (start && (in->fd < 0 || lseek(in->fd, (off_t)start, SEEK_SET) != (off_t)start)) {
        vg_input_close(in);
        *out = NULL;
        return VG_ERR_IO;
    }
    in->next_offset = start;
    in->lineno = lines_before;
    in->end = end;
    return 0;
}

int vg__input_open_member(const char *name, vg_json_form form, vg_diags *diags, vg__zip_member *m,
                          const void *evtx, size_t evtx_len, vg_input **out)
{
    *out = NULL;
    vg_input *in = new_input(name, form, diags);
    if (!in)
        return VG_ERR_NOMEM;
    int rc = 0;
    in->kind = evtx ? VG_INPUT_EVTX : VG_INPUT_JSONL;
    if (evtx)
        rc = vg_evtx_open_buffer(evtx, evtx_len, name, diags, &in->evtx);
    else
        in->member = m;
    if (rc) {
        vg_input_close(in);
        return rc;
    }
    *out = in;
    return 0;
}

/* Up to n bytes of a plain file, a zlib stream or a zip member into buf: the count, 0 at the
 * end (or after a reported error). */
static size_t src_read(vg_input *in, char *buf, size_t n)
{
    if (in->member) {
        size_t got = vg__zip_read(in->member, buf, n);
        int err;
        const char *msg = vg__zip_error(in->member, &err);
        if (!got && err)
            vg__diag_add(in->diags, VG_ERR_CORRUPT, VG_SEV_ERROR, in->path,
                         (uint32_t)in->lineno + 1, 1, in->next_offset, NULL,
                         "compressed data is damaged (%s); the rest of the file is lost", msg);
        return got;
    }
    for (;;) {
        if (in->gz) {
            int got = gzread(in->gz, buf, (unsigned)(n < (1u << 30) ? n : (1u << 30)));
            if (got > 0)
                return (size_t)got;
            int err;
            const char *msg = gzerror(in->gz, &err);
            if (got < 0 || (err && err != Z_BUF_ERROR))
                vg__diag_add(in->diags, VG_ERR_CORRUPT, VG_SEV_ERROR, in->path,
                             (uint32_t)in->lineno + 1, 1, in->next_offset, NULL,
                             "compressed data is damaged (%s); the rest of the file is lost", msg);
            return 0;
        }
        ssize_t got = read(in->fd, buf, n);
        if (got >= 0)
            return (size_t)got;
        if (errno != EINTR) {
            vg__diag_add(in->diags, VG_ERR_IO, VG_SEV_ERROR, in->path, (uint32_t)in->lineno + 1, 1,
                         in->next_offset, NULL, "read failed (%s); the rest of the file is lost",
                         strerror(errno));
            return 0;
        }
    }
}

/* Read more after the unread bytes [bpos, bfill), moved to the front; the buffer doubles when
 * they leave less than half a block free, up to VG_INPUT_MAX_LINE and a block (blk_line skips
 * a longer line before it could need more). 1 if bytes were added, 0 at the end, <0 on
 * error. */
static int blk_fill(vg_input *in)
{
    size_t left = in->bfill - in->bpos;
    if (in->bpos) {
        memmove(in->blk, in->blk + in->bpos, left);
        in->bpos = 0;
        in->bfill = left;
    }
    if (in->bcap - in->bfill < (VG_INPUT_BLOCK >> 1)) {
        size_t cap = in->bcap ? in->bcap * 2 : VG_INPUT_BLOCK;
        if (cap > (size_t)VG_INPUT_MAX_LINE + VG_INPUT_BLOCK) /* room for the longest line */
            cap = (size_t)VG_INPUT_MAX_LINE + VG_INPUT_BLOCK;
        char *p = realloc(in->blk, cap + 1); /* + 1: the NUL put after a last line */
        if (!p)
            return VG_ERR_NOMEM;
        in->blk = p;
        in->bcap = cap;
    }
    size_t got = src_read(in, in->blk + in->bfill, in->bcap - in->bfill);
    in->bfill += got;
    in->beof = got == 0;
    return got > 0;
}

/* Skip the rest of an oversized line, its newline included. */
static void blk_skip_line(vg_input *in)
{
    for (;;) {
        char *nl = memchr(in->blk + in->bpos, '\n', in->bfill - in->bpos);
        if (nl) {
            in->next_offset += (uint64_t)(nl + 1 - (in->blk + in->bpos));
            in->bpos = (size_t)(nl + 1 - in->blk);
            return;
        }
        in->next_offset += in->bfill - in->bpos;
        in->bpos = in->bfill = 0;
        if (blk_fill(in) <= 0)
            return;
    }
}

/* The next line of a file or zlib stream, where it lies in the block buffer (its newline, kept in
 * in->len as read_line does, is the last byte). */
static int blk_line(vg_input *in)
{
    size_t scanned = 0; /* bytes after bpos known to hold no newline */
    for (;;) {
        size_t avail = in->bfill - in->bpos;
        char *b = avail ? in->blk + in->bpos : NULL; /* no buffer before the first read */
        char *nl = avail > scanned ? memchr(b + scanned, '\n', avail - scanned) : NULL;
        if (nl) {
            size_t n = (size_t)(nl + 1 - b);
            if (n - 1 > VG_INPUT_MAX_LINE) {
                in->bpos += n;
                in->next_offset += n;
                return VG_ERR_LIMIT;
            }
            in->line = b;
            in->len = n;
            in->bpos += n;
            in->next_offset += n;
            return 1;
        }
        scanned = avail;
        if (avail > VG_INPUT_MAX_LINE) { /* too long already: skip it without keeping it */
            blk_skip_line(in);
            return VG_ERR_LIMIT;
        }
        int rc = in->beof ? 0 : blk_fill(in);
        if (rc < 0)
            return rc;
        if (rc == 0) { /* the end: a last line without a newline */
            if (!avail)
                return 0;
            b = in->blk + in->bpos;
            b[avail] = 0;
            in->line = b;
            in->len = avail;
            in->bpos += avail;
            in->next_offset += avail;
            return 1;
        }
    }
}

/* Read one line (with its newline, if any) into in->line; 1, 0 at the end, <0 on error. */
static int read_line(vg_input *in)
{
    in->offset = in->next_offset;
    return blk_line(in);
}

/* The event's own EventRecordID (what Windows shows and other tools report), else dflt. The
 * record header's number can differ: exported files renumber their records from 1. */
static uint64_t record_id(const vg_event *ev, uint64_t dflt)
{
    vg_str v = vg_event_get(ev, "EventRecordID");
    if (!v.ptr || !v.len || v.len > 20)
        return dflt;
    uint64_t rid = 0;
    for (size_t k = 0; k < v.len; k++) {
        if (v.ptr[k] < '0' || v.ptr[k] > '9')
            return dflt;
        rid = rid * 10 + (uint64_t)(v.ptr[k] - '0');
    }
    return rid;
}

int vg_input_next(vg_input *in, vg_event *ev, vg_input_info *info)
{
    in->have = 0;
    if (in->zip)
        return vg__zip_next(in->zip, ev, info);
    if (in->kind == VG_INPUT_EVTX) {
        vg_evtx_record_info ri;
        int rc = vg_evtx_next(in->evtx, ev, &ri);
        if (rc == 1 && info)
            *info = (vg_input_info){VG_INPUT_EVTX, in->path,
                                    ev ? record_id(ev, ri.record_id) : ri.record_id, 0, ri.offset};
        in->have = rc == 1;
        return rc;
    }
    for (;;) {
        if (in->end && in->next_offset >= in->end)
            return 0; /* the end of a range */
        int rc = read_line(in);
        if (rc == 0)
            return 0;
        in->lineno++;
        if (rc == VG_ERR_LIMIT) {
            vg__diag_add(in->diags, VG_ERR_LIMIT, VG_SEV_WARNING, in->path, (uint32_t)in->lineno, 1,
                         in->offset, NULL, "line longer than %u bytes skipped",
                         (unsigned)VG_INPUT_MAX_LINE);
            continue;
        }
        if (rc < 0)
            return rc;
        while (in->len && (in->line[in->len - 1] == '\n' || in->line[in->len - 1] == '\r'))
            in->line[--in->len] = 0;
        size_t lead = strspn(in->line, " \t");
        if (lead == in->len)
            continue; /* blank line */
        size_t off = 0;
        char err[160];
        rc = vg_event_from_json(ev, in->line, in->len, in->form, &off, err, sizeof err);
        if (rc == VG_ERR_NOMEM)
            return rc;
        if (rc) {
            vg__diag_add(in->diags, rc, VG_SEV_WARNING, in->path, (uint32_t)in->lineno,
                         (uint32_t)off + 1, in->offset + off, NULL, "line skipped: %s", err);
            continue;
        }
        if (info)
            *info =
                (vg_input_info){VG_INPUT_JSONL, in->path, record_id(ev, 0), in->lineno, in->offset};
        in->have = 1;
        return 1;
    }
}

int vg_input_json(vg_input *in, const char **json, size_t *len)
{
    if (in->zip)
        return vg__zip_json(in->zip, json, len);
    if (!in->have)
        return VG_ERR_INVAL;
    if (in->kind == VG_INPUT_EVTX)
        return vg_evtx_record_json(in->evtx, json, len);
    *json = in->line;
    *len = in->len;
    return 0;
}

vg_input_kind vg_input_kind_of(const vg_input *in)
{
    return in->kind;
}

void vg_input_close(vg_input *in)
{
    if (!in)
        return;
    vg_evtx_close(in->evtx);
    vg__zip_close(in->zip);
    if (in->gz)
        gzclose(in->gz);
    if (in->fd >= 0)
        close(in->fd);
    free(in->blk);
    free(in->path);
    free(in);
}

/*
 * file.c - the EVTX reader: file header, chunk iteration, checksums, record framing, and the
 * public vg_evtx_* functions. Chunks are self-contained, so a reader may also be given a range
 * of them (vg__evtx_open_chunks), and vg__evtx_split cuts a file into ranges with about as
 * many bytes of records each, for threads sharing one large file (docs/evtx.md).
 *
 * Layout (all little-endian). File header, 4 KiB: "ElfFile\0", first/last chunk numbers, next
 * record id, header size 128, minor/major version (1|2 / 3), header block size 4096, chunk
 * count, flags at 120, and at 124 the CRC32 of its first 120 bytes. Chunks follow, 64 KiB
 * each, at 4096 + i * 65536. Chunk header: "ElfChnk\0", first/last record numbers and ids,
 * header size 128, last record offset (44), free space offset (48), CRC32 of the record data
 * [512, free space) at 52, and at 124 the CRC32 of header bytes [0, 120) and [128, 512) (the
 * latter hold the string and template offset tables). Records start at 512: "**\0\0", size
 * (4), record id (8), written FILETIME (8), Binary XML, and the size again in the last 4
 * bytes.
 *
 * What is validated, and what happens when it fails (each failure is one vg_diag naming the
 * file, "chunk N" (0-based) and the byte offset in the file; reading goes on):
 *   - file header: signature, CRC, version. A bad CRC or version is a warning only: chunks are
 *     found by position, not through the header. A file that has neither the file signature
 *     nor a chunk signature at 4096 is not EVTX: open fails with VG_ERR_SYNTAX.
 *   - chunk header: signature, header CRC, free-space offset. A chunk failing any of these is
 *     skipped whole: none of its offsets can be trusted. An all-zero chunk (preallocated,
 *     never written) is skipped silently.
 *   - chunk data CRC: on a mismatch the chunk is reported and its records are still read,
 *     each one validated on its own (framing, then a complete Binary XML parse and render):
 *     damage confined to one record costs that record only. This is what the evtx crate and
 *     python-evtx do by default (they do not check the data CRC at all).
 *   - a truncated chunk (the file ends inside it): header checked, data CRC not checked,
 *     records read up to the end of the file.
 *   - record framing: signature, size within the chunk's data and at most VG_EVTX_MAX_RECORD,
 *     the trailing size copy. On failure the reader scans forward in the chunk for the next
 *     well-framed record, so one broken frame does not hide the records after it.
 *   - a record whose Binary XML or values are broken (bad template, bad offsets, a limit hit)
 *     is reported with its record id and skipped; the next record is read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "evtx.h"

/* ---- CRC32 (IEEE 802.3, reflected) ----
 *
 * zlib's table-driven CRC, and on x86-64 CPUs with carry-less multiplication a folding one:
 * 64-byte blocks are kept as four 128-bit lanes, and each lane is folded forward onto the next
 * block with two PCLMULQDQ products by constants x^(D+32) mod P and x^(D-32) mod P (bit
 * reflected, 33 bits; D = 512 between blocks, 128 between lanes), which keeps the data's
 * remainder unchanged (Gopal et al., "Fast CRC Computation for Generic Polynomials Using
 * PCLMULQDQ Instruction", Intel, 2009). The last 16 folded bytes and the tail then go
 * through zlib. The constants were computed, and checked against the bitwise CRC, by
 * polynomial arithmetic; test_evtx compares the two ways on every length and alignment. */

static uint32_t crc_table(uint32_t crc, const uint8_t *p, size_t n)
{
    while (n) {
        uInt k = n > 0x40000000u ? 0x40000000u : (uInt)n;
        crc = (uint32_t)crc32(crc, p, k);
        p += k;
        n -= k;
    }
    return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define CLMUL __attribute__((target("pclmul,sse2")))

/* x (bytes in order) times x^D, reduced modulo P enough to fit 128 bits: the low 64 bits of
 * x hold the high-degree half; k holds the constants for the two halves. */
CLMUL static __m128i fold(__m128i x, __m128i k)
{
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

CLMUL static __m128i load(const uint8_t *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* n >= 64 */
CLMUL static uint32_t crc_clmul(uint32_t crc, const uint8_t *p, size_t n)
{
    const __m128i k512 = _mm_set_epi64x(0x1c6e41596ll, 0x154442bd4ll);
    const __m128i k128 = _mm_set_epi64x(0x0ccaa009ell, 0x1751997d0ll);
    /* the register's start value (~crc) xored into the first four bytes */
    __m128i a = _mm_xor_si128(load(p), _mm_cvtsi32_si128((int)~crc));
    __m128i b = load(p + 16), c = load(p + 32), d = load(p + 48);
    for (p += 64, n -= 64; n >= 64; p += 64, n -= 64) {
        a = _mm_xor_si128(fold(a, k512), load(p));
        b = _mm_xor_si128(fold(b, k512), load(p + 16));
        c = _mm_xor_si128(fold(c, k512), load(p + 32));
        d = _mm_xor_si128(fold(d, k512), load(p + 48));
    }
    b = _mm_xor_si128(fold(a, k128), b);
    c = _mm_xor_si128(fold(b, k128), c);
    d = _mm_xor_si128(fold(c, k128), d);
    for (; n >= 16; p += 16, n -= 16)
        d = _mm_xor_si128(fold(d, k128), load(p));
    /* the remainder of everything so far is that of these 16 bytes with a zero register:
     * zlib's crc32(0xffffffff, ...) starts from that register */
    uint8_t z[16];
    _mm_storeu_si128((__m128i *)(void *)z, d);
    return crc_table(crc_table(0xffffffffu, z, 16), p, n);
}

uint32_t vg__evtx_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    /* the CPU's features were read at start-up: asking is one load */
    return n >= 64 && __builtin_cpu_supports("pclmul") ? crc_clmul(crc, p, n)
                                                       : crc_table(crc, p, n);
}
#else
uint32_t vg__evtx_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    return crc_table(crc, p, n);
}
#endif

/* ---- the reader ---- */

struct vg_evtx {
    vg__filemap map; /* a file that is not a regular one, read whole */
    int fd;          /* a regular file, read a chunk at a time into buf; -1: p holds it all */
    uint8_t *buf;    /* VG__EVTX_CHUNK bytes: the current chunk (and the file header) */
    const uint8_t *p;
    size_t len;
    char *name;
    vg_diags *diags;
    vg__evtx_chunk *c;
    uint64_t n_chunks, next_chunk, chunk; /* chunk: the one being read */
    int in_chunk;
    uint32_t rec_off, rec_end;
    const vg__xnode *root; /* the last record returned */
    vg__evtx_esink *esink;
    int no_plans; /* every record rendered, no plan used (tests compare the two) */
    vg__buf json;
    int json_ready;
};

static void diag(vg_evtx *r, int code, vg_severity sev, int in_chunk, uint64_t chunk, uint64_t off,
                 const char *fmt, ...) VG_PRINTF(7, 8);

static void diag(vg_evtx *r, int code, vg_severity sev, int in_chunk, uint64_t chunk, uint64_t off,
                 const char *fmt, ...)
{
    char obj[32], msg[VG_DIAG_MAX_MESSAGE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(obj, sizeof obj, "chunk %llu", (unsigned long long)chunk);
    vg__diag_add(r->diags, code, sev, r->name, 0, 0, off, in_chunk ? obj : NULL, "%s", msg);
}

/* ---- the file's bytes ----
 *
 * A regular file is read a chunk at a time with pread into the reader's one chunk buffer:
 * the chunk header, then its records [512, free space offset), which is all a sound chunk's
 * records refer to. The rest of the chunk is read only when a name or template is looked up
 * there (vg__evtx_chunk_fetch). Preallocated chunks cost a 512-byte read, and nothing is
 * mapped, so a pass over many small files takes no page fault and no unmap (docs/speed.md).
 * A buffer given by the caller, or a file that is not a regular one (read whole), is used in
 * place. */

/* pread n bytes at off into p through interruptions and short reads: the count read, less at
 * the end of the file or on an error (*err is then its errno). */
static size_t read_at(int fd, uint8_t *p, size_t n, uint64_t off, int *err)
{
    size_t got = 0;
    *err = 0;
    while (got < n) {
        ssize_t k = pread(fd, p + got, n - got, (off_t)(off + got));
        if (k > 0) {
            got += (size_t)k;
        } else if (k < 0 && errno == EINTR) {
            continue;
        } else {
            *err = k < 0 ? errno : 0;
            break;
        }
    }
    return got;
}

void vg__evtx_chunk_fetch(vg__evtx_chunk *c)
{
    int err;
    if (c->fd >= 0 && c->have < c->len) /* p is the reader's buffer (vg_evtx.buf) */
        c->have += read_at(c->fd, (uint8_t *)(uintptr_t)c->p + c->have, c->len - c->have,
                           c->at + c->have, &err);
    c->len = c->have; /* what could not be read (the file shrank, an I/O error) is not there */
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

#define HEAD (VG__EVTX_FILE_HEADER + 8) /* bytes check_file_header reads */

/* Check the file header; returns 0 or VG_ERR_SYNTAX (not EVTX at all). A reader of a chunk
 * range that does not start at chunk 0 (vg__evtx_open_chunks) leaves the warnings about the
 * header to the reader of the first range. */
static int check_file_header(vg_evtx *r)
{
    const uint8_t *h = r->p;
    int sig = r->len >= 8 && memcmp(h, "ElfFile", 8) == 0;
    int chunk_sig =
        r->len >= VG__EVTX_FILE_HEADER + 8 && memcmp(h + VG__EVTX_FILE_HEADER, "ElfChnk", 8) == 0;
    if (!sig && !chunk_sig) {
        diag(r, VG_ERR_SYNTAX, VG_SEV_ERROR, 0, 0, 0,
             "not an EVTX file: no file or chunk signature");
        return VG_ERR_SYNTAX;
    }
    if (r->next_chunk > 0)
        return 0;
    if (!sig)
        diag(r, VG_ERR_CORRUPT, VG_SEV_WARNING, 0, 0, 0,
             "bad file header signature; reading the chunks anyway");
    if (r->len < VG__EVTX_FILE_HEADER) {
        diag(r, VG_ERR_TRUNCATED, VG_SEV_WARNING, 0, 0, r->len,
             "file header truncated (%zu of 4096 bytes): the file holds no chunk", r->len);
        return 0;
    }
    uint32_t stored = vg__evtx_le32(h + 124), crc = vg__evtx_crc32(0, h, 120);
    if (sig && stored != crc)
        diag(r, VG_ERR_CORRUPT, VG_SEV_WARNING, 0, 0, 124,
             "file header checksum mismatch (stored 0x%08x, computed 0x%08x); reading the "
             "chunks anyway",
             stored, crc);
    else if (sig && vg__evtx_le16(h + 38) != 3)
        diag(r, VG_ERR_UNSUPPORTED, VG_SEV_WARNING, 0, 0, 38,
             "file format version %u.%u (expected 3.x); reading anyway", vg__evtx_le16(h + 38),
             vg__evtx_le16(h + 36));
    return 0;
}

static int setup(vg_evtx *r, const char *name, vg_diags *diags)
{
    r->name = strdup(name ? name : "");
    r->diags = diags;
    r->c = malloc(sizeof *r->c);
    r->esink = vg__evtx_esink_new();
    if (!r->name || !r->c || !r->esink)
        return VG_ERR_NOMEM;
    vg__evtx_chunk_init(r->c);
    vg__buf_init(&r->json);
    uint64_t n = r->len > VG__EVTX_FILE_HEADER
                     ? (r->len - VG__EVTX_FILE_HEADER + VG__EVTX_CHUNK - 1) / VG__EVTX_CHUNK
                     : 0;
    r->n_chunks = r->n_chunks && r->n_chunks < n ? r->n_chunks : n; /* set: a range's end */
    return check_file_header(r);
}

int vg_evtx_open_buffer(const void *buf, size_t len, const char *name, vg_diags *diags,
                        vg_evtx **out)
{
    *out = NULL;
    if (!buf && len)
        return VG_ERR_INVAL;
    vg_evtx *r = calloc(1, sizeof *r);
    if (!r)
        return VG_ERR_NOMEM;
    r->fd = -1;
    r->p = buf;
    r->len = len;
    int rc = setup(r, name, diags);
    if (rc) {
        vg_evtx_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* Open path to read chunks [first, end) (end 0: to the last). */
static int open_file(const char *path, vg_diags *diags, uint64_t first, uint64_t end, vg_evtx **out)
{
    *out = NULL;
    vg_evtx *r = calloc(1, sizeof *r);
    if (!r)
        return VG_ERR_NOMEM;
    r->next_chunk = first;
    r->n_chunks = end;
    size_t size;
    int err = 0, rc = vg__file_open_pieces(path, VG_EVTX_MAX_FILE, &r->fd, &size, &r->map);
    if (!rc && r->fd >= 0) {
        /* the file header and the first chunk's signature (check_file_header); a file
         * shorter than fstat said is as long as what could be read */
        size_t head = size < HEAD ? size : HEAD;
        r->buf = malloc(VG__EVTX_CHUNK);
        r->p = r->buf;
        if (!r->buf)
            rc = VG_ERR_NOMEM;
        else if ((r->len = read_at(r->fd, r->buf, head, 0, &err)) == head)
            r->len = size;
        else if (err)
            rc = VG_ERR_IO;
    } else if (!rc) {
        r->p = (const uint8_t *)r->map.ptr;
        r->len = r->map.len;
    }
    if (rc) {
        vg__diag_add(diags, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL, "cannot read: %s",
                     err ? strerror(err) : vg_strerror(rc));
        vg_evtx_close(r);
        return rc;
    }
    rc = setup(r, path, diags);
    if (rc) {
        vg_evtx_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

int vg_evtx_open(const char *path, vg_diags *diags, vg_evtx **out)
{
    return open_file(path, diags, 0, 0, out);
}

int vg__evtx_open_chunks(const char *path, vg_diags *diags, uint64_t first, uint64_t end,
                         vg_evtx **out)
{
    *out = NULL;
    if (end && end <= first)
        return VG_ERR_INVAL;
    return open_file(path, diags, first, end, out);
}

/* What reading chunk i costs, for vg__evtx_split: the bytes of its header and records (a
 * damaged header counts as a full chunk: its records may still be read; a chunk of zeros,
 * preallocated and never written, as its header). h holds the first got bytes of it. */
static uint64_t chunk_weight(const uint8_t *h, size_t got)
{
    if (got < 52 || memcmp(h, "ElfChnk", 8) != 0)
        return VG__EVTX_CHUNK_HDR;
    uint32_t free_off = vg__evtx_le32(h + 48);
    return free_off >= VG__EVTX_CHUNK_HDR && free_off <= VG__EVTX_CHUNK ? free_off : VG__EVTX_CHUNK;
}

int vg__evtx_split(const char *path, unsigned parts, uint64_t *start, unsigned *n)
{
    *n = 0;
    int fd = -1;
    size_t size = 0;
    vg__filemap map;
    int rc = vg__file_open_pieces(path, VG_EVTX_MAX_FILE, &fd, &size, &map);
    if (rc)
        return rc;
    uint64_t n_chunks = fd >= 0 && size > VG__EVTX_FILE_HEADER
                            ? (size - VG__EVTX_FILE_HEADER + VG__EVTX_CHUNK - 1) / VG__EVTX_CHUNK
                            : 0;
    uint64_t *cum = n_chunks ? malloc((n_chunks + 1) * sizeof *cum) : NULL;
    if (n_chunks && !cum)
        rc = VG_ERR_NOMEM;
    /* cum[i]: the weight of the chunks before chunk i; only the first 52 bytes of each chunk
     * (signature and free space offset) are read */
    if (cum)
        cum[0] = 0;
    for (uint64_t i = 0; i < n_chunks && !rc; i++) {
        uint8_t h[52];
        int err;
        size_t got = read_at(fd, h, sizeof h, VG__EVTX_FILE_HEADER + i * VG__EVTX_CHUNK, &err);
        cum[i + 1] = cum[i] + chunk_weight(h, got);
    }
    if (parts > n_chunks)
        parts = n_chunks ? (unsigned)n_chunks : 1;
    if (!rc) {
        /* range k starts at the first chunk with at least k / parts of the weight before it */
        start[0] = 0;
        *n = 1;
        for (uint64_t i = 1; i < n_chunks && *n < parts; i++)
            if (cum[i] * parts >= cum[n_chunks] * *n)
                start[(*n)++] = VG__EVTX_FILE_HEADER + i * VG__EVTX_CHUNK;
    }
    free(cum);
    if (fd >= 0)
        close(fd);
    vg__file_unmap(&map);
    return rc;
}

void vg_evtx_close(vg_evtx *r)
{
    if (!r)
        return;
    vg__file_unmap(&r->map);
    if (r->fd >= 0)
        close(r->fd);
    free(r->buf);
    if (r->c)
        vg__evtx_chunk_free(r->c);
    free(r->c);
    vg__evtx_esink_free(r->esink);
    vg__buf_free(&r->json);
    free(r->name);
    free(r);
}

/* Read bytes [from, to) of chunk i (at base) into the buffer; to <= *avail. 0, with *avail
 * lowered to what the file holds if it ends sooner, or -1 after reporting a read error. */
static int read_chunk(vg_evtx *r, uint64_t i, uint64_t base, size_t from, size_t to, size_t *avail)
{
    int err;
    size_t got = read_at(r->fd, r->buf + from, to - from, base + from, &err);
    if (err) {
        diag(r, VG_ERR_IO, VG_SEV_WARNING, 1, i, base + from + got,
             "cannot read the chunk: %s; chunk skipped", strerror(err));
        return -1;
    }
    if (got < to - from)
        *avail = from + got;
    return 0;
}

/* Validate chunk i and make it current; 0 if it has records to read. */
static int start_chunk(vg_evtx *r, uint64_t i)
{
    uint64_t base = VG__EVTX_FILE_HEADER + i * VG__EVTX_CHUNK;
    const uint8_t *h = r->fd < 0 ? r->p + base : r->buf;
    size_t avail = r->len - base < VG__EVTX_CHUNK ? r->len - base : VG__EVTX_CHUNK;
    if (r->fd >= 0 &&
        read_chunk(r, i, base, 0, avail < VG__EVTX_CHUNK_HDR ? avail : VG__EVTX_CHUNK_HDR, &avail))
        return -1;
    if (avail < VG__EVTX_CHUNK_HDR) {
        if (!all_zero(h, avail))
            diag(r, VG_ERR_TRUNCATED, VG_SEV_WARNING, 1, i, base,
                 "chunk header truncated (%zu of 512 bytes)", avail);
        return -1;
    }
    if (memcmp(h, "ElfChnk", 8) != 0) {
        if (!all_zero(h, VG__EVTX_CHUNK_HDR))
            diag(r, VG_ERR_CORRUPT, VG_SEV_WARNING, 1, i, base,
                 "bad chunk signature; chunk skipped");
        return -1;
    }
    uint32_t crc = vg__evtx_crc32(0, h, 120);
    crc = vg__evtx_crc32(crc, h + 128, VG__EVTX_CHUNK_HDR - 128);
    if (crc != vg__evtx_le32(h + 124)) {
        diag(r, VG_ERR_CORRUPT, VG_SEV_WARNING, 1, i, base + 124,
             "chunk header checksum mismatch (stored 0x%08x, computed 0x%08x); chunk skipped",
             vg__evtx_le32(h + 124), crc);
        return -1;
    }
    uint32_t free_off = vg__evtx_le32(h + 48);
    if (free_off < VG__EVTX_CHUNK_HDR || free_off > VG__EVTX_CHUNK) {
        diag(r, VG_ERR_CORRUPT, VG_SEV_WARNING, 1, i, base + 48,
             "free space offset %u outside the chunk; chunk skipped", free_off);
        return -1;
    }
    uint32_t end = free_off;
    if (r->fd >= 0 && read_chunk(r, i, base, VG__EVTX_CHUNK_HDR, end < avail ? end : avail, &avail))
        return -1;
    if (avail < VG__EVTX_CHUNK) {
        diag(r, VG_ERR_TRUNCATED, VG_SEV_WARNING, 1, i, base + avail,
             "chunk truncated (%zu of 65536 bytes): records up to the end of the file are read "
             "without a data checksum",
             avail);
        if (end > avail)
            end = (uint32_t)avail;
    } else {
        uint32_t dcrc = vg__evtx_crc32(0, h + VG__EVTX_CHUNK_HDR, free_off - VG__EVTX_CHUNK_HDR);
        if (dcrc != vg__evtx_le32(h + 52))
            diag(r, VG_ERR_CORRUPT, VG_SEV_WARNING, 1, i, base + 52,
                 "chunk data checksum mismatch (stored 0x%08x, computed 0x%08x); reading the "
                 "records that validate",
                 vg__evtx_le32(h + 52), dcrc);
    }
    vg__evtx_chunk_reset(r->c, h, avail);
    if (r->fd >= 0) { /* [0, end) is read; the rest when needed */
        r->c->have = end;
        r->c->fd = r->fd;
        r->c->at = base;
    }
    r->chunk = i;
    r->rec_off = VG__EVTX_CHUNK_HDR;
    r->rec_end = end;
    r->in_chunk = 1;
    return 0;
}

/* Why the frame at off is not a record (and the code for it), or NULL if it is one. */
static const char *frame_problem(const vg_evtx *r, uint32_t off, uint32_t *size, int *code)
{
    const uint8_t *p = r->c->p + off;
    *code = VG_ERR_CORRUPT;
    if (memcmp(p, "**\0\0", 4) != 0)
        return "no record signature";
    *size = vg__evtx_le32(p + 4);
    if (*size > VG_EVTX_MAX_RECORD) {
        *code = VG_ERR_LIMIT;
        return "record size exceeds VG_EVTX_MAX_RECORD";
    }
    if (*size < 28 || *size > r->rec_end - off)
        return "record size runs past the chunk's records";
    if (vg__evtx_le32(p + *size - 4) != *size)
        return "record size and its trailing copy differ";
    return NULL;
}

/* The next well-framed record after off, or rec_end. */
static uint32_t resync(const vg_evtx *r, uint32_t off)
{
    uint32_t size;
    int code;
    for (off += 1; off + 24 <= r->rec_end; off++)
        if (r->c->p[off] == '*' && !frame_problem(r, off, &size, &code))
            return off;
    return r->rec_end;
}

static void record_problem(vg_evtx *r, uint32_t off, uint64_t id, int rc, const char *why)
{
    uint64_t base = VG__EVTX_FILE_HEADER + r->chunk * VG__EVTX_CHUNK;
    diag(r, rc, VG_SEV_WARNING, 1, r->chunk,
         base + (r->c->why && rc != VG_ERR_NOMEM ? r->c->why_off : off), "record %llu skipped: %s",
         (unsigned long long)id, why ? why : vg_strerror(rc));
}

/* Read the next record of the current chunk: 1 with a record, 0 at the chunk's end. */
static int next_in_chunk(vg_evtx *r, vg_event *ev, vg_evtx_record_info *info)
{
    uint64_t base = VG__EVTX_FILE_HEADER + r->chunk * VG__EVTX_CHUNK;
    while (r->rec_off + 24 <= r->rec_end) {
        uint32_t off = r->rec_off, size = 0;
        int code;
        const char *bad = frame_problem(r, off, &size, &code);
        if (bad) {
            if (all_zero(r->c->p + off, r->rec_end - off))
                break; /* slack after the last record */
            r->rec_off = resync(r, off);
            diag(r, code, VG_SEV_WARNING, 1, r->chunk, base + off, "%s; %u bytes skipped", bad,
                 r->rec_off - off);
            continue;
        }
        r->rec_off = off + size;
        uint64_t id = vg__evtx_le64(r->c->p + off + 8);
        const vg__xnode *root;
        int rc = vg__evtx_parse_record(r->c, off + 24, size - 28, &root);
        if (rc) {
            record_problem(r, off, id, rc, r->c->why);
            if (rc == VG_ERR_NOMEM)
                return rc;
            continue;
        }
        if (ev) {
            const char *why = NULL;
            int sink_rc = 0;
            r->c->why = NULL;
            rc = vg__evtx_fill(!r->no_plans, r->c, root, r->esink, ev, &sink_rc, &why);
            if (rc) {
                record_problem(r, off, id, rc, why);
                if (rc == VG_ERR_NOMEM)
                    return rc;
                continue;
            }
            if (sink_rc) /* as vg_event_from_json: the fields that fit are kept */
                diag(r, sink_rc, VG_SEV_WARNING, 1, r->chunk, base + off,
                     "record %llu: %s; the fields beyond it are dropped", (unsigned long long)id,
                     sink_rc == VG_ERR_LIMIT ? "more fields or nesting than an event holds "
                                               "(VG_EVENT_MAX_FIELDS, VG_EVENT_MAX_DEPTH)"
                                             : vg_strerror(sink_rc));
        }
        r->root = root;
        r->json_ready = 0;
        if (info) {
            info->record_id = id;
            info->timestamp = vg__evtx_le64(r->c->p + off + 16);
            info->chunk = r->chunk;
            info->offset = base + off;
        }
        return 1;
    }
    return 0;
}

int vg_evtx_next(vg_evtx *r, vg_event *ev, vg_evtx_record_info *info)
{
    if (!r)
        return VG_ERR_INVAL;
    r->root = NULL;
    for (;;) {
        if (r->in_chunk) {
            int rc = next_in_chunk(r, ev, info);
            if (rc)
                return rc;
            r->in_chunk = 0;
        }
        if (r->next_chunk >= r->n_chunks)
            return 0;
        start_chunk(r, r->next_chunk++);
    }
}

void vg__evtx_set_plans(vg_evtx *r, int on)
{
    r->no_plans = !on;
}

int vg_evtx_record_json(vg_evtx *r, const char **json, size_t *len)
{
    if (!r || !r->root)
        return VG_ERR_INVAL;
    if (!r->json_ready) {
        vg__evtx_jsink js;
        const char *why = NULL;
        r->json.len = 0;
        r->json.oom = 0;
        vg__evtx_jsink_init(&js, &r->json);
        r->c->why = NULL;
        int rc = vg__evtx_render(r->c, r->root, &js.base, &why);
        if (!rc && (r->json.oom || js.base.rc))
            rc = r->json.oom ? VG_ERR_NOMEM : js.base.rc;
        if (rc)
            return rc;
        r->json_ready = 1;
    }
    *json = r->json.ptr;
    *len = r->json.len;
    return 0;
}

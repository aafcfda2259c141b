/*
 * util.c - string views, the bump arena, growable buffers and vectors, the string multimap and
 * whole-file reading.
 *
 * The arena hands out 16-byte aligned zeroed memory from chunks that double in size, so a
 * compiled knowledge base or ruleset is a handful of large blocks freed in one call. The
 * multimap is open addressing with linear probing; duplicate keys are allowed and found by
 * continuing the probe, which is what name and alias lookups need. Whole files are read into
 * one buffer sized from fstat, or mapped (vg__file_map) when the caller only reads them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"

/* ---- string views ---- */

vg__str vg__str_c(const char *s)
{
    return (vg__str){s, s ? strlen(s) : 0};
}

int vg__str_eq(vg__str a, vg__str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

int vg__digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int vg__str_ieq(vg__str a, vg__str b)
{
    if (a.len != b.len)
        return 0;
    size_t i = 0;
    for (; i + 8 <= a.len; i += 8) { /* eight bytes at a time */
        uint64_t x, y;
        memcpy(&x, a.ptr + i, 8);
        memcpy(&y, b.ptr + i, 8);
        if (x != y && vg__lower8(x) != vg__lower8(y))
            return 0;
    }
    for (; i < a.len; i++)
        if (vg__lower((unsigned char)a.ptr[i]) != vg__lower((unsigned char)b.ptr[i]))
            return 0;
    return 1;
}

int vg__str_ieq_c(vg__str a, const char *s)
{
    return vg__str_ieq(a, vg__str_c(s));
}

int vg__str_istarts(vg__str s, const char *prefix)
{
    vg__str p = vg__str_c(prefix);
    return s.len >= p.len && vg__str_ieq((vg__str){s.ptr, p.len}, p);
}

int vg__str_icontains(vg__str hay, vg__str needle)
{
    if (needle.len == 0)
        return 1;
    if (needle.len > hay.len)
        return 0;
    for (size_t i = 0; i + needle.len <= hay.len; i++)
        if (vg__str_ieq((vg__str){hay.ptr + i, needle.len}, needle))
            return 1;
    return 0;
}

/* ---- arena ---- */

struct vg__arena_chunk {
    vg__arena_chunk *next;
    size_t cap, used;
    _Alignas(16) unsigned char data[];
};

void vg__arena_init(vg__arena *a)
{
    a->head = NULL;
    a->used_total = 0;
}

void vg__arena_free(vg__arena *a)
{
    vg__arena_chunk *c = a->head;
    while (c) {
        vg__arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
    a->used_total = 0;
}

void *vg__arena_alloc(vg__arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (size == 0)
        size = 16;
    vg__arena_chunk *c = a->head;
    if (!c || c->cap - c->used < size) {
        size_t cap = c ? c->cap * 2 : 64 * 1024;
        if (cap > (16u << 20))
            cap = 16u << 20;
        if (cap < size)
            cap = size;
        vg__arena_chunk *n = malloc(sizeof *n + cap);
        if (!n)
            return NULL;
        n->cap = cap;
        n->used = 0;
        n->next = c;
        a->head = c = n;
    }
    void *p = c->data + c->used;
    c->used += size;
    a->used_total += size;
    memset(p, 0, size);
    return p;
}

void vg__arena_adopt(vg__arena *dst, vg__arena *src)
{
    vg__arena_chunk *last = src->head;
    if (!last)
        return;
    while (last->next)
        last = last->next;
    /* behind dst's current block, which keeps serving dst's next allocations */
    if (dst->head) {
        last->next = dst->head->next;
        dst->head->next = src->head;
    } else {
        dst->head = src->head;
    }
    dst->used_total += src->used_total;
    vg__arena_init(src);
}

char *vg__arena_strndup(vg__arena *a, const char *s, size_t len)
{
    char *p = vg__arena_alloc(a, len + 1);
    if (p && len)
        memcpy(p, s, len);
    return p;
}

char *vg__arena_strlower(vg__arena *a, const char *s, size_t len)
{
    char *p = vg__arena_alloc(a, len + 1);
    if (p)
        for (size_t i = 0; i < len; i++)
            p[i] = (char)vg__lower((unsigned char)s[i]);
    return p;
}

/* ---- buffer ---- */

void vg__buf_init(vg__buf *b)
{
    memset(b, 0, sizeof *b);
}

void vg__buf_free(vg__buf *b)
{
    free(b->ptr);
    vg__buf_init(b);
}

int vg__buf_reserve(vg__buf *b, size_t extra)
{
    if (b->oom)
        return VG_ERR_NOMEM;
    if (b->cap - b->len > extra)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len <= extra)
        cap *= 2;
    char *p = realloc(b->ptr, cap);
    if (!p) {
        b->oom = 1;
        return VG_ERR_NOMEM;
    }
    b->ptr = p;
    b->cap = cap;
    return 0;
}

void vg__buf_add(vg__buf *b, const void *p, size_t n)
{
    if (vg__buf_reserve(b, n + 1))
        return;
    if (n)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = 0;
}

void vg__buf_adds(vg__buf *b, const char *s)
{
    vg__buf_add(b, s, strlen(s));
}

void vg__buf_addc(vg__buf *b, char c)
{
    vg__buf_add(b, &c, 1);
}

void vg__buf_printf(vg__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        vg__buf_add(b, small, (size_t)n);
        return;
    }
    if (vg__buf_reserve(b, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void vg__buf_json_str(vg__buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    vg__buf_addc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        vg__buf_add(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            vg__buf_add(b, "\\\"", 2);
            break;
        case '\\':
            vg__buf_add(b, "\\\\", 2);
            break;
        case '\n':
            vg__buf_add(b, "\\n", 2);
            break;
        case '\r':
            vg__buf_add(b, "\\r", 2);
            break;
        case '\t':
            vg__buf_add(b, "\\t", 2);
            break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            vg__buf_add(b, u, 6);
        }
        }
    }
    vg__buf_add(b, s + run, n - run);
    vg__buf_addc(b, '"');
}

char *vg__buf_take(vg__buf *b, size_t *len)
{
    if (b->oom) {
        vg__buf_free(b);
        return NULL;
    }
    if (!b->ptr)
        vg__buf_add(b, "", 0);
    char *p = b->ptr;
    if (len)
        *len = b->len;
    vg__buf_init(b);
    return p;
}

/* ---- vectors ---- */

void *vg__vec_push(vg__vec *v, size_t item)
{
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        void *p = realloc(v->ptr, cap * item);
        if (!p)
            return NULL;
        v->ptr = p;
        v->cap = cap;
    }
    void *slot = (char *)v->ptr + v->len * item;
    memset(slot, 0, item);
    v->len++;
    return slot;
}

void vg__vec_free(vg__vec *v)
{
    free(v->ptr);
    v->ptr = NULL;
    v->len = v->cap = 0;
}

/* ---- string multimap ---- */

uint32_t vg__hash(const char *p, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 16777619u;
    }
    return h ? h : 1;
}

uint32_t vg__hash_lower(const char *p, size_t n)
{
    /* eight bytes at a time: events hash every field name, so this is on the read path */
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ vg__lower8(w)) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    if (i < n) {
        uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* the last n - i bytes as the low bytes of a word, without a call to memcpy: the
         * last eight bytes shifted down when there are eight, else two overlapping reads */
        size_t r = n - i;
        if (n >= 8) {
            memcpy(&w, p + n - 8, 8);
            w >>= 8 * (8 - r);
        } else if (r >= 4) { /* two four-byte reads that may overlap */
            uint32_t a, b;
            memcpy(&a, p + i, 4);
            memcpy(&b, p + n - 4, 4);
            w = a | (uint64_t)b << 8 * (r - 4);
        } else { /* one to three bytes: first, middle and last (they may be the same) */
            w = (uint64_t)(unsigned char)p[i] |
                (uint64_t)(unsigned char)p[i + r / 2] << 8 * (r / 2) |
                (uint64_t)(unsigned char)p[n - 1] << 8 * (r - 1);
        }
#else
        memcpy(&w, p + i, n - i);
#endif
        h = (h ^ vg__lower8(w)) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    h *= 0xc4ceb9fe1a85ec53ull;
    uint32_t r = (uint32_t)(h >> 32);
    return r ? r : 1;
}

void vg__lower_copy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, src + i, 8);
        w = vg__lower8(w);
        memcpy(dst + i, &w, 8);
    }
    for (; i < n; i++)
        dst[i] = (char)vg__lower((unsigned char)src[i]);
}

void vg__smap_free(vg__smap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->len = 0;
}

static int smap_grow(vg__smap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    vg__smap_slot *s = calloc(cap, sizeof *s);
    if (!s)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        vg__smap_slot *o = &m->slots[i];
        if (!o->key)
            continue;
        size_t j = o->hash & (cap - 1);
        while (s[j].key)
            j = (j + 1) & (cap - 1);
        s[j] = *o;
    }
    free(m->slots);
    m->slots = s;
    m->cap = cap;
    return 0;
}

int vg__smap_add(vg__smap *m, const char *key, size_t klen, uint32_t val)
{
    if ((m->len + 1) * 4 >= m->cap * 3) {
        int rc = smap_grow(m);
        if (rc)
            return rc;
    }
    uint32_t h = vg__hash(key, klen);
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key)
        j = (j + 1) & (m->cap - 1);
    m->slots[j] = (vg__smap_slot){key, (uint32_t)klen, h, val};
    m->len++;
    return 0;
}

int vg__smap_next(const vg__smap *m, const char *key, size_t klen, size_t *it, uint32_t *val)
{
    if (!m->cap)
        return 0;
    uint32_t h = vg__hash(key, klen);
    size_t j = (h + *it) & (m->cap - 1);
    while (m->slots[j].key) {
        const vg__smap_slot *s = &m->slots[j];
        (*it)++;
        if (s->hash == h && s->klen == klen && memcmp(s->key, key, klen) == 0) {
            *val = s->val;
            return 1;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return 0;
}

/* ---- files ---- */

/* Read fd to its end into a malloc'ed NUL-terminated buffer. hint is the file's size when
 * fstat knows it (0 otherwise): the buffer is then allocated once, and one spare byte lets the
 * final read() see end-of-file without growing it; a file that grew meanwhile still reads
 * whole. Pipes and files without a size (procfs) grow the buffer by doubling. */
static int read_fd(int fd, size_t hint, size_t max, char **out, size_t *len)
{
    size_t cap = hint ? hint + 2 : 64 * 1024, n = 0;
    char *buf = malloc(cap);
    int rc = 0;
    if (!buf)
        return VG_ERR_NOMEM;
    for (;;) {
        if (n + 1 >= cap) {
            char *p = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
            if (!p) {
                rc = VG_ERR_NOMEM;
                break;
            }
            buf = p;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = r < 0 ? VG_ERR_IO : 0;
            break;
        }
        n += (size_t)r;
        if (n > max) {
            rc = VG_ERR_LIMIT;
            break;
        }
    }
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

/* Open path and fstat it. Directories are refused here: read() on one fails anyway, and mmap
 * must not be tried. Returns the fd or a negative VG_ERR_*. */
static int open_file(const char *path, size_t max, struct stat *st)
{
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return errno == ENOENT ? VG_ERR_NOENT : VG_ERR_IO;
    int rc = 0;
    if (fstat(fd, st) != 0 || S_ISDIR(st->st_mode))
        rc = VG_ERR_IO;
    else if (S_ISREG(st->st_mode) && (uintmax_t)st->st_size > max)
        rc = VG_ERR_LIMIT;
    if (rc) {
        close(fd);
        return rc;
    }
    return fd;
}

static size_t size_hint(const struct stat *st)
{
    return S_ISREG(st->st_mode) && st->st_size > 0 ? (size_t)st->st_size : 0;
}

int vg__read_file(const char *path, size_t max, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    struct stat st;
    int fd = open_file(path, max, &st);
    if (fd < 0)
        return fd;
    int rc = read_fd(fd, size_hint(&st), max, out, len);
    close(fd);
    return rc;
}

/* A regular file is mapped rather than read: its pages are already in the page cache, so the
 * mapping costs neither a copy nor a page fault per 4 KiB of fresh memory, which is most of
 * the cost of reading a large bundle on a virtual machine (see docs/BENCHMARKS.md). Anything
 * else (pipes, empty files, a failed mmap) is read with read_fd. */
int vg__file_map(const char *path, size_t max, vg__filemap *out)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    int fd = open_file(path, max, &st);
    if (fd < 0)
        return fd;
    size_t size = size_hint(&st);
    void *p = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    int rc = 0;
    if (p != MAP_FAILED) {
        posix_madvise(p, size, POSIX_MADV_WILLNEED);
        out->ptr = p;
        out->len = size;
        out->map = p;
    } else {
        rc = read_fd(fd, size, max, &out->heap, &out->len);
        out->ptr = out->heap;
    }
    close(fd);
    return rc;
}

/* A regular file that is read a piece at a time (EVTX chunks) is neither mapped nor read
 * whole: it stays open for pread into the caller's buffer, which costs no mapping, no page
 * fault and no TLB shootdown on unmap (each matters for many small files, more so with
 * threads: docs/speed.md). Anything else is read whole into m, as vg__file_map does. */
int vg__file_open_pieces(const char *path, size_t max, int *fd, size_t *size, vg__filemap *m)
{
    memset(m, 0, sizeof *m);
    *size = 0;
    struct stat st;
    *fd = open_file(path, max, &st);
    if (*fd < 0) {
        int rc = *fd;
        *fd = -1;
        return rc;
    }
    if ((*size = size_hint(&st)) > 0)
        return 0;
    int rc = read_fd(*fd, 0, max, &m->heap, &m->len);
    m->ptr = m->heap;
    close(*fd);
    *fd = -1;
    return rc;
}

void vg__file_unmap(vg__filemap *m)
{
    if (m->map)
        munmap(m->map, m->len);
    free(m->heap);
    memset(m, 0, sizeof *m);
}

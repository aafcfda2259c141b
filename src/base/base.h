/*
 * base.h - internal building blocks shared by every area of libvigil.
 *
 * String views, a bump arena, a growable byte buffer, an open-addressing string multimap,
 * file reading, and the diagnostic helpers that loaders use to record problems. Nothing here
 * prints or exits; allocation failure is reported as VG_ERR_NOMEM.
 */
#ifndef VG_BASE_H
#define VG_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil.h"
#include "limits.h"

#define VG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define VG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define VG_PRINTF(f, a)
#endif

/* ---- string views ---- */
typedef struct vg__str {
    const char *ptr;
    size_t len;
} vg__str;

#define VG_STR(lit) ((vg__str){(lit), sizeof(lit) - 1})

vg__str vg__str_c(const char *s);
int vg__str_eq(vg__str a, vg__str b);
int vg__str_ieq(vg__str a, vg__str b); /* ASCII case-insensitive */
int vg__str_ieq_c(vg__str a, const char *s);
int vg__str_istarts(vg__str s, const char *prefix);
/* ASCII case-insensitive substring search; returns 1 if needle occurs in hay. */
int vg__str_icontains(vg__str hay, vg__str needle);
static inline unsigned char vg__lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Eight bytes folded to ASCII lower case at once: per byte, ASCII bytes in A..Z get 0x20
 * added (SWAR; the high bit of each byte of `upper` is set exactly for those bytes). */
static inline uint64_t vg__lower8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t low7 = w & ~high;
    uint64_t upper = (low7 + ones * (0x80 - 'A')) & ~(low7 + ones * (0x80 - 'Z' - 1)) & ~w & high;
    return w | upper >> 2;
}

/* The decimal number written by exactly the n bytes at s (digits only, no sign); 1 and *out
 * set, or 0. For fixed-width date and time fields. */
int vg__digits(const char *s, size_t n, int *out);

/* Copy n bytes folding ASCII A-Z to lower case, eight bytes at a time (dst and src may be
 * equal, not otherwise overlapping). */
void vg__lower_copy(char *dst, const char *src, size_t n);

/* ---- arena ---- */
typedef struct vg__arena_chunk vg__arena_chunk;
typedef struct vg__arena {
    vg__arena_chunk *head;
    size_t used_total;
} vg__arena;

void vg__arena_init(vg__arena *a);
void vg__arena_free(vg__arena *a);
/* 16-byte aligned, zeroed memory or NULL. */
void *vg__arena_alloc(vg__arena *a, size_t size);
/* NUL-terminated copy of len bytes, or NULL. */
char *vg__arena_strndup(vg__arena *a, const char *s, size_t len);
/* Lower-cased NUL-terminated copy, or NULL. */
char *vg__arena_strlower(vg__arena *a, const char *s, size_t len);
/* Move every block of src into dst (freed with dst; src is left empty). What was allocated in
 * src stays where it is, so pointers into it remain valid. */
void vg__arena_adopt(vg__arena *dst, vg__arena *src);

/* ---- growable buffer ---- */
typedef struct vg__buf {
    char *ptr;
    size_t len, cap;
    int oom; /* set once an append failed; later appends are no-ops */
} vg__buf;

void vg__buf_init(vg__buf *b);
void vg__buf_free(vg__buf *b);
int vg__buf_reserve(vg__buf *b, size_t extra);
void vg__buf_add(vg__buf *b, const void *p, size_t n);
void vg__buf_adds(vg__buf *b, const char *s);
void vg__buf_addc(vg__buf *b, char c);
void vg__buf_printf(vg__buf *b, const char *fmt, ...) VG_PRINTF(2, 3);
/* Append s as a JSON string literal, quotes included. */
void vg__buf_json_str(vg__buf *b, const char *s, size_t n);
/* Detach the NUL-terminated contents (caller frees); NULL if an append failed. */
char *vg__buf_take(vg__buf *b, size_t *len);

/* ---- growable arrays of fixed-size items ---- */
typedef struct vg__vec {
    void *ptr;
    size_t len, cap;
} vg__vec;

/* Pointer to a new zeroed slot of size item, or NULL. */
void *vg__vec_push(vg__vec *v, size_t item);
void vg__vec_free(vg__vec *v);

/* ---- string multimap (open addressing; keys compared exactly, values uint32) ---- */
typedef struct vg__smap_slot {
    const char *key; /* not owned; NULL = empty */
    uint32_t klen;
    uint32_t hash;
    uint32_t val;
} vg__smap_slot;

typedef struct vg__smap {
    vg__smap_slot *slots;
    size_t cap, len;
} vg__smap;

uint32_t vg__hash(const char *p, size_t n);
/* A hash of the ASCII-lower-cased bytes (case-insensitive names; not vg__hash of them). */
uint32_t vg__hash_lower(const char *p, size_t n);
void vg__smap_free(vg__smap *m);
/* Adds (key, val) even if key is present (multimap). key must outlive the map. */
int vg__smap_add(vg__smap *m, const char *key, size_t klen, uint32_t val);
/* Iterate values of key: start with *it = 0; returns 1 and sets *val while values remain. */
int vg__smap_next(const vg__smap *m, const char *key, size_t klen, size_t *it, uint32_t *val);

/* ---- files ---- */
/* Read a whole file (up to max bytes) into a malloc'ed NUL-terminated buffer. */
int vg__read_file(const char *path, size_t max, char **out, size_t *len);

/* A whole file, read-only: mapped when it is a non-empty regular file, otherwise read into
 * memory. ptr[0..len) is the content; it is NOT NUL-terminated. Release with vg__file_unmap
 * (which accepts a zeroed struct). A mapped file that another process truncates while it is
 * being read makes the reader fault (SIGBUS): replace such files by rename, never in place. */
typedef struct vg__filemap {
    const char *ptr;
    size_t len;
    void *map;  /* the mapping, or NULL */
    char *heap; /* the malloc'ed copy, or NULL */
} vg__filemap;

/* Returns 0, VG_ERR_NOENT, VG_ERR_IO, VG_ERR_LIMIT (larger than max) or VG_ERR_NOMEM. */
int vg__file_map(const char *path, size_t max, vg__filemap *out);
void vg__file_unmap(vg__filemap *m);
/* For reading a file in pieces: a non-empty regular file is opened (*fd, its length in
 * *size; the caller preads and closes it), anything else is read whole into m (*fd -1, *size
 * 0; release with vg__file_unmap). Returns what vg__file_map returns. */
int vg__file_open_pieces(const char *path, size_t max, int *fd, size_t *size, vg__filemap *m);

/* ---- diagnostics ---- */
/* Append a record; strings are copied. Returns 0 or VG_ERR_NOMEM. d may be NULL (no-op). */
int vg__diag_add(vg_diags *d, int code, vg_severity sev, const char *file, uint32_t line,
                 uint32_t col, uint64_t offset, const char *object, const char *fmt, ...)
    VG_PRINTF(9, 10);
/* Append records [from, to) of src to dst, then count `dropped` more records as dropped: how
 * a loader thread's own list joins the caller's in input order (same cap as vg__diag_add). */
int vg__diags_copy(vg_diags *dst, const vg_diags *src, size_t from, size_t to, size_t dropped);
/* Records not stored because the list was full. */
size_t vg__diags_dropped(const vg_diags *d);
/* line/col of a byte offset in buf (1-based). */
void vg__line_col(const char *buf, size_t len, size_t offset, uint32_t *line, uint32_t *col);

#endif

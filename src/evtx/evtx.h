/*
 * evtx.h - internal layout of vigil's EVTX reader (file.c, binxml.c, value.c, render.c,
 * json.c).
 *
 * An EVTX file is a 4 KiB file header followed by 64 KiB chunks. Each chunk holds event
 * records whose payload is Binary XML: a token stream in which element and attribute names,
 * and whole element trees ("templates"), are stored once per chunk and referred to by their
 * byte offset in the chunk. A record is usually one template instance: a reference to a
 * template plus the values that fill its substitution slots.
 *
 * The reader validates before it trusts: every read goes through a bounds-checked cursor
 * whose offsets are relative to the chunk, and checksums are checked before a chunk is used.
 * Templates are compiled once per chunk into a small node tree (vg__xnode) and cached by
 * offset; a record then costs one pass over its substitution values, which are kept as views
 * into the chunk (vg__evtx_val). Rendering walks the template tree with the record's values
 * and reports JSON-shaped events (keys, objects, arrays, scalars) to a sink: one sink writes
 * the evtx crate's JSON text, another fills a vg_event with the names
 * vg_event_from_json(VG_JSON_EVTX) would give that text. For events, plan.c walks only the
 * first record of each shape (templates, value types, empty values), recording where each
 * field's text comes from, and fills later records of the shape from that plan.
 */
#ifndef VG_EVTX_H
#define VG_EVTX_H

#include "../base/base.h"

#define VG__EVTX_FILE_HEADER 4096u
#define VG__EVTX_CHUNK       65536u
#define VG__EVTX_CHUNK_HDR   512u /* header, string offset table and template table */

/* ---- bounds-checked cursor ---- */

/* Reads past end set bad and return zeros; callers check bad before trusting a result. */
typedef struct vg__evtx_cur {
    const uint8_t *base; /* start of the chunk: offsets in Binary XML are chunk-relative */
    size_t pos, end;     /* next byte; first byte that may not be read */
    int bad;
} vg__evtx_cur;

static inline int vg__evtx_need(vg__evtx_cur *c, size_t n)
{
    if (c->bad || c->pos > c->end || c->end - c->pos < n) {
        c->bad = 1;
        return 0;
    }
    return 1;
}
static inline uint8_t vg__evtx_u8(vg__evtx_cur *c)
{
    return vg__evtx_need(c, 1) ? c->base[c->pos++] : 0;
}
static inline uint16_t vg__evtx_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t vg__evtx_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t vg__evtx_le64(const uint8_t *p)
{
    return vg__evtx_le32(p) | (uint64_t)vg__evtx_le32(p + 4) << 32;
}
static inline uint16_t vg__evtx_u16(vg__evtx_cur *c)
{
    if (!vg__evtx_need(c, 2))
        return 0;
    c->pos += 2;
    return vg__evtx_le16(c->base + c->pos - 2);
}
static inline uint32_t vg__evtx_u32(vg__evtx_cur *c)
{
    if (!vg__evtx_need(c, 4))
        return 0;
    c->pos += 4;
    return vg__evtx_le32(c->base + c->pos - 4);
}

/* ---- values (value.c) ---- */

enum {
    VG__EVTX_T_NULL = 0x00,
    VG__EVTX_T_STRING = 0x01,
    VG__EVTX_T_ANSI = 0x02,
    VG__EVTX_T_INT8 = 0x03,
    VG__EVTX_T_UINT8 = 0x04,
    VG__EVTX_T_INT16 = 0x05,
    VG__EVTX_T_UINT16 = 0x06,
    VG__EVTX_T_INT32 = 0x07,
    VG__EVTX_T_UINT32 = 0x08,
    VG__EVTX_T_INT64 = 0x09,
    VG__EVTX_T_UINT64 = 0x0a,
    VG__EVTX_T_REAL32 = 0x0b,
    VG__EVTX_T_REAL64 = 0x0c,
    VG__EVTX_T_BOOL = 0x0d,
    VG__EVTX_T_BINARY = 0x0e,
    VG__EVTX_T_GUID = 0x0f,
    VG__EVTX_T_SIZET = 0x10,
    VG__EVTX_T_FILETIME = 0x11,
    VG__EVTX_T_SYSTIME = 0x12,
    VG__EVTX_T_SID = 0x13,
    VG__EVTX_T_HEX32 = 0x14,
    VG__EVTX_T_HEX64 = 0x15,
    VG__EVTX_T_HANDLE = 0x20,
    VG__EVTX_T_BINXML = 0x21,
    VG__EVTX_T_EVTXML = 0x23,
    VG__EVTX_T_ARRAY = 0x80,
};

struct vg__xnode;

/* One substitution value: a view of its bytes in the chunk. BinXml values are parsed when
 * the record is read (bx: their top-level nodes). */
typedef struct vg__evtx_val {
    const uint8_t *p;
    uint32_t size;
    uint8_t type;
    const struct vg__xnode *bx;
} vg__evtx_val;

/* Empty in the evtx crate's sense: NULL, an empty string, binary, array or BinXml. */
static inline int vg__evtx_val_empty(const vg__evtx_val *v)
{
    switch (v->type) {
    case VG__EVTX_T_NULL:
        return 1;
    case VG__EVTX_T_STRING:
        return v->size < 2 || (v->p[0] | v->p[1]) == 0;
    case VG__EVTX_T_ANSI:
        return v->size == 0 || v->p[0] == 0;
    case VG__EVTX_T_BINARY:
    case VG__EVTX_T_BINXML:
        return v->size == 0;
    default:
        return (v->type & VG__EVTX_T_ARRAY) ? v->size == 0 : 0;
    }
}
/* 1 if the value renders as a JSON number or boolean (integers and booleans). */
int vg__evtx_val_numeric(const vg__evtx_val *v);
/* Append the value's text (the evtx crate's formatting) to b. Returns 0 or VG_ERR_CORRUPT
 * when the size does not fit the type (*why then says so). */
int vg__evtx_val_text(const vg__evtx_val *v, vg__buf *b, const char **why);
/* UTF-16LE (n code units) to UTF-8, appended to b; unpaired surrogates become U+FFFD. If
 * stop_nul, stops at the first NUL unit. */
void vg__evtx_utf16(const uint8_t *p, size_t n, int stop_nul, vg__buf *b);
/* Fixed byte size of a scalar type, or 0 for variable-size types. */
uint32_t vg__evtx_type_size(uint8_t type);
const char *vg__evtx_type_name(uint8_t type);

/* ---- Binary XML (binxml.c) ---- */

enum {
    VG__XN_ELEM,
    VG__XN_ATTR,  /* child: the value nodes */
    VG__XN_TEXT,  /* text (UTF-8) */
    VG__XN_VALUE, /* inline typed value (val) */
    VG__XN_SUBST, /* substitution slot id, optional flag */
    VG__XN_CHARREF,
    VG__XN_ENTREF, /* name */
    VG__XN_TINST,  /* template instance (tinst) */
};

typedef struct vg__evtx_tmpl vg__evtx_tmpl;

/* A template instance: the template and the values for its slots. */
typedef struct vg__evtx_tinst {
    const vg__evtx_tmpl *tmpl;
    const vg__evtx_val *vals;
    uint32_t n;
} vg__evtx_tinst;

typedef struct vg__xnode {
    uint8_t kind;
    uint8_t optional;        /* SUBST: optional substitution (0x0e) */
    uint16_t id;             /* SUBST: slot; CHARREF: the character */
    uint32_t len;            /* name or text length */
    const char *str;         /* ELEM/ATTR/ENTREF: name; TEXT: text (UTF-8, NUL-terminated) */
    struct vg__xnode *next;  /* sibling */
    struct vg__xnode *child; /* ELEM: content; ATTR: value nodes */
    struct vg__xnode *attr;  /* ELEM: first attribute */
    vg__evtx_val val;        /* VALUE */
    const vg__evtx_tinst *tinst;
} vg__xnode;

struct vg__evtx_tmpl {
    uint32_t offset; /* of the definition in the chunk */
    uint8_t state;   /* 0 free slot, 1 compiling, 2 ready, 3 broken */
    const vg__xnode *root;
    const char *why;   /* broken: the reason */
    uint32_t gid, gen; /* plan.c: the template's id in the plan cache, and of which generation */
};

/* A bump allocator whose blocks are kept across resets (one per chunk, one per record). */
typedef struct vg__evtx_pool {
    struct vg__evtx_block *head, *cur;
    size_t used;
} vg__evtx_pool;
void *vg__evtx_alloc(vg__evtx_pool *p, size_t n);
void vg__evtx_pool_reset(vg__evtx_pool *p);
void vg__evtx_pool_free(vg__evtx_pool *p);

typedef struct vg__evtx_name {
    uint32_t off, len;
    uint32_t gen; /* the chunk's gen when cached; any other: a free slot */
    const char *s;
} vg__evtx_name;

/* Per-chunk parse state: the chunk bytes, the caches and the pools. */
typedef struct vg__evtx_chunk {
    const uint8_t *p;
    size_t len;          /* bytes available (< 64 KiB if truncated) */
    size_t have;         /* bytes of p read so far: the reader reads [have, len) when needed */
    int fd;              /* where they come from (file.c), or -1 when p holds them all */
    uint64_t at;         /* the chunk's offset in that file */
    vg__evtx_pool pool;  /* templates and names, reset per chunk */
    vg__evtx_pool rpool; /* the current record, reset per record */
    uint16_t tslot[VG_EVTX_MAX_TEMPLATES * 2]; /* open addressing by offset: 1 + index in tmpl */
    uint32_t n_tmpl;
    vg__evtx_name *names; /* open addressing by offset */
    uint32_t names_cap, n_names;
    uint32_t gen; /* which chunk the names are of: a new chunk frees them all at once */
    vg__buf scratch;
    void *items; /* render.c's item stack, kept between records */
    size_t items_cap;
    const char *why; /* reason of the last failure */
    uint32_t why_off;
    vg__evtx_tmpl tmpl[VG_EVTX_MAX_TEMPLATES]; /* [0, n_tmpl) in use; last, never cleared whole */
} vg__evtx_chunk;

/* A reader reads a chunk's header and records only; the bytes past the records (free
 * space, which only a damaged or crafted record refers to) are read when a name or template
 * is looked up there (file.c). After it, have == len (len shrinks if the file did). */
void vg__evtx_chunk_fetch(vg__evtx_chunk *c);
static inline void vg__evtx_chunk_need(vg__evtx_chunk *c, size_t end)
{
    if (end > c->have && c->have < c->len)
        vg__evtx_chunk_fetch(c);
}
void vg__evtx_chunk_init(vg__evtx_chunk *c);
void vg__evtx_chunk_free(vg__evtx_chunk *c);
/* Start using a new chunk: forget the caches. */
void vg__evtx_chunk_reset(vg__evtx_chunk *c, const uint8_t *p, size_t len);
/* Parse a record's Binary XML [off, off+len) into a node list in rpool. Returns 0 or
 * VG_ERR_CORRUPT / VG_ERR_LIMIT / VG_ERR_NOMEM with c->why and c->why_off set. */
int vg__evtx_parse_record(vg__evtx_chunk *c, uint32_t off, uint32_t len, const vg__xnode **out);

/* ---- rendering (render.c) ---- */

/* Receives a record as a JSON-shaped stream. Strings are raw UTF-8 (not escaped). */
typedef struct vg__evtx_sink vg__evtx_sink;
struct vg__evtx_sink {
    void (*key)(vg__evtx_sink *s, const char *k, size_t n);
    void (*open)(vg__evtx_sink *s, char kind); /* '{' or '[' */
    void (*close)(vg__evtx_sink *s, char kind);
    void (*scalar)(vg__evtx_sink *s, vg_value_type t, const char *v, size_t n);
    int rc; /* first error a sink met (VG_ERR_LIMIT, VG_ERR_NOMEM) */
};

/* Render the record whose nodes are root as {"Event": ...} in the evtx crate's conventions.
 * Returns 0 or a negative code (the record's own problems, or VG_ERR_NOMEM), with *why set;
 * limits a sink hit are left in sink->rc. */
int vg__evtx_render(vg__evtx_chunk *c, const vg__xnode *root, vg__evtx_sink *sink,
                    const char **why);

/* ---- plans: event fields without the walk (plan.c) ---- */

typedef struct vg__evtx_plans vg__evtx_plans;
typedef struct vg__evtx_rec vg__evtx_rec;
typedef struct vg__evtx_esink vg__evtx_esink;

/* A cache of plans, one per record shape; NULL when out of memory. vg__evtx_fill keeps one
 * with each event it fills (ev->evtx), so the files an event reads share their plans. */
vg__evtx_plans *vg__evtx_plans_new(void);
void vg__evtx_plans_free(vg__evtx_plans *pl);
/* Fill ev with the fields of the record whose nodes are root: what vg__evtx_render to the
 * event sink gives (same fields, return code, *why and *sink_rc), from the shape's plan when
 * the event's cache has one (use_plans 0: always render). */
int vg__evtx_fill(int use_plans, vg__evtx_chunk *c, const vg__xnode *root, vg__evtx_esink *es,
                  vg_event *ev, int *sink_rc, const char **why);
/* A reader of chunks [first, end) of the file at path (end 0: to the last chunk), for
 * vg_input_open_range: records, info and diagnostics are those the whole file's reader gives
 * for these chunks (absolute chunk numbers and offsets), except that only a range starting at
 * chunk 0 reports a damaged file header. VG_ERR_INVAL if end <= first; else as vg_evtx_open. */
int vg__evtx_open_chunks(const char *path, vg_diags *diags, uint64_t first, uint64_t end,
                         vg_evtx **out);
/* Cut the file at path into at most parts ranges of whole chunks with about as many bytes of
 * records each (read from the chunk headers; the file header goes with the first): start[k]
 * is the byte offset of range k (0, then chunk starts), *n how many. 0 or a VG_ERR_*. */
int vg__evtx_split(const char *path, unsigned parts, uint64_t *start, unsigned *n);
/* Whether reader r fills events from plans (the default) or renders every record. */
void vg__evtx_set_plans(vg_evtx *r, int on);
/* Records ev's plan cache filled from a plan, recorded a plan from, and rendered (no plan, or
 * the plan's shape is rendered every time, or replaying found a problem to report), and how
 * many times the cache was emptied (tests). */
void vg__evtx_plan_counts(const vg_event *ev, uint64_t counts[4]);
/* vg__evtx_render with a recorder (rec may be NULL), which render.c tells where the text of
 * what it emits comes from: */
int vg__evtx_render_rec(vg__evtx_chunk *c, const vg__xnode *root, vg__evtx_sink *sink,
                        const char **why, vg__evtx_rec *rec);
/* a text starts (its pieces follow) */
void vg__evtx_rec_seg(vg__evtx_rec *rec);
/* a piece of it: the text of value id of instance ctx, or (ctx NULL) constant text */
void vg__evtx_rec_piece(vg__evtx_rec *rec, const vg__evtx_tinst *ctx, uint32_t id, const char *text,
                        size_t len);
/* the last text became a key */
void vg__evtx_rec_key(vg__evtx_rec *rec);
/* a scalar went to the sink: the last text (from_text) or a constant */
void vg__evtx_rec_scalar(vg__evtx_rec *rec, int from_text);

/* ---- sinks (json.c) ---- */
typedef struct vg__evtx_jsink {
    vg__evtx_sink base;
    vg__buf *out;
    uint32_t depth;
    uint8_t comma[VG_EVTX_MAX_DEPTH * 2 + 8];
} vg__evtx_jsink;
void vg__evtx_jsink_init(vg__evtx_jsink *s, vg__buf *out);

vg__evtx_esink *vg__evtx_esink_new(void);
void vg__evtx_esink_free(vg__evtx_esink *s);
vg__evtx_sink *vg__evtx_esink_start(vg__evtx_esink *s, vg_event *ev);

/* ---- checksums (file.c) ---- */
uint32_t vg__evtx_crc32(uint32_t crc, const uint8_t *p, size_t n);

#endif

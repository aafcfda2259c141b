/*
 * binxml.c - Binary XML: tokens to node trees, with names and templates cached per chunk.
 *
 * A record's payload is a token stream: a fragment header (0x0f), then usually one template
 * instance (0x0c) naming a template definition by its chunk offset, followed by the values of
 * the instance. The first record that uses a template carries its definition inline; later
 * ones only refer to it. Element (0x01/0x41) and attribute (0x06/0x46) names work the same
 * way: a name offset that equals the cursor position means the name structure follows inline
 * (and is skipped), any other offset refers to one stored earlier.
 *
 * Templates are compiled once per chunk into vg__xnode trees in the chunk pool and cached by
 * offset in an open-addressing table (at most VG_EVTX_MAX_TEMPLATES); a template that fails
 * to compile is cached as broken, so every record using it fails fast with the same reason.
 * A record is parsed into the record pool: its template instance reads only the value
 * descriptors and keeps views of the value bytes. Values of type BinXml (0x21) are parsed
 * right away, recursively, under the same depth limit as elements (VG_EVTX_MAX_DEPTH).
 *
 * Every read goes through a vg__evtx_cur bounded by the end of the enclosing structure (the
 * record, the template's data size, the value's size); names are looked up only inside the
 * chunk and are capped at VG_EVTX_MAX_NAME characters.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "evtx.h"

/* ---- pools ---- */

struct vg__evtx_block {
    struct vg__evtx_block *next;
    size_t cap;
    _Alignas(16) unsigned char data[];
};

void *vg__evtx_alloc(vg__evtx_pool *p, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    while (!p->cur || p->cur->cap - p->used < n) {
        if (p->cur && p->cur->next) {
            p->cur = p->cur->next;
            p->used = 0;
            continue;
        }
        size_t cap = n > 60000 ? n : 60000;
        struct vg__evtx_block *b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->next = NULL;
        if (p->cur)
            p->cur->next = b;
        else
            p->head = b;
        p->cur = b;
        p->used = 0;
    }
    void *r = p->cur->data + p->used;
    p->used += n;
    memset(r, 0, n);
    return r;
}

void vg__evtx_pool_reset(vg__evtx_pool *p)
{
    p->cur = p->head;
    p->used = 0;
}

void vg__evtx_pool_free(vg__evtx_pool *p)
{
    struct vg__evtx_block *b = p->head;
    while (b) {
        struct vg__evtx_block *n = b->next;
        free(b);
        b = n;
    }
    memset(p, 0, sizeof *p);
}

/* ---- chunk state ---- */

void vg__evtx_chunk_init(vg__evtx_chunk *c)
{
    memset(c, 0, offsetof(vg__evtx_chunk, tmpl)); /* tmpl entries are cleared when used */
    c->fd = -1;
    c->gen = 1;
    vg__buf_init(&c->scratch);
}

void vg__evtx_chunk_free(vg__evtx_chunk *c)
{
    vg__evtx_pool_free(&c->pool);
    vg__evtx_pool_free(&c->rpool);
    free(c->names);
    free(c->items);
    vg__buf_free(&c->scratch);
    memset(c, 0, offsetof(vg__evtx_chunk, tmpl));
}

void vg__evtx_chunk_reset(vg__evtx_chunk *c, const uint8_t *p, size_t len)
{
    c->p = p;
    c->len = c->have = len;
    c->fd = -1;
    vg__evtx_pool_reset(&c->pool);
    vg__evtx_pool_reset(&c->rpool);
    memset(c->tslot, 0, sizeof c->tslot);
    c->n_tmpl = 0;
    if (++c->gen == 0) { /* after 2^32 chunks: names of gen 0 would look current */
        if (c->names)
            memset(c->names, 0, c->names_cap * sizeof *c->names);
        c->gen = 1;
    }
    c->n_names = 0;
    c->why = NULL;
}

/* Parser state for one record or one template. */
typedef struct parser {
    vg__evtx_chunk *c;
    vg__evtx_pool *pool; /* where nodes go */
    int depth;
} parser;

static int fail(parser *ps, const vg__evtx_cur *cur, int rc, const char *why)
{
    if (!ps->c->why) {
        ps->c->why = why;
        ps->c->why_off = (uint32_t)cur->pos;
    }
    return rc;
}

static vg__xnode *node(parser *ps, uint8_t kind)
{
    vg__xnode *n = vg__evtx_alloc(ps->pool, sizeof *n);
    if (n)
        n->kind = kind;
    return n;
}

/* ---- names ---- */

static int names_grow(vg__evtx_chunk *c)
{
    uint32_t cap = c->names_cap ? c->names_cap * 2 : 256;
    vg__evtx_name *t = calloc(cap, sizeof *t);
    if (!t)
        return VG_ERR_NOMEM;
    for (uint32_t i = 0; i < c->names_cap; i++) {
        if (c->names[i].gen != c->gen)
            continue;
        uint32_t j = (c->names[i].off * 2654435761u) & (cap - 1);
        while (t[j].gen == c->gen)
            j = (j + 1) & (cap - 1);
        t[j] = c->names[i];
    }
    free(c->names);
    c->names = t;
    c->names_cap = cap;
    return 0;
}

/* The name structure at chunk offset off: next-in-bucket (4), hash (2), count (2),
 * UTF-16 characters, NUL. Cached as UTF-8 by offset. */
static int name_at(parser *ps, uint32_t off, const vg__evtx_cur *at, const char **s, uint32_t *len,
                   uint32_t *size)
{
    vg__evtx_chunk *c = ps->c;
    if ((c->n_names + 1) * 2 > c->names_cap && names_grow(c))
        return VG_ERR_NOMEM;
    uint32_t j = (off * 2654435761u) & (c->names_cap - 1);
    for (; c->names[j].gen == c->gen; j = (j + 1) & (c->names_cap - 1)) {
        if (c->names[j].off == off) {
            *s = c->names[j].s;
            *len = c->names[j].len;
            *size = 10 + 2 * (uint32_t)vg__evtx_le16(c->p + off + 6);
            return 0;
        }
    }
    vg__evtx_chunk_need(c, (size_t)off + 10);
    if (off < VG__EVTX_CHUNK_HDR || off > c->len || c->len - off < 10)
        return fail(ps, at, VG_ERR_CORRUPT, "name offset outside the chunk");
    uint32_t n = vg__evtx_le16(c->p + off + 6);
    if (n > VG_EVTX_MAX_NAME)
        return fail(ps, at, VG_ERR_LIMIT, "name longer than VG_EVTX_MAX_NAME");
    vg__evtx_chunk_need(c, (size_t)off + 10 + 2u * n);
    if (c->len - off - 10 < 2u * n)
        return fail(ps, at, VG_ERR_CORRUPT, "name runs past the end of the chunk");
    c->scratch.len = 0;
    vg__evtx_utf16(c->p + off + 8, n, 0, &c->scratch);
    char *copy = vg__evtx_alloc(&c->pool, c->scratch.len + 1);
    if (!copy || c->scratch.oom)
        return VG_ERR_NOMEM;
    memcpy(copy, c->scratch.ptr, c->scratch.len);
    c->names[j] = (vg__evtx_name){off, (uint32_t)c->scratch.len, c->gen, copy};
    c->n_names++;
    *s = copy;
    *len = (uint32_t)c->scratch.len;
    *size = 10 + 2 * n;
    return 0;
}

/* Read a name offset at the cursor; an inline name is skipped. */
static int read_name(parser *ps, vg__evtx_cur *cur, const char **s, uint32_t *len)
{
    uint32_t off = vg__evtx_u32(cur), size;
    if (cur->bad)
        return fail(ps, cur, VG_ERR_CORRUPT, "truncated name reference");
    int rc = name_at(ps, off, cur, s, len, &size);
    if (rc)
        return rc;
    if (off == cur->pos) {
        if (!vg__evtx_need(cur, size))
            return fail(ps, cur, VG_ERR_CORRUPT, "inline name runs past its structure");
        cur->pos += size;
    }
    return 0;
}

/* ---- tokens ---- */

static int parse_content(parser *ps, vg__evtx_cur *cur, vg__xnode **first, int in_elem);
static int parse_tinst(parser *ps, vg__evtx_cur *cur, vg__xnode **out);

/* UTF-16 text with a 16-bit count (value tokens, CDATA, PI data) as a TEXT node. */
static int text_node(parser *ps, vg__evtx_cur *cur, vg__xnode **out)
{
    uint32_t n = vg__evtx_u16(cur);
    if (!vg__evtx_need(cur, 2 * (size_t)n))
        return fail(ps, cur, VG_ERR_CORRUPT, "text runs past its structure");
    vg__buf *b = &ps->c->scratch;
    b->len = 0;
    vg__evtx_utf16(cur->base + cur->pos, n, 0, b);
    cur->pos += 2 * (size_t)n;
    vg__xnode *x = node(ps, VG__XN_TEXT);
    char *s = x ? vg__evtx_alloc(ps->pool, b->len + 1) : NULL;
    if (!s || b->oom)
        return VG_ERR_NOMEM;
    if (b->len)
        memcpy(s, b->ptr, b->len);
    x->str = s;
    x->len = (uint32_t)b->len;
    *out = x;
    return 0;
}

/* A value token (0x05): type, then the value. Strings are common; other fixed-size types are
 * kept as typed values. */
static int value_node(parser *ps, vg__evtx_cur *cur, vg__xnode **out)
{
    uint8_t type = vg__evtx_u8(cur);
    if (type == VG__EVTX_T_STRING)
        return text_node(ps, cur, out);
    uint32_t w = vg__evtx_type_size(type);
    if (cur->bad || w == 0)
        return fail(ps, cur, VG_ERR_UNSUPPORTED, "value token of an unsupported type");
    if (!vg__evtx_need(cur, w))
        return fail(ps, cur, VG_ERR_CORRUPT, "value token runs past its structure");
    vg__xnode *x = node(ps, VG__XN_VALUE);
    if (!x)
        return VG_ERR_NOMEM;
    x->val = (vg__evtx_val){cur->base + cur->pos, w, type, NULL};
    cur->pos += w;
    *out = x;
    return 0;
}

/* One token that may appear in content or in an attribute value; *out is NULL for tokens
 * that produce nothing (processing instructions). Returns 1 if the token is not such. */
static int simple_token(parser *ps, vg__evtx_cur *cur, uint8_t tok, vg__xnode **out)
{
    *out = NULL;
    switch (tok & 0xbf) {
    case 0x05:
        return value_node(ps, cur, out);
    case 0x0d:
    case 0x0e: {
        vg__xnode *x = node(ps, VG__XN_SUBST);
        if (!x)
            return VG_ERR_NOMEM;
        x->id = vg__evtx_u16(cur);
        vg__evtx_u8(cur); /* the template's idea of the type; the value's own type wins */
        x->optional = tok == 0x0e;
        if (cur->bad)
            return fail(ps, cur, VG_ERR_CORRUPT, "truncated substitution");
        *out = x;
        return 0;
    }
    case 0x07:
        return text_node(ps, cur, out); /* CDATA */
    case 0x08: {
        vg__xnode *x = node(ps, VG__XN_CHARREF);
        if (!x)
            return VG_ERR_NOMEM;
        x->id = vg__evtx_u16(cur);
        if (cur->bad)
            return fail(ps, cur, VG_ERR_CORRUPT, "truncated character reference");
        *out = x;
        return 0;
    }
    case 0x09: {
        vg__xnode *x = node(ps, VG__XN_ENTREF);
        if (!x)
            return VG_ERR_NOMEM;
        *out = x;
        return read_name(ps, cur, &x->str, &x->len);
    }
    case 0x0a: { /* PI target: a name; PI data follows as 0x0b */
        const char *s;
        uint32_t n;
        return read_name(ps, cur, &s, &n);
    }
    case 0x0b: {
        int rc = text_node(ps, cur, out);
        *out = NULL;
        return rc;
    }
    default:
        return 1;
    }
}

static int parse_attrs(parser *ps, vg__evtx_cur *cur, vg__xnode *elem)
{
    vg__xnode **tail = &elem->attr;
    vg__evtx_u32(cur); /* attribute list size */
    while (vg__evtx_need(cur, 1) && (cur->base[cur->pos] & 0xbf) == 0x06) {
        cur->pos++;
        vg__xnode *a = node(ps, VG__XN_ATTR);
        if (!a)
            return VG_ERR_NOMEM;
        int rc = read_name(ps, cur, &a->str, &a->len);
        if (rc)
            return rc;
        vg__xnode **vt = &a->child;
        while (vg__evtx_need(cur, 1)) {
            uint8_t tok = cur->base[cur->pos];
            if ((tok & 0xbf) == 0x06 || tok == 0x02 || tok == 0x03)
                break;
            cur->pos++;
            vg__xnode *v;
            rc = simple_token(ps, cur, tok, &v);
            if (rc == 1)
                return fail(ps, cur, VG_ERR_CORRUPT, "unexpected token in an attribute value");
            if (rc)
                return rc;
            if (v) {
                *vt = v;
                vt = &v->next;
            }
        }
        *tail = a;
        tail = &a->next;
    }
    if (cur->bad)
        return fail(ps, cur, VG_ERR_CORRUPT, "truncated attribute list");
    return 0;
}

/* An element; the open-start token (0x01 or 0x41) has been read. */
static int parse_element(parser *ps, vg__evtx_cur *cur, uint8_t tok, vg__xnode **out)
{
    if (++ps->depth > VG_EVTX_MAX_DEPTH)
        return fail(ps, cur, VG_ERR_LIMIT, "elements nested deeper than VG_EVTX_MAX_DEPTH");
    vg__xnode *e = node(ps, VG__XN_ELEM);
    if (!e)
        return VG_ERR_NOMEM;
    vg__evtx_u16(cur); /* dependency identifier */
    vg__evtx_u32(cur); /* data size */
    int rc = read_name(ps, cur, &e->str, &e->len);
    if (!rc && (tok & 0x40))
        rc = parse_attrs(ps, cur, e);
    if (rc)
        return rc;
    uint8_t close = vg__evtx_u8(cur);
    if (close == 0x02)
        rc = parse_content(ps, cur, &e->child, 1);
    else if (close != 0x03)
        rc = fail(ps, cur, VG_ERR_CORRUPT, "element start tag not closed");
    ps->depth--;
    *out = e;
    return rc;
}

/* Content of an element (until 0x04) or a fragment (until 0x00 or the end). */
static int parse_content(parser *ps, vg__evtx_cur *cur, vg__xnode **first, int in_elem)
{
    vg__xnode **tail = first;
    for (;;) {
        if (!in_elem && cur->pos >= cur->end)
            return 0;
        uint8_t tok = vg__evtx_u8(cur);
        if (cur->bad)
            return fail(ps, cur, VG_ERR_CORRUPT, "Binary XML ends inside an element");
        vg__xnode *x = NULL;
        int rc;
        if (tok == 0x04 && in_elem)
            return 0;
        if (tok == 0x00 && !in_elem)
            return 0;
        if (tok == 0x0f) {
            cur->pos += 3; /* fragment header: major, minor, flags */
            if (cur->pos > cur->end)
                return fail(ps, cur, VG_ERR_CORRUPT, "truncated fragment header");
            continue;
        }
        if ((tok & 0xbf) == 0x01)
            rc = parse_element(ps, cur, tok, &x);
        else if (tok == 0x0c)
            rc = parse_tinst(ps, cur, &x);
        else if (in_elem)
            rc = simple_token(ps, cur, tok, &x);
        else
            rc = 1;
        if (rc == 1) {
            cur->pos--;
            return fail(ps, cur, VG_ERR_CORRUPT, "unexpected Binary XML token");
        }
        if (rc)
            return rc;
        if (x) {
            *tail = x;
            tail = &x->next;
        }
    }
}

/* ---- templates ---- */

/* The template entry for chunk offset off: the one in use, or a new one (NULL when the chunk
 * has VG_EVTX_MAX_TEMPLATES already). */
static vg__evtx_tmpl *tmpl_slot(vg__evtx_chunk *c, uint32_t off)
{
    const uint32_t cap = VG_ARRAY_LEN(c->tslot);
    uint32_t j = (off * 2654435761u) & (cap - 1);
    for (; c->tslot[j]; j = (j + 1) & (cap - 1))
        if (c->tmpl[c->tslot[j] - 1].offset == off)
            return &c->tmpl[c->tslot[j] - 1];
    if (c->n_tmpl >= VG_EVTX_MAX_TEMPLATES)
        return NULL;
    vg__evtx_tmpl *t = &c->tmpl[c->n_tmpl++];
    memset(t, 0, sizeof *t);
    t->offset = off;
    c->tslot[j] = (uint16_t)c->n_tmpl;
    return t;
}

/* The compiled template defined at chunk offset off: next (4), GUID (16), data size (4),
 * then a Binary XML fragment. */
static int get_template(parser *ps, const vg__evtx_cur *at, uint32_t off, vg__evtx_tmpl **out)
{
    vg__evtx_chunk *c = ps->c;
    vg__evtx_tmpl *t = tmpl_slot(c, off);
    *out = t;
    if (!t)
        return fail(ps, at, VG_ERR_LIMIT, "more templates in a chunk than VG_EVTX_MAX_TEMPLATES");
    if (t->state == 2)
        return 0;
    if (t->state == 1)
        return fail(ps, at, VG_ERR_CORRUPT, "template refers to itself");
    if (t->state == 3)
        return fail(ps, at, VG_ERR_CORRUPT, t->why);
    t->state = 1;
    vg__evtx_chunk_need(c, (size_t)off + 24);
    vg__evtx_cur tc = {c->p, off, c->len, 0};
    uint32_t size = 0;
    if (off >= VG__EVTX_CHUNK_HDR && vg__evtx_need(&tc, 24)) {
        size = vg__evtx_le32(c->p + off + 20);
        tc.pos += 24;
        vg__evtx_chunk_need(c, tc.pos + size);
        tc.end = c->len; /* a fetch may find the file shorter */
    }
    int rc;
    if (tc.bad || off < VG__EVTX_CHUNK_HDR || !vg__evtx_need(&tc, size)) {
        rc = fail(ps, at, VG_ERR_CORRUPT, "template definition outside the chunk");
    } else {
        parser tp = {c, &c->pool, ps->depth + 1};
        vg__xnode *root = NULL;
        tc.end = tc.pos + size;
        rc = tp.depth > VG_EVTX_MAX_DEPTH
                 ? fail(ps, at, VG_ERR_LIMIT, "templates nested deeper than VG_EVTX_MAX_DEPTH")
                 : parse_content(&tp, &tc, &root, 0);
        t->root = root;
        if (!rc && !root)
            rc = fail(ps, &tc, VG_ERR_CORRUPT, "empty template");
    }
    t->state = rc ? 3 : 2;
    t->why = rc ? c->why : NULL;
    return rc;
}

/* A template instance (0x0c read): unknown (1), template id (4), definition offset (4),
 * [inline definition], value count (4), descriptors (size 2, type 1, pad 1), value bytes. */
static int parse_tinst(parser *ps, vg__evtx_cur *cur, vg__xnode **out)
{
    vg__evtx_u8(cur);
    vg__evtx_u32(cur);
    uint32_t def = vg__evtx_u32(cur);
    if (cur->bad)
        return fail(ps, cur, VG_ERR_CORRUPT, "truncated template instance");
    vg__evtx_tmpl *t;
    int rc = get_template(ps, cur, def, &t);
    if (rc)
        return rc;
    if (def == cur->pos) { /* inline definition: skip it */
        uint32_t size = vg__evtx_le32(cur->base + def + 20);
        if (!vg__evtx_need(cur, 24 + (size_t)size))
            return fail(ps, cur, VG_ERR_CORRUPT, "inline template runs past the record");
        cur->pos += 24 + (size_t)size;
    }
    uint32_t n = vg__evtx_u32(cur);
    if (cur->bad)
        return fail(ps, cur, VG_ERR_CORRUPT, "truncated value count");
    if (n > VG_EVTX_MAX_SUBST)
        return fail(ps, cur, VG_ERR_LIMIT, "more substitution values than VG_EVTX_MAX_SUBST");
    if (!vg__evtx_need(cur, 4 * (size_t)n))
        return fail(ps, cur, VG_ERR_CORRUPT, "value descriptors run past the record");
    vg__evtx_tinst *ti = vg__evtx_alloc(ps->pool, sizeof *ti);
    vg__evtx_val *vals = vg__evtx_alloc(ps->pool, (n ? n : 1) * sizeof *vals);
    vg__xnode *x = node(ps, VG__XN_TINST);
    if (!ti || !vals || !x)
        return VG_ERR_NOMEM;
    const uint8_t *d = cur->base + cur->pos;
    cur->pos += 4 * (size_t)n;
    for (uint32_t i = 0; i < n; i++) {
        vg__evtx_val *v = &vals[i];
        v->size = vg__evtx_le16(d + 4 * i);
        v->type = d[4 * i + 2];
        if (!vg__evtx_need(cur, v->size))
            return fail(ps, cur, VG_ERR_CORRUPT, "substitution value runs past the record");
        v->p = cur->base + cur->pos;
        if (v->type == VG__EVTX_T_BINXML && v->size) {
            vg__evtx_cur vc = {cur->base, cur->pos, cur->pos + v->size, 0};
            vg__xnode *bx = NULL;
            if (++ps->depth > VG_EVTX_MAX_DEPTH)
                return fail(ps, cur, VG_ERR_LIMIT, "BinXml nested deeper than VG_EVTX_MAX_DEPTH");
            rc = parse_content(ps, &vc, &bx, 0);
            ps->depth--;
            if (rc)
                return rc;
            v->bx = bx;
        }
        cur->pos += v->size;
    }
    *ti = (vg__evtx_tinst){t, vals, n};
    x->tinst = ti;
    *out = x;
    return 0;
}

int vg__evtx_parse_record(vg__evtx_chunk *c, uint32_t off, uint32_t len, const vg__xnode **out)
{
    vg__evtx_pool_reset(&c->rpool);
    c->why = NULL;
    parser ps = {c, &c->rpool, 0};
    vg__evtx_cur cur = {c->p, off, (size_t)off + len, 0};
    vg__xnode *root = NULL;
    int rc = parse_content(&ps, &cur, &root, 0);
    if (!rc && !root) {
        rc = fail(&ps, &cur, VG_ERR_CORRUPT, "record holds no element");
    }
    *out = root;
    return rc;
}

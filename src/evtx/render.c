/*
 * render.c - walk a record's node tree and emit it in the evtx crate's JSON shape.
 *
 * The shape (what `evtx_dump -o jsonl` prints) is decided per element from its resolved
 * content, that is after substitution slots are replaced by the record's values and nested
 * BinXml values and template instances are expanded in place:
 *   - no child elements, no text and no attribute with text: null
 *   - no child elements and no attribute with text: the text itself, as a JSON number when it
 *     is exactly one integer or boolean value, else as a string
 *   - otherwise an object: "#attributes" (attributes with text; each a number or a string as
 *     above), "#text" (the element's own text, if any), then the child elements by name;
 *     repeated names get suffixes: Header, Header_1, Header_2 (the first 64 distinct names).
 * Text is the concatenation of literal text, values' text, "&#N;" for character references
 * and "&name;" for entity references. Empty values (NULL, "", empty binary or array) are not
 * text; optional substitutions with empty values vanish.
 * EventData and UserData are containers: when one of their Data children has a non-empty
 * Name attribute, each such Data becomes "<Name>": value (a Data without text is ""); when
 * none has, all Data children become "Data": {"#text": value or [values]}.
 *
 * The resolved children of the element being rendered are collected once into a stack of
 * items (indices, since the stack may move while it grows); rendering a child pushes its own
 * items above and pops them when done. With a recorder (plan.c), every text is also reported
 * piece by piece (literal, or which substitution value), and every scalar and data key as
 * made of the last text or not.
 */
#include <stdlib.h>
#include <string.h>

#include "evtx.h"

enum { IT_ELEM, IT_TEXT, IT_VALUE, IT_CHARREF, IT_ENTREF };

typedef struct item {
    uint8_t kind;
    const vg__xnode *n;
    const vg__evtx_tinst *ctx; /* values for the element's slots */
    const vg__evtx_val *v;     /* IT_VALUE */
} item;

typedef struct rstate {
    vg__evtx_chunk *c;
    vg__evtx_sink *sink;
    item *it;
    size_t n, cap;
    size_t budget; /* bytes of text left (VG_EVTX_MAX_OUTPUT) */
    int rc;
    const char *why;
    int depth;
    vg__evtx_rec *rec; /* plan.c's recorder, or NULL */
} rstate;

static int bad(rstate *r, int rc, const char *why)
{
    if (!r->rc) {
        r->rc = rc;
        r->why = why;
    }
    return rc;
}

static int push(rstate *r, uint8_t kind, const vg__xnode *n, const vg__evtx_tinst *ctx,
                const vg__evtx_val *v)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        item *p = realloc(r->it, cap * sizeof *p);
        if (!p)
            return bad(r, VG_ERR_NOMEM, NULL);
        r->it = p;
        r->cap = cap;
    }
    r->it[r->n++] = (item){kind, n, ctx, v};
    return 0;
}

/* Push the resolved items of node list first (slots looked up in ctx). */
static int resolve(rstate *r, const vg__xnode *first, const vg__evtx_tinst *ctx, int depth)
{
    if (depth > VG_EVTX_MAX_DEPTH)
        return bad(r, VG_ERR_LIMIT, "substitutions nested deeper than VG_EVTX_MAX_DEPTH");
    for (const vg__xnode *x = first; x && !r->rc; x = x->next) {
        switch (x->kind) {
        case VG__XN_ELEM:
            push(r, IT_ELEM, x, ctx, NULL);
            break;
        case VG__XN_TEXT:
            push(r, IT_TEXT, x, ctx, NULL);
            break;
        case VG__XN_VALUE:
            push(r, IT_VALUE, x, ctx, &x->val);
            break;
        case VG__XN_CHARREF:
            push(r, IT_CHARREF, x, ctx, NULL);
            break;
        case VG__XN_ENTREF:
            push(r, IT_ENTREF, x, ctx, NULL);
            break;
        case VG__XN_TINST:
            resolve(r, x->tinst->tmpl->root, x->tinst, depth + 1);
            break;
        case VG__XN_SUBST: {
            if (!ctx || x->id >= ctx->n)
                break;
            const vg__evtx_val *v = &ctx->vals[x->id];
            if (x->optional && vg__evtx_val_empty(v))
                break;
            if (v->type == VG__EVTX_T_BINXML) {
                if (v->bx)
                    resolve(r, v->bx, NULL, depth + 1);
                break;
            }
            push(r, IT_VALUE, x, ctx, v);
            break;
        }
        default:
            break;
        }
    }
    return r->rc;
}

static int item_has_text(const item *it)
{
    switch (it->kind) {
    case IT_TEXT:
        return it->n->len > 0;
    case IT_VALUE:
        return !vg__evtx_val_empty(it->v);
    case IT_CHARREF:
    case IT_ENTREF:
        return 1;
    default:
        return 0;
    }
}

/* Text of items [a, b) (elements skipped) into the chunk's scratch buffer. */
static vg__buf *text_of(rstate *r, size_t a, size_t b)
{
    vg__buf *s = &r->c->scratch;
    s->len = 0;
    if (s->ptr)
        s->ptr[0] = 0;
    if (r->rec)
        vg__evtx_rec_seg(r->rec);
    for (size_t i = a; i < b && !r->rc; i++) {
        const item *it = &r->it[i];
        size_t at = s->len;
        if (it->kind == IT_TEXT) {
            vg__buf_add(s, it->n->str, it->n->len);
        } else if (it->kind == IT_VALUE) {
            const char *why = NULL;
            int rc = vg__evtx_val_text(it->v, s, &why);
            if (rc)
                bad(r, rc, why);
        } else if (it->kind == IT_CHARREF) {
            vg__buf_printf(s, "&#%u;", it->n->id);
        } else if (it->kind == IT_ENTREF) {
            vg__buf_printf(s, "&%.*s;", (int)it->n->len, it->n->str);
        }
        if (r->rec && it->kind != IT_ELEM)
            vg__evtx_rec_piece(r->rec, it->n->kind == VG__XN_SUBST ? it->ctx : NULL, it->n->id,
                               s->ptr ? s->ptr + at : "", s->len - at);
    }
    if (s->oom)
        bad(r, VG_ERR_NOMEM, NULL);
    if (s->len > r->budget)
        bad(r, VG_ERR_LIMIT, "record renders to more than VG_EVTX_MAX_OUTPUT bytes");
    else
        r->budget -= s->len;
    return s;
}

/* A scalar to the sink; from_text: its text is the last text_of. */
static void scalar(rstate *r, vg_value_type t, const char *v, size_t n, int from_text)
{
    r->sink->scalar(r->sink, t, v, n);
    if (r->rec)
        vg__evtx_rec_scalar(r->rec, from_text);
}

/* Emit items [a, b) as one JSON value: a number when they hold exactly one integer or
 * boolean value (elements and empty text aside; strict: exactly one item), else a string. */
static void emit_content(rstate *r, size_t a, size_t b, int strict)
{
    const item *single = NULL;
    size_t count = 0;
    for (size_t i = a; i < b; i++) {
        const item *it = &r->it[i];
        if (strict) {
            count++;
            single = it;
            continue;
        }
        if (it->kind == IT_ELEM || (it->kind == IT_TEXT && it->n->len == 0) ||
            (it->kind == IT_VALUE && vg__evtx_val_empty(it->v)))
            continue;
        count++;
        single = it;
    }
    vg__buf *s = text_of(r, a, b);
    if (r->rc)
        return;
    if (count == 1 && single->kind == IT_VALUE && vg__evtx_val_numeric(single->v))
        scalar(r, single->v->type == VG__EVTX_T_BOOL ? VG_VAL_BOOL : VG_VAL_NUMBER, s->ptr, s->len,
               1);
    else
        scalar(r, VG_VAL_STRING, s->ptr ? s->ptr : "", s->len, 1);
}

typedef struct span {
    size_t a, b;  /* items */
    int has_elem; /* an element among them */
    int has_text; /* non-empty text among them */
} span;

static span collect(rstate *r, const vg__xnode *first, const vg__evtx_tinst *ctx)
{
    span s = {r->n, r->n, 0, 0};
    resolve(r, first, ctx, r->depth);
    s.b = r->n;
    for (size_t i = s.a; i < s.b; i++) {
        s.has_elem |= r->it[i].kind == IT_ELEM;
        s.has_text |= item_has_text(&r->it[i]);
    }
    return s;
}

static int attr_has_text(rstate *r, const vg__xnode *attr, const vg__evtx_tinst *ctx)
{
    span s = collect(r, attr->child, ctx);
    r->n = s.a;
    return s.has_text;
}

static void element_value(rstate *r, const vg__xnode *e, const vg__evtx_tinst *ctx, int container);
static void element_body(rstate *r, const vg__xnode *e, const vg__evtx_tinst *ctx, span s,
                         int container);

static int is_name(const vg__xnode *x, const char *s)
{
    size_t n = strlen(s);
    return x->len == n && memcmp(x->str, s, n) == 0;
}

/* The Name attribute of a Data element, when it has text. */
static const vg__xnode *data_name(rstate *r, const vg__xnode *e, const vg__evtx_tinst *ctx)
{
    for (const vg__xnode *a = e->attr; a; a = a->next)
        if (is_name(a, "Name"))
            return attr_has_text(r, a, ctx) ? a : NULL;
    return NULL;
}

static void data_value(rstate *r, const vg__xnode *e, const vg__evtx_tinst *ctx)
{
    span s = collect(r, e->child, ctx);
    if (!r->rc) {
        if (!s.has_text && !s.has_elem)
            scalar(r, VG_VAL_STRING, "", 0, 0);
        else if (s.has_elem)
            element_body(r, e, ctx, s, 0);
        else
            emit_content(r, s.a, s.b, 1);
    }
    r->n = s.a;
}

static void attributes(rstate *r, const vg__xnode *e, const vg__evtx_tinst *ctx)
{
    int opened = 0;
    for (const vg__xnode *a = e->attr; a && !r->rc; a = a->next) {
        span s = collect(r, a->child, ctx);
        if (s.has_text) {
            if (!opened) {
                r->sink->key(r->sink, "#attributes", 11);
                r->sink->open(r->sink, '{');
                opened = 1;
            }
            r->sink->key(r->sink, a->str, a->len);
            emit_content(r, s.a, s.b, 1);
        }
        r->n = s.a;
    }
    if (opened)
        r->sink->close(r->sink, '{');
}

/* EventData / UserData children named Data, flattened by Name or positional. */
static void data_children(rstate *r, span s, int named, size_t *i_first)
{
    if (named) {
        const item *it = &r->it[*i_first];
        const vg__xnode *nm = data_name(r, it->n, it->ctx);
        if (nm) {
            span ns = collect(r, nm->child, it->ctx);
            vg__buf *t = text_of(r, ns.a, ns.b);
            if (!r->rc)
                r->sink->key(r->sink, t->ptr, t->len);
            if (r->rec)
                vg__evtx_rec_key(r->rec);
            r->n = ns.a;
            if (!r->rc)
                data_value(r, it->n, it->ctx);
        }
        return;
    }
    size_t count = 0;
    for (size_t i = s.a; i < s.b; i++)
        count += r->it[i].kind == IT_ELEM && is_name(r->it[i].n, "Data");
    r->sink->key(r->sink, "Data", 4);
    r->sink->open(r->sink, '{');
    r->sink->key(r->sink, "#text", 5);
    if (count > 1)
        r->sink->open(r->sink, '[');
    for (size_t i = s.a; i < s.b && !r->rc; i++)
        if (r->it[i].kind == IT_ELEM && is_name(r->it[i].n, "Data"))
            data_value(r, r->it[i].n, r->it[i].ctx);
    if (count > 1)
        r->sink->close(r->sink, '[');
    r->sink->close(r->sink, '{');
}

typedef struct seen {
    const char *s;
    uint32_t len, count;
} seen;

static void element_body(rstate *r, const vg__xnode *e, const vg__evtx_tinst *ctx, span s,
                         int container)
{
    int named = 0, positional_done = 0;
    if (container)
        for (size_t i = s.a; i < s.b && !named; i++)
            named = r->it[i].kind == IT_ELEM && is_name(r->it[i].n, "Data") &&
                    data_name(r, r->it[i].n, r->it[i].ctx);
    r->sink->open(r->sink, '{');
    if (e->attr)
        attributes(r, e, ctx);
    if (s.has_text) {
        r->sink->key(r->sink, "#text", 5);
        emit_content(r, s.a, s.b, 0);
    }
    seen names[64];
    size_t n_names = 0;
    for (size_t i = s.a; i < s.b && !r->rc; i++) {
        if (r->it[i].kind != IT_ELEM)
            continue;
        const vg__xnode *c = r->it[i].n;
        const vg__evtx_tinst *cctx = r->it[i].ctx;
        if (container && is_name(c, "Data")) {
            if (named || !positional_done)
                data_children(r, s, named, &i);
            positional_done = 1;
            continue;
        }
        uint32_t suffix = 0;
        size_t k = 0;
        for (; k < n_names; k++)
            if (names[k].len == c->len && memcmp(names[k].s, c->str, c->len) == 0)
                break;
        if (k < n_names)
            suffix = names[k].count++;
        else if (n_names < VG_ARRAY_LEN(names))
            names[n_names++] = (seen){c->str, c->len, 1};
        if (suffix) {
            vg__buf *t = &r->c->scratch;
            t->len = 0;
            vg__buf_printf(t, "%.*s_%u", (int)c->len, c->str, suffix);
            r->sink->key(r->sink, t->ptr, t->len);
        } else {
            r->sink->key(r->sink, c->str, c->len);
        }
        element_value(r, c, cctx, is_name(c, "EventData") || is_name(c, "UserData"));
    }
    r->sink->close(r->sink, '{');
}

static void element_value(rstate *r, const vg__xnode *e, const vg__evtx_tinst *ctx, int container)
{
    if (++r->depth > VG_EVTX_MAX_DEPTH) {
        bad(r, VG_ERR_LIMIT, "elements nested deeper than VG_EVTX_MAX_DEPTH");
        r->depth--;
        return;
    }
    span s = collect(r, e->child, ctx);
    int attr_text = 0;
    for (const vg__xnode *a = e->attr; a && !attr_text && !r->rc; a = a->next)
        attr_text = attr_has_text(r, a, ctx);
    if (r->rc) {
        /* nothing more */
    } else if (!s.has_elem && !s.has_text && !attr_text) {
        scalar(r, VG_VAL_NULL, "null", 4, 0);
    } else if (!s.has_elem && !attr_text) {
        emit_content(r, s.a, s.b, 1);
    } else {
        element_body(r, e, ctx, s, container);
    }
    r->n = s.a;
    r->depth--;
}

int vg__evtx_render(vg__evtx_chunk *c, const vg__xnode *root, vg__evtx_sink *sink, const char **why)
{
    return vg__evtx_render_rec(c, root, sink, why, NULL);
}

int vg__evtx_render_rec(vg__evtx_chunk *c, const vg__xnode *root, vg__evtx_sink *sink,
                        const char **why, vg__evtx_rec *rec)
{
    rstate r = {c, sink, c->items, 0, c->items_cap, VG_EVTX_MAX_OUTPUT, 0, NULL, 0, rec};
    span s = collect(&r, root, NULL);
    const item *top = NULL;
    for (size_t i = s.a; i < s.b; i++)
        if (r.it[i].kind == IT_ELEM) {
            top = &r.it[i];
            break;
        }
    if (!r.rc && !top)
        bad(&r, VG_ERR_CORRUPT, "record holds no element");
    if (!r.rc) {
        sink->open(sink, '{');
        sink->key(sink, top->n->str, top->n->len);
        element_value(&r, top->n, top->ctx, 0);
        sink->close(sink, '{');
    }
    c->items = r.it; /* kept for the next record */
    c->items_cap = r.cap;
    if (!r.rc && sink->rc == VG_ERR_NOMEM)
        r.rc = sink->rc; /* other sink errors are the caller's to judge (sink->rc) */
    *why = r.why ? r.why : r.rc ? vg_strerror(r.rc) : NULL;
    return r.rc;
}

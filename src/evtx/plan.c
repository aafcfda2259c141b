/*
 * plan.c - a record's event fields from a cached plan, without walking its tree.
 *
 * Records that use the same templates, with values of the same types and the same empty
 * ones, render to the same fields: same names, same types, same order, and each value made
 * of the same pieces (literal text and the text of some substitution values). Only the
 * values' text differs. So the first record of such a shape is rendered as usual (render.c
 * to the event sink) with a recorder attached, which notes for every field where its text
 * came from; that is the shape's plan. Later records of the shape format their values once
 * each and add the fields straight from the plan.
 *
 * The shape of a record is its key: for its template instance and every template instance
 * nested in its BinXml values, the template's id, the value count, and per value its type
 * and whether it is empty (render.c's decisions depend on nothing else: optional
 * substitutions vanish when empty, an element is null or text or an object by whether its
 * items have text, a single integer or boolean is a number, and nested BinXml is expanded).
 * Template ids are not chunk offsets: a template compiled in a chunk is serialised (names,
 * text, structure, constant values) and the same bytes get the same id, so a plan serves
 * every chunk. The cache is kept with the vg_event it fills (ev->evtx), so the files one
 * event reads in turn share it. Shapes the recorder cannot express (a field name taken
 * from a value, a BinXml value that is not one template instance, more values than
 * VG_EVTX_PLAN_VALUES) and shapes whose rendering hits an event limit are rendered every
 * time.
 *
 * Replaying keeps render.c's checks: a value whose text cannot be formatted, or a record
 * whose text would pass VG_EVTX_MAX_OUTPUT (counted over every text the rendering would have
 * produced, dropped ones included), is rendered the usual way instead, which reports it.
 * The cache is bounded (VG_EVTX_PLAN_TEMPLATES, VG_EVTX_PLANS, VG_EVTX_PLAN_BYTES): when
 * full it is emptied and fills again.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../event/event.h"
#include "evtx.h"

#define NONE     0xffffffffu
#define FALLBACK 1 /* replay: render this record the usual way */

/* A piece of a field's text: a record value's text, or literal bytes. */
typedef struct piece {
    uint32_t slot;     /* index in the record's value list, or NONE */
    uint32_t off, len; /* literal: its bytes */
} piece;

typedef struct pfield {
    uint32_t name, nlen, nhash;
    uint32_t first, n; /* pieces; n == 0: the value is the constant bytes at val */
    uint32_t val, vlen;
    uint8_t type;
} pfield;

/* The text a value of a plan last had, kept when its bytes and text are short: records of a
 * shape repeat most values (computer, channel, provider, user, process), and comparing the
 * bytes costs less than formatting them again. A value that differs from the last record's
 * twice in a row (a time, a record number) is not kept any more. */
#define MEMO_RAW 48
#define MEMO_TXT 72
enum { MEMO_EMPTY, MEMO_HOT, MEMO_COLD }; /* the pool hands out zeros: MEMO_EMPTY */
typedef struct memo {
    uint8_t state, misses, type, size, tlen;
    uint8_t raw[MEMO_RAW];
    char txt[MEMO_TXT];
} memo;

typedef struct plan {
    const uint8_t *key;
    uint32_t klen, khash;
    int negative; /* this shape is rendered every time */
    uint32_t n_fields, n_use;
    const pfield *f;
    const piece *p;
    const uint32_t *use, *mult; /* values the rendering formats, and how many times each */
    memo *memo;                 /* per value of use */
    uint64_t lit;               /* literal bytes the rendering produces */
    uint64_t fixed;             /* bytes of the names and constant values */
    const char *bytes;          /* names, constant values, literal pieces */
    vg__event_frame *frame;     /* the fields' names, hashes and links, laid out once */
} plan;

typedef struct tentry {
    const uint8_t *bytes; /* the template's serialisation; NULL: free slot */
    uint32_t len, hash;
} tentry;

typedef struct ctxmap {
    const vg__evtx_tinst *t;
    uint32_t base; /* index of its first value in the record's value list */
} ctxmap;

typedef struct rseg {
    uint32_t first, n, slots; /* pieces; how many of them are values */
    int field;                /* a field's value already */
} rseg;

struct vg__evtx_rec {
    vg__evtx_plans *pl;
    vg_event *ev;
    size_t known; /* fields of ev seen so far */
    vg__vec pieces, segs, fields;
    vg__buf lit;
    int bad; /* a field name depends on a value */
};

struct vg__evtx_plans {
    vg__evtx_pool mem; /* serialisations, keys, plans; emptied with the cache */
    size_t mem_used;
    uint32_t gen; /* chunk templates carry ids of one generation (unique in the process) */
    tentry tmpl[VG_EVTX_PLAN_TEMPLATES * 2];
    uint32_t n_tmpl;
    plan *plans[VG_EVTX_PLANS * 2];
    uint32_t n_plans;
    uint64_t counts[4]; /* records replayed, recorded, rendered; cache resets */
    /* the current record */
    vg__buf key, canon, txt, cat;
    const vg__evtx_val **vals;
    uint32_t *off, *len;
    uint32_t n_vals;
    ctxmap ctx[64]; /* the template instances of the record (more: no plan) */
    uint32_t n_ctx;
    vg__event_in *in; /* a replayed record's fields, VG_EVENT_MAX_FIELDS of them */
    vg__evtx_rec rec;
};

/* Generations are unique across caches: a chunk template's id stays valid only for the cache
 * and generation that gave it, whichever event the reader is given next. */
static atomic_uint next_gen;

static uint32_t new_gen(void)
{
    return (uint32_t)atomic_fetch_add(&next_gen, 1) + 1;
}

vg__evtx_plans *vg__evtx_plans_new(void)
{
    vg__evtx_plans *pl = calloc(1, sizeof *pl);
    if (!pl)
        return NULL;
    pl->vals = malloc(VG_EVTX_PLAN_VALUES * sizeof *pl->vals);
    pl->off = malloc(VG_EVTX_PLAN_VALUES * sizeof *pl->off);
    pl->len = malloc(VG_EVTX_PLAN_VALUES * sizeof *pl->len);
    pl->in = malloc(VG_EVENT_MAX_FIELDS * sizeof *pl->in);
    if (!pl->vals || !pl->off || !pl->len || !pl->in) {
        vg__evtx_plans_free(pl);
        return NULL;
    }
    pl->gen = new_gen();
    pl->rec.pl = pl;
    return pl;
}

static void rec_free(vg__evtx_rec *rec)
{
    vg__vec_free(&rec->pieces);
    vg__vec_free(&rec->segs);
    vg__vec_free(&rec->fields);
    vg__buf_free(&rec->lit);
}

void vg__evtx_plans_free(vg__evtx_plans *pl)
{
    if (!pl)
        return;
    vg__evtx_pool_free(&pl->mem);
    vg__buf_free(&pl->key);
    vg__buf_free(&pl->canon);
    vg__buf_free(&pl->txt);
    vg__buf_free(&pl->cat);
    free(pl->vals);
    free(pl->off);
    free(pl->len);
    free(pl->in);
    rec_free(&pl->rec);
    free(pl);
}

static void *mem(vg__evtx_plans *pl, size_t n)
{
    pl->mem_used += n;
    return vg__evtx_alloc(&pl->mem, n ? n : 1);
}

/* Empty the cache when it is full. Templates of the current chunk keep ids of the old
 * generation, which no longer count. */
static void maybe_reset(vg__evtx_plans *pl)
{
    if (pl->n_tmpl < VG_EVTX_PLAN_TEMPLATES - 64 && pl->n_plans < VG_EVTX_PLANS &&
        pl->mem_used < VG_EVTX_PLAN_BYTES)
        return;
    vg__evtx_pool_reset(&pl->mem);
    pl->mem_used = 0;
    memset(pl->tmpl, 0, sizeof pl->tmpl);
    memset(pl->plans, 0, sizeof pl->plans);
    pl->n_tmpl = pl->n_plans = 0;
    pl->gen = new_gen();
    pl->counts[3]++;
}

/* ---- template ids ---- */

/* A hash of n bytes, eight at a time (tables in this process only: byte order does not
 * matter). */
static uint32_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 32;
    return (uint32_t)h;
}

/* vg__buf_reserve(b, n), without the call when there is room already. */
static int need(vg__buf *b, size_t n)
{
    return b->cap - b->len <= n && vg__buf_reserve(b, n);
}

static void put32(vg__buf *b, uint32_t v)
{
    if (need(b, 4))
        return;
    uint8_t *u = (uint8_t *)b->ptr + b->len;
    for (int i = 0; i < 4; i++)
        u[i] = (uint8_t)(v >> 8 * i);
    b->len += 4;
}

static uint32_t tmpl_id(vg__evtx_plans *pl, vg__evtx_chunk *c, const vg__evtx_tmpl *t);

static void canon_nodes(vg__evtx_plans *pl, vg__evtx_chunk *c, const vg__xnode *x, int *bad);

static void canon_val(vg__evtx_plans *pl, vg__evtx_chunk *c, const vg__evtx_val *v, int *bad)
{
    vg__buf_addc(&pl->canon, (char)v->type);
    put32(&pl->canon, v->size);
    vg__buf_add(&pl->canon, v->p, v->size);
    canon_nodes(pl, c, v->bx, bad);
}

/* Everything render.c reads of a node list, in an encoding that decodes one way only. */
static void canon_nodes(vg__evtx_plans *pl, vg__evtx_chunk *c, const vg__xnode *x, int *bad)
{
    vg__buf *b = &pl->canon;
    for (; x && !*bad; x = x->next) {
        uint32_t len = x->str ? x->len : 0;
        if (need(b, 10 + (size_t)len) || b->len > VG_EVTX_PLAN_BYTES / 16) {
            *bad = 1;
            break;
        }
        uint8_t *h = (uint8_t *)b->ptr + b->len;
        h[0] = x->kind;
        h[1] = x->optional;
        h[2] = (uint8_t)x->id;
        h[3] = (uint8_t)(x->id >> 8);
        for (int i = 0; i < 4; i++)
            h[4 + i] = (uint8_t)(x->len >> 8 * i);
        if (len)
            memcpy(h + 8, x->str, len);
        b->len += 8 + len;
        if (x->kind == VG__XN_ELEM || x->kind == VG__XN_ATTR) {
            canon_nodes(pl, c, x->attr, bad);
            canon_nodes(pl, c, x->child, bad);
        } else if (x->kind == VG__XN_VALUE) {
            canon_val(pl, c, &x->val, bad);
        } else if (x->kind == VG__XN_TINST) {
            uint32_t id = tmpl_id(pl, c, x->tinst->tmpl);
            *bad |= id == NONE;
            put32(b, id);
            put32(b, x->tinst->n);
            for (uint32_t i = 0; i < x->tinst->n && !*bad; i++)
                canon_val(pl, c, &x->tinst->vals[i], bad);
        }
    }
    if (need(b, 1)) /* end of the list: no node kind */
        *bad = 1;
    else
        b->ptr[b->len++] = (char)0xff;
}

/* The id of the template with these bytes (1-based), registered if new; NONE when full. */
static uint32_t tmpl_register(vg__evtx_plans *pl, const uint8_t *s, uint32_t len)
{
    const uint32_t cap = VG_ARRAY_LEN(pl->tmpl);
    uint32_t h = hash_bytes(s, len), j = h & (cap - 1);
    for (; pl->tmpl[j].bytes; j = (j + 1) & (cap - 1))
        if (pl->tmpl[j].hash == h && pl->tmpl[j].len == len &&
            memcmp(pl->tmpl[j].bytes, s, len) == 0)
            return j + 1;
    if (pl->n_tmpl >= VG_EVTX_PLAN_TEMPLATES)
        return NONE;
    uint8_t *copy = mem(pl, len);
    if (!copy)
        return NONE;
    memcpy(copy, s, len);
    pl->tmpl[j] = (tentry){copy, len, h};
    pl->n_tmpl++;
    return j + 1;
}

/* A chunk template's id in this cache, computed once per chunk (and generation). */
static uint32_t tmpl_id(vg__evtx_plans *pl, vg__evtx_chunk *c, const vg__evtx_tmpl *t)
{
    vg__evtx_tmpl *m = &c->tmpl[t - c->tmpl];
    if (m->gen == pl->gen && m->gid)
        return m->gid;
    size_t start = pl->canon.len;
    int bad = 0;
    canon_nodes(pl, c, t->root, &bad);
    uint32_t id = NONE;
    if (!bad && !pl->canon.oom)
        id = tmpl_register(pl, (const uint8_t *)pl->canon.ptr + start,
                           (uint32_t)(pl->canon.len - start));
    pl->canon.len = start;
    m->gid = id;
    m->gen = pl->gen;
    return id;
}

/* ---- the record's shape ---- */

/* Append the key of template instance t and list its values; 0 or -1 (no plan possible). */
static int key_tinst(vg__evtx_plans *pl, vg__evtx_chunk *c, const vg__evtx_tinst *t)
{
    uint32_t id = tmpl_id(pl, c, t->tmpl);
    if (id == NONE || t->n > VG_EVTX_PLAN_VALUES - pl->n_vals ||
        pl->n_ctx >= VG_ARRAY_LEN(pl->ctx) || need(&pl->key, 8 + 2 * (size_t)t->n))
        return -1;
    uint32_t base = pl->n_vals;
    pl->ctx[pl->n_ctx++] = (ctxmap){t, base};
    pl->n_vals += t->n;
    uint8_t *k = (uint8_t *)pl->key.ptr + pl->key.len;
    for (int i = 0; i < 4; i++) {
        k[i] = (uint8_t)(id >> 8 * i);
        k[4 + i] = (uint8_t)(t->n >> 8 * i);
    }
    k += 8;
    const vg__evtx_val *v = t->vals, *end = v + t->n;
    const vg__evtx_val **out = pl->vals + base;
    uint32_t first = t->n, last = 0; /* the values holding nested instances */
    for (; v < end; v++, k += 2) {
        uint8_t flag;
        if (v->type == VG__EVTX_T_STRING) { /* most values: vg__evtx_val_empty's first case */
            flag = v->size < 2 || (v->p[0] | v->p[1]) == 0;
        } else if (v->type == VG__EVTX_T_BINXML && v->size) {
            if (v->bx && (v->bx->kind != VG__XN_TINST || v->bx->next))
                return -1; /* BinXml holding anything but one template instance */
            flag = v->bx ? 2 : 3;
            if (v->bx) {
                last = (uint32_t)(v - t->vals);
                first = first < last ? first : last;
            }
        } else {
            flag = (uint8_t)vg__evtx_val_empty(v);
        }
        *out++ = v;
        k[0] = v->type;
        k[1] = flag;
    }
    pl->key.len = (size_t)((char *)k - pl->key.ptr);
    for (uint32_t i = first; i <= last && i < t->n; i++) /* nested instances after the own */
        if (t->vals[i].type == VG__EVTX_T_BINXML && t->vals[i].size && t->vals[i].bx &&
            key_tinst(pl, c, t->vals[i].bx->tinst))
            return -1;
    return 0;
}

static int build_key(vg__evtx_plans *pl, vg__evtx_chunk *c, const vg__xnode *root)
{
    pl->key.len = 0;
    pl->n_vals = pl->n_ctx = 0;
    if (!root || root->kind != VG__XN_TINST || root->next)
        return -1;
    if (key_tinst(pl, c, root->tinst) || pl->key.oom)
        return -1;
    return 0;
}

/* The plan slot for the current key: a plan, or an empty slot to put one in. */
static plan **lookup(vg__evtx_plans *pl, uint32_t h)
{
    const uint32_t cap = VG_ARRAY_LEN(pl->plans);
    uint32_t j = h & (cap - 1);
    for (; pl->plans[j]; j = (j + 1) & (cap - 1)) {
        const plan *p = pl->plans[j];
        if (p->khash == h && p->klen == pl->key.len && memcmp(p->key, pl->key.ptr, p->klen) == 0)
            break;
    }
    return &pl->plans[j];
}

/* ---- recording (hooks called by render.c) ---- */

static rseg *cur_seg(vg__evtx_rec *rec)
{
    return rec->segs.len ? (rseg *)rec->segs.ptr + rec->segs.len - 1 : NULL;
}

void vg__evtx_rec_seg(vg__evtx_rec *rec)
{
    rseg *s = vg__vec_push(&rec->segs, sizeof *s);
    if (!s) {
        rec->bad = 1;
        return;
    }
    s->first = (uint32_t)rec->pieces.len;
}

void vg__evtx_rec_piece(vg__evtx_rec *rec, const vg__evtx_tinst *ctx, uint32_t id, const char *text,
                        size_t len)
{
    const vg__evtx_plans *pl = rec->pl;
    rseg *s = cur_seg(rec);
    piece *p = s ? vg__vec_push(&rec->pieces, sizeof *p) : NULL;
    if (!p) {
        rec->bad = 1;
        return;
    }
    p->slot = NONE;
    for (uint32_t k = 0; ctx && k < pl->n_ctx; k++)
        if (pl->ctx[k].t == ctx)
            p->slot = pl->ctx[k].base + id;
    if (p->slot == NONE) { /* constant: text, or a value of a template's own instance */
        p->off = (uint32_t)rec->lit.len;
        p->len = (uint32_t)len;
        vg__buf_add(&rec->lit, text, len);
    }
    s->n++;
    s->slots += p->slot != NONE;
}

void vg__evtx_rec_key(vg__evtx_rec *rec)
{
    const rseg *s = cur_seg(rec);
    if (!s || s->slots)
        rec->bad = 1; /* a name made of value text: not a plan */
}

void vg__evtx_rec_scalar(vg__evtx_rec *rec, int from_text)
{
    const vg_event *ev = rec->ev;
    if (ev->n == rec->known)
        return; /* the sink dropped it */
    const vg__field *f = &ev->fields[ev->n - 1];
    rseg *s = cur_seg(rec);
    pfield *pf = vg__vec_push(&rec->fields, sizeof *pf);
    rec->known = ev->n;
    if (!pf) {
        rec->bad = 1;
        return;
    }
    pf->name = (uint32_t)rec->lit.len;
    pf->nlen = f->nlen;
    pf->nhash = f->nhash;
    pf->type = f->type;
    vg__buf_add(&rec->lit, ev->bytes + f->name, f->nlen);
    if (from_text && s && s->slots) {
        rec->bad |= s->field; /* one text, two fields: replay sizes each text once */
        s->field = 1;
        pf->first = s->first;
        pf->n = s->n;
    } else {
        pf->val = (uint32_t)rec->lit.len;
        pf->vlen = f->vlen;
        vg__buf_add(&rec->lit, ev->bytes + f->value, f->vlen);
    }
}

static vg__evtx_rec *rec_start(vg__evtx_plans *pl, vg_event *ev)
{
    vg__evtx_rec *rec = &pl->rec;
    rec->ev = ev;
    rec->known = 0;
    rec->pieces.len = rec->segs.len = rec->fields.len = 0;
    rec->lit.len = 0;
    rec->bad = 0;
    return rec;
}

/* Copy the recording into a plan, or a negative plan when the shape cannot have one. */
static plan *plan_make(vg__evtx_plans *pl, const vg__evtx_rec *rec, int negative)
{
    plan *p = mem(pl, sizeof *p);
    uint8_t *key = mem(pl, pl->key.len);
    if (!p || !key)
        return NULL;
    memcpy(key, pl->key.ptr, pl->key.len);
    p->key = key;
    p->klen = (uint32_t)pl->key.len;
    p->khash = hash_bytes(pl->key.ptr, pl->key.len);
    p->negative = negative;
    if (negative)
        return p;
    const piece *pc = rec->pieces.ptr;
    uint32_t *count = pl->off; /* scratch: uses of each value */
    memset(count, 0, pl->n_vals * sizeof *count);
    for (size_t i = 0; i < rec->pieces.len; i++) {
        if (pc[i].slot == NONE)
            p->lit += pc[i].len;
        else
            p->n_use += count[pc[i].slot]++ == 0;
    }
    pfield *f = mem(pl, rec->fields.len * sizeof *f);
    piece *dst = mem(pl, rec->pieces.len * sizeof *dst);
    uint32_t *use = mem(pl, 2 * (size_t)p->n_use * sizeof *use);
    char *bytes = mem(pl, rec->lit.len);
    memo *mo = mem(pl, p->n_use * sizeof *mo);
    vg__event_frame *fr = mem(pl, sizeof *fr);
    if (!f || !dst || !use || !bytes || !mo || !fr)
        return NULL;
    fr->n = (uint32_t)rec->fields.len;
    for (size_t i = 0; i < rec->fields.len; i++)
        fr->nbytes += ((const pfield *)rec->fields.ptr)[i].nlen + 1;
    fr->fields = mem(pl, fr->n * sizeof *fr->fields);
    fr->names = mem(pl, fr->nbytes);
    if (!fr->fields || !fr->names)
        return NULL;
    if (rec->fields.len)
        memcpy(f, rec->fields.ptr, rec->fields.len * sizeof *f);
    if (rec->pieces.len)
        memcpy(dst, pc, rec->pieces.len * sizeof *dst);
    if (rec->lit.len)
        memcpy(bytes, rec->lit.ptr, rec->lit.len);
    uint32_t *mult = use + p->n_use, k = 0;
    for (uint32_t s = 0; s < pl->n_vals; s++)
        if (count[s]) {
            use[k] = s;
            mult[k++] = count[s];
        }
    for (size_t i = 0; i < rec->fields.len; i++)
        p->fixed += f[i].nlen + (f[i].n ? 0 : f[i].vlen);
    p->n_fields = (uint32_t)rec->fields.len;
    p->f = f;
    p->p = dst;
    p->use = use;
    p->mult = mult;
    p->memo = mo;
    p->bytes = bytes;
    p->frame = fr;
    return p;
}

/* ---- replaying ---- */

/* The text of field f of plan p (values already formatted into pl->txt). A text made of
 * several pieces is appended to pl->cat and its pointer is NULL: pl->cat may still move. */
static vg__str field_text(vg__evtx_plans *pl, const plan *p, const pfield *f)
{
    if (f->n == 0)
        return (vg__str){p->bytes + f->val, f->vlen};
    const piece *pc = p->p + f->first;
    if (f->n == 1 && pc->slot != NONE)
        return (vg__str){pl->txt.ptr + pl->off[pc->slot], pl->len[pc->slot]};
    size_t start = pl->cat.len;
    for (uint32_t i = 0; i < f->n; i++, pc++) {
        if (pc->slot == NONE)
            vg__buf_add(&pl->cat, p->bytes + pc->off, pc->len);
        else
            vg__buf_add(&pl->cat, pl->txt.ptr + pl->off[pc->slot], pl->len[pc->slot]);
    }
    return (vg__str){NULL, pl->cat.len - start};
}

/* a[0, n) == b[0, n), n <= MEMO_RAW, eight bytes at a time */
static int same_bytes(const uint8_t *a, const uint8_t *b, uint32_t n)
{
    uint64_t x, y;
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return 0;
    }
    for (; n; n--)
        if (*a++ != *b++)
            return 0;
    return 1;
}

/* After formatting v to text[0, n) for memo m: keep both if they fit and the value is not
 * one that keeps changing. */
static void keep(memo *m, const vg__evtx_val *v, const char *text, size_t n)
{
    if (m->state == MEMO_COLD)
        return;
    if (m->state == MEMO_HOT && ++m->misses >= 2) {
        m->state = MEMO_COLD;
        return;
    }
    if (v->size > MEMO_RAW || n > MEMO_TXT) {
        m->state = MEMO_COLD;
        return;
    }
    m->state = MEMO_HOT;
    m->type = v->type;
    m->size = (uint8_t)v->size;
    m->tlen = (uint8_t)n;
    if (v->size)
        memcpy(m->raw, v->p, v->size);
    memcpy(m->txt, text, n);
}

/* 0, VG_ERR_NOMEM, or FALLBACK when the record must be rendered to report its problem. */
static int replay(vg__evtx_plans *pl, const plan *p, vg_event *ev)
{
    vg__buf *t = &pl->txt;
    uint64_t total = p->lit;
    t->len = 0;
    for (uint32_t i = 0; i < p->n_use; i++) {
        uint32_t s = p->use[i];
        const vg__evtx_val *v = pl->vals[s];
        memo *m = &p->memo[i];
        pl->off[s] = (uint32_t)t->len;
        if (m->state == MEMO_HOT && m->type == v->type && m->size == v->size &&
            same_bytes(m->raw, v->p, v->size)) {
            m->misses = 0;
            if (t->cap - t->len <= MEMO_TXT + 1 && vg__buf_reserve(t, MEMO_TXT + 1))
                return VG_ERR_NOMEM;
            memcpy(t->ptr + t->len, m->txt, MEMO_TXT); /* whole: a fixed-size copy */
            t->len += m->tlen;
        } else {
            const char *why = NULL;
            if (vg__evtx_val_text(v, t, &why))
                return FALLBACK;
            keep(m, v, t->ptr + pl->off[s], t->len - pl->off[s]);
        }
        pl->len[s] = (uint32_t)(t->len - pl->off[s]);
        total += (uint64_t)p->mult[i] * pl->len[s];
    }
    if (t->oom)
        return VG_ERR_NOMEM;
    if (total > VG_EVTX_MAX_OUTPUT)
        return FALLBACK;
    /* the fields' arguments first, then one call adds them all; names, hashes and types
     * only for the plan's first record: the frame keeps them */
    vg__event_in *in = pl->in;
    if (!p->frame->ready)
        for (uint32_t i = 0; i < p->n_fields; i++) {
            const pfield *f = &p->f[i];
            in[i].name = p->bytes + f->name;
            in[i].nlen = f->nlen;
            in[i].nhash = f->nhash;
            in[i].type = f->type;
        }
    uint32_t cats = 0;
    pl->cat.len = 0;
    for (uint32_t i = 0; i < p->n_fields; i++) {
        vg__str v = field_text(pl, p, &p->f[i]);
        in[i].value = v.ptr;
        in[i].vlen = (uint32_t)v.len;
        cats += !v.ptr;
    }
    if (pl->cat.oom)
        return VG_ERR_NOMEM;
    for (uint32_t i = 0, o = 0; cats && i < p->n_fields; i++)
        if (!in[i].value) {
            in[i].value = pl->cat.ptr ? pl->cat.ptr + o : "";
            o += in[i].vlen;
        }
    /* the values are made of the rendered texts: total bounds them */
    int rc = vg__event_put_all(ev, p->frame, in, p->fixed + total);
    if (rc)
        return rc == VG_ERR_LIMIT ? FALLBACK : rc;
    return 0;
}

static void plans_free(void *pl)
{
    vg__evtx_plans_free(pl);
}

/* The event's plan cache, made on first use; NULL when out of memory. */
static vg__evtx_plans *plans_of(vg_event *ev)
{
    if (!ev->evtx_free) {
        ev->evtx = vg__evtx_plans_new();
        ev->evtx_free = plans_free;
    }
    return ev->evtx;
}

int vg__evtx_fill(int use_plans, vg__evtx_chunk *c, const vg__xnode *root, vg__evtx_esink *es,
                  vg_event *ev, int *sink_rc, const char **why)
{
    vg__evtx_plans *pl = use_plans ? plans_of(ev) : NULL;
    plan **slot = NULL;
    *sink_rc = 0;
    if (pl) {
        maybe_reset(pl);
        if (build_key(pl, c, root) == 0)
            slot = lookup(pl, hash_bytes(pl->key.ptr, pl->key.len));
    }
    if (slot && *slot && !(*slot)->negative) {
        int rc = replay(pl, *slot, ev);
        if (rc != FALLBACK) {
            pl->counts[0]++;
            *why = rc ? vg_strerror(rc) : NULL;
            return rc;
        }
    }
    vg__evtx_rec *rec = slot && !*slot ? rec_start(pl, ev) : NULL;
    if (pl)
        pl->counts[rec ? 1 : 2]++;
    vg__evtx_sink *sink = vg__evtx_esink_start(es, ev);
    int rc = vg__evtx_render_rec(c, root, sink, why, rec);
    *sink_rc = sink->rc;
    if (rec && !rc && (!sink->rc || sink->rc == VG_ERR_LIMIT)) {
        /* a limit the sink hit is the shape's: render such records every time */
        plan *p = plan_make(pl, rec, rec->bad || sink->rc);
        if (p) {
            *slot = p;
            pl->n_plans++;
        }
    }
    return rc;
}

void vg__evtx_plan_counts(const vg_event *ev, uint64_t counts[4])
{
    const vg__evtx_plans *pl = ev->evtx_free == plans_free ? ev->evtx : NULL;
    for (int i = 0; i < 4; i++)
        counts[i] = pl ? pl->counts[i] : 0;
}

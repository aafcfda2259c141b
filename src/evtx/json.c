/*
 * json.c - the two sinks a rendered record goes to: JSON text, and vg_event fields.
 *
 * The JSON sink writes the evtx crate's compact form ({"Event":{"#attributes":{...},
 * "System":{...},"EventData":{...}}}), escaping strings as vg__buf_json_str does.
 *
 * The event sink produces, without writing or parsing any JSON, exactly the fields that
 * vg_event_from_json(..., VG_JSON_EVTX) produces from that text (src/event/event.c): the
 * Event's own attributes are dropped; every other key names its value by itself (spaces
 * removed: Sigma's "Threat Name" is ThreatName); "#text" keeps the element's name;
 * "#attributes" members become ELEMENT_ATTR (Provider_Name, TimeCreated_SystemTime,
 * Execution_ProcessID, Security_UserID); arrays repeat their name once per item. It mirrors
 * event.c step for step, including its 512-byte name buffer (names that do not fit are
 * dropped; the fit test counts the key's escaped length, as event.c sees it in the JSON) and
 * its nesting limit (VG_EVENT_MAX_DEPTH: deeper values are dropped and the result is
 * VG_ERR_LIMIT). tests/evtx checks the equivalence on every shared record.
 */
#include <stdlib.h>
#include <string.h>

#include "evtx.h"

/* ---- JSON text ---- */

#define JMAX(s) ((uint32_t)sizeof(s)->comma)

static void j_sep(vg__evtx_jsink *s)
{
    if (s->depth < JMAX(s) && s->comma[s->depth] == 1)
        vg__buf_addc(s->out, ',');
    if (s->depth < JMAX(s))
        s->comma[s->depth] = 1;
}

static void j_key(vg__evtx_sink *base, const char *k, size_t n)
{
    vg__evtx_jsink *s = (vg__evtx_jsink *)base;
    j_sep(s);
    vg__buf_json_str(s->out, k, n);
    vg__buf_addc(s->out, ':');
    if (s->depth < JMAX(s))
        s->comma[s->depth] = 2; /* the value that follows takes no comma */
}

static void j_value_sep(vg__evtx_jsink *s)
{
    if (s->depth < JMAX(s) && s->comma[s->depth] == 2)
        s->comma[s->depth] = 1;
    else
        j_sep(s);
}

static void j_open(vg__evtx_sink *base, char kind)
{
    vg__evtx_jsink *s = (vg__evtx_jsink *)base;
    if (s->depth)
        j_value_sep(s);
    vg__buf_addc(s->out, kind);
    s->depth++;
    if (s->depth < JMAX(s))
        s->comma[s->depth] = 0;
    else
        base->rc = VG_ERR_LIMIT;
}

static void j_close(vg__evtx_sink *base, char kind)
{
    vg__evtx_jsink *s = (vg__evtx_jsink *)base;
    vg__buf_addc(s->out, kind == '{' ? '}' : ']');
    if (s->depth)
        s->depth--;
}

static void j_scalar(vg__evtx_sink *base, vg_value_type t, const char *v, size_t n)
{
    vg__evtx_jsink *s = (vg__evtx_jsink *)base;
    j_value_sep(s);
    if (t == VG_VAL_STRING)
        vg__buf_json_str(s->out, v, n);
    else
        vg__buf_add(s->out, v, n);
    if (s->out->oom)
        base->rc = VG_ERR_NOMEM;
}

void vg__evtx_jsink_init(vg__evtx_jsink *s, vg__buf *out)
{
    memset(s, 0, sizeof *s);
    s->base = (vg__evtx_sink){j_key, j_open, j_close, j_scalar, 0};
    s->out = out;
}

/* ---- vg_event fields ---- */

enum { F_ROOT, F_EVENT, F_OBJ, F_ATTRS, F_ARR, F_SKIP }; /* frames */
enum { T_SKIP, T_EVENT, T_FLAT, T_ATTRS };               /* what the next value is */

typedef struct frame {
    uint8_t type;
    uint32_t nlen;
    int depth;
} frame;

struct vg__evtx_esink {
    vg__evtx_sink base;
    vg_event *ev;
    frame st[VG_EVTX_MAX_DEPTH * 4 + 16];
    int top; /* frames in st */
    uint8_t tmode;
    uint32_t tnlen;
    int tdepth;
    int dotted;     /* no Event object: event.c flattens the document as flat JSON */
    char name[512]; /* as event.c's */
};

vg__evtx_esink *vg__evtx_esink_new(void)
{
    return calloc(1, sizeof(vg__evtx_esink));
}

void vg__evtx_esink_free(vg__evtx_esink *s)
{
    free(s);
}

static size_t escaped_len(const char *k, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        len += c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' ? 2 : c < 0x20 ? 6 : 1;
    }
    return len;
}

/* event.c's name_put: append sep and the key without spaces at position at. */
static size_t name_put(vg__evtx_esink *s, size_t at, const char *sep, const char *k, size_t n)
{
    size_t sl = strlen(sep);
    if (at + sl + escaped_len(k, n) + 1 > sizeof s->name)
        return 0;
    memcpy(s->name + at, sep, sl);
    char *o = s->name + at + sl;
    for (size_t i = 0; i < n; i++)
        if (k[i] != ' ')
            *o++ = k[i];
    return (size_t)(o - s->name);
}

static void set_target(vg__evtx_esink *s, uint8_t mode, size_t nlen, int depth)
{
    s->tmode = mode;
    s->tnlen = (uint32_t)nlen;
    s->tdepth = depth;
}

static int is(const char *k, size_t n, const char *lit)
{
    return n == strlen(lit) && memcmp(k, lit, n) == 0;
}

static void e_key(vg__evtx_sink *base, const char *k, size_t n)
{
    vg__evtx_esink *s = (vg__evtx_esink *)base;
    const frame *f = s->top ? &s->st[s->top - 1] : NULL;
    if (!f || f->type == F_SKIP || f->type == F_ARR) {
        set_target(s, T_SKIP, 0, 0);
    } else if (f->type == F_ROOT) {
        if (is(k, n, "Event")) {
            set_target(s, T_EVENT, 0, 0);
        } else { /* a record whose root is not <Event>: flat, dotted names */
            size_t m = name_put(s, 0, "", k, n);
            s->dotted = 1;
            set_target(s, m ? T_FLAT : T_SKIP, m, 1);
        }
    } else if (f->type == F_EVENT) {
        set_target(s, is(k, n, "#attributes") ? T_SKIP : T_FLAT, 0, 1);
    } else if (f->type == F_ATTRS) {
        size_t m =
            f->nlen ? name_put(s, f->nlen, s->dotted ? "." : "_", k, n) : name_put(s, 0, "", k, n);
        set_target(s, m ? T_FLAT : T_SKIP, m, f->depth + 1);
    } else if (is(k, n, "#text")) {
        set_target(s, T_FLAT, f->nlen, f->depth + 1);
    } else if (is(k, n, "#attributes")) {
        set_target(s, T_ATTRS, f->nlen, f->depth); /* members: depth + 1 */
    } else {
        size_t m =
            s->dotted && f->nlen ? name_put(s, f->nlen, ".", k, n) : name_put(s, 0, "", k, n);
        set_target(s, m ? T_FLAT : T_SKIP, m, f->depth + 1);
    }
}

/* Where the value that starts now goes: T_* with tnlen/tdepth set. */
static uint8_t e_target(vg__evtx_esink *s)
{
    const frame *f = s->top ? &s->st[s->top - 1] : NULL;
    if (f && f->type == F_ARR)
        set_target(s, T_FLAT, f->nlen, f->depth + 1);
    else if (f && f->type == F_SKIP)
        set_target(s, T_SKIP, 0, 0);
    uint8_t mode = s->tmode;
    if (mode == T_FLAT && s->tdepth > VG_EVENT_MAX_DEPTH) {
        if (!s->base.rc)
            s->base.rc = VG_ERR_LIMIT;
        mode = T_SKIP;
    }
    s->tmode = T_SKIP;
    return mode;
}

static void e_push(vg__evtx_esink *s, uint8_t type, uint32_t nlen, int depth)
{
    if (s->top >= (int)VG_ARRAY_LEN(s->st)) {
        s->base.rc = VG_ERR_LIMIT;
        type = F_SKIP;
        s->top--;
    }
    s->st[s->top++] = (frame){type, nlen, depth};
}

static void e_open(vg__evtx_sink *base, char kind)
{
    vg__evtx_esink *s = (vg__evtx_esink *)base;
    if (!s->top) {
        e_push(s, F_ROOT, 0, 0);
        return;
    }
    uint32_t nlen = s->tnlen;
    int depth = s->tdepth;
    uint8_t mode = e_target(s);
    if (mode == T_EVENT && kind == '{')
        e_push(s, F_EVENT, 0, 0);
    else if (mode == T_ATTRS && kind == '{')
        e_push(s, F_ATTRS, nlen, depth);
    else if (mode == T_FLAT)
        e_push(s, kind == '{' ? F_OBJ : F_ARR, s->tnlen, s->tdepth);
    else
        e_push(s, F_SKIP, 0, 0);
}

static void e_close(vg__evtx_sink *base, char kind)
{
    vg__evtx_esink *s = (vg__evtx_esink *)base;
    (void)kind;
    if (s->top)
        s->top--;
}

static void e_scalar(vg__evtx_sink *base, vg_value_type t, const char *v, size_t n)
{
    vg__evtx_esink *s = (vg__evtx_esink *)base;
    uint8_t mode = s->tmode;
    size_t nlen = s->tnlen;
    if (mode == T_EVENT) {
        /* Event is not an object: event.c flattens the whole document, dotted */
        s->tmode = T_SKIP;
        s->dotted = 1;
        nlen = name_put(s, 0, "", "Event", 5);
        mode = T_FLAT;
    } else {
        mode = e_target(s);
        nlen = s->tnlen;
    }
    if (mode != T_FLAT || !nlen)
        return;
    int rc = vg_event_add(s->ev, s->name, nlen, v, n, t);
    if (rc && !s->base.rc)
        s->base.rc = rc;
}

vg__evtx_sink *vg__evtx_esink_start(vg__evtx_esink *s, vg_event *ev)
{
    vg_event_clear(ev);
    s->base = (vg__evtx_sink){e_key, e_open, e_close, e_scalar, 0};
    s->ev = ev;
    s->top = 0;
    s->tmode = T_SKIP;
    s->dotted = 0;
    return &s->base;
}

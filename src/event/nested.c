/*
 * nested.c - reading a nested JSON event in one pass, without the JSON tape.
 *
 * The general way to read a JSON event (event.c) parses the whole document onto the tape and
 * then flattens the tape: flatten_evtx for the evtx crate's form ({"Event": {"System": ...,
 * "EventData": ...}}), flatten for everything else (dotted names). Most nested lines are the
 * evtx crate's, and for them the tape is pure overhead, so this file walks the document once
 * with the pull reader of json.c (vg__json_open/next/skip) and adds each leaf as it is read.
 *
 * It must give exactly what the tape way gives - names, values, types, order and form - so
 * each function here mirrors one of event.c's flatteners step for step: member/attributes/
 * value are flatten's loop, its #attributes branch and flatten itself, and names are built in
 * one buffer of the same size by the same writes as name_put (an evtx section writes each
 * child's name over its element's, so both keep the element's name for a later #text or
 * #attributes). Form detection is
 * detect_form's, decided from what has been read: a document that opens with an "Event"
 * object whose first member but #attributes is System is the evtx form; any other document is
 * walked the dotted way while the keys detect_form looks at are noted. Anything it would have
 * to look ahead for, or that is unusual - an escaped key, an "Event" object not first (auto),
 * the evtx form without a leading Event (evtx), an escaped value longer than the scratch, the
 * depth or field limits, any invalid JSON - returns 1 at once and the caller reads the
 * document through the tape, which gives the answer or the exact error.
 */
#include <string.h>

#include "../base/json.h"
#include "event.h"

typedef struct walk {
    vg_event *ev;
    vg__jreader r;
    const char *src;
    char name[VG_EVENT_MAX_NAME]; /* as flatten's: the same writes leave the same bytes */
    char val[8192];               /* an escaped value, unescaped; a longer one goes to the tape */
} walk;

/* The value token v (a scalar) as a field named name[0..nlen); 0, or 1 to give up. */
static int add(walk *w, size_t nlen, const vg__jtok *v)
{
    const char *s = w->src + v->off;
    size_t n = v->len;
    if (v->esc) {
        if (n + 1 > sizeof w->val)
            return 1;
        n = vg__json_unescape_raw(s, n, w->val);
        s = w->val;
    }
    vg_event *ev = w->ev; /* room() checks, inline: most fields fit */
    if ((ev->n >= ev->fcap || ev->n >= VG_EVENT_MAX_FIELDS || ev->used + nlen + n + 2 > ev->cap ||
         ev->lused + n + 1 > ev->lcap) &&
        vg__event_room(ev, 1, nlen + n)) /* past VG_EVENT_MAX_FIELDS: the tape says so */
        return 1;
    vg__event_put(ev, w->name, nlen, vg__event_name_hash(ev, w->name, nlen), s, n,
                  vg__event_jtype(v->type));
    return 0;
}

/* Non-zero if a byte of the word x is a space. */
static uint64_t space8(uint64_t x)
{
    x ^= 0x2020202020202020ull;
    return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

/* Copy n bytes from s to d; non-zero if one is a space. Words that overlap at the end keep
 * every write inside d[0..n). */
static int copy_key(char *d, const char *s, size_t n)
{
    uint64_t x, sp = 0;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, s + i, 8);
            memcpy(d + i, &x, 8);
            sp |= space8(x);
        }
        memcpy(&x, s + n - 8, 8);
        memcpy(d + n - 8, &x, 8);
        return (sp | space8(x)) != 0;
    }
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
        return space8(a | (uint64_t)b << 32) != 0;
    }
    for (size_t i = 0; i < n; i++)
        sp |= (d[i] = s[i]) == ' ';
    return sp != 0;
}

/* name_put of event.c for an unescaped key: sep (0: none) and the key at position at, its
 * spaces dropped; the new length, or 0 when it does not fit (the member is dropped). */
static size_t name_put(walk *w, size_t at, char sep, const vg__jtok *k)
{
    size_t sl = sep != 0, n = k->len;
    if (at + sl + n + 1 > sizeof w->name)
        return 0;
    char *p = w->name + at;
    if (sep)
        *p++ = sep;
    int sp = copy_key(p, w->src + k->off, n);
    p[n] = 0;
    if (!sp)
        return at + sl + n;
    char *o = p; /* Sigma names fields without spaces */
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ')
            *o++ = p[i];
    return (size_t)(o - w->name);
}

static int is(const walk *w, const vg__jtok *k, vg__str s)
{
    return k->len == s.len && memcmp(w->src + k->off, s.ptr, s.len) == 0;
}

/* Read past value v when it is a container (its contents are not wanted). */
static int skip(walk *w, const vg__jtok *v)
{
    return (v->type == VG_J_OBJ || v->type == VG_J_ARR) && vg__json_skip(&w->r) ? 1 : 0;
}

static int value(walk *w, size_t nlen, const vg__jtok *v, int dotted, int depth);

/* flatten's #attributes branch: the members of v (if an object) as ELEMENT_ATTR (evtx) or
 * ELEMENT.ATTR (dotted), or their own names at the top. */
static int attributes(walk *w, size_t nlen, const vg__jtok *v, int dotted, int depth)
{
    if (v->type != VG_J_OBJ)
        return skip(w, v);
    for (;;) {
        vg__jtok k, a;
        int rc = vg__json_next(&w->r, &k, &a);
        if (rc <= 0)
            return rc < 0;
        if (k.esc)
            return 1;
        size_t m = nlen ? name_put(w, nlen, dotted ? '.' : '_', &k) : name_put(w, 0, 0, &k);
        if ((rc = m ? value(w, m, &a, dotted, depth + 1) : skip(w, &a)))
            return rc;
    }
}

/* One member of an object at depth that is named name[0..nlen): flatten's loop body. own:
 * the element's name, written back before its #text and #attributes (evtx sections write each
 * child's name over it), or NULL. */
static int member(walk *w, size_t nlen, const vg__jtok *k, const vg__jtok *v, int dotted, int depth,
                  const char *own)
{
    if (k->esc) /* flatten compares raw keys and unescapes names: the tape does both */
        return 1;
    size_t n;
    int hash = k->len && w->src[k->off] == '#';
    int text = hash && is(w, k, VG_STR("#text")),
        attrs = hash && !text && is(w, k, VG_STR("#attributes"));
    if ((text || attrs) && own)
        memcpy(w->name, own, nlen);
    if (text)
        n = nlen; /* element text: the element's own name */
    else if (attrs)
        return attributes(w, nlen, v, dotted, depth);
    else
        n = dotted && nlen ? name_put(w, nlen, '.', k) : name_put(w, 0, 0, k);
    return n ? value(w, n, v, dotted, depth + 1) : skip(w, v);
}

/* flatten: value v (a scalar, or a container just entered) under name[0..nlen). */
static int value(walk *w, size_t nlen, const vg__jtok *v, int dotted, int depth)
{
    if (depth > VG_EVENT_MAX_DEPTH) /* the tape reports the limit */
        return 1;
    if (v->type != VG_J_OBJ && v->type != VG_J_ARR)
        return nlen ? add(w, nlen, v) : 0;
    char own[sizeof w->name]; /* as flatten keeps it */
    int keep = v->type == VG_J_OBJ && !dotted && nlen;
    if (keep)
        memcpy(own, w->name, nlen);
    for (;;) {
        vg__jtok k, e;
        int rc = vg__json_next(&w->r, &k, &e);
        if (rc <= 0)
            return rc < 0;
        rc = v->type == VG_J_ARR ? value(w, nlen, &e, dotted, depth + 1)
                                 : member(w, nlen, &k, &e, dotted, depth, keep ? own : NULL);
        if (rc)
            return rc;
    }
}

/* flatten_evtx over the Event object just entered: every member but #attributes by its own
 * names. need_system (auto): the form is evtx only if Event has a System member, so the first
 * member but #attributes must be System, else the tape decides. */
static int evtx(walk *w, int need_system)
{
    for (;;) {
        vg__jtok k, v;
        int rc = vg__json_next(&w->r, &k, &v);
        if (rc <= 0)
            return rc < 0 || need_system;
        if (k.esc)
            return 1;
        if (is(w, &k, VG_STR("#attributes"))) {
            if (skip(w, &v))
                return 1;
            continue;
        }
        if (need_system && !is(w, &k, VG_STR("System")))
            return 1;
        need_system = 0;
        if ((rc = value(w, 0, &v, 0, 1)))
            return rc;
    }
}

/* The rest of the top-level object, read and checked only (evtx takes the first Event). */
static int rest(walk *w)
{
    for (;;) {
        vg__jtok k, v;
        int rc = vg__json_next(&w->r, &k, &v);
        if (rc <= 0)
            return rc < 0;
        if (skip(w, &v))
            return 1;
    }
}

/* The top-level object: the evtx form when it opens with an "Event" object, else flatten's
 * dotted walk, noting the top-level keys detect_form decides by (each by its first member). */
static int root(walk *w, vg_json_form *form)
{
    int winlog = 0, module = 0, host = 0, source = 0, event = 0;
    for (int first = 1;; first = 0) {
        vg__jtok k, v;
        int rc = vg__json_next(&w->r, &k, &v);
        if (rc < 0)
            return 1;
        if (rc == 0)
            break;
        if (k.esc)
            return 1;
        int is_event = is(w, &k, VG_STR("Event"));
        if (first && is_event && v.type == VG_J_OBJ &&
            (*form == VG_JSON_AUTO || *form == VG_JSON_EVTX)) {
            if (evtx(w, *form == VG_JSON_AUTO))
                return 1;
            *form = VG_JSON_EVTX;
            return rest(w);
        }
        if (*form == VG_JSON_EVTX) /* Event later or nowhere: the tape finds it */
            return 1;
        if (*form == VG_JSON_AUTO) {
            if (is_event && !event && v.type == VG_J_OBJ) /* it may hold System */
                return 1;
            event |= is_event;
            if (!winlog && is(w, &k, VG_STR("winlog")))
                winlog = v.type == VG_J_OBJ ? 1 : -1;
            module |= is(w, &k, VG_STR("SourceModuleType"));
            host |= is(w, &k, VG_STR("Hostname"));
            source |= is(w, &k, VG_STR("SourceName"));
        }
        if ((rc = member(w, 0, &k, &v, 1, 0, NULL)))
            return rc;
    }
    if (*form == VG_JSON_AUTO)
        *form = winlog > 0                   ? VG_JSON_ECS
                : module || (host && source) ? VG_JSON_NXLOG
                                             : VG_JSON_FLAT;
    return 0;
}

int vg__event_from_nested_json(vg_event *ev, const char *text, size_t len, vg_json_form form)
{
    walk w;
    vg_event_clear(ev);
    w.ev = ev;
    w.src = text;
    if (vg__json_open(&w.r, &ev->json, text, len) || root(&w, &form) || vg__json_end(&w.r))
        return 1;
    ev->form = form;
    return 0;
}

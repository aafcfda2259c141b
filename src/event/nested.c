/*
 * nested.c - reading a nested JSON event in one pass, without the JSON tape.
 *
 * The general way to read a JSON event (event.c) parses the whole document onto the tape and
 * then flattens the tape: flatten_evtx for the evtx crate's form ({"Event": {"System": ...,
 * "EventData": ...}}), flatten for everything else (dotted names). Most nested lines are the
 * evtx crate's, and for them the tape is pure overhead, so this file walks the document once
 * with the pull reader of json.c (vg__json_open/next/members/skip) and adds each leaf as it is
 * read.
 *
 * It must give exactly what the tape way gives - names, values, types, order and form - so
 * each function here mirrors one of event.c's flatteners step for step: member/attributes/
 * value are flatten's loop, its #attributes branch and flatten itself with dotted names, and
 * emember/eattributes/evalue the same for evtx sections (see there for how they keep names
 * out of the name buffer and read an object's members in runs). Names are built in one buffer
 * of the same size by the same writes as name_put wherever flatten reads its buffer back.
 * Fields are kept PENDING at a time and added in one call (flush). Form detection is
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

#define RUN     64  /* members read in one run (vg__json_members) */
#define PENDING 128 /* fields read and not yet added to the event */

typedef struct walk {
    vg_event *ev;
    vg__jreader r;
    const char *src;
    char name[VG_EVENT_MAX_NAME]; /* as flatten's: the same writes leave the same bytes */
    vg__jmember run[RUN]; /* an evtx object's members, used up before the next run is read */
    /* fields are added PENDING at a time (flush): their names and values are in the text,
     * or in names and val, which fill up until then */
    vg__event_in in[PENDING];
    size_t pend, bytes, nused, vused;
    char names[4096];
    char val[8192]; /* escaped values, unescaped; a longer one goes to the tape */
} walk;

/* Add the pending fields to the event; 0, or 1 to give up. */
static int flush(walk *w)
{
    if (vg__event_room(w->ev, w->pend, w->bytes))
        return 1;
    vg__event_put_many(w->ev, w->in, w->pend);
    w->pend = w->bytes = w->nused = w->vused = 0;
    return 0;
}

/* The position of the next field read (for the name memo). */
static size_t next_at(const walk *w)
{
    return w->ev->n + w->pend;
}

/* leaf's less usual cases: the pending fields full, an escaped value, a name in the name
 * buffer (copied to names), or the field limit. */
static int leaf_slow(walk *w, const char *name, size_t nlen, uint32_t hash, const vg__jtok *v)
{
    const char *s = w->src + v->off;
    size_t n = v->len;
    if (next_at(w) >= VG_EVENT_MAX_FIELDS) /* the tape says so */
        return 1;
    if (w->pend == PENDING && flush(w))
        return 1;
    if (v->esc) {
        if (n + 1 > sizeof w->val)
            return 1;
        if (w->vused + n > sizeof w->val && flush(w))
            return 1;
        char *o = w->val + w->vused;
        n = vg__json_unescape_raw(s, n, o);
        s = o;
        w->vused += n;
    }
    if (name == w->name) {
        if (w->nused + nlen > sizeof w->names && flush(w))
            return 1;
        char *o = w->names + w->nused;
        memcpy(o, name, nlen);
        name = o;
        w->nused += nlen;
    }
    w->in[w->pend++] =
        (vg__event_in){name, s, (uint32_t)nlen, hash, (uint32_t)n, vg__event_jtype(v->type)};
    w->bytes += nlen + n;
    return 0;
}

/* The value token v (a scalar) as a field named name[0..nlen), whose vg__hash_lower is hash
 * (vg__event_name_hash_at at next_at); 0, or 1 to give up. The name may be in the name
 * buffer. */
static inline int leaf(walk *w, const char *name, size_t nlen, uint32_t hash, const vg__jtok *v)
{
    if (v->esc || name == w->name || w->pend == PENDING || next_at(w) >= VG_EVENT_MAX_FIELDS)
        return leaf_slow(w, name, nlen, hash, v);
    static const uint8_t types[] = {
        [VG_J_NULL] = VG_VAL_NULL,  [VG_J_FALSE] = VG_VAL_BOOL, [VG_J_TRUE] = VG_VAL_BOOL,
        [VG_J_NUM] = VG_VAL_NUMBER, [VG_J_STR] = VG_VAL_STRING,
    };
    w->in[w->pend++] =
        (vg__event_in){name, w->src + v->off, (uint32_t)nlen,
                       hash, v->len,          v->type <= VG_J_STR ? types[v->type] : VG_VAL_STRING};
    w->bytes += nlen + v->len;
    return 0;
}

/* A scalar named by the name buffer. */
static int add(walk *w, size_t nlen, const vg__jtok *v)
{
    return leaf(w, w->name, nlen, vg__event_name_hash_at(w->ev, next_at(w), w->name, nlen), v);
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

/* ---- the evtx form: flatten with dotted 0 ----
 *
 * Each member takes its own key as its name, so a name is passed as bytes wherever they are
 * (most often the key in the text, which is then not copied) rather than built in the name
 * buffer; only ELEMENT_ATTR names and keys with spaces are written there, and an element's own
 * name (for its #text and #attributes) is kept where flatten keeps own. Objects are read a run
 * of members at a time (vg__json_members), and a scalar member whose key is the name the field
 * at its position had last time takes that name's hash from the memo (vg__event_memo).
 *
 * flatten does read its name buffer as it was left in two places: an array's items are named
 * by its first nlen bytes, and so are an element's attributes after the first, and an object
 * item or attribute before them may have written over it. So array items and attribute values
 * that are containers are walked faithfully (f): every name written to the buffer as flatten
 * writes it. */

static int evalue(walk *w, const char *name, size_t n, const vg__jtok *v, int depth, int f);

/* An attribute's scalar a as the field ELEMENT_ATTR, its name built where names are kept rather
 * than in the name buffer (not faithful: nothing reads what flatten would have written there
 * past the element's name) from the element's name, the buffer's first elen bytes. */
static int attr_leaf(walk *w, size_t elen, const vg__jtok *k, const vg__jtok *a)
{
    size_t n = k->len, room = elen + 1 + n;
    if (room + 1 > sizeof w->name) /* as name_put: dropped */
        return 0;
    if ((w->pend == PENDING || w->nused + room > sizeof w->names ||
         (a->esc && w->vused + a->len > sizeof w->val)) &&
        flush(w)) /* so that leaf does not flush, which would free the name */
        return 1;
    char *o = w->names + w->nused;
    memcpy(o, w->name, elen);
    o[elen] = '_';
    size_t m = room;
    if (copy_key(o + elen + 1, w->src + k->off, n)) { /* Sigma names fields without spaces */
        m = elen + 1;
        for (size_t i = 0; i < n; i++)
            if (o[elen + 1 + i] != ' ')
                o[m++] = o[elen + 1 + i];
    }
    w->nused += m;
    return leaf(w, o, m, vg__event_name_hash_at(w->ev, next_at(w), o, m), a);
}

/* flatten's #attributes branch in an evtx section: the members of v (if an object) as
 * ELEMENT_ATTR of the element el[0..elen) (not in the name buffer), or by their own names at
 * the top of a section (elen 0). */
static int eattributes(walk *w, const char *el, size_t elen, const vg__jtok *v, int depth, int f)
{
    if (v->type != VG_J_OBJ)
        return skip(w, v);
    if (elen)
        memcpy(w->name, el, elen);
    for (int closed = 0; !closed;) {
        int n = vg__json_members(&w->r, w->run, RUN, &closed);
        if (n < 0)
            return 1;
        for (int i = 0; i < n; i++) {
            /* only the last member of a run can be a container, and its tokens are read
             * before anything reads the next run over them */
            const vg__jtok *k = &w->run[i].key, *a = &w->run[i].val;
            if (k->esc)
                return 1;
            int rc;
            if (!f && elen && a->type != VG_J_OBJ && a->type != VG_J_ARR &&
                depth < VG_EVENT_MAX_DEPTH) {
                rc = attr_leaf(w, elen, k, a);
            } else {
                size_t m = elen ? name_put(w, elen, '_', k) : name_put(w, 0, 0, k);
                rc = m ? evalue(w, w->name, m, a, depth + 1, 1) : skip(w, a);
            }
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* One member of an evtx object whose element is el[0..elen) (not in the name buffer): flatten's
 * loop body. */
static int emember(walk *w, const char *el, size_t elen, const vg__jtok *k, const vg__jtok *v,
                   int depth, int f)
{
    if (k->esc) /* flatten compares raw keys and unescapes names: the tape does both */
        return 1;
    const char *key = w->src + k->off;
    size_t n = k->len;
    if (n && key[0] == '#') {
        if (is(w, k, VG_STR("#text"))) { /* element text: the element's own name */
            if (!elen)
                return skip(w, v);
            if (!f)
                return evalue(w, el, elen, v, depth + 1, 0);
            memcpy(w->name, el, elen);
            return evalue(w, w->name, elen, v, depth + 1, 1);
        }
        if (is(w, k, VG_STR("#attributes")))
            return eattributes(w, el, elen, v, depth, f);
    }
    uint64_t wd[4];
    int words = vg__name_words(key, n, wd);
    if (words && !f && v->type != VG_J_OBJ && v->type != VG_J_ARR && depth < VG_EVENT_MAX_DEPTH) {
        const vg__name_memo *m = &w->ev->memo[next_at(w) % VG_EVENT_NAME_MEMO];
        if (vg__name_memo_is(m, wd, n)) /* the name of this position last time, as it is */
            return leaf(w, key, n, m->hash, v);
    }
    int sp = words ? (space8(wd[0]) | space8(wd[1]) | space8(wd[2]) | space8(wd[3])) != 0
                   : memchr(key, ' ', n) != NULL;
    if (f || sp) { /* Sigma names fields without spaces */
        n = name_put(w, 0, 0, k);
        key = w->name;
    } else if (n + 1 > sizeof w->name) { /* as name_put: dropped */
        n = 0;
    }
    return n ? evalue(w, key, n, v, depth + 1, f) : skip(w, v);
}

/* An evtx object just entered, whose element is el[0..elen) (not in the name buffer). */
static int eobject(walk *w, const char *el, size_t elen, int depth, int f)
{
    for (int closed = 0; !closed;) {
        int n = vg__json_members(&w->r, w->run, RUN, &closed);
        if (n < 0)
            return 1;
        for (int i = 0; i < n; i++) { /* as in eattributes, the tokens are read in time */
            int rc = emember(w, el, elen, &w->run[i].key, &w->run[i].val, depth, f);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* flatten in an evtx section: value v (a scalar, or a container just entered) named
 * name[0..n) (f: which is in the name buffer). */
static int evalue(walk *w, const char *name, size_t n, const vg__jtok *v, int depth, int f)
{
    if (depth > VG_EVENT_MAX_DEPTH) /* the tape reports the limit */
        return 1;
    if (v->type != VG_J_OBJ && v->type != VG_J_ARR)
        return n ? leaf(w, name, n, vg__event_name_hash_at(w->ev, next_at(w), name, n), v) : 0;
    if (v->type == VG_J_OBJ) {
        char own[sizeof w->name]; /* as flatten keeps it, out of the name buffer */
        if (name == w->name) {
            memcpy(own, name, n);
            name = own;
        }
        return eobject(w, name, n, depth, f);
    }
    if (n && name != w->name) /* the items are named by the buffer, as flatten's are */
        memcpy(w->name, name, n);
    for (;;) {
        vg__jtok k, e;
        int rc = vg__json_next(&w->r, &k, &e);
        if (rc <= 0)
            return rc < 0;
        if ((rc = evalue(w, w->name, n, &e, depth + 1, 1)))
            return rc;
    }
}

/* ---- any other form: flatten with dotted 1 (names extend the name buffer) ---- */

static int value(walk *w, size_t nlen, const vg__jtok *v, int depth);

/* flatten's #attributes branch: the members of v (if an object) as ELEMENT.ATTR, or their own
 * names at the top. */
static int attributes(walk *w, size_t nlen, const vg__jtok *v, int depth)
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
        size_t m = nlen ? name_put(w, nlen, '.', &k) : name_put(w, 0, 0, &k);
        if ((rc = m ? value(w, m, &a, depth + 1) : skip(w, &a)))
            return rc;
    }
}

/* One member of an object at depth that is named name[0..nlen): flatten's loop body (dotted
 * names only ever extend the name, so the element's name is still there for #text). */
static int member(walk *w, size_t nlen, const vg__jtok *k, const vg__jtok *v, int depth)
{
    if (k->esc) /* flatten compares raw keys and unescapes names: the tape does both */
        return 1;
    size_t n;
    int hash = k->len && w->src[k->off] == '#';
    if (hash && is(w, k, VG_STR("#text")))
        n = nlen; /* element text: the element's own name */
    else if (hash && is(w, k, VG_STR("#attributes")))
        return attributes(w, nlen, v, depth);
    else
        n = nlen ? name_put(w, nlen, '.', k) : name_put(w, 0, 0, k);
    return n ? value(w, n, v, depth + 1) : skip(w, v);
}

/* flatten: value v (a scalar, or a container just entered) under name[0..nlen). */
static int value(walk *w, size_t nlen, const vg__jtok *v, int depth)
{
    if (depth > VG_EVENT_MAX_DEPTH) /* the tape reports the limit */
        return 1;
    if (v->type != VG_J_OBJ && v->type != VG_J_ARR)
        return nlen ? add(w, nlen, v) : 0;
    for (;;) {
        vg__jtok k, e;
        int rc = vg__json_next(&w->r, &k, &e);
        if (rc <= 0)
            return rc < 0;
        rc = v->type == VG_J_ARR ? value(w, nlen, &e, depth + 1) : member(w, nlen, &k, &e, depth);
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
        if ((rc = evalue(w, NULL, 0, &v, 1, 0)))
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
        if ((rc = member(w, 0, &k, &v, 0)))
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
    w.pend = w.bytes = w.nused = w.vused = 0;
    if (vg__json_open(&w.r, &ev->json, text, len) || root(&w, &form) || vg__json_end(&w.r) ||
        flush(&w))
        return 1;
    ev->form = form;
    return 0;
}

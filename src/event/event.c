/*
 * event.c - events as flat field lists, and building them from JSON.
 *
 * An event keeps its fields in one array and their bytes in one growing buffer, so clearing
 * and refilling an event for the next record allocates nothing once the buffers have grown.
 * Views into the buffer are stored as offsets because the buffer may move while it grows.
 *
 * JSON documents are flattened the way the Sigma Windows taxonomy names fields: in the evtx
 * crate's nested form, System children become their own name (EventID, Channel, Computer) and
 * XML attributes become ELEMENT_ATTRIBUTE (Provider_Name, TimeCreated_SystemTime,
 * Execution_ProcessID, Security_UserID); EventData and UserData leaves become their own name.
 * Other nested JSON becomes dotted names (winlog.event_data.Image). Arrays of scalars become a
 * repeated field, one entry per element. Spaces are dropped from names, as the Sigma
 * specification names fields ("Threat Name" is ThreatName).
 *
 * A flat line (an object of scalars) is read in one pass here (flat_member), a nested one in
 * one pass by nested.c; what neither reads the same way goes through the JSON tape and
 * flatten(), which defines the result: tests compare the ways on every shared event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "../base/json.h"
#include "event.h"

vg_event *vg_event_new(void)
{
    vg_event *ev = calloc(1, sizeof *ev);
    if (ev)
        vg__json_init(&ev->json);
    return ev;
}

void vg_event_free(vg_event *ev)
{
    if (!ev)
        return;
    free(ev->fields);
    free(ev->bytes);
    free(ev->low);
    free(ev->flat);
    if (ev->evtx_free)
        ev->evtx_free(ev->evtx);
    vg__json_free(&ev->json);
    free(ev);
}

void vg_event_clear(vg_event *ev)
{
    if (ev->n)
        memset(ev->head, 0, sizeof ev->head);
    ev->n = 0;
    ev->used = 0;
    ev->lused = 0;
}

/* Room for n more bytes in a growing buffer; 0 or VG_ERR_NOMEM. */
static int grow(char **buf, size_t *cap, size_t used, size_t n)
{
    if (used + n <= *cap)
        return 0;
    size_t c = *cap ? *cap : 4096;
    while (c < used + n)
        c *= 2;
    char *p = realloc(*buf, c);
    if (!p)
        return VG_ERR_NOMEM;
    *buf = p;
    *cap = c;
    return 0;
}

int vg_event_add(vg_event *ev, const char *name, size_t nlen, const char *value, size_t vlen,
                 vg_value_type type)
{
    return vg__event_add_hashed(ev, name, nlen, vg__hash_lower(name, nlen), value, vlen, type);
}

/* Copy n bytes of src to dst and their ASCII lower-case fold to low in one pass, eight bytes
 * at a time, each followed by a NUL (dst and low do not overlap src). */
static inline void copy_fold(char *dst, char *low, const char *src, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    if (n >= 16) { /* sixteen at a time, the last sixteen again (copying and folding are
                    * idempotent); A-Z moved to the signed bytes below -102 are the upper case */
        const __m128i shift = _mm_set1_epi8(0x3f), limit = _mm_set1_epi8(-128 + 26),
                      bit = _mm_set1_epi8(0x20);
        for (;;) {
            if (i + 16 > n)
                i = n - 16;
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
            _mm_storeu_si128((__m128i *)(void *)(dst + i), x);
            __m128i up = _mm_cmplt_epi8(_mm_add_epi8(x, shift), limit);
            _mm_storeu_si128((__m128i *)(void *)(low + i), _mm_or_si128(x, _mm_and_si128(up, bit)));
            if (i + 16 >= n)
                break;
            i += 16;
        }
        dst[n] = 0;
        low[n] = 0;
        return;
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, src + i, 8);
        memcpy(dst + i, &w, 8);
        w = vg__lower8(w);
        memcpy(low + i, &w, 8);
    }
    if (i < n && n >= 8) { /* the last eight bytes again: copying and folding are idempotent */
        uint64_t w;
        memcpy(&w, src + n - 8, 8);
        memcpy(dst + n - 8, &w, 8);
        w = vg__lower8(w);
        memcpy(low + n - 8, &w, 8);
    } else if (n >= 4 && n < 8) { /* four to seven: two four-byte words that may overlap */
        uint32_t a, b;
        memcpy(&a, src, 4);
        memcpy(&b, src + n - 4, 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
        a = (uint32_t)vg__lower8(a);
        b = (uint32_t)vg__lower8(b);
        memcpy(low, &a, 4);
        memcpy(low + n - 4, &b, 4);
    } else {
        for (; i < n; i++) {
            dst[i] = src[i];
            low[i] = (char)vg__lower((unsigned char)src[i]);
        }
    }
    dst[n] = 0;
    low[n] = 0;
}

/* memcpy for a field name, most of which are short: up to sixteen bytes with two loads that
 * may overlap, without a call. */
static inline void copy_name(char *dst, const char *src, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, src, 8);
        memcpy(&b, src + n - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, src, 4);
        memcpy(&b, src + n - 4, 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
    } else {
        memcpy(dst, src, n);
    }
}

/* Room for n more fields with bytes bytes of names and values in all. */
static int room(vg_event *ev, size_t n, size_t bytes)
{
    if (ev->n + n > VG_EVENT_MAX_FIELDS)
        return VG_ERR_LIMIT;
    if (ev->n + n > ev->fcap) {
        size_t cap = ev->fcap ? ev->fcap * 2 : 64;
        while (cap < ev->n + n)
            cap *= 2;
        vg__field *f = realloc(ev->fields, cap * sizeof *f);
        if (!f)
            return VG_ERR_NOMEM;
        ev->fields = f;
        ev->fcap = cap;
    }
    if (grow(&ev->low, &ev->lcap, ev->lused, bytes + n) ||
        grow(&ev->bytes, &ev->cap, ev->used, bytes + 2 * n))
        return VG_ERR_NOMEM;
    return 0;
}

int vg__event_room(vg_event *ev, size_t n, size_t bytes)
{
    return room(ev, n, bytes);
}

/* Add fields in[0, n): copy each name and value after the bytes used, its folded value to
 * low (matching folds each value once here instead of once per rule), and link the field
 * into its name hash bucket. The event's counters are kept in locals:
 * the byte stores would make the compiler load them again for every field. */
static inline void put_many(vg_event *ev, const vg__event_in *in, size_t n)
{
    vg__field *f = ev->fields + ev->n;
    char *bytes = ev->bytes, *low = ev->low;
    size_t used = ev->used, lused = ev->lused;
    uint16_t k = (uint16_t)ev->n;
    for (size_t i = 0; i < n; i++, in++, f++) {
        size_t nlen = in->nlen, vlen = in->vlen;
        char *d = bytes + used;
        copy_name(d, in->name, nlen);
        d[nlen] = 0;
        copy_fold(d + nlen + 1, low + lused, in->value, vlen);
        *f = (vg__field){.name = (uint32_t)used,
                         .value = (uint32_t)(used + nlen + 1),
                         .lower = (uint32_t)lused,
                         .nhash = in->nhash,
                         .nlen = (uint32_t)nlen,
                         .vlen = (uint32_t)vlen,
                         .type = in->type};
        used += nlen + vlen + 2;
        lused += vlen + 1;
        k++;
        uint32_t b = in->nhash % VG_EVENT_BUCKETS;
        if (ev->head[b])
            ev->fields[ev->tail[b] - 1].next = k;
        else
            ev->head[b] = k;
        ev->tail[b] = k;
    }
    ev->n += n;
    ev->used = used;
    ev->lused = lused;
}

void vg__event_put(vg_event *ev, const char *name, size_t nlen, uint32_t nhash, const char *value,
                   size_t vlen, vg_value_type type)
{
    vg__event_in one = {name, value, (uint32_t)nlen, nhash, (uint32_t)vlen, (uint8_t)type};
    put_many(ev, &one, 1);
}

int vg__event_put_all(vg_event *ev, vg__event_frame *fr, const vg__event_in *in, size_t bytes)
{
    size_t n = fr->n;
    ev->n = ev->used = ev->lused = 0; /* head and tail are copied whole below */
    int rc = room(ev, n, bytes);
    if (rc) {
        memset(ev->head, 0, sizeof ev->head);
        return rc;
    }
    if (!fr->ready) { /* the first event of the frame: names and links, as put_many makes them */
        for (uint32_t i = 0, at = 0; i < n; i++) {
            fr->fields[i] = (vg__field){
                .name = at, .nhash = in[i].nhash, .nlen = in[i].nlen, .type = in[i].type};
            memcpy(fr->names + at, in[i].name, in[i].nlen);
            fr->names[at + in[i].nlen] = 0;
            at += in[i].nlen + 1;
            uint32_t b = in[i].nhash % VG_EVENT_BUCKETS;
            if (fr->head[b])
                fr->fields[fr->tail[b] - 1].next = (uint16_t)(i + 1);
            else
                fr->head[b] = (uint16_t)(i + 1);
            fr->tail[b] = (uint16_t)(i + 1);
        }
        fr->ready = 1;
    }
    vg__field *f = ev->fields;
    char *buf = ev->bytes, *low = ev->low;
    if (n) { /* else the event may have no buffers yet */
        memcpy(f, fr->fields, n * sizeof *f);
        memcpy(buf, fr->names, fr->nbytes);
    }
    memcpy(ev->head, fr->head, sizeof ev->head);
    memcpy(ev->tail, fr->tail, sizeof ev->tail);
    size_t used = fr->nbytes, lused = 0;
    for (size_t i = 0; i < n; i++, in++, f++) {
        size_t vlen = in->vlen;
        copy_fold(buf + used, low + lused, in->value, vlen);
        f->value = (uint32_t)used;
        f->lower = (uint32_t)lused;
        f->vlen = (uint32_t)vlen;
        used += vlen + 1;
        lused += vlen + 1;
    }
    ev->n = n;
    ev->used = used;
    ev->lused = lused;
    return 0;
}

static inline uint32_t name_hash_at(vg_event *ev, size_t at, const char *name, size_t n)
{
    vg__name_memo *m = &ev->memo[at % VG_EVENT_NAME_MEMO];
    uint64_t w[4];
    if (!vg__name_words(name, n, w))
        return vg__hash_lower(name, n);
    if (!vg__name_memo_is(m, w, n)) {
        memcpy(m->w, w, sizeof m->w);
        m->len = (uint32_t)n;
        m->hash = vg__hash_lower(name, n);
    }
    return m->hash;
}

uint32_t vg__event_name_hash(vg_event *ev, const char *name, size_t n)
{
    return name_hash_at(ev, ev->n, name, n);
}

uint32_t vg__event_name_hash_at(vg_event *ev, size_t at, const char *name, size_t n)
{
    return name_hash_at(ev, at, name, n);
}

void vg__event_put_many(vg_event *ev, const vg__event_in *in, size_t n)
{
    put_many(ev, in, n);
}

int vg__event_add_hashed(vg_event *ev, const char *name, size_t nlen, uint32_t nhash,
                         const char *value, size_t vlen, vg_value_type type)
{
    /* name or value may point into this event's own bytes (aliases): grow first, then
     * rebase them if the buffer moved */
    const char *old = ev->bytes;
    int name_in = old && name >= old && name < old + ev->used;
    int value_in = old && value >= old && value < old + ev->used;
    size_t name_off = name_in ? (size_t)(name - old) : 0;
    size_t value_off = value_in ? (size_t)(value - old) : 0;
    int rc = room(ev, 1, nlen + vlen);
    if (rc)
        return rc;
    if (name_in)
        name = ev->bytes + name_off;
    if (value_in)
        value = ev->bytes + value_off;
    vg__event_put(ev, name, nlen, nhash, value, vlen, type);
    return 0;
}

size_t vg_event_count(const vg_event *ev)
{
    return ev ? ev->n : 0;
}

int vg_event_field(const vg_event *ev, size_t i, vg_str *name, vg_str *value, vg_value_type *type)
{
    if (!ev || i >= ev->n)
        return VG_ERR_RANGE;
    const vg__field *f = &ev->fields[i];
    if (name)
        *name = (vg_str){ev->bytes + f->name, f->nlen};
    if (value)
        *value = (vg_str){ev->bytes + f->value, f->vlen};
    if (type)
        *type = (vg_value_type)f->type;
    return 0;
}

long vg_event_find(const vg_event *ev, const char *name, size_t nlen)
{
    if (!ev)
        return -1;
    /* the bucket of the name's hash holds its fields in field order */
    uint32_t h = vg__hash_lower(name, nlen);
    for (uint32_t i = vg__event_bucket(ev, h); i; i = ev->fields[i - 1].next) {
        const vg__field *f = &ev->fields[i - 1];
        if (f->nhash == h && f->nlen == nlen &&
            vg__str_ieq((vg__str){ev->bytes + f->name, nlen}, (vg__str){name, nlen}))
            return (long)(i - 1);
    }
    return -1;
}

/* ---- JSON flattening ---- */

typedef struct flat {
    vg_event *ev;
    const vg__json *j;
    char name[VG_EVENT_MAX_NAME]; /* nested.c drops a name past this the same way */
    char val[8192];
    int rc;
    size_t room; /* the one-pass path: fields it has made room for (from_flat_json) */
} flat;

/* Add scalar token t under name (nlen bytes of fl->name). */
static void add_scalar(flat *fl, size_t nlen, uint32_t t)
{
    const vg__jtok *k = &fl->j->tok[t];
    const char *v = fl->j->src + k->off;
    size_t vlen = k->len;
    if (k->type == VG_J_STR && k->esc) {
        char *tmp = vlen + 1 <= sizeof fl->val ? fl->val : malloc(vlen + 1);
        if (!tmp) {
            fl->rc = VG_ERR_NOMEM;
            return;
        }
        long n = vg__json_unescape(fl->j, t, tmp, vlen + 1);
        int rc = vg_event_add(fl->ev, fl->name, nlen, tmp, (size_t)n, VG_VAL_STRING);
        if (tmp != fl->val)
            free(tmp);
        if (rc && !fl->rc)
            fl->rc = rc;
        return;
    }
    int rc = vg_event_add(fl->ev, fl->name, nlen, v, vlen, vg__event_jtype(k->type));
    if (rc && !fl->rc)
        fl->rc = rc;
}

/* Append a key to fl->name at position at; returns the new length or 0 if it does not fit. */
static size_t name_put(flat *fl, size_t at, const char *sep, uint32_t key)
{
    size_t sl = strlen(sep);
    const vg__jtok *k = &fl->j->tok[key];
    if (at + sl + k->len + 1 > sizeof fl->name)
        return 0;
    memcpy(fl->name + at, sep, sl);
    long n = vg__json_unescape(fl->j, key, fl->name + at + sl, sizeof fl->name - at - sl);
    if (n < 0)
        return 0;
    /* Sigma names fields without spaces ("Threat Name" is ThreatName) */
    char *p = fl->name + at + sl, *o = p;
    for (long i = 0; i < n; i++)
        if (p[i] != ' ')
            *o++ = p[i];
    return (size_t)(o - fl->name);
}

static int is_key(const vg__json *j, uint32_t key, const char *s)
{
    return vg__str_eq(vg__json_raw(j, key), vg__str_c(s));
}

/* Value t (any type) under the name fl->name[0..nlen). dotted: nested objects extend the name
 * with ".key" (flat form); otherwise nested leaves take their own key (evtx data sections). */
static void flatten(flat *fl, size_t nlen, uint32_t t, int dotted, int depth)
{
    const vg__jtok *k = &fl->j->tok[t];
    if (depth > VG_EVENT_MAX_DEPTH) {
        fl->rc = VG_ERR_LIMIT;
        return;
    }
    if (k->type == VG_J_ARR) {
        for (uint32_t e = t + 1; e < k->next; e = fl->j->tok[e].next)
            flatten(fl, nlen, e, dotted, depth + 1);
        return;
    }
    if (k->type != VG_J_OBJ) {
        if (nlen)
            add_scalar(fl, nlen, t);
        return;
    }
    /* evtx sections name each child by its own key, written over the element's name: keep
     * the element's name for its #text and #attributes, which may come after a child */
    char own[sizeof fl->name];
    if (!dotted && nlen)
        memcpy(own, fl->name, nlen);
    for (uint32_t key = t + 1; key < k->next;) {
        uint32_t v = fl->j->tok[key].next;
        size_t n;
        int text = is_key(fl->j, key, "#text"), attrs = !text && is_key(fl->j, key, "#attributes");
        if ((text || attrs) && !dotted && nlen)
            memcpy(fl->name, own, nlen);
        if (text) {
            n = nlen; /* element text: the element's own name */
        } else if (attrs) {
            /* attributes: ELEMENT_ATTR in evtx sections, ELEMENT.ATTR in flat */
            const vg__jtok *a = &fl->j->tok[v];
            if (a->type == VG_J_OBJ) {
                for (uint32_t ak = v + 1; ak < a->next;) {
                    uint32_t av = fl->j->tok[ak].next;
                    size_t m =
                        nlen ? name_put(fl, nlen, dotted ? "." : "_", ak) : name_put(fl, 0, "", ak);
                    if (m)
                        flatten(fl, m, av, dotted, depth + 1);
                    ak = fl->j->tok[av].next;
                }
            }
            key = fl->j->tok[v].next;
            continue;
        } else {
            n = dotted && nlen ? name_put(fl, nlen, ".", key) : name_put(fl, 0, "", key);
        }
        if (n)
            flatten(fl, n, v, dotted, depth + 1);
        key = fl->j->tok[v].next;
    }
}

static void flatten_evtx(flat *fl, uint32_t event)
{
    const vg__jtok *k = &fl->j->tok[event];
    for (uint32_t key = event + 1; key < k->next;) {
        uint32_t v = fl->j->tok[key].next;
        if (!is_key(fl->j, key, "#attributes"))
            flatten(fl, 0, v, 0, 1); /* System, EventData, UserData, ... */
        key = fl->j->tok[v].next;
    }
}

/* Which form a document is in, from its top-level keys. */
static vg_json_form detect_form(const vg__json *j, uint32_t event)
{
    if (event && j->tok[event].type == VG_J_OBJ && vg__json_get(j, event, "System"))
        return VG_JSON_EVTX;
    uint32_t w = vg__json_get(j, 0, "winlog");
    if (w && j->tok[w].type == VG_J_OBJ)
        return VG_JSON_ECS;
    if (vg__json_get(j, 0, "SourceModuleType") ||
        (vg__json_get(j, 0, "Hostname") && vg__json_get(j, 0, "SourceName")))
        return VG_JSON_NXLOG;
    return VG_JSON_FLAT;
}

/* Sigma names for ECS and NXLog fields, added only when the event lacks them. */
static const struct {
    uint8_t form;
    const char *from, *to;
} aliases[] = {
    {VG_JSON_ECS, "winlog.channel", "Channel"},
    {VG_JSON_ECS, "winlog.event_id", "EventID"},
    {VG_JSON_ECS, "event.code", "EventID"},
    {VG_JSON_ECS, "winlog.computer_name", "Computer"},
    {VG_JSON_ECS, "host.name", "Computer"},
    {VG_JSON_ECS, "winlog.provider_name", "Provider_Name"},
    {VG_JSON_ECS, "winlog.provider_guid", "Provider_Guid"},
    {VG_JSON_ECS, "winlog.record_id", "EventRecordID"},
    {VG_JSON_ECS, "winlog.process.pid", "Execution_ProcessID"},
    {VG_JSON_ECS, "winlog.process.thread.id", "Execution_ThreadID"},
    {VG_JSON_ECS, "winlog.user.identifier", "Security_UserID"},
    {VG_JSON_ECS, "@timestamp", "TimeCreated_SystemTime"},
    {VG_JSON_NXLOG, "SourceName", "Provider_Name"},
    {VG_JSON_NXLOG, "ProviderGuid", "Provider_Guid"},
    {VG_JSON_NXLOG, "Hostname", "Computer"},
    {VG_JSON_NXLOG, "RecordNumber", "EventRecordID"},
    {VG_JSON_NXLOG, "ExecutionProcessID", "Execution_ProcessID"},
    {VG_JSON_NXLOG, "ExecutionThreadID", "Execution_ThreadID"},
    {VG_JSON_NXLOG, "UserID", "Security_UserID"},
    {VG_JSON_NXLOG, "@timestamp", "TimeCreated_SystemTime"},
};

static int add_aliases(vg_event *ev, vg_json_form form)
{
    size_t n = ev->n; /* only the document's own fields are sources */
    for (size_t a = 0; a < VG_ARRAY_LEN(aliases); a++) {
        if (aliases[a].form != form || vg_event_find(ev, aliases[a].to, strlen(aliases[a].to)) >= 0)
            continue;
        long i = vg_event_find(ev, aliases[a].from, strlen(aliases[a].from));
        if (i < 0)
            continue;
        vg__field f = ev->fields[i];
        int rc = vg_event_add(ev, aliases[a].to, strlen(aliases[a].to), ev->bytes + f.value, f.vlen,
                              (vg_value_type)f.type);
        if (rc)
            return rc;
    }
    /* winlog.event_data.X / winlog.user_data.X -> X */
    static const char *const prefixes[] = {"winlog.event_data.", "winlog.user_data."};
    for (size_t i = 0; form == VG_JSON_ECS && i < n; i++) {
        for (size_t p = 0; p < VG_ARRAY_LEN(prefixes); p++) {
            size_t pl = strlen(prefixes[p]);
            vg__field f = ev->fields[i];
            if (f.nlen <= pl || memcmp(ev->bytes + f.name, prefixes[p], pl) != 0)
                continue;
            /* copy the name first: adding may move the byte buffer */
            char name[512];
            size_t nl = f.nlen - pl < sizeof name ? f.nlen - pl : sizeof name - 1;
            memcpy(name, ev->bytes + f.name + pl, nl);
            if (vg_event_find(ev, name, nl) >= 0)
                continue;
            int rc = vg_event_add(ev, name, nl, ev->bytes + f.value, f.vlen, (vg_value_type)f.type);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* The fast way for the common line, an object of scalars: one pass, no tape. Each member
 * becomes a field exactly as flatten() would add it; anything it does not handle the same way
 * (escaped or special keys, long values with escapes, an error) returns 1 and the document
 * is read the general way instead. */
static int flat_member(void *ud, const char *key, size_t klen, int kesc, const char *val,
                       size_t vlen, int vesc, uint8_t type)
{
    flat *fl = ud;
    if (kesc || klen + 1 > sizeof fl->name || (klen && key[0] == '#'))
        return 1;
    vg_event *ev = fl->ev;
    size_t n = klen;
    uint32_t hash;
    int same;
    vg__name_memo *m = vg__event_memo(ev, key, klen, &same);
    if (same) {
        hash = m->hash; /* the name this position had last time, which has no space */
    } else {
        if (memchr(key, ' ', klen)) { /* Sigma names fields without spaces */
            n = 0;
            for (size_t i = 0; i < klen; i++)
                if (key[i] != ' ')
                    fl->name[n++] = key[i];
            key = fl->name;
            /* the form is told from the names as written (detect_form): one that only loses
             * its spaces to look like an NXLog name is left to the tape */
            vg__str nm = {key, n};
            if (vg__str_eq(nm, VG_STR("SourceModuleType")) || vg__str_eq(nm, VG_STR("Hostname")) ||
                vg__str_eq(nm, VG_STR("SourceName")))
                return 1;
        }
        if (!n)
            return 0; /* flatten() skips an empty name too */
        hash = vg__event_name_hash(ev, key, n);
    }
    if (vesc) {
        if (vlen + 1 > sizeof fl->val)
            return 1;
        vlen = vg__json_unescape_raw(val, vlen, fl->val);
        val = fl->val;
    }
    if (ev->n >= fl->room) /* more members than from_flat_json made room for */
        return 1;
    vg__event_put(ev, key, n, hash, val, vlen, vg__event_jtype(type));
    return 0;
}

/* Whether ev has a field named exactly name (through the name hash buckets). */
static int has_key(const vg_event *ev, const char *name)
{
    size_t n = strlen(name);
    uint32_t h = vg__hash_lower(name, n);
    for (uint32_t i = vg__event_bucket(ev, h); i; i = ev->fields[i - 1].next) {
        const vg__field *f = &ev->fields[i - 1];
        if (f->nhash == h && f->nlen == n && memcmp(ev->bytes + f->name, name, n) == 0)
            return 1;
    }
    return 0;
}

static int from_flat_json(vg_event *ev, flat *fl, const char *text, size_t len, vg_json_form form)
{
    fl->ev = ev;
    fl->j = &ev->json;
    fl->rc = 0;
    /* room for every member at once: a member takes five bytes at least ("k":1), and its name
     * and value, unescaped, no more bytes than it has in the text */
    size_t most = len / 5 + 1;
    if (most > VG_EVENT_MAX_FIELDS - ev->n)
        most = VG_EVENT_MAX_FIELDS - ev->n;
    if (vg__event_room(ev, most, len))
        return 1;
    fl->room = ev->n + most;
    if (vg__json_flat_members(&ev->json, text, len, flat_member, fl) != 0)
        return 1;
    /* no member is an object, so the form is flat or NXLog (detect_form) */
    if (form == VG_JSON_AUTO)
        form = has_key(ev, "SourceModuleType") ||
                       (has_key(ev, "Hostname") && has_key(ev, "SourceName"))
                   ? VG_JSON_NXLOG
                   : VG_JSON_FLAT;
    ev->form = form;
    if (form == VG_JSON_ECS || form == VG_JSON_NXLOG)
        return add_aliases(ev, form) ? 1 : 0;
    return 0;
}

/* Empty ev for a new document; its flattening scratch is made once and kept (reading the next
 * line allocates nothing). 0 or VG_ERR_NOMEM. */
static int begin_json(vg_event *ev)
{
    vg_event_clear(ev);
    if (!ev->flat)
        ev->flat = malloc(sizeof(flat));
    return ev->flat ? 0 : VG_ERR_NOMEM;
}

int vg_event_from_json(vg_event *ev, const char *text, size_t len, vg_json_form form,
                       size_t *err_off, char *err, size_t errcap)
{
    if (begin_json(ev))
        return VG_ERR_NOMEM;
    if (from_flat_json(ev, ev->flat, text, len, form) == 0)
        return 0;
    /* nested documents in one pass too (nested.c), then the aliases as the tape way adds them */
    if (vg__event_from_nested_json(ev, text, len, form) == 0 &&
        ((ev->form != VG_JSON_ECS && ev->form != VG_JSON_NXLOG) || add_aliases(ev, ev->form) == 0))
        return 0;
    return vg__event_from_json_tape(ev, text, len, form, err_off, err, errcap);
}

int vg__event_from_json_tape(vg_event *ev, const char *text, size_t len, vg_json_form form,
                             size_t *err_off, char *err, size_t errcap)
{
    if (begin_json(ev))
        return VG_ERR_NOMEM;
    int rc = vg__json_parse(&ev->json, text, len);
    if (rc) {
        if (err_off)
            *err_off = ev->json.err_off;
        if (err && errcap)
            snprintf(err, errcap, "%s", rc == VG_ERR_SYNTAX ? ev->json.err : vg_strerror(rc));
        return rc;
    }
    if (ev->json.tok[0].type != VG_J_OBJ) {
        if (err_off)
            *err_off = 0;
        if (err && errcap)
            snprintf(err, errcap, "an event must be a JSON object");
        return VG_ERR_TYPE;
    }
    /* the flattening state (name and value buffers) is kept with the event: reading the next
     * line allocates nothing */
    flat *fl = ev->flat;
    fl->ev = ev;
    fl->j = &ev->json;
    fl->rc = 0;
    uint32_t event = vg__json_get(&ev->json, 0, "Event");
    if (form == VG_JSON_AUTO)
        form = detect_form(&ev->json, event);
    ev->form = form;
    if (form == VG_JSON_EVTX && event && ev->json.tok[event].type == VG_J_OBJ)
        flatten_evtx(fl, event);
    else
        flatten(fl, 0, 0, 1, 0);
    rc = fl->rc;
    if (!rc && (form == VG_JSON_ECS || form == VG_JSON_NXLOG))
        rc = add_aliases(ev, form);
    return rc;
}

vg_json_form vg_event_form(const vg_event *ev)
{
    return ev ? (vg_json_form)ev->form : VG_JSON_FLAT;
}

static const char *const form_names[] = {"auto", "flat", "evtx", "ecs", "nxlog"};

const char *vg_json_form_name(vg_json_form f)
{
    return (unsigned)f < VG_ARRAY_LEN(form_names) ? form_names[f] : "?";
}

int vg_json_form_parse(const char *name, vg_json_form *out)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(form_names); i++)
        if (name && strcmp(name, form_names[i]) == 0) {
            *out = (vg_json_form)i;
            return 0;
        }
    return VG_ERR_INVAL;
}

/* ---- time and lookups ---- */

vg_str vg_event_get(const vg_event *ev, const char *name)
{
    long i = vg_event_find(ev, name, strlen(name));
    if (i < 0)
        return (vg_str){NULL, 0};
    const vg__field *f = &ev->fields[i];
    return (vg_str){ev->bytes + f->value, f->vlen};
}

vg_str vg_event_time(const vg_event *ev)
{
    static const char *const names[] = {
        "TimeCreated_SystemTime", "SystemTime", "@timestamp", "EventTime", "UtcTime", "timestamp"};
    for (size_t i = 0; i < VG_ARRAY_LEN(names); i++) {
        vg_str v = vg_event_get(ev, names[i]);
        if (v.ptr && v.len)
            return v;
    }
    return (vg_str){NULL, 0};
}

size_t vg_event_time_iso(const vg_event *ev, char *buf, size_t cap)
{
    vg_str t = vg_event_time(ev);
    if (!cap)
        return 0;
    buf[0] = 0;
    if (!t.ptr)
        return 0;
    int y, mo, d, h, mi, se;
    const char *p = t.ptr;
    if (t.len >= 19 && p[4] == '-' && p[7] == '-' && (p[10] == 'T' || p[10] == ' ') &&
        p[13] == ':' && p[16] == ':' && vg__digits(p, 4, &y) && vg__digits(p + 5, 2, &mo) &&
        vg__digits(p + 8, 2, &d) && vg__digits(p + 11, 2, &h) && vg__digits(p + 14, 2, &mi) &&
        vg__digits(p + 17, 2, &se)) {
        char frac[7] = "000000";
        size_t i = 19;
        if (i < t.len && p[i] == '.') {
            size_t k = 0;
            for (i++; i < t.len && p[i] >= '0' && p[i] <= '9'; i++)
                if (k < 6)
                    frac[k++] = p[i];
        }
        /* a trailing Z or +00:00 is UTC; other offsets are kept as written */
        int utc = i >= t.len || p[i] == 'Z' || (t.len - i == 6 && memcmp(p + i, "+00:00", 6) == 0);
        if (utc && cap > 27) { /* YYYY-MM-DDTHH:MM:SS.ffffffZ, written by hand (per event) */
            char *o = buf;
            const int parts[6] = {y, mo, d, h, mi, se};
            const char seps[6] = {'-', '-', 'T', ':', ':', '.'};
            for (int k = 0; k < 6; k++) {
                int v = parts[k];
                if (k == 0) {
                    *o++ = (char)('0' + v / 1000);
                    *o++ = (char)('0' + v / 100 % 10);
                }
                *o++ = (char)('0' + v / 10 % 10);
                *o++ = (char)('0' + v % 10);
                *o++ = seps[k];
            }
            memcpy(o, frac, 6);
            o[6] = 'Z';
            o[7] = 0;
            return (size_t)(o + 7 - buf);
        }
        if (utc) {
            int n =
                snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%sZ", y, mo, d, h, mi, se, frac);
            return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
        }
    }
    size_t n = t.len < cap - 1 ? t.len : cap - 1;
    memcpy(buf, t.ptr, n);
    buf[n] = 0;
    return n;
}

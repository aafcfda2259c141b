/*
 * event.h - internal layout of vg_event (see event.c).
 */
#ifndef VG_EVENT_H
#define VG_EVENT_H

#include "../base/base.h"
#include "../base/json.h"

typedef struct vg__field {
    uint32_t name, value; /* offsets into bytes */
    uint32_t lower;       /* offset in low of the value folded to ASCII lower case (same length) */
    uint32_t nhash;       /* vg__hash_lower of the name: lookups compare it first */
    uint32_t nlen, vlen;
    uint16_t next; /* 1 + the next field whose name hash is in the same bucket, 0: none */
    uint8_t type;  /* vg_value_type */
} vg__field;

/* A name of four to thirty-two bytes as four words (together they are all its bytes), with
 * its vg__hash_lower. */
typedef struct vg__name_memo {
    uint64_t w[4];
    uint32_t len, hash;
} vg__name_memo;
#define VG_EVENT_NAME_MEMO 64

/* The words of a name of four to thirty-two bytes, else 0: two that may overlap for up to
 * sixteen bytes (the others 0), and two more that may overlap them for the rest. */
static inline int vg__name_words(const char *p, size_t n, uint64_t w[4])
{
    if (n >= 8 && n <= 32) {
        memcpy(&w[0], p, 8);
        if (n <= 16) {
            memcpy(&w[1], p + n - 8, 8);
            w[2] = w[3] = 0;
        } else {
            memcpy(&w[1], p + 8, 8);
            memcpy(&w[2], p + n - 16, 8);
            memcpy(&w[3], p + n - 8, 8);
        }
        return 1;
    }
    if (n >= 4 && n < 8) {
        uint32_t a4, b4;
        memcpy(&a4, p, 4);
        memcpy(&b4, p + n - 4, 4);
        w[0] = a4;
        w[1] = b4;
        w[2] = w[3] = 0;
        return 1;
    }
    return 0;
}

/* Whether memo m holds the name whose words (vg__name_words) are w and length n. */
static inline int vg__name_memo_is(const vg__name_memo *m, const uint64_t w[4], size_t n)
{
    return m->len == n &&
           ((m->w[0] ^ w[0]) | (m->w[1] ^ w[1]) | (m->w[2] ^ w[2]) | (m->w[3] ^ w[3])) == 0;
}

#define VG_EVENT_BUCKETS 256 /* fields by name hash: head and tail of each bucket's chain */

struct vg_event {
    vg__field *fields;
    size_t n, fcap;
    char *bytes;
    size_t used, cap;
    /* every value folded to lower case, in field order, each followed by a 0 byte: the rule
     * index scans this once per event (src/match/match.c) */
    char *low;
    size_t lused, lcap;
    uint16_t head[VG_EVENT_BUCKETS], tail[VG_EVENT_BUCKETS]; /* 1 + field index, 0: empty */
    vg__json json; /* reused tape for vg_event_from_json */
    int form;      /* vg_json_form of the last document */
    void *flat;    /* flattening scratch of vg_event_from_json, kept between documents */
    /* the EVTX reader's plan cache (src/evtx/plan.c), kept with the event so that the files
     * one event reads in turn share it; freed with the event through evtx_free */
    void *evtx;
    void (*evtx_free)(void *);
    /* the name hashes of the JSON readers, remembered by field position (vg__event_name_hash):
     * lines of one source name their fields alike, in the same order */
    vg__name_memo memo[VG_EVENT_NAME_MEMO];
};

static inline vg__str vg__field_name(const vg_event *ev, const vg__field *f)
{
    return (vg__str){ev->bytes + f->name, f->nlen};
}
static inline vg__str vg__field_value(const vg_event *ev, const vg__field *f)
{
    return (vg__str){ev->bytes + f->value, f->vlen};
}
static inline vg__str vg__field_lower(const vg_event *ev, const vg__field *f)
{
    return (vg__str){ev->low + f->lower, f->vlen};
}

/* vg_event_add for a name whose vg__hash_lower the caller already has (nhash). */
int vg__event_add_hashed(vg_event *ev, const char *name, size_t nlen, uint32_t nhash,
                         const char *value, size_t vlen, vg_value_type type);
/* Adding many fields at once: vg__event_room makes room for n more fields holding bytes bytes
 * of names and values in all (0, VG_ERR_LIMIT past VG_EVENT_MAX_FIELDS, or VG_ERR_NOMEM);
 * then vg__event_put adds each as vg__event_add_hashed would, without checks. Names and values
 * given to vg__event_put must not point into the event. */
int vg__event_room(vg_event *ev, size_t n, size_t bytes);
void vg__event_put(vg_event *ev, const char *name, size_t nlen, uint32_t nhash, const char *value,
                   size_t vlen, vg_value_type type);
/* A field for vg__event_put_all: the arguments of one vg__event_put. */
typedef struct vg__event_in {
    const char *name, *value;
    uint32_t nlen, nhash, vlen;
    uint8_t type; /* vg_value_type */
} vg__event_in;
/* What events whose fields always have the same names and types in the same order (an EVTX
 * plan's) share: the names laid out once, their hashes and name-bucket links computed once.
 * Its owner gives it zeroed, with room for n fields and nbytes of names (each name's length
 * plus one); vg__event_put_all fills it on first use. */
typedef struct vg__event_frame {
    vg__field *fields; /* names, hashes, types and links; values are set per event */
    char *names;       /* the names, each followed by a NUL: the start of the event's bytes */
    uint32_t n, nbytes;
    int ready;
    uint16_t head[VG_EVENT_BUCKETS], tail[VG_EVENT_BUCKETS];
} vg__event_frame;
/* ev's fields become in[0, fr->n), whose names, hashes and types are those of frame fr (the
 * EVTX plans add a record's fields so): the frame's names, fields and buckets are copied, then
 * each value and its lower-case fold. bytes bounds the names' and values' lengths in all.
 * 0, or VG_ERR_LIMIT / VG_ERR_NOMEM with ev left empty. */
int vg__event_put_all(vg_event *ev, vg__event_frame *fr, const vg__event_in *in, size_t bytes);

/* vg__hash_lower(name, n) for the field about to be added (field ev->n), remembered for that
 * position: the same name there next time is not hashed again. */
uint32_t vg__event_name_hash(vg_event *ev, const char *name, size_t n);
/* The same for the field that will be field at (a reader that adds its fields later). */
uint32_t vg__event_name_hash_at(vg_event *ev, size_t at, const char *name, size_t n);
/* The memo of field at, and whether the n bytes at name are its name (then they hold no space:
 * remembered names never do). */
static inline vg__name_memo *vg__event_memo_at(vg_event *ev, size_t at, const char *name, size_t n,
                                               int *same)
{
    vg__name_memo *m = &ev->memo[at % VG_EVENT_NAME_MEMO];
    uint64_t w[4];
    *same = vg__name_words(name, n, w) && vg__name_memo_is(m, w, n);
    return m;
}
/* vg__event_memo_at for the field about to be added. */
static inline vg__name_memo *vg__event_memo(vg_event *ev, const char *name, size_t n, int *same)
{
    return vg__event_memo_at(ev, ev->n, name, n, same);
}
/* vg__event_put of in[0, n) in turn, in one call, after vg__event_room (nested.c adds the
 * fields of a document so). */
void vg__event_put_many(vg_event *ev, const vg__event_in *in, size_t n);

/* vg_event_from_json without its one-pass ways for flat and nested lines: always through the
 * JSON tape (tests compare them). */
int vg__event_from_json_tape(vg_event *ev, const char *text, size_t len, vg_json_form form,
                             size_t *err_off, char *err, size_t errcap);
/* The one-pass way for nested documents (nested.c): ev cleared and given the fields and form
 * the tape way gives text, without the ECS and NXLog aliases. 0, or 1 when text is not a
 * document it reads (invalid, unusual or past a limit): ev is then partly filled and the
 * caller reads text through the tape for the answer or the error. */
int vg__event_from_nested_json(vg_event *ev, const char *text, size_t len, vg_json_form form);
/* The vg_value_type of a scalar JSON token type (vg__jtype). */
static inline vg_value_type vg__event_jtype(uint8_t t)
{
    switch (t) {
    case VG_J_NUM:
        return VG_VAL_NUMBER;
    case VG_J_TRUE:
    case VG_J_FALSE:
        return VG_VAL_BOOL;
    case VG_J_NULL:
        return VG_VAL_NULL;
    default:
        return VG_VAL_STRING;
    }
}

/* The first field (1 + index; 0: none) whose name hash falls in hash's bucket; follow
 * fields[i].next for the rest, in field order. Compare nhash and the name to be sure. */
static inline uint32_t vg__event_bucket(const vg_event *ev, uint32_t hash)
{
    return ev->head[hash % VG_EVENT_BUCKETS];
}

#endif

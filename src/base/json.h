/*
 * json.h - a validating JSON parser that writes a flat tape instead of a tree.
 *
 * Each value becomes one token: its type, the byte range it covers in the input, a child
 * count, and the index of the token after its subtree, so that skipping a value is O(1) and
 * walking an object needs no pointers. Strings are not copied; vg__json_str() unescapes one
 * on demand. The tape is reusable across documents (JSON lines reuse one per thread).
 */
#ifndef VG_JSON_H
#define VG_JSON_H

#include "base.h"

typedef enum {
    VG_J_NULL,
    VG_J_FALSE,
    VG_J_TRUE,
    VG_J_NUM,
    VG_J_STR,
    VG_J_ARR,
    VG_J_OBJ,
} vg__jtype;

typedef struct vg__jtok {
    uint8_t type;  /* vg__jtype */
    uint8_t esc;   /* strings: contains a backslash escape */
    uint32_t off;  /* strings: first byte after the quote; others: first byte */
    uint32_t len;  /* strings/numbers: byte length; arrays: items; objects: members */
    uint32_t next; /* index of the first token after this value's subtree */
} vg__jtok;

typedef struct vg__json {
    const char *src;
    size_t src_len;
    vg__jtok *tok;
    size_t n, cap;
    /* error, when parse fails */
    size_t err_off;
    char err[128];
} vg__json;

void vg__json_init(vg__json *j);
void vg__json_free(vg__json *j);
/* Parse one document; trailing whitespace only. Returns 0, VG_ERR_SYNTAX (err/err_off set),
 * VG_ERR_LIMIT or VG_ERR_NOMEM. */
int vg__json_parse(vg__json *j, const char *src, size_t len);

/* One pass over a document that is an object of scalars only (a flat JSON line), without a
 * tape: fn gets each member in order (key and value as raw bytes; kesc/vesc say whether they
 * hold escapes, see vg__json_unescape_raw; type is a vg__jtype). Returns 0 when the whole
 * document was read, 1 when it is not valid JSON or not such an object (nothing more is said:
 * the caller parses it with vg__json_parse for the answer or the error), else fn's non-zero
 * return. fn may have been called for some members before 1 is returned. */
typedef int (*vg__json_member_fn)(void *ud, const char *key, size_t klen, int kesc, const char *val,
                                  size_t vlen, int vesc, uint8_t type);
int vg__json_flat_members(vg__json *j, const char *src, size_t len, vg__json_member_fn fn,
                          void *ud);

/* One pass over any document whose top level is an object, without a tape (nested JSON
 * lines): a pull reader. vg__json_open enters the top-level object (0; 1 when the document is
 * not an object or is too long). vg__json_next then gives the next member of the innermost
 * open object (key and val) or item of the innermost open array (val): 1, or 0 when that
 * container closes, or VG_ERR_SYNTAX. A val that is an object or array (type VG_J_OBJ or
 * VG_J_ARR, off at its bracket) has been entered: its members or items come next, unless
 * vg__json_skip reads past its end. vg__json_end says whether the top-level object has closed
 * with only white space after it (0 or VG_ERR_SYNTAX). Everything read is checked as
 * vg__json_parse checks it, up to VG_JSON_MAX_DEPTH, but an error is not described: the caller
 * parses the document with vg__json_parse for that. Tokens are as on the tape (strings: raw
 * body and esc; next unused); j is only scratch, its tape is left empty. */
typedef struct vg__jreader {
    vg__json *j;
    const char *p, *end;
    uint32_t depth;                              /* open containers */
    uint8_t first;                               /* the innermost container has given nothing yet */
    uint64_t arr[(VG_JSON_MAX_DEPTH + 63) / 64]; /* bit d: the container at depth d is an array */
} vg__jreader;
int vg__json_open(vg__jreader *r, vg__json *j, const char *src, size_t len);
int vg__json_next(vg__jreader *r, vg__jtok *key, vg__jtok *val);
int vg__json_skip(vg__jreader *r);
int vg__json_end(const vg__jreader *r);
/* vg__json_next over a run of members of the innermost open container, which must be an
 * object: members go to m[0, n) until one whose value is an object or array (the last, entered
 * as vg__json_next enters it), until cap of them, or until the object closes (*closed = 1, as
 * when vg__json_next gives 0). Returns n (0 when the object closes at once) or VG_ERR_SYNTAX. */
typedef struct vg__jmember {
    vg__jtok key, val;
} vg__jmember;
int vg__json_members(vg__jreader *r, vg__jmember *m, size_t cap, int *closed);

/* Unescape the n raw bytes of a valid JSON string body into out (room for n bytes); returns
 * the length. */
size_t vg__json_unescape_raw(const char *s, size_t n, char *out);

/* Object member lookup by exact key; returns value token index or 0 (index 0 is the root and
 * never a member value). */
uint32_t vg__json_get(const vg__json *j, uint32_t obj, const char *key);
/* Raw bytes of a string token, valid only when !tok.esc. */
vg__str vg__json_raw(const vg__json *j, uint32_t t);
/* Unescaped copy of a string token into the arena; NULL on OOM or if t is not a string. */
char *vg__json_str(const vg__json *j, uint32_t t, vg__arena *a, size_t *out_len);
/* Unescape a string token into buf (cap bytes); returns length or -1 if it does not fit. */
long vg__json_unescape(const vg__json *j, uint32_t t, char *buf, size_t cap);
int vg__json_is_true(const vg__json *j, uint32_t t);

/* Iterate children: first child of container t, then next sibling. For objects each member
 * is a key token followed by its value token. */
static inline uint32_t vg__json_first(const vg__json *j, uint32_t t)
{
    (void)j;
    return t + 1;
}
static inline uint32_t vg__json_after(const vg__json *j, uint32_t t)
{
    return j->tok[t].next;
}

#endif

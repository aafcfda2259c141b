/*
 * yaml.c - builds vg__ynode trees from libyaml's event API (see yaml.h).
 *
 * A stack of open collections receives each scalar or finished collection; map children
 * alternate key, value. Anchors are remembered per document by name and aliases point at the
 * anchored node (shared, never copied), so alias bombs cost nothing. Nesting is bounded by
 * VG_YAML_MAX_DEPTH and node count by VG_YAML_MAX_NODES.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "yaml.h"

typedef struct anchor {
    const char *name;
    vg__ynode *node;
} anchor;

typedef struct builder {
    vg__arena *a; /* nodes, child arrays, anchors */
    vg__arena *s; /* scalar text */
    vg__ynode *stack[VG_YAML_MAX_DEPTH];
    vg__vec child[VG_YAML_MAX_DEPTH]; /* vg__ynode* children per open collection */
    size_t depth;
    vg__vec anchors;
    size_t nodes;
    const char *file;
    vg_diags *diags;
} builder;

static vg__ynode *new_node(builder *b, vg__ytype t, const yaml_mark_t *m)
{
    if (++b->nodes > VG_YAML_MAX_NODES)
        return NULL;
    vg__ynode *n = vg__arena_alloc(b->a, sizeof *n);
    if (!n)
        return NULL;
    n->type = t;
    n->line = (uint32_t)m->line + 1;
    n->col = (uint32_t)m->column + 1;
    n->offset = m->index;
    return n;
}

static int remember(builder *b, const yaml_char_t *name, vg__ynode *n)
{
    if (!name)
        return 0;
    anchor *an = vg__vec_push(&b->anchors, sizeof *an);
    if (!an)
        return VG_ERR_NOMEM;
    an->name = vg__arena_strndup(b->a, (const char *)name, strlen((const char *)name));
    an->node = n;
    return an->name ? 0 : VG_ERR_NOMEM;
}

static vg__ynode *lookup(builder *b, const yaml_char_t *name)
{
    const anchor *an = b->anchors.ptr;
    for (size_t i = b->anchors.len; i-- > 0;)
        if (strcmp(an[i].name, (const char *)name) == 0)
            return an[i].node;
    return NULL;
}

/* Attach a finished node to the open collection (or return it as a document root). */
static int attach(builder *b, vg__ynode *n, vg__ynode **root)
{
    if (b->depth == 0) {
        *root = n;
        return 0;
    }
    vg__ynode **slot = vg__vec_push(&b->child[b->depth - 1], sizeof *slot);
    if (!slot)
        return VG_ERR_NOMEM;
    *slot = n;
    return 0;
}

static int fail(builder *b, int code, const yaml_mark_t *m, const char *msg)
{
    vg__diag_add(b->diags, code, VG_SEV_ERROR, b->file, (uint32_t)m->line + 1,
                 (uint32_t)m->column + 1, m->index, NULL, "%s", msg);
    return code;
}

/* Close the collection on top of the stack: copy its children into the node. */
static int close_collection(builder *b, const yaml_mark_t *m, vg__ynode **root)
{
    vg__ynode *n = b->stack[b->depth - 1];
    vg__vec *ch = &b->child[b->depth - 1];
    vg__ynode **kids = ch->ptr;
    if (n->type == VG_Y_MAP) {
        n->n = ch->len / 2;
        n->keys = vg__arena_alloc(b->a, (n->n + 1) * sizeof *n->keys);
        n->items = vg__arena_alloc(b->a, (n->n + 1) * sizeof *n->items);
        if (!n->keys || !n->items)
            return VG_ERR_NOMEM;
        for (size_t i = 0; i < n->n; i++) {
            n->keys[i] = kids[2 * i];
            n->items[i] = kids[2 * i + 1];
            if (n->keys[i]->type != VG_Y_SCALAR)
                return fail(b, VG_ERR_SYNTAX, m, "map keys must be scalars");
            for (size_t k = 0; k < i; k++) {
                if (strcmp(n->keys[k]->str, n->keys[i]->str) == 0) {
                    char msg[200];
                    snprintf(msg, sizeof msg, "duplicate key '%.120s' (first at line %u)",
                             n->keys[i]->str, n->keys[k]->line);
                    yaml_mark_t km = {n->keys[i]->offset, n->keys[i]->line - 1,
                                      n->keys[i]->col - 1};
                    return fail(b, VG_ERR_DUP, &km, msg);
                }
            }
        }
    } else {
        n->n = ch->len;
        n->items = vg__arena_alloc(b->a, (n->n + 1) * sizeof *n->items);
        if (!n->items)
            return VG_ERR_NOMEM;
        if (n->n) /* an empty sequence has no child vector (kids is NULL) */
            memcpy(n->items, kids, n->n * sizeof *n->items);
    }
    vg__vec_free(ch);
    b->depth--;
    return attach(b, n, root);
}

static int handle(builder *b, yaml_event_t *ev, vg__ynode **root)
{
    vg__ynode *n;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n = new_node(b, VG_Y_SCALAR, &ev->start_mark);
        if (!n)
            return fail(b, VG_ERR_LIMIT, &ev->start_mark, "too many YAML nodes");
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        n->len = ev->data.scalar.length;
        n->str = vg__arena_strndup(b->s, (const char *)ev->data.scalar.value, n->len);
        if (!n->str || remember(b, ev->data.scalar.anchor, n))
            return VG_ERR_NOMEM;
        return attach(b, n, root);
    case YAML_ALIAS_EVENT:
        n = lookup(b, ev->data.alias.anchor);
        if (!n)
            return fail(b, VG_ERR_REF, &ev->start_mark, "alias to an unknown anchor");
        return attach(b, n, root);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (b->depth >= VG_YAML_MAX_DEPTH)
            return fail(b, VG_ERR_LIMIT, &ev->start_mark, "YAML nesting too deep");
        n = new_node(b, ev->type == YAML_MAPPING_START_EVENT ? VG_Y_MAP : VG_Y_SEQ,
                     &ev->start_mark);
        if (!n)
            return fail(b, VG_ERR_LIMIT, &ev->start_mark, "too many YAML nodes");
        if (remember(b,
                     ev->type == YAML_MAPPING_START_EVENT ? ev->data.mapping_start.anchor
                                                          : ev->data.sequence_start.anchor,
                     n))
            return VG_ERR_NOMEM;
        b->stack[b->depth] = n;
        memset(&b->child[b->depth], 0, sizeof b->child[0]);
        b->depth++;
        return 0;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return close_collection(b, &ev->start_mark, root);
    default:
        return 0;
    }
}

static const char *problem_text(const yaml_parser_t *p)
{
    return p->problem ? p->problem : "invalid YAML";
}

int vg__yaml_load(const char *buf, size_t len, const char *file, vg__arena *a, vg__ydocs *out,
                  vg_diags *diags)
{
    return vg__yaml_load_split(buf, len, file, a, a, out, diags);
}

int vg__yaml_load_split(const char *buf, size_t len, const char *file, vg__arena *a,
                        vg__arena *strings, vg__ydocs *out, vg_diags *diags)
{
    memset(out, 0, sizeof *out);
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return VG_ERR_NOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    builder b = {.a = a, .s = strings, .file = file, .diags = diags};
    vg__vec docs = {0};
    vg__ynode *root = NULL;
    int rc = 0, done = 0;
    while (!done && !rc) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            char msg[300], where[80] = "";
            /* a problem found at the end of what libyaml was reading (an unterminated quote)
             * is only clear with the place that reading started */
            if (p.context && p.context_mark.line != p.problem_mark.line)
                snprintf(where, sizeof where, " that starts at line %zu, column %zu",
                         (size_t)p.context_mark.line + 1, (size_t)p.context_mark.column + 1);
            snprintf(msg, sizeof msg, "YAML syntax: %s%s%s%s", problem_text(&p),
                     p.context ? " " : "", p.context ? p.context : "", where);
            rc = fail(&b, VG_ERR_SYNTAX, &p.problem_mark, msg);
            break;
        }
        if (ev.type == YAML_DOCUMENT_START_EVENT) {
            root = NULL;
            b.anchors.len = 0;
        } else if (ev.type == YAML_DOCUMENT_END_EVENT) {
            vg__ynode **slot = vg__vec_push(&docs, sizeof *slot);
            if (!slot)
                rc = VG_ERR_NOMEM;
            else
                *slot = root;
        } else if (ev.type == YAML_STREAM_END_EVENT) {
            done = 1;
        } else {
            rc = handle(&b, &ev, &root);
        }
        yaml_event_delete(&ev);
    }
    for (size_t i = 0; i < b.depth; i++)
        vg__vec_free(&b.child[i]);
    vg__vec_free(&b.anchors);
    yaml_parser_delete(&p);
    out->n = docs.len;
    out->docs = NULL;
    if (docs.len) {
        out->docs = vg__arena_alloc(a, docs.len * sizeof *out->docs);
        if (out->docs)
            memcpy(out->docs, docs.ptr, docs.len * sizeof *out->docs);
        else
            out->n = 0;
    }
    vg__vec_free(&docs);
    return rc;
}

vg__ynode *vg__yaml_get(const vg__ynode *m, const char *key)
{
    if (!m || m->type != VG_Y_MAP)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->keys[i]->str, key) == 0)
            return m->items[i];
    return NULL;
}

int vg__yaml_is_null(const vg__ynode *n)
{
    return n && n->type == VG_Y_SCALAR && n->plain &&
           (n->len == 0 || strcmp(n->str, "null") == 0 || strcmp(n->str, "~") == 0 ||
            strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}

int vg__yaml_is_bool(const vg__ynode *n, int *v)
{
    static const char *const t[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
    static const char *const f[] = {"false", "False", "FALSE", "no", "No",
                                    "NO",    "off",   "Off",   "OFF"};
    if (!n || n->type != VG_Y_SCALAR || !n->plain)
        return 0;
    for (size_t i = 0; i < VG_ARRAY_LEN(t); i++) {
        if (strcmp(n->str, t[i]) == 0) {
            *v = 1;
            return 1;
        }
        if (strcmp(n->str, f[i]) == 0) {
            *v = 0;
            return 1;
        }
    }
    return 0;
}

void vg__yaml_error(vg_diags *d, const char *file, const vg__ynode *n, const char *fmt, ...)
{
    char msg[VG_DIAG_MAX_MESSAGE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    vg__diag_add(d, VG_ERR_TYPE, VG_SEV_ERROR, file, n ? n->line : 1, n ? n->col : 1,
                 n ? n->offset : 0, NULL, "%s", msg);
}

int vg__yaml_is_number(const vg__ynode *n)
{
    if (!n || n->type != VG_Y_SCALAR || !n->plain || !n->len)
        return 0;
    const char *s = n->str;
    if (*s == '-' || *s == '+')
        s++;
    int digits = 0, dot = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (*s == '.' && !dot)
            dot = 1;
        else
            return 0;
    }
    return digits > 0;
}

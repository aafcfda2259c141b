/*
 * yaml.h - a small read-only YAML document tree built with libyaml.
 *
 * Sigma needs three things libyaml's event stream does not give directly: random access to
 * maps (detection, logsource), the position of every node for diagnostics, and the scalar
 * style (a plain `null` or `123` means something else than a quoted one). vg__yaml_load()
 * parses every document of a stream into nodes allocated from an arena; anchors and aliases are
 * resolved to the anchored node. Duplicate map keys are reported, as YAML forbids them.
 */
#ifndef VG_YAML_H
#define VG_YAML_H

#include "../base/base.h"

typedef enum {
    VG_Y_SCALAR,
    VG_Y_SEQ,
    VG_Y_MAP,
} vg__ytype;

typedef struct vg__ynode vg__ynode;
struct vg__ynode {
    vg__ytype type;
    uint8_t plain;   /* scalar written without quotes or block style */
    uint32_t line;   /* 1-based */
    uint32_t col;    /* 1-based */
    uint64_t offset; /* byte offset */
    const char *str; /* scalars: NUL-terminated value */
    size_t len;
    /* sequences: items; maps: keys[i] -> items[i] */
    vg__ynode **items;
    vg__ynode **keys;
    size_t n;
};

typedef struct vg__ydocs {
    vg__ynode **docs;
    size_t n;
} vg__ydocs;

/* Parse all documents. On a syntax error returns VG_ERR_SYNTAX with a diagnostic (file, line,
 * column, libyaml's reason) and the documents before the error in *out. */
int vg__yaml_load(const char *buf, size_t len, const char *file, vg__arena *a, vg__ydocs *out,
                  vg_diags *diags);

/* The same with the scalars' text in its own arena: a caller that keeps only the text can free
 * the nodes (a; the Sigma loader) once it has read the documents. */
int vg__yaml_load_split(const char *buf, size_t len, const char *file, vg__arena *a,
                        vg__arena *strings, vg__ydocs *out, vg_diags *diags);

/* Map lookup by exact key; NULL if absent or m is not a map. */
vg__ynode *vg__yaml_get(const vg__ynode *m, const char *key);
/* Scalar is a plain null / ~ / empty. */
int vg__yaml_is_null(const vg__ynode *n);
/* Plain scalar that YAML 1.1/1.2 reads as a boolean; sets *v. */
int vg__yaml_is_bool(const vg__ynode *n, int *v);
/* Plain scalar that is an integer or float. */
int vg__yaml_is_number(const vg__ynode *n);

/* An error diagnostic (VG_ERR_TYPE) at node n, or at the start of the file when n is NULL,
 * its message formatted like printf: for readers of YAML files that check what they read. */
void vg__yaml_error(vg_diags *d, const char *file, const vg__ynode *n, const char *fmt, ...)
    VG_PRINTF(4, 5);

#endif

/*
 * modifiers.h - Sigma value modifiers: parsing a field's modifier chain and compiling its
 * values through it (modifiers.c). Shared with compile.c.
 */
#ifndef VG_MODIFIERS_H
#define VG_MODIFIERS_H

#include "sigma.h"

/* Compilation context of one document. */
typedef struct vg__cctx {
    const vg_ruleset *rs; /* read only: kb, profile, placeholders */
    vg__ctarget *t;       /* where the rule goes */
    const char *file;
    vg_diags *diags;
    const char *rule_id;
    int failed;
    uint32_t doc_line;
    const vg__ynode *cur; /* value being compiled: the position of warnings without one */
} vg__cctx;

int vg__cerror(vg__cctx *c, const vg__ynode *at, int code, const char *msg);
void vg__cwarn(vg__cctx *c, const vg__ynode *at, const char *fmt, ...) VG_PRINTF(3, 4);

typedef enum {
    M_CONTAINS,
    M_STARTSWITH,
    M_ENDSWITH,
    M_ALL,
    M_RE,
    M_RE_I,
    M_RE_M,
    M_RE_S,
    M_BASE64,
    M_BASE64OFFSET,
    M_UTF16LE,
    M_UTF16BE,
    M_UTF16,
    M_WIDE,
    M_WINDASH,
    M_CIDR,
    M_EXISTS,
    M_CASED,
    M_NEQ,
    M_LT,
    M_LTE,
    M_GT,
    M_GTE,
    M_MINUTE,
    M_HOUR,
    M_DAY,
    M_WEEK,
    M_MONTH,
    M_YEAR,
    M_EXPAND,
    M_FIELDREF,
    M_COUNT,
} vg__modid;

typedef struct vg__mods {
    uint64_t bits; /* 1 << vg__modid */
    uint8_t order[VG_SIGMA_MAX_MODIFIERS];
    size_t n;
} vg__mods;

/* Parse "contains|all" (text after the field's first '|'; NULL = none). */
int vg__mods_parse(vg__cctx *c, const vg__ynode *at, const char *text, vg__mods *out);
/* Compile the value node (scalar or list) of an item through its modifiers. */
int vg__mods_compile_values(vg__cctx *c, const vg__mods *m, const vg__ynode *val, vg__item *it);

#endif

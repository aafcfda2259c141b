/*
 * attack.h - internal model of the ATT&CK knowledge base.
 *
 * Loading (load.c) turns each STIX object of interest into a vg__aobj: the public
 * vg_attack_obj plus the raw references it holds (kill-chain phases, analytic refs, log-source
 * component refs). Relationships are kept raw as STIX id pairs. finalize (kb.c) resolves every
 * reference to an object pointer, builds edge arrays, orders tactics by their matrix and fills
 * the lookup indexes; it can run again after more bundles are loaded, rebuilding from the raw
 * data. Everything lives in two arenas: `arena` for loaded data, `fin` for what finalize
 * derives (reset on each finalize).
 */
#ifndef VG_ATTACK_INTERNAL_H
#define VG_ATTACK_INTERNAL_H

#include "../base/base.h"

typedef struct vg__phase {
    const char *name; /* tactic shortname, e.g. "execution" */
    uint32_t domain;  /* VG_DOMAIN_* from the kill-chain name */
} vg__phase;

typedef struct vg__rawsrc {
    const char *component_ref; /* STIX id or NULL */
    const char *name, *channel;
} vg__rawsrc;

typedef struct vg__aobj {
    vg_attack_obj pub;
    vg__phase *phases;
    size_t n_phases;
    const char **refs; /* matrix: tactic_refs; detection strategy: analytic refs */
    size_t n_refs;
    const char *data_source_ref;
    vg__rawsrc *rawsrc;
    size_t n_rawsrc;
    const char **aliases;
    size_t n_aliases;
} vg__aobj;

typedef struct vg__rawrel {
    vg_attack_rel rel;
    const char *src, *dst;
    const char *id;
} vg__rawrel;

struct vg_attack {
    vg__arena arena;
    vg__vec objs;     /* vg__aobj*, load order */
    vg__vec rels;     /* vg__rawrel */
    vg__smap by_stix; /* stix id -> objs index */
    vg__smap rel_ids; /* relationship ids already loaded */
    const char *platforms[VG_ATTACK_MAX_PLATFORMS];
    unsigned n_platforms;
    size_t bundles;
    int embedded;
    char newest[32]; /* newest "modified" seen */
    char version[96];
    /* derived by finalize */
    vg__arena fin;
    vg__smap by_key; /* lower-cased attack id / name / alias -> objs index */
    const vg_attack_obj **tactics[3];
    size_t n_tactics[3];
    size_t rel_count[VG_REL_COUNT];
    int finalized;
};

static inline vg__aobj *vg__aobj_at(const vg_attack *kb, size_t i)
{
    return ((vg__aobj **)kb->objs.ptr)[i];
}

/* domain bit -> 0..2 */
int vg__domain_slot(uint32_t domain);
uint32_t vg__domain_from_name(vg__str s);
const vg_attack_obj *vg__attack_tactic_by_short(const vg_attack *kb, uint32_t domain,
                                                const char *shortname);

#endif

/*
 * event.h - internal layout of vg_event (see event.c).
 */
#ifndef VG_EVENT_H
#define VG_EVENT_H

#include "../base/base.h"
#include "../base/json.h"

typedef struct vg__field {
    uint32_t name, value; /* offsets into bytes */
    uint32_t lower;       /* offset of the value folded to ASCII lower case (same length) */
    uint32_t nhash;       /* vg__hash_lower of the name: lookups compare it first */
    uint32_t nlen, vlen;
    uint8_t type; /* vg_value_type */
} vg__field;

struct vg_event {
    vg__field *fields;
    size_t n, fcap;
    char *bytes;
    size_t used, cap;
    vg__json json; /* reused tape for vg_event_from_json */
    int form;      /* vg_json_form of the last document */
    void *flat;    /* flattening scratch of vg_event_from_json, kept between documents */
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
    return (vg__str){ev->bytes + f->lower, f->vlen};
}

#endif

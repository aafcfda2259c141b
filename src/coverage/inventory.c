/*
 * inventory.c - what the logs really contain: sources, hosts, time ranges, field fill rates.
 *
 * A source is a (channel, event ID) pair. For each source the inventory counts events, keeps
 * the first and last event time (as ISO text, so ordering is string ordering), counts events
 * per computer, and counts for each field name how many events carry it with a non-empty
 * value. Sources are found through a hash map keyed by "channel\x1fevent_id" (the last one
 * first); hosts and fields are short per-source lists searched linearly (a source rarely has
 * more than a few dozen fields or hosts, and the lists grow geometrically). Events of a source
 * are mostly named alike, so each source keeps the names of its last event as field indices
 * (its shape): an event with the same names in the same order is counted without a search. Coverage
 * uses the inventory to decide which rules have data; `vigil data inventory` prints it. A stored
 * inventory (`vigil scan
 * --db`) is added back from its counts (vg__inventory_add_host / _field, inventory.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "inventory.h"

typedef struct source {
    char *channel, *event_id, *key;
    uint64_t events;
    char first[40], last[40];
    vg__vec hosts;       /* char* */
    vg__vec host_events; /* uint64_t */
    vg__vec fields;      /* char* (owned by names), in the order first counted */
    vg__vec field_events;
    /* every field name met, counted or not: names[i] is fields[name_out[i]] once it has a
     * count (name_out[i] is NO_OUT before) */
    vg__vec names;     /* char* */
    vg__vec name_lens; /* size_t */
    vg__vec name_out;  /* uint32_t */
    /* the names of the last event added, as indices into names (FIELD_DUP: a name repeated in
     * that event): an event named alike needs no search */
    vg__vec shape; /* uint32_t */
} source;

#define NO_OUT UINT32_MAX

#define FIELD_DUP 0x80000000u

struct vg_inventory {
    vg__vec sources; /* source* */
    vg__smap index;
    int sorted;
    source *last; /* the source of the last event added */
};

vg_inventory *vg_inventory_new(void)
{
    return calloc(1, sizeof(vg_inventory));
}

static void free_strs(vg__vec *v)
{
    for (size_t i = 0; i < v->len; i++)
        free(((char **)v->ptr)[i]);
    vg__vec_free(v);
}

void vg_inventory_free(vg_inventory *inv)
{
    if (!inv)
        return;
    for (size_t i = 0; i < inv->sources.len; i++) {
        source *s = ((source **)inv->sources.ptr)[i];
        free(s->channel);
        free(s->event_id);
        free(s->key);
        free_strs(&s->hosts);
        vg__vec_free(&s->host_events);
        vg__vec_free(&s->fields);
        vg__vec_free(&s->field_events);
        free_strs(&s->names);
        vg__vec_free(&s->name_lens);
        vg__vec_free(&s->name_out);
        vg__vec_free(&s->shape);
        free(s);
    }
    vg__vec_free(&inv->sources);
    vg__smap_free(&inv->index);
    free(inv);
}

static char *dup_view(vg_str v)
{
    char *p = malloc(v.len + 1);
    if (p) {
        if (v.len)
            memcpy(p, v.ptr, v.len);
        p[v.len] = 0;
    }
    return p;
}

/* Count by occurrences of name in (names, counts); adds it when new. */
static int bump_by(vg__vec *names, vg__vec *counts, vg_str name, uint64_t by)
{
    char **n = names->ptr;
    for (size_t i = 0; i < names->len; i++)
        if (strlen(n[i]) == name.len && memcmp(n[i], name.ptr, name.len) == 0) {
            ((uint64_t *)counts->ptr)[i] += by;
            return 0;
        }
    char **slot = vg__vec_push(names, sizeof *slot);
    uint64_t *c = slot ? vg__vec_push(counts, sizeof *c) : NULL;
    if (!c || !(*slot = dup_view(name)))
        return VG_ERR_NOMEM;
    *c = by;
    return 0;
}

static int bump(vg__vec *names, vg__vec *counts, vg_str name)
{
    return bump_by(names, counts, name, 1);
}

/* The index of field name in s->names (added, uncounted, when new), or -1 (out of memory). */
static long field_index(source *s, vg_str name)
{
    char **n = s->names.ptr;
    const size_t *len = s->name_lens.ptr;
    for (size_t i = 0; i < s->names.len; i++)
        if (len[i] == name.len && memcmp(n[i], name.ptr, name.len) == 0)
            return (long)i;
    char **slot = vg__vec_push(&s->names, sizeof *slot);
    size_t *l = slot ? vg__vec_push(&s->name_lens, sizeof *l) : NULL;
    uint32_t *o = l ? vg__vec_push(&s->name_out, sizeof *o) : NULL;
    if (!o || !(*slot = dup_view(name)))
        return -1;
    *l = name.len;
    *o = NO_OUT;
    return (long)(s->names.len - 1);
}

/* The count of names[i], listed in fields when it is first counted; NULL (out of memory). */
static uint64_t *field_count(source *s, size_t i)
{
    uint32_t *out = s->name_out.ptr;
    if (out[i] == NO_OUT) {
        char **f = vg__vec_push(&s->fields, sizeof *f);
        uint64_t *c = f ? vg__vec_push(&s->field_events, sizeof *c) : NULL;
        if (!c)
            return NULL;
        *f = ((char **)s->names.ptr)[i];
        out[i] = (uint32_t)(s->fields.len - 1);
    }
    return (uint64_t *)s->field_events.ptr + out[i];
}

/* The count of field name bumped by by (a stored or merged inventory). */
static int bump_field(source *s, vg_str name, uint64_t by)
{
    long i = field_index(s, name);
    uint64_t *c = i < 0 ? NULL : field_count(s, (size_t)i);
    if (!c)
        return VG_ERR_NOMEM;
    *c += by;
    return 0;
}

/* Whether ev's field names are, in order, those of s->shape. */
static int same_shape(const source *s, const vg_event *ev)
{
    size_t n = vg_event_count(ev);
    if (n != s->shape.len)
        return 0;
    const uint32_t *shape = s->shape.ptr;
    char **names = s->names.ptr;
    const size_t *len = s->name_lens.ptr;
    for (size_t i = 0; i < n; i++) {
        vg_str name;
        vg_event_field(ev, i, &name, NULL, NULL);
        uint32_t f = shape[i] & ~FIELD_DUP;
        if (len[f] != name.len || memcmp(names[f], name.ptr, name.len) != 0)
            return 0;
    }
    return 1;
}

/* s->shape for ev's names, adding new names to s: each name's field index, marked FIELD_DUP
 * when an earlier field of ev has the same name. */
static int make_shape(source *s, const vg_event *ev)
{
    size_t n = vg_event_count(ev);
    s->shape.len = 0;
    for (size_t i = 0; i < n; i++) {
        vg_str name;
        vg_event_field(ev, i, &name, NULL, NULL);
        long f = field_index(s, name);
        uint32_t *slot = f < 0 ? NULL : vg__vec_push(&s->shape, sizeof *slot);
        if (!slot)
            return VG_ERR_NOMEM;
        *slot = (uint32_t)f;
        for (size_t k = 0; k < i; k++)
            if ((((uint32_t *)s->shape.ptr)[k] & ~FIELD_DUP) == (uint32_t)f) {
                *slot |= FIELD_DUP;
                break;
            }
    }
    return 0;
}

static source *find_source(vg_inventory *inv, vg_str ch, vg_str id)
{
    char key[1024];
    size_t cl = ch.len < 500 ? ch.len : 500, il = id.len < 100 ? id.len : 100;
    if (cl)
        memcpy(key, ch.ptr, cl);
    key[cl] = '\x1f';
    if (il)
        memcpy(key + cl + 1, id.ptr, il);
    int n = (int)(cl + 1 + il);
    key[n] = 0;
    source *last = inv->last; /* events of one source tend to come together */
    if (last && strlen(last->key) == (size_t)n && memcmp(last->key, key, (size_t)n) == 0)
        return last;
    size_t it = 0;
    uint32_t v;
    if (vg__smap_next(&inv->index, key, (size_t)n, &it, &v))
        return inv->last = ((source **)inv->sources.ptr)[v];
    source *s = calloc(1, sizeof *s);
    source **slot = s ? vg__vec_push(&inv->sources, sizeof *slot) : NULL;
    if (!slot) {
        free(s);
        return NULL;
    }
    *slot = s;
    s->channel = dup_view(ch);
    s->event_id = dup_view(id);
    s->key = dup_view((vg_str){key, (size_t)n});
    if (!s->channel || !s->event_id || !s->key ||
        vg__smap_add(&inv->index, s->key, (size_t)n, (uint32_t)(inv->sources.len - 1)))
        return NULL;
    return inv->last = s;
}

int vg_inventory_add(vg_inventory *inv, const vg_event *ev)
{
    vg_str ch = vg_event_get(ev, "Channel"), id = vg_event_get(ev, "EventID");
    source *s = find_source(inv, ch, id);
    if (!s)
        return VG_ERR_NOMEM;
    inv->sorted = 0;
    s->events++;
    char t[40];
    if (vg_event_time_iso(ev, t, sizeof t)) {
        if (!s->first[0] || strcmp(t, s->first) < 0)
            memcpy(s->first, t, sizeof t);
        if (strcmp(t, s->last) > 0)
            memcpy(s->last, t, sizeof t);
    }
    vg_str host = vg_event_get(ev, "Computer");
    if (bump(&s->hosts, &s->host_events, host.ptr ? host : (vg_str){"", 0}))
        return VG_ERR_NOMEM;
    if (!same_shape(s, ev) && make_shape(s, ev))
        return VG_ERR_NOMEM;
    const uint32_t *shape = s->shape.ptr;
    const uint32_t *out = s->name_out.ptr;
    for (size_t i = 0; i < vg_event_count(ev); i++) {
        /* a field repeated in one event (an array) counts once, by its first occurrence */
        if (shape[i] & FIELD_DUP)
            continue;
        vg_str value;
        vg_value_type type;
        vg_event_field(ev, i, NULL, &value, &type);
        if (!value.len || type == VG_VAL_NULL)
            continue;
        if (out[shape[i]] != NO_OUT) {
            ((uint64_t *)s->field_events.ptr)[out[shape[i]]]++;
        } else {
            uint64_t *c = field_count(s, shape[i]);
            if (!c)
                return VG_ERR_NOMEM;
            ++*c;
        }
    }
    return 0;
}

/* Take first..last into the source's time range. */
static void widen(source *s, const char *first, const char *last)
{
    if (first && first[0] && (!s->first[0] || strcmp(first, s->first) < 0))
        snprintf(s->first, sizeof s->first, "%s", first);
    if (last && strcmp(last, s->last) > 0)
        snprintf(s->last, sizeof s->last, "%s", last);
}

int vg_inventory_merge(vg_inventory *dst, const vg_inventory *src)
{
    for (size_t i = 0; src && i < src->sources.len; i++) {
        const source *from = ((source **)src->sources.ptr)[i];
        source *to = find_source(dst, (vg_str){from->channel, strlen(from->channel)},
                                 (vg_str){from->event_id, strlen(from->event_id)});
        if (!to)
            return VG_ERR_NOMEM;
        dst->sorted = 0;
        to->events += from->events;
        widen(to, from->first, from->last);
        for (size_t h = 0; h < from->hosts.len; h++) {
            const char *name = ((char **)from->hosts.ptr)[h];
            if (bump_by(&to->hosts, &to->host_events, (vg_str){name, strlen(name)},
                        ((uint64_t *)from->host_events.ptr)[h]))
                return VG_ERR_NOMEM;
        }
        for (size_t f = 0; f < from->fields.len; f++) {
            const char *name = ((char **)from->fields.ptr)[f];
            if (bump_field(to, (vg_str){name, strlen(name)},
                           ((uint64_t *)from->field_events.ptr)[f]))
                return VG_ERR_NOMEM;
        }
    }
    return 0;
}

static vg_str view(const char *s)
{
    return (vg_str){s ? s : "", s ? strlen(s) : 0};
}

int vg__inventory_add_host(vg_inventory *inv, const char *channel, const char *event_id,
                           const char *host, uint64_t events, const char *first, const char *last)
{
    source *s = find_source(inv, view(channel), view(event_id));
    if (!s)
        return VG_ERR_NOMEM;
    inv->sorted = 0;
    s->events += events;
    widen(s, first, last);
    return bump_by(&s->hosts, &s->host_events, view(host), events);
}

int vg__inventory_add_field(vg_inventory *inv, const char *channel, const char *event_id,
                            const char *field, uint64_t events)
{
    source *s = find_source(inv, view(channel), view(event_id));
    if (!s)
        return VG_ERR_NOMEM;
    inv->sorted = 0;
    return bump_field(s, view(field), events);
}

size_t vg_inventory_count(const vg_inventory *inv)
{
    return inv ? inv->sources.len : 0;
}

static int cmp_id(const char *a, const char *b)
{
    long x = strtol(a, NULL, 10), y = strtol(b, NULL, 10);
    return x != y ? (x > y) - (x < y) : strcmp(a, b);
}

static int cmp_source(const void *pa, const void *pb)
{
    const source *a = *(source *const *)pa, *b = *(source *const *)pb;
    int c = strcmp(a->channel, b->channel);
    return c ? c : cmp_id(a->event_id, b->event_id);
}

/* Sort hosts (with their counts) by name. */
static void sort_hosts(source *s)
{
    char **h = s->hosts.ptr;
    uint64_t *c = s->host_events.ptr;
    for (size_t i = 1; i < s->hosts.len; i++)
        for (size_t k = i; k > 0 && strcmp(h[k], h[k - 1]) < 0; k--) {
            char *th = h[k];
            uint64_t tc = c[k];
            h[k] = h[k - 1];
            c[k] = c[k - 1];
            h[k - 1] = th;
            c[k - 1] = tc;
        }
}

int vg_inventory_source_get(vg_inventory *inv, size_t i, vg_inventory_source *out)
{
    if (!inv || i >= inv->sources.len)
        return VG_ERR_RANGE;
    if (!inv->sorted) {
        qsort(inv->sources.ptr, inv->sources.len, sizeof(source *), cmp_source);
        vg__smap_free(&inv->index);
        for (size_t k = 0; k < inv->sources.len; k++) {
            source *s = ((source **)inv->sources.ptr)[k];
            sort_hosts(s);
            if (vg__smap_add(&inv->index, s->key, strlen(s->key), (uint32_t)k))
                return VG_ERR_NOMEM;
        }
        inv->sorted = 1;
    }
    const source *s = ((source **)inv->sources.ptr)[i];
    *out = (vg_inventory_source){s->channel,
                                 s->event_id,
                                 s->events,
                                 s->first,
                                 s->last,
                                 s->hosts.len,
                                 (const char *const *)s->hosts.ptr,
                                 s->host_events.ptr,
                                 s->fields.len,
                                 (const char *const *)s->fields.ptr,
                                 s->field_events.ptr};
    return 0;
}

/*
 * sources.c - the facts of where Windows events come from (data/sources/windows.yml).
 *
 * The file lists channels, each with the provider that writes it, the hosts that have it, how
 * it is turned on, the names ATT&CK's analytics use for it, and per event ID (or group of IDs)
 * what the event records, the audit subcategory, Sysmon element or policy that produces it and
 * how to get fields that are off by default. The built-in copy is linked into the binary
 * (src/attack/embedded.S); `--sources FILE` reads another. Everything is checked when loading:
 * an unknown key, a missing channel or enable, an event ID that is not a number or is listed
 * twice is an error with file, line and column, and the file is refused. Lookups are linear:
 * the file holds a few dozen channels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sigma/yaml.h"
#include "needs.h"

extern const char vg__winsources_start[];
extern const char vg__winsources_end[];

#define BUILTIN_NAME "<built-in sources>"

typedef struct fact_event {
    uint32_t *ids;
    size_t n_ids;
    const char *what, *enable, *hosts, *provider;
    const vg__ynode *what_by_id; /* map event ID -> what it records, or NULL */
    const vg__ynode *fields;     /* map field -> how to get it, or NULL */
} fact_event;

typedef struct fact_channel {
    const char *channel, *provider, *hosts, *enable;
    const vg__ynode *attack; /* scalar or list of scalars, or NULL */
    fact_event *events;
    size_t n_events;
} fact_channel;

struct vg_sources {
    vg__arena arena; /* the YAML nodes and everything below */
    fact_channel *ch;
    size_t n;
};

typedef struct loader {
    vg_sources *s;
    const char *file;
    vg_diags *d;
    int errors;
} loader;

/* An error at node at (NULL: the start of the file), counted. */
#define err(l, at, ...) (vg__yaml_error((l)->d, (l)->file, (at), __VA_ARGS__), (l)->errors++)

static int ieq(const char *a, const char *b)
{
    return vg__str_ieq(vg__str_c(a), vg__str_c(b));
}

/* Check that map m has only the keys allowed (NULL-terminated). */
static void only_keys(loader *l, const vg__ynode *m, const char *const *allowed, const char *what)
{
    for (size_t i = 0; i < m->n; i++) {
        int ok = 0;
        for (size_t k = 0; allowed[k] && !ok; k++)
            ok = strcmp(m->keys[i]->str, allowed[k]) == 0;
        if (!ok)
            err(l, m->keys[i], "unknown key '%s' in %s", m->keys[i]->str, what);
    }
}

/* A string value of key in m: "" when absent, NULL (reported) when not a scalar. */
static const char *text(loader *l, const vg__ynode *m, const char *key, int required)
{
    const vg__ynode *v = vg__yaml_get(m, key);
    if (!v) {
        if (required)
            err(l, m, "'%s' is required here", key);
        return required ? NULL : "";
    }
    if (v->type != VG_Y_SCALAR || (required && !v->len)) {
        err(l, v, "'%s' must be text", key);
        return NULL;
    }
    return v->str;
}

static int parse_id(loader *l, const vg__ynode *v, uint32_t *out)
{
    int ok = v->type == VG_Y_SCALAR && v->len && v->len <= 5 &&
             strspn(v->str, "0123456789") == v->len && strtoul(v->str, NULL, 10) <= 65535;
    if (!ok) {
        err(l, v, "an event ID must be a number from 0 to 65535%s%s%s",
            v->type == VG_Y_SCALAR ? ", not '" : "", v->type == VG_Y_SCALAR ? v->str : "",
            v->type == VG_Y_SCALAR ? "'" : "");
        return -1;
    }
    *out = (uint32_t)strtoul(v->str, NULL, 10);
    return 0;
}

/* Has channel ch an ID already (in events before e)? The node of the earlier one is not kept,
 * so the message names the ID and channel. */
static int listed(const fact_channel *ch, size_t upto, uint32_t id)
{
    for (size_t e = 0; e < upto; e++)
        for (size_t i = 0; i < ch->events[e].n_ids; i++)
            if (ch->events[e].ids[i] == id)
                return 1;
    return 0;
}

/* 'what' written per event ID: every key must be one of the entry's IDs. */
static void read_what_map(loader *l, fact_event *e, const vg__ynode *what)
{
    e->what = "";
    e->what_by_id = what;
    for (size_t i = 0; i < what->n; i++) {
        uint32_t id;
        int known = 0;
        if (parse_id(l, what->keys[i], &id))
            continue;
        for (size_t k = 0; k < e->n_ids && !known; k++)
            known = e->ids[k] == id;
        if (!known)
            err(l, what->keys[i], "event ID %u is not in this entry's 'ids'", (unsigned)id);
        if (what->items[i]->type != VG_Y_SCALAR)
            err(l, what->items[i], "what event %u records must be text", (unsigned)id);
    }
}

static void read_event(loader *l, fact_channel *ch, size_t ei, const vg__ynode *m)
{
    static const char *const keys[] = {"ids",      "what",   "enable", "hosts",
                                       "provider", "fields", NULL};
    fact_event *e = &ch->events[ei];
    if (m->type != VG_Y_MAP) {
        err(l, m, "an event entry is a map with 'ids'");
        return;
    }
    const vg__ynode *ids = vg__yaml_get(m, "ids");
    if (!ids)
        err(l, m, "'%s' is required here", "ids");
    only_keys(l, m, keys, "an event entry");
    if (!ids)
        return;
    size_t n = ids->type == VG_Y_SEQ ? ids->n : 1;
    if (!n)
        err(l, ids, "'ids' lists no event ID");
    e->ids = vg__arena_alloc(&l->s->arena, (n + 1) * sizeof *e->ids);
    if (!e->ids)
        return;
    for (size_t i = 0; i < n; i++) {
        const vg__ynode *v = ids->type == VG_Y_SEQ ? ids->items[i] : ids;
        uint32_t id;
        if (parse_id(l, v, &id))
            continue;
        int dup = listed(ch, ei, id);
        for (size_t k = 0; k < e->n_ids && !dup; k++)
            dup = e->ids[k] == id;
        if (dup) {
            err(l, v, "event ID %u is listed twice for channel '%s'", (unsigned)id,
                ch->channel ? ch->channel : "?");
            continue;
        }
        e->ids[e->n_ids++] = id;
    }
    const vg__ynode *what = vg__yaml_get(m, "what");
    if (what && what->type == VG_Y_MAP)
        read_what_map(l, e, what);
    else
        e->what = text(l, m, "what", 0);
    e->enable = text(l, m, "enable", 0);
    e->hosts = text(l, m, "hosts", 0);
    e->provider = text(l, m, "provider", 0);
    e->fields = vg__yaml_get(m, "fields");
    if (e->fields && e->fields->type != VG_Y_MAP) {
        err(l, e->fields, "'fields' maps field names to how to get them");
        e->fields = NULL;
    }
    for (size_t i = 0; e->fields && i < e->fields->n; i++)
        if (e->fields->items[i]->type != VG_Y_SCALAR)
            err(l, e->fields->items[i], "how to get field '%s' must be text",
                e->fields->keys[i]->str);
}

static void read_channel(loader *l, fact_channel *ch, const vg__ynode *m)
{
    static const char *const keys[] = {"channel", "provider", "attack", "hosts",
                                       "enable",  "events",   NULL};
    if (m->type != VG_Y_MAP) {
        err(l, m, "a channel entry is a map with 'channel' and 'enable'");
        return;
    }
    ch->channel = text(l, m, "channel", 1);
    ch->enable = text(l, m, "enable", 1);
    ch->provider = text(l, m, "provider", 0);
    ch->hosts = text(l, m, "hosts", 0);
    only_keys(l, m, keys, "a channel entry");
    ch->attack = vg__yaml_get(m, "attack");
    if (ch->attack && ch->attack->type == VG_Y_MAP) {
        err(l, ch->attack, "'attack' is a name or a list of ATT&CK log-source names");
        ch->attack = NULL;
    }
    for (size_t i = 0; ch->attack && ch->attack->type == VG_Y_SEQ && i < ch->attack->n; i++)
        if (ch->attack->items[i]->type != VG_Y_SCALAR)
            err(l, ch->attack->items[i], "'attack' is a list of names");
    const vg__ynode *ev = vg__yaml_get(m, "events");
    if (ev && ev->type != VG_Y_SEQ) {
        err(l, ev, "'events' must be a list");
        return;
    }
    if (!ev || !ev->n)
        return;
    ch->events = vg__arena_alloc(&l->s->arena, ev->n * sizeof *ch->events);
    if (!ch->events)
        return;
    for (size_t i = 0; i < ev->n; i++)
        read_event(l, ch, i, ev->items[i]);
    ch->n_events = ev->n;
}

static int parse(vg_sources *s, const char *buf, size_t len, const char *file, vg_diags *d)
{
    vg__ydocs docs;
    int rc = vg__yaml_load(buf, len, file, &s->arena, &docs, d);
    if (rc)
        return rc;
    loader l = {s, file, d, 0};
    const vg__ynode *root = docs.n ? docs.docs[0] : NULL;
    static const char *const keys[] = {"channels", NULL};
    const vg__ynode *list = root && root->type == VG_Y_MAP ? vg__yaml_get(root, "channels") : NULL;
    if (!list || list->type != VG_Y_SEQ) {
        err(&l, list ? list : root, "a sources file is a map with a list 'channels'");
        return VG_ERR_TYPE;
    }
    only_keys(&l, root, keys, "the sources file");
    s->ch = vg__arena_alloc(&s->arena, (list->n + 1) * sizeof *s->ch);
    if (!s->ch)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < list->n; i++) {
        fact_channel *ch = &s->ch[s->n];
        read_channel(&l, ch, list->items[i]);
        if (!ch->channel || !ch->enable)
            continue;
        for (size_t k = 0; k < s->n; k++)
            if (ieq(s->ch[k].channel, ch->channel)) {
                err(&l, vg__yaml_get(list->items[i], "channel"), "channel '%s' is listed twice",
                    ch->channel);
                break;
            }
        s->n++;
    }
    return l.errors ? VG_ERR_TYPE : 0;
}

int vg_sources_load(const char *path, vg_sources **out, vg_diags *diags)
{
    *out = NULL;
    vg_sources *s = calloc(1, sizeof *s);
    if (!s)
        return VG_ERR_NOMEM;
    vg__arena_init(&s->arena);
    int rc;
    if (!path) {
        rc = parse(s, vg__winsources_start, (size_t)(vg__winsources_end - vg__winsources_start),
                   BUILTIN_NAME, diags);
    } else {
        char *buf;
        size_t len;
        rc = vg__read_file(path, VG_SOURCES_MAX_FILE, &buf, &len);
        if (rc)
            vg__diag_add(diags, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL, "cannot read: %s",
                         vg_strerror(rc));
        else {
            rc = parse(s, buf, len, path, diags);
            free(buf);
        }
    }
    if (rc) {
        vg_sources_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void vg_sources_free(vg_sources *s)
{
    if (!s)
        return;
    vg__arena_free(&s->arena);
    free(s);
}

static const fact_channel *channel_of(const vg_sources *s, const char *channel)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (ieq(s->ch[i].channel, channel))
            return &s->ch[i];
    return NULL;
}

static const fact_event *event_of(const fact_channel *ch, const char *event_id)
{
    if (!ch || !event_id || !*event_id || strspn(event_id, "0123456789") != strlen(event_id))
        return NULL;
    unsigned long id = strtoul(event_id, NULL, 10);
    for (size_t e = 0; e < ch->n_events; e++)
        for (size_t i = 0; i < ch->events[e].n_ids; i++)
            if (ch->events[e].ids[i] == id)
                return &ch->events[e];
    return NULL;
}

/* What event event_id of entry e records. */
static const char *what_of(const fact_event *e, const char *event_id)
{
    unsigned long id = strtoul(event_id, NULL, 10);
    for (size_t i = 0; e->what_by_id && i < e->what_by_id->n; i++)
        if (e->what_by_id->items[i]->type == VG_Y_SCALAR &&
            strtoul(e->what_by_id->keys[i]->str, NULL, 10) == id)
            return e->what_by_id->items[i]->str;
    return e->what ? e->what : "";
}

static const char *nz(const char *a, const char *b)
{
    return a && *a ? a : b ? b : "";
}

int vg_sources_lookup(const vg_sources *s, const char *channel, const char *event_id,
                      vg_source_facts *out)
{
    *out = (vg_source_facts){"", "", "", "", 0};
    const fact_channel *ch = channel_of(s, channel);
    if (!ch)
        return VG_ERR_NOENT;
    const fact_event *e = event_of(ch, event_id);
    out->provider = nz(e ? e->provider : NULL, ch->provider);
    out->what = e ? what_of(e, event_id) : "";
    out->enable = nz(e ? e->enable : NULL, ch->enable);
    out->hosts = nz(e ? e->hosts : NULL, ch->hosts);
    out->known_event = e != NULL;
    return 0;
}

const char *vg_sources_field_note(const vg_sources *s, const char *channel, const char *event_id,
                                  const char *field)
{
    const fact_event *e = event_of(channel_of(s, channel), event_id);
    for (size_t i = 0; e && e->fields && i < e->fields->n; i++)
        if (ieq(e->fields->keys[i]->str, field))
            return e->fields->items[i]->str;
    return NULL;
}

/* Does channel ch answer to the ATT&CK log-source name? */
static int names(const fact_channel *ch, const char *name)
{
    const vg__ynode *a = ch->attack;
    size_t n = !a ? 0 : a->type == VG_Y_SEQ ? a->n : 1;
    for (size_t i = 0; i < n; i++)
        if (ieq(a->type == VG_Y_SEQ ? a->items[i]->str : a->str, name))
            return 1;
    return vg__str_istarts(vg__str_c(name), "WinEventLog:") && ieq(name + 12, ch->channel);
}

size_t vg__sources_map_attack(const vg_sources *s, const char *name, const char *text,
                              vg__src_ref *out, size_t cap)
{
    const fact_channel *first = NULL;
    for (size_t i = 0; s && i < s->n && !first; i++)
        if (names(&s->ch[i], name))
            first = &s->ch[i];
    while (*text == ' ')
        text++;
    if (!first || !vg__str_istarts(vg__str_c(text), "EventCode="))
        return 0;
    size_t n = 0;
    for (const char *p = text; *p && n < cap;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (vg__str_istarts(vg__str_c(p), "EventCode="))
            p += 10;
        size_t d = strspn(p, "0123456789");
        if (d && d < sizeof out->event_id && (p[d] == 0 || p[d] == ',' || p[d] == ' ')) {
            vg__src_ref *r = &out[n++];
            memcpy(r->event_id, p, d);
            r->event_id[d] = 0;
            r->channel = first->channel;
            for (size_t i = 0; i < s->n; i++)
                if (names(&s->ch[i], name) && event_of(&s->ch[i], r->event_id)) {
                    r->channel = s->ch[i].channel;
                    break;
                }
        }
        p += d;
        while (*p && *p != ',')
            p++;
    }
    return n;
}

/*
 * baseline.c - baselines: what a detection programme or a supplier's log feed must reach, read
 * from YAML and checked against a coverage and a data inventory (docs/coverage.md, "Baselines").
 *
 *   name: CI gate
 *   measure: active                  # or validated (the default of every requirement)
 *   tactics:                         # share of the tactic's techniques covered end to end
 *     initial-access: 10%            # short name, name or ID; "all" is the whole matrix
 *     execution: {min: 25%, measure: validated}
 *   sources:                         # log sources that must be present, with fields
 *     - channel: Microsoft-Windows-Sysmon/Operational
 *       event_ids: [1]
 *       fields: [Image, CommandLine, ParentImage, Hashes]
 *       min_fill: 90%                # share of the events each field must be in (default: one)
 *   groups:                          # groups, campaigns or software whose techniques count
 *     - APT29                        # every technique (100%)
 *     - {name: FIN7, min: 50%}
 *
 * Loading resolves everything and reports each problem as a diagnostic with its position; a
 * baseline with any error is refused, so a gate never runs on a half-read file. Checking
 * reuses what the coverage computed: a tactic's tally (techniques with an active, or a
 * validated, rule), the group's techniques as vg_gaps ranks them, and for sources the data
 * inventory's counts (events, events carrying each field) and the sources declared to the
 * coverage. Shares are integers in hundredths of a percent; a requirement passes when
 * covered x 10000 >= required x techniques, so reaching exactly the target passes and the
 * reached share, rounded down, never reads higher than what was reached.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "../sigma/yaml.h"
#include "coverage.h"

struct vg_baseline {
    const vg_attack *kb;
    vg__arena a;    /* requirements as loaded */
    vg__arena calc; /* results of the last check */
    vg__vec items;  /* vg_baseline_item */
    const char *name;
};

typedef struct parse {
    vg_baseline *b;
    const char *file;
    vg_diags *d;
    int validated; /* the baseline's measure, the default of its requirements */
    int errors;
    int nomem;
} parse;

/* no node: the document is empty, the problem is at its start */
#define bad(p, n, ...) (vg__yaml_error((p)->d, (p)->file, (n), __VA_ARGS__), (p)->errors++)

/* Report the keys of map m that are not in allowed (NULL-terminated). */
static void check_keys(parse *p, const vg__ynode *m, const char *const *allowed,
                       const char *expected)
{
    for (size_t i = 0; i < m->n; i++) {
        size_t k = 0;
        while (allowed[k] && strcmp(allowed[k], m->keys[i]->str) != 0)
            k++;
        if (!allowed[k])
            bad(p, m->keys[i], "unknown key '%.100s' (expected %s)", m->keys[i]->str, expected);
    }
}

/* "10%", "12.5%", "10" -> hundredths of a percent; -1 unless a share from 0 to 100 with at
 * most two decimals. */
static long parse_share(const vg__ynode *n)
{
    if (!n || n->type != VG_Y_SCALAR)
        return -1;
    const char *s = n->str;
    long whole = 0, frac = 0;
    int digits = 0, fd = 0;
    while (*s >= '0' && *s <= '9' && digits < 4) {
        whole = whole * 10 + (*s++ - '0');
        digits++;
    }
    if (!digits)
        return -1;
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9' && fd < 2; fd++)
            frac = frac * 10 + (*s++ - '0');
        if (!fd)
            return -1;
        if (fd == 1)
            frac *= 10;
    }
    if (*s == '%')
        s++;
    if (*s)
        return -1;
    long v = whole * 100 + frac;
    return v <= 10000 ? v : -1;
}

static unsigned share_of(parse *p, const vg__ynode *n, const char *what)
{
    long v = parse_share(n);
    if (v < 0) {
        bad(p, n,
            "%s must be a share from 0%% to 100%% with at most two decimals, e.g. 10%% or "
            "12.5%%",
            what);
        return 0;
    }
    return (unsigned)v;
}

/* 'measure': active or validated; returns 1 for validated. */
static int measure_of(parse *p, const vg__ynode *n, int dflt)
{
    if (!n)
        return dflt;
    if (n->type == VG_Y_SCALAR && strcmp(n->str, "active") == 0)
        return 0;
    if (n->type == VG_Y_SCALAR && strcmp(n->str, "validated") == 0)
        return 1;
    bad(p, n, "'measure' is active or validated");
    return dflt;
}

static vg_baseline_item *new_item(parse *p, vg_baseline_kind kind, const vg__ynode *at,
                                  const char *written)
{
    if (p->b->items.len >= VG_BASELINE_MAX_ITEMS) {
        if (p->b->items.len == VG_BASELINE_MAX_ITEMS && !p->errors)
            bad(p, at, "more than %d requirements", VG_BASELINE_MAX_ITEMS);
        return NULL;
    }
    vg_baseline_item *it = vg__vec_push(&p->b->items, sizeof *it);
    if (!it) {
        p->nomem = 1;
        return NULL;
    }
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->line = at->line;
    it->col = at->col;
    it->written = vg__arena_strndup(&p->b->a, written, strlen(written));
    it->channel = it->event_id = "";
    if (!it->written)
        p->nomem = 1;
    return it;
}

/* ---- tactics ---- */

static const vg_attack_obj *find_tactic(const vg_attack *kb, const char *text)
{
    const vg_attack_obj *const *tac;
    size_t n = vg_attack_tactics(kb, VG_DOMAIN_ENTERPRISE, &tac);
    vg__str t = vg__str_c(text);
    for (size_t i = 0; i < n; i++)
        if (vg__str_ieq_c(t, tac[i]->attack_id) || vg__str_ieq_c(t, tac[i]->name) ||
            vg__str_ieq_c(t, tac[i]->shortname))
            return tac[i];
    return NULL;
}

static void tactics(parse *p, const vg__ynode *m)
{
    if (m->type != VG_Y_MAP) {
        bad(p, m, "'tactics' must map tactics to shares, e.g. initial-access: 10%%");
        return;
    }
    static const char *const keys[] = {"min", "measure", NULL};
    for (size_t i = 0; i < m->n; i++) {
        const vg__ynode *k = m->keys[i], *v = m->items[i];
        const vg_attack_obj *t = NULL;
        int all = strcmp(k->str, "all") == 0;
        if (!all && !(t = find_tactic(p->b->kb, k->str))) {
            bad(p, k,
                "unknown tactic '%.100s' (a short name such as initial-access, a name or an "
                "ID of the enterprise matrix, or all)",
                k->str);
            continue;
        }
        const vg__ynode *min = v;
        int validated = p->validated;
        if (v->type == VG_Y_MAP) {
            check_keys(p, v, keys, "min or measure");
            min = vg__yaml_get(v, "min");
            validated = measure_of(p, vg__yaml_get(v, "measure"), validated);
            if (!min) {
                bad(p, v, "a tactic target needs 'min' (a share)");
                continue;
            }
        }
        unsigned share = share_of(p, min, "a tactic target");
        vg_baseline_item *it = new_item(p, VG_BASELINE_TACTIC, k, k->str);
        if (it) {
            it->obj = t;
            it->validated = validated;
            it->required = share;
        }
    }
}

/* ---- groups, campaigns, software ---- */

static void one_group(parse *p, const vg__ynode *g)
{
    static const char *const keys[] = {"name", "min", "measure", NULL};
    const vg__ynode *name = g, *min = NULL;
    int validated = p->validated;
    if (g->type == VG_Y_MAP) {
        check_keys(p, g, keys, "name, min or measure");
        name = vg__yaml_get(g, "name");
        min = vg__yaml_get(g, "min");
        validated = measure_of(p, vg__yaml_get(g, "measure"), validated);
    }
    if (!name || name->type != VG_Y_SCALAR || !*name->str) {
        bad(p, name ? name : g, "a group requirement needs a group, campaign or software name");
        return;
    }
    uint32_t mask =
        (1u << VG_ATTACK_GROUP) | (1u << VG_ATTACK_CAMPAIGN) | (1u << VG_ATTACK_SOFTWARE);
    const vg_attack_obj *a = NULL;
    vg_attack_find(p->b->kb, name->str, mask, &a); /* an ambiguous name still sets a */
    if (!a) {
        bad(p, name, "unknown group, campaign or software '%.100s' in %s", name->str,
            vg_attack_version(p->b->kb));
        return;
    }
    unsigned share = min ? share_of(p, min, "a group's 'min'") : 10000;
    vg_baseline_item *it = new_item(p, VG_BASELINE_GROUP, name, name->str);
    if (it) {
        it->obj = vg_attack_resolve(a);
        it->validated = validated;
        it->required = share;
    }
}

static void groups(parse *p, const vg__ynode *list)
{
    if (list->type != VG_Y_SEQ) {
        bad(p, list, "'groups' must be a list of names or {name, min} maps");
        return;
    }
    for (size_t i = 0; i < list->n; i++)
        one_group(p, list->items[i]);
}

/* ---- sources ---- */

/* Event IDs are decimal numbers from 0 to 65535. */
static int event_id_ok(const vg__ynode *n)
{
    if (n->type != VG_Y_SCALAR || !n->len || n->len > 5)
        return 0;
    for (size_t i = 0; i < n->len; i++)
        if (n->str[i] < '0' || n->str[i] > '9')
            return 0;
    return atol(n->str) <= 65535;
}

/* The field names of a source: a name or a list of names, copied to the arena. */
static const char **field_names(parse *p, const vg__ynode *f, size_t *n)
{
    *n = 0;
    if (!f)
        return NULL;
    if (f->type == VG_Y_MAP) {
        bad(p, f, "'fields' must be a field name or a list of field names");
        return NULL;
    }
    size_t cap = f->type == VG_Y_SEQ ? f->n : 1;
    const char **names = vg__arena_alloc(&p->b->a, (cap + 1) * sizeof *names);
    if (!names) {
        p->nomem = 1;
        return NULL;
    }
    for (size_t i = 0; i < cap; i++) {
        const vg__ynode *it = f->type == VG_Y_SEQ ? f->items[i] : f;
        if (it->type != VG_Y_SCALAR || !*it->str)
            bad(p, it, "a field name must be a non-empty string");
        else
            names[(*n)++] = it->str;
    }
    return names;
}

static void one_source(parse *p, const vg__ynode *s)
{
    static const char *const keys[] = {"channel", "event_ids", "fields", "min_fill", NULL};
    if (s->type != VG_Y_MAP) {
        bad(p, s,
            "a source is a map with 'channel' and optionally 'event_ids', 'fields', "
            "'min_fill'");
        return;
    }
    check_keys(p, s, keys, "channel, event_ids, fields or min_fill");
    const vg__ynode *ch = vg__yaml_get(s, "channel"), *ids = vg__yaml_get(s, "event_ids");
    const vg__ynode *fill = vg__yaml_get(s, "min_fill");
    if (!ch || ch->type != VG_Y_SCALAR || !*ch->str) {
        bad(p, ch ? ch : s, "a source needs 'channel' (e.g. Security)");
        return;
    }
    unsigned min_fill = fill ? share_of(p, fill, "'min_fill'") : 0;
    size_t nf;
    const char **names = field_names(p, vg__yaml_get(s, "fields"), &nf);
    if (ids && ids->type == VG_Y_MAP) {
        bad(p, ids, "'event_ids' must be a number or a list of numbers");
        return;
    }
    size_t n = !ids ? 1 : ids->type == VG_Y_SEQ ? ids->n : 1;
    if (ids && ids->type == VG_Y_SEQ && !n)
        bad(p, ids, "'event_ids' is empty (leave it out to mean every event of the channel)");
    for (size_t i = 0; i < n; i++) {
        const vg__ynode *id = !ids ? NULL : ids->type == VG_Y_SEQ ? ids->items[i] : ids;
        if (id && !event_id_ok(id)) {
            bad(p, id, "event IDs are numbers from 0 to 65535");
            continue;
        }
        vg_baseline_item *it = new_item(p, VG_BASELINE_SOURCE, id ? id : ch, ch->str);
        vg_baseline_field *fl = it ? vg__arena_alloc(&p->b->a, (nf + 1) * sizeof *fl) : NULL;
        if (!fl) {
            p->nomem |= it != NULL;
            return;
        }
        memset(fl, 0, (nf + 1) * sizeof *fl);
        for (size_t k = 0; k < nf; k++)
            fl[k].name = names[k];
        it->channel = it->written;
        it->event_id = id ? id->str : "";
        it->min_fill = min_fill;
        it->fields = fl;
        it->n_fields = nf;
    }
}

static void sources(parse *p, const vg__ynode *list)
{
    if (list->type != VG_Y_SEQ) {
        bad(p, list, "'sources' must be a list of {channel, event_ids, fields} maps");
        return;
    }
    for (size_t i = 0; i < list->n; i++)
        one_source(p, list->items[i]);
}

/* ---- loading ---- */

static void root(parse *p, const vg__ynode *r)
{
    static const char *const keys[] = {"name",    "description", "measure", "tactics",
                                       "sources", "groups",      NULL};
    check_keys(p, r, keys, "name, description, measure, tactics, sources or groups");
    const vg__ynode *name = vg__yaml_get(r, "name");
    if (name && name->type == VG_Y_SCALAR)
        p->b->name = name->str;
    else if (name)
        bad(p, name, "'name' must be a string");
    p->validated = measure_of(p, vg__yaml_get(r, "measure"), 0);
    /* sections in the order they are written, so results follow the file */
    for (size_t i = 0; i < r->n; i++) {
        const char *k = r->keys[i]->str;
        if (strcmp(k, "tactics") == 0)
            tactics(p, r->items[i]);
        else if (strcmp(k, "sources") == 0)
            sources(p, r->items[i]);
        else if (strcmp(k, "groups") == 0)
            groups(p, r->items[i]);
    }
    if (!p->errors && !p->b->items.len)
        bad(p, r, "a baseline needs requirements: 'tactics', 'sources' or 'groups'");
}

int vg_baseline_load_buffer(const vg_attack *kb, const char *buf, size_t len, const char *name,
                            vg_baseline **out, vg_diags *diags)
{
    *out = NULL;
    vg_baseline *b = calloc(1, sizeof *b);
    if (!b)
        return VG_ERR_NOMEM;
    b->kb = kb;
    b->name = "";
    vg__arena_init(&b->a);
    vg__arena_init(&b->calc);
    parse p = {.b = b, .file = name, .d = diags};
    vg__ydocs docs;
    int rc = vg__yaml_load(buf, len, name, &b->a, &docs, diags);
    const vg__ynode *r = !rc && docs.n ? docs.docs[0] : NULL;
    if (!rc && docs.n > 1)
        bad(&p, docs.docs[1], "a baseline is one YAML document");
    if (!rc && (!r || r->type != VG_Y_MAP))
        bad(&p, r, "a baseline is a map with 'tactics', 'sources' and/or 'groups'");
    else if (!rc)
        root(&p, r);
    if (!rc)
        rc = p.nomem ? VG_ERR_NOMEM : p.errors ? VG_ERR_TYPE : 0;
    if (rc) {
        vg_baseline_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

int vg_baseline_load(const vg_attack *kb, const char *path, vg_baseline **out, vg_diags *diags)
{
    *out = NULL;
    char *buf;
    size_t len;
    int rc = vg__read_file(path, VG_BASELINE_MAX_FILE, &buf, &len);
    if (rc) {
        vg__diag_add(diags, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL, "cannot read: %s",
                     vg_strerror(rc));
        return rc;
    }
    rc = vg_baseline_load_buffer(kb, buf, len, path, out, diags);
    free(buf);
    return rc;
}

void vg_baseline_free(vg_baseline *b)
{
    if (!b)
        return;
    vg__vec_free(&b->items);
    vg__arena_free(&b->a);
    vg__arena_free(&b->calc);
    free(b);
}

const char *vg_baseline_name(const vg_baseline *b)
{
    return b->name;
}

size_t vg_baseline_items(const vg_baseline *b, const vg_baseline_item **out)
{
    *out = b->items.ptr;
    return b->items.len;
}

const char *vg_baseline_share(unsigned share, char *buf, size_t cap)
{
    if (share % 100 == 0)
        snprintf(buf, cap, "%u", share / 100);
    else if (share % 10 == 0)
        snprintf(buf, cap, "%u.%u", share / 100, share % 100 / 10);
    else
        snprintf(buf, cap, "%u.%02u", share / 100, share % 100);
    return buf;
}

/* ---- checking ---- */

/* covered of total against the required share: reached (rounded down) and pass. */
static void judge(vg_baseline_item *it, size_t covered, size_t total)
{
    it->covered = covered;
    it->techniques = total;
    it->reached = total ? (unsigned)((uint64_t)covered * 10000 / total) : 10000;
    it->pass = (uint64_t)covered * 10000 >= (uint64_t)it->required * total;
}

static void share_text(vg__buf *b, const vg_baseline_item *it, const char *what)
{
    char r[16], q[16];
    vg__buf_printf(b, "%zu of %zu %s %s (%s%%); %s%% required", it->covered, it->techniques, what,
                   it->validated ? "validated" : "with an active rule",
                   vg_baseline_share(it->reached, r, sizeof r),
                   vg_baseline_share(it->required, q, sizeof q));
}

static void check_tactic(vg_baseline_item *it, const vg_coverage *c, vg__buf *b)
{
    const vg_cov_tally *tal, *t = NULL;
    vg_cov_tally overall;
    if (!it->obj) {
        vg_coverage_overall(c, &overall);
        t = &overall;
    } else {
        size_t n = vg_coverage_tactics(c, &tal);
        for (size_t i = 0; i < n && !t; i++)
            if (tal[i].tactic == it->obj)
                t = &tal[i];
    }
    if (!t) {
        it->pass = 0;
        vg__buf_adds(b, "not a tactic of the coverage's matrix");
        return;
    }
    judge(it, it->validated ? t->validated : t->active, t->techniques);
    share_text(b, it, "techniques");
}

static int check_group(vg_baseline *bl, vg_baseline_item *it, const vg_coverage *c, vg__buf *b)
{
    vg_gaps *g = vg_gaps_new(c);
    int rc = !g ? VG_ERR_NOMEM : vg_gaps_add_actor(g, it->obj);
    if (!rc)
        rc = vg_gaps_compute(g);
    const vg_gap *e = NULL;
    size_t n = rc ? 0 : vg_gaps_list(g, &e), covered = 0;
    vg_baseline_tech *un = n ? vg__arena_alloc(&bl->calc, n * sizeof *un) : NULL;
    if (!rc && n && !un)
        rc = VG_ERR_NOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        int ok = it->validated ? e[i].level == VG_GAP_VALIDATED : e[i].level >= VG_GAP_ACTIVE;
        covered += ok;
        if (!ok)
            un[it->n_uncovered++] = (vg_baseline_tech){e[i].tech, e[i].level};
    }
    vg_gaps_free(g);
    if (rc)
        return rc;
    it->uncovered = un;
    judge(it, covered, n);
    share_text(b, it, "techniques used");
    return 0;
}

static int ieq(const char *a, const char *b)
{
    return vg__str_ieq(vg__str_c(a), vg__str_c(b));
}

/* Same event ID: as numbers when both are decimal ("0013" is 13), else as text. */
static int same_id(const char *a, const char *b)
{
    char *ea, *eb;
    unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
    if (*a && *b && !*ea && !*eb)
        return x == y;
    return strcmp(a, b) == 0;
}

/* Add up what the inventory observed for the source and its fields. */
static int observe(vg_baseline_item *it, vg_baseline_field *fl, vg_inventory *inv)
{
    for (size_t i = 0; inv && i < vg_inventory_count(inv); i++) {
        vg_inventory_source s;
        int rc = vg_inventory_source_get(inv, i, &s);
        if (rc)
            return rc;
        if (!ieq(s.channel, it->channel))
            continue;
        it->channel_events += s.events;
        if (*it->event_id && !same_id(s.event_id, it->event_id))
            continue;
        it->events += s.events;
        for (size_t k = 0; k < it->n_fields; k++)
            for (size_t f = 0; f < s.n_fields; f++)
                if (ieq(s.fields[f], fl[k].name))
                    fl[k].events += s.field_events[f];
    }
    return 0;
}

/* What the sources declared to the coverage (not those copied from inventories) provide. */
static void declared(vg_baseline_item *it, vg_baseline_field *fl, const vg_coverage *c)
{
    const vg__dsrc *s = c->sources.ptr;
    for (size_t i = 0; i < c->sources.len; i++) {
        if (s[i].observed || !ieq(s[i].channel, it->channel) ||
            (*it->event_id && *s[i].event_id && !same_id(s[i].event_id, it->event_id)))
            continue;
        it->declared = 1;
        for (size_t k = 0; k < it->n_fields; k++) {
            for (size_t f = 0; f < s[i].n_fields && !fl[k].declared; f++)
                fl[k].declared = ieq(s[i].fields[f], fl[k].name);
            fl[k].declared |= s[i].any_field;
        }
    }
}

static void source_text(const vg_baseline_item *it, const vg_baseline_field *fl, int observed,
                        vg__buf *b)
{
    if (observed && it->events)
        vg__buf_printf(b, "%llu event%s", (unsigned long long)it->events,
                       it->events == 1 ? "" : "s");
    else if (it->declared)
        vg__buf_adds(b, "declared");
    else if (!observed)
        vg__buf_adds(b, "not in the declared sources");
    else if (it->channel_events)
        vg__buf_printf(b, "no events (the channel has %llu event%s of other IDs)",
                       (unsigned long long)it->channel_events, it->channel_events == 1 ? "" : "s");
    else
        vg__buf_adds(b, "no events of the channel");
    if (!it->events && !it->declared)
        return;
    for (int pass = 0; pass < 2; pass++) {
        const char *sep = pass ? "; present: " : "; missing: ";
        for (size_t k = 0; k < it->n_fields; k++) {
            if (fl[k].pass != pass)
                continue;
            vg__buf_printf(b, "%s%s", sep, fl[k].name);
            sep = ", ";
            char f[16], q[16];
            unsigned fill = it->events ? (unsigned)(fl[k].events * 10000 / it->events) : 0;
            if (pass && it->events && fl[k].events && it->min_fill && fill < 10000)
                vg__buf_printf(b, " %llu (%s%%)", (unsigned long long)fl[k].events,
                               vg_baseline_share(fill, f, sizeof f));
            else if (pass && it->events && fl[k].events)
                vg__buf_printf(b, " %llu", (unsigned long long)fl[k].events);
            else if (pass)
                vg__buf_adds(b, " (declared)");
            else if (it->events && it->min_fill && fl[k].events)
                vg__buf_printf(b, " (in %llu of %llu events, %s%%; %s%% required)",
                               (unsigned long long)fl[k].events, (unsigned long long)it->events,
                               vg_baseline_share(fill, f, sizeof f),
                               vg_baseline_share(it->min_fill, q, sizeof q));
            else if (it->events)
                vg__buf_printf(b, " (0 of %llu event%s)", (unsigned long long)it->events,
                               it->events == 1 ? "" : "s");
        }
    }
}

static void check_source(vg_baseline_item *it, const vg_coverage *c, vg_inventory *inv, vg__buf *b,
                         int *rc)
{
    vg_baseline_field *fl = (vg_baseline_field *)it->fields;
    for (size_t k = 0; k < it->n_fields; k++)
        fl[k].events = 0, fl[k].declared = fl[k].pass = 0;
    int any_declared = 0;
    const vg__dsrc *s = c->sources.ptr;
    for (size_t i = 0; i < c->sources.len; i++)
        any_declared |= !s[i].observed;
    if (!inv && !any_declared) {
        it->pass = 0;
        vg__buf_adds(b, "no data to check: neither observed logs nor declared sources");
        return;
    }
    *rc = observe(it, fl, inv);
    declared(it, fl, c);
    it->pass = it->events > 0 || it->declared;
    for (size_t k = 0; k < it->n_fields; k++) {
        uint64_t need = it->min_fill ? (uint64_t)it->min_fill * it->events : 1;
        fl[k].pass = fl[k].declared ||
                     (it->events && (uint64_t)fl[k].events * (it->min_fill ? 10000 : 1) >= need);
        it->pass &= fl[k].pass;
    }
    source_text(it, fl, inv != NULL, b);
}

int vg_baseline_check(vg_baseline *b, const vg_coverage *c, vg_inventory *inv)
{
    vg__arena_free(&b->calc);
    vg__arena_init(&b->calc);
    vg_baseline_item *items = b->items.ptr;
    int failed = 0, rc = 0;
    vg__buf text;
    vg__buf_init(&text);
    for (size_t i = 0; !rc && i < b->items.len; i++) {
        vg_baseline_item *it = &items[i];
        it->pass = 0;
        it->covered = it->techniques = it->n_uncovered = 0;
        it->reached = 0;
        it->uncovered = NULL;
        it->events = it->channel_events = 0;
        it->declared = 0;
        text.len = 0;
        if (it->kind == VG_BASELINE_TACTIC)
            check_tactic(it, c, &text);
        else if (it->kind == VG_BASELINE_GROUP)
            rc = check_group(b, it, c, &text);
        else
            check_source(it, c, inv, &text, &rc);
        it->reason = vg__arena_strndup(&b->calc, text.ptr ? text.ptr : "", text.len);
        if (!rc && (!it->reason || text.oom))
            rc = VG_ERR_NOMEM;
        failed += !it->pass;
    }
    vg__buf_free(&text);
    return rc ? rc : failed;
}

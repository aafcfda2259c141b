/*
 * gaps.c - threat-informed gaps: the techniques that given groups, campaigns and software use,
 * against the coverage computed for our rules and data, ranked.
 *
 * An actor's techniques are its own "uses" edges to techniques and, for a group, those of the
 * campaigns attributed to it (as `vigil attack group` lists them); revoked techniques count as
 * their replacement. Each technique gets the best coverage level it reaches (validated, active,
 * available, needs data, none: the rolled-up rule counts of the very technique used), the
 * actors that use it, and an asset weight: the highest criticality of an asset on one of the
 * technique's platforms (1 for every technique when no asset is given, 0 when assets are given
 * and none runs a platform of the technique). Priority = users x weight. Ranking: gaps (below
 * active) first, then priority, then the weakest level, then ATT&CK ID. docs/coverage.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/base.h"
#include "coverage.h"

#define MAX_ASSET_FILE (16u << 20)

typedef struct asset {
    char *name;
    int platform; /* bit */
    unsigned crit;
} asset;

struct vg_gaps {
    const vg_coverage *c;
    vg__vec actors; /* const vg_attack_obj * */
    vg__vec assets; /* asset */
    vg__vec gaps;   /* vg_gap */
    vg__vec users;  /* storage for vg_gap.users */
};

vg_gaps *vg_gaps_new(const vg_coverage *c)
{
    vg_gaps *g = calloc(1, sizeof *g);
    if (g)
        g->c = c;
    return g;
}

void vg_gaps_free(vg_gaps *g)
{
    if (!g)
        return;
    asset *a = g->assets.ptr;
    for (size_t i = 0; i < g->assets.len; i++)
        free(a[i].name);
    vg__vec_free(&g->actors);
    vg__vec_free(&g->assets);
    vg__vec_free(&g->gaps);
    vg__vec_free(&g->users);
    free(g);
}

int vg_gaps_add_actor(vg_gaps *g, const vg_attack_obj *actor)
{
    if (!actor || (actor->kind != VG_ATTACK_GROUP && actor->kind != VG_ATTACK_CAMPAIGN &&
                   actor->kind != VG_ATTACK_SOFTWARE))
        return VG_ERR_INVAL;
    actor = vg_attack_resolve(actor);
    const vg_attack_obj **have = g->actors.ptr;
    for (size_t i = 0; i < g->actors.len; i++)
        if (have[i] == actor)
            return 0;
    const vg_attack_obj **slot = vg__vec_push(&g->actors, sizeof *slot);
    if (!slot)
        return VG_ERR_NOMEM;
    *slot = actor;
    return 0;
}

int vg_gaps_add_asset(vg_gaps *g, const char *name, const char *platform, unsigned criticality)
{
    int bit = vg_attack_platform_bit(vg_coverage_kb(g->c), platform);
    if (bit < 0)
        return VG_ERR_NOENT;
    asset *a = vg__vec_push(&g->assets, sizeof *a);
    if (!a || !(a->name = strdup(name ? name : "")))
        return VG_ERR_NOMEM;
    a->platform = bit;
    a->crit = criticality;
    return 0;
}

/* "3", "high", ... -> 1..5; 0 when not understood. */
static unsigned parse_crit(const char *s)
{
    static const char *const words[] = {"low", "medium", "high", "critical"};
    for (unsigned i = 0; i < 4; i++)
        if (strcasecmp(s, words[i]) == 0)
            return i + 1;
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v >= 1 && v <= 5 ? (unsigned)v : 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

/* Split a line at commas (no quoting) into up to cap fields; returns the count. */
static size_t split(char *line, char **f, size_t cap)
{
    size_t n = 0;
    for (char *p = line; n < cap;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = 0;
        f[n++] = trim(p);
        if (!comma)
            break;
        p = comma + 1;
    }
    return n;
}

int vg_gaps_load_assets(vg_gaps *g, const char *path, vg_diags *d)
{
    char *buf;
    size_t len;
    int rc = vg__read_file(path, MAX_ASSET_FILE, &buf, &len);
    if (rc) {
        vg__diag_add(d, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL, "cannot read: %s", vg_strerror(rc));
        return rc;
    }
    int col_name = -1, col_plat = -1, col_crit = -1, errors = 0;
    uint32_t lineno = 0;
    for (char *line = buf, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        lineno++;
        char *t = trim(line);
        if (!*t || *t == '#')
            continue;
        char *f[32];
        size_t n = split(t, f, VG_ARRAY_LEN(f));
        if (col_plat < 0) { /* the header */
            for (size_t i = 0; i < n; i++) {
                if (!strcasecmp(f[i], "asset") || !strcasecmp(f[i], "name") ||
                    !strcasecmp(f[i], "host"))
                    col_name = (int)i;
                else if (!strcasecmp(f[i], "platform"))
                    col_plat = (int)i;
                else if (!strcasecmp(f[i], "criticality"))
                    col_crit = (int)i;
            }
            if (col_plat < 0 || col_crit < 0) {
                vg__diag_add(d, VG_ERR_TYPE, VG_SEV_ERROR, path, lineno, 1, 0, NULL,
                             "the header must name the columns 'platform' and 'criticality' "
                             "(and 'asset')");
                free(buf);
                return VG_ERR_TYPE;
            }
            continue;
        }
        const char *name = col_name >= 0 && (size_t)col_name < n ? f[col_name] : "";
        const char *plat = (size_t)col_plat < n ? f[col_plat] : "";
        const char *crit = (size_t)col_crit < n ? f[col_crit] : "";
        unsigned cv = parse_crit(crit);
        if (!cv) {
            vg__diag_add(d, VG_ERR_TYPE, VG_SEV_ERROR, path, lineno, 1, 0, NULL,
                         "criticality '%s' is not 1-5 or low, medium, high, critical", crit);
            errors++;
            continue;
        }
        rc = vg_gaps_add_asset(g, name, plat, cv);
        if (rc == VG_ERR_NOENT) {
            vg__diag_add(d, VG_ERR_TYPE, VG_SEV_ERROR, path, lineno, 1, 0, NULL,
                         "unknown ATT&CK platform '%s'", plat);
            errors++;
        } else if (rc) {
            free(buf);
            return rc;
        }
    }
    free(buf);
    return errors ? VG_ERR_TYPE : 0;
}

static vg_gap_level level_of(const vg_cov_tech *t)
{
    if (!t)
        return VG_GAP_NONE;
    if (t->tech_validated || t->validated)
        return VG_GAP_VALIDATED;
    if (t->n[VG_COV_ACTIVE])
        return VG_GAP_ACTIVE;
    if (t->n[VG_COV_AVAILABLE])
        return VG_GAP_AVAILABLE;
    if (t->n[VG_COV_NEEDS_DATA])
        return VG_GAP_NEEDS_DATA;
    return VG_GAP_NONE;
}

const char *vg_gap_level_name(vg_gap_level l)
{
    static const char *const names[] = {"none", "needs-data", "available", "active", "validated"};
    return (unsigned)l < VG_ARRAY_LEN(names) ? names[l] : "?";
}

/* The technique entry for tech (after revocation), creating it; NULL when out of memory. */
static vg_gap *entry(vg_gaps *g, const vg_attack_obj *tech)
{
    tech = vg_attack_resolve(tech);
    vg_gap *e = g->gaps.ptr;
    for (size_t i = 0; i < g->gaps.len; i++)
        if (e[i].tech == tech)
            return &e[i];
    vg_gap *n = vg__vec_push(&g->gaps, sizeof *n);
    if (n)
        n->tech = tech;
    return n;
}

/* Record that actor a (index ai) uses the techniques of src. Users are counted in a bitmap
 * kept in n_users' slot range of g->users (one byte per actor per technique). */
static int uses(vg_gaps *g, const vg_attack_obj *src, size_t ai, vg__vec *marks)
{
    size_t na = g->actors.len;
    for (size_t i = 0; i < src->n_out; i++) {
        if (src->out[i].rel != VG_REL_USES || src->out[i].other->kind != VG_ATTACK_TECHNIQUE)
            continue;
        size_t before = g->gaps.len;
        vg_gap *e = entry(g, src->out[i].other);
        if (!e)
            return VG_ERR_NOMEM;
        size_t idx = (size_t)(e - (vg_gap *)g->gaps.ptr);
        if (g->gaps.len > before) /* new technique: its row of marks */
            for (size_t k = 0; k < na; k++)
                if (!vg__vec_push(marks, 1))
                    return VG_ERR_NOMEM;
        ((uint8_t *)marks->ptr)[idx * na + ai] = 1;
    }
    return 0;
}

static int cmp_gap(const void *pa, const void *pb)
{
    const vg_gap *a = pa, *b = pb;
    int ga = a->level < VG_GAP_ACTIVE, gb = b->level < VG_GAP_ACTIVE;
    if (ga != gb)
        return gb - ga;
    if (a->priority != b->priority)
        return a->priority > b->priority ? -1 : 1;
    if (a->level != b->level)
        return (int)a->level - (int)b->level;
    return strcmp(a->tech->attack_id, b->tech->attack_id);
}

int vg_gaps_compute(vg_gaps *g)
{
    vg__vec_free(&g->gaps);
    vg__vec_free(&g->users);
    vg__vec marks = {0};
    const vg_attack_obj **act = g->actors.ptr;
    size_t na = g->actors.len;
    int rc = 0;
    for (size_t ai = 0; !rc && ai < na; ai++) {
        rc = uses(g, act[ai], ai, &marks);
        for (size_t i = 0; !rc && act[ai]->kind == VG_ATTACK_GROUP && i < act[ai]->n_in; i++)
            if (act[ai]->in[i].rel == VG_REL_ATTRIBUTED_TO &&
                act[ai]->in[i].other->kind == VG_ATTACK_CAMPAIGN)
                rc = uses(g, act[ai]->in[i].other, ai, &marks);
    }
    size_t total_users = 0;
    const uint8_t *m = marks.ptr;
    for (size_t i = 0; !rc && i < g->gaps.len * na; i++)
        total_users += m[i];
    const vg_attack_obj **store = NULL;
    if (!rc && total_users && !(store = malloc(total_users * sizeof *store)))
        rc = VG_ERR_NOMEM;
    if (rc) {
        vg__vec_free(&marks);
        return rc;
    }
    g->users.ptr = store;
    g->users.len = g->users.cap = total_users;
    vg_gap *e = g->gaps.ptr;
    const asset *as = g->assets.ptr;
    size_t used = 0;
    for (size_t i = 0; i < g->gaps.len; i++) {
        e[i].users = store + used;
        for (size_t k = 0; k < na; k++)
            if (m[i * na + k])
                store[used + e[i].n_users++] = act[k];
        used += e[i].n_users;
        e[i].cov = vg_coverage_tech(g->c, e[i].tech);
        e[i].level = level_of(e[i].cov);
        e[i].weight = g->assets.len ? 0 : 1;
        for (size_t k = 0; k < g->assets.len; k++)
            if ((e[i].tech->platforms >> as[k].platform & 1) && as[k].crit > e[i].weight)
                e[i].weight = as[k].crit;
        e[i].priority = (unsigned long)e[i].n_users * e[i].weight;
    }
    vg__vec_free(&marks);
    if (g->gaps.len)
        qsort(g->gaps.ptr, g->gaps.len, sizeof(vg_gap), cmp_gap);
    return 0;
}

size_t vg_gaps_list(const vg_gaps *g, const vg_gap **out)
{
    *out = g->gaps.ptr;
    return g->gaps.len;
}

size_t vg_gaps_actors(const vg_gaps *g, const vg_attack_obj *const **out)
{
    *out = g->actors.ptr;
    return g->actors.len;
}

size_t vg_gaps_n_assets(const vg_gaps *g)
{
    return g->assets.len;
}

const vg_coverage *vg_gaps_coverage(const vg_gaps *g)
{
    return g->c;
}

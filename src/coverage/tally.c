/*
 * tally.c - per-tactic, per-platform and overall figures of a coverage, and its queries.
 *
 * A tally counts parent techniques (sub-techniques are rolled up into them), live ones of the
 * coverage's domain: how many there are, how many have at least one rule (covered), at least
 * one active, available or needs-data rule, and how many are validated (a validated rule, or
 * detected on labelled data). pct_active is the headline figure: active / techniques. Platform
 * tallies exist for every platform at least one counted technique names.
 *
 * Colours are fixed palettes, one hue per measure and four steps (1, 2, 3-4, 5+ rules), so
 * the terminal, SVG, HTML and Navigator views of one coverage agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "coverage.h"

static int counted(const vg_coverage *c, const vg_cov_tech *t)
{
    const vg_attack_obj *o = t->tech;
    return !(o->flags &
             (VG_ATTACK_F_SUBTECHNIQUE | VG_ATTACK_F_REVOKED | VG_ATTACK_F_DEPRECATED)) &&
           (o->domains & c->domain);
}

static void count(vg_cov_tally *y, const vg_cov_tech *t)
{
    y->techniques++;
    y->covered += t->total > 0;
    y->active += t->n[VG_COV_ACTIVE] > 0;
    y->available += t->n[VG_COV_AVAILABLE] > 0;
    y->needs_data += t->n[VG_COV_NEEDS_DATA] > 0;
    y->validated += t->validated > 0 || t->tech_validated;
}

static void finish(vg_cov_tally *y)
{
    y->pct_active = y->techniques ? 100.0 * (double)y->active / (double)y->techniques : 0.0;
}

static int has_tactic(const vg_attack_obj *t, const vg_attack_obj *tactic)
{
    for (size_t i = 0; i < t->n_tactics; i++)
        if (t->tactics[i] == tactic)
            return 1;
    return 0;
}

int vg__coverage_tally(vg_coverage *c)
{
    const vg_attack_obj *const *tac;
    size_t nt = vg_attack_tactics(c->kb, c->domain, &tac);
    c->tactics = calloc(nt + 1, sizeof *c->tactics);
    c->platforms = calloc(65, sizeof *c->platforms);
    if (!c->tactics || !c->platforms)
        return VG_ERR_NOMEM;
    memset(&c->overall, 0, sizeof c->overall);
    c->overall.name = "all";
    for (size_t i = 0; i < nt; i++) {
        vg_cov_tally *y = &c->tactics[c->n_tactics++];
        y->tactic = tac[i];
        y->name = tac[i]->name;
        for (size_t k = 0; k < c->n_techs; k++)
            if (counted(c, &c->techs[k]) && has_tactic(c->techs[k].tech, tac[i]))
                count(y, &c->techs[k]);
        finish(y);
    }
    for (unsigned bit = 0; bit < 64 && vg_attack_platform_name(c->kb, bit); bit++) {
        vg_cov_tally y = {.name = vg_attack_platform_name(c->kb, bit)};
        for (size_t k = 0; k < c->n_techs; k++)
            if (counted(c, &c->techs[k]) && (c->techs[k].tech->platforms >> bit & 1))
                count(&y, &c->techs[k]);
        finish(&y);
        if (y.techniques)
            c->platforms[c->n_platforms++] = y;
    }
    for (size_t k = 0; k < c->n_techs; k++)
        if (counted(c, &c->techs[k]))
            count(&c->overall, &c->techs[k]);
    finish(&c->overall);
    return 0;
}

/* ---- queries ---- */

vg_cov_data_mode vg_coverage_data_mode(const vg_coverage *c)
{
    return c->mode;
}

const vg_attack *vg_coverage_kb(const vg_coverage *c)
{
    return c->kb;
}

uint32_t vg_coverage_domain(const vg_coverage *c)
{
    return c->domain;
}

size_t vg_coverage_rules(const vg_coverage *c, const vg_cov_rule **out)
{
    *out = c->rules;
    return c->n_rules;
}

size_t vg_coverage_techniques(const vg_coverage *c, const vg_cov_tech *const **out)
{
    *out = (const vg_cov_tech *const *)c->sorted;
    return c->sorted ? c->n_techs : 0;
}

const vg_cov_tech *vg_coverage_tech(const vg_coverage *c, const vg_attack_obj *tech)
{
    if (!tech || !c->tech_of || tech->index >= vg_attack_count(c->kb))
        return NULL;
    int32_t i = c->tech_of[vg_attack_resolve(tech)->index];
    return i >= 0 ? &c->techs[i] : NULL;
}

static int cmp_name(const void *a, const void *b)
{
    const vg_cov_tech *x = *(const vg_cov_tech *const *)a, *y = *(const vg_cov_tech *const *)b;
    int r = strcmp(x->tech->name, y->tech->name);
    return r ? r : strcmp(x->tech->attack_id, y->tech->attack_id);
}

size_t vg_coverage_column(const vg_coverage *c, const vg_attack_obj *tactic,
                          const vg_cov_tech **out, size_t cap)
{
    size_t n = 0;
    for (size_t k = 0; k < c->n_techs; k++)
        if (counted(c, &c->techs[k]) && has_tactic(c->techs[k].tech, tactic)) {
            if (n < cap)
                out[n] = &c->techs[k];
            n++;
        }
    if (out && cap > 1)
        qsort(out, n < cap ? n : cap, sizeof *out, cmp_name);
    return n;
}

size_t vg_coverage_tactics(const vg_coverage *c, const vg_cov_tally **out)
{
    *out = c->tactics;
    return c->n_tactics;
}

size_t vg_coverage_platforms(const vg_coverage *c, const vg_cov_tally **out)
{
    *out = c->platforms;
    return c->n_platforms;
}

void vg_coverage_overall(const vg_coverage *c, vg_cov_tally *out)
{
    *out = c->overall;
}

/* ---- measures and colours ---- */

size_t vg_cov_score(const vg_cov_tech *t, vg_cov_measure m)
{
    switch (m) {
    case VG_COV_BY_ACTIVE:
        return t->n[VG_COV_ACTIVE];
    case VG_COV_BY_AVAILABLE:
        return t->n[VG_COV_AVAILABLE];
    case VG_COV_BY_NEEDS_DATA:
        return t->n[VG_COV_NEEDS_DATA];
    case VG_COV_BY_VALIDATED:
        return t->validated ? t->validated : (size_t)(t->tech_validated != 0);
    default:
        return t->total;
    }
}

static const char *const status_names[] = {"active", "available", "needs-data"};
static const char *const measure_names[] = {"total", "active", "available", "needs-data",
                                            "validated"};
_Static_assert(VG_ARRAY_LEN(status_names) == VG_COV_STATUS_COUNT, "status names");
_Static_assert(VG_ARRAY_LEN(measure_names) == VG_COV_BY_COUNT, "measure names");

const char *vg_cov_status_name(vg_cov_status s)
{
    return (unsigned)s < VG_COV_STATUS_COUNT ? status_names[s] : "?";
}

const char *vg_cov_measure_name(vg_cov_measure m)
{
    return (unsigned)m < VG_COV_BY_COUNT ? measure_names[m] : "?";
}

int vg_cov_measure_parse(const char *name, vg_cov_measure *out)
{
    for (unsigned i = 0; name && i < VG_COV_BY_COUNT; i++)
        if (strcmp(name, measure_names[i]) == 0 ||
            (i == VG_COV_BY_NEEDS_DATA && strcmp(name, "needs_data") == 0)) {
            *out = (vg_cov_measure)i;
            return 0;
        }
    return VG_ERR_INVAL;
}

static const char *const palette[VG_COV_BY_COUNT][4] = {
    {"#c7eae5", "#80cdc1", "#35978f", "#01665e"}, /* total: teal */
    {"#c7e9c0", "#74c476", "#31a354", "#006d2c"}, /* active: green */
    {"#c6dbef", "#6baed6", "#3182bd", "#08519c"}, /* available: blue */
    {"#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"}, /* needs data: orange */
    {"#dadaeb", "#9e9ac8", "#756bb1", "#54278f"}, /* validated: purple */
};

const char *vg_cov_color(vg_cov_measure m, size_t score)
{
    if (!score || (unsigned)m >= VG_COV_BY_COUNT)
        return "#eeeeee";
    return palette[m][score >= 5 ? 3 : score >= 3 ? 2 : score - 1];
}

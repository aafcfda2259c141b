/*
 * gaps_report.c - the threat-informed gaps (vg_gaps) as JSON and as an ATT&CK Navigator layer
 * overlay, format 4.5.
 *
 * The layer has one technique object per technique the actors use: the score is the number of
 * actors using it, the colour our level (red none, orange needs data, yellow available, green
 * active, blue validated, the legend says so), the comment names the actors and our rules, and
 * metadata carries the level, the asset weight and the priority. Everything else (versions,
 * gradient, layout) is written as navigator.c does for the coverage layer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "report.h"

#define MAX_COMMENT_RULES 10

static const char *const level_color[] = {"#e60d0d", "#fc9f3a", "#ffe066", "#31a354", "#3182bd"};

static const char *kind_name(const vg_attack_obj *o)
{
    return o->kind == VG_ATTACK_GROUP      ? "group"
           : o->kind == VG_ATTACK_CAMPAIGN ? "campaign"
                                           : "software";
}

static void counts(vg__buf *b, const vg_gap *e)
{
    const vg_cov_tech *t = e->cov;
    vg__buf_printf(b, ",\"rules\":%zu,\"active\":%zu,\"available\":%zu,\"needs_data\":%zu",
                   t ? t->total : 0, t ? t->n[VG_COV_ACTIVE] : 0, t ? t->n[VG_COV_AVAILABLE] : 0,
                   t ? t->n[VG_COV_NEEDS_DATA] : 0);
}

int vg_report_gaps_json(const vg_gaps *g, char **out, size_t *len)
{
    vg__buf b;
    vg__buf_init(&b);
    const vg_attack_obj *const *act;
    size_t na = vg_gaps_actors(g, &act);
    const vg_gap *e;
    size_t n = vg_gaps_list(g, &e), n_gaps = 0;
    for (size_t i = 0; i < n; i++)
        n_gaps += e[i].level < VG_GAP_ACTIVE;
    vg__buf_adds(&b, "{\"vigil_gaps\":1,\"attack\":");
    vg__report_str(&b, vg_attack_version(vg_coverage_kb(vg_gaps_coverage(g))));
    vg__buf_adds(&b, ",\"actors\":[");
    for (size_t i = 0; i < na; i++) {
        vg__buf_adds(&b, i ? ",{\"id\":" : "{\"id\":");
        vg__report_str(&b, act[i]->attack_id);
        vg__buf_adds(&b, ",\"name\":");
        vg__report_str(&b, act[i]->name);
        vg__buf_printf(&b, ",\"kind\":\"%s\"}", kind_name(act[i]));
    }
    vg__buf_printf(&b, "],\"assets\":%zu,\"techniques\":%zu,\"gaps\":%zu,\"ranked\":[",
                   vg_gaps_n_assets(g), n, n_gaps);
    for (size_t i = 0; i < n; i++) {
        vg__buf_printf(&b, "%s\n{\"rank\":%zu,\"id\":", i ? "," : "", i + 1);
        vg__report_str(&b, e[i].tech->attack_id);
        vg__buf_adds(&b, ",\"name\":");
        vg__report_str(&b, e[i].tech->name);
        vg__buf_printf(&b, ",\"level\":\"%s\",\"gap\":%s,\"weight\":%u,\"priority\":%lu",
                       vg_gap_level_name(e[i].level), e[i].level < VG_GAP_ACTIVE ? "true" : "false",
                       e[i].weight, e[i].priority);
        counts(&b, &e[i]);
        vg__buf_adds(&b, ",\"used_by\":[");
        for (size_t k = 0; k < e[i].n_users; k++) {
            vg__buf_adds(&b, k ? "," : "");
            vg__report_str(&b, e[i].users[k]->attack_id);
        }
        vg__buf_adds(&b, "]}");
    }
    vg__buf_adds(&b, "\n],\"attribution\":");
    vg__report_str(&b, vg_attack_notice());
    vg__buf_adds(&b, "}\n");
    return vg__report_take(&b, out, len);
}

static void layer_technique(vg__buf *b, const vg_gap *e, int first)
{
    vg__buf_adds(b, first ? "\n  {\"techniqueID\":" : ",\n  {\"techniqueID\":");
    vg__report_str(b, e->tech->attack_id);
    vg__buf_printf(b, ",\"score\":%zu,\"color\":\"%s\",\"enabled\":true,\"comment\":", e->n_users,
                   level_color[e->level]);
    vg__buf cm;
    vg__buf_init(&cm);
    vg__buf_adds(&cm, "Used by:");
    for (size_t k = 0; k < e->n_users; k++)
        vg__buf_printf(&cm, "%s %s %s", k ? "," : "", e->users[k]->attack_id, e->users[k]->name);
    vg__buf_printf(&cm, "\nOur coverage: %s", vg_gap_level_name(e->level));
    const vg_cov_tech *t = e->cov;
    if (t && t->total)
        vg__buf_printf(&cm, " (%zu rule%s: %zu active, %zu available, %zu need data)", t->total,
                       t->total == 1 ? "" : "s", t->n[VG_COV_ACTIVE], t->n[VG_COV_AVAILABLE],
                       t->n[VG_COV_NEEDS_DATA]);
    for (size_t r = 0; t && r < t->n_rules && r < MAX_COMMENT_RULES; r++)
        vg__buf_printf(&cm, "\n- [%s] %s", vg_cov_status_name(t->rules[r]->status),
                       *t->rules[r]->rule->title ? t->rules[r]->rule->title
                                                 : t->rules[r]->rule->id);
    if (t && t->n_rules > MAX_COMMENT_RULES)
        vg__buf_printf(&cm, "\n- ... %zu more", t->n_rules - MAX_COMMENT_RULES);
    vg__report_str(b, cm.ptr ? cm.ptr : "");
    vg__buf_free(&cm);
    vg__buf_printf(b,
                   ",\"metadata\":[{\"name\":\"our coverage\",\"value\":\"%s\"},{\"name\":"
                   "\"used by\",\"value\":\"%zu\"},{\"name\":\"asset weight\",\"value\":\"%u\"},"
                   "{\"name\":\"priority\",\"value\":\"%lu\"}]",
                   vg_gap_level_name(e->level), e->n_users, e->weight, e->priority);
    if (e->tech->url && *e->tech->url) {
        vg__buf_adds(b, ",\"links\":[{\"label\":");
        vg__report_str(b, e->tech->attack_id);
        vg__buf_adds(b, ",\"url\":");
        vg__report_str(b, e->tech->url);
        vg__buf_adds(b, "}]");
    }
    if (!(e->tech->flags & VG_ATTACK_F_SUBTECHNIQUE))
        vg__buf_adds(b, ",\"showSubtechniques\":true");
    vg__buf_adds(b, "}");
}

int vg_report_gaps_navigator(const vg_gaps *g, char **out, size_t *len)
{
    vg__buf b;
    vg__buf_init(&b);
    const vg_attack *kb = vg_coverage_kb(vg_gaps_coverage(g));
    const char *v = strstr(vg_attack_version(kb), " v");
    char major[16] = "";
    size_t m = 0;
    for (v = v ? v + 2 : ""; *v >= '0' && *v <= '9' && m + 1 < sizeof major; v++)
        major[m++] = *v;
    if (!m)
        snprintf(major, sizeof major, "18");
    const vg_attack_obj *const *act;
    size_t na = vg_gaps_actors(g, &act);
    vg__buf name;
    vg__buf_init(&name);
    vg__buf_adds(&name, "vigil gaps:");
    for (size_t i = 0; i < na; i++)
        vg__buf_printf(&name, "%s %s", i ? "," : "", act[i]->name);
    vg__buf_adds(&b, "{\n\"name\":");
    vg__report_str(&b, name.ptr ? name.ptr : "vigil gaps");
    vg__buf_free(&name);
    vg__buf_printf(&b,
                   ",\n\"versions\":{\"attack\":\"%s\",\"navigator\":\"5.1.0\",\"layer\":\"4.5\"},"
                   "\n\"domain\":\"enterprise-attack\",\n\"description\":",
                   major);
    char desc[256];
    snprintf(desc, sizeof desc,
             "Techniques used by the chosen adversaries (score: how many use it) coloured by "
             "our detection coverage (vigil %s).",
             vg_version());
    vg__report_str(&b, desc);
    vg__buf_adds(&b, ",\n\"sorting\":3,\n\"layout\":{\"layout\":\"side\",\"showID\":true,"
                     "\"showName\":true,\"showAggregateScores\":false,\"countUnscored\":false,"
                     "\"aggregateFunction\":\"max\",\"expandedSubtechniques\":\"annotated\"},\n"
                     "\"hideDisabled\":false,\n\"techniques\":[");
    const vg_gap *e;
    size_t n = vg_gaps_list(g, &e);
    for (size_t i = 0; i < n; i++)
        layer_technique(&b, &e[i], i == 0);
    vg__buf_printf(&b,
                   "\n],\n\"gradient\":{\"colors\":[\"#ffffff\",\"#e60d0d\"],\"minValue\":0,"
                   "\"maxValue\":%zu},\n\"legendItems\":[",
                   na ? na : 1);
    for (int l = VG_GAP_NONE; l <= VG_GAP_VALIDATED; l++)
        vg__buf_printf(&b, "%s{\"label\":\"used, our coverage: %s\",\"color\":\"%s\"}",
                       l ? "," : "", vg_gap_level_name((vg_gap_level)l), level_color[l]);
    vg__buf_printf(&b,
                   "],\n\"showTacticRowBackground\":false,\"tacticRowBackground\":\"#dddddd\","
                   "\n\"selectTechniquesAcrossTactics\":true,\"selectSubtechniquesWithParent\":"
                   "false,\"selectVisibleTechniques\":false,\n\"metadata\":[{\"name\":"
                   "\"generated by\",\"value\":\"vigil %s\"},{\"name\":\"score\",\"value\":"
                   "\"actors using the technique\"},{\"name\":\"colour\",\"value\":\"our "
                   "coverage level\"},{\"divider\":true},{\"name\":\"knowledge base\",\"value\":",
                   vg_version());
    vg__report_str(&b, vg_attack_version(kb));
    vg__buf_adds(&b, "}],\n\"links\":[{\"label\":\"MITRE ATT&CK\",\"url\":"
                     "\"https://attack.mitre.org/\"}]\n}\n");
    return vg__report_take(&b, out, len);
}

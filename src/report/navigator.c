/*
 * navigator.c - coverage as an ATT&CK Navigator layer, format 4.5.
 *
 * One technique object per technique or sub-technique that has rules or evidence: the score is
 * its count under the chosen measure, the colour the same palette step the other views use,
 * the comment lists its rules with their statuses (first 25), metadata holds the counts per
 * status and a link points at the ATT&CK page. Techniques without rules are left out so the
 * Navigator shows them unscored. The layer's own metadata says what was measured and how the
 * data was known. Required fields of the 4.5 specification (name, domain, versions.layer "4.5",
 * versions.navigator at least 4.9.0, techniqueID, gradient colours and bounds) are always
 * written; tests/coverage/test_navigator.c validates them against the specification.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "report.h"

#define MAX_COMMENT_RULES 25

static void jstr(vg__buf *b, const char *s)
{
    vg__buf_json_str(b, s ? s : "", s ? strlen(s) : 0);
}

/* "18" from "ATT&CK v18.1". */
static void attack_major(const vg_attack *kb, char *buf, size_t cap)
{
    const char *v = strstr(vg_attack_version(kb), " v");
    size_t n = 0;
    for (v = v ? v + 2 : ""; *v >= '0' && *v <= '9' && n + 1 < cap; v++)
        buf[n++] = *v;
    buf[n] = 0;
    if (!n)
        snprintf(buf, cap, "18");
}

static void technique(vg__buf *b, const vg_cov_tech *t, const vg_report_opts *o, int first)
{
    size_t score = vg_cov_score(t, o->by);
    vg__buf_adds(b, first ? "\n  {\"techniqueID\":" : ",\n  {\"techniqueID\":");
    jstr(b, t->tech->attack_id);
    vg__buf_printf(b, ",\"score\":%zu,\"color\":\"%s\",\"enabled\":true,\"comment\":", score,
                   score ? vg_cov_color(o->by, score) : "");
    vg__buf cm;
    vg__buf_init(&cm);
    vg__buf_printf(&cm, "%zu rule%s: %zu active, %zu available, %zu need data", t->total,
                   t->total == 1 ? "" : "s", t->n[VG_COV_ACTIVE], t->n[VG_COV_AVAILABLE],
                   t->n[VG_COV_NEEDS_DATA]);
    for (size_t r = 0; r < t->n_rules && r < MAX_COMMENT_RULES; r++)
        vg__buf_printf(&cm, "\n- [%s%s] %s", vg_cov_status_name(t->rules[r]->status),
                       t->rules[r]->validated ? ", validated" : "",
                       *t->rules[r]->rule->title ? t->rules[r]->rule->title
                                                 : t->rules[r]->rule->id);
    if (t->n_rules > MAX_COMMENT_RULES)
        vg__buf_printf(&cm, "\n- ... %zu more", t->n_rules - MAX_COMMENT_RULES);
    if (t->tech_validated)
        vg__buf_adds(&cm, "\nDetected on labelled attack data.");
    jstr(b, cm.ptr ? cm.ptr : "");
    vg__buf_free(&cm);
    vg__buf_printf(b,
                   ",\"metadata\":[{\"name\":\"rules\",\"value\":\"%zu\"},{\"name\":\"active\","
                   "\"value\":\"%zu\"},{\"name\":\"available\",\"value\":\"%zu\"},{\"name\":"
                   "\"needs data\",\"value\":\"%zu\"},{\"name\":\"validated\",\"value\":\"%zu\"}]",
                   t->total, t->n[VG_COV_ACTIVE], t->n[VG_COV_AVAILABLE], t->n[VG_COV_NEEDS_DATA],
                   vg_cov_score(t, VG_COV_BY_VALIDATED));
    if (t->tech->url && *t->tech->url) {
        vg__buf_adds(b, ",\"links\":[{\"label\":");
        jstr(b, t->tech->attack_id);
        vg__buf_adds(b, ",\"url\":");
        jstr(b, t->tech->url);
        vg__buf_adds(b, "}]");
    }
    if (!(t->tech->flags & VG_ATTACK_F_SUBTECHNIQUE))
        vg__buf_printf(b, ",\"showSubtechniques\":%s", t->n_own < t->total ? "true" : "false");
    vg__buf_adds(b, "}");
}

static const char *const mode_text[] = {"assumed present where the profile routes a log source",
                                        "observed in logs", "declared"};

int vg_report_navigator(const vg_coverage *c, const vg_report_opts *o, char **out, size_t *len)
{
    vg_report_opts def = {0};
    if (!o)
        o = &def;
    vg__buf b;
    vg__buf_init(&b);
    char major[16];
    attack_major(vg_coverage_kb(c), major, sizeof major);
    vg__buf_adds(&b, "{\n\"name\":");
    jstr(&b, vg__report_title(o));
    vg__buf_printf(&b,
                   ",\n\"versions\":{\"attack\":\"%s\",\"navigator\":\"5.1.0\",\"layer\":\"4.5\"},"
                   "\n\"domain\":\"enterprise-attack\",\n\"description\":",
                   major);
    char desc[256];
    snprintf(desc, sizeof desc, "Detection coverage by vigil %s: techniques scored by rules %s.",
             vg_version(), vg_cov_measure_name(o->by));
    jstr(&b, desc);
    if (o->platform && *o->platform) {
        vg__buf_adds(&b, ",\n\"filters\":{\"platforms\":[");
        jstr(&b, o->platform);
        vg__buf_adds(&b, "]}");
    }
    vg__buf_adds(&b, ",\n\"sorting\":0,\n\"layout\":{\"layout\":\"side\",\"showID\":true,"
                     "\"showName\":true,\"showAggregateScores\":false,\"countUnscored\":false,"
                     "\"aggregateFunction\":\"max\",\"expandedSubtechniques\":\"annotated\"},\n"
                     "\"hideDisabled\":false,\n\"techniques\":[");
    const vg_cov_tech *const *t;
    size_t n = vg_coverage_techniques(c, &t), k = 0, max = 1;
    for (size_t i = 0; i < n; i++) {
        if ((!t[i]->total && !t[i]->tech_validated) || !vg__report_platform_ok(c, o, t[i]))
            continue;
        technique(&b, t[i], o, k++ == 0);
        if (vg_cov_score(t[i], o->by) > max)
            max = vg_cov_score(t[i], o->by);
    }
    vg__buf_printf(&b,
                   "\n],\n\"gradient\":{\"colors\":[\"%s\",\"%s\"],\"minValue\":0,"
                   "\"maxValue\":%zu},\n\"legendItems\":[",
                   vg_cov_color(o->by, 0), vg_cov_color(o->by, 5), max);
    static const size_t steps[] = {1, 2, 3, 5};
    static const char *const labels[] = {"1 rule", "2 rules", "3-4 rules", "5 or more rules"};
    for (size_t i = 0; i < 4; i++)
        vg__buf_printf(&b, "%s{\"label\":\"%s %s\",\"color\":\"%s\"}", i ? "," : "", labels[i],
                       vg_cov_measure_name(o->by), vg_cov_color(o->by, steps[i]));
    vg__buf_printf(&b,
                   "],\n\"showTacticRowBackground\":false,\"tacticRowBackground\":\"#dddddd\","
                   "\n\"selectTechniquesAcrossTactics\":true,\"selectSubtechniquesWithParent\":"
                   "false,\"selectVisibleTechniques\":false,\n\"metadata\":[{\"name\":"
                   "\"generated by\",\"value\":\"vigil %s\"},{\"name\":\"colour by\",\"value\":"
                   "\"%s\"},{\"name\":\"data\",\"value\":\"%s\"},{\"divider\":true},{\"name\":"
                   "\"knowledge base\",\"value\":",
                   vg_version(), vg_cov_measure_name(o->by), mode_text[vg_coverage_data_mode(c)]);
    jstr(&b, vg_attack_version(vg_coverage_kb(c)));
    vg__buf_adds(&b, "}],\n\"links\":[{\"label\":\"MITRE ATT&CK\",\"url\":"
                     "\"https://attack.mitre.org/\"}]\n}\n");
    return vg__report_take(&b, out, len);
}

/*
 * report_json.c - coverage as JSON and CSV, the machine-readable exports.
 *
 * JSON (schema in docs/coverage.md, "vigil_coverage": 1) holds the summary, per-tactic and
 * per-platform tallies, every technique that has rules or evidence with its counts and rule
 * ids, and every detection rule with its status, deployment, techniques and the data that
 * feeds it or what it misses. `vigil coverage diff` reads two of these files. CSV has one row
 * per rule and technique (a rule without ATT&CK tags gets one row with an empty technique), so
 * a spreadsheet pivot gives any roll-up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "report.h"

void vg__xml(vg__buf *b, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '&':
            vg__buf_adds(b, "&amp;");
            break;
        case '<':
            vg__buf_adds(b, "&lt;");
            break;
        case '>':
            vg__buf_adds(b, "&gt;");
            break;
        case '"':
            vg__buf_adds(b, "&quot;");
            break;
        case '\'':
            vg__buf_adds(b, "&#39;");
            break;
        default:
            vg__buf_addc(b, *s);
        }
}

int vg__report_take(vg__buf *b, char **out, size_t *len)
{
    size_t n = 0;
    *out = vg__buf_take(b, &n);
    if (len)
        *len = n;
    return *out ? 0 : VG_ERR_NOMEM;
}

const char *vg__report_title(const vg_report_opts *o)
{
    return o && o->title && *o->title ? o->title : "vigil coverage";
}

int vg__report_platform_ok(const vg_coverage *c, const vg_report_opts *o, const vg_cov_tech *t)
{
    if (!o || !o->platform || !*o->platform)
        return 1;
    int bit = vg_attack_platform_bit(vg_coverage_kb(c), o->platform);
    return bit >= 0 && (t->tech->platforms >> bit & 1);
}

void vg__report_str(vg__buf *b, const char *s)
{
    vg__buf_json_str(b, s ? s : "", s ? strlen(s) : 0);
}

static void tally(vg__buf *b, const vg_cov_tally *t)
{
    vg__buf_adds(b, "{");
    if (t->tactic) {
        vg__buf_adds(b, "\"id\":");
        vg__report_str(b, t->tactic->attack_id);
        vg__buf_adds(b, ",\"shortname\":");
        vg__report_str(b, t->tactic->shortname);
        vg__buf_adds(b, ",");
    }
    vg__buf_adds(b, "\"name\":");
    vg__report_str(b, t->name);
    vg__buf_printf(b,
                   ",\"techniques\":%zu,\"covered\":%zu,\"active\":%zu,\"available\":%zu,"
                   "\"needs_data\":%zu,\"validated\":%zu,\"pct_active\":%.1f}",
                   t->techniques, t->covered, t->active, t->available, t->needs_data, t->validated,
                   t->pct_active);
}

static const char *const mode_names[] = {"assumed", "observed", "declared"};

static void techniques(vg__buf *b, const vg_coverage *c)
{
    const vg_cov_tech *const *t;
    size_t n = vg_coverage_techniques(c, &t), k = 0;
    vg__buf_adds(b, "\"techniques\":[");
    for (size_t i = 0; i < n; i++) {
        if (!t[i]->total && !t[i]->tech_validated)
            continue;
        vg__buf_adds(b, k++ ? ",\n{\"id\":" : "\n{\"id\":");
        vg__report_str(b, t[i]->tech->attack_id);
        vg__buf_adds(b, ",\"name\":");
        vg__report_str(b, t[i]->tech->name);
        vg__buf_printf(b,
                       ",\"rules\":%zu,\"own\":%zu,\"active\":%zu,\"available\":%zu,"
                       "\"needs_data\":%zu,\"validated\":%zu,\"rule_ids\":[",
                       t[i]->total, t[i]->n_own, t[i]->n[VG_COV_ACTIVE], t[i]->n[VG_COV_AVAILABLE],
                       t[i]->n[VG_COV_NEEDS_DATA], vg_cov_score(t[i], VG_COV_BY_VALIDATED));
        for (size_t r = 0; r < t[i]->n_rules; r++) {
            if (r)
                vg__buf_addc(b, ',');
            vg__report_str(b, t[i]->rules[r]->rule->id);
        }
        vg__buf_adds(b, "]}");
    }
    vg__buf_adds(b, "]");
}

static void rules(vg__buf *b, const vg_coverage *c)
{
    const vg_cov_rule *r;
    size_t n = vg_coverage_rules(c, &r);
    vg__buf_adds(b, "\"rules\":[");
    for (size_t i = 0; i < n; i++) {
        vg__buf_adds(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        vg__report_str(b, r[i].rule->id);
        vg__buf_adds(b, ",\"title\":");
        vg__report_str(b, r[i].rule->title);
        vg__buf_adds(b, ",\"file\":");
        vg__report_str(b, r[i].rule->file);
        vg__buf_printf(b, ",\"status\":\"%s\",\"deployed\":%s,\"validated\":%s,\"techniques\":[",
                       vg_cov_status_name(r[i].status), r[i].deployed ? "true" : "false",
                       r[i].validated ? "true" : "false");
        for (size_t k = 0; k < r[i].rule->n_techniques; k++) {
            if (k)
                vg__buf_addc(b, ',');
            vg__report_str(b, r[i].rule->techniques[k]->attack_id);
        }
        vg__buf_adds(b, "],\"source\":");
        vg__report_str(b, r[i].source);
        vg__buf_adds(b, ",\"missing\":");
        vg__report_str(b, r[i].missing);
        vg__buf_adds(b, "}");
    }
    vg__buf_adds(b, "]");
}

int vg_report_json(const vg_coverage *c, char **out, size_t *len)
{
    vg__buf b;
    vg__buf_init(&b);
    const vg_cov_rule *r;
    size_t nr = vg_coverage_rules(c, &r), n[VG_COV_STATUS_COUNT] = {0}, val = 0;
    for (size_t i = 0; i < nr; i++) {
        n[r[i].status]++;
        val += r[i].validated != 0;
    }
    vg__buf_adds(&b, "{\"vigil_coverage\":1,\"attack\":");
    vg__report_str(&b, vg_attack_version(vg_coverage_kb(c)));
    vg__buf_printf(&b,
                   ",\"domain\":\"enterprise-attack\",\"data\":\"%s\",\n\"summary\":{\"rules\":%zu,"
                   "\"active\":%zu,\"available\":%zu,\"needs_data\":%zu,\"validated\":%zu,"
                   "\"overall\":",
                   mode_names[vg_coverage_data_mode(c)], nr, n[VG_COV_ACTIVE], n[VG_COV_AVAILABLE],
                   n[VG_COV_NEEDS_DATA], val);
    vg_cov_tally all;
    vg_coverage_overall(c, &all);
    tally(&b, &all);
    vg__buf_adds(&b, "},\n\"tactics\":[");
    const vg_cov_tally *t;
    size_t nt = vg_coverage_tactics(c, &t);
    for (size_t i = 0; i < nt; i++) {
        vg__buf_adds(&b, i ? ",\n" : "\n");
        tally(&b, &t[i]);
    }
    vg__buf_adds(&b, "],\n\"platforms\":[");
    nt = vg_coverage_platforms(c, &t);
    for (size_t i = 0; i < nt; i++) {
        vg__buf_adds(&b, i ? ",\n" : "\n");
        tally(&b, &t[i]);
    }
    vg__buf_adds(&b, "],\n");
    techniques(&b, c);
    vg__buf_adds(&b, ",\n");
    rules(&b, c);
    vg__buf_adds(&b, "}\n");
    return vg__report_take(&b, out, len);
}

static void csv(vg__buf *b, const char *s, int last)
{
    int quote = s && strpbrk(s, ",\"\n\r") != NULL;
    if (quote)
        vg__buf_addc(b, '"');
    for (; s && *s; s++) {
        if (*s == '"')
            vg__buf_addc(b, '"');
        vg__buf_addc(b, *s);
    }
    if (quote)
        vg__buf_addc(b, '"');
    vg__buf_addc(b, last ? '\n' : ',');
}

int vg_report_csv(const vg_coverage *c, char **out, size_t *len)
{
    vg__buf b;
    vg__buf_init(&b);
    vg__buf_adds(&b, "technique,technique_name,tactics,rule_id,rule_title,status,deployed,"
                     "validated,source,missing\n");
    const vg_cov_rule *r;
    size_t nr = vg_coverage_rules(c, &r);
    for (size_t i = 0; i < nr; i++) {
        size_t nt = r[i].rule->n_techniques;
        for (size_t k = 0; k < (nt ? nt : 1); k++) {
            const vg_attack_obj *t = nt ? r[i].rule->techniques[k] : NULL;
            char tactics[512] = "";
            for (size_t j = 0; t && j < t->n_tactics; j++) {
                size_t l = strlen(tactics);
                snprintf(tactics + l, sizeof tactics - l, "%s%s", j ? ";" : "",
                         t->tactics[j]->shortname);
            }
            csv(&b, t ? t->attack_id : "", 0);
            csv(&b, t ? t->name : "", 0);
            csv(&b, tactics, 0);
            csv(&b, r[i].rule->id, 0);
            csv(&b, r[i].rule->title, 0);
            csv(&b, vg_cov_status_name(r[i].status), 0);
            csv(&b, r[i].deployed ? "yes" : "no", 0);
            csv(&b, r[i].validated ? "yes" : "no", 0);
            csv(&b, r[i].source, 0);
            csv(&b, r[i].missing, 1);
        }
    }
    return vg__report_take(&b, out, len);
}

/*
 * html.c - the self-contained HTML coverage report.
 *
 * One file a manager can mail: inline CSS, inline SVG, no script and no external resource, so
 * it opens the same offline, in a mail client's viewer or in headless Chromium. Sections, each
 * an element with a stable id that tests check: #summary (figures), #matrix (the SVG matrix),
 * #tactics (table per tactic), #bars (bar chart by tactic), #radar (radar by tactic), #sankey
 * (data source -> tactic -> technique), #platforms, #rules (every rule, its status and the data
 * that feeds it or what it misses), and the ATT&CK notice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "charts.h"
#include "report.h"

static const char *const css =
    "body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#222}"
    "h1{font-size:22px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;"
    "text-align:left}th{background:#f2f2f2}td.n{text-align:right}"
    ".figs{display:flex;gap:16px;flex-wrap:wrap}.fig{border:1px solid #ddd;border-radius:6px;"
    "padding:10px 16px;min-width:120px}.fig b{display:block;font-size:24px}"
    ".s-active{color:#006d2c}.s-available{color:#08519c}.s-needs-data{color:#a63603}"
    ".scroll{overflow-x:auto}.note{color:#666;font-size:12px}";

static void fig(vg__buf *b, const char *label, size_t n, const char *extra)
{
    vg__buf_printf(b, "<div class=\"fig\"><b>%zu</b>%s%s</div>", n, label, extra ? extra : "");
}

static void summary(vg__buf *b, const vg_coverage *c)
{
    const vg_cov_rule *r;
    size_t nr = vg_coverage_rules(c, &r), n[VG_COV_STATUS_COUNT] = {0}, val = 0;
    for (size_t i = 0; i < nr; i++) {
        n[r[i].status]++;
        val += r[i].validated != 0;
    }
    vg_cov_tally all;
    vg_coverage_overall(c, &all);
    static const char *const modes[] = {
        "assumed present wherever the profile routes a rule's log source",
        "observed in the logs that were read", "declared in an inventory file"};
    vg__buf_adds(b, "<section id=\"summary\"><h2>Summary</h2><div class=\"figs\">");
    fig(b, "detection rules", nr, NULL);
    fig(b, "active", n[VG_COV_ACTIVE], NULL);
    fig(b, "available", n[VG_COV_AVAILABLE], NULL);
    fig(b, "need data", n[VG_COV_NEEDS_DATA], NULL);
    fig(b, "validated", val, NULL);
    char pct[64];
    snprintf(pct, sizeof pct, " (%.1f%% of %zu)", all.pct_active, all.techniques);
    fig(b, "techniques with an active rule", all.active, pct);
    fig(b, "techniques with any rule", all.covered, NULL);
    vg__buf_adds(b, "</div><p class=\"note\">Data: ");
    vg__xml(b, modes[vg_coverage_data_mode(c)]);
    vg__buf_adds(b, ". Knowledge base: ");
    vg__xml(b, vg_attack_version(vg_coverage_kb(c)));
    vg__buf_adds(b, ", enterprise matrix. Techniques are counted with their sub-techniques "
                    "rolled up.</p></section>\n");
}

static void tally_table(vg__buf *b, const char *id, const char *title, const vg_cov_tally *t,
                        size_t n)
{
    vg__buf_printf(b,
                   "<section id=\"%s\"><h2>%s</h2><table><tr><th>%s</th><th>techniques</th>"
                   "<th>with rules</th><th>active</th><th>available</th><th>needs data</th>"
                   "<th>validated</th><th>%% active</th></tr>\n",
                   id, title, strcmp(id, "tactics") == 0 ? "tactic" : "platform");
    for (size_t i = 0; i < n; i++) {
        vg__buf_adds(b, "<tr><td>");
        vg__xml(b, t[i].name);
        vg__buf_printf(b,
                       "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu"
                       "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu"
                       "</td><td class=\"n\">%.1f%%</td></tr>\n",
                       t[i].techniques, t[i].covered, t[i].active, t[i].available, t[i].needs_data,
                       t[i].validated, t[i].pct_active);
    }
    vg__buf_adds(b, "</table></section>\n");
}

static void rules_table(vg__buf *b, const vg_coverage *c)
{
    const vg_cov_rule *r;
    size_t nr = vg_coverage_rules(c, &r);
    vg__buf_adds(b, "<section id=\"rules\"><h2>Rules</h2><table><tr><th>status</th><th>rule</th>"
                    "<th>techniques</th><th>deployed</th><th>data, or what is missing</th></tr>\n");
    for (size_t i = 0; i < nr; i++) {
        const char *st = vg_cov_status_name(r[i].status);
        vg__buf_printf(b, "<tr><td class=\"s-%s\">%s%s</td><td>", st, st,
                       r[i].validated ? ", validated" : "");
        vg__xml(b, *r[i].rule->title ? r[i].rule->title : r[i].rule->id);
        vg__buf_adds(b, "</td><td>");
        for (size_t k = 0; k < r[i].rule->n_techniques; k++) {
            if (k)
                vg__buf_adds(b, ", ");
            vg__xml(b, r[i].rule->techniques[k]->attack_id);
        }
        vg__buf_printf(b, "</td><td>%s</td><td>", r[i].deployed ? "yes" : "no");
        vg__xml(b, *r[i].missing ? r[i].missing : r[i].source);
        vg__buf_adds(b, "</td></tr>\n");
    }
    vg__buf_adds(b, "</table></section>\n");
}

int vg_report_html(const vg_coverage *c, const vg_report_opts *o, char **out, size_t *len)
{
    vg_report_opts def = {0};
    if (!o)
        o = &def;
    vg__buf b;
    vg__buf_init(&b);
    vg__buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"generator\" content=\"vigil ");
    vg__buf_adds(&b, vg_version());
    vg__buf_adds(&b, "\"><title>");
    vg__xml(&b, vg__report_title(o));
    vg__buf_printf(&b, "</title><style>%s</style></head>\n<body>\n<h1>", css);
    vg__xml(&b, vg__report_title(o));
    vg__buf_adds(&b, "</h1>\n");
    summary(&b, c);
    vg__buf_printf(&b,
                   "<section id=\"matrix\"><h2>ATT&amp;CK matrix, coloured by rules %s</h2>"
                   "<div class=\"scroll\">",
                   vg_cov_measure_name(o->by));
    vg__svg_matrix(&b, c, o);
    vg__buf_adds(&b, "</div></section>\n");
    const vg_cov_tally *t;
    size_t n = vg_coverage_tactics(c, &t);
    tally_table(&b, "tactics", "By tactic", t, n);
    vg__buf_adds(&b, "<section id=\"bars\"><h2>Techniques by tactic and best status</h2>");
    vg__chart_bars(&b, c);
    vg__buf_adds(&b, "</section>\n<section id=\"radar\"><h2>Coverage radar by tactic</h2>");
    vg__chart_radar(&b, c);
    vg__buf_adds(&b, "</section>\n<section id=\"sankey\"><h2>From data source to tactic to "
                     "technique (rules)</h2><div class=\"scroll\">");
    vg__chart_sankey(&b, c);
    vg__buf_adds(&b, "</div></section>\n");
    n = vg_coverage_platforms(c, &t);
    tally_table(&b, "platforms", "By platform", t, n);
    rules_table(&b, c);
    vg__buf_adds(&b, "<footer class=\"note\"><p>");
    vg__xml(&b, vg_attack_notice());
    vg__buf_adds(&b, "</p></footer>\n</body></html>\n");
    return vg__report_take(&b, out, len);
}

/*
 * charts.c - the SVG charts of the HTML report: bars and radar by tactic, and a sankey from
 * data source to tactic to technique.
 *
 * Bars: one stacked bar per tactic over its parent techniques, each technique counted once by
 * the best status of its rules (active, else available, else needs data, else no rule), so the
 * segments add up to the tactic's techniques. Radar: one axis per tactic in matrix order, two
 * polygons, the share of techniques with an active rule and with any rule. Sankey: every
 * (rule, technique, tactic) triple is one unit of flow from the rule's log source (category or
 * service as the rule writes it) to the tactic and on to the parent technique; the 12 largest
 * sources and 24 largest techniques are drawn and the rest gathered as "other". Everything is
 * computed here and drawn as plain SVG: no script runs in the report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "charts.h"
#include "report.h"

static const char *const best_colors[4] = {"#31a354", "#3182bd", "#e6550d", "#dddddd"};
static const char *const best_names[4] = {"active", "available", "needs data", "no rule"};

static int best(const vg_cov_tech *t)
{
    return t->n[VG_COV_ACTIVE] ? 0 : t->n[VG_COV_AVAILABLE] ? 1 : t->n[VG_COV_NEEDS_DATA] ? 2 : 3;
}

void vg__chart_bars(vg__buf *b, const vg_coverage *c)
{
    const vg_cov_tally *tal;
    size_t nt = vg_coverage_tactics(c, &tal), most = 1;
    for (size_t i = 0; i < nt; i++)
        most = tal[i].techniques > most ? tal[i].techniques : most;
    int w = 760, lab = 170, bar_w = w - lab - 60, h = 30 + (int)nt * 24 + 30;
    vg__buf_printf(
        b,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        "class=\"bars\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\n",
        w, h);
    for (size_t i = 0; i < nt; i++) {
        const vg_cov_tech *col[1024];
        size_t n = vg_coverage_column(c, tal[i].tactic, col, VG_ARRAY_LEN(col)), seg[4] = {0};
        for (size_t k = 0; k < n && k < VG_ARRAY_LEN(col); k++)
            seg[best(col[k])]++;
        int y = 20 + (int)i * 24;
        vg__buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lab - 6, y + 13);
        vg__xml(b, tal[i].name);
        vg__buf_adds(b, "</text>");
        double x = lab;
        for (int s = 0; s < 4; s++) {
            double sw = (double)bar_w * (double)seg[s] / (double)most;
            if (seg[s])
                vg__buf_printf(b,
                               "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\">"
                               "<title>%zu %s</title></rect>",
                               x, y, sw, best_colors[s], seg[s], best_names[s]);
            x += sw;
        }
        vg__buf_printf(b, "<text x=\"%.1f\" y=\"%d\">%.0f%%</text>\n", x + 4, y + 13,
                       tal[i].pct_active);
    }
    int ly = 26 + (int)nt * 24;
    for (int s = 0; s < 4; s++)
        vg__buf_printf(b,
                       "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                       "<text x=\"%d\" y=\"%d\">%s</text>",
                       lab + s * 120, ly, best_colors[s], lab + s * 120 + 16, ly + 10,
                       best_names[s]);
    vg__buf_adds(b, "\n</svg>\n");
}

void vg__chart_radar(vg__buf *b, const vg_coverage *c)
{
    const vg_cov_tally *tal;
    size_t nt = vg_coverage_tactics(c, &tal);
    const double cx = 300, cy = 260, r = 190, pi = 3.14159265358979323846;
    vg__buf_adds(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"540\" "
                    "class=\"radar\" font-family=\"Helvetica, Arial, sans-serif\" "
                    "font-size=\"10\">\n");
    for (int ring = 1; ring <= 4; ring++)
        vg__buf_printf(b,
                       "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.1f\" fill=\"none\" "
                       "stroke=\"#dddddd\"/><text x=\"%.0f\" y=\"%.1f\" fill=\"#888888\">%d%%"
                       "</text>",
                       cx, cy, r * ring / 4, cx + 2, cy - r * ring / 4 + 10, ring * 25);
    for (size_t i = 0; i < nt; i++) {
        double a = -pi / 2 + 2 * pi * (double)i / (double)(nt ? nt : 1);
        double x = cx + r * cos(a), y = cy + r * sin(a);
        double lx = cx + (r + 18) * cos(a), ly = cy + (r + 18) * sin(a);
        vg__buf_printf(b,
                       "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>"
                       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">",
                       cx, cy, x, y, lx, ly + 3,
                       fabs(cos(a)) < 0.2 ? "middle"
                       : cos(a) > 0       ? "start"
                                          : "end");
        vg__xml(b, tal[i].name);
        vg__buf_adds(b, "</text>\n");
    }
    for (int poly = 0; poly < 2; poly++) {
        vg__buf_printf(b,
                       "<polygon class=\"%s\" fill=\"%s\" fill-opacity=\"0.35\" stroke=\"%s\" "
                       "stroke-width=\"2\" points=\"",
                       poly ? "active" : "covered", poly ? "#31a354" : "#35978f",
                       poly ? "#006d2c" : "#01665e");
        for (size_t i = 0; i < nt; i++) {
            double a = -pi / 2 + 2 * pi * (double)i / (double)(nt ? nt : 1);
            double share = tal[i].techniques ? (double)(poly ? tal[i].active : tal[i].covered) /
                                                   (double)tal[i].techniques
                                             : 0;
            vg__buf_printf(b, "%s%.1f,%.1f", i ? " " : "", cx + r * share * cos(a),
                           cy + r * share * sin(a));
        }
        vg__buf_adds(b, "\"/>\n");
    }
    vg__buf_adds(b, "<rect x=\"20\" y=\"510\" width=\"12\" height=\"12\" fill=\"#35978f\"/>"
                    "<text x=\"36\" y=\"520\">techniques with any rule</text>"
                    "<rect x=\"200\" y=\"510\" width=\"12\" height=\"12\" fill=\"#31a354\"/>"
                    "<text x=\"216\" y=\"520\">techniques with an active rule</text>\n</svg>\n");
}

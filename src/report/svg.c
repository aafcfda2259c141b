/*
 * svg.c - the coverage matrix as SVG: a standalone file, and the element the HTML report embeds.
 *
 * Tactics are columns in matrix order, headed by their name and "active / techniques (%)";
 * each parent technique is a cell filled with the measure's palette step for its score (grey
 * when 0), showing its ID, its score over its rule count, and its name cut to the cell. A
 * <title> on every cell carries the full name and counts, so browsers show them on hover. Only
 * fonts every browser has are named; the file needs nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "report.h"

#define COL_W   132
#define GAP     4
#define HEAD_H  54
#define CELL_H  32
#define MARGIN  10
#define LEGEND  40
#define NAME_CH 22 /* characters of a name that fit a cell */

static void cut(vg__buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        vg__xml(b, s);
        return;
    }
    char tmp[64];
    size_t k = max - 1 < sizeof tmp - 1 ? max - 1 : sizeof tmp - 1;
    while (k && (s[k] & 0xC0) == 0x80) /* do not split a UTF-8 sequence */
        k--;
    memcpy(tmp, s, k);
    tmp[k] = 0;
    vg__xml(b, tmp);
    vg__buf_adds(b, "\u2026");
}

static void cell(vg__buf *b, const vg_cov_tech *t, const vg_report_opts *o, int x, int y)
{
    size_t score = vg_cov_score(t, o->by);
    vg__buf_printf(b,
                   "<g class=\"tech\" data-id=\"%s\"><rect x=\"%d\" y=\"%d\" width=\"%d\" "
                   "height=\"%d\" rx=\"3\" fill=\"%s\" stroke=\"#bbbbbb\"/>",
                   t->tech->attack_id, x, y, COL_W, CELL_H - 2, vg_cov_color(o->by, score));
    vg__buf_adds(b, "<title>");
    vg__xml(b, t->tech->attack_id);
    vg__buf_adds(b, " ");
    vg__xml(b, t->tech->name);
    vg__buf_printf(b, ": %zu rules, %zu active, %zu available, %zu need data, %zu validated",
                   t->total, t->n[VG_COV_ACTIVE], t->n[VG_COV_AVAILABLE], t->n[VG_COV_NEEDS_DATA],
                   vg_cov_score(t, VG_COV_BY_VALIDATED));
    vg__buf_adds(b, "</title>");
    const char *ink = score >= 3 ? "#ffffff" : "#111111";
    vg__buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"10\" font-weight=\"bold\" fill=\"%s\">",
                   x + 4, y + 12, ink);
    vg__xml(b, t->tech->attack_id);
    if (t->total)
        vg__buf_printf(b, "  %zu/%zu", score, t->total);
    vg__buf_printf(b, "</text><text x=\"%d\" y=\"%d\" font-size=\"9\" fill=\"%s\">", x + 4, y + 24,
                   ink);
    cut(b, t->tech->name, NAME_CH);
    vg__buf_adds(b, "</text></g>\n");
}

static void legend(vg__buf *b, const vg_report_opts *o, int y)
{
    static const size_t steps[] = {0, 1, 2, 3, 5};
    static const char *const labels[] = {"0", "1", "2", "3-4", "5+"};
    vg__buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\">rules %s:</text>", MARGIN, y + 14,
                   vg_cov_measure_name(o->by));
    for (int i = 0; i < 5; i++) {
        int x = MARGIN + 110 + i * 60;
        vg__buf_printf(b,
                       "<rect x=\"%d\" y=\"%d\" width=\"18\" height=\"14\" fill=\"%s\" "
                       "stroke=\"#bbbbbb\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>",
                       x, y + 3, vg_cov_color(o->by, steps[i]), x + 22, y + 14, labels[i]);
    }
}

void vg__svg_matrix(vg__buf *b, const vg_coverage *c, const vg_report_opts *o)
{
    const vg_cov_tally *tal;
    size_t nc = vg_coverage_tactics(c, &tal), rows = 0;
    const vg_cov_tech ***cols = calloc(nc + 1, sizeof *cols);
    size_t *counts = calloc(nc + 1, sizeof *counts);
    for (size_t i = 0; cols && counts && i < nc; i++) {
        size_t n = vg_coverage_column(c, tal[i].tactic, NULL, 0);
        cols[i] = calloc(n + 1, sizeof **cols);
        if (!cols[i])
            continue;
        vg_coverage_column(c, tal[i].tactic, cols[i], n);
        for (size_t k = 0; k < n; k++)
            if (vg__report_platform_ok(c, o, cols[i][k]))
                cols[i][counts[i]++] = cols[i][k];
        rows = counts[i] > rows ? counts[i] : rows;
    }
    int w = MARGIN * 2 + (int)nc * (COL_W + GAP),
        h = MARGIN * 2 + HEAD_H + (int)rows * CELL_H + LEGEND;
    vg__buf_printf(b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                   "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" "
                   "class=\"matrix\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
                   w, h, w, h);
    for (size_t i = 0; cols && counts && i < nc; i++) {
        int x = MARGIN + (int)i * (COL_W + GAP);
        vg__buf_printf(b,
                       "<g class=\"tactic\" data-id=\"%s\"><rect x=\"%d\" y=\"%d\" width=\"%d\" "
                       "height=\"%d\" fill=\"#333f4f\"/><text x=\"%d\" y=\"%d\" font-size=\"11\" "
                       "font-weight=\"bold\" fill=\"#ffffff\">",
                       tal[i].tactic->attack_id, x, MARGIN, COL_W, HEAD_H - 6, x + 4, MARGIN + 16);
        cut(b, tal[i].name, 20);
        vg__buf_printf(b,
                       "</text><text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#dddddd\">%zu/%zu "
                       "active (%.0f%%)</text></g>\n",
                       x + 4, MARGIN + 36, tal[i].active, tal[i].techniques, tal[i].pct_active);
        for (size_t r = 0; r < counts[i]; r++)
            cell(b, cols[i][r], o, x, MARGIN + HEAD_H + (int)r * CELL_H);
    }
    legend(b, o, MARGIN + HEAD_H + (int)rows * CELL_H + 8);
    vg__buf_adds(b, "</svg>\n");
    for (size_t i = 0; cols && i < nc; i++)
        free(cols[i]);
    free(cols);
    free(counts);
}

int vg_report_svg(const vg_coverage *c, const vg_report_opts *o, char **out, size_t *len)
{
    vg_report_opts def = {0};
    vg__buf b;
    vg__buf_init(&b);
    vg__buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    vg__svg_matrix(&b, c, o ? o : &def);
    return vg__report_take(&b, out, len);
}

/*
 * charts.h - SVG charts of the HTML report (charts.c, sankey.c).
 */
#ifndef VG_CHARTS_H
#define VG_CHARTS_H

#include "../base/base.h"

void vg__chart_bars(vg__buf *b, const vg_coverage *c);
void vg__chart_radar(vg__buf *b, const vg_coverage *c);
void vg__chart_sankey(vg__buf *b, const vg_coverage *c);

#endif

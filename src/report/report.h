/*
 * report.h - helpers shared by the coverage renderers in src/report (JSON and CSV, Navigator
 * layer, SVG matrix, HTML report, diff).
 */
#ifndef VG_REPORT_H
#define VG_REPORT_H

#include "../base/base.h"

/* Append s with &, <, >, " and ' escaped for XML/HTML text and attributes. */
void vg__xml(vg__buf *b, const char *s);
/* Append s (NULL: "") as a JSON string. */
void vg__report_str(vg__buf *b, const char *s);
/* Finish a renderer: detach b into *out / *len, or VG_ERR_NOMEM. */
int vg__report_take(vg__buf *b, char **out, size_t *len);
/* The matrix as an <svg> element (no XML prolog) at the given width in pixels. */
void vg__svg_matrix(vg__buf *b, const vg_coverage *c, const vg_report_opts *o);
/* Does technique t belong to the platform of the options (none given: yes)? */
int vg__report_platform_ok(const vg_coverage *c, const vg_report_opts *o, const vg_cov_tech *t);
const char *vg__report_title(const vg_report_opts *o);

#endif

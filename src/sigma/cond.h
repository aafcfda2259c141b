/*
 * cond.h - the Sigma condition parser (cond.c).
 */
#ifndef VG_COND_H
#define VG_COND_H

#include "sigma.h"

/* Parse condition text over the given search identifiers. NULL on error with err (errcap
 * bytes) and *err_pos (byte offset in s) set. Nodes come from a. */
vg__cnode *vg__cond_parse(const char *s, size_t n, const vg__search *searches, size_t n_searches,
                          vg__arena *a, char *err, size_t errcap, size_t *err_pos);

#endif

/*
 * cmd_validate.c - `vigil validate MANIFEST`: evidence-based coverage (stub while in progress).
 */
#include "cov.h"

int cov_run_manifest(cov_ctx *x, const char *manifest, FILE *report)
{
    (void)x;
    (void)report;
    fprintf(stderr, "vigil: %s: validation manifests are not supported yet\n", manifest);
    return 1;
}

/*
 * cov_out.c - small pieces the coverage commands share besides loading (cov_load.c): finding
 * the groups, campaigns and software named on the command line, naming their kind, and writing
 * an export to a file or standard output.
 */
#include <string.h>

#include "cov.h"

const char *cov_actor_kind(const vg_attack_obj *o)
{
    return o->kind == VG_ATTACK_GROUP      ? "group"
           : o->kind == VG_ATTACK_CAMPAIGN ? "campaign"
                                           : "software";
}

const vg_attack_obj *cov_find_actor(const cov_ctx *x, const char *name)
{
    uint32_t mask =
        (1u << VG_ATTACK_GROUP) | (1u << VG_ATTACK_CAMPAIGN) | (1u << VG_ATTACK_SOFTWARE);
    const vg_attack_obj *a = NULL;
    vg_attack_find(x->kb, name, mask, &a); /* an ambiguous name still sets a */
    if (!a) {
        fprintf(stderr, "vigil: '%s' is not a group, campaign or software in %s\n", name,
                vg_attack_version(x->kb));
        return NULL;
    }
    if (vg_attack_resolve(a) != a && !x->o->quiet)
        fprintf(stderr, "note: %s %s is revoked; using its replacement %s\n", a->attack_id, a->name,
                vg_attack_resolve(a)->attack_id);
    return a;
}

int cov_write(const char *path, const char *text, size_t len)
{
    FILE *f = path && strcmp(path, "-") != 0 ? fopen(path, "w") : stdout;
    if (!f) {
        fprintf(stderr, "vigil: %s: cannot write\n", path);
        return EXIT_INPUT;
    }
    int bad = fwrite(text, 1, len, f) != len;
    if (f != stdout)
        bad |= fclose(f) != 0;
    else
        fflush(f);
    if (bad)
        fprintf(stderr, "vigil: %s: write failed\n", path ? path : "standard output");
    return bad ? EXIT_INPUT : EXIT_OK;
}

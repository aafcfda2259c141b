/*
 * embedded.c - the ATT&CK catalogue compiled into the binary.
 *
 * data/attack-catalogue.json (written by `vigil attack export-catalogue`) is linked in by
 * embedded.S with .incbin and loaded through the ordinary STIX loader, so every command works
 * without an --attack file and the embedded facts are checked exactly like MITRE's own files.
 */
#include "attack.h"

extern const char vg__catalogue_start[];
extern const char vg__catalogue_end[];

int vg_attack_load_embedded(vg_attack *kb, vg_diags *diags)
{
    if (!kb)
        return VG_ERR_INVAL;
    int rc = vg_attack_load_buffer(kb, vg__catalogue_start,
                                   (size_t)(vg__catalogue_end - vg__catalogue_start),
                                   "<embedded catalogue>", diags);
    if (!rc)
        kb->embedded = 1;
    return rc;
}

/*
 * fuzz_stix.c - libFuzzer target for the ATT&CK STIX loader (src/attack/load.c, kb.c,
 * tags.c, export.c), the parser that reads whatever --attack names.
 *
 * One input is one bundle. It is loaded twice into a new knowledge base (the second load
 * exercises merging of objects and relationships already present), finalized, and then used
 * the way the CLI uses it: every object is looked up by its ATT&CK ID, name and STIX id and
 * its revocation chain followed; a substring search runs; Sigma tags built from the objects
 * and a fixed set of awkward tags are resolved. Finally the catalogue is exported and loaded
 * into a fresh knowledge base, which must succeed without an error diagnostic and hold the
 * same objects: the embedded catalogue is made this way, so a bundle vigil accepts must
 * survive the round trip.
 *
 * Invariants are checked with CHECK (abort with a message), so a wrong answer is a crash to
 * libFuzzer just as a bad read is. Built with libFuzzer when VG_FUZZ=ON and as a plain
 * program with replay.c that the test suite runs over fuzz/corpus/stix.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_stix: invariant failed: %s (line %d)\n", #cond, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static int count_hit(const vg_attack_obj *obj, void *ud)
{
    (void)obj;
    return ++*(size_t *)ud >= 1000; /* stop early on huge inputs */
}

static void check_object(const vg_attack *kb, const vg_attack_obj *o, size_t i)
{
    CHECK(o->index == i);
    CHECK(o->kind < VG_ATTACK_KIND_COUNT);
    CHECK(o->stix_id && o->attack_id && o->name && o->url && o->shortname && o->version);
    for (size_t e = 0; e < o->n_out; e++)
        CHECK(o->out[e].other && o->out[e].rel < VG_REL_COUNT);
    for (size_t e = 0; e < o->n_in; e++)
        CHECK(o->in[e].other && o->in[e].rel < VG_REL_COUNT);
    for (size_t t = 0; t < o->n_tactics; t++)
        CHECK(o->tactics[t] && o->tactics[t]->kind == VG_ATTACK_TACTIC);
    for (size_t a = 0; a < o->n_aliases; a++)
        CHECK(o->aliases[a] != NULL);
    for (size_t s = 0; s < o->n_logsrc; s++)
        CHECK(o->logsrc[s].name && o->logsrc[s].channel);
    const vg_attack_obj *found = NULL;
    if (strlen(o->stix_id) < 255) {                /* longer keys are never looked up */
        vg_attack_find(kb, o->stix_id, 0, &found); /* may be ambiguous, found is still set */
        CHECK(found == o);
    }
    if (*o->attack_id) {
        const vg_attack_obj *all[8];
        size_t n = vg_attack_find_all(kb, o->attack_id, 0, all, 8);
        CHECK(strlen(o->attack_id) >= 255 || n >= 1);
    }
    const vg_attack_obj *live = vg_attack_resolve(o);
    CHECK(live != NULL);
}

static void resolve_tags(const vg_attack *kb)
{
    static const char *const fixed[] = {"attack.t1059.001",
                                        "attack.execution",
                                        "attack.defense-evasion",
                                        "attack.defense_evasion",
                                        "attack.stealth",
                                        "attack.defense-impairment",
                                        "attack.g0016",
                                        "attack.s0002",
                                        "attack.c0024",
                                        "attack.m1038",
                                        "attack.ta0002",
                                        "attack.t1086",
                                        "attack.",
                                        "attack.t",
                                        "attack.t1059.",
                                        "attack.t99999",
                                        "cve.2021-44228",
                                        "",
                                        "attack.ds0009",
                                        "ATTACK.T1059"};
    vg_tag_result r;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        vg_attack_resolve_tag(kb, fixed[i], NULL, 0, &r);
        CHECK(r.n_objs <= VG_TAG_MAX_OBJS);
    }
    /* tags made from the loaded objects, with the first few techniques as the hint */
    const vg_attack_obj *hint[4];
    size_t n_hint = 0;
    char tag[128];
    for (size_t i = 0; i < vg_attack_count(kb) && i < 200; i++) {
        const vg_attack_obj *o = vg_attack_at(kb, i);
        if (o->kind == VG_ATTACK_TECHNIQUE && n_hint < 4)
            hint[n_hint++] = o;
        const char *id = o->kind == VG_ATTACK_TACTIC ? o->shortname : o->attack_id;
        snprintf(tag, sizeof tag, "attack.%s", id);
        for (char *p = tag; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        vg_attack_resolve_tag(kb, tag, hint, n_hint, &r);
        CHECK(r.n_objs <= VG_TAG_MAX_OBJS);
        for (size_t k = 0; k < r.n_objs; k++)
            CHECK(r.objs[k] != NULL);
        CHECK(memchr(r.note, 0, sizeof r.note) != NULL);
    }
}

/* Export kb and load the result into a new knowledge base: no error, same objects. */
static void round_trip(const vg_attack *kb)
{
    char *cat = NULL;
    size_t len = 0;
    int rc = vg_attack_export_catalogue(kb, &cat, &len);
    if (rc == VG_ERR_NOMEM)
        return;
    CHECK(rc == 0 && cat && len > 0);
    vg_attack *again = vg_attack_new();
    vg_diags *d = vg_diags_new();
    CHECK(again && d);
    rc = vg_attack_load_buffer(again, cat, len, "<export>", d);
    if (rc || vg_diags_count_at(d, VG_SEV_ERROR)) {
        const vg_diag *e = vg_diags_get(d, 0);
        fprintf(stderr, "fuzz_stix: exported catalogue does not reload: %s: %s [%s]\n",
                vg_strerror(rc), e ? e->message : "", e && e->object ? e->object : "");
        abort();
    }
    CHECK(vg_attack_finalize(again, d) == 0);
    vg_attack_stats a, b;
    vg_attack_stats_get(kb, &a);
    vg_attack_stats_get(again, &b);
    CHECK(a.objects == b.objects);
    for (int k = 0; k < VG_ATTACK_KIND_COUNT; k++)
        CHECK(a.kind[k] == b.kind[k]);
    CHECK(a.subtechniques == b.subtechniques && a.revoked == b.revoked &&
          a.deprecated == b.deprecated);
    for (int r = 0; r < VG_REL_COUNT; r++)
        CHECK(a.rel[r] == b.rel[r]);
    for (size_t i = 0; i < vg_attack_count(kb); i++) {
        const vg_attack_obj *x = vg_attack_at(kb, i), *y = vg_attack_at(again, i);
        CHECK(strcmp(x->stix_id, y->stix_id) == 0 && strcmp(x->name, y->name) == 0);
        CHECK(strcmp(x->attack_id, y->attack_id) == 0 && x->kind == y->kind);
        CHECK(x->flags == y->flags && x->domains == y->domains);
        CHECK(x->n_tactics == y->n_tactics && x->n_aliases == y->n_aliases);
        CHECK(x->n_out == y->n_out && x->n_in == y->n_in && x->n_logsrc == y->n_logsrc);
    }
    vg_diags_free(d);
    vg_attack_free(again);
    free(cat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_attack *kb = vg_attack_new();
    vg_diags *d = vg_diags_new();
    CHECK(kb && d);
    int rc = vg_attack_load_buffer(kb, (const char *)data, size, "fuzz.json", d);
    CHECK(rc == 0 || rc == VG_ERR_SYNTAX || rc == VG_ERR_TYPE || rc == VG_ERR_LIMIT ||
          rc == VG_ERR_NOMEM);
    CHECK(rc == 0 || vg_diags_count_at(d, VG_SEV_ERROR) > 0 || rc == VG_ERR_NOMEM);
    for (size_t i = 0; i < vg_diags_count(d); i++) {
        const vg_diag *g = vg_diags_get(d, i);
        CHECK(g->message && (g->line == 0 || g->offset <= size));
    }
    if (rc == 0) {
        CHECK(vg_attack_load_buffer(kb, (const char *)data, size, "again.json", d) == 0);
        rc = vg_attack_finalize(kb, d);
        CHECK(rc == 0 || rc == VG_ERR_NOMEM);
    }
    if (rc == 0) {
        for (size_t i = 0; i < vg_attack_count(kb); i++)
            check_object(kb, vg_attack_at(kb, i), i);
        const vg_attack_obj *const *tac;
        for (uint32_t dom = 1; dom <= VG_DOMAIN_ICS; dom <<= 1)
            for (size_t t = 0, n = vg_attack_tactics(kb, dom, &tac); t < n; t++)
                CHECK(tac[t]->kind == VG_ATTACK_TACTIC);
        size_t hits = 0;
        vg_attack_search(kb, "a", 0, count_hit, &hits);
        resolve_tags(kb);
        CHECK(vg_attack_version(kb) != NULL);
        round_trip(kb);
    }
    vg_diags_free(d);
    vg_attack_free(kb);
    return 0;
}

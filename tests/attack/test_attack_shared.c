/*
 * test_attack_shared.c - ATT&CK tests against MITRE's own bundles and the SigmaHQ corpora in
 * the shared reference folder (../shared, passed as the environment variable VG_SHARED).
 *
 * A machine without the folder prints "shared data not found at ..., skipping" and every test
 * here is skipped; the rest of the suite does not depend on it. With the folder, the tests
 * check that MITRE's enterprise bundle loads to the counts computed independently with python,
 * that the three bundles merge to the totals the embedded catalogue reports, that exporting
 * the facts and loading them again loses nothing (and is a fixed point equal to the embedded
 * catalogue), and that every ATT&CK tag in the SigmaHQ corpora resolves as expected against
 * ATT&CK v18.1: all exactly for the v18-era release, and through the v19 crosswalk for the
 * current corpus, with the exact count of what does not resolve.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "vigil.h"
#include "base/base.h"

static char shared[4096];   /* the shared folder, or "" when absent */
static vg_attack *ent;      /* enterprise-attack.json alone */
static vg_attack *all3;     /* enterprise, mobile and ICS */
static const char *missing; /* the path that was not found, for the skip message */

#define NEED_SHARED()                                                                              \
    do {                                                                                           \
        if (!shared[0]) {                                                                          \
            print_message("shared data not found at %s, skipping\n", missing);                     \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

static void print_diags(const vg_diags *d)
{
    for (size_t i = 0; i < vg_diags_count(d) && i < 20; i++) {
        const vg_diag *r = vg_diags_get(d, i);
        print_message("  %s %s:%u:%u %s: %s\n", vg_errname(r->code), r->file ? r->file : "-",
                      r->line, r->col, r->object ? r->object : "-", r->message);
    }
}

/* Load the named bundles of shared/attack into a new finalized knowledge base. */
static vg_attack *load_bundles(const char *const *names, size_t n)
{
    vg_attack *kb = vg_attack_new();
    vg_diags *d = vg_diags_new();
    int rc = kb && d ? 0 : VG_ERR_NOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/attack/%s", shared, names[i]);
        rc = vg_attack_load_file(kb, path, d);
    }
    if (!rc)
        rc = vg_attack_finalize(kb, d);
    if (rc || vg_diags_count(d)) {
        print_message("loading shared ATT&CK: %s, %zu diagnostics\n", vg_errname(rc),
                      vg_diags_count(d));
        print_diags(d);
        vg_attack_free(kb);
        kb = NULL;
    }
    vg_diags_free(d);
    return kb;
}

static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("VG_SHARED");
    if (!dir || !*dir)
        dir = "../shared";
    static char probe[4200];
    snprintf(probe, sizeof probe, "%s/attack/enterprise-attack.json", dir);
    struct stat st;
    missing = dir;
    if (stat(probe, &st) != 0 || strlen(dir) >= sizeof shared) {
        shared[0] = 0; /* each test prints the skip message */
        return 0;
    }
    snprintf(shared, sizeof shared, "%s", dir);
    static const char *const one[] = {"enterprise-attack.json"};
    static const char *const three[] = {"enterprise-attack.json", "mobile-attack.json",
                                        "ics-attack.json"};
    ent = load_bundles(one, 1);
    all3 = load_bundles(three, 3);
    return ent && all3 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    vg_attack_free(ent);
    vg_attack_free(all3);
    ent = all3 = NULL;
    return 0;
}

/*
 * Computed with python3 from shared/attack/enterprise-attack.json (ATT&CK v18.1): json.load,
 * count objects by STIX type (malware and tool together as software; the flags
 * x_mitre_is_subtechnique, revoked, x_mitre_deprecated as given), relationships by
 * relationship_type among the six modelled types with both ends present, has-analytic as the
 * x_mitre_analytic_refs of detection strategies, analytic-reads as distinct
 * x_mitre_data_component_ref per analytic, component-of as x_mitre_data_source_ref (absent in
 * v18.1). Tactic, technique, sub-technique, group, detection-strategy, analytic and the six
 * relationship counts are the figures the task gives.
 */
static void test_enterprise_stats(void **state)
{
    (void)state;
    NEED_SHARED();
    vg_attack_stats s;
    vg_attack_stats_get(ent, &s);
    assert_int_equal(s.bundles, 1);
    assert_int_equal(s.objects, 4721);
    assert_int_equal(s.kind[VG_ATTACK_MATRIX], 1);
    assert_int_equal(s.kind[VG_ATTACK_TACTIC], 14);
    assert_int_equal(s.kind[VG_ATTACK_TECHNIQUE], 835);
    assert_int_equal(s.subtechniques, 479);
    assert_int_equal(s.kind[VG_ATTACK_GROUP], 187);
    assert_int_equal(s.kind[VG_ATTACK_SOFTWARE], 787);
    assert_int_equal(s.kind[VG_ATTACK_CAMPAIGN], 52);
    assert_int_equal(s.kind[VG_ATTACK_MITIGATION], 268);
    assert_int_equal(s.kind[VG_ATTACK_DATA_SOURCE], 38);
    assert_int_equal(s.kind[VG_ATTACK_DATA_COMPONENT], 109);
    assert_int_equal(s.kind[VG_ATTACK_DETECTION_STRATEGY], 691);
    assert_int_equal(s.kind[VG_ATTACK_ANALYTIC], 1739);
    assert_int_equal(s.revoked, 140);
    assert_int_equal(s.deprecated, 287);
    assert_int_equal(s.rel[VG_REL_USES], 17270);
    assert_int_equal(s.rel[VG_REL_MITIGATES], 1445);
    assert_int_equal(s.rel[VG_REL_DETECTS], 691);
    assert_int_equal(s.rel[VG_REL_SUBTECHNIQUE_OF], 477);
    assert_int_equal(s.rel[VG_REL_REVOKED_BY], 140);
    assert_int_equal(s.rel[VG_REL_ATTRIBUTED_TO], 25);
    assert_int_equal(s.rel[VG_REL_HAS_ANALYTIC], 1739);
    assert_int_equal(s.rel[VG_REL_COMPONENT_OF], 0);
    assert_int_equal(s.rel[VG_REL_ANALYTIC_READS], 4124);
    assert_string_equal(vg_attack_version(ent), "ATT&CK v18.1");
    assert_false(vg_attack_is_embedded(ent));
    const vg_attack_obj *const *t = NULL;
    assert_int_equal(vg_attack_tactics(ent, VG_DOMAIN_ENTERPRISE, &t), 14);
    assert_string_equal(t[0]->attack_id, "TA0043");
    assert_string_equal(t[13]->attack_id, "TA0040");
}

/* The three bundles merged: objects with one STIX id count once, relationships are
 * deduplicated by id (same python run as test_attack.c; equal to the embedded catalogue). */
static void test_three_bundles_totals(void **state)
{
    (void)state;
    NEED_SHARED();
    vg_attack_stats s;
    vg_attack_stats_get(all3, &s);
    assert_int_equal(s.bundles, 3);
    assert_int_equal(s.objects, 5760);
    assert_int_equal(s.kind[VG_ATTACK_MATRIX], 4);
    assert_int_equal(s.kind[VG_ATTACK_TACTIC], 40);
    assert_int_equal(s.kind[VG_ATTACK_TECHNIQUE], 1120);
    assert_int_equal(s.kind[VG_ATTACK_GROUP], 191);
    assert_int_equal(s.kind[VG_ATTACK_SOFTWARE], 921);
    assert_int_equal(s.kind[VG_ATTACK_CAMPAIGN], 56);
    assert_int_equal(s.kind[VG_ATTACK_MITIGATION], 334);
    assert_int_equal(s.kind[VG_ATTACK_DATA_SOURCE], 42);
    assert_int_equal(s.kind[VG_ATTACK_DATA_COMPONENT], 122);
    assert_int_equal(s.kind[VG_ATTACK_DETECTION_STRATEGY], 898);
    assert_int_equal(s.kind[VG_ATTACK_ANALYTIC], 2032);
    assert_int_equal(s.subtechniques, 526);
    assert_int_equal(s.revoked, 193);
    assert_int_equal(s.deprecated, 330);
    assert_int_equal(s.rel[VG_REL_USES], 18937);
    assert_int_equal(s.rel[VG_REL_MITIGATES], 1943);
    assert_int_equal(s.rel[VG_REL_DETECTS], 898);
    assert_int_equal(s.rel[VG_REL_SUBTECHNIQUE_OF], 524);
    assert_int_equal(s.rel[VG_REL_REVOKED_BY], 192);
    assert_int_equal(s.rel[VG_REL_ATTRIBUTED_TO], 26);
    assert_int_equal(s.rel[VG_REL_HAS_ANALYTIC], 2032);
    assert_int_equal(s.rel[VG_REL_COMPONENT_OF], 0);
    assert_int_equal(s.rel[VG_REL_ANALYTIC_READS], 4654);
    /* the same as the embedded catalogue, bundle count aside */
    vg_attack *emb = vg_attack_new();
    assert_int_equal(vg_attack_load_embedded(emb, NULL), 0);
    assert_int_equal(vg_attack_finalize(emb, NULL), 0);
    vg_attack_stats e;
    vg_attack_stats_get(emb, &e);
    e.bundles = s.bundles;
    assert_memory_equal(&e, &s, sizeof s);
    vg_attack_free(emb);
}

static void assert_same_obj(const vg_attack *ka, const vg_attack_obj *x, const vg_attack *kb,
                            const vg_attack_obj *y)
{
    assert_string_equal(x->stix_id, y->stix_id);
    assert_int_equal(x->kind, y->kind);
    assert_string_equal(x->attack_id, y->attack_id);
    assert_string_equal(x->name, y->name);
    assert_int_equal(x->flags, y->flags);
    assert_int_equal(x->domains, y->domains);
    assert_string_equal(x->url, y->url);
    assert_string_equal(x->shortname, y->shortname);
    assert_string_equal(x->version, y->version);
    assert_string_equal(x->modified, y->modified);
    /* platforms by name: bit numbers may differ between knowledge bases */
    size_t nx = 0, ny = 0;
    for (unsigned bit = 0; bit < VG_ATTACK_MAX_PLATFORMS; bit++) {
        ny += (y->platforms >> bit) & 1;
        if (!((x->platforms >> bit) & 1))
            continue;
        nx++;
        int other = vg_attack_platform_bit(kb, vg_attack_platform_name(ka, bit));
        assert_true(other >= 0);
        assert_true((y->platforms >> other) & 1);
    }
    assert_int_equal(nx, ny);
    assert_int_equal(x->n_tactics, y->n_tactics);
    for (size_t i = 0; i < x->n_tactics; i++)
        assert_string_equal(x->tactics[i]->stix_id, y->tactics[i]->stix_id);
    assert_int_equal(x->n_aliases, y->n_aliases);
    for (size_t i = 0; i < x->n_aliases; i++)
        assert_string_equal(x->aliases[i], y->aliases[i]);
    assert_int_equal(x->parent == NULL, y->parent == NULL);
    if (x->parent)
        assert_string_equal(x->parent->stix_id, y->parent->stix_id);
    assert_int_equal(x->revoked_by == NULL, y->revoked_by == NULL);
    if (x->revoked_by)
        assert_string_equal(x->revoked_by->stix_id, y->revoked_by->stix_id);
    assert_int_equal(x->n_out, y->n_out);
    for (size_t i = 0; i < x->n_out; i++) {
        assert_int_equal(x->out[i].rel, y->out[i].rel);
        assert_string_equal(x->out[i].other->stix_id, y->out[i].other->stix_id);
    }
    assert_int_equal(x->n_in, y->n_in);
    assert_int_equal(x->n_logsrc, y->n_logsrc);
    for (size_t i = 0; i < x->n_logsrc; i++) {
        assert_string_equal(x->logsrc[i].name, y->logsrc[i].name);
        assert_string_equal(x->logsrc[i].channel, y->logsrc[i].channel);
        assert_int_equal(x->logsrc[i].component == NULL, y->logsrc[i].component == NULL);
    }
}

static void test_export_roundtrip(void **state)
{
    (void)state;
    NEED_SHARED();
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(vg_attack_export_catalogue(all3, &out, &len), 0);
    vg_attack *kb = vg_attack_new();
    vg_diags *d = vg_diags_new();
    assert_int_equal(vg_attack_load_buffer(kb, out, len, "export", d), 0);
    assert_int_equal(vg_attack_finalize(kb, d), 0);
    print_diags(d);
    assert_int_equal(vg_diags_count(d), 0);
    /* identical stats, the bundle count aside (three files in, one catalogue out) */
    vg_attack_stats a, b;
    vg_attack_stats_get(all3, &a);
    vg_attack_stats_get(kb, &b);
    assert_int_equal(a.bundles, 3);
    assert_int_equal(b.bundles, 1);
    b.bundles = a.bundles;
    assert_memory_equal(&a, &b, sizeof a);
    assert_string_equal(vg_attack_version(kb), vg_attack_version(all3));
    /* identical objects, in the same order */
    assert_int_equal(vg_attack_count(kb), vg_attack_count(all3));
    for (size_t i = 0; i < vg_attack_count(all3); i++)
        assert_same_obj(all3, vg_attack_at(all3, i), kb, vg_attack_at(kb, i));
    for (uint32_t dom = VG_DOMAIN_ENTERPRISE; dom <= VG_DOMAIN_ICS; dom <<= 1) {
        const vg_attack_obj *const *ta, *const *tb;
        size_t n = vg_attack_tactics(all3, dom, &ta);
        assert_int_equal(vg_attack_tactics(kb, dom, &tb), n);
        for (size_t i = 0; i < n; i++)
            assert_string_equal(ta[i]->stix_id, tb[i]->stix_id);
    }
    /* exporting again gives the same bytes, and so does the embedded catalogue: it is the
     * export of exactly these three bundles */
    char *again = NULL, *embx = NULL;
    size_t len2 = 0, len3 = 0;
    assert_int_equal(vg_attack_export_catalogue(kb, &again, &len2), 0);
    assert_int_equal(len2, len);
    assert_memory_equal(again, out, len);
    vg_attack *emb = vg_attack_new();
    assert_int_equal(vg_attack_load_embedded(emb, NULL), 0);
    assert_int_equal(vg_attack_finalize(emb, NULL), 0);
    assert_int_equal(vg_attack_export_catalogue(emb, &embx, &len3), 0);
    assert_int_equal(len3, len);
    assert_memory_equal(embx, out, len);
    vg_attack_free(emb);
    free(embx);
    free(again);
    free(out);
    vg_diags_free(d);
    vg_attack_free(kb);
}

/* ---- Sigma tags ---- */

enum { N_CLS = VG_TAG_OTHER + 1, N_STATUS = VG_TAG_NOT_ATTACK + 1 };

typedef struct tagscan {
    const vg_attack *kb;
    size_t yml_files, tagged_files, tags;
    size_t by[N_CLS][N_STATUS];
    /* attack.stealth and attack.defense-impairment (any case, _ or -) */
    size_t stealth, impair, split_mapped;
    /* outside deprecated/ and unsupported/, the folders the README counts */
    size_t main_tech, main_tech_mapped, main_stealth, main_impair;
    vg__buf bad; /* UNKNOWN and INVALID tags, one a line */
    size_t n_bad;
} tagscan;

static const char *const status_names[N_STATUS] = {"EXACT",   "MAPPED",  "REVOKED",
                                                   "UNKNOWN", "INVALID", "NOT_ATTACK"};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* The ATT&CK tag on a line "  - attack.xxx  # comment", or 0 (a view into line). */
static size_t line_tag(const char *line, size_t n, const char **tag)
{
    size_t i = 0;
    while (i < n && is_space(line[i]))
        i++;
    if (i + 1 >= n || line[i] != '-' || !is_space(line[i + 1]))
        return 0;
    i++;
    while (i < n && is_space(line[i]))
        i++;
    if (!vg__str_istarts((vg__str){line + i, n - i}, "attack."))
        return 0;
    size_t e = i;
    while (e < n && line[e] != '#')
        e++;
    while (e > i && is_space(line[e - 1]))
        e--;
    *tag = line + i;
    return e - i;
}

static int is_split_name(const char *tag, const char *want)
{
    size_t n = strlen(want);
    if (strlen(tag) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = (char)vg__lower((unsigned char)tag[i]);
        if ((c == '_' ? '-' : c) != want[i])
            return 0;
    }
    return 1;
}

static void scan_file(tagscan *ts, const char *path, int main_folder)
{
    char *buf;
    size_t len;
    assert_int_equal(vg__read_file(path, 64u << 20, &buf, &len), 0);
    ts->yml_files++;
    size_t before = ts->tags;
    for (size_t p = 0; p < len;) {
        size_t e = p;
        while (e < len && buf[e] != '\n')
            e++;
        const char *t;
        size_t n = line_tag(buf + p, e - p, &t);
        p = e + 1;
        if (!n)
            continue;
        char tag[256];
        assert_true(n < sizeof tag);
        memcpy(tag, t, n);
        tag[n] = 0;
        vg_tag_result r;
        vg_attack_resolve_tag(ts->kb, tag, NULL, 0, &r);
        ts->tags++;
        ts->by[r.cls][r.status]++;
        int stealth = is_split_name(tag, "attack.stealth");
        int impair = is_split_name(tag, "attack.defense-impairment");
        ts->stealth += stealth;
        ts->impair += impair;
        if (stealth || impair)
            ts->split_mapped += r.status == VG_TAG_MAPPED;
        if (main_folder) {
            ts->main_tech += r.cls == VG_TAG_TECHNIQUE;
            ts->main_tech_mapped += r.cls == VG_TAG_TECHNIQUE && r.status == VG_TAG_MAPPED;
            ts->main_stealth += stealth;
            ts->main_impair += impair;
        }
        if (r.status == VG_TAG_UNKNOWN || r.status == VG_TAG_INVALID) {
            ts->n_bad++;
            vg__buf_printf(&ts->bad, "  %s: %s %s (%s)\n", path, tag, status_names[r.status],
                           r.note);
        }
    }
    ts->tagged_files += ts->tags > before;
    free(buf);
}

static void walk(tagscan *ts, const char *dir, int main_folder, int depth)
{
    assert_true(depth < 32);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        assert_true(n > 0 && (size_t)n < sizeof path);
        struct stat st;
        assert_int_equal(lstat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            int sub_main = main_folder && !(depth == 0 && (strcmp(de->d_name, "deprecated") == 0 ||
                                                           strcmp(de->d_name, "unsupported") == 0));
            walk(ts, path, sub_main, depth + 1);
        } else if (S_ISREG(st.st_mode) && n > 4 && strcmp(path + n - 4, ".yml") == 0) {
            scan_file(ts, path, main_folder);
        }
    }
    closedir(d);
}

static void scan_corpus(tagscan *ts, const char *name)
{
    memset(ts, 0, sizeof *ts);
    ts->kb = ent;
    vg__buf_init(&ts->bad);
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/%s", shared, name);
    walk(ts, dir, 1, 0);
    print_message("%s: %zu .yml files, %zu with ATT&CK tags, %zu tags\n", name, ts->yml_files,
                  ts->tagged_files, ts->tags);
    static const char *const cls_names[N_CLS] = {"tactic",   "technique",  "group",      "software",
                                                 "campaign", "mitigation", "datasource", "other"};
    for (int c = 0; c < N_CLS; c++)
        for (int s = 0; s < N_STATUS; s++)
            if (ts->by[c][s])
                print_message("  %-10s %-10s %zu\n", cls_names[c], status_names[s], ts->by[c][s]);
    print_message("  UNKNOWN or INVALID: %zu%s\n%s", ts->n_bad, ts->n_bad ? ":" : "",
                  ts->bad.ptr ? ts->bad.ptr : "");
}

/*
 * Expected figures, computed with python3 (os.walk over the folder, every *.yml file; inside a
 * "tags:" list, each "- attack.xxx" item with any "# comment" and surrounding whitespace
 * removed; python also confirmed that no "- attack." item occurs outside a tags list, so the
 * line test used here finds the same 11,517 / 10,637 tags). Each tag was classified against
 * enterprise-attack.json by these rules, written from vigil.h and docs rather than from
 * tags.c: lower-case, '_' -> '-'; tNNNN[.NNN] is EXACT if an attack-pattern has that
 * external_id (REVOKED if it is revoked), MAPPED if a crosswalk.inc pair links it to an
 * existing technique, else UNKNOWN; taNNNN/dsNNNN/gNNNN/sNNNN/cNNNN/mNNNN are EXACT/REVOKED/
 * UNKNOWN the same way; a word of [a-z-] is EXACT if it is a tactic shortname, MAPPED if it
 * is stealth or defense-impairment, else UNKNOWN; anything else INVALID.
 */
static void test_sigma_v18_tags(void **state)
{
    (void)state;
    NEED_SHARED();
    tagscan ts;
    scan_corpus(&ts, "sigma-v18");
    assert_int_equal(ts.yml_files, 3748);
    assert_int_equal(ts.tagged_files, 3746);
    assert_int_equal(ts.tags, 10637);
    /* the v18-era rules resolve exactly against v18.1: no exceptions */
    assert_int_equal(ts.n_bad, 0);
    assert_int_equal(ts.by[VG_TAG_TECHNIQUE][VG_TAG_EXACT], 4451);
    assert_int_equal(ts.by[VG_TAG_TACTIC][VG_TAG_EXACT], 6057);
    assert_int_equal(ts.by[VG_TAG_GROUP][VG_TAG_EXACT], 52);
    assert_int_equal(ts.by[VG_TAG_SOFTWARE][VG_TAG_EXACT], 76);
    assert_int_equal(ts.by[VG_TAG_DATA_SOURCE][VG_TAG_EXACT], 1);
    size_t exact_or_revoked = 0;
    for (int c = 0; c < N_CLS; c++)
        exact_or_revoked += ts.by[c][VG_TAG_EXACT] + ts.by[c][VG_TAG_REVOKED];
    assert_int_equal(exact_or_revoked, ts.tags);
    assert_int_equal(ts.stealth + ts.impair, 0);
    vg__buf_free(&ts.bad);
}

static void test_sigma_v19_tags(void **state)
{
    (void)state;
    NEED_SHARED();
    tagscan ts;
    scan_corpus(&ts, "sigma");
    assert_int_equal(ts.yml_files, 4242);
    assert_int_equal(ts.tagged_files, 4034);
    assert_int_equal(ts.tags, 11517);
    /* every attack.stealth and attack.defense-impairment maps to defense-evasion */
    assert_int_equal(ts.stealth, 1099);
    assert_int_equal(ts.impair, 415);
    assert_int_equal(ts.split_mapped, 1099 + 415);
    assert_int_equal(ts.by[VG_TAG_TACTIC][VG_TAG_MAPPED], 1099 + 415);
    assert_int_equal(ts.by[VG_TAG_TACTIC][VG_TAG_EXACT], 4981);
    /* every technique tag resolves: as written, through a revocation or the crosswalk */
    assert_int_equal(ts.by[VG_TAG_TECHNIQUE][VG_TAG_EXACT], 4617);
    assert_int_equal(ts.by[VG_TAG_TECHNIQUE][VG_TAG_REVOKED], 4);
    assert_int_equal(ts.by[VG_TAG_TECHNIQUE][VG_TAG_MAPPED], 244);
    assert_int_equal(ts.by[VG_TAG_TECHNIQUE][VG_TAG_UNKNOWN], 0);
    assert_int_equal(ts.by[VG_TAG_GROUP][VG_TAG_EXACT], 68);
    assert_int_equal(ts.by[VG_TAG_SOFTWARE][VG_TAG_EXACT], 88);
    assert_int_equal(ts.by[VG_TAG_DATA_SOURCE][VG_TAG_EXACT], 1);
    /* UNKNOWN and INVALID: none (the list printed above is empty) */
    assert_int_equal(ts.n_bad, 0);
    /* the README's figures, outside deprecated/ and unsupported/: 4,509 technique tags of
     * which 244 are v19 IDs unknown to v18.1 (here MAPPED), 1,094 stealth, 415
     * defense-impairment */
    assert_int_equal(ts.main_tech, 4509);
    assert_int_equal(ts.main_tech_mapped, 244);
    assert_int_equal(ts.main_stealth, 1094);
    assert_int_equal(ts.main_impair, 415);
    vg__buf_free(&ts.bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enterprise_stats), cmocka_unit_test(test_three_bundles_totals),
        cmocka_unit_test(test_export_roundtrip), cmocka_unit_test(test_sigma_v18_tags),
        cmocka_unit_test(test_sigma_v19_tags),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

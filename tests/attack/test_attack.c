/*
 * test_attack.c - unit tests for the ATT&CK knowledge base (src/attack) that need no shared
 * data: the embedded catalogue, which every build carries, and small synthetic bundles written
 * here.
 *
 * The embedded catalogue holds the facts of the three MITRE ATT&CK v18.1 bundles (enterprise,
 * mobile, ICS). Its counts are pinned twice: per domain by walking the objects and their edges,
 * and in total through vg_attack_stats_get. Lookups are checked for every kind by ID, name and
 * alias in any case, and the ranking rules of vg_attack_find_all are checked on real and
 * synthetic collisions. Synthetic bundles cover what real data cannot show on demand:
 * revocation chains and cycles, an ATT&CK v19-style split of defense-evasion, malformed
 * bundles with their exact diagnostics, dangling references and repeated loads.
 *
 * Synthetic bundles are written with ' in place of " so that they stay readable; load_text()
 * swaps the quotes back (byte offsets are unchanged).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vigil.h"
#include "base/base.h"

/* ---- helpers ---- */

static char *dq(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    assert_non_null(p);
    for (size_t i = 0; i <= n; i++)
        p[i] = s[i] == '\'' ? '"' : s[i];
    return p;
}

static int load_text(vg_attack *kb, const char *text, const char *name, vg_diags *d)
{
    char *doc = dq(text);
    int rc = vg_attack_load_buffer(kb, doc, strlen(doc), name, d);
    free(doc);
    return rc;
}

static void print_diags(const vg_diags *d)
{
    for (size_t i = 0; i < vg_diags_count(d); i++) {
        const vg_diag *r = vg_diags_get(d, i);
        print_message("  diag %zu: %s sev=%d %s:%u:%u off=%llu object=%s: %s\n", i,
                      vg_errname(r->code), (int)r->severity, r->file ? r->file : "-", r->line,
                      r->col, (unsigned long long)r->offset, r->object ? r->object : "-",
                      r->message);
    }
}

/* A new knowledge base holding the synthetic bundle text, finalized; no diagnostics allowed. */
static vg_attack *kb_from(const char *text)
{
    vg_attack *kb = vg_attack_new();
    assert_non_null(kb);
    vg_diags *d = vg_diags_new();
    assert_int_equal(load_text(kb, text, "synthetic.json", d), 0);
    assert_int_equal(vg_attack_finalize(kb, d), 0);
    if (vg_diags_count(d))
        print_diags(d);
    assert_int_equal(vg_diags_count(d), 0);
    vg_diags_free(d);
    return kb;
}

static const vg_attack_obj *must_find(const vg_attack *kb, const char *text, uint32_t mask)
{
    const vg_attack_obj *o = NULL;
    int rc = vg_attack_find(kb, text, mask, &o);
    if (rc)
        print_message("vg_attack_find(\"%s\", %#x): %s\n", text, mask, vg_errname(rc));
    assert_int_equal(rc, 0);
    assert_non_null(o);
    return o;
}

/* The edges of o with relation rel, as a list of attack IDs "A B C". */
static void edge_ids(const vg_attack_obj *o, vg_attack_rel rel, int outgoing, char *buf, size_t cap)
{
    const vg_attack_edge *e = outgoing ? o->out : o->in;
    size_t n = outgoing ? o->n_out : o->n_in, len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n; i++)
        if (e[i].rel == rel)
            len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? " " : "",
                                    e[i].other->attack_id);
}

#define K(kind) (1u << (kind))

/* A technique object in the quote-swapped notation. */
#define TECH(suffix, tid, name, extra)                                                             \
    "{'type':'attack-pattern','id':'attack-pattern--" suffix "','name':'" name                     \
    "','external_references':[{'source_name':'mitre-attack','external_id':'" tid "'}]" extra "}"
#define REL(id, type, src, dst)                                                                    \
    "{'type':'relationship','id':'relationship--" id "','relationship_type':'" type                \
    "','source_ref':'" src "','target_ref':'" dst "'}"
#define ENTERPRISE_MATRIX(tactic_refs)                                                             \
    "{'type':'x-mitre-matrix','id':'x-mitre-matrix--e','name':'Test Matrix',"                      \
    "'external_references':[{'source_name':'mitre-attack','external_id':'enterprise-attack'}],"    \
    "'tactic_refs':[" tactic_refs "]}"
#define TACTIC(suffix, taid, name, shortname)                                                      \
    "{'type':'x-mitre-tactic','id':'x-mitre-tactic--" suffix "','name':'" name                     \
    "','x_mitre_shortname':'" shortname                                                            \
    "','external_references':[{'source_name':'mitre-attack','external_id':'" taid "'}]}"
#define PHASE(p) "{'kill_chain_name':'mitre-attack','phase_name':'" p "'}"

/* ---- the embedded catalogue, loaded once for the group ---- */

static vg_attack *emb;

static int setup_embedded(void **state)
{
    (void)state;
    emb = vg_attack_new();
    vg_diags *d = vg_diags_new();
    if (!emb || !d)
        return -1;
    int rc = vg_attack_load_embedded(emb, d);
    if (!rc)
        rc = vg_attack_finalize(emb, d);
    if (vg_diags_count(d))
        print_diags(d);
    rc = rc || vg_diags_count(d) != 0;
    vg_diags_free(d);
    return rc ? -1 : 0;
}

static int teardown_embedded(void **state)
{
    (void)state;
    vg_attack_free(emb);
    emb = NULL;
    return 0;
}

static void test_embedded_load(void **state)
{
    (void)state;
    assert_true(vg_attack_is_embedded(emb));
    assert_string_equal(vg_attack_version(emb), "ATT&CK v18.1");
    assert_int_equal(vg_attack_count(emb), 5760);
    assert_null(vg_attack_at(emb, 5760));
    for (size_t i = 0; i < vg_attack_count(emb); i++)
        assert_int_equal(vg_attack_at(emb, i)->index, i);
    assert_non_null(strstr(vg_attack_notice(), "MITRE"));
    /* an empty knowledge base */
    vg_attack *kb = vg_attack_new();
    assert_false(vg_attack_is_embedded(kb));
    assert_string_equal(vg_attack_version(kb), "ATT&CK (not loaded)");
    assert_int_equal(vg_attack_finalize(kb, NULL), 0);
    assert_string_equal(vg_attack_version(kb), "ATT&CK (empty)");
    assert_int_equal(vg_attack_count(kb), 0);
    vg_attack_free(kb);
    vg_attack_free(NULL);
}

/*
 * Enterprise counts, given by the task and recomputed independently with python3 from
 * /work/shared/attack/enterprise-attack.json (ATT&CK v18.1): objects of each STIX type whose
 * x_mitre_domains include enterprise-attack, and relationships of each type (uses, mitigates,
 * detects, subtechnique-of, revoked-by, attributed-to) whose source and target are both such
 * objects. Merging the three bundles by STIX id gives the same enterprise figures.
 */
static void test_embedded_enterprise_counts(void **state)
{
    (void)state;
    size_t kind[VG_ATTACK_KIND_COUNT] = {0}, sub = 0, rel[VG_REL_COUNT] = {0};
    for (size_t i = 0; i < vg_attack_count(emb); i++) {
        const vg_attack_obj *o = vg_attack_at(emb, i);
        if (!(o->domains & VG_DOMAIN_ENTERPRISE))
            continue;
        kind[o->kind]++;
        sub += o->kind == VG_ATTACK_TECHNIQUE && (o->flags & VG_ATTACK_F_SUBTECHNIQUE);
        for (size_t e = 0; e < o->n_out; e++)
            if (o->out[e].other->domains & VG_DOMAIN_ENTERPRISE)
                rel[o->out[e].rel]++;
    }
    assert_int_equal(kind[VG_ATTACK_TACTIC], 14);
    assert_int_equal(kind[VG_ATTACK_TECHNIQUE], 835);
    assert_int_equal(sub, 479);
    assert_int_equal(kind[VG_ATTACK_GROUP], 187);
    assert_int_equal(kind[VG_ATTACK_DETECTION_STRATEGY], 691);
    assert_int_equal(kind[VG_ATTACK_ANALYTIC], 1739);
    assert_int_equal(rel[VG_REL_USES], 17270);
    assert_int_equal(rel[VG_REL_MITIGATES], 1445);
    assert_int_equal(rel[VG_REL_DETECTS], 691);
    assert_int_equal(rel[VG_REL_SUBTECHNIQUE_OF], 477);
    assert_int_equal(rel[VG_REL_REVOKED_BY], 140);
    assert_int_equal(rel[VG_REL_ATTRIBUTED_TO], 25);
    /* the rest of the enterprise domain, from the same python run */
    assert_int_equal(kind[VG_ATTACK_MATRIX], 1);
    assert_int_equal(kind[VG_ATTACK_SOFTWARE], 787);
    assert_int_equal(kind[VG_ATTACK_CAMPAIGN], 52);
    assert_int_equal(kind[VG_ATTACK_MITIGATION], 268);
    assert_int_equal(kind[VG_ATTACK_DATA_SOURCE], 38);
    assert_int_equal(kind[VG_ATTACK_DATA_COMPONENT], 109);
    assert_int_equal(rel[VG_REL_HAS_ANALYTIC], 1739);
    assert_int_equal(rel[VG_REL_COMPONENT_OF], 0);
}

/*
 * Totals of the embedded catalogue (enterprise + mobile + ICS), computed with python3 from the
 * three bundles in /work/shared/attack: json.load each, keep objects of the modelled STIX
 * types (x-mitre-matrix, x-mitre-tactic, attack-pattern, intrusion-set, malware, tool,
 * campaign, course-of-action, x-mitre-data-source, x-mitre-data-component,
 * x-mitre-detection-strategy, x-mitre-analytic) with the first occurrence of each STIX id
 * winning; relationships of the six modelled types deduplicated by id, counted when both ends
 * are loaded; has-analytic = x_mitre_analytic_refs that name a loaded object; analytic-reads =
 * distinct loaded x_mitre_data_component_ref per analytic; component-of = loaded
 * x_mitre_data_source_ref (none in v18.1). These equal what the build reports.
 */
static void test_embedded_stats_totals(void **state)
{
    (void)state;
    vg_attack_stats s;
    vg_attack_stats_get(emb, &s);
    assert_int_equal(s.objects, 5760);
    assert_int_equal(s.bundles, 1);
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
    /* stats of NULL are all zero */
    vg_attack_stats_get(NULL, &s);
    assert_int_equal(s.objects, 0);
}

static void assert_tactics(uint32_t domain, const char *const *want, size_t n)
{
    const vg_attack_obj *const *t = NULL;
    assert_int_equal(vg_attack_tactics(emb, domain, &t), n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(t[i]->kind, VG_ATTACK_TACTIC);
        assert_string_equal(t[i]->attack_id, want[i]);
    }
}

static void test_tactic_order(void **state)
{
    (void)state;
    /* the enterprise matrix's tactic_refs */
    static const char *const ent[] = {"TA0043", "TA0042", "TA0001", "TA0002", "TA0003",
                                      "TA0004", "TA0005", "TA0006", "TA0007", "TA0008",
                                      "TA0009", "TA0011", "TA0010", "TA0040"};
    assert_tactics(VG_DOMAIN_ENTERPRISE, ent, 14);
    const vg_attack_obj *const *t = NULL;
    vg_attack_tactics(emb, VG_DOMAIN_ENTERPRISE, &t);
    assert_string_equal(t[0]->name, "Reconnaissance");
    assert_string_equal(t[0]->shortname, "reconnaissance");
    assert_string_equal(t[13]->name, "Impact");
    /* mobile: the live matrix's twelve, then the deprecated Network-Based Effects matrix's */
    static const char *const mob[] = {"TA0027", "TA0041", "TA0028", "TA0029", "TA0030",
                                      "TA0031", "TA0032", "TA0033", "TA0035", "TA0037",
                                      "TA0036", "TA0034", "TA0038", "TA0039"};
    assert_tactics(VG_DOMAIN_MOBILE, mob, 14);
    static const char *const ics[] = {"TA0108", "TA0104", "TA0110", "TA0111", "TA0103", "TA0102",
                                      "TA0109", "TA0100", "TA0101", "TA0107", "TA0106", "TA0105"};
    assert_tactics(VG_DOMAIN_ICS, ics, 12);
}

/* ---- lookups ---- */

static void test_find_each_kind(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        uint32_t mask;
        const char *id;
        vg_attack_kind kind;
    } cases[] = {
        {"T1059.001", 0, "T1059.001", VG_ATTACK_TECHNIQUE},
        {"t1059.001", 0, "T1059.001", VG_ATTACK_TECHNIQUE},
        {"PowerShell", 0, "T1059.001", VG_ATTACK_TECHNIQUE}, /* live before revoked T1086 */
        {"TA0002", 0, "TA0002", VG_ATTACK_TACTIC},
        {"ta0002", 0, "TA0002", VG_ATTACK_TACTIC},
        {"EXECUTION", K(VG_ATTACK_TACTIC), "TA0002", VG_ATTACK_TACTIC}, /* enterprise first */
        {"G0016", 0, "G0016", VG_ATTACK_GROUP},
        {"apt29", 0, "G0016", VG_ATTACK_GROUP},
        {"Cozy Bear", 0, "G0016", VG_ATTACK_GROUP},
        {"COZY BEAR", 0, "G0016", VG_ATTACK_GROUP},
        {"midnight blizzard", 0, "G0016", VG_ATTACK_GROUP},
        {"S0002", 0, "S0002", VG_ATTACK_SOFTWARE},
        {"mimikatz", 0, "S0002", VG_ATTACK_SOFTWARE},
        {"C0022", 0, "C0022", VG_ATTACK_CAMPAIGN},
        {"operation dream job", 0, "C0022", VG_ATTACK_CAMPAIGN},
        {"Operation North Star", 0, "C0022", VG_ATTACK_CAMPAIGN},
        {"M1038", 0, "M1038", VG_ATTACK_MITIGATION},
        {"m1038", 0, "M1038", VG_ATTACK_MITIGATION},
        {"execution prevention", 0, "M1038", VG_ATTACK_MITIGATION}, /* ICS M0938 too, later */
        {"DS0009", 0, "DS0009", VG_ATTACK_DATA_SOURCE},
        {"process", K(VG_ATTACK_DATA_SOURCE), "DS0009", VG_ATTACK_DATA_SOURCE},
        {"DC0032", 0, "DC0032", VG_ATTACK_DATA_COMPONENT},
        {"process creation", 0, "DC0032", VG_ATTACK_DATA_COMPONENT},
        {"DET0001", 0, "DET0001", VG_ATTACK_DETECTION_STRATEGY},
        {"det0001", 0, "DET0001", VG_ATTACK_DETECTION_STRATEGY},
        {"Detect Access to Cloud Instance Metadata API (IaaS)", 0, "DET0001",
         VG_ATTACK_DETECTION_STRATEGY},
        {"AN0001", 0, "AN0001", VG_ATTACK_ANALYTIC},
        {"analytic 0001", 0, "AN0001", VG_ATTACK_ANALYTIC},
        {"attack-pattern--970a3432-3237-47ad-bcca-7d8cbb217736", 0, "T1059.001",
         VG_ATTACK_TECHNIQUE},
        {"ATTACK-PATTERN--970A3432-3237-47AD-BCCA-7D8CBB217736", 0, "T1059.001",
         VG_ATTACK_TECHNIQUE},
        {"intrusion-set--899ce53f-13a0-479b-a0e4-67d46e241542", K(VG_ATTACK_GROUP), "G0016",
         VG_ATTACK_GROUP},
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        const vg_attack_obj *o = must_find(emb, cases[i].text, cases[i].mask);
        if (strcmp(o->attack_id, cases[i].id) != 0)
            print_message("case %zu \"%s\": got %s\n", i, cases[i].text, o->attack_id);
        assert_string_equal(o->attack_id, cases[i].id);
        assert_int_equal(o->kind, cases[i].kind);
    }
    const vg_attack_obj *o = must_find(emb, "G0016", 0);
    assert_string_equal(o->name, "APT29");
    assert_string_equal(o->stix_id, "intrusion-set--899ce53f-13a0-479b-a0e4-67d46e241542");
    assert_string_equal(o->url, "https://attack.mitre.org/groups/G0016");
    int cozy = 0;
    for (size_t i = 0; i < o->n_aliases; i++)
        cozy += strcmp(o->aliases[i], "Cozy Bear") == 0;
    assert_int_equal(cozy, 1);
    o = must_find(emb, "S0002", 0);
    assert_string_equal(o->name, "Mimikatz");
    assert_true(o->flags & VG_ATTACK_F_TOOL);
    o = must_find(emb, "C0022", 0);
    assert_string_equal(o->name, "Operation Dream Job");
    o = must_find(emb, "DS0009", 0);
    assert_string_equal(o->name, "Process");
    assert_true(o->flags & VG_ATTACK_F_DEPRECATED);
}

static void test_find_unknown_and_mask(void **state)
{
    (void)state;
    static const vg_attack_obj sentinel;
    const vg_attack_obj *o = &sentinel;
    assert_int_equal(vg_attack_find(emb, "T9999", 0, &o), VG_ERR_NOENT);
    assert_null(o);
    assert_int_equal(vg_attack_find(emb, "No Such Group", 0, &o), VG_ERR_NOENT);
    assert_int_equal(vg_attack_find(emb, "", 0, &o), VG_ERR_NOENT);
    assert_int_equal(
        vg_attack_find(emb, "attack-pattern--00000000-0000-0000-0000-000000000000", 0, &o),
        VG_ERR_NOENT);
    assert_int_equal(vg_attack_find(emb, NULL, 0, &o), VG_ERR_INVAL);
    assert_int_equal(vg_attack_find(NULL, "T1059", 0, &o), VG_ERR_INVAL);
    /* the kind mask excludes kinds */
    assert_int_equal(vg_attack_find(emb, "APT29", K(VG_ATTACK_SOFTWARE), &o), VG_ERR_NOENT);
    assert_int_equal(vg_attack_find(emb, "Mimikatz", K(VG_ATTACK_GROUP), &o), VG_ERR_NOENT);
    assert_int_equal(vg_attack_find(emb, "T1059.001", K(VG_ATTACK_TACTIC), &o), VG_ERR_NOENT);
    assert_int_equal(vg_attack_find(emb, "attack-pattern--970a3432-3237-47ad-bcca-7d8cbb217736",
                                    K(VG_ATTACK_GROUP), &o),
                     VG_ERR_NOENT);
    o = must_find(emb, "APT29", K(VG_ATTACK_GROUP) | K(VG_ATTACK_SOFTWARE));
    assert_string_equal(o->attack_id, "G0016");
    /* T1086 names a technique and a legacy mitigation: the mask picks one */
    o = must_find(emb, "T1086", K(VG_ATTACK_MITIGATION));
    assert_int_equal(o->kind, VG_ATTACK_MITIGATION);
    assert_string_equal(o->name, "PowerShell Mitigation");
    o = must_find(emb, "T1086", K(VG_ATTACK_TECHNIQUE));
    assert_int_equal(o->kind, VG_ATTACK_TECHNIQUE);
    /* a text longer than any key is simply not found */
    char big[300];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(vg_attack_find(emb, big, 0, &o), VG_ERR_NOENT);
}

static void test_find_all_order(void **state)
{
    (void)state;
    const vg_attack_obj *all[8];
    /* an ID shared by a technique and a legacy mitigation: the technique first, even though it
     * is revoked and the mitigation only deprecated; it resolves to T1059.001 */
    assert_int_equal(vg_attack_find_all(emb, "t1086", 0, all, 8), 2);
    assert_int_equal(all[0]->kind, VG_ATTACK_TECHNIQUE);
    assert_string_equal(all[0]->attack_id, "T1086");
    assert_true(all[0]->flags & VG_ATTACK_F_REVOKED);
    assert_string_equal(vg_attack_resolve(all[0])->attack_id, "T1059.001");
    assert_int_equal(all[1]->kind, VG_ATTACK_MITIGATION);
    assert_string_equal(all[1]->attack_id, "T1086");
    assert_true(all[1]->flags & VG_ATTACK_F_DEPRECATED);
    /* vg_attack_find reports the collision and still returns the technique */
    const vg_attack_obj *o = NULL;
    assert_int_equal(vg_attack_find(emb, "T1086", 0, &o), VG_ERR_AMBIGUOUS);
    assert_non_null(o);
    assert_int_equal(o->kind, VG_ATTACK_TECHNIQUE);
    /* same kind, same name: live before revoked */
    assert_int_equal(vg_attack_find_all(emb, "powershell", 0, all, 8), 2);
    assert_string_equal(all[0]->attack_id, "T1059.001");
    assert_string_equal(all[1]->attack_id, "T1086");
    /* a revoked group's name is a live group's alias: the live one first */
    assert_int_equal(vg_attack_find_all(emb, "unc2452", 0, all, 8), 2);
    assert_string_equal(all[0]->attack_id, "G0016");
    assert_string_equal(all[1]->attack_id, "G0118");
    assert_true(all[1]->flags & VG_ATTACK_F_REVOKED);
    /* same kind, same name, both live: load order (enterprise before ICS) */
    assert_int_equal(vg_attack_find_all(emb, "Execution Prevention", 0, all, 8), 2);
    assert_string_equal(all[0]->attack_id, "M1038");
    assert_string_equal(all[1]->attack_id, "M0938");
    /* cap limits what is written, not the count */
    all[1] = NULL;
    assert_int_equal(vg_attack_find_all(emb, "T1086", 0, all, 1), 2);
    assert_null(all[1]);
    assert_int_equal(vg_attack_find_all(emb, "T1086", 0, NULL, 0), 2);
    assert_int_equal(vg_attack_find_all(emb, "T1086", K(VG_ATTACK_GROUP), all, 8), 0);
    /* a STIX id ranks first */
    assert_int_equal(
        vg_attack_find_all(emb, "attack-pattern--f4882e23-8aa7-4b12-b28a-b349c12ee9e0", 0, all, 8),
        1);
    assert_string_equal(all[0]->attack_id, "T1086");
}

/* clang-format off */
static const char ranking_bundle[] =
    "{'type':'bundle','id':'bundle--rank','objects':["
    /* a tactic whose name is a software ID */
    TACTIC("odd", "TA9004", "S9000", "odd") ","
    "{'type':'malware','id':'malware--s9000','name':'Thing','x_mitre_aliases':['Thing','Gizmo'],"
    "'external_references':[{'source_name':'mitre-attack','external_id':'S9000'}]},"
    /* two techniques of the same name: the revoked one first in load order */
    TECH("dup-old", "T9301", "Dup", ",'revoked':true") ","
    TECH("dup-new", "T9302", "Dup", "") ","
    /* a group and a tool of the same name */
    "{'type':'tool','id':'tool--twin','name':'Twin',"
    "'external_references':[{'source_name':'mitre-attack','external_id':'S9001'}]},"
    "{'type':'intrusion-set','id':'intrusion-set--twin','name':'Twin','aliases':['Twin','Gizmo'],"
    "'external_references':[{'source_name':'mitre-attack','external_id':'G9001'}]}"
    "]}";
/* clang-format on */

static int count_hits(const vg_attack_obj *obj, void *ud)
{
    (void)obj;
    (*(int *)ud)++;
    return 0;
}

static int stop_at_first(const vg_attack_obj *obj, void *ud)
{
    *(const vg_attack_obj **)ud = obj;
    return 1;
}

static void test_find_all_ranking_synthetic(void **state)
{
    (void)state;
    vg_attack *kb = kb_from(ranking_bundle);
    const vg_attack_obj *all[8], *o = NULL;
    /* an ID match ranks before a name match, although tactics otherwise precede software */
    assert_int_equal(vg_attack_find_all(kb, "s9000", 0, all, 8), 2);
    assert_int_equal(all[0]->kind, VG_ATTACK_SOFTWARE);
    assert_string_equal(all[0]->attack_id, "S9000");
    assert_int_equal(all[1]->kind, VG_ATTACK_TACTIC);
    assert_string_equal(all[1]->attack_id, "TA9004");
    assert_int_equal(vg_attack_find(kb, "S9000", 0, &o), 0); /* ID vs name: not ambiguous */
    assert_string_equal(o->attack_id, "S9000");
    /* live before revoked, whatever the load order */
    assert_int_equal(vg_attack_find_all(kb, "DUP", 0, all, 8), 2);
    assert_string_equal(all[0]->attack_id, "T9302");
    assert_string_equal(all[1]->attack_id, "T9301");
    assert_int_equal(vg_attack_find(kb, "dup", 0, &o), 0);
    assert_string_equal(o->attack_id, "T9302");
    /* one name, two kinds: ambiguous; the group (lower kind) is returned */
    assert_int_equal(vg_attack_find(kb, "twin", 0, &o), VG_ERR_AMBIGUOUS);
    assert_string_equal(o->attack_id, "G9001");
    assert_int_equal(vg_attack_find(kb, "twin", K(VG_ATTACK_SOFTWARE), &o), 0);
    assert_string_equal(o->attack_id, "S9001");
    /* an alias shared by two kinds */
    assert_int_equal(vg_attack_find_all(kb, "gizmo", 0, all, 8), 2);
    assert_string_equal(all[0]->attack_id, "G9001");
    assert_string_equal(all[1]->attack_id, "S9000");
    /* substring search over IDs, names and aliases, in index order */
    int hits = 0;
    assert_int_equal(vg_attack_search(kb, "IZM", 0, count_hits, &hits), 2);
    assert_int_equal(hits, 2);
    assert_int_equal(vg_attack_search(kb, "t930", 0, NULL, NULL), 2);
    assert_int_equal(vg_attack_search(kb, "t930", K(VG_ATTACK_GROUP), NULL, NULL), 0);
    const vg_attack_obj *first = NULL;
    assert_int_equal(vg_attack_search(kb, "", 0, stop_at_first, &first), 1);
    assert_string_equal(first->attack_id, "TA9004");
    vg_attack_free(kb);
}

/* ---- revocation ---- */

static void test_revoked_embedded(void **state)
{
    (void)state;
    const vg_attack_obj *t = must_find(emb, "T1086", K(VG_ATTACK_TECHNIQUE));
    assert_true(t->flags & VG_ATTACK_F_REVOKED);
    assert_non_null(t->revoked_by);
    assert_string_equal(t->revoked_by->attack_id, "T1059.001");
    assert_ptr_equal(vg_attack_resolve(t), t->revoked_by);
    /* a real two-hop chain: T1150 -> T1547.011 -> T1647 */
    t = must_find(emb, "T1150", K(VG_ATTACK_TECHNIQUE)); /* T1150 is a legacy mitigation too */
    assert_string_equal(t->revoked_by->attack_id, "T1547.011");
    assert_true(t->revoked_by->flags & VG_ATTACK_F_REVOKED);
    const vg_attack_obj *live = vg_attack_resolve(t);
    assert_string_equal(live->attack_id, "T1647");
    assert_false(live->flags & VG_ATTACK_F_REVOKED);
    /* a live object resolves to itself */
    t = must_find(emb, "T1059.001", 0);
    assert_null(t->revoked_by);
    assert_ptr_equal(vg_attack_resolve(t), t);
    assert_null(vg_attack_resolve(NULL));
}

/* clang-format off */
static const char revoke_bundle[] =
    "{'type':'bundle','id':'bundle--revoke','objects':["
    TECH("a", "T9001", "Alpha", ",'revoked':true") ","
    TECH("b", "T9002", "Beta", ",'revoked':true") ","
    TECH("c", "T9003", "Gamma", ",'revoked':true") ","
    TECH("d", "T9004", "Delta", "") ","
    TECH("x", "T9101", "Cyc One", ",'revoked':true") ","
    TECH("y", "T9102", "Cyc Two", ",'revoked':true") ","
    TECH("p", "T9201", "Tri One", ",'revoked':true") ","
    TECH("q", "T9202", "Tri Two", ",'revoked':true") ","
    TECH("r", "T9203", "Tri Three", ",'revoked':true") ","
    REL("1", "revoked-by", "attack-pattern--a", "attack-pattern--b") ","
    REL("2", "revoked-by", "attack-pattern--b", "attack-pattern--c") ","
    REL("3", "revoked-by", "attack-pattern--c", "attack-pattern--d") ","
    REL("4", "revoked-by", "attack-pattern--x", "attack-pattern--y") ","
    REL("5", "revoked-by", "attack-pattern--y", "attack-pattern--x") ","
    REL("6", "revoked-by", "attack-pattern--p", "attack-pattern--q") ","
    REL("7", "revoked-by", "attack-pattern--q", "attack-pattern--r") ","
    REL("8", "revoked-by", "attack-pattern--r", "attack-pattern--p")
    "]}";
/* clang-format on */

static void test_revocation_chain_synthetic(void **state)
{
    (void)state;
    vg_attack *kb = kb_from(revoke_bundle);
    vg_attack_stats s;
    vg_attack_stats_get(kb, &s);
    assert_int_equal(s.rel[VG_REL_REVOKED_BY], 8);
    assert_int_equal(s.revoked, 8);
    /* three hops: A -> B -> C -> D */
    const vg_attack_obj *a = must_find(kb, "T9001", 0), *b = must_find(kb, "T9002", 0),
                        *c = must_find(kb, "T9003", 0), *d = must_find(kb, "T9004", 0);
    assert_ptr_equal(a->revoked_by, b);
    assert_ptr_equal(b->revoked_by, c);
    assert_ptr_equal(c->revoked_by, d);
    assert_null(d->revoked_by);
    assert_ptr_equal(vg_attack_resolve(a), d);
    assert_ptr_equal(vg_attack_resolve(b), d);
    assert_ptr_equal(vg_attack_resolve(c), d);
    assert_ptr_equal(vg_attack_resolve(d), d);
    vg_tag_result r;
    vg_attack_resolve_tag(kb, "attack.t9001", NULL, 0, &r);
    assert_int_equal(r.status, VG_TAG_REVOKED);
    assert_int_equal(r.n_objs, 1);
    assert_ptr_equal(r.objs[0], d);
    assert_string_equal(r.note, "T9001 is revoked; replaced by T9004 Delta");
    /* cycles end after VG_ATTACK_MAX_REVOKE_CHAIN hops with no live replacement, and the
     * answer is the object asked about, whatever the length of the cycle */
    const vg_attack_obj *x = must_find(kb, "T9101", 0), *y = must_find(kb, "T9102", 0);
    assert_ptr_equal(x->revoked_by, y);
    assert_ptr_equal(y->revoked_by, x);
    assert_ptr_equal(vg_attack_resolve(x), x);
    assert_ptr_equal(vg_attack_resolve(y), y);
    const vg_attack_obj *p = must_find(kb, "T9201", 0), *q = must_find(kb, "T9202", 0);
    assert_ptr_equal(vg_attack_resolve(p), p);
    assert_ptr_equal(vg_attack_resolve(q), q);
    /* a tag naming a revoked technique without a live replacement is still REVOKED */
    vg_attack_resolve_tag(kb, "attack.t9101", NULL, 0, &r);
    assert_int_equal(r.status, VG_TAG_REVOKED);
    assert_int_equal(r.n_objs, 1);
    assert_ptr_equal(r.objs[0], x);
    assert_string_equal(r.note, "T9101 is revoked; no live replacement is loaded");
    vg_attack_free(kb);
}

/* A chain of n revoked-by hops ending in a live technique. */
static char *chain_bundle(int hops)
{
    vg__buf b;
    vg__buf_init(&b);
    vg__buf_adds(&b, "{\"type\":\"bundle\",\"id\":\"bundle--chain\",\"objects\":[");
    for (int i = 0; i <= hops; i++)
        vg__buf_printf(&b,
                       "%s{\"type\":\"attack-pattern\",\"id\":\"attack-pattern--%d\",\"name\":"
                       "\"Link %d\",\"revoked\":%s,\"external_references\":[{\"source_name\":"
                       "\"mitre-attack\",\"external_id\":\"T%04d\"}]}",
                       i ? "," : "", i, i, i < hops ? "true" : "false", 8000 + i);
    for (int i = 0; i < hops; i++)
        vg__buf_printf(&b,
                       ",{\"type\":\"relationship\",\"id\":\"relationship--%d\","
                       "\"relationship_type\":\"revoked-by\",\"source_ref\":\"attack-pattern--%d\","
                       "\"target_ref\":\"attack-pattern--%d\"}",
                       i, i, i + 1);
    vg__buf_adds(&b, "]}");
    char *s = vg__buf_take(&b, NULL);
    assert_non_null(s);
    return s;
}

static void test_revocation_chain_limit(void **state)
{
    (void)state;
    for (int hops = VG_ATTACK_MAX_REVOKE_CHAIN; hops <= VG_ATTACK_MAX_REVOKE_CHAIN + 1; hops++) {
        char *doc = chain_bundle(hops);
        vg_attack *kb = vg_attack_new();
        assert_int_equal(vg_attack_load_buffer(kb, doc, strlen(doc), "chain", NULL), 0);
        assert_int_equal(vg_attack_finalize(kb, NULL), 0);
        const vg_attack_obj *start = must_find(kb, "T8000", 0);
        const vg_attack_obj *end = vg_attack_resolve(start);
        if (hops == VG_ATTACK_MAX_REVOKE_CHAIN) {
            /* exactly at the limit: the live end is reached */
            assert_int_equal(end->index, (uint32_t)hops);
            assert_false(end->flags & VG_ATTACK_F_REVOKED);
        } else {
            /* one hop more is taken for a cycle */
            assert_ptr_equal(end, start);
        }
        vg_attack_free(kb);
        free(doc);
    }
}

/* ---- structure: parents, tactics, analytics ---- */

static void test_subtechnique_parents(void **state)
{
    (void)state;
    const vg_attack_obj *sub = must_find(emb, "T1059.001", 0);
    const vg_attack_obj *parent = must_find(emb, "T1059", 0);
    assert_true(sub->flags & VG_ATTACK_F_SUBTECHNIQUE);
    assert_false(parent->flags & VG_ATTACK_F_SUBTECHNIQUE);
    assert_ptr_equal(sub->parent, parent);
    assert_null(parent->parent);
    char ids[64];
    edge_ids(sub, VG_REL_SUBTECHNIQUE_OF, 1, ids, sizeof ids);
    assert_string_equal(ids, "T1059");
    /* every enterprise sub-technique with a parent names it by ID prefix; the two without one
     * (python: no subtechnique-of relationship) are revoked */
    size_t with = 0;
    char without[64] = "";
    for (size_t i = 0; i < vg_attack_count(emb); i++) {
        const vg_attack_obj *o = vg_attack_at(emb, i);
        if (o->kind != VG_ATTACK_TECHNIQUE || !(o->domains & VG_DOMAIN_ENTERPRISE) ||
            !(o->flags & VG_ATTACK_F_SUBTECHNIQUE))
            continue;
        if (!o->parent) {
            assert_true(o->flags & VG_ATTACK_F_REVOKED);
            size_t l = strlen(without);
            snprintf(without + l, sizeof without - l, "%s%s", l ? " " : "", o->attack_id);
            continue;
        }
        with++;
        size_t pl = strlen(o->parent->attack_id);
        assert_int_equal(o->parent->kind, VG_ATTACK_TECHNIQUE);
        assert_false(o->parent->flags & VG_ATTACK_F_SUBTECHNIQUE);
        assert_memory_equal(o->attack_id, o->parent->attack_id, pl);
        assert_int_equal(o->attack_id[pl], '.');
    }
    assert_int_equal(with, 477);
    assert_string_equal(without, "T1053.001 T1547.011");
}

static void assert_tactic_ids(const vg_attack_obj *t, const char *want)
{
    char buf[128];
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < t->n_tactics; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? " " : "",
                                t->tactics[i]->attack_id);
    assert_string_equal(buf, want);
}

static void test_technique_tactics(void **state)
{
    (void)state;
    /* kill-chain phases in STIX order are re-sorted into matrix order */
    /* T1205.002 lists defense-evasion, persistence, command-and-control */
    assert_tactic_ids(must_find(emb, "T1205.002", 0), "TA0003 TA0005 TA0011");
    /* T1546.013 lists privilege-escalation, persistence */
    assert_tactic_ids(must_find(emb, "T1546.013", 0), "TA0003 TA0004");
    assert_tactic_ids(must_find(emb, "T1053.005", 0), "TA0002 TA0003 TA0004");
    assert_tactic_ids(must_find(emb, "T1059.001", 0), "TA0002");
    assert_tactic_ids(must_find(emb, "TA0002", 0), "");

    /* synthetic: matrix order three, one, two; another kill chain is ignored; an unknown
     * phase is a warning */
    /* clang-format off */
    const char *bundle =
        "{'type':'bundle','id':'bundle--k','objects':["
        ENTERPRISE_MATRIX("'x-mitre-tactic--3','x-mitre-tactic--1','x-mitre-tactic--2'") ","
        TACTIC("1", "TA9001", "One", "one") ","
        TACTIC("2", "TA9002", "Two", "two") ","
        TACTIC("3", "TA9003", "Three", "three") ","
        TECH("t", "T9500", "Phased", ",'kill_chain_phases':[" PHASE("two") ","
             "{'kill_chain_name':'lockheed','phase_name':'one'}," PHASE("three") "]") ","
        TECH("u", "T9501", "Lost", ",'kill_chain_phases':[" PHASE("one") "," PHASE("nowhere") "]")
        "]}";
    /* clang-format on */
    vg_attack *kb = vg_attack_new();
    vg_diags *d = vg_diags_new();
    assert_int_equal(load_text(kb, bundle, "k.json", d), 0);
    assert_int_equal(vg_attack_finalize(kb, d), 0);
    const vg_attack_obj *const *tac = NULL;
    assert_int_equal(vg_attack_tactics(kb, VG_DOMAIN_ENTERPRISE, &tac), 3);
    assert_string_equal(tac[0]->attack_id, "TA9003");
    assert_string_equal(tac[1]->attack_id, "TA9001");
    assert_string_equal(tac[2]->attack_id, "TA9002");
    assert_int_equal(vg_attack_tactics(kb, VG_DOMAIN_MOBILE, &tac), 0);
    assert_tactic_ids(must_find(kb, "T9500", 0), "TA9003 TA9002");
    assert_tactic_ids(must_find(kb, "T9501", 0), "TA9001");
    assert_int_equal(vg_diags_count(d), 1);
    const vg_diag *w = vg_diags_get(d, 0);
    assert_int_equal(w->code, VG_ERR_REF);
    assert_int_equal(w->severity, VG_SEV_WARNING);
    assert_string_equal(w->object, "attack-pattern--u");
    assert_string_equal(w->message, "kill-chain phase \"nowhere\" names no loaded tactic");
    vg_diags_free(d);
    vg_attack_free(kb);
}

static void test_analytics(void **state)
{
    (void)state;
    const vg_attack_obj *an = must_find(emb, "AN0001", 0);
    assert_int_equal(an->n_logsrc, 3);
    static const struct {
        const char *dc, *name, *channel;
    } want[] = {
        {"DC0082", "AWS:VPCFlowLogs", "Outbound connection to 169.254.169.254 from EC2 workload"},
        {"DC0070", "AWS:CloudTrail", "GetInstanceIdentityDocument"},
        {"DC0085", "ebpf:syscalls",
         "Process within container accesses link-local address 169.254.169.254"},
    };
    for (size_t i = 0; i < 3; i++) {
        assert_non_null(an->logsrc[i].component);
        assert_int_equal(an->logsrc[i].component->kind, VG_ATTACK_DATA_COMPONENT);
        assert_string_equal(an->logsrc[i].component->attack_id, want[i].dc);
        assert_string_equal(an->logsrc[i].name, want[i].name);
        assert_string_equal(an->logsrc[i].channel, want[i].channel);
    }
    char ids[128];
    edge_ids(an, VG_REL_ANALYTIC_READS, 1, ids, sizeof ids);
    assert_string_equal(ids, "DC0082 DC0070 DC0085");
    edge_ids(an, VG_REL_HAS_ANALYTIC, 0, ids, sizeof ids);
    assert_string_equal(ids, "DET0001");
    /* the component sees the analytic from its side */
    const vg_attack_obj *dc = must_find(emb, "DC0070", 0);
    int back = 0;
    for (size_t i = 0; i < dc->n_in; i++)
        back += dc->in[i].rel == VG_REL_ANALYTIC_READS && dc->in[i].other == an;
    assert_int_equal(back, 1);
    /* detection strategy -> analytics and -> the technique it detects */
    const vg_attack_obj *det = must_find(emb, "DET0001", 0);
    edge_ids(det, VG_REL_HAS_ANALYTIC, 1, ids, sizeof ids);
    assert_string_equal(ids, "AN0001");
    edge_ids(det, VG_REL_DETECTS, 1, ids, sizeof ids);
    assert_string_equal(ids, "T1552.005");
    /* every has-analytic edge goes from a detection strategy to an analytic */
    size_t n = 0;
    for (size_t i = 0; i < vg_attack_count(emb); i++) {
        const vg_attack_obj *o = vg_attack_at(emb, i);
        for (size_t e = 0; e < o->n_out; e++) {
            if (o->out[e].rel != VG_REL_HAS_ANALYTIC)
                continue;
            assert_int_equal(o->kind, VG_ATTACK_DETECTION_STRATEGY);
            assert_int_equal(o->out[e].other->kind, VG_ATTACK_ANALYTIC);
            n++;
        }
    }
    assert_int_equal(n, 2032);
}

static void test_platforms(void **state)
{
    (void)state;
    const vg_attack_obj *an = must_find(emb, "AN0001", 0);
    int iaas = vg_attack_platform_bit(emb, "iaas");
    assert_true(iaas >= 0);
    assert_string_equal(vg_attack_platform_name(emb, (unsigned)iaas), "IaaS");
    assert_int_equal(an->platforms, 1ull << iaas);
    assert_int_equal(vg_attack_platform_bit(emb, "No Such Platform"), -1);
    assert_int_equal(vg_attack_platform_bit(emb, NULL), -1);
    assert_null(vg_attack_platform_name(emb, VG_ATTACK_MAX_PLATFORMS));
    const vg_attack_obj *t = must_find(emb, "T1059.001", 0);
    int win = vg_attack_platform_bit(emb, "WINDOWS");
    assert_true(win >= 0);
    assert_true(t->platforms & (1ull << win));
}

static void test_platform_limit(void **state)
{
    (void)state;
    /* one technique naming VG_ATTACK_MAX_PLATFORMS + 6 platforms: the first 64 get bits, the
     * rest are dropped (the mask is 64 bits wide) */
    vg__buf b;
    vg__buf_init(&b);
    vg__buf_adds(&b, "{\"type\":\"bundle\",\"objects\":[{\"type\":\"attack-pattern\","
                     "\"id\":\"attack-pattern--p\",\"name\":\"Everywhere\","
                     "\"x_mitre_platforms\":[");
    for (int i = 0; i < VG_ATTACK_MAX_PLATFORMS + 6; i++)
        vg__buf_printf(&b, "%s\"Platform %d\"", i ? "," : "", i);
    vg__buf_adds(&b, "]}]}");
    size_t len;
    char *doc = vg__buf_take(&b, &len);
    vg_attack *kb = vg_attack_new();
    assert_int_equal(vg_attack_load_buffer(kb, doc, len, "platforms", NULL), 0);
    assert_int_equal(vg_attack_finalize(kb, NULL), 0);
    assert_int_equal(vg_attack_at(kb, 0)->platforms, UINT64_MAX);
    assert_string_equal(vg_attack_platform_name(kb, 0), "Platform 0");
    assert_string_equal(vg_attack_platform_name(kb, VG_ATTACK_MAX_PLATFORMS - 1), "Platform 63");
    assert_null(vg_attack_platform_name(kb, VG_ATTACK_MAX_PLATFORMS));
    assert_int_equal(vg_attack_platform_bit(kb, "platform 63"), 63);
    assert_int_equal(vg_attack_platform_bit(kb, "Platform 64"), -1);
    vg_attack_free(kb);
    free(doc);
}

/* ---- tags ---- */

static void test_tags_embedded(void **state)
{
    (void)state;
    static const struct {
        const char *tag;
        vg_tag_class cls;
        vg_tag_status status;
        const char *obj; /* attack id of objs[0], or NULL for none */
        const char *note;
    } cases[] = {
        {"attack.t1059.001", VG_TAG_TECHNIQUE, VG_TAG_EXACT, "T1059.001", ""},
        {"ATTACK.T1059.001", VG_TAG_TECHNIQUE, VG_TAG_EXACT, "T1059.001", ""},
        {"attack.t1059", VG_TAG_TECHNIQUE, VG_TAG_EXACT, "T1059", ""},
        {"attack.execution", VG_TAG_TACTIC, VG_TAG_EXACT, "TA0002", ""},
        {"attack.defense_evasion", VG_TAG_TACTIC, VG_TAG_EXACT, "TA0005", ""},
        {"attack.defense-evasion", VG_TAG_TACTIC, VG_TAG_EXACT, "TA0005", ""},
        {"attack.command_and_control", VG_TAG_TACTIC, VG_TAG_EXACT, "TA0011", ""},
        {"attack.stealth", VG_TAG_TACTIC, VG_TAG_MAPPED, "TA0005",
         "stealth (ATT&CK v19) is part of defense-evasion in the loaded ATT&CK v18.1"},
        {"attack.defense-impairment", VG_TAG_TACTIC, VG_TAG_MAPPED, "TA0005",
         "defense-impairment (ATT&CK v19) is part of defense-evasion in the loaded ATT&CK v18.1"},
        {"attack.defense_impairment", VG_TAG_TACTIC, VG_TAG_MAPPED, "TA0005",
         "defense-impairment (ATT&CK v19) is part of defense-evasion in the loaded ATT&CK v18.1"},
        {"attack.t1685", VG_TAG_TECHNIQUE, VG_TAG_MAPPED, "T1562.001",
         "T1685 is not in the loaded ATT&CK v18.1; mapped to T1562.001 Disable or Modify Tools"},
        {"attack.t1086", VG_TAG_TECHNIQUE, VG_TAG_REVOKED, "T1059.001",
         "T1086 is revoked; replaced by T1059.001 PowerShell"},
        {"attack.t9999", VG_TAG_TECHNIQUE, VG_TAG_UNKNOWN, NULL,
         "technique T9999 is not in the loaded ATT&CK v18.1"},
        {"attack.ta0002", VG_TAG_TACTIC, VG_TAG_EXACT, "TA0002", ""},
        {"attack.g0016", VG_TAG_GROUP, VG_TAG_EXACT, "G0016", ""},
        {"attack.g0118", VG_TAG_GROUP, VG_TAG_REVOKED, "G0016",
         "G0118 is revoked; replaced by G0016"},
        {"attack.s9000", VG_TAG_SOFTWARE, VG_TAG_REVOKED, "S0508",
         "S9000 is revoked; replaced by S0508"},
        {"attack.g9999", VG_TAG_GROUP, VG_TAG_UNKNOWN, NULL,
         "G9999 is not in the loaded ATT&CK v18.1"},
        {"attack.s0002", VG_TAG_SOFTWARE, VG_TAG_EXACT, "S0002", ""},
        {"attack.c0022", VG_TAG_CAMPAIGN, VG_TAG_EXACT, "C0022", ""},
        {"attack.m1038", VG_TAG_MITIGATION, VG_TAG_EXACT, "M1038", ""},
        {"attack.ds0009", VG_TAG_DATA_SOURCE, VG_TAG_EXACT, "DS0009", ""}, /* deprecated */
        {"cve.2021-1234", VG_TAG_OTHER, VG_TAG_NOT_ATTACK, NULL, ""},
        {"car.2016-04-005", VG_TAG_OTHER, VG_TAG_NOT_ATTACK, NULL, ""},
        {"detection.threat-hunting", VG_TAG_OTHER, VG_TAG_NOT_ATTACK, NULL, ""},
        {"attack", VG_TAG_OTHER, VG_TAG_NOT_ATTACK, NULL, ""},
        /* "attack." plus a well-formed tactic-style word the loaded version lacks: the word
         * could name a tactic of another ATT&CK version, so it is UNKNOWN, not INVALID */
        {"attack.foo_bar", VG_TAG_TACTIC, VG_TAG_UNKNOWN, NULL,
         "tactic foo-bar is not in the loaded ATT&CK v18.1"},
        {"attack.", VG_TAG_OTHER, VG_TAG_INVALID, NULL, "malformed ATT&CK tag"},
        {"attack.t1059.01", VG_TAG_OTHER, VG_TAG_INVALID, NULL,
         "\"t1059.01\" is not an ATT&CK ID or tactic name"},
        {"attack.t10590", VG_TAG_OTHER, VG_TAG_INVALID, NULL,
         "\"t10590\" is not an ATT&CK ID or tactic name"},
        {"attack.g16", VG_TAG_OTHER, VG_TAG_INVALID, NULL,
         "\"g16\" is not an ATT&CK ID or tactic name"},
        {"attack.exe cution", VG_TAG_OTHER, VG_TAG_INVALID, NULL,
         "\"exe cution\" is not an ATT&CK ID or tactic name"},
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        vg_tag_result r;
        vg_attack_resolve_tag(emb, cases[i].tag, NULL, 0, &r);
        if (r.status != cases[i].status || strcmp(r.note, cases[i].note) != 0)
            print_message("tag %s: status %d cls %d note \"%s\"\n", cases[i].tag, (int)r.status,
                          (int)r.cls, r.note);
        assert_int_equal(r.status, cases[i].status);
        assert_int_equal(r.cls, cases[i].cls);
        assert_string_equal(r.note, cases[i].note);
        if (cases[i].obj) {
            assert_int_equal(r.n_objs, 1);
            assert_string_equal(r.objs[0]->attack_id, cases[i].obj);
        } else {
            assert_int_equal(r.n_objs, 0);
        }
    }
    /* a tag too long for the resolver is INVALID when it claims to be ATT&CK */
    char longtag[200] = "attack.";
    memset(longtag + 7, 'x', 150);
    vg_tag_result r;
    vg_attack_resolve_tag(emb, longtag, NULL, 0, &r);
    assert_int_equal(r.status, VG_TAG_INVALID);
    vg_attack_resolve_tag(emb, NULL, NULL, 0, &r);
    assert_int_equal(r.status, VG_TAG_NOT_ATTACK);
    /* the technique resolved for a v18 tactic does not depend on hints */
    const vg_attack_obj *hint[1] = {must_find(emb, "T1562.001", 0)};
    vg_attack_resolve_tag(emb, "attack.defense-evasion", hint, 1, &r);
    assert_int_equal(r.status, VG_TAG_EXACT);
    assert_string_equal(r.objs[0]->attack_id, "TA0005");
}

/* ATT&CK v19 as SigmaHQ uses it: defense-evasion split into stealth and defense-impairment,
 * and T1685 (Disable or Modify Tools' new ID) present. IDs other than T1685 are synthetic. */
/* clang-format off */
static const char v19_bundle[] =
    "{'type':'bundle','id':'bundle--v19','objects':["
    ENTERPRISE_MATRIX("'x-mitre-tactic--exec','x-mitre-tactic--stealth','x-mitre-tactic--impair'")
    ","
    TACTIC("exec", "TA0002", "Execution", "execution") ","
    TACTIC("stealth", "TA0090", "Stealth", "stealth") ","
    TACTIC("impair", "TA0091", "Defense Impairment", "defense-impairment") ","
    TECH("imp", "T1685", "Disable or Modify Tools", ",'modified':'2026-04-28T00:00:00.000Z',"
         "'kill_chain_phases':[" PHASE("defense-impairment") "]") ","
    TECH("hide", "T9602", "Hide Things", ",'kill_chain_phases':[" PHASE("stealth") "]") ","
    TECH("run", "T9603", "Run Things", ",'kill_chain_phases':[" PHASE("execution") "]")
    "]}";
/* clang-format on */

static void test_tags_v19(void **state)
{
    (void)state;
    vg_attack *kb = kb_from(v19_bundle);
    assert_string_equal(vg_attack_version(kb), "ATT&CK newer than v18.1");
    const vg_attack_obj *imp = must_find(kb, "T1685", 0), *hide = must_find(kb, "T9602", 0),
                        *run = must_find(kb, "T9603", 0);
    const vg_attack_obj *stealth = must_find(kb, "TA0090", 0), *impair = must_find(kb, "TA0091", 0);
    vg_tag_result r;
    /* the rule's technique says which half */
    const vg_attack_obj *h1[] = {imp};
    vg_attack_resolve_tag(kb, "attack.defense-evasion", h1, 1, &r);
    assert_int_equal(r.cls, VG_TAG_TACTIC);
    assert_int_equal(r.status, VG_TAG_MAPPED);
    assert_int_equal(r.n_objs, 1);
    assert_ptr_equal(r.objs[0], impair);
    assert_string_equal(r.note, "defense-evasion was split; mapped by the rule's techniques");
    /* techniques in both halves: both, in hint order; other tactics are ignored */
    const vg_attack_obj *h2[] = {run, imp, hide, NULL};
    vg_attack_resolve_tag(kb, "attack.defense_evasion", h2, 4, &r);
    assert_int_equal(r.status, VG_TAG_MAPPED);
    assert_int_equal(r.n_objs, 2);
    assert_ptr_equal(r.objs[0], impair);
    assert_ptr_equal(r.objs[1], stealth);
    /* no hint, or hints that do not say: stealth, the larger half */
    vg_attack_resolve_tag(kb, "attack.defense-evasion", NULL, 0, &r);
    assert_int_equal(r.status, VG_TAG_MAPPED);
    assert_int_equal(r.n_objs, 1);
    assert_ptr_equal(r.objs[0], stealth);
    assert_string_equal(r.note, "defense-evasion was split; the rule's techniques do not say "
                                "which half, mapped to stealth");
    const vg_attack_obj *h3[] = {run};
    vg_attack_resolve_tag(kb, "attack.defense-evasion", h3, 1, &r);
    assert_int_equal(r.n_objs, 1);
    assert_ptr_equal(r.objs[0], stealth);
    /* the v19 names are exact here */
    vg_attack_resolve_tag(kb, "attack.stealth", NULL, 0, &r);
    assert_int_equal(r.status, VG_TAG_EXACT);
    assert_ptr_equal(r.objs[0], stealth);
    vg_attack_resolve_tag(kb, "attack.defense-impairment", NULL, 0, &r);
    assert_int_equal(r.status, VG_TAG_EXACT);
    assert_ptr_equal(r.objs[0], impair);
    /* technique crosswalk, old to new: T1562.001 became T1685 */
    vg_attack_resolve_tag(kb, "attack.t1562.001", NULL, 0, &r);
    assert_int_equal(r.status, VG_TAG_MAPPED);
    assert_ptr_equal(r.objs[0], imp);
    assert_string_equal(r.note, "T1562.001 is not in the loaded ATT&CK newer than v18.1; mapped "
                                "to T1685 Disable or Modify Tools");
    vg_attack_resolve_tag(kb, "attack.t1685", NULL, 0, &r);
    assert_int_equal(r.status, VG_TAG_EXACT);
    vg_attack_resolve_tag(kb, "attack.privilege-escalation", NULL, 0, &r);
    assert_int_equal(r.status, VG_TAG_UNKNOWN);
    assert_string_equal(r.note, "tactic privilege-escalation is not in the loaded ATT&CK newer "
                                "than v18.1");
    vg_attack_free(kb);
}

/* ---- malformed bundles ---- */

/* 1-based column of a byte offset, counted here independently of the library. */
static uint32_t col_of(const char *doc, size_t off)
{
    size_t start = off;
    while (start > 0 && doc[start - 1] != '\n')
        start--;
    return (uint32_t)(off - start + 1);
}

static void assert_diag(const vg_diag *r, int code, vg_severity sev, const char *file,
                        uint32_t line, uint32_t col, uint64_t off, const char *object,
                        const char *msg)
{
    assert_non_null(r);
    assert_int_equal(r->code, code);
    assert_int_equal(r->severity, sev);
    if (file)
        assert_string_equal(r->file, file);
    else
        assert_null(r->file);
    assert_int_equal(r->line, line);
    assert_int_equal(r->col, col);
    assert_int_equal(r->offset, off);
    if (object)
        assert_string_equal(r->object, object);
    else
        assert_null(r->object);
    assert_string_equal(r->message, msg);
}

/* clang-format off */
static const char small_bundle[] =
    "{'type':'bundle','id':'bundle--small','objects':["
    TACTIC("1", "TA9001", "One", "one") ","
    TECH("t", "T9700", "Small", ",'kill_chain_phases':[" PHASE("one") "]") ","
    TECH("s", "T9700.001", "Smaller", ",'x_mitre_is_subtechnique':true") ","
    REL("sub", "subtechnique-of", "attack-pattern--s", "attack-pattern--t")
    "]}";
/* clang-format on */

/* A knowledge base holding small_bundle, finalized, and its stats. */
static vg_attack *small_kb(vg_attack_stats *st)
{
    vg_attack *kb = kb_from(small_bundle);
    vg_attack_stats_get(kb, st);
    assert_int_equal(st->objects, 3);
    assert_int_equal(st->rel[VG_REL_SUBTECHNIQUE_OF], 1);
    return kb;
}

static void assert_unchanged(vg_attack *kb, const vg_attack_stats *before)
{
    vg_attack_stats now;
    vg_attack_stats_get(kb, &now);
    assert_memory_equal(&now, before, sizeof now);
    assert_int_equal(vg_attack_count(kb), 3);
    assert_string_equal(must_find(kb, "T9700.001", 0)->parent->attack_id, "T9700");
    /* and it still finalizes to the same thing */
    assert_int_equal(vg_attack_finalize(kb, NULL), 0);
    vg_attack_stats_get(kb, &now);
    assert_memory_equal(&now, before, sizeof now);
}

static void test_malformed_truncated(void **state)
{
    (void)state;
    vg_attack_stats before;
    vg_attack *kb = small_kb(&before);
    vg_diags *d = vg_diags_new();
    /* cut inside a string: the error points at its opening quote (line 3, column 58) */
    const char *cut = "{'type':'bundle',\n"
                      "'objects':[\n"
                      "{'type':'x-mitre-tactic','id':'x-mitre-tactic--1','name':'Exec";
    assert_int_equal(load_text(kb, cut, "cut.json", d), VG_ERR_SYNTAX);
    assert_int_equal(vg_diags_count(d), 1);
    assert_int_equal((size_t)(strstr(cut, "'Exec") - cut), 87);
    assert_diag(vg_diags_get(d, 0), VG_ERR_SYNTAX, VG_SEV_ERROR, "cut.json", 3, 58, 87, NULL,
                "unterminated string");
    assert_unchanged(kb, &before);
    /* cut between values: the error is at the end of the input */
    vg_diags_clear(d);
    const char *cut2 = "{'type':'bundle','objects':[{'type':'x-mitre-tactic'}";
    assert_int_equal(strlen(cut2), 53);
    assert_int_equal(load_text(kb, cut2, "cut2.json", d), VG_ERR_SYNTAX);
    assert_int_equal(vg_diags_count(d), 1);
    assert_diag(vg_diags_get(d, 0), VG_ERR_SYNTAX, VG_SEV_ERROR, "cut2.json", 1, 54, 53, NULL,
                "unexpected end of input (is the file truncated?)");
    assert_unchanged(kb, &before);
    /* an empty buffer */
    vg_diags_clear(d);
    assert_int_equal(vg_attack_load_buffer(kb, NULL, 0, "empty", d), VG_ERR_SYNTAX);
    assert_diag(vg_diags_get(d, 0), VG_ERR_SYNTAX, VG_SEV_ERROR, "empty", 1, 1, 0, NULL,
                "unexpected end of input (the file is empty)");
    assert_unchanged(kb, &before);
    assert_int_equal(vg_attack_load_buffer(kb, NULL, 5, "bad", d), VG_ERR_INVAL);
    assert_int_equal(vg_attack_load_buffer(NULL, "{}", 2, "bad", d), VG_ERR_INVAL);
    vg_diags_free(d);
    vg_attack_free(kb);
}

static void test_malformed_not_bundle(void **state)
{
    (void)state;
    static const struct {
        const char *doc;
        uint64_t off;
        const char *msg;
    } cases[] = {
        {"[]", 0, "not a STIX bundle: expected an object, found array"},
        {"[{'type':'bundle','objects':[]}]", 0,
         "not a STIX bundle: expected an object, found array"},
        {"\"bundle\"", 0, "not a STIX bundle: expected an object, found string"},
        {"{'type':'identity','objects':[]}", 8,
         "not a STIX bundle: \"type\" is \"identity\", expected \"bundle\""},
        {"{'type':7,'objects':[]}", 8,
         "not a STIX bundle: \"type\" must be \"bundle\", not number"},
        {"{'objects':[]}", 0, "not a STIX bundle: the object has no \"type\" field"},
        {"{'type':'bundle','objects':{}}", 27,
         "not a STIX bundle: \"objects\" must be an array, not object"},
        {"{'type':'bundle','objects':'x'}", 27,
         "not a STIX bundle: \"objects\" must be an array, not string"},
        {"{'type':'bundle'}", 0, "not a STIX bundle: no \"objects\" field"},
    };
    vg_attack_stats before;
    vg_attack *kb = small_kb(&before);
    vg_diags *d = vg_diags_new();
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        vg_diags_clear(d);
        assert_int_equal(load_text(kb, cases[i].doc, "nb.json", d), VG_ERR_TYPE);
        if (vg_diags_count(d) != 1)
            print_diags(d);
        assert_int_equal(vg_diags_count(d), 1);
        assert_diag(vg_diags_get(d, 0), VG_ERR_TYPE, VG_SEV_ERROR, "nb.json", 1,
                    (uint32_t)cases[i].off + 1, cases[i].off, NULL, cases[i].msg);
        assert_unchanged(kb, &before);
    }
    vg_diags_free(d);
    vg_attack_free(kb);
}

static void test_malformed_fields(void **state)
{
    (void)state;
    /* one object a line; line 1 is the bundle header */
    /* clang-format off */
    const char *text =
        "{'type':'bundle','id':'bundle--bad','objects':[\n"
        TECH("good1", "T9401", "Good One", "") ",\n"
        "{'type':'attack-pattern','id':'attack-pattern--badname','name':42},\n"
        "{'type':'attack-pattern','id':'attack-pattern--badplat','name':'P',"
        "'x_mitre_platforms':'Windows'},\n"
        "{'type':'attack-pattern','id':'attack-pattern--badkc','name':'K',"
        "'kill_chain_phases':['execution']},\n"
        "{'type':'intrusion-set','id':'intrusion-set--badalias','name':'A','aliases':['ok',7]},\n"
        "{'type':'attack-pattern','id':'attack-pattern--badrev','name':'R','revoked':'yes'},\n"
        "{'type':'attack-pattern','id':'attack-pattern--noname'},\n"
        "17,\n"
        "{'type':'x-mitre-tactic','id':'x-mitre-tactic--noshort','name':'No Short'},\n"
        "{'type':'attack-pattern','id':'attack-pattern--badphase','name':'Q',"
        "'kill_chain_phases':[{'kill_chain_name':'mitre-attack','phase_name':3}]},\n"
        "{'type':7,'id':'attack-pattern--badtype'},\n"
        "{'type':'attack-pattern','id':'attack-pattern--good2','name':'Good Two',"
        "'x_mitre_platforms':['Windows','Linux']}\n"
        "]}";
    /* clang-format on */
    char *doc = dq(text);
    vg_attack *kb = vg_attack_new();
    vg_diags *d = vg_diags_new();
    assert_int_equal(vg_attack_load_buffer(kb, doc, strlen(doc), "bad.json", d), 0);
    static const struct {
        const char *at; /* the text the diagnostic points at (first occurrence) */
        uint32_t line;
        const char *object, *msg;
    } want[] = {
        {"42}", 3, "attack-pattern--badname", "field \"name\" must be a string, not number"},
        {"\"Windows\"}", 4, "attack-pattern--badplat",
         "field \"x_mitre_platforms\" must be an array, not string"},
        {"\"execution\"]", 5, "attack-pattern--badkc",
         "items of \"kill_chain_phases\" must be objects, not string"},
        {"7]}", 6, "intrusion-set--badalias", "items of \"aliases\" must be strings, not number"},
        {"\"yes\"", 7, "attack-pattern--badrev", "field \"revoked\" must be a boolean, not string"},
        {"{\"type\":\"attack-pattern\",\"id\":\"attack-pattern--noname\"", 8,
         "attack-pattern--noname", "missing required field \"name\""},
        {"17,", 9, NULL, "objects[7] must be an object, not number"},
        {"{\"type\":\"x-mitre-tactic\",\"id\":\"x-mitre-tactic--noshort\"", 10,
         "x-mitre-tactic--noshort", "missing required field \"x_mitre_shortname\""},
        {"3}]}", 11, "attack-pattern--badphase",
         "field \"phase_name\" must be a string, not number"},
        {"7,\"id\":\"attack-pattern--badtype\"", 12, "attack-pattern--badtype",
         "field \"type\" must be a string, not number"},
    };
    if (vg_diags_count(d) != VG_ARRAY_LEN(want))
        print_diags(d);
    assert_int_equal(vg_diags_count(d), VG_ARRAY_LEN(want));
    for (size_t i = 0; i < VG_ARRAY_LEN(want); i++) {
        const char *at = strstr(doc, want[i].at);
        assert_non_null(at);
        size_t off = (size_t)(at - doc);
        assert_diag(vg_diags_get(d, i), VG_ERR_TYPE, VG_SEV_ERROR, "bad.json", want[i].line,
                    col_of(doc, off), off, want[i].object, want[i].msg);
    }
    /* the good objects still load */
    assert_int_equal(vg_attack_finalize(kb, d), 0);
    assert_int_equal(vg_diags_count(d), VG_ARRAY_LEN(want)); /* nothing new */
    assert_int_equal(vg_attack_count(kb), 2);
    assert_string_equal(vg_attack_at(kb, 0)->attack_id, "T9401");
    const vg_attack_obj *g2 = vg_attack_at(kb, 1);
    assert_string_equal(g2->name, "Good Two");
    assert_string_equal(g2->attack_id, "");
    int w = vg_attack_platform_bit(kb, "windows"), l = vg_attack_platform_bit(kb, "LINUX");
    assert_int_equal(w, 0);
    assert_int_equal(l, 1);
    assert_int_equal(g2->platforms, 3);
    vg_attack_stats st;
    vg_attack_stats_get(kb, &st);
    assert_int_equal(st.bundles, 1);
    assert_int_equal(vg_attack_find(kb, "Good One", 0, &g2), 0);
    assert_int_equal(vg_attack_find(kb, "attack-pattern--badname", 0, &g2), VG_ERR_NOENT);
    vg_diags_free(d);
    vg_attack_free(kb);
    free(doc);
}

static void test_dangling_refs(void **state)
{
    (void)state;
    /* clang-format off */
    const char *text =
        "{'type':'bundle','id':'bundle--dangle','objects':["
        TECH("t", "T9800", "Here", "") ","
        "{'type':'x-mitre-detection-strategy','id':'x-mitre-detection-strategy--d','name':'D',"
        "'x_mitre_analytic_refs':['x-mitre-analytic--a','x-mitre-analytic--gone']},"
        "{'type':'x-mitre-analytic','id':'x-mitre-analytic--a','name':'A',"
        "'x_mitre_log_source_references':[{'x_mitre_data_component_ref':"
        "'x-mitre-data-component--gone','name':'WinEventLog:Security','channel':'EventCode=4688'},"
        "{'name':'auditd:SYSCALL'}]},"
        REL("dangle", "uses", "attack-pattern--t", "attack-pattern--missing") ","
        REL("dangle-src", "detects", "x-mitre-detection-strategy--nope", "attack-pattern--t") ","
        REL("fine", "detects", "x-mitre-detection-strategy--d", "attack-pattern--t") ","
        REL("other", "related-to", "attack-pattern--t", "attack-pattern--nothing")
        "]}";
    /* clang-format on */
    vg_attack *kb = vg_attack_new();
    vg_diags *d = vg_diags_new();
    assert_int_equal(load_text(kb, text, "dangle.json", d), 0);
    assert_int_equal(vg_diags_count(d), 0); /* references are checked by finalize */
    assert_int_equal(vg_attack_finalize(kb, d), 0);
    if (vg_diags_count(d) != 4)
        print_diags(d);
    assert_int_equal(vg_diags_count(d), 4);
    assert_int_equal(vg_diags_count_at(d, VG_SEV_ERROR), 0);
    assert_diag(vg_diags_get(d, 0), VG_ERR_REF, VG_SEV_WARNING, NULL, 0, 0, 0,
                "relationship--dangle",
                "relationship refers to attack-pattern--missing, which is not loaded");
    assert_diag(vg_diags_get(d, 1), VG_ERR_REF, VG_SEV_WARNING, NULL, 0, 0, 0,
                "relationship--dangle-src",
                "relationship refers to x-mitre-detection-strategy--nope, which is not loaded");
    assert_diag(vg_diags_get(d, 2), VG_ERR_REF, VG_SEV_WARNING, NULL, 0, 0, 0,
                "x-mitre-detection-strategy--d",
                "x_mitre_analytic_refs refers to x-mitre-analytic--gone, which is not loaded");
    assert_diag(vg_diags_get(d, 3), VG_ERR_REF, VG_SEV_WARNING, NULL, 0, 0, 0,
                "x-mitre-analytic--a",
                "x_mitre_log_source_references refers to x-mitre-data-component--gone, which is "
                "not loaded");
    vg_attack_stats st;
    vg_attack_stats_get(kb, &st);
    assert_int_equal(st.rel[VG_REL_USES], 0);
    assert_int_equal(st.rel[VG_REL_DETECTS], 1);
    assert_int_equal(st.rel[VG_REL_HAS_ANALYTIC], 1);
    assert_int_equal(st.rel[VG_REL_ANALYTIC_READS], 0);
    /* the analytic keeps its log sources; the dangling one has no component */
    const vg_attack_obj *an = must_find(kb, "A", K(VG_ATTACK_ANALYTIC));
    assert_int_equal(an->n_logsrc, 2);
    assert_null(an->logsrc[0].component);
    assert_string_equal(an->logsrc[0].name, "WinEventLog:Security");
    assert_string_equal(an->logsrc[0].channel, "EventCode=4688");
    assert_null(an->logsrc[1].component);
    assert_string_equal(an->logsrc[1].channel, "");
    vg_diags_free(d);
    vg_attack_free(kb);
}

static void test_load_twice(void **state)
{
    (void)state;
    vg_attack_stats once, twice;
    vg_attack *kb = small_kb(&once);
    vg_diags *d = vg_diags_new();
    assert_int_equal(load_text(kb, small_bundle, "again.json", d), 0);
    assert_int_equal(vg_attack_finalize(kb, d), 0);
    assert_int_equal(vg_diags_count(d), 0);
    vg_attack_stats_get(kb, &twice);
    assert_int_equal(twice.bundles, 2);
    twice.bundles = once.bundles;
    assert_memory_equal(&twice, &once, sizeof once);
    assert_int_equal(vg_attack_count(kb), 3);
    const vg_attack_obj *all[4];
    assert_int_equal(vg_attack_find_all(kb, "T9700", 0, all, 4), 1);
    /* one edge each way, not two */
    const vg_attack_obj *s = must_find(kb, "T9700.001", 0);
    assert_int_equal(s->n_out, 1);
    assert_int_equal(s->parent->n_in, 1);
    /* finalizing again changes nothing */
    assert_int_equal(vg_attack_finalize(kb, d), 0);
    vg_attack_stats_get(kb, &twice);
    twice.bundles = once.bundles;
    assert_memory_equal(&twice, &once, sizeof once);
    vg_diags_free(d);
    vg_attack_free(kb);
}

static void test_merge_across_domains(void **state)
{
    (void)state;
    /* a group in the enterprise and mobile bundles; a relationship repeated in both */
    /* clang-format off */
    const char *ent =
        "{'type':'bundle','id':'bundle--e','objects':["
        "{'type':'intrusion-set','id':'intrusion-set--g','name':'Shared Group',"
        "'external_references':[{'source_name':'mitre-attack','external_id':'G9900'}],"
        "'x_mitre_platforms':['Windows']},"
        TECH("e", "T9900", "Ent", "") ","
        REL("u", "uses", "intrusion-set--g", "attack-pattern--e")
        "]}";
    /* clang-format on */
    /* clang-format off */
    const char *mob =
        "{'type':'bundle','id':'bundle--m','objects':["
        "{'type':'x-mitre-matrix','id':'x-mitre-matrix--m','name':'Mobile',"
        "'external_references':[{'source_name':'mitre-attack','external_id':'mobile-attack'}]},"
        "{'type':'intrusion-set','id':'intrusion-set--g','name':'Shared Group',"
        "'external_references':[{'source_name':'mitre-attack','external_id':'G9900'}],"
        "'x_mitre_platforms':['Android']},"
        TECH("e", "T9900", "Ent", "") ","
        REL("u", "uses", "intrusion-set--g", "attack-pattern--e")
        "]}";
    /* clang-format on */
    vg_attack *kb = vg_attack_new();
    assert_int_equal(load_text(kb, ent, "e.json", NULL), 0);
    assert_int_equal(load_text(kb, mob, "m.json", NULL), 0);
    assert_int_equal(vg_attack_finalize(kb, NULL), 0);
    vg_attack_stats st;
    vg_attack_stats_get(kb, &st);
    assert_int_equal(st.objects, 3);
    assert_int_equal(st.kind[VG_ATTACK_GROUP], 1);
    assert_int_equal(st.rel[VG_REL_USES], 1);
    assert_int_equal(st.bundles, 2);
    const vg_attack_obj *g = must_find(kb, "G9900", 0);
    assert_int_equal(g->domains, VG_DOMAIN_ENTERPRISE | VG_DOMAIN_MOBILE);
    int win = vg_attack_platform_bit(kb, "Windows"),
        android = vg_attack_platform_bit(kb, "Android");
    assert_int_equal(g->platforms, (1ull << win) | (1ull << android));
    /* the technique was in both bundles too and is merged the same way */
    assert_int_equal(must_find(kb, "T9900", 0)->domains, VG_DOMAIN_ENTERPRISE | VG_DOMAIN_MOBILE);
    vg_attack_free(kb);
}

/* ---- export ---- */

static void test_export_roundtrip_embedded(void **state)
{
    (void)state;
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(vg_attack_export_catalogue(emb, &out, &len), 0);
    assert_int_equal(strlen(out), len);
    vg_attack *kb = vg_attack_new();
    vg_diags *d = vg_diags_new();
    assert_int_equal(vg_attack_load_buffer(kb, out, len, "export", d), 0);
    assert_int_equal(vg_attack_finalize(kb, d), 0);
    assert_int_equal(vg_diags_count(d), 0);
    vg_attack_stats a, b;
    vg_attack_stats_get(emb, &a);
    vg_attack_stats_get(kb, &b);
    assert_memory_equal(&a, &b, sizeof a);
    assert_string_equal(vg_attack_version(kb), vg_attack_version(emb));
    for (size_t i = 0; i < vg_attack_count(emb); i++) {
        const vg_attack_obj *x = vg_attack_at(emb, i), *y = vg_attack_at(kb, i);
        assert_string_equal(x->stix_id, y->stix_id);
        assert_string_equal(x->attack_id, y->attack_id);
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->flags, y->flags);
        assert_int_equal(x->n_tactics, y->n_tactics);
    }
    /* exporting the reloaded knowledge base gives the same bytes: a fixed point */
    char *again = NULL;
    size_t len2 = 0;
    assert_int_equal(vg_attack_export_catalogue(kb, &again, &len2), 0);
    assert_int_equal(len2, len);
    assert_memory_equal(again, out, len);
    assert_int_equal(vg_attack_export_catalogue(NULL, &again, &len2), VG_ERR_INVAL);
    free(again);
    free(out);
    vg_diags_free(d);
    vg_attack_free(kb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_embedded_load),
        cmocka_unit_test(test_embedded_enterprise_counts),
        cmocka_unit_test(test_embedded_stats_totals),
        cmocka_unit_test(test_tactic_order),
        cmocka_unit_test(test_find_each_kind),
        cmocka_unit_test(test_find_unknown_and_mask),
        cmocka_unit_test(test_find_all_order),
        cmocka_unit_test(test_find_all_ranking_synthetic),
        cmocka_unit_test(test_revoked_embedded),
        cmocka_unit_test(test_revocation_chain_synthetic),
        cmocka_unit_test(test_revocation_chain_limit),
        cmocka_unit_test(test_subtechnique_parents),
        cmocka_unit_test(test_technique_tactics),
        cmocka_unit_test(test_analytics),
        cmocka_unit_test(test_platforms),
        cmocka_unit_test(test_platform_limit),
        cmocka_unit_test(test_tags_embedded),
        cmocka_unit_test(test_tags_v19),
        cmocka_unit_test(test_malformed_truncated),
        cmocka_unit_test(test_malformed_not_bundle),
        cmocka_unit_test(test_malformed_fields),
        cmocka_unit_test(test_dangling_refs),
        cmocka_unit_test(test_load_twice),
        cmocka_unit_test(test_merge_across_domains),
        cmocka_unit_test(test_export_roundtrip_embedded),
    };
    return cmocka_run_group_tests(tests, setup_embedded, teardown_embedded);
}

/*
 * test_needs.c - cmocka tests of data needs (src/coverage/sources.c, needs.c, next.c).
 *
 * Facts: the built-in sources file loads; lookups give the audit subcategory, the Sysmon
 * element, per-ID descriptions and field notes; ATT&CK log-source names map to channels (an
 * event code goes to the channel that lists it); a broken file is refused with positioned
 * errors. Needs and next: the golden fixture (tests/golden/data/coverage and needs, answers
 * worked out by hand in tests/golden/needs.test) through the API, with declared data equal to
 * the fixture's logs: candidates, presence (Sysmon 1 partial for Hashes), rules now and after,
 * the greedy steps and their running totals, and the start from no data when none is given.
 * The event IDs a rule's detection selects leave out those under 'not'.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vigil.h"
#include "coverage/needs.h"
#include "sigma/introspect.h"

#ifndef FIXTURE_DIR
#define FIXTURE_DIR "tests/golden/data/coverage"
#endif
#ifndef NEEDS_DIR
#define NEEDS_DIR "tests/golden/data/needs"
#endif

#define SYSMON "Microsoft-Windows-Sysmon/Operational"

typedef struct fx {
    vg_attack *kb;
    vg_profile *prof;
    vg_ruleset *rs;
    vg_coverage *cov;
    vg_sources *facts;
    vg_needs *needs;
} fx;

/* The fixture with the fixture's logs declared (declared = 1) or no data at all. */
static fx *load(int declared)
{
    fx *f = calloc(1, sizeof *f);
    f->kb = vg_attack_new();
    assert_int_equal(vg_attack_load_embedded(f->kb, NULL), 0);
    assert_int_equal(vg_attack_finalize(f->kb, NULL), 0);
    assert_int_equal(vg_profile_load("both", &f->prof, NULL), 0);
    f->rs = vg_ruleset_new(f->kb, f->prof);
    assert_int_equal(vg_ruleset_add_path(f->rs, FIXTURE_DIR "/rules", NULL), 0);
    assert_int_equal(vg_ruleset_add_path(f->rs, NEEDS_DIR "/rules", NULL), 0);
    assert_int_equal(vg_ruleset_finalize(f->rs, NULL), 0);
    f->cov = vg_coverage_new(f->kb, f->rs, 0);
    if (declared) {
        const char *sysmon[] = {"Image", "CommandLine", "ParentImage", "Computer"};
        const char *sec[] = {"TargetUserName", "LogonType"};
        assert_int_equal(vg_coverage_declare(f->cov, SYSMON, "1", sysmon, 4), 0);
        assert_int_equal(vg_coverage_declare(f->cov, "Security", "4624", sec, 2), 0);
    }
    assert_int_equal(vg_coverage_compute(f->cov), 0);
    assert_int_equal(vg_sources_load(NULL, &f->facts, NULL), 0);
    f->needs = vg_needs_new(f->cov, f->facts);
    assert_non_null(f->needs);
    return f;
}

static void unload(fx *f)
{
    vg_needs_free(f->needs);
    vg_sources_free(f->facts);
    vg_coverage_free(f->cov);
    vg_ruleset_free(f->rs);
    vg_profile_free(f->prof);
    vg_attack_free(f->kb);
    free(f);
}

static const vg_attack_obj *tech(fx *f, const char *id)
{
    const vg_attack_obj *o = NULL;
    assert_int_equal(vg_attack_find(f->kb, id, 1u << VG_ATTACK_TECHNIQUE, &o), 0);
    return o;
}

static void test_facts_lookup(void **state)
{
    (void)state;
    vg_sources *s;
    assert_int_equal(vg_sources_load(NULL, &s, NULL), 0);
    vg_source_facts f;
    assert_int_equal(vg_sources_lookup(s, "security", "4688", &f), 0);
    assert_true(f.known_event);
    assert_string_equal(f.what, "a process was created");
    assert_non_null(strstr(f.enable, "Audit Process Creation (Detailed Tracking)"));
    assert_string_equal(f.provider, "Microsoft-Windows-Security-Auditing");
    assert_non_null(strstr(vg_sources_field_note(s, "Security", "4688", "commandline"),
                           "Include command line in process creation events"));
    assert_null(vg_sources_field_note(s, "Security", "4688", "Image"));
    /* a per-ID description inside a group, the group's subcategory, a provider override */
    assert_int_equal(vg_sources_lookup(s, "Security", "4702", &f), 0);
    assert_string_equal(f.what, "a scheduled task was updated");
    assert_non_null(strstr(f.enable, "Audit Other Object Access Events"));
    assert_int_equal(vg_sources_lookup(s, "Security", "1102", &f), 0);
    assert_string_equal(f.provider, "Microsoft-Windows-Eventlog");
    assert_int_equal(vg_sources_lookup(s, "Security", "4769", &f), 0);
    assert_string_equal(f.hosts, "domain controllers");
    /* the whole channel, an ID it does not list, Sysmon, an unknown channel */
    assert_int_equal(vg_sources_lookup(s, "Security", "", &f), 0);
    assert_false(f.known_event);
    assert_non_null(strstr(f.enable, "Advanced Audit Policy Configuration"));
    assert_int_equal(vg_sources_lookup(s, "Security", "9999", &f), 0);
    assert_false(f.known_event);
    assert_string_equal(f.what, "");
    assert_int_equal(vg_sources_lookup(s, SYSMON, "13", &f), 0);
    assert_string_equal(f.what, "a registry value was set");
    assert_string_equal(f.enable, "Sysmon configuration element RegistryEvent");
    assert_int_equal(vg_sources_lookup(s, "No Such Channel", "1", &f), VG_ERR_NOENT);
    assert_string_equal(f.enable, "");
    vg_sources_free(s);
}

static void test_facts_attack_names(void **state)
{
    (void)state;
    vg_sources *s;
    assert_int_equal(vg_sources_load(NULL, &s, NULL), 0);
    vg__src_ref r[8];
    /* PowerShell: classic IDs go to the classic log, the others to PowerShell/Operational */
    assert_int_equal(
        vg__sources_map_attack(s, "WinEventLog:PowerShell", "EventCode=400, 403", r, 8), 2);
    assert_string_equal(r[0].channel, "Windows PowerShell");
    assert_string_equal(r[1].event_id, "403");
    assert_int_equal(vg__sources_map_attack(s, "WinEventLog:PowerShell",
                                            "EventCode=4103, 4104, 4105, 4106", r, 8),
                     4);
    assert_string_equal(r[3].channel, "Microsoft-Windows-PowerShell/Operational");
    assert_int_equal(
        vg__sources_map_attack(s, "WinEventLog:Security", "EventCode=4778, EventCode=4779", r, 8),
        2);
    assert_string_equal(r[1].event_id, "4779");
    assert_int_equal(vg__sources_map_attack(s, "WinEventLog:Sysmon", "EventCode=13, 14", r, 8), 2);
    assert_string_equal(r[0].channel, SYSMON);
    /* "WinEventLog:" and a channel the file knows, without an 'attack' entry */
    assert_int_equal(
        vg__sources_map_attack(s, "WinEventLog:Microsoft-Windows-CodeIntegrity/Operational",
                               "EventCode=3033", r, 8),
        1);
    assert_string_equal(r[0].channel, "Microsoft-Windows-CodeIntegrity/Operational");
    /* free text and other platforms mean no concrete source; the cap holds */
    assert_int_equal(vg__sources_map_attack(s, "WinEventLog:Sysmon", "Raw disk write", r, 8), 0);
    assert_int_equal(vg__sources_map_attack(s, "auditd:SYSCALL", "execve", r, 8), 0);
    assert_int_equal(vg__sources_map_attack(s, "WinEventLog:Security", "EventCode=1, 2, 3", r, 2),
                     2);
    vg_sources_free(s);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_facts_errors(void **state)
{
    (void)state;
    char path[] = "/tmp/vigil-needs-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    write_file(path, "channels:\n"
                     "  - channel: Security\n"
                     "    enable: policy\n"
                     "    events:\n"
                     "      - {ids: [70000], what: too big}\n"
                     "  - {channel: Security, enable: again}\n");
    vg_sources *s = (vg_sources *)1;
    vg_diags *d = vg_diags_new();
    assert_int_equal(vg_sources_load(path, &s, d), VG_ERR_TYPE);
    assert_null(s);
    assert_int_equal(vg_diags_count(d), 2);
    const vg_diag *g = vg_diags_get(d, 0);
    assert_int_equal(g->line, 5);
    assert_int_equal(g->col, 16);
    assert_non_null(strstr(g->message, "0 to 65535"));
    assert_int_equal(vg_diags_get(d, 1)->line, 6);
    assert_non_null(strstr(vg_diags_get(d, 1)->message, "listed twice"));
    vg_diags_clear(d);
    write_file(path, "channels: [\n");
    assert_int_equal(vg_sources_load(path, &s, d), VG_ERR_SYNTAX);
    assert_true(vg_diags_count(d) >= 1);
    vg_diags_clear(d);
    write_file(path, "sources: []\n");
    assert_int_equal(vg_sources_load(path, &s, d), VG_ERR_TYPE);
    vg_diags_free(d);
    close(fd);
    unlink(path);
}

static void test_event_ids_skip_negations(void **state)
{
    (void)state;
    fx *f = load(1);
    const vg_rule *n6 = vg_ruleset_find(f->rs, "00000000-0000-4000-8000-000000000016");
    assert_non_null(n6);
    const char *ids[4];
    assert_int_equal(vg__rule_event_ids(n6, ids, 4), 1);
    assert_string_equal(ids[0], "5145");
    unload(f);
}

static const vg_need_source *find_source(const vg_need_tech *t, const char *key)
{
    for (size_t i = 0; i < t->n_sources; i++)
        if (strcmp(t->sources[i]->key, key) == 0)
            return t->sources[i];
    return NULL;
}

static void test_needs_fixture(void **state)
{
    (void)state;
    fx *f = load(1);
    assert_int_equal(vg_needs_add_technique(f->needs, tech(f, "T1053.005")), 0);
    assert_int_equal(vg_needs_add_technique(f->needs, tech(f, "T1003.001")), 0);
    assert_int_equal(vg_needs_add_technique(f->needs, tech(f, "T1053.005")), 0); /* once */
    assert_int_equal(vg_needs_add_technique(f->needs, vg_attack_at(f->kb, 0)), VG_ERR_INVAL);
    assert_int_equal(vg_needs_compute(f->needs), 0);
    assert_int_equal(vg_needs_compute(f->needs), VG_ERR_INVAL);
    const vg_need_tech *t;
    assert_int_equal(vg_needs_techniques(f->needs, &t), 2);
    /* T1053.005: n1, n2, n4 need data and get it; Sysmon 13 first (feeds n4, named by ATT&CK) */
    assert_string_equal(t[0].tech->attack_id, "T1053.005");
    assert_int_equal(t[0].now, VG_GAP_NEEDS_DATA);
    assert_int_equal(t[0].after, VG_GAP_ACTIVE);
    assert_int_equal(t[0].n_rules, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(t[0].rules[i].now, VG_COV_NEEDS_DATA);
        assert_int_equal(t[0].rules[i].after, VG_COV_ACTIVE);
    }
    assert_string_equal(t[0].sources[0]->key, SYSMON " 13");
    assert_true(t[0].n_components >= 2);
    assert_true(t[0].n_attack >= 5);
    assert_string_equal(t[0].attack[0].strategy->attack_id, "DET0441");
    assert_string_equal(t[0].attack[0].sources[0]->key, "Security 4698");
    /* T1003.001: r4 reads Hashes, which the present Sysmon 1 lacks */
    const vg_need_source *s1 = find_source(&t[1], SYSMON " 1");
    assert_non_null(s1);
    assert_int_equal(s1->presence, VG_NEED_PARTIAL);
    assert_string_equal(s1->missing_fields, "Hashes");
    assert_non_null(strstr(s1->field_notes, "HashAlgorithms"));
    assert_int_equal(s1->unlock_rules, 1);
    assert_int_equal(s1->n_unlock_techs, 1);
    const vg_need_source *s10 = find_source(&t[1], SYSMON " 10");
    assert_non_null(s10);
    assert_int_equal(s10->presence, VG_NEED_ABSENT);
    /* the selection's sources, most techniques then rules first */
    const vg_need_source *const *all;
    size_t ns = vg_needs_sources(f->needs, &all);
    assert_true(ns >= 6);
    assert_int_equal(all[0]->n_unlock_techs, 1);
    assert_int_equal(all[ns - 1]->unlock_rules, 0);
    unload(f);
}

static void test_next_greedy(void **state)
{
    (void)state;
    fx *f = load(1);
    const vg_next_step *st;
    size_t n;
    assert_int_equal(vg_needs_next(f->needs, 0, &st, &n), VG_ERR_INVAL); /* not computed */
    assert_int_equal(vg_needs_compute(f->needs), 0);
    assert_int_equal(vg_needs_next(f->needs, 0, &st, &n), 0);
    static const char *const keys[] = {
        SYSMON " 13",    SYSMON " 1",
        "Security 5145", "Microsoft-Windows-PowerShell/Operational 4104",
        SYSMON " 10",    "Microsoft-Windows-TaskScheduler/Operational 106",
        "Security 4698"};
    static const size_t techs[] = {2, 1, 1, 0, 0, 0, 0};
    assert_int_equal(n, 7);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(st[i].source->key, keys[i]);
        assert_int_equal(st[i].techniques, techs[i]);
        assert_int_equal(st[i].n_gained, techs[i]);
        assert_int_equal(st[i].rules, i ? 1 : 2);
    }
    assert_string_equal(st[0].gained[0]->attack_id, "T1053");
    assert_string_equal(st[0].gained[1]->attack_id, "T1547");
    assert_int_equal(st[6].cum_techniques, 4);
    assert_int_equal(st[6].cum_rules, 8);
    assert_int_equal(st[6].cum_weight, 4);
    size_t counted, active, rules;
    unsigned long weight, aweight;
    vg_needs_next_base(f->needs, &counted, &weight, &active, &aweight, &rules);
    assert_int_equal(counted, 216);
    assert_int_equal(weight, 216);
    assert_int_equal(active, 2);
    assert_int_equal(rules, 3);
    /* a limit, asked again */
    assert_int_equal(vg_needs_next(f->needs, 2, &st, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(st[1].source->key, SYSMON " 1");
    unload(f);
}

static void test_next_weighted(void **state)
{
    (void)state;
    fx *f = load(1);
    const char *actors[] = {"S0056", "S0029", "S0360"};
    for (size_t i = 0; i < 3; i++) {
        const vg_attack_obj *a = NULL;
        assert_int_equal(vg_attack_find(f->kb, actors[i], 0, &a), 0);
        assert_int_equal(vg_needs_add_actor(f->needs, a), 0);
    }
    assert_int_equal(vg_needs_add_actor(f->needs, tech(f, "T1059")), VG_ERR_INVAL);
    assert_int_equal(vg_needs_compute(f->needs), 0);
    const vg_next_step *st;
    size_t n;
    assert_int_equal(vg_needs_next(f->needs, 0, &st, &n), 0);
    assert_int_equal(n, 7);
    assert_string_equal(st[0].source->key, "Security 5145");
    assert_int_equal(st[0].weight, 2);
    assert_string_equal(st[0].gained[0]->attack_id, "T1021.002");
    assert_string_equal(st[2].source->key, SYSMON " 13");
    assert_int_equal(st[2].rules, 1); /* r3's T1547.001 is not counted */
    assert_int_equal(st[6].cum_weight, 4);
    size_t counted, active, rules;
    unsigned long weight, aweight;
    vg_needs_next_base(f->needs, &counted, &weight, &active, &aweight, &rules);
    assert_int_equal(counted, 14);
    assert_int_equal(weight, 16);
    assert_int_equal(aweight, 1);
    assert_int_equal(rules, 2);
    unload(f);
}

static void test_no_data_given(void **state)
{
    (void)state;
    fx *f = load(0);
    assert_int_equal(vg_needs_add_technique(f->needs, tech(f, "T1059.001")), 0);
    assert_int_equal(vg_needs_compute(f->needs), 0);
    const vg_need_tech *t;
    assert_int_equal(vg_needs_techniques(f->needs, &t), 1);
    assert_int_equal(t[0].now, VG_GAP_NEEDS_DATA);
    assert_int_equal(t[0].after, VG_GAP_ACTIVE);
    assert_int_equal(t[0].sources[0]->presence, VG_NEED_UNKNOWN);
    const vg_next_step *st;
    size_t n;
    assert_int_equal(vg_needs_next(f->needs, 1, &st, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(st[0].source->key, SYSMON " 1");
    assert_int_equal(st[0].rules, 3);
    unload(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts_lookup),  cmocka_unit_test(test_facts_attack_names),
        cmocka_unit_test(test_facts_errors),  cmocka_unit_test(test_event_ids_skip_negations),
        cmocka_unit_test(test_needs_fixture), cmocka_unit_test(test_next_greedy),
        cmocka_unit_test(test_next_weighted), cmocka_unit_test(test_no_data_given),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * fuzz_baseline.c - libFuzzer target for coverage baselines (src/coverage/baseline.c): the YAML
 * reader, tactic and group resolution, shares and event IDs, the check and the JSON report.
 *
 * One input is one baseline file. It is read against the embedded ATT&CK catalogue; when it
 * loads, it is checked against a fixed coverage: the starter rules with observed data (an
 * inventory of three fixed events: a Sysmon process creation, a Security logon, a PowerShell
 * script block) and one declared source (Security 4688 with two fields).
 *
 * Invariants (CHECK aborts, so a wrong answer is a crash to libFuzzer like a bad read): every
 * diagnostic names the input, has a position and a message, and is an error; loading fails
 * exactly when there is an error; a loaded baseline has between 1 and VG_BASELINE_MAX_ITEMS
 * requirements, each with a position, shares of at most 100%, a tactic of the enterprise
 * matrix (or none for "all"), a live group, campaign or software, a channel and a decimal
 * event ID; the check returns the number of failed requirements; a tactic or group passes
 * exactly when covered x 10000 >= required x techniques, reached never exceeds what was
 * covered, a group lists every technique it does not count as covered; a source passes only
 * when its fields do; checking again gives the same results; the JSON report parses.
 * Built with libFuzzer when VG_FUZZ=ON and as a plain program with replay.c that the test
 * suite runs over fuzz/corpus/baseline.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_baseline: invariant failed: %s (line %d)\n", #cond, __LINE__);   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static vg_attack *kb;
static vg_profile *profile;
static vg_ruleset *rs;
static vg_inventory *inv;
static vg_coverage *cov;

static const char *const events[] = {
    "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,\"Computer\":\"w1\","
    "\"Image\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\",\"CommandLine\":\"cmd /c whoami\","
    "\"ParentImage\":\"C:\\\\Windows\\\\explorer.exe\"}",
    "{\"Channel\":\"Security\",\"EventID\":4624,\"Computer\":\"dc1\",\"LogonType\":3,"
    "\"TargetUserName\":\"svc_backup\"}",
    "{\"Channel\":\"Microsoft-Windows-PowerShell/Operational\",\"EventID\":4104,"
    "\"ScriptBlockText\":\"Get-Process\"}",
};

static void setup(void)
{
    CHECK((kb = vg_attack_new()) != NULL);
    CHECK(vg_attack_load_embedded(kb, NULL) == 0 && vg_attack_finalize(kb, NULL) == 0);
    CHECK(vg_profile_load("both", &profile, NULL) == 0);
    CHECK((rs = vg_ruleset_new(kb, profile)) != NULL);
    CHECK(vg_ruleset_add_starter(rs, NULL) == 0 && vg_ruleset_finalize(rs, NULL) == 0);
    vg_event *ev = vg_event_new();
    CHECK(ev && (inv = vg_inventory_new()) != NULL);
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        size_t off;
        char err[128];
        CHECK(vg_event_from_json(ev, events[i], strlen(events[i]), VG_JSON_FLAT, &off, err,
                                 sizeof err) == 0);
        CHECK(vg_inventory_add(inv, ev) == 0);
    }
    vg_event_free(ev);
    CHECK((cov = vg_coverage_new(kb, rs, VG_DOMAIN_ENTERPRISE)) != NULL);
    CHECK(vg_coverage_add_inventory(cov, inv) == 0);
    static const char *const fields[] = {"NewProcessName", "CommandLine"};
    CHECK(vg_coverage_declare(cov, "Security", "4688", fields, 2) == 0);
    CHECK(vg_coverage_compute(cov) == 0);
}

static void check_diags(const vg_diags *d, const char *name)
{
    for (size_t i = 0; i < vg_diags_count(d); i++) {
        const vg_diag *g = vg_diags_get(d, i);
        CHECK(g->message && g->message[0]);
        CHECK(g->severity == VG_SEV_ERROR);
        CHECK(g->file && strcmp(g->file, name) == 0);
        CHECK(g->line >= 1 && g->col >= 1);
    }
}

static void check_item(const vg_baseline_item *it)
{
    CHECK(it->line >= 1 && it->col >= 1 && it->written);
    CHECK(it->reason && it->reason[0]);
    if (it->kind == VG_BASELINE_SOURCE) {
        CHECK(it->channel[0] && it->required == 0 && it->min_fill <= 10000);
        CHECK(strspn(it->event_id, "0123456789") == strlen(it->event_id));
        CHECK(it->events <= it->channel_events);
        int all = 1;
        for (size_t k = 0; k < it->n_fields; k++) {
            CHECK(it->fields[k].name && it->fields[k].name[0]);
            CHECK(it->fields[k].events <= it->events);
            all &= it->fields[k].pass;
        }
        CHECK(!it->pass || all);
        CHECK(!it->pass || it->events || it->declared);
        return;
    }
    CHECK(it->kind == VG_BASELINE_TACTIC || it->kind == VG_BASELINE_GROUP);
    CHECK(it->required <= 10000 && it->reached <= 10000 && it->covered <= it->techniques);
    CHECK(it->pass ==
          ((uint64_t)it->covered * 10000 >= (uint64_t)it->required * (uint64_t)it->techniques));
    CHECK(!it->techniques ||
          (uint64_t)it->reached * it->techniques <= (uint64_t)it->covered * 10000);
    if (it->kind == VG_BASELINE_TACTIC) {
        CHECK(!it->obj || it->obj->kind == VG_ATTACK_TACTIC);
        CHECK(it->obj || strcmp(it->written, "all") == 0);
        CHECK(it->n_uncovered == 0);
    } else {
        CHECK(it->obj && vg_attack_resolve(it->obj) == it->obj);
        CHECK(it->obj->kind == VG_ATTACK_GROUP || it->obj->kind == VG_ATTACK_CAMPAIGN ||
              it->obj->kind == VG_ATTACK_SOFTWARE);
        CHECK(it->n_uncovered == it->techniques - it->covered);
        for (size_t k = 0; k < it->n_uncovered; k++)
            CHECK(it->uncovered[k].tech &&
                  (it->validated ? it->uncovered[k].level != VG_GAP_VALIDATED
                                 : it->uncovered[k].level < VG_GAP_ACTIVE));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char name[] = "fuzz-baseline.yml";
    if (!kb)
        setup();
    vg_diags *d = vg_diags_new();
    CHECK(d != NULL);
    vg_baseline *b = NULL;
    int rc = vg_baseline_load_buffer(kb, (const char *)data, size, name, &b, d);
    check_diags(d, name);
    CHECK(rc == 0 || rc == VG_ERR_SYNTAX || rc == VG_ERR_TYPE || rc == VG_ERR_DUP ||
          rc == VG_ERR_LIMIT || rc == VG_ERR_REF || rc == VG_ERR_NOMEM);
    CHECK((rc == 0) == (b != NULL));
    CHECK(rc == VG_ERR_NOMEM || (rc == 0) == (vg_diags_count_at(d, VG_SEV_ERROR) == 0));
    vg_diags_free(d);
    if (!b)
        return 0;
    CHECK(vg_baseline_name(b) != NULL);
    const vg_baseline_item *it;
    size_t n = vg_baseline_items(b, &it);
    CHECK(n >= 1 && n <= VG_BASELINE_MAX_ITEMS);
    int failed = vg_baseline_check(b, cov, inv);
    CHECK(failed >= 0 && (size_t)failed <= n);
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        check_item(&it[i]);
        count += !it[i].pass;
    }
    CHECK(count == (size_t)failed);
    /* checking again gives the same answers */
    size_t *covered = calloc(n, sizeof *covered);
    CHECK(covered != NULL);
    for (size_t i = 0; i < n; i++)
        covered[i] = it[i].covered * 2 + (size_t)it[i].pass;
    CHECK(vg_baseline_check(b, cov, inv) == failed);
    for (size_t i = 0; i < n; i++)
        CHECK(covered[i] == it[i].covered * 2 + (size_t)it[i].pass);
    free(covered);
    char *json = NULL;
    size_t len = 0;
    CHECK(vg_report_baseline_json(b, cov, &json, &len) == 0 && json && len == strlen(json));
    vg__json j;
    vg__json_init(&j);
    CHECK(vg__json_parse(&j, json, len) == 0);
    vg__json_free(&j);
    free(json);
    vg_baseline_free(b);
    return 0;
}

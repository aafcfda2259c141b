/*
 * fuzz_sigma.c - libFuzzer target for the Sigma rule compiler and evaluator (src/sigma: the
 * YAML tree, metadata, modifiers, values, conditions, filters, correlations, evaluation).
 *
 * One input is one rule file: every YAML document in it. It is compiled into a fresh ruleset
 * (built-in profile "both", placeholder values for expand, no ATT&CK), finalized, and every
 * rule is evaluated on a few fixed events that carry the fields rules usually test (a Sysmon
 * process creation, a Security logon, a network connection with an IPv6 peer, an event with
 * null, empty, UTF-16 and numeric fields), with an explanation and without.
 *
 * Invariants (CHECK aborts, so a wrong answer is a crash to libFuzzer like a bad read):
 * diagnostics name the input and have a message; a rule's index is its position and its kind,
 * level and strings are set; finalize succeeds; vg_matcher_run counts exactly the detection
 * rules that vg_matcher_test says match, and asking again gives the same answer (evaluation
 * has no state); asking with and without an explanation agrees; correlations cannot be
 * tested. Built with libFuzzer when VG_FUZZ=ON and as a plain program with replay.c that the
 * test suite runs over fuzz/corpus/sigma.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_sigma: invariant failed: %s (line %d)\n", #cond, __LINE__);      \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define N_EVENTS 4

static vg_profile *profile;
static vg_event *events[N_EVENTS];

static const char placeholders[] = "Admins: [alice, 'adm_*']\n"
                                   "DomainControllers: ['dc?x', 'ad-\\*']\n"
                                   "Empty: []\n"
                                   "Many: [a, b, c, d, e, f, g, h]\n";

static void add(vg_event *ev, const char *name, const char *value, vg_value_type type)
{
    CHECK(vg_event_add(ev, name, strlen(name), value, strlen(value), type) == 0);
}

static void setup(void)
{
    CHECK(vg_profile_load("both", &profile, NULL) == 0);
    for (int i = 0; i < N_EVENTS; i++)
        CHECK((events[i] = vg_event_new()) != NULL);
    vg_event *e = events[0];
    add(e, "Channel", "Microsoft-Windows-Sysmon/Operational", VG_VAL_STRING);
    add(e, "EventID", "1", VG_VAL_NUMBER);
    add(e, "Image", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        VG_VAL_STRING);
    add(e, "CommandLine", "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0A",
        VG_VAL_STRING);
    add(e, "ParentImage", "C:\\Windows\\explorer.exe", VG_VAL_STRING);
    add(e, "User", "CORP\\alice", VG_VAL_STRING);
    add(e, "UtcTime", "2024-12-30 23:59:59.999", VG_VAL_STRING);
    add(e, "Hashes", "MD5=0123456789ABCDEF", VG_VAL_STRING);
    add(e, "Hashes", "SHA256=FEDCBA9876543210", VG_VAL_STRING);
    e = events[1];
    add(e, "Channel", "Security", VG_VAL_STRING);
    add(e, "EventID", "4624", VG_VAL_NUMBER);
    add(e, "LogonType", "10", VG_VAL_NUMBER);
    add(e, "TargetUserName", "adm_bob", VG_VAL_STRING);
    add(e, "SubjectUserName", "ADM_BOB", VG_VAL_STRING);
    add(e, "IpAddress", "::ffff:10.1.2.3", VG_VAL_STRING);
    add(e, "NewProcessName", "C:\\Windows\\System32\\cmd.exe", VG_VAL_STRING);
    e = events[2];
    add(e, "Channel", "Microsoft-Windows-Sysmon/Operational", VG_VAL_STRING);
    add(e, "EventID", "3", VG_VAL_NUMBER);
    add(e, "DestinationIp", "2001:db8::1", VG_VAL_STRING);
    add(e, "DestinationPort", "0x1bb", VG_VAL_STRING);
    add(e, "Initiated", "true", VG_VAL_BOOL);
    e = events[3];
    add(e, "Nothing", "", VG_VAL_NULL);
    add(e, "Empty", "", VG_VAL_STRING);
    static const char wide[] = "c\0m\0d\0";
    CHECK(vg_event_add(e, "Blob", 4, wide, sizeof wide - 1, VG_VAL_STRING) == 0);
    add(e, "Count", "-1.5e3", VG_VAL_NUMBER);
    add(e, "Message",
        "caf\xc3\xa9 \xe2\x80\x93"
        "flag \\* ? %Admins%",
        VG_VAL_STRING);
}

static void check_diags(const vg_diags *d, const char *name)
{
    for (size_t i = 0; i < vg_diags_count(d); i++) {
        const vg_diag *g = vg_diags_get(d, i);
        CHECK(g->message && g->message[0]);
        CHECK(g->severity == VG_SEV_WARNING || g->severity == VG_SEV_ERROR);
        CHECK(g->file && strcmp(g->file, name) == 0);
        CHECK(g->line >= 1 && g->col >= 1);
    }
}

static int count_match(const vg_rule *r, void *ud)
{
    CHECK(r->kind == VG_RULE_DETECTION);
    ++*(size_t *)ud;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char name[] = "fuzz.yml";
    if (!profile)
        setup();
    vg_ruleset *rs = vg_ruleset_new(NULL, profile);
    vg_diags *d = vg_diags_new();
    CHECK(rs && d);
    CHECK(vg__yaml_load(placeholders, sizeof placeholders - 1, "<placeholders>", &rs->arena,
                        &rs->placeholders, NULL) == 0);
    int rc = vg_ruleset_add_buffer(rs, (const char *)data, size, name, d);
    CHECK(rc == 0 || rc == VG_ERR_NOMEM);
    CHECK(vg_ruleset_finalize(rs, d) == 0);
    check_diags(d, name);
    size_t n = vg_ruleset_count(rs);
    for (size_t i = 0; i < n; i++) {
        const vg_rule *r = vg_ruleset_rule(rs, i);
        CHECK(r && r->index == i);
        CHECK(r->kind <= VG_RULE_CORRELATION && r->level <= VG_LEVEL_CRITICAL);
        CHECK(r->id && r->title && r->title[0] && r->product && r->category && r->service);
        CHECK((r->kind == VG_RULE_CORRELATION) == (r->correlation_type[0] != 0));
        CHECK(r->kind == VG_RULE_CORRELATION || r->routed == (((const vg__rule *)r)->n_routes > 0));
        if (r->id[0])
            CHECK(vg_ruleset_find(rs, r->id) != NULL);
    }
    vg_matcher *m = vg_matcher_new(rs);
    CHECK(m != NULL);
    for (int e = 0; e < N_EVENTS; e++) {
        size_t counted = 0, tested = 0;
        int run = vg_matcher_run(m, events[e], count_match, &counted);
        CHECK(run >= 0 && (size_t)run == counted);
        for (size_t i = 0; i < n; i++) {
            const vg_rule *r = vg_ruleset_rule(rs, i);
            char *why = NULL;
            int hit = vg_matcher_test(m, r, events[e], &why);
            if (r->kind == VG_RULE_CORRELATION) {
                CHECK(hit == VG_ERR_UNSUPPORTED);
                continue;
            }
            CHECK(hit == 0 || hit == 1);
            CHECK(why != NULL);
            free(why);
            CHECK(vg_matcher_test(m, r, events[e], NULL) == hit);
            if (r->kind == VG_RULE_DETECTION)
                tested += (size_t)hit;
        }
        CHECK(tested == counted);
    }
    vg_matcher_free(m);
    vg_ruleset_free(rs);
    vg_diags_free(d);
    return 0;
}

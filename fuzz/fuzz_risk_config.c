/*
 * fuzz_risk_config.c - libFuzzer target for the risk configuration (src/risk/config.c: the YAML
 * of data/risk/risk.yml, every section a user file may replace).
 *
 * One input is one configuration file, loaded over the built-in defaults. Invariants (CHECK
 * aborts, so a wrong answer is a crash to libFuzzer like a bad read): every diagnostic names
 * the input with a line, a column and a message, and a load that fails reports an error and
 * leaves the configuration exactly as it was (its fingerprint: base scores, capping,
 * retention, normalisation, section sizes, incident rules and the score arithmetic of a fixed
 * set of objects). A configuration that loads is used: alerts are scored into risk events
 * (objects, ignored accounts, threat objects, factors) and the batch and incremental engines
 * must raise the same notables over a fixed stream. Built with libFuzzer when VG_FUZZ=ON and as
 * a plain program with replay.c that the test suite runs over fuzz/corpus/risk_config.
 */
#include "risk_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vg_event *events[2];

static void setup(void)
{
    static const char *const json[] = {
        "{\"@timestamp\":\"2026-11-02T09:00:00Z\",\"Computer\":\"WKS-1.corp\",\"User\":\"CORP\\\\"
        "alice\",\"Image\":\"C:\\\\x.exe\",\"CommandLine\":\"x "
        "-y\",\"DestinationIp\":\"10.1.1.1\"}",
        "{\"@timestamp\":\"2026-11-02T09:00:01Z\",\"Hostname\":\"h2\",\"TargetUserName\":\"svc$\","
        "\"SubjectUserName\":\"SYSTEM\",\"QueryName\":\"evil.example\",\"Hashes\":\"MD5=00\"}"};
    for (int i = 0; i < 2; i++) {
        CHECK((events[i] = vg_event_new()) != NULL);
        CHECK(vg_event_from_json(events[i], json[i], strlen(json[i]), VG_JSON_FLAT, NULL, NULL,
                                 0) == 0);
    }
}

static int on_risk(const vg_risk_event *re, void *ud)
{
    ++*(int *)ud;
    CHECK(re->object && re->object[0] && re->threats && re->threats[0] == '{');
    CHECK(re->arithmetic && re->score >= -VG_RISK_MAX_SCORE && re->score <= VG_RISK_MAX_SCORE);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char name[] = "fuzz.yml";
    if (!events[0])
        setup();
    vg_risk_config *c;
    if (!risk_load_checked(data, size, name, 0, &c)) {
        static const char *const tags[] = {"attack.t1059", "attack.execution"};
        for (int i = 0; i < 2; i++) {
            vg_alert a = {"r1",        "Rule",  (vg_level)(i + 3), tags, 2,
                          "execution", "T1059", events[i],         NULL, "x:1"};
            int n = 0;
            int got = vg_risk_score_alert(c, &a, on_risk, &n);
            CHECK(got >= 0 && got == n && n <= 3);
        }
        risk_check_engines(c);
    }
    vg_risk_config_free(c);
    return 0;
}

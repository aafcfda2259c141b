/*
 * test_risk.c - unit tests for risk-based alerting (src/risk): the built-in defaults equal the
 * shipped files, time parsing, scoring an alert into risk events (objects, ignored accounts,
 * overrides, threat objects), factor arithmetic, the sliding window's capped score when the
 * largest score leaves the window, throttling, configuration errors that leave the
 * configuration unchanged, and the store's migration of a schema v1 database to v2.
 *
 * Needs no shared data. Files are written under a private temporary directory.
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
#include <sqlite3.h>

#include "risk_test.h"
#include "vigil.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = 0;
    fclose(f);
    return p;
}

static void test_defaults_equal_shipped_files(void **state)
{
    (void)state;
    static const char *const files[] = {VG_SOURCE_DIR "/data/risk/risk.yml",
                                        VG_SOURCE_DIR "/data/risk/incident-rules.yml"};
    for (int i = 0; i < 2; i++) {
        char *text = slurp(files[i]);
        assert_non_null(text);
        assert_string_equal(vg_risk_default_text(i), text);
        free(text);
    }
    vg_risk_config *c;
    assert_int_equal(vg_risk_config_new(&c), 0);
    assert_int_equal(vg_risk_config_rule_count(c), 2);
    assert_int_equal(vg_risk_config_retention_days(c), 90);
    vg_risk_config_free(c);
}

static void test_parse_time(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(vg_risk_parse_time("1970-01-01T00:00:00Z", 20, &ms), 0);
    assert_int_equal(ms, 0);
    assert_int_equal(vg_risk_parse_time("2026-11-02T09:12:03.250Z", 24, &ms), 0);
    assert_int_equal(ms, 1793610723250LL);
    /* a space separator, a 7-digit fraction (cut to ms) and an offset */
    const char *t = "2026-11-02 10:12:03.2509999+01:00";
    assert_int_equal(vg_risk_parse_time(t, strlen(t), &ms), 0);
    assert_int_equal(ms, 1793610723250LL);
    assert_int_equal(vg_risk_parse_time("2026-11-02", 10, &ms), 0);
    assert_int_equal(ms, 1793577600000LL);
    assert_int_equal(vg_risk_parse_time("2026-13-02T00:00:00Z", 20, &ms), VG_ERR_SYNTAX);
    assert_int_equal(vg_risk_parse_time("yesterday", 9, &ms), VG_ERR_SYNTAX);
    assert_int_equal(vg_risk_parse_time("2026-11-02T00:00:00Zjunk", 24, &ms), VG_ERR_SYNTAX);
}

typedef struct got {
    int n;
    char object[4][64];
    vg_risk_object_type type[4];
    double base[4], score[4];
    char threats[4][256], arith[4][256];
} got;

static int collect(const vg_risk_event *re, void *ud)
{
    got *g = ud;
    snprintf(g->object[g->n], 64, "%s", re->object);
    g->type[g->n] = re->object_type;
    g->base[g->n] = re->base_score;
    g->score[g->n] = re->score;
    snprintf(g->threats[g->n], 256, "%s", re->threats);
    snprintf(g->arith[g->n], 256, "%s", re->arithmetic);
    g->n++;
    return 0;
}

static vg_event *event_of(const char *json)
{
    vg_event *ev = vg_event_new();
    assert_int_equal(vg_event_from_json(ev, json, strlen(json), VG_JSON_FLAT, NULL, NULL, 0), 0);
    return ev;
}

static void test_score_alert_objects_and_threats(void **state)
{
    (void)state;
    vg_risk_config *c;
    assert_int_equal(vg_risk_config_new(&c), 0);
    vg_event *ev = event_of("{\"TimeCreated_SystemTime\":\"2026-11-02T09:00:00Z\","
                            "\"Computer\":\"WKS-1\",\"User\":\"CORP\\\\alice\","
                            "\"Image\":\"C:\\\\x.exe\",\"CommandLine\":\"x -y\","
                            "\"DestinationIp\":\"203.0.113.5\"}");
    vg_alert a = {"r1", "Rule one", VG_LEVEL_HIGH, NULL, 0, "execution", "T1059", ev, NULL, NULL};
    got g = {0};
    assert_int_equal(vg_risk_score_alert(c, &a, collect, &g), 2);
    assert_string_equal(g.object[0], "WKS-1");
    assert_int_equal(g.type[0], VG_RISK_SYSTEM);
    assert_string_equal(g.object[1], "CORP\\alice");
    assert_int_equal(g.type[1], VG_RISK_USER);
    assert_true(g.base[0] == 73 && g.score[0] == 73);
    assert_string_equal(g.threats[0], "{\"process\":\"C:\\\\x.exe\",\"command_line\":\"x -y\","
                                      "\"ip\":\"203.0.113.5\"}");
    vg_event_free(ev);

    /* SYSTEM and machine accounts raise no user risk; no time raises nothing */
    ev = event_of("{\"TimeCreated_SystemTime\":\"2026-11-02T09:00:00Z\",\"Computer\":\"H\","
                  "\"User\":\"NT AUTHORITY\\\\SYSTEM\"}");
    a.event = ev;
    memset(&g, 0, sizeof g);
    assert_int_equal(vg_risk_score_alert(c, &a, collect, &g), 1);
    vg_event_free(ev);
    ev = event_of("{\"Computer\":\"H\",\"SubjectUserName\":\"H$\"}");
    a.event = ev;
    assert_int_equal(vg_risk_score_alert(c, &a, collect, &g), 0);
    vg_event_free(ev);

    /* levels give the base score; an override by tag wins */
    ev = event_of("{\"@timestamp\":\"2026-11-02T09:00:00Z\",\"Computer\":\"H\"}");
    a.event = ev;
    static const struct {
        vg_level l;
        double base;
    } lv[] = {{VG_LEVEL_INFORMATIONAL, 0},
              {VG_LEVEL_LOW, 21},
              {VG_LEVEL_MEDIUM, 47},
              {VG_LEVEL_HIGH, 73},
              {VG_LEVEL_CRITICAL, 99}};
    for (size_t i = 0; i < 5; i++) {
        memset(&g, 0, sizeof g);
        a.level = lv[i].l;
        assert_int_equal(vg_risk_score_alert(c, &a, collect, &g), 1);
        assert_true(g.base[0] == lv[i].base);
    }
    const char *cfg = write_tmp("ov.yml", "score_overrides:\n  - match: attack.t1003.001\n"
                                          "    score: 90\n");
    assert_int_equal(vg_risk_config_load(c, cfg, NULL), 0);
    const char *tags[] = {"attack.credential-access", "attack.t1003.001"};
    a.tags = tags;
    a.n_tags = 2;
    memset(&g, 0, sizeof g);
    assert_int_equal(vg_risk_score_alert(c, &a, collect, &g), 1);
    assert_true(g.base[0] == 90);
    vg_event_free(ev);
    vg_risk_config_free(c);
}

static void test_factor_arithmetic(void **state)
{
    (void)state;
    vg_risk_config *c;
    assert_int_equal(vg_risk_config_new(&c), 0);
    const char *ids = write_tmp("ids.csv", "identity,priority,category,watchlist\n"
                                           "alice,high,privileged|contractor,false\n"
                                           "\"bob\",low,,true\n");
    assert_int_equal(vg_risk_config_load_identities(c, ids, NULL), 0);
    vg_risk_engine *e = vg_risk_engine_new(c);
    vg_risk_event re = {0};
    re.time_ms = 1;
    re.object = "CORP\\alice";
    re.object_type = VG_RISK_USER;
    re.base_score = 73;
    assert_int_equal(vg_risk_engine_add(e, &re, 1), 0);
    re.object = "bob@corp.example";
    re.base_score = 21;
    assert_int_equal(vg_risk_engine_add(e, &re, 1), 0);
    const vg_risk_event *x = vg_risk_engine_event(e, 0);
    /* objects sort by name: "CORP\alice" before "bob@..." (ASCII) */
    assert_string_equal(x->object, "CORP\\alice");
    assert_true(x->score == 141.88);
    assert_string_equal(x->arithmetic,
                        "73 x 1.5 (admin user) x 1.25 (high-priority user) + 5 (contractor) = "
                        "141.88");
    x = vg_risk_engine_event(e, 1);
    assert_true(x->score == 31.5);
    assert_string_equal(x->arithmetic, "21 x 1.5 (watchlisted user) = 31.5");
    vg_risk_engine_free(e);
    /* a bad priority is reported at its line */
    vg_diags *d = vg_diags_new();
    ids = write_tmp("bad.csv", "name,priority\nx,urgent\n");
    assert_int_equal(vg_risk_config_load_assets(c, ids, d), VG_ERR_RANGE);
    assert_int_equal(vg_diags_get(d, 0)->line, 2);
    vg_diags_free(d);
    vg_risk_config_free(c);
}

typedef struct nots {
    int n;
    double score[4];
    size_t events[4];
    int64_t start[4];
} nots;

static int on_notable(const vg_notable *n, void *ud)
{
    nots *x = ud;
    if (x->n < 4) {
        x->score[x->n] = n->score;
        x->events[x->n] = n->n_events;
        x->start[x->n] = n->window_start_ms;
    }
    x->n++;
    return 0;
}

static void add(vg_risk_engine *e, const char *obj, const char *rule, int64_t min, double score)
{
    vg_risk_event re = {0};
    re.time_ms = min * 60000;
    re.object = obj;
    re.rule_id = rule;
    re.base_score = score;
    re.score = score;
    assert_int_equal(vg_risk_engine_add(e, &re, 0), 0);
}

/* When the largest score of a source leaves the window, its cap follows the new largest. */
static void test_cap_follows_the_window_max(void **state)
{
    (void)state;
    vg_risk_config *c;
    assert_int_equal(vg_risk_config_new(&c), 0);
    const char *r = write_tmp("ir.yml", "incident_rules:\n  - id: t\n    title: t\n"
                                        "    window: 1h\n    when:\n      events: {eq: 4}\n"
                                        "      score: {eq: 60}\n");
    assert_int_equal(vg_risk_config_load_rules(c, r, NULL), 0);
    vg_risk_engine *e = vg_risk_engine_new(c);
    /* at 30m the window holds 50,20,20,20: sum 110 (cap 150): no; at 70m the 50 has left:
     * 20 x 4 = 80, capped at 3 x 20 = 60: fires */
    add(e, "H", "r1", 0, 50);
    add(e, "H", "r1", 10, 20);
    add(e, "H", "r1", 20, 20);
    add(e, "H", "r1", 30, 20);
    add(e, "H", "r1", 70, 20);
    nots x = {0};
    assert_int_equal(vg_risk_engine_run(e, on_notable, &x), 1);
    assert_true(x.score[0] == 60);
    assert_int_equal(x.events[0], 4);
    assert_int_equal(x.start[0], 10 * 60000);
    /* running again gives the same answer */
    memset(&x, 0, sizeof x);
    assert_int_equal(vg_risk_engine_run(e, on_notable, &x), 1);
    vg_risk_engine_free(e);
    vg_risk_config_free(c);
}

static void test_throttle_one_notable_per_window(void **state)
{
    (void)state;
    vg_risk_config *c;
    assert_int_equal(vg_risk_config_new(&c), 0);
    vg_risk_engine *e = vg_risk_engine_new(c);
    /* 24 events of 73 an hour apart from two rules: the risk rule (> 100 over 24h) fires at the
     * 2nd event and its window takes the next 22 as well (0h .. 24h inclusive: 25 would be
     * needed to pass 24h); one notable for the day, not twenty-three */
    for (int h = 0; h < 24; h++)
        add(e, "H", h % 2 ? "a" : "b", h * 60, 73);
    nots x = {0};
    vg_risk_engine_run(e, on_notable, &x);
    int risk = 0;
    for (int i = 0; i < x.n && i < 4; i++)
        risk += x.events[i] == 24;
    assert_int_equal(risk, 1);
    vg_risk_engine_free(e);
    vg_risk_config_free(c);
}

static void test_config_error_leaves_config_unchanged(void **state)
{
    (void)state;
    vg_risk_config *c;
    assert_int_equal(vg_risk_config_new(&c), 0);
    vg_diags *d = vg_diags_new();
    const char *p = write_tmp("bad.yml", "base_scores:\n  high: 80\nfactors: 3\nbogus: 1\n");
    assert_int_equal(vg_risk_config_load(c, p, d), VG_ERR_TYPE);
    assert_int_equal(vg_diags_count_at(d, VG_SEV_ERROR), 1);
    assert_int_equal(vg_diags_get(d, 0)->line, 3);
    /* the high base score is still 73 */
    vg_risk_engine *e = vg_risk_engine_new(c);
    vg_event *ev = event_of("{\"@timestamp\":\"2026-11-02T09:00:00Z\",\"Computer\":\"H\"}");
    vg_alert a = {"r", "r", VG_LEVEL_HIGH, NULL, 0, NULL, NULL, ev, NULL, NULL};
    got g = {0};
    assert_int_equal(vg_risk_score_alert(c, &a, collect, &g), 1);
    assert_true(g.base[0] == 73);
    vg_event_free(ev);
    vg_risk_engine_free(e);
    vg_diags_free(d);
    vg_risk_config_free(c);
}

static int table_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1, &s,
                       NULL);
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int ok = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return ok;
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
    sqlite3_step(s);
    int v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void test_store_migrates_v1(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/v1.db", tmpdir);
    unlink(path);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE scans(id INTEGER PRIMARY KEY, started TEXT NOT "
                                  "NULL, finished TEXT, command TEXT, vigil_version TEXT, files "
                                  "INTEGER, events INTEGER, matches INTEGER);"
                                  "INSERT INTO scans(started) VALUES('2026-11-01');"
                                  "PRAGMA user_version = 1;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    vg_store *st;
    assert_int_equal(vg_store_open(path, &st, NULL), 0);
    vg_store_close(st);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(user_version(db), VG_STORE_RISK_SCHEMA_VERSION);
    assert_true(table_exists(db, "risk_events") && table_exists(db, "notables") &&
                table_exists(db, "correlations") && table_exists(db, "matches"));
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "SELECT started FROM scans", -1, &s, NULL);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "2026-11-01");
    sqlite3_finalize(s);
    /* a newer schema is refused */
    sqlite3_exec(db, "PRAGMA user_version = 3", NULL, NULL, NULL);
    sqlite3_close(db);
    vg_diags *d = vg_diags_new();
    assert_int_equal(vg_store_open(path, &st, d), VG_ERR_UNSUPPORTED);
    vg_diags_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_equal_shipped_files),
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_score_alert_objects_and_threats),
        cmocka_unit_test(test_factor_arithmetic),
        cmocka_unit_test(test_cap_follows_the_window_max),
        cmocka_unit_test(test_throttle_one_notable_per_window),
        cmocka_unit_test(test_config_error_leaves_config_unchanged),
        cmocka_unit_test(test_store_migrates_v1),
    };
    if (risk_tmpdir_make("vg-risk"))
        return 1;
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    return risk_tmpdir_remove() ? 1 : rc;
}

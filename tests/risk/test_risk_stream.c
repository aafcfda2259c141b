/*
 * test_risk_stream.c - unit tests for the incremental evaluation of incident rules
 * (vg_risk_engine_push / vg_risk_engine_flush) and for risk-object normalisation.
 *
 * The main test is an equivalence: fixed-seed streams of risk events (a dozen objects written
 * several ways, many source rules, coarse times so that timestamps repeat, some negative
 * scores, a rule with non-monotone conditions, a user-only rule) are given to a batch engine
 * (add + run) and to an incremental one (push + flush) in the same arrival order; every
 * notable, as its full JSON form (id, window, trigger, score arithmetic, timeline), must be
 * the same and in the same order. Arrival orders: time order, random, the later half first
 * (two files scanned one after the other), and two interleaved streams (two threads). What
 * the pushes reported (raised, withdrawn) is checked against the final notables too. A large
 * shuffled object exercises the batched re-evaluation of late events.
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

#include "risk_test.h"
#include "vigil.h"

static uint64_t rng;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* ---------------------------------------------------------------- a stream of risk events */

typedef struct gev {
    int64_t t;
    int obj, rule;
    double score;
} gev;

static const char *const objects[][3] = {
    {"WKS-1", "wks-1.corp.local", "WKS-1.CORP.LOCAL"},
    {"CORP\\alice", "alice@corp.local", "ALICE"},
    {"srv-db", "SRV-DB.corp.local", "srv-db"},
    {"CORP\\bob", "bob", "Bob@corp.local"},
    {"10.0.0.5", "10.0.0.5", "10.0.0.5"},
    {"WKS-2", "wks-2", "WKS-2.corp.local"},
    {"CORP\\carol", "carol", "CAROL@corp.local"},
    {"H3", "h3.x", "H3"},
    {"CORP\\dave", "dave", "dave"},
    {"WKS-4", "WKS-4", "wks-4.corp.local"},
    {"eve@corp.local", "EVE", "CORP\\eve"},
    {"H5", "H5", "H5"},
};
#define N_OBJECTS 12

static const char *const tactic_list[] = {"execution",       "persistence",      "discovery",
                                          "defense-evasion", "lateral-movement", "collection",
                                          "exfiltration",    "credential-access"};

static int is_user(int obj)
{
    return obj == 1 || obj == 3 || obj == 6 || obj == 8 || obj == 10;
}

/* n events over 10 days in 10-minute steps (timestamps repeat), in time order */
static gev *make_stream(size_t n, int n_objects)
{
    gev *g = calloc(n, sizeof *g);
    int64_t t0 = 1793577600000LL;
    for (size_t i = 0; i < n; i++) {
        g[i].t = t0 + (int64_t)(next() % 1440) * 600000;
        g[i].obj = (int)(next() % (uint64_t)n_objects);
        g[i].rule = (int)(next() % 15);
        static const double scores[] = {21, 47, 73, 99, 0, 5};
        g[i].score = next() % 40 == 0 ? -10 : scores[next() % 6];
    }
    for (size_t i = 1; i < n; i++) /* insertion sort by time: keeps it simple */
        for (size_t j = i; j > 0 && g[j - 1].t > g[j].t; j--) {
            gev tmp = g[j];
            g[j] = g[j - 1];
            g[j - 1] = tmp;
        }
    return g;
}

static void fill(vg_risk_event *re, const gev *x, size_t seq, char *rid, char *tac, char *ref)
{
    memset(re, 0, sizeof *re);
    snprintf(rid, 16, "r%02d", x->rule);
    snprintf(tac, 96, "%s,%s", tactic_list[x->rule % 8], tactic_list[(x->rule * 3 + 1) % 8]);
    snprintf(ref, 32, "ev%zu", seq);
    re->time_ms = x->t;
    re->object = objects[x->obj][seq % 3];
    re->object_type = is_user(x->obj) ? VG_RISK_USER : VG_RISK_SYSTEM;
    re->rule_id = rid;
    re->rule_title = rid;
    re->tactics = tac;
    re->techniques = x->rule % 2 ? "T1059" : "T1003,T1021";
    re->ref = ref;
    re->base_score = x->score;
    re->score = x->score;
    re->arithmetic = "";
}

/* ---------------------------------------------------------------- collecting notables */

typedef struct list {
    char **json;
    char **id;
    char **rule;
    size_t n, cap;
} list;

static int collect(const vg_notable *n, void *ud)
{
    list *l = ud;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->json = realloc(l->json, l->cap * sizeof *l->json);
        l->id = realloc(l->id, l->cap * sizeof *l->id);
        l->rule = realloc(l->rule, l->cap * sizeof *l->rule);
    }
    assert_int_equal(vg_notable_format(n, 1, 1000, &l->json[l->n]), 0);
    l->id[l->n] = strdup(n->id);
    l->rule[l->n] = strdup(n->incident_rule);
    l->n++;
    return 0;
}

static void list_free(list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->json[i]);
        free(l->id[i]);
        free(l->rule[i]);
    }
    free(l->json);
    free(l->id);
    free(l->rule);
    memset(l, 0, sizeof *l);
}

/* What the pushes reported: the ids raised and not withdrawn since. */
typedef struct live {
    char ids[4096][20];
    int n;
    int raised, withdrawn;
} live;

static int on_change(vg_notable_change what, const vg_notable *n, void *ud)
{
    live *l = ud;
    int k = 0;
    while (k < l->n && strcmp(l->ids[k], n->id) != 0)
        k++;
    if (what == VG_NOTABLE_RAISED) {
        assert_true(k == l->n); /* never raised twice without a withdrawal */
        assert_true(n->n_events > 0);
        assert_true(l->n < 4096);
        snprintf(l->ids[l->n++], sizeof l->ids[0], "%s", n->id);
        l->raised++;
    } else {
        assert_true(k < l->n); /* only what was raised is withdrawn */
        assert_int_equal(n->n_events, 0);
        memcpy(l->ids[k], l->ids[--l->n], sizeof l->ids[0]);
        l->withdrawn++;
    }
    return 0;
}

static const char rules_yml[] =
    "incident_rules:\n"
    "  - id: tactics\n"
    "    title: \"{object_type}={object}: {tactics} tactics, {rules} rules\"\n"
    "    window: 1d\n"
    "    when: {tactics: {gte: 4}, rules: {gte: 3}}\n"
    "    severity: high\n"
    "  - id: score\n"
    "    title: \"{object}: {score} from {events} events\"\n"
    "    window: 6h\n"
    "    when: {score: {gt: 150}}\n"
    "    severity: {medium: 150, high: 300}\n"
    "  - id: exactly-three\n"
    "    title: \"{object}: exactly 3 events in 2h\"\n"
    "    window: 2h\n"
    "    when: {events: {eq: 3}, score: {lte: 200}}\n"
    "  - id: users\n"
    "    title: \"{object}: 2 rules in 30m\"\n"
    "    window: 30m\n"
    "    object_type: user\n"
    "    when: {rules: {gte: 2}}\n";

/* Batch and stream over the events in order[]; returns the number of notables. */
static size_t compare(const vg_risk_config *c, const gev *g, const size_t *order, size_t n,
                      int check_live)
{
    vg_risk_engine *batch = vg_risk_engine_new(c), *stream = vg_risk_engine_new(c);
    static live lv;
    memset(&lv, 0, sizeof lv);
    for (size_t k = 0; k < n; k++) {
        char rid[16], tac[96], ref[32];
        vg_risk_event re;
        fill(&re, &g[order[k]], order[k], rid, tac, ref);
        assert_int_equal(vg_risk_engine_add(batch, &re, 0), 0);
        assert_int_equal(vg_risk_engine_push(stream, &re, 0, on_change, &lv), 0);
    }
    assert_int_equal(vg_risk_engine_count(stream), n);
    list a = {0}, b = {0};
    int na = vg_risk_engine_run(batch, collect, &a);
    int nb = vg_risk_engine_flush(stream, collect, &b);
    assert_true(na > 0);
    if (na != nb) {
        for (size_t i = 0; i < a.n || i < b.n; i++)
            if (i >= a.n || i >= b.n || strcmp(a.json[i], b.json[i])) {
                fprintf(stderr, "batch  %s\nstream %s\n", i < a.n ? a.json[i] : "-",
                        i < b.n ? b.json[i] : "-");
                break;
            }
    }
    assert_int_equal(na, nb);
    for (size_t i = 0; i < a.n; i++)
        assert_string_equal(a.json[i], b.json[i]);
    /* flushing again gives the same; so does run on the stream engine */
    list b2 = {0};
    assert_int_equal(vg_risk_engine_run(stream, collect, &b2), nb);
    for (size_t i = 0; i < b.n; i++)
        assert_string_equal(b.json[i], b2.json[i]);
    if (check_live) {
        /* every notable still raised is a final one; every final one was raised, except
         * those of a non-monotone rule whose last group only the flush completes */
        for (int k = 0; k < lv.n; k++) {
            size_t i = 0;
            while (i < b.n && strcmp(b.id[i], lv.ids[k]) != 0)
                i++;
            assert_true(i < b.n);
        }
        for (size_t i = 0; i < b.n; i++) {
            int k = 0;
            while (k < lv.n && strcmp(b.id[i], lv.ids[k]) != 0)
                k++;
            if (k == lv.n)
                assert_string_equal(b.rule[i], "exactly-three");
        }
    }
    size_t count = b.n;
    list_free(&a);
    list_free(&b);
    list_free(&b2);
    vg_risk_engine_free(batch);
    vg_risk_engine_free(stream);
    return count;
}

static vg_risk_config *test_config(void)
{
    vg_risk_config *c;
    assert_int_equal(vg_risk_config_new(&c), 0);
    assert_int_equal(vg_risk_config_load_rules(c, write_tmp("rules.yml", rules_yml), NULL), 0);
    return c;
}

static void test_push_equals_batch_in_any_order(void **state)
{
    (void)state;
    vg_risk_config *c = test_config();
    for (uint64_t seed = 1; seed <= 6; seed++) {
        rng = 0x9E3779B97F4A7C15ull * seed;
        const size_t n = 1500;
        gev *g = make_stream(n, N_OBJECTS);
        size_t *order = malloc(n * sizeof *order);
        /* time order */
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        size_t notables = compare(c, g, order, n, 1);
        assert_true(notables > 20);
        /* random order */
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = (size_t)(next() % (i + 1)), tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        compare(c, g, order, n, 1);
        /* the later half first, then the earlier (two files, one after the other) */
        for (size_t i = 0; i < n; i++)
            order[i] = (i + n / 2) % n;
        compare(c, g, order, n, 1);
        /* two time-ordered streams interleaved at random (two workers) */
        size_t p = 0, q = n / 2, k = 0;
        while (k < n)
            order[k++] = (q < n && (p >= n / 2 || next() % 2)) ? q++ : p++;
        compare(c, g, order, n, 1);
        free(order);
        free(g);
    }
    vg_risk_config_free(c);
}

/* One object receiving thousands of events in random order: late events are settled in
 * batches (their notables come later) and the flush still gives the batch's answer. */
static void test_many_late_events_for_one_object(void **state)
{
    (void)state;
    vg_risk_config *c = test_config();
    rng = 0x1234567887654321ull;
    const size_t n = 6000;
    gev *g = make_stream(n, 1);
    size_t *order = malloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(next() % (i + 1)), tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    /* 10 days: ten 1-day tactic notables and forty 6-hour score notables */
    assert_int_equal(compare(c, g, order, n, 0), 50);
    free(order);
    free(g);
    vg_risk_config_free(c);
}

static int count_raised(vg_notable_change what, const vg_notable *n, void *ud)
{
    (void)n;
    if (what == VG_NOTABLE_RAISED)
        ++*(int *)ud;
    else
        --*(int *)ud;
    return 0;
}

static void push(vg_risk_engine *e, const char *obj, vg_risk_object_type t, const char *rule,
                 int64_t min, double score, int *raised)
{
    vg_risk_event re = {0};
    re.time_ms = 1793577600000LL + min * 60000;
    re.object = obj;
    re.object_type = t;
    re.rule_id = rule;
    re.rule_title = rule;
    re.base_score = score;
    re.score = score;
    assert_int_equal(vg_risk_engine_push(e, &re, 0, count_raised, raised), 0);
}

/* A notable is raised by the push that crosses the threshold, not later. */
static void test_raised_at_once(void **state)
{
    (void)state;
    vg_risk_config *c;
    assert_int_equal(vg_risk_config_new(&c), 0);
    vg_risk_engine *e = vg_risk_engine_new(c);
    int raised = 0;
    push(e, "H", VG_RISK_SYSTEM, "a", 0, 73, &raised);
    assert_int_equal(raised, 0);
    push(e, "H", VG_RISK_SYSTEM, "b", 10, 47, &raised); /* 120 > 100 */
    assert_int_equal(raised, 1);
    push(e, "H", VG_RISK_SYSTEM, "c", 20, 99, &raised); /* joins the open notable */
    assert_int_equal(raised, 1);
    /* a late event for another object raises its notable at once too */
    push(e, "G", VG_RISK_SYSTEM, "a", 30, 73, &raised);
    push(e, "G", VG_RISK_SYSTEM, "b", 5, 73, &raised);
    assert_int_equal(raised, 2);
    /* a late event that moves G's window earlier: withdrawn and raised again */
    push(e, "G", VG_RISK_SYSTEM, "c", 1, 99, &raised);
    assert_int_equal(raised, 2);
    /* mixing the two ways of feeding an engine is refused */
    vg_risk_event re = {0};
    re.object = "H";
    assert_int_equal(vg_risk_engine_add(e, &re, 0), VG_ERR_INVAL);
    assert_null(vg_risk_engine_event(e, 0));
    vg_risk_engine_free(e);
    vg_risk_config_free(c);
}

/* ---------------------------------------------------------------- normalisation */

typedef struct one {
    int n;
    char object[64], forms[256], title[256];
} one;

static int on_one(const vg_notable *n, void *ud)
{
    one *o = ud;
    o->n++;
    snprintf(o->object, sizeof o->object, "%s", n->object);
    snprintf(o->title, sizeof o->title, "%s", n->title);
    o->forms[0] = 0;
    for (size_t i = 0; i < n->n_object_forms; i++)
        snprintf(o->forms + strlen(o->forms), sizeof o->forms - strlen(o->forms), "%s|",
                 n->object_forms[i]);
    return 0;
}

static void add_one(vg_risk_engine *e, const char *obj, vg_risk_object_type t, int64_t min,
                    double score)
{
    vg_risk_event re = {0};
    re.time_ms = min * 60000;
    re.object = obj;
    re.object_type = t;
    re.rule_id = obj;
    re.base_score = score;
    re.score = score;
    assert_int_equal(vg_risk_engine_add(e, &re, 0), 0);
}

static one run_one(vg_risk_config *c, const char *const *names, vg_risk_object_type t)
{
    vg_risk_engine *e = vg_risk_engine_new(c);
    for (int i = 0; names[i]; i++)
        add_one(e, names[i], t, i, 30);
    one o = {0};
    vg_risk_engine_run(e, on_one, &o);
    vg_risk_engine_free(e);
    return o;
}

static void test_normalised_objects(void **state)
{
    (void)state;
    vg_risk_config *c;
    assert_int_equal(vg_risk_config_new(&c), 0);
    /* four spellings of alice are one user: 4 x 30 = 120 > 100 raises one notable */
    static const char *const alice[] = {"CORP\\alice", "alice@corp.local", "ALICE", "alice", NULL};
    one o = run_one(c, alice, VG_RISK_USER);
    assert_int_equal(o.n, 1);
    assert_string_equal(o.object, "alice");
    assert_string_equal(o.forms, "CORP\\alice|alice@corp.local|ALICE|alice|");
    assert_non_null(strstr(o.title, "user=CORP\\alice:")); /* as the first event wrote it */
    static const char *const host[] = {"HOST.corp.local", "host", "HOST", "Host.other", NULL};
    o = run_one(c, host, VG_RISK_SYSTEM);
    assert_int_equal(o.n, 1);
    assert_string_equal(o.object, "host");
    /* addresses are not cut at a dot: four objects, no notable */
    static const char *const ips[] = {"10.0.0.5", "10.0.0.6", "10.0.1.5", "fe80::1", NULL};
    assert_int_equal(run_one(c, ips, VG_RISK_SYSTEM).n, 0);
    /* user names are not cut at a dot, systems not at a backslash */
    static const char *const dotted[] = {"a.b", "a.c", "a.d", "a.e", NULL};
    assert_int_equal(run_one(c, dotted, VG_RISK_USER).n, 0);
    /* case-fold only: the domain counts */
    const char *p = write_tmp("fold.yml", "normalize:\n  users: case-fold\n  systems: none\n");
    assert_int_equal(vg_risk_config_load(c, p, NULL), 0);
    assert_int_equal(run_one(c, alice, VG_RISK_USER).n, 0);
    static const char *const alice_cases[] = {"Alice", "ALICE", "alice", "aLiCe", NULL};
    o = run_one(c, alice_cases, VG_RISK_USER);
    assert_int_equal(o.n, 1);
    assert_string_equal(o.object, "alice");
    assert_int_equal(run_one(c, alice_cases, VG_RISK_SYSTEM).n, 0); /* systems: none */
    /* a bad rule is reported at its line and column, and changes nothing */
    vg_diags *d = vg_diags_new();
    p = write_tmp("badnorm.yml", "normalize:\n  users: strip\n");
    assert_int_equal(vg_risk_config_load(c, p, d), VG_ERR_RANGE);
    assert_int_equal(vg_diags_get(d, 0)->line, 2);
    assert_int_equal(vg_diags_get(d, 0)->col, 10);
    assert_int_equal(run_one(c, alice_cases, VG_RISK_USER).n, 1);
    vg_diags_free(d);
    vg_risk_config_free(c);
}

/* Windows longer than 1000 years are refused instead of overflowing. */
static void test_window_limit(void **state)
{
    (void)state;
    vg_risk_config *c;
    assert_int_equal(vg_risk_config_new(&c), 0);
    vg_diags *d = vg_diags_new();
    const char *p = write_tmp("long.yml", "incident_rules:\n  - id: x\n    title: t\n"
                                          "    window: 9999999999y\n    when: {events: {gt: 1}}\n");
    assert_int_equal(vg_risk_config_load_rules(c, p, d), VG_ERR_RANGE);
    assert_int_equal(vg_diags_get(d, 0)->line, 4);
    assert_int_equal(vg_risk_config_rule_count(c), 2);
    p = write_tmp("ok.yml", "incident_rules:\n  - id: x\n    title: t\n"
                            "    window: 1000y\n    when: {events: {gt: 1}}\n");
    assert_int_equal(vg_risk_config_load_rules(c, p, d), 0);
    vg_diags_free(d);
    vg_risk_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_equals_batch_in_any_order),
        cmocka_unit_test(test_many_late_events_for_one_object),
        cmocka_unit_test(test_raised_at_once),
        cmocka_unit_test(test_normalised_objects),
        cmocka_unit_test(test_window_limit),
    };
    if (risk_tmpdir_make("vg-risk-stream"))
        return 1;
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    return risk_tmpdir_remove() ? 1 : rc;
}

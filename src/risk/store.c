/*
 * store.c (risk) - the risk index, correlation matches and notables in the SQLite store.
 *
 * The tables are created by the store's schema version 2 (src/store/store.c; docs/risk.md
 * lists them). Scoring is incremental: risk_state remembers the last match id turned into risk
 * events, so `vigil scan --db F` followed by `vigil risk --db F` scores only what the new scans
 * added, and risk events are appended, never rewritten (retention alone deletes, by event
 * time). Correlations are evaluated over every stored match each time, because a new alert can
 * complete a window opened by an old one; a correlation match is recorded once (unique on
 * rule, group and window start) and is scored as an alert of the correlation rule, with the
 * event of its last contributing alert. Notables are a view of the risk index: each run
 * recomputes them and the store keeps, per notable id, when it was first raised.
 *
 * `vigil scan --risk` uses the same pieces inside its scan's transaction: each match is scored
 * right after it is stored by reading it back (vg_store_risk_score_last: the same row, rule
 * facts and reference as a later vigil risk would use, so the risk events are identical), then
 * correlations and retention (vg_store_risk_correlate, _retain) after the scan; notables are
 * recorded in a savepoint, which nests in the scan's transaction or stands alone.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "risk.h"

static int db_fail(vg_store *st, const char *what)
{
    vg__diag_add(vg__store_diags(st), VG_ERR_IO, VG_SEV_ERROR, vg__store_path(st), 0, 0, 0, NULL,
                 "%s: %s", what, sqlite3_errmsg(vg__store_sqlite(st)));
    return VG_ERR_IO;
}

static int db_exec(vg_store *st, const char *sql)
{
    return sqlite3_exec(vg__store_sqlite(st), sql, NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : db_fail(st, "database");
}

static const char *col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

static void now_iso(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

typedef struct upd {
    vg_store *st;
    sqlite3_stmt *ins;
    int64_t match_id, corr_id;
    size_t added;
    char now[32];
    vg_risk_event_fn fn; /* also hand every risk event stored to fn (may be NULL) */
    void *ud;
} upd;

static int insert_risk(const vg_risk_event *re, void *ud)
{
    upd *u = ud;
    sqlite3_stmt *s = u->ins;
    sqlite3_reset(s);
    if (u->match_id)
        sqlite3_bind_int64(s, 1, u->match_id);
    else
        sqlite3_bind_null(s, 1);
    if (u->corr_id)
        sqlite3_bind_int64(s, 2, u->corr_id);
    else
        sqlite3_bind_null(s, 2);
    sqlite3_bind_text(s, 3, re->time, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, re->time_ms);
    sqlite3_bind_text(s, 5, re->object, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, vg_risk_object_type_name(re->object_type), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, re->rule_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, re->rule_title, -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 9, re->base_score);
    sqlite3_bind_double(s, 10, re->score);
    sqlite3_bind_text(s, 11, re->arithmetic, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 12, re->tactics, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 13, re->techniques, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 14, re->threats, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 15, re->ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 16, u->now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        return db_fail(u->st, "storing a risk event");
    u->added++;
    return u->fn ? u->fn(re, u->ud) : 0;
}

static int prepare_insert(upd *u)
{
    if (sqlite3_prepare_v2(
            vg__store_sqlite(u->st),
            "INSERT INTO risk_events(match_id, correlation_id, time, time_ms, object,"
            " object_type, rule_id, rule_title, base_score, score, arithmetic,"
            " tactics, techniques, threats, ref, added)"
            " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            -1, &u->ins, NULL) != SQLITE_OK)
        return db_fail(u->st, "preparing");
    return 0;
}

static vg_level parse_level(const char *s)
{
    for (int l = VG_LEVEL_INFORMATIONAL; l <= VG_LEVEL_CRITICAL; l++)
        if (strcmp(s, vg_level_name((vg_level)l)) == 0)
            return (vg_level)l;
    return VG_LEVEL_NONE;
}

/* Score one alert whose rule facts come from the store's rules table. */
static int score_row(const vg_risk_config *c, upd *u, const char *rule_id, const char *title,
                     const char *level, const char *tags, const char *tactics,
                     const char *techniques, const char *time, const vg_event *ev, const char *ref)
{
    char tagbuf[2048];
    const char *tagv[64];
    size_t nt = 0;
    snprintf(tagbuf, sizeof tagbuf, "%s", tags);
    for (char *p = tagbuf; *p && nt < 64;) {
        tagv[nt++] = p;
        char *e = strchr(p, ',');
        if (!e)
            break;
        *e = 0;
        p = e + 1;
    }
    vg_alert a = {rule_id,    title, parse_level(level),  tagv, nt, tactics,
                  techniques, ev,    *time ? time : NULL, ref};
    int rc = vg_risk_score_alert(c, &a, insert_risk, u);
    return rc < 0 ? rc : 0;
}

static int get_state(vg_store *st, const char *key, int64_t *v)
{
    sqlite3_stmt *s;
    *v = 0;
    if (sqlite3_prepare_v2(vg__store_sqlite(st), "SELECT value FROM risk_state WHERE key = ?", -1,
                           &s, NULL) != SQLITE_OK)
        return db_fail(st, "reading the risk state");
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        *v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return 0;
}

static int set_state(vg_store *st, const char *key, int64_t v)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(vg__store_sqlite(st),
                           "INSERT OR REPLACE INTO risk_state(key, value) VALUES(?, ?)", -1, &s,
                           NULL) != SQLITE_OK)
        return db_fail(st, "writing the risk state");
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, v);
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "writing the risk state");
    sqlite3_finalize(s);
    return rc;
}

static const char match_sql[] =
    "SELECT m.id, m.rule_id, m.time, m.event, r.title, m.level, r.tags, m.tactics, m.techniques,"
    " m.file, m.line FROM matches m LEFT JOIN rules r ON r.id = m.rule_id";

static void match_ref(sqlite3_stmt *s, char *buf, size_t cap)
{
    if (*col(s, 9))
        snprintf(buf, cap, "%s:%lld", col(s, 9), (long long)sqlite3_column_int64(s, 10));
    else
        snprintf(buf, cap, "match %lld", (long long)sqlite3_column_int64(s, 0));
}

/* Feed every stored match to the correlator. */
static int feed_correlator(vg_store *st, vg_correlator *co, const vg_ruleset *rs, vg_event *ev)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(vg__store_sqlite(st),
                           "SELECT id, rule_id, event FROM matches ORDER BY id", -1, &s,
                           NULL) != SQLITE_OK)
        return db_fail(st, "reading matches");
    int rc = 0, step;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const vg_rule *r = vg_ruleset_find(rs, col(s, 1));
        const char *js = col(s, 2);
        if (!r || !*js || vg_event_from_json(ev, js, strlen(js), VG_JSON_AUTO, NULL, NULL, 0))
            continue;
        rc = vg_correlator_add(co, r, ev, sqlite3_column_int64(s, 0));
    }
    sqlite3_finalize(s);
    return rc;
}

typedef struct cctx {
    vg_store *st;
    const vg_risk_config *cfg;
    const vg_correlator *co;
    upd *u;
    vg_event *ev;
    size_t added;
    int rc;
} cctx;

static int on_corr(const vg_corr_match *m, void *ud)
{
    cctx *x = ud;
    sqlite3 *db = vg__store_sqlite(x->st);
    sqlite3_stmt *s;
    vg__buf ids;
    vg__buf_init(&ids);
    for (size_t i = 0; i < m->n_refs; i++)
        vg__buf_printf(&ids, "%s%lld", i ? "," : "", (long long)m->refs[i]);
    vg__buf_addc(&ids, 0);
    if (sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO correlations(rule_id, grp, start_ms, end_ms, "
                           "value, match_ids, added) VALUES(?,?,?,?,?,?,?)",
                           -1, &s, NULL) != SQLITE_OK) {
        vg__buf_free(&ids);
        return x->rc = db_fail(x->st, "storing a correlation");
    }
    sqlite3_bind_text(s, 1, m->rule->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, m->group, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, m->start_ms);
    sqlite3_bind_int64(s, 4, m->end_ms);
    sqlite3_bind_double(s, 5, m->value);
    sqlite3_bind_text(s, 6, ids.ptr ? ids.ptr : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, x->u->now, -1, SQLITE_STATIC);
    int ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    vg__buf_free(&ids);
    if (!ok)
        return x->rc = db_fail(x->st, "storing a correlation");
    if (!sqlite3_changes(db))
        return 0; /* known from an earlier run */
    x->added++;
    int64_t cid = sqlite3_last_insert_rowid(db);
    if (!vg_correlator_generates(x->co, m->rule))
        return 0; /* a link of a chain whose outer correlations say generate: false */
    /* the last contributing alert's event gives the risk objects */
    if (sqlite3_prepare_v2(db, "SELECT event FROM matches WHERE id = ?", -1, &s, NULL) != SQLITE_OK)
        return x->rc = db_fail(x->st, "reading a match");
    sqlite3_bind_int64(s, 1, m->refs[m->n_refs - 1]);
    int have =
        sqlite3_step(s) == SQLITE_ROW &&
        !vg_event_from_json(x->ev, col(s, 0), strlen(col(s, 0)), VG_JSON_AUTO, NULL, NULL, 0);
    sqlite3_finalize(s);
    if (!have)
        return 0;
    char tac[1024] = "", tech[2048] = "", when[40], ref[64];
    for (size_t i = 0, k = 0; i < m->rule->n_tactics && k < sizeof tac; i++)
        k += (size_t)snprintf(tac + k, sizeof tac - k, "%s%s", i ? "," : "",
                              m->rule->tactics[i]->shortname);
    for (size_t i = 0, k = 0; i < m->rule->n_techniques && k < sizeof tech; i++)
        k += (size_t)snprintf(tech + k, sizeof tech - k, "%s%s", i ? "," : "",
                              m->rule->techniques[i]->attack_id);
    vg__risk_iso(m->end_ms, when, sizeof when);
    snprintf(ref, sizeof ref, "correlation %lld", (long long)cid);
    vg_alert a = {m->rule->id, m->rule->title, m->rule->level, m->rule->tags, m->rule->n_tags,
                  tac,         tech,           x->ev,          when,          ref};
    x->u->match_id = 0;
    x->u->corr_id = cid;
    int rc = vg_risk_score_alert(x->cfg, &a, insert_risk, x->u);
    return rc < 0 ? (x->rc = rc) : 0;
}

/* Score the match row s holds (match_sql) unless score is 0. */
static int score_match_row(sqlite3_stmt *s, const vg_risk_config *c, upd *u, vg_event *ev,
                           int score)
{
    if (!score)
        return 0;
    const char *js = col(s, 3);
    int have = *js && !vg_event_from_json(ev, js, strlen(js), VG_JSON_AUTO, NULL, NULL, 0);
    char ref[512];
    match_ref(s, ref, sizeof ref);
    u->match_id = sqlite3_column_int64(s, 0);
    u->corr_id = 0;
    return score_row(c, u, col(s, 1), col(s, 4), col(s, 5), col(s, 6), col(s, 7), col(s, 8),
                     col(s, 2), have ? ev : NULL, ref);
}

static int score_new_matches(vg_store *st, const vg_risk_config *c, vg_correlator *co,
                             const vg_ruleset *rs, upd *u, vg_event *ev, vg_risk_update *out)
{
    int64_t last;
    int rc = get_state(st, "last_match", &last);
    if (rc)
        return rc;
    sqlite3_stmt *s;
    char sql[512];
    snprintf(sql, sizeof sql, "%s WHERE m.id > ? ORDER BY m.id", match_sql);
    if (sqlite3_prepare_v2(vg__store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
        return db_fail(st, "reading matches");
    sqlite3_bind_int64(s, 1, last);
    int step;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        last = sqlite3_column_int64(s, 0);
        out->alerts++;
        const vg_rule *r = rs ? vg_ruleset_find(rs, col(s, 1)) : NULL;
        /* a rule whose correlations all say generate: false raises no risk of its own */
        rc = score_match_row(s, c, u, ev, !co || !r || vg_correlator_generates(co, r));
    }
    sqlite3_finalize(s);
    return rc ? rc : set_state(st, "last_match", last);
}

int vg_store_risk_score_last(vg_store *st, const vg_risk_config *c, int score, vg_risk_event_fn fn,
                             void *ud)
{
    sqlite3 *db = vg__store_sqlite(st);
    int64_t id = sqlite3_last_insert_rowid(db);
    upd u = {st, NULL, 0, 0, 0, "", fn, ud};
    now_iso(u.now, sizeof u.now);
    vg_event *ev = vg_event_new();
    sqlite3_stmt *s = NULL;
    char sql[512];
    snprintf(sql, sizeof sql, "%s WHERE m.id = ?", match_sql);
    int rc = !ev ? VG_ERR_NOMEM : prepare_insert(&u);
    if (!rc && sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        rc = db_fail(st, "reading a match");
    if (!rc) {
        sqlite3_bind_int64(s, 1, id);
        if (sqlite3_step(s) == SQLITE_ROW)
            rc = score_match_row(s, c, &u, ev, score);
        else
            rc = db_fail(st, "reading the match just stored");
    }
    sqlite3_finalize(s);
    sqlite3_finalize(u.ins);
    vg_event_free(ev);
    if (!rc)
        rc = set_state(st, "last_match", id);
    return rc ? rc : (int)u.added;
}

/* Evaluate the correlations of rs over every stored match; store and score the new matches. */
static int correlate(vg_store *st, const vg_risk_config *c, const vg_ruleset *rs, vg_correlator *co,
                     upd *u, vg_event *ev, size_t *added)
{
    int rc = feed_correlator(st, co, rs, ev);
    if (rc)
        return rc;
    cctx x = {st, c, co, u, ev, 0, 0};
    int n = vg_correlator_run(co, on_corr, &x);
    *added = x.added;
    return n < 0 ? n : x.rc;
}

int vg_store_risk_correlate(vg_store *st, const vg_risk_config *c, const vg_ruleset *rs,
                            vg_risk_event_fn fn, void *ud, size_t *added, vg_diags *diags)
{
    *added = 0;
    vg_correlator *co = NULL;
    int rc = vg_correlator_new(rs, &co, diags);
    if (rc || !vg_correlator_count(co)) {
        vg_correlator_free(co);
        return rc;
    }
    vg_event *ev = vg_event_new();
    upd u = {st, NULL, 0, 0, 0, "", fn, ud};
    now_iso(u.now, sizeof u.now);
    rc = !ev ? VG_ERR_NOMEM : prepare_insert(&u);
    if (!rc)
        rc = correlate(st, c, rs, co, &u, ev, added);
    sqlite3_finalize(u.ins);
    vg_event_free(ev);
    vg_correlator_free(co);
    return rc;
}

int vg_store_risk_retain(vg_store *st, const vg_risk_config *c, size_t *pruned)
{
    *pruned = 0;
    if (c->retention_days <= 0)
        return 0;
    char sql[200];
    snprintf(sql, sizeof sql,
             "DELETE FROM risk_events WHERE time_ms < "
             "(SELECT max(time_ms) FROM risk_events) - %lld",
             (long long)c->retention_days * 86400000LL);
    int rc = db_exec(st, sql);
    if (!rc)
        *pruned = (size_t)sqlite3_changes(vg__store_sqlite(st));
    return rc;
}

int vg_store_risk_update(vg_store *st, const vg_risk_config *c, const vg_ruleset *rs,
                         vg_risk_update *out, vg_diags *diags)
{
    memset(out, 0, sizeof *out);
    vg_correlator *co = NULL;
    vg_event *ev = vg_event_new();
    upd u = {st, NULL, 0, 0, 0, "", NULL, NULL};
    now_iso(u.now, sizeof u.now);
    int rc = ev ? 0 : VG_ERR_NOMEM;
    if (!rc && rs) {
        rc = vg_correlator_new(rs, &co, diags);
        if (!rc && !vg_correlator_count(co)) {
            vg_correlator_free(co);
            co = NULL;
        }
    }
    if (rc || (rc = db_exec(st, "BEGIN IMMEDIATE")))
        goto done;
    if ((rc = prepare_insert(&u)) || (rc = score_new_matches(st, c, co, rs, &u, ev, out)))
        goto rollback;
    if (co && (rc = correlate(st, c, rs, co, &u, ev, &out->correlations)))
        goto rollback;
    out->risk_events = u.added;
    if ((rc = vg_store_risk_retain(st, c, &out->pruned)))
        goto rollback;
    sqlite3_finalize(u.ins);
    u.ins = NULL;
    rc = db_exec(st, "COMMIT");
    goto done;
rollback:
    sqlite3_finalize(u.ins);
    u.ins = NULL;
    db_exec(st, "ROLLBACK");
done:
    vg_correlator_free(co);
    vg_event_free(ev);
    return rc;
}

typedef struct lctx {
    vg_risk_engine *e;
    const vg_risk_config *c;
    int filter;
    char key[3][512]; /* the object asked for, normalised as a system, a user, other */
} lctx;

static int load_one(const vg_risk_event *re, void *ud)
{
    lctx *x = ud;
    if (x->filter) {
        char k[512];
        vg__risk_normalize(x->c, re->object_type, re->object, k, sizeof k);
        if (strcmp(k, x->key[re->object_type]) != 0)
            return 0;
    }
    return vg_risk_engine_add(x->e, re, 0);
}

/* Stored risk events in id order (only objects holding one of like[3], when given). */
static int each_risk_event(vg_store *st, char (*like)[512], vg_risk_event_fn fn, void *ud)
{
    sqlite3_stmt *s;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id, time, time_ms, object, object_type, rule_id, rule_title, base_score,"
             " score, arithmetic, tactics, techniques, threats, ref FROM risk_events%s ORDER BY id",
             like ? " WHERE object LIKE '%' || ?1 || '%' OR object LIKE '%' || ?2 || '%'"
                    " OR object LIKE '%' || ?3 || '%'"
                  : "");
    if (sqlite3_prepare_v2(vg__store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
        return db_fail(st, "reading risk events");
    for (int k = 0; like && k < 3; k++)
        sqlite3_bind_text(s, k + 1, like[k], -1, SQLITE_STATIC);
    int rc = 0;
    while (!rc && sqlite3_step(s) == SQLITE_ROW) {
        const char *ot = col(s, 4);
        vg_risk_event re = {sqlite3_column_int64(s, 0),
                            sqlite3_column_int64(s, 2),
                            col(s, 1),
                            col(s, 3),
                            strcmp(ot, "system") == 0 ? VG_RISK_SYSTEM
                            : strcmp(ot, "user") == 0 ? VG_RISK_USER
                                                      : VG_RISK_OTHER,
                            col(s, 5),
                            col(s, 6),
                            col(s, 10),
                            col(s, 11),
                            col(s, 12),
                            col(s, 13),
                            sqlite3_column_double(s, 7),
                            sqlite3_column_double(s, 8),
                            col(s, 9)};
        rc = fn(&re, ud);
    }
    sqlite3_finalize(s);
    return rc;
}

int vg_store_risk_each(vg_store *st, vg_risk_event_fn fn, void *ud)
{
    return each_risk_event(st, NULL, fn, ud);
}

int vg_store_risk_load(vg_store *st, vg_risk_engine *e, const char *object)
{
    lctx x = {e, e->cfg, object != NULL, {"", "", ""}};
    if (!object)
        return each_risk_event(st, NULL, load_one, &x);
    static const vg_risk_object_type types[] = {VG_RISK_SYSTEM, VG_RISK_USER, VG_RISK_OTHER};
    for (int k = 0; k < 3; k++)
        vg__risk_normalize(e->cfg, types[k], object, x.key[types[k]], sizeof x.key[0]);
    return each_risk_event(st, x.key, load_one, &x);
}

/* A savepoint, so that notables can be recorded in a scan's transaction as well as alone. */
int vg_store_notables_begin(vg_store *st)
{
    int rc = db_exec(st, "SAVEPOINT vg_notables");
    if (!rc && (rc = db_exec(st, "UPDATE notables SET seen = 0")))
        db_exec(st, "ROLLBACK TO vg_notables; RELEASE vg_notables");
    return rc;
}

int vg_store_notable_put(vg_store *st, const vg_notable *n, int *is_new)
{
    sqlite3 *db = vg__store_sqlite(st);
    char *text = NULL, *json = NULL, now[32], t1[40], t2[40];
    int rc = vg_notable_format(n, 0, 100, &text);
    if (!rc)
        rc = vg_notable_format(n, 1, 100, &json);
    sqlite3_stmt *s = NULL;
    if (rc)
        goto done;
    now_iso(now, sizeof now);
    vg__risk_iso(n->window_start_ms, t1, sizeof t1);
    vg__risk_iso(n->window_end_ms, t2, sizeof t2);
    *is_new = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM notables WHERE id = ?", -1, &s, NULL) != SQLITE_OK) {
        rc = db_fail(st, "reading notables");
        goto done;
    }
    sqlite3_bind_text(s, 1, n->id, -1, SQLITE_STATIC);
    *is_new = sqlite3_step(s) != SQLITE_ROW;
    sqlite3_finalize(s);
    s = NULL;
    if (sqlite3_prepare_v2(
            db,
            "INSERT INTO notables(id, raised, incident_rule, title, severity, object,"
            " object_type, window_start, window_end, score, rules, tactics,"
            " techniques, events, text, json, seen)"
            " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)"
            " ON CONFLICT(id) DO UPDATE SET title = excluded.title,"
            " severity = excluded.severity, window_end = excluded.window_end,"
            " score = excluded.score, rules = excluded.rules,"
            " tactics = excluded.tactics, techniques = excluded.techniques,"
            " events = excluded.events, text = excluded.text,"
            " json = excluded.json, seen = 1",
            -1, &s, NULL) != SQLITE_OK) {
        rc = db_fail(st, "storing a notable");
        goto done;
    }
    sqlite3_bind_text(s, 1, n->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, n->incident_rule, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, n->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, n->severity, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, n->object, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, vg_risk_object_type_name(n->object_type), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, t1, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, t2, -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 10, n->score);
    sqlite3_bind_int64(s, 11, (int64_t)n->n_rules);
    sqlite3_bind_int64(s, 12, (int64_t)n->n_tactics);
    sqlite3_bind_int64(s, 13, (int64_t)n->n_techniques);
    sqlite3_bind_int64(s, 14, (int64_t)n->n_events);
    sqlite3_bind_text(s, 15, text, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 16, json, -1, SQLITE_STATIC);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "storing a notable");
done:
    sqlite3_finalize(s);
    free(text);
    free(json);
    return rc;
}

int vg_store_notables_end(vg_store *st)
{
    int rc = db_exec(st, "DELETE FROM notables WHERE seen = 0");
    if (rc)
        db_exec(st, "ROLLBACK TO vg_notables");
    int rc2 = db_exec(st, "RELEASE vg_notables");
    return rc ? rc : rc2;
}

int vg_store_notables(vg_store *st, const char *id, int (*fn)(const vg_store_notable *n, void *ud),
                      void *ud)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(vg__store_sqlite(st),
                           "SELECT id, raised, incident_rule, title, severity, object, object_type,"
                           " window_start, window_end, score, rules, tactics, techniques, events,"
                           " text, json FROM notables WHERE ? IS NULL OR id LIKE ? || '%'"
                           " ORDER BY window_start DESC, id",
                           -1, &s, NULL) != SQLITE_OK)
        return db_fail(st, "reading notables");
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
    int rc = 0, n = 0;
    while (!rc && sqlite3_step(s) == SQLITE_ROW) {
        vg_store_notable x = {col(s, 0),
                              col(s, 1),
                              col(s, 2),
                              col(s, 3),
                              col(s, 4),
                              col(s, 5),
                              col(s, 6),
                              col(s, 7),
                              col(s, 8),
                              sqlite3_column_double(s, 9),
                              sqlite3_column_int64(s, 10),
                              sqlite3_column_int64(s, 11),
                              sqlite3_column_int64(s, 12),
                              sqlite3_column_int64(s, 13),
                              col(s, 14),
                              col(s, 15)};
        rc = fn(&x, ud);
        n++;
    }
    sqlite3_finalize(s);
    return rc ? rc : n;
}

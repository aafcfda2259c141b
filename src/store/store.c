/*
 * store.c - scan results in SQLite, the default store of vigil.
 *
 * One database holds every scan appended to it: the scan itself (when, how, totals), the
 * rules that matched (upserted by id), every match with its event as JSON, and the data
 * inventory of the scan (sources, hosts, counts, time ranges, field fill rates). The schema
 * version lives in PRAGMA user_version; opening an older database migrates it, a newer one is
 * refused. A scan is one transaction: readers never see half a scan. docs/store.md documents
 * the tables for the coverage and risk commands and for users' own queries. The inventory is
 * read back (vg_store_load_inventory) as the observed data of `vigil coverage --db`.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/base.h"
#include "../coverage/inventory.h"

struct vg_store {
    sqlite3 *db;
    sqlite3_stmt *ins_match, *ins_rule, *ins_inv, *ins_field;
    char *path;
    vg_diags *diags;
};

static const char schema_v1[] =
    "CREATE TABLE IF NOT EXISTS scans("
    "  id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT,"
    "  command TEXT, vigil_version TEXT, files INTEGER, events INTEGER, matches INTEGER);"
    "CREATE TABLE IF NOT EXISTS rules("
    "  id TEXT PRIMARY KEY, title TEXT, level TEXT, status TEXT, product TEXT, category TEXT,"
    "  service TEXT, tags TEXT, tactics TEXT, techniques TEXT, file TEXT);"
    "CREATE TABLE IF NOT EXISTS matches("
    "  id INTEGER PRIMARY KEY, scan_id INTEGER NOT NULL REFERENCES scans(id),"
    "  time TEXT, computer TEXT, channel TEXT, event_id TEXT, record_id INTEGER,"
    "  rule_id TEXT NOT NULL, level TEXT, tactics TEXT, techniques TEXT,"
    "  file TEXT, line INTEGER, offset INTEGER, event TEXT);"
    "CREATE INDEX IF NOT EXISTS matches_time ON matches(time);"
    "CREATE INDEX IF NOT EXISTS matches_computer ON matches(computer, time);"
    "CREATE INDEX IF NOT EXISTS matches_rule ON matches(rule_id);"
    "CREATE TABLE IF NOT EXISTS inventory("
    "  scan_id INTEGER NOT NULL REFERENCES scans(id), computer TEXT, channel TEXT,"
    "  event_id TEXT, events INTEGER, first TEXT, last TEXT);"
    "CREATE INDEX IF NOT EXISTS inventory_source ON inventory(channel, event_id);"
    "CREATE TABLE IF NOT EXISTS inventory_fields("
    "  scan_id INTEGER NOT NULL REFERENCES scans(id), channel TEXT, event_id TEXT,"
    "  field TEXT, events INTEGER);"
    "PRAGMA user_version = 1;";

/* Version 2 adds the risk index (src/risk/store.c reads and writes it; docs/risk.md): the v1
 * tables are untouched, so migrating a v1 database is creating these. */
static const char schema_v2[] =
    "CREATE TABLE IF NOT EXISTS risk_events("
    "  id INTEGER PRIMARY KEY, match_id INTEGER, correlation_id INTEGER, time TEXT NOT NULL,"
    "  time_ms INTEGER NOT NULL, object TEXT NOT NULL, object_type TEXT NOT NULL,"
    "  rule_id TEXT, rule_title TEXT, base_score REAL, score REAL, arithmetic TEXT,"
    "  tactics TEXT, techniques TEXT, threats TEXT, ref TEXT, added TEXT);"
    "CREATE INDEX IF NOT EXISTS risk_events_time ON risk_events(time_ms);"
    "CREATE INDEX IF NOT EXISTS risk_events_object ON risk_events(object, time_ms);"
    "CREATE TABLE IF NOT EXISTS correlations("
    "  id INTEGER PRIMARY KEY, rule_id TEXT NOT NULL, grp TEXT, start_ms INTEGER,"
    "  end_ms INTEGER, value REAL, match_ids TEXT, added TEXT,"
    "  UNIQUE(rule_id, grp, start_ms));"
    "CREATE TABLE IF NOT EXISTS notables("
    "  id TEXT PRIMARY KEY, raised TEXT, incident_rule TEXT, title TEXT, severity TEXT,"
    "  object TEXT, object_type TEXT, window_start TEXT, window_end TEXT, score REAL,"
    "  rules INTEGER, tactics INTEGER, techniques INTEGER, events INTEGER, text TEXT,"
    "  json TEXT, seen INTEGER);"
    "CREATE TABLE IF NOT EXISTS risk_state(key TEXT PRIMARY KEY, value INTEGER);"
    "PRAGMA user_version = 2;";

static int fail(vg_store *st, int code, const char *what)
{
    vg__diag_add(st->diags, code, VG_SEV_ERROR, st->path, 0, 0, 0, NULL, "%s: %s", what,
                 sqlite3_errmsg(st->db));
    return code;
}

static int exec(vg_store *st, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        vg__diag_add(st->diags, VG_ERR_IO, VG_SEV_ERROR, st->path, 0, 0, 0, NULL, "%s",
                     err ? err : "database error");
        sqlite3_free(err);
        return VG_ERR_IO;
    }
    return 0;
}

static int prepare(vg_store *st, const char *sql, sqlite3_stmt **out)
{
    return sqlite3_prepare_v2(st->db, sql, -1, out, NULL) == SQLITE_OK
               ? 0
               : fail(st, VG_ERR_IO, "preparing a statement");
}

int vg_store_open(const char *path, vg_store **out, vg_diags *diags)
{
    *out = NULL;
    vg_store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return VG_ERR_NOMEM;
    }
    st->diags = diags;
    int rc = 0;
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = fail(st, VG_ERR_IO, "cannot open the database");
        goto done;
    }
    sqlite3_busy_timeout(st->db, 5000);
    sqlite3_stmt *v;
    int version = 0;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &v, NULL) == SQLITE_OK) {
        if (sqlite3_step(v) == SQLITE_ROW)
            version = sqlite3_column_int(v, 0);
        sqlite3_finalize(v);
    } else {
        rc = fail(st, VG_ERR_IO, "not a SQLite database");
        goto done;
    }
    if (version > VG_STORE_SCHEMA_VERSION) {
        vg__diag_add(diags, VG_ERR_UNSUPPORTED, VG_SEV_ERROR, path, 0, 0, 0, NULL,
                     "written by a newer vigil (schema %d; this vigil knows %d)", version,
                     VG_STORE_SCHEMA_VERSION);
        rc = VG_ERR_UNSUPPORTED;
        goto done;
    }
    if ((rc = exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")) ||
        (rc = exec(st, schema_v1)) || (rc = exec(st, schema_v2)))
        goto done;
    if ((rc = prepare(st,
                      "INSERT INTO matches(scan_id, time, computer, channel, event_id, "
                      "record_id, rule_id, level, tactics, techniques, file, line, offset, "
                      "event) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                      &st->ins_match)) ||
        (rc = prepare(st,
                      "INSERT OR REPLACE INTO rules(id, title, level, status, product, "
                      "category, service, tags, tactics, techniques, file) "
                      "VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                      &st->ins_rule)) ||
        (rc = prepare(st,
                      "INSERT INTO inventory(scan_id, computer, channel, event_id, events, "
                      "first, last) VALUES(?,?,?,?,?,?,?)",
                      &st->ins_inv)) ||
        (rc = prepare(st,
                      "INSERT INTO inventory_fields(scan_id, channel, event_id, field, events) "
                      "VALUES(?,?,?,?,?)",
                      &st->ins_field)))
        goto done;
done:
    if (rc) {
        vg_store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}

/* For src/risk/store.c, which keeps the risk tables' SQL beside the risk engine. */
sqlite3 *vg__store_sqlite(vg_store *st);
vg_diags *vg__store_diags(vg_store *st);
const char *vg__store_path(vg_store *st);

sqlite3 *vg__store_sqlite(vg_store *st)
{
    return st->db;
}

vg_diags *vg__store_diags(vg_store *st)
{
    return st->diags;
}

const char *vg__store_path(vg_store *st)
{
    return st->path;
}

void vg_store_close(vg_store *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->ins_match);
    sqlite3_finalize(st->ins_rule);
    sqlite3_finalize(st->ins_inv);
    sqlite3_finalize(st->ins_field);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

static void now_iso(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int vg_store_scan_begin(vg_store *st, const char *command_line, int64_t *scan_id)
{
    int rc = exec(st, "BEGIN IMMEDIATE");
    if (rc)
        return rc;
    sqlite3_stmt *s;
    if ((rc = prepare(st, "INSERT INTO scans(started, command, vigil_version) VALUES(?,?,?)", &s)))
        return rc;
    char t[32];
    now_iso(t, sizeof t);
    sqlite3_bind_text(s, 1, t, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, command_line ? command_line : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, vg_version(), -1, SQLITE_STATIC);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : fail(st, VG_ERR_IO, "recording the scan");
    sqlite3_finalize(s);
    *scan_id = sqlite3_last_insert_rowid(st->db);
    return rc;
}

/* Tags / tactics / techniques joined with commas into buf. */
static const char *join_objs(const vg_attack_obj *const *o, size_t n, int ids, char *buf,
                             size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? "," : "",
                              ids ? o[i]->attack_id : o[i]->shortname);
    return buf;
}

int vg_store_add_rule(vg_store *st, const vg_rule *r)
{
    char tags[2048], tac[1024], tech[2048];
    size_t k = 0;
    tags[0] = 0;
    for (size_t i = 0; i < r->n_tags && k < sizeof tags; i++)
        k += (size_t)snprintf(tags + k, sizeof tags - k, "%s%s", i ? "," : "", r->tags[i]);
    sqlite3_stmt *s = st->ins_rule;
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, vg_level_name(r->level), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, r->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, r->product, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, r->category, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, r->service, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, tags, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 9, join_objs(r->tactics, r->n_tactics, 0, tac, sizeof tac), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 10, join_objs(r->techniques, r->n_techniques, 1, tech, sizeof tech), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 11, r->file, -1, SQLITE_STATIC);
    return sqlite3_step(s) == SQLITE_DONE ? 0 : fail(st, VG_ERR_IO, "storing a rule");
}

int vg_store_add_match(vg_store *st, const vg_store_match *m)
{
    char tac[1024], tech[2048];
    sqlite3_stmt *s = st->ins_match;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, m->scan_id);
    sqlite3_bind_text(s, 2, m->time ? m->time : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, m->computer ? m->computer : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, m->channel ? m->channel : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, m->event_id ? m->event_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, (sqlite3_int64)m->record_id);
    sqlite3_bind_text(s, 7, m->rule->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, vg_level_name(m->rule->level), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, join_objs(m->rule->tactics, m->rule->n_tactics, 0, tac, sizeof tac), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 10,
                      join_objs(m->rule->techniques, m->rule->n_techniques, 1, tech, sizeof tech),
                      -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 11, m->file ? m->file : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 12, (sqlite3_int64)m->line);
    sqlite3_bind_int64(s, 13, (sqlite3_int64)m->offset);
    if (m->event_json)
        sqlite3_bind_text(s, 14, m->event_json, (int)m->event_json_len, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 14);
    return sqlite3_step(s) == SQLITE_DONE ? 0 : fail(st, VG_ERR_IO, "storing a match");
}

int vg_store_add_inventory(vg_store *st, int64_t scan_id, vg_inventory *inv)
{
    for (size_t i = 0; i < vg_inventory_count(inv); i++) {
        vg_inventory_source src;
        if (vg_inventory_source_get(inv, i, &src))
            return VG_ERR_NOMEM;
        for (size_t h = 0; h < src.n_hosts; h++) {
            sqlite3_stmt *s = st->ins_inv;
            sqlite3_reset(s);
            sqlite3_bind_int64(s, 1, scan_id);
            sqlite3_bind_text(s, 2, src.hosts[h], -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 3, src.channel, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 4, src.event_id, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 5, (sqlite3_int64)src.host_events[h]);
            sqlite3_bind_text(s, 6, src.first, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 7, src.last, -1, SQLITE_STATIC);
            if (sqlite3_step(s) != SQLITE_DONE)
                return fail(st, VG_ERR_IO, "storing the inventory");
        }
        for (size_t f = 0; f < src.n_fields; f++) {
            sqlite3_stmt *s = st->ins_field;
            sqlite3_reset(s);
            sqlite3_bind_int64(s, 1, scan_id);
            sqlite3_bind_text(s, 2, src.channel, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 3, src.event_id, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 4, src.fields[f], -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 5, (sqlite3_int64)src.field_events[f]);
            if (sqlite3_step(s) != SQLITE_DONE)
                return fail(st, VG_ERR_IO, "storing the inventory");
        }
    }
    return 0;
}

static const char *text(sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    return t ? (const char *)t : "";
}

static uint64_t count(sqlite3_stmt *s, int col)
{
    sqlite3_int64 v = sqlite3_column_int64(s, col);
    return v > 0 ? (uint64_t)v : 0;
}

int vg_store_load_inventory(vg_store *st, int64_t scan_id, vg_inventory *inv, size_t *scans)
{
    static const char *const sql[] = {
        "SELECT count(*) FROM scans WHERE finished IS NOT NULL AND (?1 = 0 OR id = ?1)",
        "SELECT computer, channel, event_id, events, first, last FROM inventory"
        " WHERE ?1 = 0 OR scan_id = ?1 ORDER BY rowid",
        "SELECT channel, event_id, field, events FROM inventory_fields"
        " WHERE ?1 = 0 OR scan_id = ?1 ORDER BY rowid"};
    *scans = 0;
    for (size_t q = 0; q < VG_ARRAY_LEN(sql); q++) {
        sqlite3_stmt *s;
        int rc = prepare(st, sql[q], &s), step = SQLITE_DONE;
        if (rc)
            return rc;
        sqlite3_bind_int64(s, 1, scan_id);
        while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
            if (q == 0)
                *scans = (size_t)count(s, 0);
            else if (q == 1)
                rc = vg__inventory_add_host(inv, text(s, 1), text(s, 2), text(s, 0), count(s, 3),
                                            text(s, 4), text(s, 5));
            else
                rc = vg__inventory_add_field(inv, text(s, 0), text(s, 1), text(s, 2), count(s, 3));
        }
        if (!rc && step != SQLITE_DONE)
            rc = fail(st, VG_ERR_IO, "reading the inventory");
        sqlite3_finalize(s);
        if (rc)
            return rc;
    }
    return 0;
}

int vg_store_scan_end(vg_store *st, int64_t scan_id, uint64_t files, uint64_t events,
                      uint64_t matches)
{
    sqlite3_stmt *s;
    int rc = prepare(st,
                     "UPDATE scans SET finished = ?, files = ?, events = ?, matches = ? "
                     "WHERE id = ?",
                     &s);
    if (rc)
        return rc;
    char t[32];
    now_iso(t, sizeof t);
    sqlite3_bind_text(s, 1, t, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)files);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)events);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)matches);
    sqlite3_bind_int64(s, 5, scan_id);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : fail(st, VG_ERR_IO, "finishing the scan");
    sqlite3_finalize(s);
    return rc ? rc : exec(st, "COMMIT");
}

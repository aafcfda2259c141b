/*
 * scan_risk.c - `vigil scan --risk`: risk-based alerting while the scan runs.
 *
 * Every match goes through the store (the --db file, or a private in-memory database without
 * --db): scan_add_row stores it, and scan_risk_match, under the scan's lock, has the store
 * score it exactly as `vigil risk` would later (vg_store_risk_score_last) and pushes its risk
 * events into an incremental engine (vg_risk_engine_push), which raises a notable the moment
 * an object's window crosses an incident rule; those are printed on standard error as they
 * come (and withdrawn ones, when a late event from another file or thread moves a window).
 * Workers deliver matches in whatever order they finish; the engine's answer does not depend
 * on it.
 *
 * Before the scan, matches an earlier `vigil scan --db` left unscored are scored and the
 * stored risk index is loaded into the engine, so windows run across scans. After it, the
 * Sigma correlations of the ruleset are evaluated over every stored match (their matches are
 * alerts too), retention is applied, and the engine's final notables are recorded in the
 * store inside the scan's transaction: the same notables, with the same ids, that
 * `vigil risk --db` computes afterwards from the same database (it then reports nothing new).
 * The final list goes to standard error after the summary, and with --notables FILE to that
 * file as JSON lines (vg_notable_format).
 */
#include <stdlib.h>
#include <string.h>

#include "scan.h"

struct scan_risk {
    vg_risk_config *cfg;
    vg_risk_engine *e;
    vg_correlator *co; /* for generate: false; NULL when the ruleset has no correlation */
    vg_diags *diags;   /* the store's: lives as long as it */
    FILE *json;        /* --notables FILE */
    char *list;        /* the final notables, one line each */
    size_t list_len;
    size_t alerts, risk_events, correlations, pruned, earlier, notables, fresh;
    int failed;
};

static void risk_error(scan_state *st, const char *what, int rc)
{
    if (st->rk->failed++)
        return;
    if (st->progress)
        fputs("\r\033[K", stderr);
    cli_print_diags(st->rk->diags, stderr, 0);
    vg_diags_clear(st->rk->diags);
    fprintf(stderr, "vigil: risk: %s: %s\n", what, vg_strerror(rc));
    st->input_errors++;
}

/* ---------------------------------------------------------------- while scanning */

static int on_change(vg_notable_change what, const vg_notable *n, void *ud)
{
    scan_state *st = ud;
    if (st->opts->quiet)
        return 0;
    if (st->progress)
        fputs("\r\033[K", stderr);
    if (what == VG_NOTABLE_RAISED) {
        char t[40];
        vg_risk_format_time(n->trigger_ms, t, sizeof t);
        fprintf(stderr, "risk: notable %s [%s] %s (condition met at %s)\n", n->id, n->severity,
                n->title, t);
    } else {
        fprintf(stderr, "risk: notable %s withdrawn: late events moved the %s window of %s %s\n",
                n->id, n->incident_rule, vg_risk_object_type_name(n->object_type), n->object);
    }
    return 0;
}

static int push_live(const vg_risk_event *re, void *ud)
{
    scan_state *st = ud;
    st->rk->risk_events++;
    return vg_risk_engine_push(st->rk->e, re, 0, on_change, st);
}

static int push_quiet(const vg_risk_event *re, void *ud)
{
    return vg_risk_engine_push(ud, re, 0, NULL, NULL);
}

void scan_risk_match(scan_state *st, const vg_rule *r)
{
    scan_risk *rk = st->rk;
    if (rk->failed)
        return;
    rk->alerts++;
    int score = !rk->co || vg_correlator_generates(rk->co, r);
    int rc = vg_store_risk_score_last(st->store, rk->cfg, score, push_live, st);
    if (rc < 0)
        risk_error(st, "scoring a match", rc);
}

/* ---------------------------------------------------------------- before and after */

int scan_risk_open(scan_state *st)
{
    scan_risk *rk = calloc(1, sizeof *rk);
    if (!rk)
        return -1;
    st->rk = rk;
    rk->diags = vg_diags_new();
    rk->cfg = cli_risk_config(st->risk_config, st->incident_rules, st->assets, st->identities);
    if (!rk->cfg || !rk->diags)
        return -1;
    if (st->notables_out && !(rk->json = fopen(st->notables_out, "w"))) {
        fprintf(stderr, "vigil: %s: cannot write the notables\n", st->notables_out);
        return -1;
    }
    vg_diags *d = vg_diags_new();
    int rc = vg_correlator_new(st->rs, &rk->co, d);
    if (!rc && !vg_correlator_count(rk->co)) {
        vg_correlator_free(rk->co);
        rk->co = NULL;
    }
    if (!st->opts->quiet)
        cli_print_diags(d, stderr, 0);
    vg_diags_clear(d);
    /* the store: matches to score, and the risk index the windows run over */
    if (!rc && (rc = vg_store_open(st->db ? st->db : ":memory:", &st->store, rk->diags)))
        fprintf(stderr, "vigil: %s: cannot use the database: %s\n", st->db ? st->db : "memory",
                vg_strerror(rc));
    vg_risk_update up = {0};
    if (!rc && st->db &&
        !(rc = vg_store_risk_update(st->store, rk->cfg, rk->co ? st->rs : NULL, &up, d)))
        rk->earlier = up.alerts;
    rk->e = rc ? NULL : vg_risk_engine_new(rk->cfg);
    if (!rc && !rk->e)
        rc = VG_ERR_NOMEM;
    if (!rc)
        rc = vg_store_risk_each(st->store, push_quiet, rk->e);
    if (!rc) { /* settle what was loaded, quietly: those notables are not news */
        int n = vg_risk_engine_flush(rk->e, NULL, NULL);
        rc = n < 0 ? n : 0;
    }
    vg_diags_free(d);
    if (rc) {
        cli_print_diags(rk->diags, stderr, 0);
        fprintf(stderr, "vigil: risk: %s\n", vg_strerror(rc));
        return -1;
    }
    if (rk->earlier && !st->opts->quiet)
        fprintf(stderr, "risk: %zu earlier match%s in %s scored first\n", rk->earlier,
                rk->earlier == 1 ? "" : "es", st->db);
    return 0;
}

static int on_final(const vg_notable *n, void *ud)
{
    scan_state *st = ud;
    scan_risk *rk = st->rk;
    int is_new = 0, rc = vg_store_notable_put(st->store, n, &is_new);
    if (rc)
        return rc;
    rk->notables++;
    rk->fresh += (size_t)is_new;
    char line[1024];
    int len = snprintf(line, sizeof line, "  %.12s  %-8s  %7.2f  %s\n", n->id, n->severity,
                       n->score, n->title);
    size_t l = len < 0 ? 0 : (size_t)len < sizeof line ? (size_t)len : sizeof line - 1;
    char *grown = realloc(rk->list, rk->list_len + l + 1);
    if (!grown)
        return VG_ERR_NOMEM;
    rk->list = grown;
    memcpy(rk->list + rk->list_len, line, l + 1);
    rk->list_len += l;
    if (rk->json) {
        char *text;
        if (vg_notable_format(n, 1, 100, &text))
            return VG_ERR_NOMEM;
        fprintf(rk->json, "%s\n", text);
        free(text);
    }
    return 0;
}

void scan_risk_finish(scan_state *st)
{
    scan_risk *rk = st->rk;
    if (rk->failed)
        return;
    int rc = 0;
    vg_diags *d = vg_diags_new();
    if (rk->co)
        rc = vg_store_risk_correlate(st->store, rk->cfg, st->rs, push_live, st, &rk->correlations,
                                     d);
    vg_diags_free(d);
    if (!rc)
        rc = vg_store_risk_retain(st->store, rk->cfg, &rk->pruned);
    if (!rc && rk->pruned) { /* the engine holds events retention removed: evaluate the store */
        vg_risk_engine_free(rk->e);
        rk->e = vg_risk_engine_new(rk->cfg);
        rc = !rk->e ? VG_ERR_NOMEM : vg_store_risk_load(st->store, rk->e, NULL);
    }
    if (!rc && !(rc = vg_store_notables_begin(st->store))) {
        int n = vg_risk_engine_flush(rk->e, on_final, st);
        rc = vg_store_notables_end(st->store);
        if (n < 0)
            rc = n;
    }
    if (rc)
        risk_error(st, "evaluating the incident rules", rc);
}

void scan_risk_report(scan_state *st)
{
    scan_risk *rk = st->rk;
    if (rk->failed || st->opts->quiet)
        return;
    fprintf(stderr,
            "%srisk: %zu match%s scored into %zu risk event%s (%zu correlation match%s), "
            "%zu notable%s (%zu new)%s%s\n",
            st->no_summary ? "" : "\n", rk->alerts, rk->alerts == 1 ? "" : "es", rk->risk_events,
            rk->risk_events == 1 ? "" : "s", rk->correlations, rk->correlations == 1 ? "" : "es",
            rk->notables, rk->notables == 1 ? "" : "s", rk->fresh, rk->notables ? ":" : "",
            st->db ? "" : " (not stored: no --db)");
    if (rk->list)
        fputs(rk->list, stderr);
    if (rk->pruned)
        fprintf(stderr, "risk: retention removed %zu risk event%s\n", rk->pruned,
                rk->pruned == 1 ? "" : "s");
}

void scan_risk_free(scan_state *st)
{
    scan_risk *rk = st->rk;
    if (!rk)
        return;
    if (rk->json)
        fclose(rk->json);
    vg_risk_engine_free(rk->e);
    vg_correlator_free(rk->co);
    vg_risk_config_free(rk->cfg);
    /* the store keeps a pointer to these diagnostics: close it first */
    vg_store_close(st->store);
    st->store = NULL;
    vg_diags_free(rk->diags);
    free(rk->list);
    free(rk);
    st->rk = NULL;
}

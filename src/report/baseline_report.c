/*
 * baseline_report.c - a checked baseline (vg_baseline) as JSON.
 *
 * One object with the ATT&CK version, how data was known, the counts of requirements and
 * failures, and one result per requirement in the order the baseline writes them, each with
 * its kind, position in the baseline, pass and reason, and the figures of its kind: shares
 * (numbers in percent, e.g. 5.88) and technique counts for tactics and groups (with the
 * uncovered techniques of a group and their level), events and per-field counts for sources.
 * docs/coverage.md has the schema.
 */
#include "../base/base.h"
#include "report.h"

static void kstr(vg__buf *b, const char *k, const char *v)
{
    vg__buf_printf(b, ",\"%s\":", k);
    vg__report_str(b, v);
}

static const char *actor_kind(const vg_attack_obj *o)
{
    return o->kind == VG_ATTACK_GROUP      ? "group"
           : o->kind == VG_ATTACK_CAMPAIGN ? "campaign"
                                           : "software";
}

static void shares(vg__buf *b, const vg_baseline_item *it)
{
    char q[16], r[16];
    vg__buf_printf(b,
                   ",\"measure\":\"%s\",\"required\":%s,\"reached\":%s,\"covered\":%zu,"
                   "\"techniques\":%zu",
                   it->validated ? "validated" : "active",
                   vg_baseline_share(it->required, q, sizeof q),
                   vg_baseline_share(it->reached, r, sizeof r), it->covered, it->techniques);
}

static void source(vg__buf *b, const vg_baseline_item *it)
{
    char f[16];
    kstr(b, "channel", it->channel);
    kstr(b, "event_id", it->event_id);
    vg__buf_printf(b, ",\"min_fill\":%s,\"events\":%llu,\"channel_events\":%llu,\"declared\":%s",
                   vg_baseline_share(it->min_fill, f, sizeof f), (unsigned long long)it->events,
                   (unsigned long long)it->channel_events, it->declared ? "true" : "false");
    vg__buf_adds(b, ",\"fields\":[");
    for (size_t k = 0; k < it->n_fields; k++) {
        vg__buf_adds(b, k ? ",{\"name\":" : "{\"name\":");
        vg__report_str(b, it->fields[k].name);
        vg__buf_printf(b, ",\"events\":%llu,\"declared\":%s,\"pass\":%s}",
                       (unsigned long long)it->fields[k].events,
                       it->fields[k].declared ? "true" : "false",
                       it->fields[k].pass ? "true" : "false");
    }
    vg__buf_adds(b, "]");
}

static void item(vg__buf *b, const vg_baseline_item *it)
{
    static const char *const kinds[] = {"tactic", "source", "group"};
    vg__buf_printf(b, "{\"kind\":\"%s\",\"line\":%u,\"col\":%u", kinds[it->kind], it->line,
                   it->col);
    kstr(b, "written", it->written);
    if (it->kind == VG_BASELINE_SOURCE) {
        source(b, it);
    } else {
        kstr(b, "id", it->obj ? it->obj->attack_id : "all");
        kstr(b, "name", it->obj ? it->obj->name : "all tactics");
        if (it->kind == VG_BASELINE_GROUP)
            kstr(b, "actor", actor_kind(it->obj));
        shares(b, it);
    }
    if (it->kind == VG_BASELINE_GROUP) {
        vg__buf_adds(b, ",\"uncovered\":[");
        for (size_t k = 0; k < it->n_uncovered; k++) {
            vg__buf_adds(b, k ? ",{\"id\":" : "{\"id\":");
            vg__report_str(b, it->uncovered[k].tech->attack_id);
            kstr(b, "name", it->uncovered[k].tech->name);
            kstr(b, "level", vg_gap_level_name(it->uncovered[k].level));
            vg__buf_adds(b, "}");
        }
        vg__buf_adds(b, "]");
    }
    vg__buf_printf(b, ",\"pass\":%s", it->pass ? "true" : "false");
    kstr(b, "reason", it->reason);
    vg__buf_adds(b, "}");
}

int vg_report_baseline_json(const vg_baseline *bl, const vg_coverage *c, char **out, size_t *len)
{
    static const char *const modes[] = {"assumed", "observed", "declared"};
    vg__buf b;
    vg__buf_init(&b);
    const vg_baseline_item *it;
    size_t n = vg_baseline_items(bl, &it), failed = 0;
    for (size_t i = 0; i < n; i++)
        failed += !it[i].pass;
    vg__buf_adds(&b, "{\"vigil_baseline\":1");
    kstr(&b, "name", vg_baseline_name(bl));
    kstr(&b, "attack", vg_attack_version(vg_coverage_kb(c)));
    kstr(&b, "data", modes[vg_coverage_data_mode(c)]);
    vg__buf_printf(&b, ",\"requirements\":%zu,\"failed\":%zu,\"pass\":%s,\"results\":[", n, failed,
                   failed ? "false" : "true");
    for (size_t i = 0; i < n; i++) {
        vg__buf_adds(&b, i ? ",\n" : "\n");
        item(&b, &it[i]);
    }
    vg__buf_adds(&b, "\n],\"attribution\":");
    vg__report_str(&b, vg_attack_notice());
    vg__buf_adds(&b, "}\n");
    return vg__report_take(&b, out, len);
}

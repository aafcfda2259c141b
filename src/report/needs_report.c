/*
 * needs_report.c - data needs (vg_needs) as markdown for IT operations, and needs and the
 * greedy ranking of sources (vg_needs_next) as JSON.
 *
 * The markdown is short on purpose: a table of what to enable (each source that would make a
 * rule active, with how to turn it on, on which hosts, and what it unlocks), then why (per
 * technique that gains: the actors using it, what ATT&CK's analytics read, the rules that
 * become active), the techniques no rule of ours covers yet, and the sources ATT&CK names that
 * no rule reads. The JSON carries everything the library computed (docs/coverage.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "report.h"

#define MAX_LISTED 60 /* technique IDs listed in one markdown line before "and N more" */

static const char *kind_name(const vg_attack_obj *o)
{
    return o->kind == VG_ATTACK_GROUP      ? "group"
           : o->kind == VG_ATTACK_CAMPAIGN ? "campaign"
                                           : "software";
}

static const char *data_name(const vg_coverage *c)
{
    static const char *const names[] = {"assumed", "observed", "declared"};
    vg_cov_data_mode m = vg_coverage_data_mode(c);
    return (unsigned)m < VG_ARRAY_LEN(names) ? names[m] : "?";
}

static void json_head(vg__buf *b, const vg_needs *n, const char *what)
{
    const vg_coverage *c = vg_needs_coverage(n);
    vg__buf_printf(b, "{\"%s\":1,\"attack\":", what);
    vg__report_str(b, vg_attack_version(vg_coverage_kb(c)));
    vg__buf_printf(b, ",\"data\":\"%s\",\"actors\":[", data_name(c));
    const vg_attack_obj *const *act;
    size_t na = vg_needs_actors(n, &act);
    for (size_t i = 0; i < na; i++) {
        vg__buf_adds(b, i ? ",{\"id\":" : "{\"id\":");
        vg__report_str(b, act[i]->attack_id);
        vg__buf_adds(b, ",\"name\":");
        vg__report_str(b, act[i]->name);
        vg__buf_printf(b, ",\"kind\":\"%s\"}", kind_name(act[i]));
    }
    vg__buf_adds(b, "]");
}

static int json_tail(vg__buf *b, char **out, size_t *len)
{
    vg__buf_adds(b, ",\"attribution\":");
    vg__report_str(b, vg_attack_notice());
    vg__buf_adds(b, "}\n");
    return vg__report_take(b, out, len);
}

static void ids(vg__buf *b, const vg_attack_obj *const *o, size_t n)
{
    vg__buf_addc(b, '[');
    for (size_t i = 0; i < n; i++) {
        vg__buf_adds(b, i ? "," : "");
        vg__report_str(b, o[i]->attack_id);
    }
    vg__buf_addc(b, ']');
}

static void keys(vg__buf *b, const vg_need_source *const *s, size_t n)
{
    vg__buf_addc(b, '[');
    for (size_t i = 0; i < n; i++) {
        vg__buf_adds(b, i ? "," : "");
        vg__report_str(b, s[i]->key);
    }
    vg__buf_addc(b, ']');
}

/* A source's own fields (no braces). */
static void source_fields(vg__buf *b, const vg_need_source *s)
{
    vg__buf_adds(b, "\"key\":");
    vg__report_str(b, s->key);
    vg__buf_adds(b, ",\"channel\":");
    vg__report_str(b, s->channel);
    vg__buf_adds(b, ",\"event_id\":");
    vg__report_str(b, s->event_id);
    vg__buf_printf(b,
                   ",\"presence\":\"%s\",\"missing_fields\":", vg_need_presence_name(s->presence));
    vg__report_str(b, s->missing_fields);
    vg__buf_adds(b, ",\"field_notes\":");
    vg__report_str(b, s->field_notes);
    const char *const names[] = {"provider", "what", "enable", "hosts"};
    const char *const vals[] = {s->facts.provider, s->facts.what, s->facts.enable, s->facts.hosts};
    for (size_t i = 0; i < 4; i++) {
        vg__buf_printf(b, ",\"%s\":", names[i]);
        vg__report_str(b, vals[i]);
    }
    vg__buf_adds(b, ",\"logsources\":[");
    for (size_t i = 0; i < s->n_logsources; i++) {
        vg__buf_adds(b, i ? "," : "");
        vg__report_str(b, s->logsources[i]);
    }
    vg__buf_printf(b, "],\"named_by_attack\":%s,\"feeds_rules\":%zu",
                   s->named_by_attack ? "true" : "false", s->n_rules);
}

static void json_tech(vg__buf *b, const vg_need_tech *t)
{
    vg__buf_adds(b, "{\"id\":");
    vg__report_str(b, t->tech->attack_id);
    vg__buf_adds(b, ",\"name\":");
    vg__report_str(b, t->tech->name);
    vg__buf_printf(b, ",\"now\":\"%s\",\"after\":\"%s\",\"used_by\":", vg_gap_level_name(t->now),
                   vg_gap_level_name(t->after));
    ids(b, t->users, t->n_users);
    vg__buf_adds(b, ",\"components\":[");
    for (size_t i = 0; i < t->n_components; i++) {
        vg__buf_adds(b, i ? ",{\"id\":" : "{\"id\":");
        vg__report_str(b, t->components[i]->attack_id);
        vg__buf_adds(b, ",\"name\":");
        vg__report_str(b, t->components[i]->name);
        vg__buf_addc(b, '}');
    }
    vg__buf_adds(b, "],\"attack_sources\":[");
    for (size_t i = 0; i < t->n_attack; i++) {
        const vg_need_attack_src *a = &t->attack[i];
        vg__buf_adds(b, i ? ",{\"strategy\":" : "{\"strategy\":");
        vg__report_str(b, a->strategy->attack_id);
        vg__buf_adds(b, ",\"analytic\":");
        vg__report_str(b, a->analytic->attack_id);
        vg__buf_adds(b, ",\"component\":");
        if (a->component)
            vg__report_str(b, a->component->attack_id);
        else
            vg__buf_adds(b, "null");
        vg__buf_adds(b, ",\"name\":");
        vg__report_str(b, a->name);
        vg__buf_adds(b, ",\"channel\":");
        vg__report_str(b, a->channel);
        vg__buf_adds(b, ",\"sources\":");
        keys(b, a->sources, a->n_sources);
        vg__buf_addc(b, '}');
    }
    vg__buf_adds(b, "],\"sources\":");
    keys(b, t->sources, t->n_sources);
    vg__buf_adds(b, ",\"rules\":[");
    for (size_t i = 0; i < t->n_rules; i++) {
        const vg_need_rule *r = &t->rules[i];
        vg__buf_adds(b, i ? ",\n {\"id\":" : "\n {\"id\":");
        vg__report_str(b, r->rule->rule->id);
        vg__buf_adds(b, ",\"title\":");
        vg__report_str(b, r->rule->rule->title);
        vg__buf_printf(b, ",\"deployed\":%s,\"now\":\"%s\",\"after\":\"%s\",\"fed_by\":",
                       r->rule->deployed ? "true" : "false", vg_cov_status_name(r->now),
                       vg_cov_status_name(r->after));
        keys(b, r->fed_by, r->n_fed_by);
        vg__buf_addc(b, '}');
    }
    vg__buf_adds(b, "]}");
}

int vg_report_needs_json(const vg_needs *n, char **out, size_t *len)
{
    vg__buf b;
    vg__buf_init(&b);
    json_head(&b, n, "vigil_needs");
    const vg_need_tech *t;
    size_t nt = vg_needs_techniques(n, &t);
    vg__buf_adds(&b, ",\"techniques\":[");
    for (size_t i = 0; i < nt; i++) {
        vg__buf_adds(&b, i ? ",\n" : "\n");
        json_tech(&b, &t[i]);
    }
    const vg_need_source *const *s;
    size_t ns = vg_needs_sources(n, &s);
    vg__buf_adds(&b, "\n],\"sources\":[");
    for (size_t i = 0; i < ns; i++) {
        vg__buf_adds(&b, i ? ",\n{" : "\n{");
        source_fields(&b, s[i]);
        vg__buf_adds(&b, ",\"unlocks\":{\"techniques\":");
        ids(&b, s[i]->unlock_techs, s[i]->n_unlock_techs);
        vg__buf_printf(&b, ",\"rules\":%zu}}", s[i]->unlock_rules);
    }
    vg__buf_adds(&b, "\n]");
    return json_tail(&b, out, len);
}

int vg_report_next_json(const vg_needs *n, const vg_next_step *steps, size_t count, char **out,
                        size_t *len)
{
    vg__buf b;
    vg__buf_init(&b);
    json_head(&b, n, "vigil_data_next");
    size_t techs, active, rules;
    unsigned long weight, active_weight;
    vg_needs_next_base(n, &techs, &weight, &active, &active_weight, &rules);
    vg__buf_printf(&b,
                   ",\"counted\":{\"techniques\":%zu,\"weight\":%lu,\"active\":%zu,"
                   "\"active_weight\":%lu,\"active_rules\":%zu},\"steps\":[",
                   techs, weight, active, active_weight, rules);
    for (size_t i = 0; i < count; i++) {
        const vg_next_step *st = &steps[i];
        vg__buf_printf(&b, "%s\n{\"rank\":%zu,\"source\":{", i ? "," : "", i + 1);
        source_fields(&b, st->source);
        vg__buf_printf(&b,
                       "},\"gain\":{\"techniques\":%zu,\"weight\":%lu,\"rules\":%zu},"
                       "\"cumulative\":{\"techniques\":%zu,\"weight\":%lu,\"rules\":%zu},"
                       "\"techniques\":",
                       st->techniques, st->weight, st->rules, st->cum_techniques, st->cum_weight,
                       st->cum_rules);
        ids(&b, st->gained, st->n_gained);
        vg__buf_addc(&b, '}');
    }
    vg__buf_adds(&b, "\n]");
    return json_tail(&b, out, len);
}

/* ---- markdown ---- */

/* Text for a table cell: '|' escaped, line breaks as spaces. */
static void cell(vg__buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            vg__buf_adds(b, "\\|");
        else if (*s == '\n' || *s == '\r')
            vg__buf_addc(b, ' ');
        else
            vg__buf_addc(b, *s);
    }
}

static void id_list(vg__buf *b, const vg_attack_obj *const *o, size_t n)
{
    for (size_t i = 0; i < n && i < MAX_LISTED; i++)
        vg__buf_printf(b, "%s%s", i ? ", " : "", o[i]->attack_id);
    if (n > MAX_LISTED)
        vg__buf_printf(b, " and %zu more", n - MAX_LISTED);
}

static void md_intro(vg__buf *b, const vg_needs *n, const vg_need_tech *t, size_t nt)
{
    const vg_coverage *c = vg_needs_coverage(n);
    const vg_attack_obj *const *act;
    size_t na = vg_needs_actors(n, &act);
    vg__buf_adds(b, "# Log sources to onboard\n\n");
    if (na) {
        vg__buf_adds(b, "For the techniques used by ");
        for (size_t i = 0; i < na; i++)
            vg__buf_printf(b, "%s%s (%s %s)", i ? (i + 1 == na ? " and " : ", ") : "", act[i]->name,
                           kind_name(act[i]), act[i]->attack_id);
        vg__buf_printf(b, ": %zu technique%s.", nt, nt == 1 ? "" : "s");
    } else if (nt == 1) {
        vg__buf_printf(b, "For %s %s.", t[0].tech->attack_id, t[0].tech->name);
    } else {
        vg__buf_printf(b, "For %zu techniques.", nt);
    }
    size_t nr;
    const vg_cov_rule *rules;
    nr = vg_coverage_rules(c, &rules);
    vg__buf_printf(b, " Based on %s and %zu detection rule%s; ",
                   vg_attack_version(vg_coverage_kb(c)), nr, nr == 1 ? "" : "s");
    switch (vg_coverage_data_mode(c)) {
    case VG_COV_DATA_OBSERVED:
        vg__buf_adds(b, "what is present was observed in our logs.\n\n");
        break;
    case VG_COV_DATA_DECLARED:
        vg__buf_adds(b, "what is present was declared in our data inventory.\n\n");
        break;
    default:
        vg__buf_adds(b, "no logs or inventory were given, so no source is counted as "
                        "present.\n\n");
    }
}

/* The table of sources that would make a rule active. Returns the rows written. */
static size_t md_enable(vg__buf *b, const vg_need_source *const *s, size_t ns)
{
    size_t rows = 0;
    for (size_t i = 0; i < ns; i++) {
        if (s[i]->presence == VG_NEED_PRESENT || !s[i]->unlock_rules)
            continue;
        if (!rows++)
            vg__buf_adds(b, "## What to enable\n\n"
                            "| # | Source | How to turn it on | Hosts | Unlocks |\n"
                            "|---|---|---|---|---|\n");
        vg__buf_printf(b, "| %zu | ", rows);
        cell(b, s[i]->key);
        if (*s[i]->facts.what) {
            vg__buf_adds(b, ": ");
            cell(b, s[i]->facts.what);
        }
        vg__buf_adds(b, " | ");
        if (s[i]->presence == VG_NEED_PARTIAL) {
            vg__buf_adds(b, "collected, but without ");
            cell(b, s[i]->missing_fields);
            vg__buf_adds(b, *s[i]->field_notes ? ". " : " (no note on how to get them)");
            cell(b, s[i]->field_notes);
        } else {
            cell(b, *s[i]->facts.enable ? s[i]->facts.enable : "(not in the sources file)");
        }
        vg__buf_adds(b, " | ");
        cell(b, *s[i]->facts.hosts ? s[i]->facts.hosts : "hosts that write this channel");
        vg__buf_adds(b, " | ");
        if (s[i]->n_unlock_techs)
            id_list(b, s[i]->unlock_techs, s[i]->n_unlock_techs);
        else
            vg__buf_adds(b, "more rules for covered techniques");
        vg__buf_printf(b, " (%zu rule%s) |\n", s[i]->unlock_rules,
                       s[i]->unlock_rules == 1 ? "" : "s");
    }
    if (!rows)
        vg__buf_adds(b, "## What to enable\n\nNothing: no source missing from our data would "
                        "make one of our rules for these techniques active.\n");
    return rows;
}

static void md_why_one(vg__buf *b, const vg_need_tech *t, const vg_attack *kb)
{
    vg__buf_printf(b, "- **%s %s** (", t->tech->attack_id, t->tech->name);
    for (unsigned bit = 0, k = 0; bit < 64; bit++)
        if (t->tech->platforms >> bit & 1)
            vg__buf_printf(b, "%s%s", k++ ? ", " : "", vg_attack_platform_name(kb, bit));
    vg__buf_printf(b, "%s%s, %s once onboarded)", t->tech->platforms ? "; " : "",
                   vg_gap_level_name(t->now), vg_gap_level_name(t->after));
    if (t->n_users) {
        vg__buf_adds(b, ", used by ");
        for (size_t i = 0; i < t->n_users; i++)
            vg__buf_printf(b, "%s%s (%s)", i ? ", " : "", t->users[i]->name,
                           t->users[i]->attack_id);
    }
    vg__buf_adds(b, ".");
    if (t->n_components) {
        vg__buf_adds(b, " ATT&CK's analytics read ");
        for (size_t i = 0; i < t->n_components; i++)
            vg__buf_printf(b, "%s%s", i ? (i + 1 == t->n_components ? " and " : ", ") : "",
                           t->components[i]->name);
        vg__buf_adds(b, ".");
    }
    vg__buf_adds(b, " Rules that would work:");
    size_t shown = 0;
    for (size_t i = 0; i < t->n_rules; i++) {
        const vg_need_rule *r = &t->rules[i];
        if (r->now != VG_COV_NEEDS_DATA || r->after == VG_COV_NEEDS_DATA)
            continue;
        vg__buf_printf(b, "%s %s (", shown++ ? ";" : "", r->rule->rule->title);
        for (size_t j = 0; j < r->n_fed_by; j++)
            vg__buf_printf(b, "%s%s", j ? " or " : "", r->n_fed_by ? r->fed_by[j]->key : "");
        vg__buf_printf(b, ")%s", r->after == VG_COV_AVAILABLE ? " once deployed" : "");
    }
    vg__buf_adds(b, ".\n");
}

static void md_why(vg__buf *b, const vg_need_tech *t, size_t nt, const vg_attack *kb)
{
    size_t gaining = 0, active = 0;
    vg__vec none = {0};
    for (size_t i = 0; i < nt; i++) {
        if (t[i].after > t[i].now && t[i].after >= VG_GAP_AVAILABLE) {
            if (!gaining++)
                vg__buf_adds(b, "\n## Why\n\n");
            md_why_one(b, &t[i], kb);
        } else if (t[i].now >= VG_GAP_ACTIVE) {
            active++;
        } else if (t[i].after <= VG_GAP_NONE || t[i].after == VG_GAP_NEEDS_DATA) {
            const vg_attack_obj **slot = vg__vec_push(&none, sizeof *slot);
            if (slot)
                *slot = t[i].tech;
        }
    }
    if (none.len) {
        vg__buf_printf(b, "\nNo rule of ours covers %s, whatever the data: ",
                       none.len == 1 ? "this technique" : "these techniques");
        id_list(b, none.ptr, none.len);
        vg__buf_adds(b, ".\n");
    }
    if (active)
        vg__buf_printf(b, "\n%zu technique%s already %s an active rule.\n", active,
                       active == 1 ? "" : "s", active == 1 ? "has" : "have");
    vg__vec_free(&none);
}

/* Sources ATT&CK names that feed no rule of ours and are not present. */
static void md_attack_only(vg__buf *b, const vg_need_source *const *s, size_t ns)
{
    size_t shown = 0;
    for (size_t i = 0; i < ns; i++) {
        if (!s[i]->named_by_attack || s[i]->unlock_rules || s[i]->presence == VG_NEED_PRESENT)
            continue;
        if (!shown++)
            vg__buf_adds(b, "\n## Also named by ATT&CK's analytics\n\n"
                            "No rule of ours for these techniques reads them; they are what "
                            "ATT&CK's detection strategies for them look at.\n\n");
        vg__buf_printf(b, "- %s", s[i]->key);
        if (*s[i]->facts.what)
            vg__buf_printf(b, " (%s)", s[i]->facts.what);
        if (*s[i]->facts.enable)
            vg__buf_printf(b, ": %s", s[i]->facts.enable);
        vg__buf_adds(b, "\n");
    }
}

int vg_report_needs_markdown(const vg_needs *n, char **out, size_t *len)
{
    vg__buf b;
    vg__buf_init(&b);
    const vg_need_tech *t;
    size_t nt = vg_needs_techniques(n, &t);
    const vg_need_source *const *s;
    size_t ns = vg_needs_sources(n, &s);
    md_intro(&b, n, t, nt);
    md_enable(&b, s, ns);
    md_why(&b, t, nt, vg_coverage_kb(vg_needs_coverage(n)));
    md_attack_only(&b, s, ns);
    vg__buf_printf(&b, "\n_%s_\n", vg_attack_notice());
    return vg__report_take(&b, out, len);
}

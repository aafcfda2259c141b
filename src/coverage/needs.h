/*
 * needs.h - what the files of data needs share: sources.c (the facts of where Windows events
 * come from), needs.c (which sources feed which rules, per selected technique) and next.c (the
 * greedy ranking of sources to onboard). Internal to src/coverage and src/report.
 */
#ifndef VG_COVERAGE_NEEDS_H
#define VG_COVERAGE_NEEDS_H

#include "../base/base.h"
#include "coverage.h"

/* A (channel, event ID) an ATT&CK log-source reference means. */
typedef struct vg__src_ref {
    const char *channel; /* as the facts write it, owned by them */
    char event_id[8];
} vg__src_ref;

/* The Windows sources an ATT&CK log-source reference names (name "WinEventLog:Security", text
 * "EventCode=4698, 4702"): the channels whose 'attack' list has the name (or "WinEventLog:"
 * and the channel), each event code on the first of them that lists it (else the first). Writes
 * up to cap; returns the count, 0 when the name is no channel of the facts or the text names no
 * event code. */
size_t vg__sources_map_attack(const vg_sources *s, const char *name, const char *text,
                              vg__src_ref *out, size_t cap);

/* One candidate source with what needs.c and next.c keep about it. */
typedef struct vg__cand {
    vg_need_source pub;
    size_t index;       /* in vg_needs.cands */
    vg__vec rules;      /* size_t: coverage rule indexes it feeds, ascending */
    vg__vec logsources; /* const char *: Sigma log sources routed to it */
    vg__vec unlock;     /* const vg_attack_obj *: selected techniques it would make active */
    size_t stamp;       /* scratch for de-duplicating */
} vg__cand;

/* A candidate that feeds a rule, and through which of the rule's routes (bit i: route i;
 * routes past 31 share bit 31). */
typedef struct vg__feed {
    size_t cand;
    uint32_t routes;
} vg__feed;

struct vg_needs {
    const vg_coverage *c;
    const vg_sources *facts;
    vg__arena arena;
    const vg_cov_rule *rules; /* the coverage's rules; per rule: */
    size_t n_rules;
    uint8_t *has_now;   /* its data is present (never when the coverage assumes data) */
    uint8_t *has_after; /* has_now, or a candidate feeds it */
    vg__vec *feeds;     /* vg__feed: the candidates that feed it */
    vg__vec cands;      /* vg__cand * */
    vg__smap cand_by_key;
    vg__vec sorted; /* const vg_need_source *: the selection's sources, ranked */
    vg__vec actors; /* const vg_attack_obj * */
    vg__vec picked; /* const vg_attack_obj *: techniques asked for, in order */
    int all_gaps, computed;
    vg_gaps *gaps;  /* the actors' techniques and users */
    vg__vec techs;  /* vg_need_tech */
    vg__vec steps;  /* vg_next_step */
    vg__vec gained; /* const vg_attack_obj *: storage for the steps' gained lists */
    size_t base_techs, base_active, base_rules;
    unsigned long base_weight, base_active_weight;
};

/* The level a coverage technique (NULL: none) reaches when has[k] says which coverage rules
 * have their data. */
vg_gap_level vg__needs_level(const vg_needs *n, const vg_cov_tech *t, const uint8_t *has);
/* Index of a coverage rule entry. */
size_t vg__needs_rule_index(const vg_needs *n, const vg_cov_rule *r);
/* Order of two sources by channel (without case), then event ID (numerically). */
int vg__needs_key_cmp(const vg_need_source *a, const vg_need_source *b);

#endif

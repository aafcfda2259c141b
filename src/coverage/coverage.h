/*
 * coverage.h - the coverage handle, shared by the files of src/coverage (coverage.c judges
 * rules and builds techniques, tally.c counts per tactic and platform and answers queries,
 * declared.c reads declared inventories).
 */
#ifndef VG_COVERAGE_H
#define VG_COVERAGE_H

#include "../base/base.h"

/* One data source: a (channel, event ID) pair and the fields it carries. */
typedef struct vg__dsrc {
    char *channel;
    char *event_id; /* "" = every event of the channel */
    char **fields;
    size_t n_fields;
    int any_field; /* fields unknown: every field counts as present */
    int observed;  /* copied from an inventory (else declared) */
} vg__dsrc;

struct vg_coverage {
    const vg_attack *kb;
    const vg_ruleset *rs;
    uint32_t domain;
    vg__arena arena; /* inputs: declared sources */
    vg__arena calc;  /* results of the last compute */
    vg_cov_data_mode mode;
    vg__vec sources;               /* vg__dsrc */
    uint8_t *enabled, *rule_valid; /* by rule index */
    uint8_t *tech_valid;           /* by knowledge-base index */
    int any_enabled;
    /* results */
    vg_cov_rule *rules;
    size_t n_rules;
    vg_cov_tech *techs;
    size_t n_techs;
    vg_cov_tech **sorted; /* by ATT&CK ID */
    int32_t *tech_of;     /* knowledge-base index -> techs index, or -1 */
    vg_cov_tally *tactics, *platforms, overall;
    size_t n_tactics, n_platforms;
};

int vg__coverage_tally(vg_coverage *c);
/* Does source s carry field f (the fields keying a source always count)? (coverage.c) */
int vg__cov_has_field(const vg__dsrc *s, const char *f);

#endif

/*
 * introspect.h - read-only views of a compiled rule for coverage: the routes its log source has
 * in the profile (the conditions an event must meet: channel, event IDs, provider) and the
 * event fields its detection reads. Internal to libvigil (src/coverage uses it).
 */
#ifndef VG_SIGMA_INTROSPECT_H
#define VG_SIGMA_INTROSPECT_H

#include <stddef.h>

#include "vigil.h"

/* One condition of a route: field must have one of values (compared case-insensitively). */
typedef struct vg__route_cond {
    const char *field;
    const char *const *values;
    size_t n_values;
} vg__route_cond;

/* Number of routes of a rule (0 when the profile does not know its log source). */
size_t vg__rule_n_routes(const vg_rule *r);
/* Label ("sysmon", "windows") and number of conditions of route i. */
const char *vg__rule_route_label(const vg_rule *r, size_t i);
size_t vg__rule_route_n_conds(const vg_rule *r, size_t i);
void vg__rule_route_cond(const vg_rule *r, size_t i, size_t k, vg__route_cond *out);
/* The name of a Sigma field in the events of route i (the profile's map), NUL-terminated,
 * owned by the profile or the rule. */
const char *vg__rule_route_field(const vg_rule *r, size_t i, const char *sigma_field);

/* Fields the detection reads, as the rule writes them, each once, in first-use order; items
 * whose test is the field's absence (field|exists: false, field: null) are left out since
 * absence cannot be missing data. Writes up to cap names (owned by the rule); returns the
 * total. */
size_t vg__rule_fields_read(const vg_rule *r, const char **out, size_t cap);

/* The event IDs the detection selects: exact numeric values of EventID items (not negated
 * with neq) in search identifiers the condition uses outside a 'not', each once, in order.
 * For log sources routed by channel alone (service: security), where the route names no event
 * ID. Writes up to cap values (owned by the rule); returns the total. */
size_t vg__rule_event_ids(const vg_rule *r, const char **out, size_t cap);

/* Can the rule's condition ever be true when only the fields for which has(field, ud) is
 * non-zero exist? A selection needing an absent field is always false; a negation is taken as
 * satisfiable. Field names are the rule's (Sigma) names. 1 or 0. */
int vg__rule_satisfiable(const vg_rule *r, int (*has)(const char *field, void *ud), void *ud);

#endif

/*
 * test_coverage.c - cmocka tests of src/coverage and src/report.
 *
 * Statuses: the golden fixture (tests/golden/data/coverage, hand-worked answers in
 * tests/golden/coverage.test) through the library API, with declared data, so each status and
 * the roll-up are asserted on the structures rather than on printed text.
 * Navigator: the layer is parsed and checked field by field against the requirements of the
 * ATT&CK Navigator layer format 4.5 (../shared/reference/navigator/layers/spec/v4.5/
 * layerformat.md): required name, domain from the three allowed values, versions.layer "4.5"
 * and versions.navigator at least 4.9.0, every technique object with a techniqueID of the
 * form T####(.###) and optional fields of the right types, gradient colours (at least two)
 * and minValue < maxValue, legend items, metadata (name/value or divider) and links (label,
 * URL with a protocol). The same validator checks the gaps overlay (vg_report_gaps_navigator)
 * with and without asset weights. When the shared folder is present the test also checks that
 * the spec file still states these requirements (version 4.5, name and domain required).
 * HTML: the report is one document with every section id, no script and no external resource.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vigil.h"
#include "base/base.h"
#include "base/json.h"

#ifndef FIXTURE_DIR
#define FIXTURE_DIR "tests/golden/data/coverage"
#endif

typedef struct fx {
    vg_attack *kb;
    vg_profile *prof;
    vg_ruleset *rs;
    vg_coverage *cov;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->kb = vg_attack_new();
    assert_int_equal(vg_attack_load_embedded(f->kb, NULL), 0);
    assert_int_equal(vg_attack_finalize(f->kb, NULL), 0);
    assert_int_equal(vg_profile_load("both", &f->prof, NULL), 0);
    f->rs = vg_ruleset_new(f->kb, f->prof);
    assert_int_equal(vg_ruleset_add_path(f->rs, FIXTURE_DIR "/rules", NULL), 0);
    assert_int_equal(vg_ruleset_finalize(f->rs, NULL), 0);
    f->cov = vg_coverage_new(f->kb, f->rs, 0);
    /* the fixture's logs, declared: Sysmon 1 with three fields, Security 4624 with two */
    const char *sysmon[] = {"Image", "CommandLine", "ParentImage", "Computer"};
    const char *sec[] = {"TargetUserName", "LogonType"};
    assert_int_equal(
        vg_coverage_declare(f->cov, "Microsoft-Windows-Sysmon/Operational", "1", sysmon, 4), 0);
    assert_int_equal(vg_coverage_declare(f->cov, "Security", "4624", sec, 2), 0);
    for (int i = 1; i <= 4; i++) {
        char id[64];
        snprintf(id, sizeof id, "00000000-0000-4000-8000-00000000000%d", i);
        assert_int_equal(vg_coverage_enable(f->cov, id), 0);
    }
    assert_int_equal(vg_coverage_compute(f->cov), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    vg_coverage_free(f->cov);
    vg_ruleset_free(f->rs);
    vg_profile_free(f->prof);
    vg_attack_free(f->kb);
    free(f);
    return 0;
}

static const vg_cov_rule *rule_n(fx *f, int n)
{
    const vg_cov_rule *r;
    size_t count = vg_coverage_rules(f->cov, &r);
    char id[64];
    snprintf(id, sizeof id, "00000000-0000-4000-8000-00000000000%d", n);
    for (size_t i = 0; i < count; i++)
        if (strcmp(r[i].rule->id, id) == 0)
            return &r[i];
    fail_msg("rule %d not found", n);
    return NULL;
}

static const vg_cov_tech *tech(fx *f, const char *id)
{
    const vg_attack_obj *o;
    assert_int_equal(vg_attack_find(f->kb, id, 1u << VG_ATTACK_TECHNIQUE, &o), 0);
    const vg_cov_tech *t = vg_coverage_tech(f->cov, o);
    assert_non_null(t);
    return t;
}

static void test_rule_statuses(void **state)
{
    fx *f = *state;
    assert_int_equal(rule_n(f, 1)->status, VG_COV_ACTIVE);
    assert_int_equal(rule_n(f, 2)->status, VG_COV_ACTIVE);
    assert_int_equal(rule_n(f, 3)->status, VG_COV_NEEDS_DATA);
    assert_string_equal(rule_n(f, 3)->missing,
                        "no events of Microsoft-Windows-Sysmon/Operational 13 or Security 4657");
    assert_int_equal(rule_n(f, 4)->status, VG_COV_NEEDS_DATA);
    assert_string_equal(rule_n(f, 4)->missing,
                        "field Hashes missing in Microsoft-Windows-Sysmon/Operational 1");
    assert_int_equal(rule_n(f, 5)->status, VG_COV_AVAILABLE);
    assert_false(rule_n(f, 5)->deployed);
    assert_string_equal(rule_n(f, 5)->source, "Security");
}

static void test_rollup_counts_a_rule_once(void **state)
{
    fx *f = *state;
    const vg_cov_tech *sub = tech(f, "T1059.001"), *parent = tech(f, "T1059");
    assert_int_equal(sub->total, 2);
    assert_int_equal(sub->n_own, 2);
    assert_int_equal(parent->total, 2); /* r2 is tagged with both: once */
    assert_int_equal(parent->n_own, 1);
    assert_int_equal(parent->n[VG_COV_ACTIVE], 2);
    assert_int_equal(tech(f, "T1547")->n[VG_COV_NEEDS_DATA], 1);
    assert_int_equal(tech(f, "T1078")->n[VG_COV_AVAILABLE], 1);
    assert_int_equal(tech(f, "T1046")->total, 0);
}

static void test_tallies(void **state)
{
    fx *f = *state;
    const vg_cov_tally *t;
    size_t n = vg_coverage_tactics(f->cov, &t);
    assert_int_equal(n, 14);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].tactic->shortname, "execution") == 0) {
            assert_int_equal(t[i].active, 1);
            assert_int_equal(t[i].covered, 1);
        } else if (strcmp(t[i].tactic->shortname, "persistence") == 0) {
            assert_int_equal(t[i].covered, 2);
            assert_int_equal(t[i].active, 0);
            assert_int_equal(t[i].available, 1);
            assert_int_equal(t[i].needs_data, 1);
        }
    }
    vg_cov_tally all;
    vg_coverage_overall(f->cov, &all);
    assert_int_equal(all.covered, 4);
    assert_int_equal(all.active, 1);
    assert_int_equal(vg_cov_score(tech(f, "T1059"), VG_COV_BY_ACTIVE), 2);
    assert_string_equal(vg_cov_color(VG_COV_BY_NEEDS_DATA, 1), "#fdd0a2");
    assert_string_equal(vg_cov_color(VG_COV_BY_ACTIVE, 0), "#eeeeee");
}

/* ---- Navigator layer 4.5 validator ---- */

static const vg__json *J;

static int type_of(uint32_t t)
{
    return J->tok[t].type;
}

static int str_is(uint32_t t, const char *s)
{
    vg__str v = vg__json_raw(J, t);
    return type_of(t) == VG_J_STR && v.len == strlen(s) && memcmp(v.ptr, s, v.len) == 0;
}

static void need_str(uint32_t obj, const char *key)
{
    uint32_t t = vg__json_get(J, obj, key);
    if (!t || type_of(t) != VG_J_STR)
        fail_msg("'%s' must be a string", key);
}

static void opt_type(uint32_t obj, const char *key, int type)
{
    uint32_t t = vg__json_get(J, obj, key);
    if (t && type_of(t) != type && !(type == VG_J_TRUE && type_of(t) == VG_J_FALSE))
        fail_msg("'%s' has the wrong type", key);
}

/* metadata or links arrays: objects with name/value (label/url) or a divider */
static void check_pairs(uint32_t arr, const char *k1, const char *k2)
{
    if (!arr)
        return;
    assert_int_equal(type_of(arr), VG_J_ARR);
    uint32_t t = vg__json_first(J, arr);
    for (uint32_t i = 0; i < J->tok[arr].len; i++, t = vg__json_after(J, t)) {
        assert_int_equal(type_of(t), VG_J_OBJ);
        if (vg__json_get(J, t, "divider"))
            continue;
        need_str(t, k1);
        need_str(t, k2);
        if (strcmp(k2, "url") == 0) {
            vg__str u = vg__json_raw(J, vg__json_get(J, t, "url"));
            assert_true(u.len > 8 &&
                        (memcmp(u.ptr, "https://", 8) == 0 || memcmp(u.ptr, "http://", 7) == 0));
        }
    }
}

static int technique_id_ok(vg__str s)
{
    if (s.len != 5 && s.len != 9)
        return 0;
    for (size_t i = 1; i < s.len; i++)
        if (!(i == 5 ? s.ptr[i] == '.' : s.ptr[i] >= '0' && s.ptr[i] <= '9'))
            return 0;
    return s.ptr[0] == 'T';
}

static void validate_layer(const char *text, size_t len)
{
    vg__json j;
    vg__json_init(&j);
    assert_int_equal(vg__json_parse(&j, text, len), 0);
    J = &j;
    assert_int_equal(type_of(0), VG_J_OBJ);
    need_str(0, "name");
    uint32_t d = vg__json_get(J, 0, "domain");
    assert_true(str_is(d, "enterprise-attack") || str_is(d, "mobile-attack") ||
                str_is(d, "ics-attack"));
    uint32_t v = vg__json_get(J, 0, "versions");
    assert_true(str_is(vg__json_get(J, v, "layer"), "4.5"));
    vg__str nav = vg__json_raw(J, vg__json_get(J, v, "navigator"));
    int major = 0, minor = 0;
    assert_int_equal(sscanf(nav.ptr, "%d.%d", &major, &minor), 2);
    assert_true(major > 4 || (major == 4 && minor >= 9));
    opt_type(0, "description", VG_J_STR);
    opt_type(0, "sorting", VG_J_NUM);
    opt_type(0, "hideDisabled", VG_J_TRUE);
    uint32_t techs = vg__json_get(J, 0, "techniques");
    assert_int_equal(type_of(techs), VG_J_ARR);
    uint32_t t = vg__json_first(J, techs);
    for (uint32_t i = 0; i < J->tok[techs].len; i++, t = vg__json_after(J, t)) {
        need_str(t, "techniqueID");
        assert_true(technique_id_ok(vg__json_raw(J, vg__json_get(J, t, "techniqueID"))));
        opt_type(t, "score", VG_J_NUM);
        opt_type(t, "color", VG_J_STR);
        opt_type(t, "comment", VG_J_STR);
        opt_type(t, "enabled", VG_J_TRUE);
        opt_type(t, "showSubtechniques", VG_J_TRUE);
        check_pairs(vg__json_get(J, t, "metadata"), "name", "value");
        check_pairs(vg__json_get(J, t, "links"), "label", "url");
    }
    uint32_t g = vg__json_get(J, 0, "gradient");
    uint32_t colors = vg__json_get(J, g, "colors");
    assert_true(colors && type_of(colors) == VG_J_ARR && J->tok[colors].len >= 2);
    double lo = strtod(J->src + J->tok[vg__json_get(J, g, "minValue")].off, NULL);
    double hi = strtod(J->src + J->tok[vg__json_get(J, g, "maxValue")].off, NULL);
    assert_true(hi > lo);
    check_pairs(vg__json_get(J, 0, "legendItems"), "label", "color");
    check_pairs(vg__json_get(J, 0, "metadata"), "name", "value");
    check_pairs(vg__json_get(J, 0, "links"), "label", "url");
    vg__json_free(&j);
}

static void test_navigator_layer_valid(void **state)
{
    fx *f = *state;
    char *out;
    size_t len;
    for (int m = 0; m < VG_COV_BY_COUNT; m++) {
        vg_report_opts o = {.by = (vg_cov_measure)m, .platform = m == 1 ? "Windows" : NULL};
        assert_int_equal(vg_report_navigator(f->cov, &o, &out, &len), 0);
        validate_layer(out, len);
        assert_non_null(strstr(out, "\"techniqueID\":\"T1059\",\"score\":"));
        free(out);
    }
}

/* The overlay of `vigil gaps`: two groups against the fixture's coverage. PittyTiger (G0011)
 * and Suckfly (G0039) both use T1078, whose only rule (r5) is not deployed but has its data:
 * score 2 (two actors), the colour of "available"; T1046 (Suckfly only) has no rule: score 1,
 * the colour of "none". With a critical Windows asset, the weight and priority follow. */
static void test_gaps_overlay_layer_valid(void **state)
{
    fx *f = *state;
    static const char *const actors[] = {"G0011", "G0039"};
    for (int with_assets = 0; with_assets < 2; with_assets++) {
        vg_gaps *g = vg_gaps_new(f->cov);
        assert_non_null(g);
        for (size_t i = 0; i < 2; i++) {
            const vg_attack_obj *o;
            assert_int_equal(vg_attack_find(f->kb, actors[i], 1u << VG_ATTACK_GROUP, &o), 0);
            assert_int_equal(vg_gaps_add_actor(g, o), 0);
        }
        if (with_assets)
            assert_int_equal(vg_gaps_add_asset(g, "dc1", "Windows", 5), 0);
        assert_int_equal(vg_gaps_compute(g), 0);
        char *out;
        size_t len;
        assert_int_equal(vg_report_gaps_navigator(g, &out, &len), 0);
        validate_layer(out, len);
        assert_non_null(
            strstr(out, "{\"techniqueID\":\"T1078\",\"score\":2,\"color\":\"#ffe066\""));
        assert_non_null(
            strstr(out, "{\"techniqueID\":\"T1046\",\"score\":1,\"color\":\"#e60d0d\""));
        assert_non_null(strstr(out, with_assets ? "{\"name\":\"priority\",\"value\":\"10\"}"
                                                : "{\"name\":\"priority\",\"value\":\"2\"}"));
        assert_non_null(strstr(out, "\"legendItems\""));
        free(out);
        vg_gaps_free(g);
    }
}

static void test_navigator_spec_states_requirements(void **state)
{
    (void)state;
    const char *shared = getenv("VG_SHARED");
    char path[4096];
    snprintf(path, sizeof path, "%s/reference/navigator/layers/spec/v4.5/layerformat.md",
             shared ? shared : "../shared");
    char *text;
    size_t len;
    if (vg__read_file(path, 1u << 20, &text, &len)) {
        print_message("shared data not found at %s, skipping\n", path);
        skip();
    }
    assert_non_null(strstr(text, "**Version 4.5**"));
    assert_non_null(strstr(text, "| name | String | Yes |"));
    assert_non_null(strstr(text, "| domain | String | Yes |"));
    assert_non_null(strstr(text, "| layer | String | Yes | | Must be \"4.5\" |"));
    assert_non_null(strstr(text, "| techniqueID | String | Yes |"));
    free(text);
}

static void test_html_structure(void **state)
{
    fx *f = *state;
    char *out;
    size_t len;
    assert_int_equal(vg_report_html(f->cov, NULL, &out, &len), 0);
    assert_int_equal(strncmp(out, "<!DOCTYPE html>", 15), 0);
    static const char *const ids[] = {"summary", "matrix", "tactics",   "bars",
                                      "radar",   "sankey", "platforms", "rules"};
    for (size_t i = 0; i < VG_ARRAY_LEN(ids); i++) {
        char want[64];
        snprintf(want, sizeof want, "<section id=\"%s\">", ids[i]);
        assert_non_null(strstr(out, want));
    }
    assert_null(strstr(out, "<script"));
    assert_null(strstr(out, "src=\"http"));
    assert_null(strstr(out, "href=\"http"));
    assert_non_null(strstr(out, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(out, "data-id=\"T1059\""));
    assert_non_null(strstr(out, "class=\"sankey\""));
    assert_non_null(strstr(out, "</body></html>"));
    free(out);
    assert_int_equal(vg_report_svg(f->cov, NULL, &out, &len), 0);
    assert_int_equal(strncmp(out, "<?xml", 5), 0);
    assert_non_null(strstr(out, "data-id=\"TA0002\""));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_statuses),
        cmocka_unit_test(test_rollup_counts_a_rule_once),
        cmocka_unit_test(test_tallies),
        cmocka_unit_test(test_navigator_layer_valid),
        cmocka_unit_test(test_gaps_overlay_layer_valid),
        cmocka_unit_test(test_navigator_spec_states_requirements),
        cmocka_unit_test(test_html_structure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

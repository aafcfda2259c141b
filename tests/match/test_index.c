/*
 * test_index.c - the rule index on rules written to probe its literal derivation.
 *
 * Each rule here has a trap for the prefilter: a regular expression whose text holds
 * characters that are not literal in the event ({1000,}, \x41, \cA, \012, \p{L}), a value whose
 * literal is anchored to the start or end of the value and also occurs elsewhere, an `and` of
 * selections whose literals must all be found (groups), an `or` of such an `and` (groups built
 * from both sides), `not`, keywords and `all`. Every rule is evaluated through the index and
 * exhaustively on events made to match and not to match it; the two must agree, and the
 * expected answer is written next to each event. The regular expressions of test_regex_runs
 * probe the runs of plain text that gate PCRE2.
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

static const char rules[] =
    "title: long\nid: 00000000-0000-0000-0000-000000000001\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  img: {Image|endswith: '\\powershell.exe'}\n"
    "  len: {CommandLine|re: '.{40,}'}\n  condition: all of them\n"
    "---\n"
    "title: hexesc\nid: 00000000-0000-0000-0000-000000000002\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CommandLine|re: 'x\\x41BCDEF'}\n  b: {Image|contains: 'tool'}\n"
    "  condition: a and b\n"
    "---\n"
    "title: ctlesc\nid: 00000000-0000-0000-0000-000000000003\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CommandLine|re: '\\cJpayload\\d{2}zz'}\n  condition: a\n"
    "---\n"
    "title: octal\nid: 00000000-0000-0000-0000-000000000004\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CommandLine|re: 'q\\0123456x\\p{Lu}UPPER'}\n  condition: a\n"
    "---\n"
    "title: anchors\nid: 00000000-0000-0000-0000-000000000005\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  s: {Image|endswith: '\\cmd.exe'}\n  p: {ParentImage|startswith: 'c:\\tools\\'}\n"
    "  e: {User: 'ADMIN'}\n  condition: s and p and e\n"
    "---\n"
    "title: groups\nid: 00000000-0000-0000-0000-000000000006\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  img: {Image|endswith: ['\\csi.exe', '\\rcsi.exe']}\n"
    "  co: {Company: 'Microsoft Corporation'}\n  f: {CommandLine|contains: 'benign'}\n"
    "  condition: img and co and not f\n"
    "---\n"
    "title: keywords\nid: 00000000-0000-0000-0000-000000000007\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  k: ['mimikatz']\n  i: {Image|endswith: '.exe'}\n  condition: k and i\n"
    "---\n"
    "title: allmod\nid: 00000000-0000-0000-0000-000000000008\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CommandLine|contains|all: ['-nop', 'hidden', '-enc']}\n"
    "  condition: a\n"
    "---\n"
    "title: orgroups\nid: 00000000-0000-0000-0000-000000000011\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {Image|contains: 'alpha'}\n  b: {CommandLine|contains: 'bravo'}\n"
    "  c: {CommandLine|contains: 'charlie'}\n  condition: (a and b) or c\n";

/* Regular expressions are run only when their runs of plain text are in the value, in order,
 * and one made of runs and `.*` alone is decided by that on printable ASCII (src/sigma/value.c):
 * traps for both. */
static const char re_rules[] =
    "title: casere\nid: 00000000-0000-0000-0000-000000000009\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CommandLine|re: 'ABC.*DEF'}\n  condition: a\n"
    "---\n"
    "title: kelvin\nid: 00000000-0000-0000-0000-00000000000a\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CommandLine|re|i: 'kelvin'}\n  condition: a\n"
    "---\n"
    "title: newline\nid: 00000000-0000-0000-0000-00000000000b\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CommandLine|re: '11.*22'}\n  condition: a\n"
    "---\n"
    "title: class\nid: 00000000-0000-0000-0000-00000000000c\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CommandLine|re: 'x[]abc]+yz'}\n  condition: a\n"
    "---\n"
    "title: possessive\nid: 00000000-0000-0000-0000-00000000000d\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CommandLine|re: '33.*+44'}\n  condition: a\n"
    "---\n"
    "title: extended\nid: 00000000-0000-0000-0000-00000000000e\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CommandLine|re: '(?x) q w e r t y'}\n  condition: a\n"
    "---\n"
    "title: quoted\nid: 00000000-0000-0000-0000-00000000000f\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CommandLine|re: '\\Q[\\Eab]cd'}\n  condition: a\n"
    "---\n"
    "title: plus\nid: 00000000-0000-0000-0000-000000000010\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CommandLine|re: '\\+.*\\+.*\\+.*\\+'}\n  condition: a\n";

/* Traps for the way the index files and checks entries: an entry with several literal groups
 * is followed from one of them only (its trigger: for trig the CommandLine group, whose
 * literals fewer rules use than the Image and ParentImage ones), so the others must still be
 * checked; a field is scanned only
 * when its value is as long as its shortest literal to scan for and some rule routed to the
 * event has such a literal in it (whole values are looked up either way); a one-byte literal
 * is not required at all; keywords are scanned over all values laid end to end. */
static const char trig_rules[] =
    "title: common1\nid: 00000000-0000-0000-0000-000000000021\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {Image|contains: '\\system32\\'}\n  b: {User: 'one'}\n"
    "  c: {ParentImage|endswith: '\\explorer.exe'}\n  condition: a and b and c\n"
    "---\n"
    "title: common2\nid: 00000000-0000-0000-0000-000000000022\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {Image|contains: '\\system32\\'}\n  b: {User: 'two'}\n"
    "  condition: a and b\n"
    "---\n"
    "title: trig\nid: 00000000-0000-0000-0000-000000000023\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {Image|contains: '\\system32\\'}\n"
    "  b: {CommandLine|contains: ['zebra', 'okapi']}\n"
    "  c: {ParentImage|endswith: ['\\explorer.exe', '\\system32\\']}\n"
    "  condition: a and b and c\n"
    "---\n"
    "title: short\nid: 00000000-0000-0000-0000-000000000024\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {Description|contains: ['abcd', 'abcdefgh']}\n  condition: a\n"
    "---\n"
    "title: anchored\nid: 00000000-0000-0000-0000-000000000025\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {Product|startswith: 'xy'}\n  b: {Product|endswith: 'long-suffix'}\n"
    "  condition: a or b\n"
    "---\n"
    "title: wholeuser\nid: 00000000-0000-0000-0000-000000000026\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {Company: 'ab'}\n  condition: a\n"
    "---\n"
    "title: containsuser\nid: 00000000-0000-0000-0000-000000000027\n"
    "logsource: {product: windows, service: security}\n"
    "detection:\n  a: {EventID: 4624, Company|contains: 'longer-literal'}\n"
    "  condition: a\n"
    "---\n"
    "title: kw\nid: 00000000-0000-0000-0000-000000000028\n"
    "logsource: {product: windows}\n"
    "detection:\n  k: ['mimikatz']\n  condition: k\n"
    "---\n"
    "title: onebyte\nid: 00000000-0000-0000-0000-000000000029\n"
    "logsource: {category: process_creation, product: windows}\n"
    "detection:\n  a: {CurrentDirectory|contains: '<'}\n  b: {CurrentDirectory|endswith: 'q'}\n"
    "  condition: a or b\n";

typedef struct hits {
    char ids[16][40];
    int n;
} hits;

static int collect(const vg_rule *r, void *ud)
{
    hits *h = ud;
    if (h->n < 16)
        snprintf(h->ids[h->n++], sizeof h->ids[0], "%s", r->title);
    return 0;
}

/* Run one event (flat JSON) both ways; the matching titles, comma-separated, must be want. */
static void check(vg_ruleset *rs, const char *json, const char *want)
{
    char got[2][512];
    for (int exact = 0; exact <= 1; exact++) {
        vg_event *ev = vg_event_new();
        assert_int_equal(vg_event_from_json(ev, json, strlen(json), VG_JSON_FLAT, NULL, NULL, 0),
                         0);
        vg_matcher *m = vg_matcher_new(rs);
        vg_matcher_set_exact(m, exact);
        hits h = {.n = 0};
        vg_matcher_run(m, ev, collect, &h);
        got[exact][0] = 0;
        for (int i = 0; i < h.n; i++) {
            strcat(got[exact], i ? "," : "");
            strcat(got[exact], h.ids[i]);
        }
        vg_matcher_free(m);
        vg_event_free(ev);
    }
    if (strcmp(got[0], got[1]) != 0 || strcmp(got[1], want) != 0) {
        print_message("event %s\n  indexed: %s\n  exact:   %s\n  wanted:  %s\n", json, got[0],
                      got[1], want);
        fail();
    }
}

#define SYS "\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,"

/* The rules of text (len bytes), which must all compile: want of them. */
static vg_ruleset *load(const char *text, size_t len, const char *name, size_t want)
{
    vg_diags *d = vg_diags_new();
    vg_ruleset *rs = vg_ruleset_new(NULL, NULL);
    assert_int_equal(vg_ruleset_add_buffer(rs, text, len, name, d), 0);
    assert_int_equal(vg_ruleset_finalize(rs, d), 0);
    assert_int_equal(vg_ruleset_count(rs), want);
    vg_diags_free(d);
    return rs;
}

static void test_traps(void **state)
{
    (void)state;
    vg_ruleset *rs = load(rules, sizeof rules - 1, "traps.yml", 9);
    /* {40,} is a count, not the text "40," */
    check(rs,
          "{" SYS "\"Image\":\"C:\\\\Windows\\\\powershell.exe\",\"CommandLine\":"
          "\"powershell -nop -w hidden -c iex(download-the-payload-now)\"}",
          "long");
    check(rs, "{" SYS "\"Image\":\"C:\\\\Windows\\\\powershell.exe\",\"CommandLine\":\"short\"}",
          "");
    /* \x41 is A: the event holds xABCDEF, not x41BCDEF */
    check(rs, "{" SYS "\"Image\":\"c:\\\\tool.exe\",\"CommandLine\":\"run xABCDEF now\"}",
          "hexesc");
    check(rs, "{" SYS "\"Image\":\"c:\\\\tool.exe\",\"CommandLine\":\"run x41BCDEF now\"}", "");
    /* \cJ is a newline, \d{2} two digits */
    check(rs, "{" SYS "\"CommandLine\":\"a\\npayload42zz\"}", "ctlesc");
    check(rs, "{" SYS "\"CommandLine\":\"a cJpayload42zz\"}", "");
    /* \012 is a newline (octal), \p{Lu} one upper-case letter */
    check(rs, "{" SYS "\"CommandLine\":\"q\\n3456xQUPPER\"}", "octal");
    check(rs, "{" SYS "\"CommandLine\":\"q0123456xQUPPER\"}", "");
    /* anchored literals that also occur elsewhere in the value */
    check(rs,
          "{" SYS "\"Image\":\"c:\\\\x\\\\cmd.exe\",\"ParentImage\":\"C:\\\\Tools\\\\p.exe\","
          "\"User\":\"admin\"}",
          "anchors");
    check(rs,
          "{" SYS "\"Image\":\"c:\\\\cmd.exe\\\\x\",\"ParentImage\":\"C:\\\\Tools\\\\p.exe\","
          "\"User\":\"admin\"}",
          "");
    check(rs,
          "{" SYS "\"Image\":\"c:\\\\cmd.exe\",\"ParentImage\":\"d:\\\\c:\\\\tools\\\\p.exe\","
          "\"User\":\"admin\"}",
          "");
    check(rs,
          "{" SYS "\"Image\":\"c:\\\\cmd.exe\",\"ParentImage\":\"c:\\\\tools\\\\p.exe\","
          "\"User\":\"admins\"}",
          "");
    /* a whole value is looked up per field: the same text in another field is not it */
    check(rs,
          "{" SYS "\"Image\":\"c:\\\\x\\\\cmd.exe\",\"ParentImage\":\"C:\\\\Tools\\\\p.exe\","
          "\"User\":\"root\",\"Description\":\"admin\"}",
          "");
    /* every group of an `and` must be found; `not` adds nothing */
    check(rs,
          "{" SYS "\"Image\":\"c:\\\\rcsi.exe\",\"Company\":\"Microsoft Corporation\","
          "\"CommandLine\":\"x\"}",
          "groups");
    check(rs,
          "{" SYS "\"Image\":\"c:\\\\rcsi.exe\",\"Company\":\"Microsoft Corporation\","
          "\"CommandLine\":\"benign\"}",
          "");
    check(rs, "{" SYS "\"Image\":\"c:\\\\rcsi.exe\",\"Company\":\"Contoso\"}", "");
    check(rs, "{" SYS "\"Image\":\"c:\\\\x.dll\",\"Company\":\"Microsoft Corporation\"}", "");
    /* keywords look in every field; "all" needs every value */
    check(rs, "{" SYS "\"Image\":\"c:\\\\mimikatz.dll\",\"Description\":\"x\"}", "");
    check(rs, "{" SYS "\"Image\":\"c:\\\\x.exe\",\"Description\":\"MimiKatz tool\"}", "keywords");
    check(rs, "{" SYS "\"Image\":\"c:\\\\a.dll\",\"CommandLine\":\"-nop -enc hidden\"}", "allmod");
    check(rs, "{" SYS "\"Image\":\"c:\\\\a.dll\",\"CommandLine\":\"-nop -enc\"}", "");
    /* (a and b) or c needs (a or c) and (b or c): each way in, and neither half alone */
    check(rs, "{" SYS "\"Image\":\"c:\\\\alpha.dll\",\"CommandLine\":\"bravo\"}", "orgroups");
    check(rs, "{" SYS "\"Image\":\"c:\\\\x.dll\",\"CommandLine\":\"charlie\"}", "orgroups");
    check(rs, "{" SYS "\"Image\":\"c:\\\\alpha.dll\",\"CommandLine\":\"x\"}", "");
    check(rs, "{" SYS "\"Image\":\"c:\\\\x.dll\",\"CommandLine\":\"bravo\"}", "");
    vg_ruleset_free(rs);
}

static void test_regex_runs(void **state)
{
    (void)state;
    vg_ruleset *rs = load(re_rules, sizeof re_rules - 1, "re.yml", 8);
    /* runs are compared folded; without `i` the case must still be the expression's */
    check(rs, "{" SYS "\"CommandLine\":\"ABC to DEF\"}", "casere");
    check(rs, "{" SYS "\"CommandLine\":\"abc to def\"}", "");
    check(rs, "{" SYS "\"CommandLine\":\"DEF to ABC\"}", "");
    /* caseless k also matches the Kelvin sign (U+212A), which no ASCII folding gives */
    check(rs, "{" SYS "\"CommandLine\":\"\\u212Aelvin\"}", "kelvin");
    check(rs, "{" SYS "\"CommandLine\":\"KELVIN\"}", "kelvin");
    /* `.` does not match a newline: the runs are there in order, the expression is not */
    check(rs, "{" SYS "\"CommandLine\":\"11 to 22\"}", "newline");
    check(rs, "{" SYS "\"CommandLine\":\"11\\n22\"}", "");
    /* a `]` first in a class is a member, so "abc" is not text the match must hold */
    check(rs, "{" SYS "\"CommandLine\":\"x]]yz\"}", "class");
    check(rs, "{" SYS "\"CommandLine\":\"xyz\"}", "");
    /* a possessive `.*+` never gives back: runs in order do not decide it */
    check(rs, "{" SYS "\"CommandLine\":\"33 44\"}", "");
    /* (?x): spaces are not text; \Q...\E: quoted text, classes included */
    check(rs, "{" SYS "\"CommandLine\":\"qwerty\"}", "extended");
    check(rs, "{" SYS "\"CommandLine\":\"[ab]cd\"}", "quoted");
    /* four + in order, or fewer */
    check(rs, "{" SYS "\"CommandLine\":\"a+b+c+d+e\"}", "plus");
    check(rs, "{" SYS "\"CommandLine\":\"a+b+c+d\"}", "");
    vg_ruleset_free(rs);
}

static void test_triggers(void **state)
{
    (void)state;
    vg_ruleset *rs = load(trig_rules, sizeof trig_rules - 1, "trig.yml", 9);
#define IMG "\"Image\":\"c:\\\\windows\\\\system32\\\\x.exe\","
    /* every group found: the trigger (CommandLine), Image and ParentImage */
    check(rs, "{" SYS IMG "\"CommandLine\":\"a zebra\",\"ParentImage\":\"c:\\\\explorer.exe\"}",
          "trig");
    check(rs, "{" SYS IMG "\"CommandLine\":\"OKAPI\",\"ParentImage\":\"c:\\\\w\\\\system32\\\\\"}",
          "trig");
    /* the non-trigger groups found, not the trigger */
    check(rs, "{" SYS IMG "\"CommandLine\":\"a horse\",\"ParentImage\":\"c:\\\\explorer.exe\"}",
          "");
    /* the trigger found, one other group missing (its literal elsewhere or not at the end) */
    check(rs,
          "{" SYS "\"Image\":\"c:\\\\x.exe\",\"CommandLine\":\"zebra \\\\system32\\\\\","
          "\"ParentImage\":\"c:\\\\explorer.exe\"}",
          "");
    check(rs, "{" SYS IMG "\"CommandLine\":\"zebra\",\"ParentImage\":\"c:\\\\explorer.exe.bak\"}",
          "");
    /* one literal in groups of three rules: each rule is decided by all of its own groups */
    check(rs, "{" SYS IMG "\"User\":\"two\",\"CommandLine\":\"zebra\"}", "common2");
    check(rs,
          "{" SYS IMG "\"User\":\"one\",\"CommandLine\":\"zebra\","
          "\"ParentImage\":\"c:\\\\Explorer.exe\"}",
          "common1,trig");
    /* values as long as the shortest literal of the field, and shorter */
    check(rs, "{" SYS "\"Description\":\"ABCD\"}", "short");
    check(rs, "{" SYS "\"Description\":\"abc\"}", "");
    check(rs, "{" SYS "\"Description\":\"xabcdefgh\"}", "short");
    check(rs, "{" SYS "\"Product\":\"xy\"}", "anchored");
    check(rs, "{" SYS "\"Product\":\"x\"}", "");
    check(rs, "{" SYS "\"Product\":\"axy\"}", "");
    check(rs, "{" SYS "\"Product\":\"a-long-suffix\"}", "anchored");
    /* a whole value shorter than the field's shortest literal to scan for (another list's) */
    check(rs, "{" SYS "\"Company\":\"AB\"}", "wholeuser");
    check(rs, "{" SYS "\"Company\":\"xab\"}", "");
    check(rs, "{\"Channel\":\"Security\",\"EventID\":4624,\"Company\":\"a longer-literal\"}",
          "containsuser");
    check(rs, "{\"Channel\":\"Security\",\"EventID\":4624,\"Company\":\"ab\"}", "");
    check(rs, "{" SYS "\"Company\":\"a longer-literal\"}", "");
    /* keywords: inside one value only, not across the boundary of two */
    check(rs, "{" SYS "\"Description\":\"x mimi\",\"Product\":\"katz y\"}", "");
    check(rs, "{" SYS "\"Description\":\"x\",\"Product\":\"MIMIKATZ\"}", "kw");
    /* a one-byte literal is not required (the rule is evaluated whenever routed here) */
    check(rs, "{" SYS "\"CurrentDirectory\":\"c:\\\\a<b\"}", "onebyte");
    check(rs, "{" SYS "\"CurrentDirectory\":\"Q\"}", "onebyte");
    check(rs, "{" SYS "\"CurrentDirectory\":\"c:\\\\x\"}", "");
    /* the routing fields are found whatever the case of their names */
    check(rs,
          "{\"channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EVENTID\":1,"
          "\"Description\":\"abcd\"}",
          "short");
#undef IMG
    vg_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_traps),
        cmocka_unit_test(test_regex_runs),
        cmocka_unit_test(test_triggers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

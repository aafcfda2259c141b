/*
 * test_sigma.c - unit tests for the Sigma engine's building blocks (src/sigma) and for events
 * built from JSON (src/event/event.c).
 *
 * What the golden tests (tests/golden/sigma-*.test) cannot reach cheaply is checked here
 * through the internal headers: the glob matcher on its edge cases (empty pattern and text,
 * runs of stars, backtracking, `?` over multi-byte UTF-8, truncated UTF-8, case folding); the
 * exact strings that base64 and base64offset compile to, compared with encodings made
 * independently (python3's base64 module); how many values windash makes of a value and that
 * they share one group; ISO 8601 week numbers across year boundaries, also against an
 * independent computation for every day of 1970-2100; CIDR prefix arithmetic at every byte
 * boundary; the trees the condition parser builds (precedence, associativity, quantifiers) and
 * where it reports errors; every Sigma limit hit exactly (VG_SIGMA_MAX_EXPANSION,
 * VG_SIGMA_MAX_COND_DEPTH, VG_SIGMA_MAX_MODIFIERS, VG_YAML_MAX_DEPTH: the limit passes, one
 * more fails); the compile checks that bugs slipped through once (modifier combinations, null
 * titles, empty sequences, control characters that would act as wildcards); value sets of long
 * lists (equals, startswith, endswith) against the values tried one by one; and the flattening
 * of events in the evtx crate's nested JSON and in flat JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sigma/cond.h"
#include "sigma/sigma.h"
#include "sigma/yaml.h"

/* ------------------------------------------------------------------------------------------ */
/* helpers                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* A glob pattern as the compiler stores it: '*' and '?' become the marker bytes. */
static int glob(const char *pat, const char *s, int cased)
{
    char p[256];
    size_t n = strlen(pat);
    assert_true(n < sizeof p);
    for (size_t i = 0; i < n; i++)
        p[i] = pat[i] == '*' ? VG_GLOB_STAR : pat[i] == '?' ? VG_GLOB_ONE : pat[i];
    return vg__glob_match(p, n, s, strlen(s), cased);
}

/* Compile a YAML buffer with the built-in profile and no ATT&CK. */
static vg_ruleset *compile(const char *yaml, vg_diags *d)
{
    vg_ruleset *rs = vg_ruleset_new(NULL, NULL);
    assert_non_null(rs);
    assert_int_equal(vg_ruleset_add_buffer(rs, yaml, strlen(yaml), "t.yml", d), 0);
    return rs;
}

static const vg__rule *rule_at(const vg_ruleset *rs, size_t i)
{
    assert_true(i < rs->rules.len);
    return ((vg__rule *const *)rs->rules.ptr)[i];
}

/* The first item of the first search identifier of the only rule. */
static const vg__item *first_item(const vg_ruleset *rs)
{
    assert_int_equal(rs->rules.len, 1);
    const vg__rule *r = rule_at(rs, 0);
    assert_true(r->n_searches >= 1 && r->searches[0].n >= 1 && r->searches[0].maps[0].n >= 1);
    return &r->searches[0].maps[0].items[0];
}

/* A one-rule document whose selection is `sel: {KEY: VALUE}` (VALUE as YAML text). */
static vg_ruleset *compile_item(const char *key, const char *value, vg_diags *d)
{
    char doc[8192];
    int n = snprintf(doc, sizeof doc,
                     "title: t\nlogsource: {product: windows}\ndetection:\n  sel:\n    %s: %s\n"
                     "  condition: sel\n",
                     key, value);
    assert_true(n > 0 && (size_t)n < sizeof doc);
    return compile(doc, d);
}

static const char *first_error(const vg_diags *d)
{
    for (size_t i = 0; i < vg_diags_count(d); i++)
        if (vg_diags_get(d, i)->severity == VG_SEV_ERROR)
            return vg_diags_get(d, i)->message;
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* glob matcher                                                                                */
/* ------------------------------------------------------------------------------------------ */

static void test_glob_empty_and_stars(void **state)
{
    (void)state;
    assert_true(glob("", "", 0));
    assert_false(glob("", "a", 0));
    assert_true(glob("*", "", 0));
    assert_true(glob("**", "", 0));
    assert_true(glob("***", "anything", 0));
    assert_false(glob("?", "", 0));
    assert_true(glob("?", "a", 0));
    assert_false(glob("?", "ab", 0));
    assert_true(glob("*?", "x", 0));
    assert_false(glob("*?", "", 0));
    assert_true(glob("abc*", "abc", 0));
    assert_true(glob("*abc", "abc", 0));
    assert_true(glob("a*b*c", "abc", 0));
    assert_true(glob("a*b*c", "aXXbYYc", 0));
    assert_false(glob("a*b*c", "aXXbYY", 0));
    assert_false(glob("a*b*c", "acb", 0));
    assert_false(glob("a*c", "ac!", 0));
}

static void test_glob_backtracking(void **state)
{
    (void)state;
    /* the star must give back what it took */
    assert_true(glob("*ab", "aab", 0));
    assert_true(glob("a*ab", "aaab", 0));
    assert_true(glob("*aab", "aaaab", 0));
    assert_true(glob("*a*b", "xaxaxb", 0));
    assert_false(glob("*a*b", "xaxaxc", 0));
    assert_true(glob("*ab*ab*", "xabyabz", 0));
    assert_false(glob("*ab*ab*", "xabyaz", 0));
    assert_true(glob("*?b", "ab", 0));
    assert_false(glob("*??b", "ab", 0));
    /* a long text against a pattern that fails late stays correct */
    char text[2048];
    memset(text, 'a', sizeof text - 1);
    text[sizeof text - 1] = 0;
    assert_false(glob("*a*a*a*a*b", text, 0));
    text[sizeof text - 2] = 'b';
    assert_true(glob("*a*a*a*a*b", text, 0));
}

static void test_glob_utf8(void **state)
{
    (void)state;
    /* ? is one UTF-8 character: 2-, 3- and 4-byte sequences */
    assert_true(glob("caf?", "caf\xc3\xa9", 0));
    assert_false(glob("caf??", "caf\xc3\xa9", 0));
    assert_true(glob("?", "\xe2\x82\xac", 0));
    assert_true(glob("?", "\xf0\x9f\x98\x80", 0));
    assert_false(glob("??", "\xf0\x9f\x98\x80", 0));
    assert_true(glob("*?x", "\xc3\xa9x", 0));
    assert_false(glob("*??x", "\xc3\xa9x", 0));
    /* a lead byte cut short at the end of the text is one character, not a read past it */
    assert_true(glob("a?", "a\xc3", 0));
    assert_true(glob("a?", "a\xf0\x9f", 0));
    assert_false(glob("a??", "a\xf0\x9f", 0));
    /* literal multi-byte characters compare byte by byte */
    assert_true(glob("*\xc3\xa9*", "d\xc3\xa9j\xc3\xa0", 0));
}

static void test_glob_case(void **state)
{
    (void)state;
    /* patterns are folded when compiled; the text is folded while matching */
    assert_true(glob("c:\\windows\\*.exe", "C:\\Windows\\CMD.EXE", 0));
    assert_false(glob("c:\\windows\\*.exe", "C:\\Windows\\CMD.EXE", 1));
    assert_true(glob("C:\\Windows\\*.EXE", "C:\\Windows\\CMD.EXE", 1));
    /* only ASCII letters fold */
    assert_false(glob("\xc3\xa9", "\xc3\x89", 0));
}

/* ------------------------------------------------------------------------------------------ */
/* substring search (vg__find) and globs of stars only                                         */
/* ------------------------------------------------------------------------------------------ */

/* The first place of nd in h, byte by byte. */
static const char *find_ref(const char *h, size_t hn, const char *nd, size_t nn)
{
    for (size_t p = 0; p + nn <= hn; p++)
        if (memcmp(h + p, nd, nn) == 0)
            return h + p;
    return NULL;
}

/* vg__find on copies of exactly hn and nn bytes (so that ASan sees a read past either) finds
 * what the reference finds; returns the offset found or -1. */
static long assert_find(const char *h, size_t hn, const char *nd, size_t nn)
{
    char *hc = malloc(hn ? hn : 1), *nc = malloc(nn ? nn : 1);
    assert_true(hc && nc);
    memcpy(hc, h, hn);
    memcpy(nc, nd, nn);
    const char *want = nn ? find_ref(hc, hn, nc, nn) : hc, *got = vg__find(hc, hn, nc, nn);
    if (got != want)
        fail_msg("vg__find: haystack %zu bytes, needle %zu bytes: offset %ld, want %ld", hn, nn,
                 got ? (long)(got - hc) : -1L, want ? (long)(want - hc) : -1L);
    free(hc);
    free(nc);
    return want ? (long)(want - hc) : -1L;
}

/* Needles of 1..20 bytes (letters, NUL, bytes >= 0x80) at every offset of haystacks of 0..40
 * bytes, around the 16-byte steps: in a filler the needle does not contain, in a run of its
 * first byte (every place a candidate), and among near misses (first and last bytes right, a
 * middle byte wrong); and the same haystacks without the needle. */
static void test_find_every_offset(void **state)
{
    (void)state;
    static const char alpha[] = {'a', 'b', '\0', (char)0xe9, 'c', (char)0x80, '.', (char)0xff};
    char h[64], nd[32], miss[32];
    for (size_t nn = 1; nn <= 20; nn++) {
        for (size_t i = 0; i < nn; i++)
            nd[i] = alpha[(i * 5 + nn) % sizeof alpha];
        memcpy(miss, nd, nn);
        if (nn >= 3)
            miss[nn / 2] = 'z';
        for (size_t hn = 0; hn <= 40; hn++) {
            for (int fill = 0; fill < 3; fill++) {
                for (size_t i = 0; i < hn; i++)
                    h[i] = fill == 0 ? 'x' : fill == 1 ? nd[0] : miss[i % nn];
                long none = assert_find(h, hn, nd, nn); /* the filler alone */
                if (fill == 0)
                    assert_int_equal(none, -1);
                char base[64];
                memcpy(base, h, hn);
                for (size_t off = 0; off + nn <= hn; off++) {
                    memcpy(h, base, hn);
                    memcpy(h + off, nd, nn);
                    long at = assert_find(h, hn, nd, nn);
                    assert_true(at >= 0 && (size_t)at <= off);
                    if (fill == 0)
                        assert_int_equal(at, (long)off);
                }
            }
        }
    }
}

/* Repeated prefixes, an empty needle, needles longer than the haystack, and random haystacks
 * over a small alphabet (many candidates) with needles taken from them or made up. */
static void test_find_cases(void **state)
{
    (void)state;
    assert_int_equal(assert_find("aaaaaaaaaaaaaaaaaaaaaaab", 24, "aaab", 4), 20);
    assert_int_equal(assert_find("abababababababababababac", 24, "ababac", 6), 18);
    assert_int_equal(assert_find("aaaaaaaaaaaaaaaaaaaaaaaa", 24, "aaab", 4), -1);
    assert_int_equal(assert_find("a\0b\0c", 5, "\0c", 2), 3);
    assert_int_equal(assert_find("abc", 3, "", 0), 0);
    assert_int_equal(assert_find("", 0, "", 0), 0);
    assert_int_equal(assert_find("abc", 3, "abcd", 4), -1);
    assert_int_equal(assert_find("", 0, "a", 1), -1);
    static const char alpha[] = {'a', 'b', '\0', (char)0xe9};
    uint32_t r = 12345;
    char h[80], nd[24];
    for (int k = 0; k < 20000; k++) {
        r = r * 1103515245u + 12345u;
        size_t hn = (r >> 8) % 72, nn = 1 + (r >> 20) % 20;
        for (size_t i = 0; i < hn; i++) {
            r = r * 1103515245u + 12345u;
            h[i] = alpha[(r >> 16) % sizeof alpha];
        }
        r = r * 1103515245u + 12345u;
        if ((r >> 16) % 2 && nn <= hn) { /* a piece of the haystack */
            memcpy(nd, h + (r >> 18) % (hn - nn + 1), nn);
        } else {
            for (size_t i = 0; i < nn; i++) {
                r = r * 1103515245u + 12345u;
                nd[i] = alpha[(r >> 16) % sizeof alpha];
            }
        }
        assert_find(h, hn, nd, nn);
    }
}

/* A glob of stars only is matched piece by piece (value.c); it decides as the general glob
 * matcher does, for every pattern of up to six bytes of `a`, `b` and `*` (with a star) against
 * every text of up to seven bytes of `a` and `b`. */
static void test_glob_stars_pieces(void **state)
{
    (void)state;
    vg__value v = {.kind = VK_STRING, .pat = {.kind = PK_GLOB, .cased = 1, .stars = 1}};
    char pat[8], text[8];
    static const char pc[] = {'a', 'b', VG_GLOB_STAR};
    for (size_t pl = 1; pl <= 6; pl++) {
        size_t np = 1;
        for (size_t i = 0; i < pl; i++)
            np *= 3;
        for (size_t pi = 0; pi < np; pi++) {
            int star = 0;
            for (size_t i = 0, x = pi; i < pl; i++, x /= 3)
                star |= (pat[i] = pc[x % 3]) == VG_GLOB_STAR;
            if (!star)
                continue;
            v.pat.text = pat;
            v.pat.len = pl;
            for (size_t tl = 0; tl <= 7; tl++)
                for (size_t ti = 0; ti < (1u << tl); ti++) {
                    for (size_t i = 0; i < tl; i++)
                        text[i] = (ti >> i) & 1 ? 'b' : 'a';
                    vg__str t = {text, tl};
                    if (vg__value_match(&v, t, t, NULL, NULL, NULL) !=
                        vg__glob_match(pat, pl, text, tl, 1))
                        fail_msg("stars glob %zu bytes (#%zu) on text #%zu of %zu bytes", pl, pi,
                                 ti, tl);
                }
        }
    }
    /* compiled values: stars only when the glob has no `?` */
    static const struct {
        const char *value;
        int stars;
    } c[] = {{"'a*b'", 1}, {"'a*b*c?d'", 0}, {"'a?b'", 0}, {"'*a*b*'", 1}};
    for (size_t i = 0; i < VG_ARRAY_LEN(c); i++) {
        vg_diags *d = vg_diags_new();
        vg_ruleset *rs = compile_item("F", c[i].value, d);
        const vg__item *it = first_item(rs);
        assert_int_equal(it->vals[0].pat.kind, PK_GLOB);
        assert_int_equal(it->vals[0].pat.stars, c[i].stars);
        vg_ruleset_free(rs);
        vg_diags_free(d);
    }
}

/* Does a (as written, or folded) equal, start with, end with or contain b: the reference for
 * fieldref (kind 0..3), byte by byte. */
static int fieldref_ref(const char *a, const char *b, int kind, int cased)
{
    size_t an = strlen(a), bn = strlen(b);
    for (size_t at = 0; at + bn <= an; at++) {
        if ((kind == 0 && (at || an != bn)) || (kind == 1 && at) || (kind == 2 && at + bn != an))
            continue;
        size_t i = 0;
        while (i < bn &&
               (cased ? a[at + i] == b[i]
                      : vg__lower((unsigned char)a[at + i]) == vg__lower((unsigned char)b[i])))
            i++;
        if (i == bn)
            return 1;
    }
    return 0;
}

/* fieldref with each match kind, cased or not, against the reference; the other field may
 * occur twice (either may match) or be null (no match). */
static void test_fieldref_kinds(void **state)
{
    (void)state;
    static const char *const mods[] = {"", "|startswith", "|endswith", "|contains"};
    static const char *const pairs[][2] = {{"C:\\Tmp\\X.exe", "c:\\tmp"},
                                           {"abc", "ABC"},
                                           {"abc", "abcd"},
                                           {"", ""},
                                           {"xAbCx", "abc"},
                                           {"xAbCx", "AbC"},
                                           {"some long value, here", "VALUE, HERE"},
                                           {"\xc3\xa9t\xc3\xa9", "T\xc3\xa9"},
                                           {"aaaaaaaaaaaaaaaaaaab", "AAAB"}};
    for (int kind = 0; kind < 4; kind++)
        for (int cased = 0; cased < 2; cased++) {
            char key[64];
            snprintf(key, sizeof key, "A|fieldref%s%s", mods[kind], cased ? "|cased" : "");
            vg_diags *d = vg_diags_new();
            vg_ruleset *rs = compile_item(key, "B", d);
            assert_int_equal(vg_ruleset_finalize(rs, d), 0);
            vg_matcher *m = vg_matcher_new(rs);
            for (size_t i = 0; i < VG_ARRAY_LEN(pairs); i++)
                for (int shape = 0; shape < 3; shape++) {
                    const char *a = pairs[i][0], *b = pairs[i][1];
                    vg_event *ev = vg_event_new();
                    assert_int_equal(vg_event_add(ev, "A", 1, a, strlen(a), VG_VAL_STRING), 0);
                    if (shape == 1) /* another occurrence of B first, which never matches */
                        assert_int_equal(vg_event_add(ev, "b", 1, "\x01", 1, VG_VAL_STRING), 0);
                    assert_int_equal(vg_event_add(ev, "B", 1, b, strlen(b),
                                                  shape == 2 ? VG_VAL_NULL : VG_VAL_STRING),
                                     0);
                    int want = shape != 2 && fieldref_ref(a, b, kind, cased);
                    if (vg_matcher_test(m, vg_ruleset_rule(rs, 0), ev, NULL) != want)
                        fail_msg("%s on A='%s' B='%s' (shape %d) should be %d", key, a, b, shape,
                                 want);
                    vg_event_free(ev);
                }
            vg_matcher_free(m);
            vg_ruleset_free(rs);
            vg_diags_free(d);
        }
}

/* A regular expression is not run on a value shorter than its shortest match
 * (PCRE2_INFO_MINLENGTH, in characters): the values around that length decide as PCRE2 does,
 * also with multi-byte characters. */
static void test_regex_minlen(void **state)
{
    (void)state;
    static const struct {
        const char *re;
        uint32_t minlen;
        const char *text;
        int want;
    } c[] = {
        {"'\\s[a-f]{4}\\s'", 6, " abcd ", 1},
        {"'\\s[a-f]{4}\\s'", 6, " abc ", 0},
        {"'\\s[a-f]{4}\\s'", 6, "x abcd y", 1},
        {"'\xc3\xa9{3}'", 3, "\xc3\xa9\xc3\xa9\xc3\xa9", 1},
        {"'\xc3\xa9{3}'", 3, "\xc3\xa9\xc3\xa9", 0},
        {"'a?'", 0, "", 1},
        {"'(?<=ab)c'", 1, "abc", 1},
        {"'(?<=ab)c'", 1, "c", 0},
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(c); i++) {
        vg_diags *d = vg_diags_new();
        vg_ruleset *rs = compile_item("F|re", c[i].re, d);
        assert_int_equal(vg_ruleset_finalize(rs, d), 0);
        const vg__item *it = first_item(rs);
        assert_int_equal(it->vals[0].kind, VK_REGEX);
        assert_int_equal(it->vals[0].re_minlen, c[i].minlen);
        vg_matcher *m = vg_matcher_new(rs);
        vg_event *ev = vg_event_new();
        assert_int_equal(vg_event_add(ev, "F", 1, c[i].text, strlen(c[i].text), VG_VAL_STRING), 0);
        if (vg_matcher_test(m, vg_ruleset_rule(rs, 0), ev, NULL) != c[i].want)
            fail_msg("re %s on '%s' should be %d", c[i].re, c[i].text, c[i].want);
        vg_event_free(ev);
        vg_matcher_free(m);
        vg_ruleset_free(rs);
        vg_diags_free(d);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* encodings and expansions                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* The item's values as compiled, in order. */
static void assert_patterns(const vg__item *it, int kind, const char *const *want, size_t n)
{
    assert_int_equal(it->n, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(it->vals[i].kind, VK_STRING);
        assert_int_equal(it->vals[i].pat.kind, kind);
        assert_int_equal(it->vals[i].pat.len, strlen(want[i]));
        assert_memory_equal(it->vals[i].pat.text, want[i], strlen(want[i]));
        assert_int_equal(it->vals[i].group, 0);
    }
}

static void test_base64_strings(void **state)
{
    (void)state;
    /* expected strings from python3: base64.b64encode(value) and, for the offsets, the
     * characters of base64.b64encode(p + value + q) that stay the same for every k-byte p
     * (k = 0, 1, 2) and every q, found by encoding with random p and q */
    static const struct {
        const char *mods, *value;
        int kind;
        size_t n;
        const char *want[3];
    } cases[] = {
        {"base64|cased", "'http://'", PK_EXACT, 1, {"aHR0cDovLw=="}},
        {"base64|contains|cased", "'http://'", PK_CONTAINS, 1, {"aHR0cDovLw=="}},
        {"base64offset|contains|cased",
         "'http://'",
         PK_CONTAINS,
         3,
         {"aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"}},
        /* length 6 (a multiple of 3): offset 0 keeps everything */
        {"base64offset|contains|cased",
         "'secret'",
         PK_CONTAINS,
         3,
         {"c2VjcmV0", "NlY3Jld", "zZWNyZX"}},
        /* one byte: at offset 1 every character depends on a neighbour */
        {"base64offset|contains|cased", "'a'", PK_CONTAINS, 2, {"Y", "h"}},
        {"utf16le|base64offset|contains|cased",
         "'cmd /c'",
         PK_CONTAINS,
         3,
         {"YwBtAGQAIAAvAGMA", "MAbQBkACAALwBjA", "jAG0AZAAgAC8AYw"}},
        {"utf16be|base64offset|contains|cased",
         "'cmd /c'",
         PK_CONTAINS,
         3,
         {"AGMAbQBkACAALwBj", "BjAG0AZAAgAC8AY", "AYwBtAGQAIAAvAG"}},
        {"utf16|base64offset|contains|cased",
         "'cmd /c'",
         PK_CONTAINS,
         3,
         {"//5jAG0AZAAgAC8AYw", "/+YwBtAGQAIAAvAGMA", "//mMAbQBkACAALwBjA"}},
        {"wide|base64|cased", "'cmd'", PK_EXACT, 1, {"YwBtAGQA"}},
        /* without cased the pattern is folded like every other value */
        {"base64", "'http://'", PK_EXACT, 1, {"ahr0cdovlw=="}},
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        char key[128];
        snprintf(key, sizeof key, "CommandLine|%s", cases[i].mods);
        vg_diags *d = vg_diags_new();
        vg_ruleset *rs = compile_item(key, cases[i].value, d);
        assert_int_equal(vg_diags_count(d), 0);
        assert_patterns(first_item(rs), cases[i].kind, cases[i].want, cases[i].n);
        vg_ruleset_free(rs);
        vg_diags_free(d);
    }
}

static void test_values_that_vanish(void **state)
{
    (void)state;
    /* base64offset of '' leaves no characters: the written value stays, matching nothing */
    vg_diags *d = vg_diags_new();
    vg_ruleset *rs = compile_item("CommandLine|base64offset|contains|all", "['', 'x']", d);
    assert_int_equal(vg_diags_count(d), 0);
    const vg__item *it = first_item(rs);
    assert_true(it->n >= 2);
    assert_int_equal(it->vals[0].kind, VK_NEVER);
    assert_int_equal(it->vals[0].group, 0);
    for (size_t k = 1; k < it->n; k++)
        assert_int_equal(it->vals[k].group, 1);
    vg_event *ev = vg_event_new();
    vg_event_add(ev, "CommandLine", 11, "eA==", 4, VG_VAL_STRING);
    vg_matcher *m = vg_matcher_new(rs);
    assert_int_equal(vg_matcher_test(m, vg_ruleset_rule(rs, 0), ev, NULL), 0);
    vg_matcher_free(m);
    vg_event_free(ev);
    vg_ruleset_free(rs);
    vg_diags_free(d);
}

/* Keywords and repeated fields look at every occurrence, however many the event has (an
 * earlier version looked at the first 64 only), both through the index and exactly. */
static void test_many_occurrences(void **state)
{
    (void)state;
    vg_diags *d = vg_diags_new();
    vg_ruleset *rs =
        compile("title: kw\nlogsource: {product: windows}\ndetection:\n  keywords: ['needle-kw']\n"
                "  condition: keywords\n---\n"
                "title: rep\nlogsource: {product: windows}\ndetection:\n"
                "  sel: {Item|endswith: 'needle-rep'}\n  condition: sel\n",
                d);
    assert_int_equal(vg_ruleset_finalize(rs, d), 0);
    assert_int_equal(vg_ruleset_count(rs), 2);
    vg_event *ev = vg_event_new();
    for (int i = 0; i < 300; i++) {
        char name[32], value[64];
        int nl = snprintf(name, sizeof name, i % 2 ? "Item" : "Field%d", i);
        int vl = snprintf(value, sizeof value, "value %d%s", i,
                          i == 250   ? " needle-KW here"
                          : i == 299 ? " NEEDLE-rep"
                                     : "");
        assert_int_equal(vg_event_add(ev, name, (size_t)nl, value, (size_t)vl, VG_VAL_STRING), 0);
    }
    for (int exact = 0; exact <= 1; exact++) {
        vg_matcher *m = vg_matcher_new(rs);
        vg_matcher_set_exact(m, exact);
        assert_int_equal(vg_matcher_test(m, vg_ruleset_rule(rs, 0), ev, NULL), 1);
        assert_int_equal(vg_matcher_test(m, vg_ruleset_rule(rs, 1), ev, NULL), 1);
        assert_int_equal(vg_matcher_run(m, ev, NULL, NULL), 2);
        vg_matcher_free(m);
    }
    vg_event_free(ev);
    vg_ruleset_free(rs);
    vg_diags_free(d);
}

/* ------------------------------------------------------------------------------------------ */
/* value sets (long lists of plain values)                                                     */
/* ------------------------------------------------------------------------------------------ */

/* One field text and whether the item `F|MODS: LIST` matches it. */
typedef struct vset_case {
    const char *text;
    int want;
} vset_case;

/* The item's values tried one by one on text, as evaluation does without a value set. */
static int values_one_by_one(const vg__item *it, const char *text)
{
    char low[256];
    size_t n = strlen(text);
    assert_true(n < sizeof low);
    for (size_t i = 0; i < n; i++)
        low[i] = (char)vg__lower((unsigned char)text[i]);
    int hit = 0;
    for (size_t v = 0; v < it->n && !hit; v++)
        hit =
            vg__value_match(&it->vals[v], (vg__str){text, n}, (vg__str){low, n}, NULL, NULL, NULL);
    return it->neq ? !hit : hit;
}

/* Compile `F|MODS: LIST`, check that it has a value set (or not) and that every case matches as
 * wanted through the set (vg_matcher_test without explanation), value by value (with
 * explanation), the index and exact evaluation, and the values tried one by one. */
static void assert_vset(const char *key, const char *list, int with_set, const vset_case *cases,
                        size_t n)
{
    vg_diags *d = vg_diags_new();
    vg_ruleset *rs = compile_item(key, list, d);
    assert_int_equal(vg_ruleset_finalize(rs, d), 0);
    const vg__item *it = first_item(rs);
    assert_int_equal(it->set != NULL, with_set);
    vg_matcher *m[2] = {vg_matcher_new(rs), vg_matcher_new(rs)};
    vg_matcher_set_exact(m[1], 1);
    for (size_t i = 0; i < n; i++) {
        vg_event *ev = vg_event_new();
        const char *t = cases[i].text;
        assert_int_equal(vg_event_add(ev, "F", 1, t, strlen(t), VG_VAL_STRING), 0);
        char *why = NULL;
        if (vg_matcher_test(m[0], vg_ruleset_rule(rs, 0), ev, NULL) != cases[i].want ||
            vg_matcher_test(m[0], vg_ruleset_rule(rs, 0), ev, &why) != cases[i].want ||
            vg_matcher_run(m[0], ev, NULL, NULL) != cases[i].want ||
            vg_matcher_run(m[1], ev, NULL, NULL) != cases[i].want ||
            (!it->all && values_one_by_one(it, t) != cases[i].want))
            fail_msg("%s: %s on '%s' should be %d", key, list, t, cases[i].want);
        free(why);
        vg_event_free(ev);
    }
    vg_matcher_free(m[0]);
    vg_matcher_free(m[1]);
    vg_ruleset_free(rs);
    vg_diags_free(d);
}

static void test_vset_suffixes(void **state)
{
    (void)state;
    /* suffixes of several lengths and of each other, mixed case, a value longer than most
     * texts, non-ASCII (folded only in ASCII), an escaped star (plain) and globs (one by one) */
    const char *list = "['.dll', '\\x.dll', '\\Y.DLL', '\\zz.exe', 'a', 'bc', "
                       "'\\Very\\Long\\Path\\name.sys', 'Ü', '\\*', 'q?', 'w*z']";
    static const vset_case c[] = {{"C:\\Windows\\FOO.DLL", 1},
                                  {"abc", 1},
                                  {"xa", 1},
                                  {"C", 0},
                                  {"", 0},
                                  {"bC", 1},
                                  {"B", 0},
                                  {"x.dl", 0},
                                  {"dll", 0},
                                  {"C:\\Y.DLL", 1},
                                  {"\\zz.exE", 1},
                                  {"zz.exe", 0},
                                  {"name.sys", 0},
                                  {"\\very\\long\\path\\NAME.SYS", 1},
                                  {"C:\\very\\long\\path\\name.sys", 1},
                                  {"xÜ", 1},
                                  {"xü", 0},
                                  {"abc*", 1},
                                  {"xqz", 1},
                                  {"xq", 0},
                                  {"wxxz", 1},
                                  {"wz", 1},
                                  {"zw", 0}};
    assert_vset("F|endswith", list, 1, c, VG_ARRAY_LEN(c));
}

static void test_vset_prefixes(void **state)
{
    (void)state;
    const char *list = "['C:\\Windows\\', 'c:\\windows\\system32\\', 'C:\\Prog', 'd:', 'E', "
                       "'ftp://', 'http://', 'https://', 'x*y', 'C:\\Windows\\System32\\cmd.exe']";
    static const vset_case c[] = {{"c:\\WINDOWS\\notepad.exe", 1},
                                  {"C:\\Windows", 0},
                                  {"C:\\Windows\\", 1},
                                  {"e", 1},
                                  {"", 0},
                                  {"D", 0},
                                  {"d:x", 1},
                                  {"HTTPS://a", 1},
                                  {"http:/", 0},
                                  {"ftp:", 0},
                                  {"c:\\program files", 1},
                                  {"xzzy-more", 1},
                                  {"xz", 0},
                                  {"C:\\Progra", 1},
                                  {"C:\\Pro", 0}};
    assert_vset("F|startswith", list, 1, c, VG_ARRAY_LEN(c));
}

static void test_vset_equals(void **state)
{
    (void)state;
    /* duplicates in other case, an empty value, values that prefix each other, a glob */
    const char *list = "['cmd.exe', 'CMD.EXE', 'powershell.exe', 'pwsh.exe', '', 'a', 'ab', "
                       "'abc', 'x*y', 'rundll32.exe', 42]";
    static const vset_case c[] = {
        {"CMD.exe", 1}, {"", 1},   {"ab", 1},       {"abcd", 0},         {"b", 0},
        {"xzzy", 1},    {"xy", 1}, {"xyz", 0},      {"Rundll32.EXE", 1}, {"rundll32.ex", 0},
        {"42", 1},      {"4", 0},  {"PwSh.Exe", 1}, {" cmd.exe", 0}};
    assert_vset("F", list, 1, c, VG_ARRAY_LEN(c));
    /* neq: the field matches none of the values */
    static const vset_case neq[] = {{"CMD.exe", 0}, {"", 0}, {"abcd", 1}, {"xzzy", 0}, {"b", 1}};
    assert_vset("F|neq", list, 1, neq, VG_ARRAY_LEN(neq));
}

static void test_vset_empty_value(void **state)
{
    (void)state;
    /* an empty suffix (prefix) is in every text */
    const char *list = "['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', '']";
    static const vset_case c[] = {{"", 1}, {"zzz", 1}, {"A1", 1}};
    assert_vset("F|endswith", list, 1, c, VG_ARRAY_LEN(c));
    assert_vset("F|startswith", list, 1, c, VG_ARRAY_LEN(c));
}

static void test_vset_unusual_lists(void **state)
{
    (void)state;
    /* under VG_VSET_MIN plain values (the globs do not count): one by one */
    static const vset_case few[] = {{"xa.dll", 1}, {"x.b", 1}, {"x.c", 0}};
    assert_vset("F|endswith", "['a.dll', '.b', 'c*d', 'e?', 'f*', 'g*', 'h?', 'i*']", 0, few,
                VG_ARRAY_LEN(few));
    /* cased lists compare as written: one by one */
    const char *eight = "['.Dll', '.exe', '.sys', '.ps1', '.bat', '.cmd', '.vbs', '.js']";
    static const vset_case cased[] = {{"a.Dll", 1}, {"a.dll", 0}, {"A.EXE", 0}, {"a.js", 1}};
    assert_vset("F|endswith|cased", eight, 0, cased, VG_ARRAY_LEN(cased));
    /* all: every value must match */
    static const vset_case all[] = {{"x.Dll.exe.sys.ps1.bat.cmd.vbs.js", 0},
                                    {".dll.exe.sys.ps1.bat.cmd.vbs.js", 0}};
    assert_vset("F|endswith|all", eight, 0, all, VG_ARRAY_LEN(all));
    static const vset_case all_c[] = {{".dll.exe.sys.ps1.bat.cmd.vbs.js", 1},
                                      {".DLL.EXE.SYS.PS1.BAT.CMD.VBS.JS", 1},
                                      {".dll.exe.sys.ps1.bat.cmd.vbs", 0}};
    assert_vset("F|contains|all", eight, 0, all_c, VG_ARRAY_LEN(all_c));
    /* mixed case in the set itself */
    static const vset_case folded[] = {{"a.DLL", 1}, {"a.dll", 1}, {"a.JS", 1}, {"a.j", 0}};
    assert_vset("F|endswith", eight, 1, folded, VG_ARRAY_LEN(folded));
}

/* Any occurrence of the field (a list of values in the event) may match. */
static void test_vset_occurrences(void **state)
{
    (void)state;
    vg_diags *d = vg_diags_new();
    vg_ruleset *rs = compile_item(
        "F|endswith", "['.dll', '.exe', '.sys', '.ps1', '.bat', '.cmd', '.vbs', '.js']", d);
    assert_int_equal(vg_ruleset_finalize(rs, d), 0);
    assert_non_null(first_item(rs)->set);
    vg_matcher *m = vg_matcher_new(rs);
    vg_event *ev = vg_event_new();
    assert_int_equal(vg_event_add(ev, "F", 1, "a.txt", 5, VG_VAL_STRING), 0);
    assert_int_equal(vg_event_add(ev, "G", 1, "a.dll", 5, VG_VAL_STRING), 0);
    assert_int_equal(vg_matcher_test(m, vg_ruleset_rule(rs, 0), ev, NULL), 0);
    assert_int_equal(vg_event_add(ev, "F", 1, "B.VBS", 5, VG_VAL_STRING), 0);
    assert_int_equal(vg_matcher_test(m, vg_ruleset_rule(rs, 0), ev, NULL), 1);
    vg_event_free(ev);
    vg_matcher_free(m);
    vg_ruleset_free(rs);
    vg_diags_free(d);
}

static void test_utf16_bytes(void **state)
{
    (void)state;
    vg_diags *d = vg_diags_new();
    /* U+00E9 is one UTF-16 unit; U+1F600 is a surrogate pair D83D DE00 */
    vg_ruleset *rs = compile_item("Blob|utf16le|cased", "\"\\u00e9\\U0001F600\"", d);
    assert_int_equal(vg_diags_count(d), 0);
    const vg__item *it = first_item(rs);
    static const char want[] = {(char)0xE9, 0x00, 0x3D, (char)0xD8, 0x00, (char)0xDE};
    assert_int_equal(it->n, 1);
    assert_int_equal(it->vals[0].pat.len, sizeof want);
    assert_memory_equal(it->vals[0].pat.text, want, sizeof want);
    vg_ruleset_free(rs);
    rs = compile_item("Blob|utf16be|cased", "\"\\u00e9\\U0001F600\"", d);
    it = first_item(rs);
    static const char want_be[] = {0x00, (char)0xE9, (char)0xD8, 0x3D, (char)0xDE, 0x00};
    assert_int_equal(it->vals[0].pat.len, sizeof want_be);
    assert_memory_equal(it->vals[0].pat.text, want_be, sizeof want_be);
    vg_ruleset_free(rs);
    vg_diags_free(d);
}

static void test_windash_counts(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        size_t n;
    } cases[] = {
        {"'-a'", 5},
        {"'/a'", 5},
        {"'\xe2\x80\x93"
         "a'",
         5}, /* en dash */
        {"'\xe2\x80\x94"
         "a'",
         5}, /* em dash */
        {"'\xe2\x80\x95"
         "a'",
         5}, /* horizontal bar */
        {"'-a -b'", 25},
        {"'x -a /b \xe2\x80\x93"
         "c'",
         125},
        {"'Invoke-Expression'", 1},
        {"'a-b -c'", 5},
        {"'--x'", 5}, /* only the dash before the word character */
        {"'- x'", 1}, /* not followed by a word character */
        {"'x-'", 1},
        {"'C:/Windows'", 5}, /* ':' is not a word character: this '/' starts a flag */
        {"'a/b'", 1},
        {"'cmd /c'", 5},
        {"'-'", 1},
        {"''", 1},
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        vg_diags *d = vg_diags_new();
        vg_ruleset *rs = compile_item("CommandLine|windash|cased", cases[i].value, d);
        assert_int_equal(vg_diags_count(d), 0);
        const vg__item *it = first_item(rs);
        if (it->n != cases[i].n)
            print_message("windash %s: %zu values, want %zu\n", cases[i].value, it->n, cases[i].n);
        assert_int_equal(it->n, cases[i].n);
        for (size_t k = 0; k < it->n; k++)
            assert_int_equal(it->vals[k].group, 0);
        vg_ruleset_free(rs);
        vg_diags_free(d);
    }
    /* the five variants of one flag, in the order of the dash table */
    vg_diags *d = vg_diags_new();
    vg_ruleset *rs = compile_item("CommandLine|windash|cased", "' -enc'", d);
    static const char *const want[] = {" -enc", " /enc",
                                       " \xe2\x80\x93"
                                       "enc",
                                       " \xe2\x80\x94"
                                       "enc",
                                       " \xe2\x80\x95"
                                       "enc"};
    assert_patterns(first_item(rs), PK_EXACT, want, 5);
    vg_ruleset_free(rs);
    /* expansions of the second written value share group 1 */
    rs = compile_item("CommandLine|windash|contains|all", "['-a', '-b', 'c']", d);
    const vg__item *it = first_item(rs);
    assert_int_equal(it->n, 11);
    for (size_t k = 0; k < it->n; k++)
        assert_int_equal(it->vals[k].group, k < 5 ? 0 : k < 10 ? 1 : 2);
    assert_true(it->all);
    vg_ruleset_free(rs);
    vg_diags_free(d);
}

/* ------------------------------------------------------------------------------------------ */
/* time parts and CIDR                                                                         */
/* ------------------------------------------------------------------------------------------ */

static int week_is(int y, int m, int day, int week)
{
    char t[32];
    snprintf(t, sizeof t, "%04d-%02d-%02dT12:00:00Z", y, m, day);
    vg__value v = {0};
    v.kind = VK_NUMBER;
    v.cmp = CMP_EQ;
    v.timepart = TP_WEEK;
    v.num = week;
    return vg__value_match(&v, vg__str_c(t), vg__str_c(t), NULL, NULL, NULL);
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

/* ISO week by the definition: the week of a day is the week of its Thursday, counted from the
 * first Thursday of that Thursday's year. */
static int iso_week_ref(int y, int m, int d)
{
    long days = days_from_civil(y, (unsigned)m, (unsigned)d);
    int wd = (int)(((days % 7) + 7 + 3) % 7); /* 0 = Monday; 1970-01-01 was a Thursday */
    long thursday = days - wd + 3;
    /* year of that Thursday: try y-1, y, y+1 */
    int ty = y + 1;
    while (days_from_civil(ty, 1, 1) > thursday)
        ty--;
    return (int)((thursday - days_from_civil(ty, 1, 1)) / 7) + 1;
}

static void test_iso_weeks(void **state)
{
    (void)state;
    /* dates around year ends (python3: datetime.date(y, m, d).isocalendar()[1]) */
    static const int cases[][4] = {
        {2021, 1, 1, 53},   {2021, 1, 3, 53},   {2021, 1, 4, 1},    {2020, 12, 31, 53},
        {2020, 12, 28, 53}, {2024, 12, 29, 52}, {2024, 12, 30, 1},  {2024, 12, 31, 1},
        {2025, 1, 1, 1},    {2025, 12, 29, 1},  {2026, 12, 31, 53}, {2027, 1, 1, 53},
        {2027, 1, 3, 53},   {2027, 1, 4, 1},    {2016, 1, 3, 53},   {2016, 1, 4, 1},
        {2022, 1, 1, 52},   {2022, 1, 2, 52},   {2022, 1, 3, 1},    {2008, 12, 29, 1},
        {2004, 12, 31, 53}, {2005, 1, 2, 53},   {1992, 12, 31, 53}, {2009, 12, 31, 53},
        {2010, 1, 3, 53},   {2000, 1, 1, 52},   {2000, 1, 3, 1},    {2000, 12, 31, 52},
        {2024, 2, 29, 9},   {2024, 6, 30, 26},  {2023, 1, 1, 52},   {2023, 1, 2, 1},
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        const int *c = cases[i];
        assert_int_equal(iso_week_ref(c[0], c[1], c[2]), c[3]);
        if (!week_is(c[0], c[1], c[2], c[3]))
            print_message("%04d-%02d-%02d is not week %d\n", c[0], c[1], c[2], c[3]);
        assert_true(week_is(c[0], c[1], c[2], c[3]));
        assert_false(week_is(c[0], c[1], c[2], c[3] == 1 ? 2 : c[3] - 1));
    }
    /* every day of 1970-2100 against the definition */
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t wrong = 0;
    for (int y = 1970; y <= 2100; y++) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= mdays[m - 1] + (m == 2 && leap); d++)
                if (!week_is(y, m, d, iso_week_ref(y, m, d)) && wrong++ < 5)
                    print_message("%04d-%02d-%02d: not week %d\n", y, m, d, iso_week_ref(y, m, d));
    }
    assert_int_equal(wrong, 0);
}

static int in_net(const char *net, unsigned prefix, const char *ip)
{
    vg__value v = {0};
    v.kind = VK_CIDR;
    assert_true(vg__parse_ip(net, strlen(net), v.ip, &v.family));
    v.prefix = (uint8_t)prefix;
    return vg__value_match(&v, vg__str_c(ip), vg__str_c(ip), NULL, NULL, NULL);
}

static void test_cidr_prefixes(void **state)
{
    (void)state;
    assert_true(in_net("0.0.0.0", 0, "255.255.255.255"));
    assert_true(in_net("0.0.0.0", 0, "0.0.0.0"));
    assert_true(in_net("128.0.0.0", 1, "200.1.1.1"));
    assert_false(in_net("128.0.0.0", 1, "127.255.255.255"));
    /* a prefix inside the first byte */
    assert_true(in_net("10.0.0.0", 7, "11.255.255.255"));
    assert_false(in_net("10.0.0.0", 7, "12.0.0.0"));
    assert_false(in_net("10.0.0.0", 7, "9.255.255.255"));
    /* byte boundaries and one bit past them */
    assert_true(in_net("10.0.0.0", 8, "10.255.255.255"));
    assert_false(in_net("10.0.0.0", 8, "11.0.0.0"));
    assert_true(in_net("10.128.0.0", 9, "10.255.0.1"));
    assert_false(in_net("10.128.0.0", 9, "10.127.255.255"));
    assert_true(in_net("192.168.1.64", 27, "192.168.1.95"));
    assert_false(in_net("192.168.1.64", 27, "192.168.1.96"));
    assert_false(in_net("192.168.1.64", 27, "192.168.1.63"));
    assert_true(in_net("192.168.1.2", 31, "192.168.1.3"));
    assert_false(in_net("192.168.1.2", 31, "192.168.1.4"));
    assert_true(in_net("192.168.1.2", 32, "192.168.1.2"));
    assert_false(in_net("192.168.1.2", 32, "192.168.1.3"));
    /* IPv6 */
    assert_true(in_net("::", 0, "ffff::1"));
    assert_true(in_net("2001:db8::", 32, "2001:db8:ffff::1"));
    assert_false(in_net("2001:db8::", 32, "2001:db9::"));
    assert_true(in_net("2001:db8::", 33, "2001:db8:7fff::"));
    assert_false(in_net("2001:db8::", 33, "2001:db8:8000::"));
    assert_true(in_net("fe80::", 10, "febf::1"));
    assert_false(in_net("fe80::", 10, "fec0::1"));
    assert_true(in_net("::1", 128, "::1"));
    assert_false(in_net("::1", 128, "::2"));
    assert_true(in_net("2001:db8::", 127, "2001:db8::1"));
    assert_false(in_net("2001:db8::", 127, "2001:db8::2"));
    assert_true(in_net("fe80::", 64, "fe80::1%eth0")); /* zone ids are ignored */
    /* families: IPv4-mapped IPv6 is IPv4; plain IPv4 is not in an IPv6 network */
    assert_true(in_net("10.0.0.0", 8, "::ffff:10.1.2.3"));
    assert_false(in_net("10.0.0.0", 8, "::ffff:11.1.2.3"));
    assert_false(in_net("10.0.0.0", 8, "::10.1.2.3"));
    assert_false(in_net("::ffff:10.0.0.0", 104, "10.1.2.3"));
    assert_false(in_net("0.0.0.0", 0, "::"));
    /* not addresses */
    assert_false(in_net("0.0.0.0", 0, ""));
    assert_false(in_net("0.0.0.0", 0, "10.0.0"));
    assert_false(in_net("0.0.0.0", 0, "10.0.0.256"));
    assert_false(in_net("0.0.0.0", 0, " 10.0.0.1"));
    assert_false(in_net("0.0.0.0", 0, "10.0.0.1/8"));
    char longtext[200];
    memset(longtext, '1', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = 0;
    assert_false(in_net("0.0.0.0", 0, longtext));
}

/* ------------------------------------------------------------------------------------------ */
/* condition parser                                                                            */
/* ------------------------------------------------------------------------------------------ */

static const vg__search searches[] = {{"a", NULL, 0},     {"b", NULL, 0},     {"c", NULL, 0},
                                      {"sel_1", NULL, 0}, {"sel_2", NULL, 0}, {"_x", NULL, 0}};

static void tree(const vg__cnode *n, vg__buf *b)
{
    switch (n->op) {
    case CN_REF:
        vg__buf_adds(b, searches[n->ref].name);
        return;
    case CN_AND:
    case CN_OR:
        vg__buf_adds(b, n->op == CN_AND ? "and(" : "or(");
        tree(n->a, b);
        vg__buf_addc(b, ',');
        tree(n->b, b);
        vg__buf_addc(b, ')');
        return;
    case CN_NOT:
        vg__buf_adds(b, "not(");
        tree(n->a, b);
        vg__buf_addc(b, ')');
        return;
    case CN_OF_ANY:
    case CN_OF_ALL:
        if (n->op == CN_OF_ALL)
            vg__buf_adds(b, "all(");
        else
            vg__buf_printf(b, "%u-of(", n->count);
        for (size_t i = 0; i < n->n_refs; i++) {
            if (i)
                vg__buf_addc(b, ',');
            vg__buf_adds(b, searches[n->refs[i]].name);
        }
        vg__buf_addc(b, ')');
        return;
    default:
        vg__buf_adds(b, "?");
    }
}

/* Parse s; returns the tree as text, or "error@POS: message". Caller frees. */
static char *parse(const char *s)
{
    vg__arena a;
    vg__arena_init(&a);
    char err[256];
    size_t pos = 0;
    vg__cnode *t =
        vg__cond_parse(s, strlen(s), searches, VG_ARRAY_LEN(searches), &a, err, sizeof err, &pos);
    vg__buf b;
    vg__buf_init(&b);
    if (t)
        tree(t, &b);
    else
        vg__buf_printf(&b, "error@%zu: %s", pos, err);
    vg__arena_free(&a);
    char *out = vg__buf_take(&b, NULL);
    assert_non_null(out);
    return out;
}

static void assert_parse(const char *cond, const char *want)
{
    char *got = parse(cond);
    if (strcmp(got, want) != 0)
        print_message("condition '%s'\n  got  %s\n  want %s\n", cond, got, want);
    assert_string_equal(got, want);
    free(got);
}

static void test_cond_precedence(void **state)
{
    (void)state;
    assert_parse("a", "a");
    assert_parse("a or b and c", "or(a,and(b,c))");
    assert_parse("a and b or c", "or(and(a,b),c)");
    assert_parse("a or b or c", "or(or(a,b),c)");
    assert_parse("a and b and c", "and(and(a,b),c)");
    assert_parse("(a or b) and c", "and(or(a,b),c)");
    assert_parse("a and (b or c)", "and(a,or(b,c))");
    assert_parse("not a and b", "and(not(a),b)");
    assert_parse("not a or b", "or(not(a),b)");
    assert_parse("not (a and b)", "not(and(a,b))");
    assert_parse("a and not not b", "and(a,not(not(b)))");
    assert_parse("not a or not b and c", "or(not(a),and(not(b),c))");
    assert_parse("((a))", "a");
    assert_parse("  a\n\tand\r\nb  ", "and(a,b)");
    /* keywords ignore case, identifiers do not */
    assert_parse("a AND NOT b Or c", "or(and(a,not(b)),c)");
    assert_parse("A", "error@0: unknown search identifier 'A'");
}

static void test_cond_quantifiers(void **state)
{
    (void)state;
    assert_parse("1 of sel_*", "1-of(sel_1,sel_2)");
    assert_parse("all of sel_*", "all(sel_1,sel_2)");
    assert_parse("ALL OF sel_*", "all(sel_1,sel_2)");
    assert_parse("1 of them", "1-of(a,b,c,sel_1,sel_2)");
    assert_parse("all of them", "all(a,b,c,sel_1,sel_2)");
    assert_parse("5 of them", "5-of(a,b,c,sel_1,sel_2)");
    assert_parse("2 of sel_*", "2-of(sel_1,sel_2)");
    assert_parse("1 of _*", "1-of(_x)");
    assert_parse("1 of *", "1-of(a,b,c,sel_1,sel_2,_x)");
    assert_parse("1 of s*_2", "1-of(sel_2)");
    assert_parse("1 of a", "1-of(a)");
    /* "x of" binds tighter than not, and, or */
    assert_parse("not 1 of sel_* and a", "and(not(1-of(sel_1,sel_2)),a)");
    assert_parse("a or all of sel_* and b", "or(a,and(all(sel_1,sel_2),b))");
    assert_parse("1 of sel_* or 1 of _*", "or(1-of(sel_1,sel_2),1-of(_x))");
}

static void test_cond_errors(void **state)
{
    (void)state;
    assert_parse("", "error@0: unexpected end of condition");
    assert_parse("a and", "error@5: unexpected end of condition");
    assert_parse("a b", "error@2: expected 'and', 'or' or the end of the condition");
    assert_parse("(a", "error@0: unbalanced '(': missing ')'");
    assert_parse("a and (b or (c)", "error@6: unbalanced '(': missing ')'");
    assert_parse("a)", "error@1: unbalanced ')'");
    assert_parse("a | count() > 5", "error@2: aggregation expressions ('| count() ...') were "
                                    "removed in Sigma v2; write a correlation rule instead");
    assert_parse("and a", "error@0: unexpected operator 'and'");
    assert_parse("a or or b", "error@5: unexpected operator 'or'");
    assert_parse("of a", "error@0: unexpected operator 'of'");
    assert_parse("them", "error@0: 'them' must follow '1 of' or 'all of'");
    assert_parse("all", "error@0: 'all' must follow '1 of' or 'all of'");
    assert_parse("0 of them", "error@0: '0 of' is never true; use 1 or more");
    assert_parse("x of them", "error@0: expected a count or 'all' before 'of'");
    assert_parse("1x of them", "error@0: expected a count or 'all' before 'of'");
    assert_parse("1 of", "error@4: expected 'them' or an identifier pattern after 'of'");
    assert_parse("1 of zz*", "error@5: 'zz*' matches no search identifier");
    assert_parse("a and 3 of sel_*",
                 "error@6: '3 of sel_*' is never true: only 2 search identifiers match");
    assert_parse("2 of c", "error@0: '2 of c' is never true: only 1 search identifier matches");
    assert_parse("a & b", "error@2: expected 'and', 'or' or the end of the condition");
    assert_parse("!a", "error@0: unexpected character '!'");
    assert_parse("a and nope", "error@6: unknown search identifier 'nope'");
}

static void test_cond_depth_limit(void **state)
{
    (void)state;
    char s[1024];
    char want[64];
    /* exactly VG_SIGMA_MAX_COND_DEPTH parentheses parse; one more fails at the extra '(' */
    for (int extra = 0; extra <= 1; extra++) {
        int depth = VG_SIGMA_MAX_COND_DEPTH + extra;
        size_t n = 0;
        for (int i = 0; i < depth; i++)
            s[n++] = '(';
        s[n++] = 'a';
        for (int i = 0; i < depth; i++)
            s[n++] = ')';
        s[n] = 0;
        if (!extra) {
            assert_parse(s, "a");
        } else {
            snprintf(want, sizeof want, "error@%d: condition nested too deeply",
                     VG_SIGMA_MAX_COND_DEPTH);
            assert_parse(s, want);
        }
    }
    /* the same for chained 'not': the error points at the extra 'not' */
    for (int extra = 0; extra <= 1; extra++) {
        int depth = VG_SIGMA_MAX_COND_DEPTH + extra;
        size_t n = 0;
        for (int i = 0; i < depth; i++)
            n += (size_t)snprintf(s + n, sizeof s - n, "not ");
        snprintf(s + n, sizeof s - n, "a");
        char *got = parse(s);
        if (!extra) {
            assert_int_equal(strncmp(got, "not(not(", 8), 0);
        } else {
            snprintf(want, sizeof want, "error@%d: condition nested too deeply",
                     4 * VG_SIGMA_MAX_COND_DEPTH);
            assert_string_equal(got, want);
        }
        free(got);
    }
    /* parentheses and 'not' share the budget */
    size_t n = 0;
    for (int i = 0; i < VG_SIGMA_MAX_COND_DEPTH / 2; i++)
        n += (size_t)snprintf(s + n, sizeof s - n, "not (");
    snprintf(s + n, sizeof s - n, "not a");
    char *got = parse(s);
    assert_int_equal(strncmp(got, "error@", 6), 0);
    assert_non_null(strstr(got, "nested too deeply"));
    free(got);
    /* a long flat chain is not nesting */
    n = 0;
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(s + n, sizeof s - n, "a or ");
    snprintf(s + n, sizeof s - n, "b");
    got = parse(s);
    assert_int_equal(strncmp(got, "or(", 3), 0);
    free(got);
}

/* ------------------------------------------------------------------------------------------ */
/* limits                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* Compile `Computer|expand: '%many%'` with a placeholder of n values. */
static void expand_n(size_t n, vg_diags *d, size_t *values)
{
    char path[] = "/tmp/vigil-test-sigma-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "many:\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  - 'host%zu'\n", i);
    fclose(f);
    vg_ruleset *rs = vg_ruleset_new(NULL, NULL);
    assert_int_equal(vg_ruleset_load_placeholders(rs, path, d), 0);
    unlink(path);
    static const char doc[] = "title: t\nlogsource: {product: windows}\ndetection:\n  sel:\n"
                              "    Computer|expand: '%many%'\n  condition: sel\n";
    assert_int_equal(vg_ruleset_add_buffer(rs, doc, sizeof doc - 1, "t.yml", d), 0);
    *values = rs->rules.len ? first_item(rs)->n : 0;
    vg_ruleset_free(rs);
}

static void test_limit_expansion(void **state)
{
    (void)state;
    vg_diags *d = vg_diags_new();
    size_t n;
    expand_n(VG_SIGMA_MAX_EXPANSION, d, &n);
    assert_int_equal(vg_diags_count(d), 0);
    assert_int_equal(n, VG_SIGMA_MAX_EXPANSION);
    expand_n(VG_SIGMA_MAX_EXPANSION + 1, d, &n);
    assert_int_equal(n, 0); /* the rule is rejected */
    assert_int_equal(vg_diags_count(d), 1);
    const vg_diag *g = vg_diags_get(d, 0);
    assert_int_equal(g->code, VG_ERR_LIMIT);
    assert_string_equal(g->message, "a value expands to too many alternatives");
    assert_int_equal(g->line, 5); /* the value, not the rule */
    assert_int_equal(g->col, 22);
    vg_diags_clear(d);
    /* windash: 5^5 = 3125 values fit, 5^6 = 15625 do not */
    vg_ruleset *rs = compile_item("CommandLine|windash", "'-a -b -c -d -e'", d);
    assert_int_equal(vg_diags_count(d), 0);
    assert_int_equal(first_item(rs)->n, 3125);
    vg_ruleset_free(rs);
    rs = compile_item("CommandLine|windash", "'-a -b -c -d -e -f'", d);
    assert_int_equal(rs->rules.len, 0);
    assert_string_equal(first_error(d), "a value expands to too many alternatives");
    vg_ruleset_free(rs);
    vg_diags_free(d);
}

static void test_limit_modifiers(void **state)
{
    (void)state;
    vg_diags *d = vg_diags_new();
    /* exactly VG_SIGMA_MAX_MODIFIERS (8) modifiers that may be combined */
    vg_ruleset *rs = compile_item(
        "CommandLine|windash|utf16le|utf16be|utf16|wide|base64offset|contains|all", "[a, b]", d);
    assert_int_equal(VG_SIGMA_MAX_MODIFIERS, 8);
    assert_int_equal(vg_diags_count(d), 0);
    assert_int_equal(rs->rules.len, 1);
    vg_ruleset_free(rs);
    rs = compile_item(
        "CommandLine|windash|utf16le|utf16be|utf16|wide|base64offset|contains|all|cased", "[a, b]",
        d);
    assert_int_equal(rs->rules.len, 0);
    assert_string_equal(first_error(d), "too many modifiers (at most 8)");
    vg_ruleset_free(rs);
    vg_diags_free(d);
}

/* A document of `depth` nested flow sequences. */
static int yaml_depth(int depth, vg_diags *d)
{
    char s[512];
    int n = 0;
    for (int i = 0; i < depth; i++)
        s[n++] = '[';
    for (int i = 0; i < depth; i++)
        s[n++] = ']';
    s[n++] = '\n';
    vg__arena a;
    vg__arena_init(&a);
    vg__ydocs docs;
    int rc = vg__yaml_load(s, (size_t)n, "deep.yml", &a, &docs, d);
    if (!rc) {
        /* walk down to the innermost sequence */
        const vg__ynode *y = docs.n ? docs.docs[0] : NULL;
        int levels = 0;
        while (y && y->type == VG_Y_SEQ) {
            levels++;
            y = y->n ? y->items[0] : NULL;
        }
        assert_int_equal(levels, depth);
    }
    vg__arena_free(&a);
    return rc;
}

static void test_limit_yaml_depth(void **state)
{
    (void)state;
    vg_diags *d = vg_diags_new();
    assert_int_equal(yaml_depth(VG_YAML_MAX_DEPTH, d), 0);
    assert_int_equal(vg_diags_count(d), 0);
    assert_int_equal(yaml_depth(VG_YAML_MAX_DEPTH + 1, d), VG_ERR_LIMIT);
    assert_int_equal(vg_diags_count(d), 1);
    const vg_diag *g = vg_diags_get(d, 0);
    assert_string_equal(g->message, "YAML nesting too deep");
    assert_int_equal(g->line, 1);
    assert_int_equal(g->col, VG_YAML_MAX_DEPTH + 1); /* the first '[' too many */
    vg_diags_free(d);
}

/* ------------------------------------------------------------------------------------------ */
/* compile checks that once went wrong                                                         */
/* ------------------------------------------------------------------------------------------ */

static void test_modifier_combinations(void **state)
{
    (void)state;
    static const struct {
        const char *key, *value, *error;
    } cases[] = {
        /* the message names both modifiers of the group */
        {"f|startswith|endswith", "x", "modifiers 'startswith' and 'endswith' cannot be combined"},
        {"f|gt|lt", "1", "modifiers 'gt' and 'lt' cannot be combined"},
        {"f|base64|base64offset", "x", "modifiers 'base64' and 'base64offset' cannot be combined"},
        {"f|hour|day", "1", "modifiers 'hour' and 'day' cannot be combined"},
        {"f|cidr|re", "x", "modifiers 'cidr' and 're' cannot be combined"},
        /* the UTF-16 encodings count for every check */
        {"f|re|utf16le", "x",
         "'re' takes a regular expression as written; it cannot be combined with string "
         "transformations, match kinds or comparisons"},
        {"f|wide|re", "x",
         "'re' takes a regular expression as written; it cannot be combined with string "
         "transformations, match kinds or comparisons"},
        {"f|cidr|utf16", "10.0.0.0/8",
         "'cidr' cannot be combined with encodings, windash, expand or comparisons"},
        {"f|fieldref|utf16be", "g",
         "'fieldref' cannot be combined with encodings, windash, expand or comparisons"},
        {"f|gte|utf16le", "1",
         "numeric comparisons and time parts cannot be combined with string modifiers"},
        {"f|month|wide", "1",
         "numeric comparisons and time parts cannot be combined with string modifiers"},
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        vg_diags *d = vg_diags_new();
        vg_ruleset *rs = compile_item(cases[i].key, cases[i].value, d);
        assert_int_equal(rs->rules.len, 0);
        const char *e = first_error(d);
        assert_non_null(e);
        if (strcmp(e, cases[i].error) != 0)
            print_message("%s: %s\n", cases[i].key, e);
        assert_string_equal(e, cases[i].error);
        vg_ruleset_free(rs);
        vg_diags_free(d);
    }
    /* encodings may follow each other and the regex flags follow re in any order */
    static const char *const ok[] = {"f|utf16le|base64offset|contains", "f|re|i|m|s", "f|re|s|i",
                                     "f|hour|gte", "f|fieldref|contains|cased"};
    for (size_t i = 0; i < VG_ARRAY_LEN(ok); i++) {
        vg_diags *d = vg_diags_new();
        vg_ruleset *rs = compile_item(ok[i], "'1'", d);
        if (vg_diags_count(d))
            print_message("%s: %s\n", ok[i], vg_diags_get(d, 0)->message);
        assert_int_equal(vg_diags_count(d), 0);
        assert_int_equal(rs->rules.len, 1);
        vg_ruleset_free(rs);
        vg_diags_free(d);
    }
}

static void test_control_characters(void **state)
{
    (void)state;
    /* U+0001 and U+0002 stand for live wildcards inside the compiler: a value that holds them
     * (written with a YAML escape) is an error, not a wildcard */
    static const char *const values[] = {"\"a\\x01b\"", "\"a\\x02b\"", "\"\\u0001\""};
    for (size_t i = 0; i < VG_ARRAY_LEN(values); i++) {
        vg_diags *d = vg_diags_new();
        vg_ruleset *rs = compile_item("User|contains", values[i], d);
        assert_int_equal(rs->rules.len, 0);
        assert_string_equal(first_error(d),
                            "values cannot contain the control characters U+0001 and U+0002");
        vg_ruleset_free(rs);
        vg_diags_free(d);
    }
    /* the same for placeholder values */
    char path[] = "/tmp/vigil-test-sigma-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char ph[] = "p: [ok, \"x\\x01\"]\n";
    assert_int_equal(write(fd, ph, sizeof ph - 1), (ssize_t)(sizeof ph - 1));
    close(fd);
    vg_diags *d = vg_diags_new();
    vg_ruleset *rs = vg_ruleset_new(NULL, NULL);
    assert_int_equal(vg_ruleset_load_placeholders(rs, path, d), 0);
    unlink(path);
    static const char doc[] = "title: t\nlogsource: {product: windows}\ndetection:\n  sel:\n"
                              "    User|expand: '%p%'\n  condition: sel\n";
    assert_int_equal(vg_ruleset_add_buffer(rs, doc, sizeof doc - 1, "t.yml", d), 0);
    assert_int_equal(rs->rules.len, 0);
    assert_string_equal(first_error(d), "a placeholder value contains the control characters "
                                        "U+0001 or U+0002, which values cannot contain");
    assert_int_equal(vg_diags_get(d, 0)->line, 5);
    vg_ruleset_free(rs);
    vg_diags_free(d);
}

static void test_title_null(void **state)
{
    (void)state;
    static const char *const titles[] = {"null", "~", "''", "Null"};
    for (size_t i = 0; i < VG_ARRAY_LEN(titles); i++) {
        char doc[256];
        snprintf(doc, sizeof doc,
                 "title: %s\nlogsource: {product: windows}\ndetection:\n  sel: {a: 1}\n"
                 "  condition: sel\n",
                 titles[i]);
        vg_diags *d = vg_diags_new();
        vg_ruleset *rs = compile(doc, d);
        assert_int_equal(rs->rules.len, 0);
        assert_string_equal(first_error(d), "a rule needs a 'title'");
        vg_ruleset_free(rs);
        vg_diags_free(d);
    }
    /* a quoted 'null' is a title */
    vg_diags *d = vg_diags_new();
    vg_ruleset *rs = compile("title: 'null'\nlogsource: {product: windows}\ndetection:\n"
                             "  sel: {a: 1}\n  condition: sel\n",
                             d);
    assert_int_equal(rs->rules.len, 1);
    assert_string_equal(rule_at(rs, 0)->pub.title, "null");
    vg_ruleset_free(rs);
    vg_diags_free(d);
}

static void test_empty_sequences(void **state)
{
    (void)state;
    /* empty flow and block collections (an empty sequence has no children at all) */
    static const char doc[] = "a: []\nb: {}\nc:\n  - []\n  - {}\n";
    vg__arena a;
    vg__arena_init(&a);
    vg__ydocs docs;
    vg_diags *d = vg_diags_new();
    assert_int_equal(vg__yaml_load(doc, sizeof doc - 1, "e.yml", &a, &docs, d), 0);
    assert_int_equal(docs.n, 1);
    const vg__ynode *m = docs.docs[0];
    assert_int_equal(vg__yaml_get(m, "a")->type, VG_Y_SEQ);
    assert_int_equal(vg__yaml_get(m, "a")->n, 0);
    assert_int_equal(vg__yaml_get(m, "b")->type, VG_Y_MAP);
    assert_int_equal(vg__yaml_get(m, "b")->n, 0);
    assert_int_equal(vg__yaml_get(m, "c")->n, 2);
    vg__arena_free(&a);
    vg_diags_free(d);
}

/* ------------------------------------------------------------------------------------------ */
/* events from JSON                                                                            */
/* ------------------------------------------------------------------------------------------ */

typedef struct want_field {
    const char *name, *value;
    vg_value_type type;
} want_field;

static void assert_fields(const vg_event *ev, const want_field *want, size_t n)
{
    size_t got = vg_event_count(ev);
    if (got != n) {
        for (size_t i = 0; i < got; i++) {
            vg_str name, value;
            vg_event_field(ev, i, &name, &value, NULL);
            print_message("  %.*s = %.*s\n", (int)name.len, name.ptr, (int)value.len, value.ptr);
        }
    }
    assert_int_equal(got, n);
    for (size_t i = 0; i < n; i++) {
        vg_str name, value;
        vg_value_type type;
        assert_int_equal(vg_event_field(ev, i, &name, &value, &type), 0);
        assert_int_equal(name.len, strlen(want[i].name));
        assert_memory_equal(name.ptr, want[i].name, name.len);
        assert_int_equal(value.len, strlen(want[i].value));
        assert_memory_equal(value.ptr, want[i].value, value.len);
        assert_int_equal(type, want[i].type);
    }
}

static const char evtx_doc[] =
    "{\"Event\": {\"#attributes\": {\"xmlns\": \"http://schemas.microsoft.com/win/2004/08/events/"
    "event\"},"
    " \"System\": {"
    "  \"Provider\": {\"#attributes\": {\"Name\": \"Microsoft-Windows-Security-Auditing\","
    "                                \"Guid\": \"{54849625-5478-4994-A5BA-3E3B0328C30D}\"}},"
    "  \"EventID\": {\"#attributes\": {\"Qualifiers\": 0}, \"#text\": 4624},"
    "  \"TimeCreated\": {\"#attributes\": {\"SystemTime\": \"2024-01-02T03:04:05.678Z\"}},"
    "  \"Execution\": {\"#attributes\": {\"ProcessID\": 788, \"ThreadID\": 792}},"
    "  \"Channel\": \"Security\","
    "  \"Security\": null},"
    " \"EventData\": {\"SubjectUserName\": \"bob\", \"Threat Name\": \"Evil\\\\Thing\","
    "  \"Hashes\": [\"MD5=1\", \"SHA1=2\"], \"Elevated\": true, \"Empty\": \"\"}}}";

static void test_event_evtx(void **state)
{
    (void)state;
    static const want_field want[] = {
        {"Provider_Name", "Microsoft-Windows-Security-Auditing", VG_VAL_STRING},
        {"Provider_Guid", "{54849625-5478-4994-A5BA-3E3B0328C30D}", VG_VAL_STRING},
        {"EventID_Qualifiers", "0", VG_VAL_NUMBER},
        {"EventID", "4624", VG_VAL_NUMBER},
        {"TimeCreated_SystemTime", "2024-01-02T03:04:05.678Z", VG_VAL_STRING},
        {"Execution_ProcessID", "788", VG_VAL_NUMBER},
        {"Execution_ThreadID", "792", VG_VAL_NUMBER},
        {"Channel", "Security", VG_VAL_STRING},
        {"Security", "null", VG_VAL_NULL},
        {"SubjectUserName", "bob", VG_VAL_STRING},
        {"ThreatName", "Evil\\Thing", VG_VAL_STRING}, /* spaces dropped, escapes decoded */
        {"Hashes", "MD5=1", VG_VAL_STRING},           /* an array is a repeated field */
        {"Hashes", "SHA1=2", VG_VAL_STRING},
        {"Elevated", "true", VG_VAL_BOOL},
        {"Empty", "", VG_VAL_STRING},
    };
    vg_event *ev = vg_event_new();
    assert_int_equal(
        vg_event_from_json(ev, evtx_doc, strlen(evtx_doc), VG_JSON_AUTO, NULL, NULL, 0), 0);
    assert_fields(ev, want, VG_ARRAY_LEN(want));
    /* the same with the form forced, and again into the same event (reuse clears it) */
    assert_int_equal(
        vg_event_from_json(ev, evtx_doc, strlen(evtx_doc), VG_JSON_EVTX, NULL, NULL, 0), 0);
    assert_fields(ev, want, VG_ARRAY_LEN(want));
    /* lookups ignore case */
    assert_int_equal(vg_event_find(ev, "provider_name", 13), 0);
    assert_int_equal(vg_event_find(ev, "HASHES", 6), 11);
    assert_int_equal(vg_event_find(ev, "Threat Name", 11), -1);
    vg_event_free(ev);
}

static void test_event_evtx_userdata(void **state)
{
    (void)state;
    /* UserData nests one element (named by the event's schema) around its leaves */
    static const char doc[] =
        "{\"Event\": {\"System\": {\"EventID\": 1102, \"Channel\": \"Security\"},"
        " \"UserData\": {\"LogFileCleared\": {\"#attributes\": {\"xmlns\": \"http://x\"},"
        "  \"SubjectUserName\": \"alice\", \"Inner\": {\"Deep Name\": 7}}}}}";
    static const want_field want[] = {
        {"EventID", "1102", VG_VAL_NUMBER},
        {"Channel", "Security", VG_VAL_STRING},
        {"LogFileCleared_xmlns", "http://x", VG_VAL_STRING},
        {"SubjectUserName", "alice", VG_VAL_STRING},
        {"DeepName", "7", VG_VAL_NUMBER},
    };
    vg_event *ev = vg_event_new();
    assert_int_equal(vg_event_from_json(ev, doc, strlen(doc), VG_JSON_AUTO, NULL, NULL, 0), 0);
    assert_fields(ev, want, VG_ARRAY_LEN(want));
    vg_event_free(ev);
}

static void test_event_flat(void **state)
{
    (void)state;
    static const char doc[] =
        "{\"EventID\": 1, \"process\": {\"parent\": {\"name\": \"cmd.exe\"}, \"pid\": 4},"
        " \"Threat Name\": {\"Sub Key\": \"x\"}, \"tags\": [\"a\", \"b\"],"
        " \"objs\": [{\"k\": 1}, {\"k\": 2}], \"n\": null, \"f\": false, \"num\": -1.50e3,"
        " \"u\": \"\\u00e9\\n\"}";
    static const want_field want[] = {
        {"EventID", "1", VG_VAL_NUMBER},     {"process.parent.name", "cmd.exe", VG_VAL_STRING},
        {"process.pid", "4", VG_VAL_NUMBER}, {"ThreatName.SubKey", "x", VG_VAL_STRING},
        {"tags", "a", VG_VAL_STRING},        {"tags", "b", VG_VAL_STRING},
        {"objs.k", "1", VG_VAL_NUMBER},      {"objs.k", "2", VG_VAL_NUMBER},
        {"n", "null", VG_VAL_NULL},          {"f", "false", VG_VAL_BOOL},
        {"num", "-1.50e3", VG_VAL_NUMBER}, /* numbers keep their text */
        {"u", "\xc3\xa9\n", VG_VAL_STRING},
    };
    vg_event *ev = vg_event_new();
    assert_int_equal(vg_event_from_json(ev, doc, strlen(doc), VG_JSON_AUTO, NULL, NULL, 0), 0);
    assert_fields(ev, want, VG_ARRAY_LEN(want));
    assert_int_equal(vg_event_from_json(ev, doc, strlen(doc), VG_JSON_FLAT, NULL, NULL, 0), 0);
    assert_fields(ev, want, VG_ARRAY_LEN(want));
    /* an evtx document read as flat JSON keeps its dotted names */
    assert_int_equal(
        vg_event_from_json(ev, evtx_doc, strlen(evtx_doc), VG_JSON_FLAT, NULL, NULL, 0), 0);
    assert_true(vg_event_find(ev, "Event.System.Provider.Name", 26) >= 0);
    assert_true(vg_event_find(ev, "Event.EventData.ThreatName", 26) >= 0);
    assert_int_equal(vg_event_find(ev, "Provider_Name", 13), -1);
    vg_event_free(ev);
}

static void test_event_errors(void **state)
{
    (void)state;
    vg_event *ev = vg_event_new();
    size_t off = 99;
    char err[160];
    /* a bad document leaves the event empty */
    assert_int_equal(vg_event_from_json(ev, "{\"a\": 1}", 8, VG_JSON_AUTO, NULL, NULL, 0), 0);
    assert_int_equal(vg_event_count(ev), 1);
    assert_int_equal(vg_event_from_json(ev, "{\"a\": }", 7, VG_JSON_AUTO, &off, err, sizeof err),
                     VG_ERR_SYNTAX);
    assert_int_equal(off, 6);
    assert_true(err[0] != 0);
    assert_int_equal(vg_event_count(ev), 0);
    assert_int_equal(vg_event_from_json(ev, "[1, 2]", 6, VG_JSON_AUTO, &off, err, sizeof err),
                     VG_ERR_TYPE);
    assert_string_equal(err, "an event must be a JSON object");
    assert_int_equal(vg_event_from_json(ev, "\"x\"", 3, VG_JSON_AUTO, &off, err, sizeof err),
                     VG_ERR_TYPE);
    /* nesting: VG_EVENT_MAX_DEPTH levels of objects flatten, one more is refused */
    char doc[512];
    for (int extra = 0; extra <= 1; extra++) {
        int depth = VG_EVENT_MAX_DEPTH + extra;
        size_t n = 0;
        for (int i = 0; i < depth; i++)
            n += (size_t)snprintf(doc + n, sizeof doc - n, "{\"k\":");
        n += (size_t)snprintf(doc + n, sizeof doc - n, "1");
        for (int i = 0; i < depth; i++)
            doc[n++] = '}';
        int rc = vg_event_from_json(ev, doc, n, VG_JSON_FLAT, NULL, NULL, 0);
        assert_int_equal(rc, extra ? VG_ERR_LIMIT : 0);
        if (!extra) {
            assert_int_equal(vg_event_count(ev), 1);
            vg_str name;
            vg_event_field(ev, 0, &name, NULL, NULL);
            assert_int_equal(name.len, 2 * (size_t)VG_EVENT_MAX_DEPTH - 1); /* k.k....k */
        }
    }
    vg_event_free(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glob_empty_and_stars),
        cmocka_unit_test(test_many_occurrences),
        cmocka_unit_test(test_glob_backtracking),
        cmocka_unit_test(test_glob_utf8),
        cmocka_unit_test(test_glob_case),
        cmocka_unit_test(test_base64_strings),
        cmocka_unit_test(test_values_that_vanish),
        cmocka_unit_test(test_utf16_bytes),
        cmocka_unit_test(test_find_every_offset),
        cmocka_unit_test(test_find_cases),
        cmocka_unit_test(test_glob_stars_pieces),
        cmocka_unit_test(test_regex_minlen),
        cmocka_unit_test(test_fieldref_kinds),
        cmocka_unit_test(test_vset_suffixes),
        cmocka_unit_test(test_vset_prefixes),
        cmocka_unit_test(test_vset_equals),
        cmocka_unit_test(test_vset_empty_value),
        cmocka_unit_test(test_vset_unusual_lists),
        cmocka_unit_test(test_vset_occurrences),
        cmocka_unit_test(test_windash_counts),
        cmocka_unit_test(test_iso_weeks),
        cmocka_unit_test(test_cidr_prefixes),
        cmocka_unit_test(test_cond_precedence),
        cmocka_unit_test(test_cond_quantifiers),
        cmocka_unit_test(test_cond_errors),
        cmocka_unit_test(test_cond_depth_limit),
        cmocka_unit_test(test_limit_expansion),
        cmocka_unit_test(test_limit_modifiers),
        cmocka_unit_test(test_limit_yaml_depth),
        cmocka_unit_test(test_modifier_combinations),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_title_null),
        cmocka_unit_test(test_empty_sequences),
        cmocka_unit_test(test_event_evtx),
        cmocka_unit_test(test_event_evtx_userdata),
        cmocka_unit_test(test_event_flat),
        cmocka_unit_test(test_event_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

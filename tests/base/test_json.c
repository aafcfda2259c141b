/*
 * test_json.c - unit tests for the JSON tape parser (src/base/json.c).
 *
 * Every value type is parsed on its own and inside containers, and the tape is checked token
 * by token: type, byte offset, length or child count, and the index of the token after the
 * subtree. String unescaping is checked byte for byte, including surrogate pairs and lone
 * surrogates (which become U+FFFD). Every error the parser can report is provoked once, and
 * the test pins both the exact message and the exact byte offset, so a change to either is a
 * reviewed diff. The nesting cap VG_JSON_MAX_DEPTH is hit exactly: at the limit the document
 * parses, one level deeper it fails. The pull reader of nested lines must read the same members
 * whether an object is read a member at a time or in runs, and accept only valid JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/json.h"

/* Parse a NUL-terminated document; asserts success. */
static void parse_ok(vg__json *j, const char *doc)
{
    int rc = vg__json_parse(j, doc, strlen(doc));
    if (rc)
        print_message("unexpected error %d \"%s\" at %zu in %s\n", rc, j->err, j->err_off, doc);
    assert_int_equal(rc, 0);
}

/* Parse a document of len bytes and assert a syntax error with this message and offset. */
static void expect_error_n(const char *doc, size_t len, const char *msg, size_t off)
{
    vg__json j;
    vg__json_init(&j);
    assert_int_equal(vg__json_parse(&j, doc, len), VG_ERR_SYNTAX);
    assert_string_equal(j.err, msg);
    assert_int_equal(j.err_off, off);
    vg__json_free(&j);
}

static void expect_error(const char *doc, const char *msg, size_t off)
{
    expect_error_n(doc, strlen(doc), msg, off);
}

static void assert_tok(const vg__json *j, uint32_t i, vg__jtype type, uint32_t off, uint32_t len,
                       uint32_t next)
{
    assert_true(i < j->n);
    assert_int_equal(j->tok[i].type, type);
    assert_int_equal(j->tok[i].off, off);
    assert_int_equal(j->tok[i].len, len);
    assert_int_equal(j->tok[i].next, next);
}

/* ---- valid documents ---- */

static void test_scalars(void **state)
{
    (void)state;
    vg__json j;
    vg__json_init(&j);

    parse_ok(&j, "null");
    assert_int_equal(j.n, 1);
    assert_tok(&j, 0, VG_J_NULL, 0, 4, 1);

    parse_ok(&j, " true ");
    assert_int_equal(j.n, 1);
    assert_tok(&j, 0, VG_J_TRUE, 1, 4, 1);
    assert_true(vg__json_is_true(&j, 0) == 0); /* index 0 is never a member value */

    parse_ok(&j, "\tfalse\r\n");
    assert_int_equal(j.n, 1);
    assert_tok(&j, 0, VG_J_FALSE, 1, 5, 1);

    parse_ok(&j, "-12.5e+3");
    assert_int_equal(j.n, 1);
    assert_tok(&j, 0, VG_J_NUM, 0, 8, 1);

    parse_ok(&j, "0");
    assert_tok(&j, 0, VG_J_NUM, 0, 1, 1);
    parse_ok(&j, "-0.25E-7");
    assert_tok(&j, 0, VG_J_NUM, 0, 8, 1);
    parse_ok(&j, "1234567890");
    assert_tok(&j, 0, VG_J_NUM, 0, 10, 1);

    /* strings: off is the first byte after the quote, len the escaped byte length */
    parse_ok(&j, "\"abc\"");
    assert_int_equal(j.n, 1);
    assert_tok(&j, 0, VG_J_STR, 1, 3, 1);
    assert_int_equal(j.tok[0].esc, 0);
    vg__str raw = vg__json_raw(&j, 0);
    assert_int_equal(raw.len, 3);
    assert_memory_equal(raw.ptr, "abc", 3);

    parse_ok(&j, "\"\"");
    assert_tok(&j, 0, VG_J_STR, 1, 0, 1);

    parse_ok(&j, "\"a\\nb\"");
    assert_tok(&j, 0, VG_J_STR, 1, 4, 1);
    assert_int_equal(j.tok[0].esc, 1);

    /* raw UTF-8 bytes are allowed in strings */
    parse_ok(&j, "\"caf\xc3\xa9\"");
    assert_tok(&j, 0, VG_J_STR, 1, 5, 1);
    assert_int_equal(j.tok[0].esc, 0);
    vg__json_free(&j);
}

static void test_empty_containers(void **state)
{
    (void)state;
    vg__json j;
    vg__json_init(&j);
    parse_ok(&j, "[]");
    assert_int_equal(j.n, 1);
    assert_tok(&j, 0, VG_J_ARR, 0, 0, 1);
    parse_ok(&j, " { } ");
    assert_int_equal(j.n, 1);
    assert_tok(&j, 0, VG_J_OBJ, 1, 0, 1);
    parse_ok(&j, "[[],{},[[]]]");
    assert_int_equal(j.n, 5);
    assert_tok(&j, 0, VG_J_ARR, 0, 3, 5);
    assert_tok(&j, 1, VG_J_ARR, 1, 0, 2);
    assert_tok(&j, 2, VG_J_OBJ, 4, 0, 3);
    assert_tok(&j, 3, VG_J_ARR, 7, 1, 5);
    assert_tok(&j, 4, VG_J_ARR, 8, 0, 5);
    vg__json_free(&j);
}

static void test_nested_tape(void **state)
{
    (void)state;
    /* byte offsets: '{' 1, "a" 3, '[' 7, 1 8, '{' 11, "b" 13, null 17, true 24, "c" 32, "x" 37 */
    const char *doc = " {\"a\": [1, {\"b\": null}, true], \"c\": \"x\"} ";
    vg__json j;
    vg__json_init(&j);
    parse_ok(&j, doc);
    assert_int_equal(j.n, 10);
    assert_tok(&j, 0, VG_J_OBJ, 1, 2, 10);  /* two members */
    assert_tok(&j, 1, VG_J_STR, 3, 1, 2);   /* key "a": next is its value */
    assert_tok(&j, 2, VG_J_ARR, 7, 3, 8);   /* three items */
    assert_tok(&j, 3, VG_J_NUM, 8, 1, 4);   /* 1 */
    assert_tok(&j, 4, VG_J_OBJ, 11, 1, 7);  /* {"b": null} */
    assert_tok(&j, 5, VG_J_STR, 13, 1, 6);  /* key "b" */
    assert_tok(&j, 6, VG_J_NULL, 17, 4, 7); /* null */
    assert_tok(&j, 7, VG_J_TRUE, 24, 4, 8); /* true */
    assert_tok(&j, 8, VG_J_STR, 32, 1, 9);  /* key "c" */
    assert_tok(&j, 9, VG_J_STR, 37, 1, 10); /* "x" */
    for (uint32_t i = 0; i < j.n; i++)
        assert_int_equal(j.tok[i].esc, 0);

    /* iteration helpers walk siblings */
    uint32_t arr = vg__json_get(&j, 0, "a");
    assert_int_equal(arr, 2);
    uint32_t kids[3], n = 0;
    for (uint32_t e = vg__json_first(&j, arr); e < vg__json_after(&j, arr);
         e = vg__json_after(&j, e))
        kids[n++] = e;
    assert_int_equal(n, 3);
    assert_int_equal(kids[0], 3);
    assert_int_equal(kids[1], 4);
    assert_int_equal(kids[2], 7);
    assert_true(vg__json_is_true(&j, 7));
    assert_false(vg__json_is_true(&j, 6));
    vg__json_free(&j);
}

static void test_tape_reuse(void **state)
{
    (void)state;
    vg__json j;
    vg__json_init(&j);
    parse_ok(&j, "[1,2,3,4,5,6,7,8,9]");
    assert_int_equal(j.n, 10);
    /* a failed parse, then a good one: the tape starts again from zero */
    assert_int_equal(vg__json_parse(&j, "[1,", 3), VG_ERR_SYNTAX);
    assert_string_equal(j.err, "unexpected end of input");
    parse_ok(&j, "{\"k\":false}");
    assert_int_equal(j.n, 3);
    assert_string_equal(j.err, "");
    assert_int_equal(j.err_off, 0);
    assert_tok(&j, 0, VG_J_OBJ, 0, 1, 3);
    assert_tok(&j, 2, VG_J_FALSE, 5, 5, 3);
    vg__json_free(&j);
    assert_null(j.tok);
    assert_int_equal(j.n, 0);
}

static void test_large_array(void **state)
{
    (void)state;
    /* more tokens than the initial tape capacity (256) */
    size_t items = 5000;
    char *doc = malloc(items * 2 + 2);
    assert_non_null(doc);
    size_t o = 0;
    doc[o++] = '[';
    for (size_t i = 0; i < items; i++) {
        doc[o++] = (char)('0' + i % 10);
        doc[o++] = i + 1 < items ? ',' : ']';
    }
    vg__json j;
    vg__json_init(&j);
    assert_int_equal(vg__json_parse(&j, doc, o), 0);
    assert_int_equal(j.n, items + 1);
    assert_tok(&j, 0, VG_J_ARR, 0, (uint32_t)items, (uint32_t)items + 1);
    assert_tok(&j, (uint32_t)items, VG_J_NUM, (uint32_t)(o - 2), 1, (uint32_t)items + 1);
    vg__json_free(&j);
    free(doc);
}

/* ---- strings and escapes ---- */

/* Parse doc (one string) and compare its unescaped bytes with want[0..wlen). */
static void check_unescape(const char *doc, const char *want, size_t wlen)
{
    vg__json j;
    vg__json_init(&j);
    parse_ok(&j, doc);
    assert_int_equal(j.n, 1);
    assert_int_equal(j.tok[0].type, VG_J_STR);
    char buf[64];
    long n = vg__json_unescape(&j, 0, buf, sizeof buf);
    assert_int_equal(n, (long)wlen);
    assert_memory_equal(buf, want, wlen);
    assert_int_equal(buf[wlen], 0);
    vg__json_free(&j);
}

static void test_simple_escapes(void **state)
{
    (void)state;
    check_unescape("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"", "a\"b\\c/d\be\ff\ng\rh\ti", 17);
    check_unescape("\"plain\"", "plain", 5);
    check_unescape("\"\"", "", 0);
}

static void test_unicode_escapes(void **state)
{
    (void)state;
    check_unescape("\"\\u0041\"", "A", 1);
    check_unescape("\"\\u00e9\\u00C9\"", "\xc3\xa9\xc3\x89", 4);   /* hex digits in both cases */
    check_unescape("\"\\u20ac\"", "\xe2\x82\xac", 3);              /* 3-byte UTF-8 */
    check_unescape("\"\\u0000x\"", "\0x", 2);                      /* NUL is kept */
    check_unescape("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);   /* surrogate pair: U+1F600 */
    check_unescape("\"\\uD834\\uDD1E!\"", "\xf0\x9d\x84\x9e!", 5); /* U+1D11E, upper case */
    check_unescape("\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf", 4);   /* U+10FFFF, the last */
}

static void test_lone_surrogates(void **state)
{
    (void)state;
    /* high surrogate at the end of the string */
    check_unescape("\"\\ud83d\"", "\xef\xbf\xbd", 3);
    /* high surrogate followed by a plain character */
    check_unescape("\"\\ud83dx\"", "\xef\xbf\xbdx", 4);
    /* low surrogate alone */
    check_unescape("\"\\ude00\"", "\xef\xbf\xbd", 3);
    /* high surrogate followed by an escape that is not a low surrogate */
    check_unescape("\"\\ud83d\\u0041\"",
                   "\xef\xbf\xbd"
                   "A",
                   4);
    /* two high surrogates: each is lone */
    check_unescape("\"\\ud83d\\ud83d\"", "\xef\xbf\xbd\xef\xbf\xbd", 6);
    /* low then high: both lone */
    check_unescape("\"\\udc00\\ud800\"", "\xef\xbf\xbd\xef\xbf\xbd", 6);
    /* high surrogate followed by another escape */
    check_unescape("\"\\ud800\\n\"", "\xef\xbf\xbd\n", 4);
}

static void test_unescape_capacity(void **state)
{
    (void)state;
    vg__json j;
    vg__json_init(&j);
    parse_ok(&j, "[\"abcd\", 5]");
    char buf[8];
    /* the escaped length plus the NUL must fit */
    assert_int_equal(vg__json_unescape(&j, 1, buf, 4), -1);
    assert_int_equal(vg__json_unescape(&j, 1, buf, 5), 4);
    assert_string_equal(buf, "abcd");
    /* not a string */
    assert_int_equal(vg__json_unescape(&j, 2, buf, sizeof buf), -1);
    vg__json_free(&j);
}

static void test_json_str_arena(void **state)
{
    (void)state;
    vg__json j;
    vg__json_init(&j);
    vg__arena a;
    vg__arena_init(&a);
    parse_ok(&j, "[\"raw\", \"t\\u00e9\\tx\", 7]");
    size_t len = 99;
    char *s = vg__json_str(&j, 1, &a, &len);
    assert_non_null(s);
    assert_string_equal(s, "raw");
    assert_int_equal(len, 3);
    s = vg__json_str(&j, 2, &a, &len);
    assert_non_null(s);
    assert_string_equal(s, "t\xc3\xa9\tx");
    assert_int_equal(len, 5);
    s = vg__json_str(&j, 2, &a, NULL); /* out_len may be NULL */
    assert_string_equal(s, "t\xc3\xa9\tx");
    assert_null(vg__json_str(&j, 3, &a, &len)); /* a number */
    assert_null(vg__json_str(&j, 0, &a, &len)); /* the root */
    assert_null(vg__json_str(&j, 4, &a, &len)); /* past the end */
    vg__arena_free(&a);
    vg__json_free(&j);
}

/* ---- member lookup ---- */

static void test_get(void **state)
{
    (void)state;
    vg__json j;
    vg__json_init(&j);
    const char *doc = "{\"x\":{\"ab\":1},\"ab\":[2,{\"ab\":3}],\"a\\u0062c\":4,\"ab\":5,\"\":6}";
    parse_ok(&j, doc);
    /* the top-level "ab", not the one nested in "x" */
    uint32_t v = vg__json_get(&j, 0, "ab");
    assert_int_equal(j.tok[v].type, VG_J_ARR);
    assert_int_equal(j.tok[v].off, (uint32_t)(strstr(doc, "[2") - doc));
    /* nested lookups */
    uint32_t x = vg__json_get(&j, 0, "x");
    uint32_t xab = vg__json_get(&j, x, "ab");
    assert_int_equal(j.tok[xab].type, VG_J_NUM);
    assert_memory_equal(doc + j.tok[xab].off, "1", 1);
    /* an escaped key matches its unescaped form only */
    uint32_t abc = vg__json_get(&j, 0, "abc");
    assert_int_not_equal(abc, 0);
    assert_memory_equal(doc + j.tok[abc].off, "4", 1);
    assert_int_equal(vg__json_get(&j, 0, "a\\u0062c"), 0);
    /* the empty key */
    uint32_t e = vg__json_get(&j, 0, "");
    assert_memory_equal(doc + j.tok[e].off, "6", 1);
    /* missing keys, prefixes and case differences are misses */
    assert_int_equal(vg__json_get(&j, 0, "missing"), 0);
    assert_int_equal(vg__json_get(&j, 0, "a"), 0);
    assert_int_equal(vg__json_get(&j, 0, "AB"), 0);
    /* not an object, or out of range */
    assert_int_equal(vg__json_get(&j, v, "ab"), 0);
    assert_int_equal(vg__json_get(&j, (uint32_t)j.n, "ab"), 0);
    vg__json_free(&j);
}

/* ---- errors: exact message and offset ---- */

static void test_error_unterminated_string(void **state)
{
    (void)state;
    expect_error("[\"abc", "unterminated string", 1);     /* offset of the opening quote */
    expect_error("\"abc\\", "unterminated string", 0);    /* ends inside an escape */
    expect_error("{\"key", "unterminated string", 1);     /* in a key */
    expect_error("{\"k\":\"v", "unterminated string", 5); /* in a value */
}

static void test_error_bad_escape(void **state)
{
    (void)state;
    expect_error("\"a\\xb\"", "invalid escape in string", 2); /* offset of the backslash */
    expect_error("\"\\U0041\"", "invalid escape in string", 1);
    expect_error("[\"ok\",\"\\u12G4\"]", "invalid \\u escape", 7);
    expect_error("\"\\u12\"", "truncated \\u escape", 1);
    expect_error("\"ab\\u", "truncated \\u escape", 3);
    /* an escaped NUL byte is not an escape */
    expect_error_n("\"\\\0\"", 4, "invalid escape in string", 1);
}

static void test_error_control_char(void **state)
{
    (void)state;
    expect_error("\"a\tb\"", "control character in string", 2);
    expect_error("[\"line\nbreak\"]", "control character in string", 6);
    expect_error_n("\"a\0b\"", 5, "control character in string", 2);
    expect_error("\"\x1f\"", "control character in string", 1);
}

/* Strings are scanned in blocks of sixteen (or eight) bytes, a short one in one block inline:
 * a quote, an escape, a control byte or the end of the input at every position of a block and
 * of the block after, with the document ending right after the string, a little later or a
 * block later, must be found where it is. */
static void test_string_block_edges(void **state)
{
    (void)state;
    char doc[80];
    for (size_t at = 0; at < 40; at++) {
        for (size_t pad = 0; pad < 20; pad += pad < 2 ? 1 : 17) { /* 0, 1, 2, 19 */
            /* "aaa...a" followed by pad spaces: the closing quote at offset 1 + at */
            memset(doc, 'a', sizeof doc);
            doc[0] = '"';
            doc[1 + at] = '"';
            memset(doc + 2 + at, ' ', pad);
            size_t len = 2 + at + pad;
            vg__json j;
            vg__json_init(&j);
            assert_int_equal(vg__json_parse(&j, doc, len), 0);
            assert_tok(&j, 0, VG_J_STR, 1, (uint32_t)at, 1);
            assert_int_equal(j.tok[0].esc, 0);
            /* the same with an escaped quote at at: the string goes on to the next quote */
            doc[1 + at] = '\\';
            doc[2 + at] = '"';
            doc[3 + at] = '"';
            memset(doc + 4 + at, ' ', pad);
            assert_int_equal(vg__json_parse(&j, doc, 4 + at + pad), 0);
            assert_tok(&j, 0, VG_J_STR, 1, (uint32_t)at + 2, 1);
            assert_int_equal(j.tok[0].esc, 1);
            vg__json_free(&j);
            /* a control byte at at, and the input cut off at at (unterminated) */
            doc[1 + at] = '\x01';
            expect_error_n(doc, 4 + at + pad, "control character in string", 1 + at);
            memset(doc + 1, 'a', at);
            expect_error_n(doc, 1 + at, "unterminated string", 0);
        }
    }
}

static void test_error_trailing_comma(void **state)
{
    (void)state;
    expect_error("[1,2,]", "unexpected character", 5);
    expect_error("{\"a\":1,}", "expected a string key", 7);
    expect_error("[,]", "unexpected character", 1);
    expect_error("{,}", "expected a string key", 1);
}

static void test_error_trailing_data(void **state)
{
    (void)state;
    expect_error("{} x", "trailing data after JSON value", 3);
    expect_error("1 2", "trailing data after JSON value", 2);
    expect_error("[]]", "trailing data after JSON value", 2);
    expect_error("01", "trailing data after JSON value", 1); /* no leading zeros */
    expect_error("nullx", "trailing data after JSON value", 4);
}

static void test_error_truncated(void **state)
{
    (void)state;
    expect_error("", "unexpected end of input", 0);
    expect_error("   ", "unexpected end of input", 3);
    expect_error("[", "unexpected end of input", 1);
    expect_error("{\"a\":[1,", "unexpected end of input", 8);
    expect_error("{\"a\":", "unexpected end of input", 5);
    expect_error("{\"a\":1", "unexpected end of input", 6);
    expect_error("{\"a\"", "expected ':' after key", 4);
    expect_error("{", "unexpected end of input", 1);
    expect_error("tru", "unexpected character", 0);
}

static void test_error_misc(void **state)
{
    (void)state;
    expect_error("[1 2]", "expected ',' or ']'", 3);
    expect_error("{\"a\":1 \"b\":2}", "expected ',' or '}'", 7);
    expect_error("[1}", "expected ',' or ']'", 2);
    expect_error("{\"a\" 1}", "expected ':' after key", 5);
    expect_error("{a:1}", "expected a string key", 1);
    expect_error("{\"a\":}", "unexpected character", 5);
    expect_error("-", "invalid number", 0);
    expect_error("[-x]", "invalid number", 1);
    expect_error("1.", "invalid number", 0);
    expect_error("[1.e5]", "invalid number", 1);
    expect_error("1e+", "invalid number", 0);
    expect_error("+1", "unexpected character", 0);
    expect_error("'a'", "unexpected character", 0);
    expect_error("NULL", "unexpected character", 0);
}

/* A document of depth nested arrays, or objects {"k":...} when objs is set. */
static char *nested(size_t depth, int objs, size_t *len)
{
    size_t open = objs ? 5 : 1;
    char *s = malloc(depth * (open + 1) + 2);
    assert_non_null(s);
    size_t o = 0;
    for (size_t i = 0; i < depth; i++) {
        memcpy(s + o, objs ? "{\"k\":" : "[", open);
        o += open;
    }
    s[o++] = '1';
    for (size_t i = 0; i < depth; i++)
        s[o++] = objs ? '}' : ']';
    s[o] = 0;
    *len = o;
    return s;
}

static void test_depth_limit(void **state)
{
    (void)state;
    vg__json j;
    vg__json_init(&j);
    size_t len;
    for (int objs = 0; objs <= 1; objs++) {
        /* exactly at the limit: parses */
        char *s = nested(VG_JSON_MAX_DEPTH, objs, &len);
        assert_int_equal(vg__json_parse(&j, s, len), 0);
        assert_int_equal(j.n, (size_t)VG_JSON_MAX_DEPTH * (objs ? 2 : 1) + 1);
        assert_int_equal(j.tok[0].next, j.n);
        free(s);
        /* one deeper: fails at the opening bracket that goes past the limit */
        s = nested(VG_JSON_MAX_DEPTH + 1, objs, &len);
        assert_int_equal(vg__json_parse(&j, s, len), VG_ERR_SYNTAX);
        assert_string_equal(j.err, "nesting too deep");
        assert_int_equal(j.err_off, (size_t)VG_JSON_MAX_DEPTH * (objs ? 5 : 1));
        free(s);
    }
    vg__json_free(&j);
}

static void test_input_size_limit(void **state)
{
    (void)state;
    /* the size check comes before any byte is read, so a short buffer is safe here */
    vg__json j;
    vg__json_init(&j);
    const char doc[] = "[]";
    assert_int_equal(vg__json_parse(&j, doc, VG_JSON_MAX_INPUT), VG_ERR_LIMIT);
    assert_int_equal(vg__json_parse(&j, doc, 2), 0);
    vg__json_free(&j);
}

/* ---- the pull reader ---- */

/* The document walked by the pull reader, every member and item as key=type:raw, a ')' where a
 * container closes: objects a run of at most cap members at a time (vg__json_members), or
 * (cap 0) a member at a time (vg__json_next). 0, or -1 for an error. */
static int pull_walk(const char *doc, size_t cap, char *out, size_t outcap)
{
    vg__json j;
    vg__json_init(&j);
    vg__jreader r;
    char stack[VG_JSON_MAX_DEPTH + 1];
    size_t o = 0, d = 0;
    int rc = 0;
    out[0] = 0;
    if (vg__json_open(&r, &j, doc, strlen(doc)))
        return -1;
    stack[d++] = 'o';
    while (d > 0 && !rc) {
        vg__jmember m[64];
        int n, closed;
        if (cap && stack[d - 1] == 'o') {
            n = vg__json_members(&r, m, cap, &closed);
        } else {
            n = vg__json_next(&r, &m[0].key, &m[0].val);
            closed = n == 0;
        }
        if (n < 0) {
            rc = -1;
            break;
        }
        for (int i = 0; i < n; i++) {
            const vg__jtok *v = &m[i].val;
            int container = v->type == VG_J_OBJ || v->type == VG_J_ARR;
            o += (size_t)snprintf(out + o, outcap - o, "%.*s=%d:%.*s ",
                                  stack[d - 1] == 'o' ? (int)m[i].key.len : 0, doc + m[i].key.off,
                                  v->type, container ? 0 : (int)v->len, doc + v->off);
            assert_true(o < outcap);
            assert_true(!container || i == n - 1); /* a container ends the run */
            if (container)
                stack[d++] = v->type == VG_J_OBJ ? 'o' : 'a';
        }
        if (closed) {
            o += (size_t)snprintf(out + o, outcap - o, ") ");
            d--;
        }
    }
    if (!rc)
        rc = vg__json_end(&r) ? -1 : 0;
    vg__json_free(&j);
    return rc;
}

/* vg__json_members reads what vg__json_next reads, in runs of any length, and accepts only
 * what vg__json_parse accepts. */
static void test_members_runs(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{}",
        " { \"a\" : 1 , \"b\":\"x\",\"c\" :null, \"d\": true, \"e\": false } ",
        "{\"a\": {}, \"b\": [], \"c\": {\"d\": {\"e\": [1, {\"f\": 2}]}, \"g\": 3}, \"h\": 4}",
        "{\"n\": [0, -0, 12, 123.5, 1e5, 10E+3, -7, 0.25e-2, 9]}",
        "{\"s\": \"a\\\"b\\\\c\\u00e9\", \"long\": \"0123456789abcdef0123456789abcdef0123\"}",
        "{\"k1\": 1, \"k2\": 2, \"k3\": 3, \"k4\": 4, \"k5\": 5, \"k6\": {\"x\": 6}, \"k7\": 7}",
        /* invalid */
        "{\"a\": 1,}",
        "{,\"a\": 1}",
        "{\"a\" 1}",
        "{\"a\": 01}",
        "{\"a\": 1.}",
        "{\"a\": -}",
        "{\"a\": 1e}",
        "{\"a\": 1 2}",
        "{\"a\": tru}",
        "{\"a\": {\"b\": 1]}",
        "{\"a\": [1,]}",
        "{\"a\": 1",
        "{\"a\": \"x",
        "{\"a\": 1}}",
        "{\"a\": 1} x",
        "{1: 2}",
        "{\"a\": \"\x01\"}",
    };
    static char want[4096], got[4096];
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        vg__json j;
        vg__json_init(&j);
        int valid = vg__json_parse(&j, docs[i], strlen(docs[i])) == 0;
        vg__json_free(&j);
        int rc = pull_walk(docs[i], 0, want, sizeof want);
        assert_int_equal(rc, valid ? 0 : -1);
        static const size_t caps[] = {1, 2, 3, 64};
        for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
            size_t cap = caps[c];
            /* an invalid run gives none of its members: only the answer is compared */
            if (pull_walk(docs[i], cap, got, sizeof got) != rc || (valid && strcmp(got, want))) {
                print_message("doc %s, runs of %zu: %s\nnot %s\n", docs[i], cap, got, want);
                fail();
            }
        }
    }
    /* nesting: at VG_JSON_MAX_DEPTH the reader enters, one deeper it fails, as the parser */
    static char deep[8 * VG_JSON_MAX_DEPTH + 16];
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = 0, levels = (size_t)VG_JSON_MAX_DEPTH + (size_t)extra;
        for (size_t k = 0; k + 1 < levels; k++) {
            memcpy(deep + n, "{\"a\":", 5);
            n += 5;
        }
        memcpy(deep + n, "{\"x\":1", 6);
        n += 6;
        memset(deep + n, '}', levels);
        deep[n + levels] = 0;
        vg__json j;
        vg__json_init(&j);
        assert_int_equal(vg__json_parse(&j, deep, n + levels) == 0, !extra);
        vg__json_free(&j);
        for (size_t cap = 0; cap <= 2; cap += 2)
            assert_int_equal(pull_walk(deep, cap, got, sizeof got) == 0, !extra);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_empty_containers),
        cmocka_unit_test(test_nested_tape),
        cmocka_unit_test(test_tape_reuse),
        cmocka_unit_test(test_large_array),
        cmocka_unit_test(test_simple_escapes),
        cmocka_unit_test(test_unicode_escapes),
        cmocka_unit_test(test_lone_surrogates),
        cmocka_unit_test(test_unescape_capacity),
        cmocka_unit_test(test_json_str_arena),
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_error_unterminated_string),
        cmocka_unit_test(test_error_bad_escape),
        cmocka_unit_test(test_error_control_char),
        cmocka_unit_test(test_string_block_edges),
        cmocka_unit_test(test_error_trailing_comma),
        cmocka_unit_test(test_error_trailing_data),
        cmocka_unit_test(test_error_truncated),
        cmocka_unit_test(test_error_misc),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_input_size_limit),
        cmocka_unit_test(test_members_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

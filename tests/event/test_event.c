/*
 * test_event.c - unit tests for events (src/event/event.c).
 *
 * vg_event_from_json reads a flat line (an object of scalars) in one pass without the JSON
 * tape; every other document goes through the tape. The one-pass way must give exactly the
 * fields, values, types, form and errors the tape gives, so each case here is read both ways
 * (vg__event_from_json_tape is the tape alone) and compared field by field: escapes, \u
 * escapes and surrogates, spaces in names, empty and special ("#text") names, duplicates,
 * NXLog detection and its aliases, nested documents, bad JSON, and values and names past the
 * sizes the one-pass way handles itself. With the shared data every line of the oracle's
 * flat and nested event files is compared too. The name buckets must find every field of a
 * name, in field order, and the folded copy of each value must be its ASCII lower case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event/event.h"

static void assert_same_event(const char *doc, size_t len, vg_json_form form)
{
    vg_event *a = vg_event_new(), *b = vg_event_new();
    char ea[256] = "", eb[256] = "";
    size_t oa = 0, ob = 0;
    int ra = vg_event_from_json(a, doc, len, form, &oa, ea, sizeof ea);
    int rb = vg__event_from_json_tape(b, doc, len, form, &ob, eb, sizeof eb);
    if (ra != rb || strcmp(ea, eb) != 0 || (ra && oa != ob)) {
        print_message("doc %.*s: one pass %d '%s' at %zu, tape %d '%s' at %zu\n", (int)len, doc, ra,
                      ea, oa, rb, eb, ob);
        fail();
    }
    if (!ra) {
        assert_int_equal(vg_event_form(a), vg_event_form(b));
        assert_int_equal(vg_event_count(a), vg_event_count(b));
        for (size_t i = 0; i < vg_event_count(a); i++) {
            vg_str na, va, nb, vb;
            vg_value_type ta, tb;
            vg_event_field(a, i, &na, &va, &ta);
            vg_event_field(b, i, &nb, &vb, &tb);
            if (na.len != nb.len || memcmp(na.ptr, nb.ptr, na.len) != 0 || va.len != vb.len ||
                memcmp(va.ptr, vb.ptr, va.len) != 0 || ta != tb) {
                print_message("doc %.*s field %zu: '%.*s'='%.*s' (%d) vs '%.*s'='%.*s' (%d)\n",
                              (int)len, doc, i, (int)na.len, na.ptr, (int)va.len, va.ptr, ta,
                              (int)nb.len, nb.ptr, (int)vb.len, vb.ptr, tb);
                fail();
            }
        }
    }
    vg_event_free(a);
    vg_event_free(b);
}

static void test_one_pass_equals_tape(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{}",
        " { } ",
        "{\"EventID\": 1, \"Image\": \"C:\\\\Windows\\\\cmd.exe\", \"x\": null, \"t\": true}",
        "{\"a\":\"\\u00e9\\ud83d\\ude00\\ud800x\\n\\t\\\"\\/\",\"b\":-1.5e3,\"c\":false}",
        "{\"Threat Name\": \"x\", \" \": 1, \"\": 2, \"#text\": 3, \"#attributes\": 4}",
        "{\"k\\u0041\": 1}",
        "{\"a\": 1, \"a\": \"two\", \"A\": 3}",
        ("{\"Hostname\": \"h1\", \"SourceName\": \"Microsoft-Windows-Sysmon\", \"EventID\": 1, "
         "\"RecordNumber\": 7, \"UserID\": \"S-1-5-18\"}"),
        "{\"SourceModuleType\": \"im_msvistalog\", \"Hostname\": \"h2\"}",
        "{\"a\": {\"b\": 1}, \"c\": 2}",
        "{\"a\": [1, 2, \"x\"], \"c\": 2}",
        "{\"Event\": {\"System\": {\"EventID\": 4688, \"Channel\": \"Security\"}}}",
        "{\"winlog\": {\"channel\": \"Security\", \"event_id\": 4624}, \"host.name\": \"h\"}",
        "{\"a\": 1,}",
        "{\"a\" 1}",
        "{\"a\": 01}",
        "{\"a\": 1} x",
        "{\"a\": \"unterminated}",
        "{\"a\": \"bad \\x escape\"}",
        "{\"a\": tru}",
        "[1, 2]",
        "\"just a string\"",
        "{\"a\": \"ctl \x01 char\"}",
        "",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        for (int form = VG_JSON_AUTO; form <= VG_JSON_NXLOG; form++)
            assert_same_event(docs[i], strlen(docs[i]), (vg_json_form)form);
}

/* A value with escapes longer than the one-pass scratch, and a name longer than a name may be:
 * both go through the tape, with the same result. */
static void test_long_values_and_names(void **state)
{
    (void)state;
    size_t n = 20000;
    char *doc = malloc(2 * n + 64);
    size_t k = (size_t)sprintf(doc, "{\"v\": \"");
    for (size_t i = 0; i < n; i++)
        k += (size_t)sprintf(doc + k, i % 100 ? "a" : "\\\\");
    k += (size_t)sprintf(doc + k, "\", \"");
    for (size_t i = 0; i < 600; i++)
        doc[k++] = 'n';
    k += (size_t)sprintf(doc + k, "\": 1, \"after\": 2}");
    assert_same_event(doc, k, VG_JSON_AUTO);
    free(doc);
}

static void test_buckets_and_folding(void **state)
{
    (void)state;
    vg_event *ev = vg_event_new();
    /* more fields than buckets, and one name repeated far apart */
    for (int i = 0; i < 600; i++) {
        char name[32], value[32];
        int nl = i % 200 == 7 ? snprintf(name, sizeof name, "Rep%s", i % 2 ? "EAT" : "eat")
                              : snprintf(name, sizeof name, "Field%d", i);
        int vl = snprintf(value, sizeof value, "VaLuE-%d-ÄB", i);
        assert_int_equal(vg_event_add(ev, name, (size_t)nl, value, (size_t)vl, VG_VAL_STRING), 0);
    }
    uint32_t h = vg__hash_lower("REPEAT", 6);
    size_t seen[8], n = 0;
    for (uint32_t i = vg__event_bucket(ev, h); i; i = ev->fields[i - 1].next) {
        const vg__field *f = &ev->fields[i - 1];
        if (f->nhash == h && vg__str_ieq(vg__field_name(ev, f), VG_STR("repeat")))
            seen[n++] = i - 1;
    }
    assert_int_equal(n, 3);
    assert_int_equal(seen[0], 7);
    assert_int_equal(seen[1], 207);
    assert_int_equal(seen[2], 407);
    /* every field is reachable from its bucket */
    for (size_t i = 0; i < ev->n; i++) {
        int found = 0;
        for (uint32_t j = vg__event_bucket(ev, ev->fields[i].nhash); j && !found;
             j = ev->fields[j - 1].next)
            found = j - 1 == i;
        assert_true(found);
        vg__str v = vg__field_value(ev, &ev->fields[i]), l = vg__field_lower(ev, &ev->fields[i]);
        assert_int_equal(v.len, l.len);
        for (size_t c = 0; c < v.len; c++)
            assert_int_equal((unsigned char)l.ptr[c], vg__lower((unsigned char)v.ptr[c]));
        assert_int_equal(l.ptr[l.len], 0);
    }
    vg_event_clear(ev);
    assert_int_equal(vg__event_bucket(ev, h), 0);
    vg_event_free(ev);
}

/* The one-pass reader remembers the name at each member position: one event reading lines
 * whose names differ from the last line's at the same places (by one byte, first or last, by
 * case, by a space, by length) must still name and hash every field right. */
static void test_names_remembered(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "{\"Image\": \"a\", \"CommandLine\": \"b\", \"ParentImageX\": 1, \"Abcd\": 2}",
        "{\"Imagf\": \"a\", \"CommandLinf\": \"b\", \"XarentImageX\": 1, \"Abce\": 2}",
        "{\"image\": \"a\", \"Command Line\": \"b\", \"ParentImageX\": 1, \"Abcd\": 2}",
        "{\"Image\": \"a\", \"CommandLine\": \"b\", \"ParentImageXY\": 1, \"Abc\": 2}",
        "{\"Image\": \"a\", \"CommandLine\": \"b\", \"ParentImageX\": 1, \"Abcd\": 2}",
    };
    static const char *const names[][4] = {
        {"Image", "CommandLine", "ParentImageX", "Abcd"},
        {"Imagf", "CommandLinf", "XarentImageX", "Abce"},
        {"image", "CommandLine", "ParentImageX", "Abcd"},
        {"Image", "CommandLine", "ParentImageXY", "Abc"},
        {"Image", "CommandLine", "ParentImageX", "Abcd"},
    };
    vg_event *ev = vg_event_new();
    for (int round = 0; round < 2; round++) {
        for (size_t l = 0; l < VG_ARRAY_LEN(lines); l++) {
            assert_int_equal(
                vg_event_from_json(ev, lines[l], strlen(lines[l]), VG_JSON_AUTO, NULL, NULL, 0), 0);
            assert_int_equal(ev->n, 4);
            for (size_t i = 0; i < 4; i++) {
                vg__str nm = vg__field_name(ev, &ev->fields[i]);
                assert_int_equal(nm.len, strlen(names[l][i]));
                assert_memory_equal(nm.ptr, names[l][i], nm.len);
                assert_int_equal(ev->fields[i].nhash, vg__hash_lower(nm.ptr, nm.len));
            }
        }
    }
    vg_event_free(ev);
}

/* Names and values of every length from 0 to 40 (copied and folded in blocks of 16, 8 and 4
 * bytes that may overlap, or byte by byte): each comes back whole, its folded copy is its
 * ASCII lower case, and both end in a NUL. */
static void test_every_length(void **state)
{
    (void)state;
    vg_event *ev = vg_event_new();
    const char *text = "AbCdEfGhIjKlMnOpQrStUvWxYz@[`{0123456789ZZZZZ";
    for (size_t len = 0; len <= 40; len++) {
        vg_event_clear(ev);
        assert_int_equal(vg_event_add(ev, text + 1, len ? len : 1, text + 3, len, VG_VAL_STRING),
                         0);
        const vg__field *f = &ev->fields[0];
        vg__str nm = vg__field_name(ev, f), v = vg__field_value(ev, f), l = vg__field_lower(ev, f);
        assert_int_equal(nm.len, len ? len : 1);
        assert_memory_equal(nm.ptr, text + 1, nm.len);
        assert_int_equal(nm.ptr[nm.len], 0);
        assert_int_equal(v.len, len);
        assert_int_equal(l.len, len);
        if (len)
            assert_memory_equal(v.ptr, text + 3, len);
        for (size_t c = 0; c < len; c++)
            assert_int_equal((unsigned char)l.ptr[c], vg__lower((unsigned char)text[3 + c]));
        assert_int_equal(v.ptr[len], 0);
        assert_int_equal(l.ptr[len], 0);
    }
    vg_event_free(ev);
}

/* Every line of the oracle's event files, both ways (skipped without the shared data). */
static void compare_file(const char *path, size_t *lines)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        assert_same_event(line, (size_t)n, VG_JSON_AUTO);
        (*lines)++;
    }
    free(line);
    fclose(f);
}

static void test_shared_events(void **state)
{
    (void)state;
    const char *shared = getenv("VG_SHARED");
    char path[4096];
    snprintf(path, sizeof path, "%s/oracle/events/flat.jsonl", shared ? shared : "");
    FILE *probe = shared ? fopen(path, "rb") : NULL;
    if (!probe) { /* this case only: the others ran */
        print_message("oracle events not at %s: this case is skipped\n", path);
        skip();
    }
    fclose(probe);
    size_t lines = 0;
    compare_file(path, &lines);
    assert_int_equal(lines, 8255);
    /* nested documents (the evtx crate's form) always take the tape; compare a few anyway */
    snprintf(path, sizeof path,
             "%s/oracle/events/raw/Execution/Sysmon_Exec_CompiledHTML.evtx.jsonl", shared);
    size_t before = lines;
    compare_file(path, &lines);
    assert_true(lines > before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_pass_equals_tape), cmocka_unit_test(test_long_values_and_names),
        cmocka_unit_test(test_buckets_and_folding),  cmocka_unit_test(test_every_length),
        cmocka_unit_test(test_names_remembered),     cmocka_unit_test(test_shared_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

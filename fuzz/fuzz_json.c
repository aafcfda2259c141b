/*
 * fuzz_json.c - libFuzzer target for the JSON tape parser (src/base/json.c).
 *
 * Not only "no crash": when a document parses, the tape must be well formed, because every
 * loader walks it without re-checking. Each token's subtree ends after the token and within
 * the tape; a container's child count matches a walk of its children, and the walk lands
 * exactly on its `next`; object members alternate string keys and values; string and scalar
 * byte ranges lie inside the input, strings between quotes; unescaping never grows a string.
 * A failed parse must report an offset inside the input and a message. Parsing again with the
 * same tape (as JSON-lines readers do) must give the same tape.
 *
 * Built two ways (fuzz/CMakeLists.txt): with libFuzzer when VG_FUZZ=ON, and with replay.c as
 * a plain program that the test suite runs over fuzz/corpus/json.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_json: invariant failed: %s (line %d)\n", #cond, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_token(const vg__json *j, const char *src, size_t size, uint32_t i, char *buf)
{
    const vg__jtok *t = &j->tok[i];
    CHECK(t->next > i && t->next <= j->n);
    CHECK(t->type <= VG_J_OBJ);
    switch (t->type) {
    case VG_J_STR: {
        CHECK(t->off >= 1 && (size_t)t->off + t->len < size);
        CHECK(src[t->off - 1] == '"' && src[t->off + t->len] == '"');
        CHECK(t->next == i + 1);
        long n = vg__json_unescape(j, i, buf, (size_t)t->len + 1);
        CHECK(n >= 0 && (size_t)n <= t->len);
        if (!t->esc) {
            CHECK(memchr(src + t->off, '\\', t->len) == NULL);
            CHECK((size_t)n == t->len && memcmp(buf, src + t->off, t->len) == 0);
        }
        break;
    }
    case VG_J_NUM:
    case VG_J_NULL:
    case VG_J_TRUE:
    case VG_J_FALSE:
        CHECK(t->len > 0 && (size_t)t->off + t->len <= size);
        CHECK(t->next == i + 1);
        break;
    case VG_J_ARR:
    case VG_J_OBJ: {
        CHECK(t->off < size && src[t->off] == (t->type == VG_J_ARR ? '[' : '{'));
        uint32_t count = 0, e = i + 1;
        while (e < t->next) {
            if (t->type == VG_J_OBJ) {
                CHECK(j->tok[e].type == VG_J_STR); /* key */
                e = j->tok[e].next;
                CHECK(e < t->next); /* its value */
            }
            CHECK(j->tok[e].next > e);
            e = j->tok[e].next;
            count++;
        }
        CHECK(e == t->next);
        CHECK(count == t->len);
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    vg__json j;
    vg__json_init(&j);
    int rc = vg__json_parse(&j, src, size);
    if (rc == VG_ERR_SYNTAX) {
        CHECK(j.err_off <= size);
        CHECK(j.err[0] != 0);
    } else if (rc == 0) {
        CHECK(j.n >= 1 && j.tok[0].next == j.n);
        char *buf = malloc(size + 1);
        CHECK(buf != NULL);
        for (uint32_t i = 0; i < j.n; i++)
            check_token(&j, src, size, i, buf);
        /* member lookup by the first key of every object finds a value token */
        for (uint32_t i = 0; i < j.n; i++) {
            if (j.tok[i].type != VG_J_OBJ || j.tok[i].len == 0 || j.tok[i + 1].esc)
                continue;
            size_t kl = j.tok[i + 1].len;
            memcpy(buf, src + j.tok[i + 1].off, kl);
            buf[kl] = 0;
            if (strlen(buf) != kl) /* a NUL escaped as \u0000 cannot be a C key */
                continue;
            uint32_t v = vg__json_get(&j, i, buf);
            CHECK(v > i + 1 && v < j.tok[i].next);
        }
        free(buf);
        /* reuse of the tape gives the same tape */
        size_t n = j.n;
        vg__jtok *copy = malloc(n * sizeof *copy);
        CHECK(copy != NULL);
        memcpy(copy, j.tok, n * sizeof *copy);
        CHECK(vg__json_parse(&j, src, size) == 0);
        CHECK(j.n == n && memcmp(copy, j.tok, n * sizeof *copy) == 0);
        free(copy);
    } else {
        CHECK(rc == VG_ERR_LIMIT || rc == VG_ERR_NOMEM);
    }
    vg__json_free(&j);
    return 0;
}

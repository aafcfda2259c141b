/*
 * builder.c - writes small EVTX files for tests and fuzz seeds (see builder.h).
 *
 * The layout written follows the format notes in docs/evtx.md; the CRC32 here is an
 * independent bitwise implementation, so that a table bug in the reader's cannot hide.
 */
#include <stdlib.h>
#include <string.h>

#include "builder.h"

uint32_t eb_crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

void eb_chunk_init(eb_chunk *c)
{
    memset(c, 0, sizeof *c);
    c->pos = 512;
}

void eb_bytes(eb_chunk *c, const void *p, size_t n)
{
    if (c->pos + n > sizeof c->d)
        abort(); /* a test that overflows its chunk is a broken test */
    memcpy(c->d + c->pos, p, n);
    c->pos += (uint32_t)n;
}

void eb_u8(eb_chunk *c, uint8_t v)
{
    eb_bytes(c, &v, 1);
}

void eb_u16(eb_chunk *c, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    eb_bytes(c, b, 2);
}

void eb_u32(eb_chunk *c, uint32_t v)
{
    eb_u16(c, (uint16_t)v);
    eb_u16(c, (uint16_t)(v >> 16));
}

void eb_u64(eb_chunk *c, uint64_t v)
{
    eb_u32(c, (uint32_t)v);
    eb_u32(c, (uint32_t)(v >> 32));
}

void eb_put32(eb_chunk *c, uint32_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        c->d[at + i] = (uint8_t)(v >> (8 * i));
}

uint16_t eb_utf16_size(const char *s, int nul)
{
    return (uint16_t)(2 * (strlen(s) + (nul ? 1 : 0)));
}

void eb_utf16(eb_chunk *c, const char *s, int nul)
{
    for (; *s; s++)
        eb_u16(c, (uint8_t)*s);
    if (nul)
        eb_u16(c, 0);
}

void eb_record_begin(eb_chunk *c, uint64_t id, uint64_t filetime)
{
    c->rec_start = c->pos;
    eb_bytes(c, "**\0\0", 4);
    eb_u32(c, 0);
    eb_u64(c, id);
    eb_u64(c, filetime);
    if (!c->n_records++)
        c->first_id = id;
    c->last_id = id;
}

void eb_record_end(eb_chunk *c)
{
    uint32_t size = c->pos + 4 - c->rec_start;
    eb_u32(c, size);
    eb_put32(c, c->rec_start + 4, size);
    c->last_rec = c->rec_start;
}

void eb_name(eb_chunk *c, const char *name)
{
    for (int i = 0; i < c->n_names; i++)
        if (strcmp(c->names[i].s, name) == 0) {
            eb_u32(c, c->names[i].off);
            return;
        }
    uint32_t off = c->pos + 4;
    if (c->n_names < 256)
        c->names[c->n_names++] = (struct eb_name){name, off};
    eb_u32(c, off);
    eb_u32(c, 0); /* next name in the hash bucket */
    eb_u16(c, 0); /* hash: not checked by readers */
    eb_u16(c, (uint16_t)strlen(name));
    eb_utf16(c, name, 1);
}

void eb_fragment(eb_chunk *c)
{
    eb_bytes(c, "\x0f\x01\x01\x00", 4);
}

void eb_open(eb_chunk *c, const char *name, int has_attrs)
{
    eb_u8(c, has_attrs ? 0x41 : 0x01);
    eb_u16(c, 0xffff); /* dependency identifier */
    eb_u32(c, 0);      /* data size: not used by readers */
    eb_name(c, name);
    if (has_attrs)
        eb_u32(c, 0); /* attribute list size */
}

void eb_attr(eb_chunk *c, const char *name)
{
    eb_u8(c, 0x06);
    eb_name(c, name);
}

void eb_text(eb_chunk *c, const char *text)
{
    eb_u8(c, 0x05);
    eb_u8(c, 0x01);
    eb_u16(c, (uint16_t)strlen(text));
    eb_utf16(c, text, 0);
}

void eb_subst(eb_chunk *c, uint16_t id, uint8_t type, int optional)
{
    eb_u8(c, optional ? 0x0e : 0x0d);
    eb_u16(c, id);
    eb_u8(c, type);
}

void eb_charref(eb_chunk *c, uint16_t ch)
{
    eb_u8(c, 0x08);
    eb_u16(c, ch);
}

void eb_close_start(eb_chunk *c)
{
    eb_u8(c, 0x02);
}

void eb_close_empty(eb_chunk *c)
{
    eb_u8(c, 0x03);
}

void eb_end(eb_chunk *c)
{
    eb_u8(c, 0x04);
}

void eb_eof(eb_chunk *c)
{
    eb_u8(c, 0x00);
}

uint32_t eb_template_begin(eb_chunk *c, uint32_t id)
{
    eb_u8(c, 0x0c);
    eb_u8(c, 0x01);
    eb_u32(c, id);
    uint32_t def = c->pos + 4;
    eb_u32(c, def);
    eb_u32(c, 0); /* next template in the bucket */
    eb_u32(c, id);
    eb_bytes(c, "0123456789ab", 12); /* rest of the GUID */
    eb_u32(c, 0);                    /* data size, patched by eb_template_end */
    return def;
}

void eb_template_end(eb_chunk *c, uint32_t def)
{
    eb_put32(c, def + 20, c->pos - (def + 24));
}

void eb_template_ref(eb_chunk *c, uint32_t id, uint32_t def)
{
    eb_u8(c, 0x0c);
    eb_u8(c, 0x01);
    eb_u32(c, id);
    eb_u32(c, def);
}

void eb_values(eb_chunk *c, uint32_t n)
{
    eb_u32(c, n);
}

void eb_desc(eb_chunk *c, uint16_t size, uint8_t type)
{
    eb_u16(c, size);
    eb_u8(c, type);
    eb_u8(c, 0);
}

/* <Event xmlns=...><System><Provider Name=%0/><EventID>%1</EventID>
 * <TimeCreated SystemTime=%2/><EventRecordID>%3</EventRecordID><Correlation ActivityID=%4?/>
 * <Execution ProcessID=%5/><Channel>%6</Channel><Security UserID=%7?/></System>
 * <EventData><Data Name="Image">%8</Data><Data Name="Threat Name">%9</Data>
 * <Data Name="Count">%10</Data></EventData></Event> */
static void std_body(eb_chunk *c)
{
    static const struct {
        const char *elem, *attr;
        uint8_t type;
        int optional;
    } sys[] = {
        {"Provider", "Name", 0x01, 0},
        {"EventID", NULL, 0x06, 0},
        {"TimeCreated", "SystemTime", 0x11, 0},
        {"EventRecordID", NULL, 0x0a, 0},
        {"Correlation", "ActivityID", 0x0f, 1},
        {"Execution", "ProcessID", 0x08, 0},
        {"Channel", NULL, 0x01, 0},
        {"Security", "UserID", 0x13, 1},
    };
    eb_fragment(c);
    eb_open(c, "Event", 1);
    eb_attr(c, "xmlns");
    eb_text(c, "http://schemas.microsoft.com/win/2004/08/events/event");
    eb_close_start(c);
    eb_open(c, "System", 0);
    eb_close_start(c);
    for (uint16_t i = 0; i < 8; i++) {
        eb_open(c, sys[i].elem, sys[i].attr != NULL);
        if (sys[i].attr) {
            eb_attr(c, sys[i].attr);
            eb_subst(c, i, sys[i].type, sys[i].optional);
            eb_close_empty(c);
        } else {
            eb_close_start(c);
            eb_subst(c, i, sys[i].type, sys[i].optional);
            eb_end(c);
        }
    }
    eb_end(c);
    eb_open(c, "EventData", 0);
    eb_close_start(c);
    const char *names[] = {"Image", "Threat Name", "Count"};
    for (uint16_t i = 0; i < 3; i++) {
        eb_open(c, "Data", 1);
        eb_attr(c, "Name");
        eb_text(c, names[i]);
        eb_close_start(c);
        eb_subst(c, (uint16_t)(8 + i), 0x01, 0);
        eb_end(c);
    }
    eb_end(c);
    eb_end(c);
    eb_eof(c);
}

uint32_t eb_std_record(eb_chunk *c, uint64_t id, uint32_t def, const char *image)
{
    /* 2020-01-02T03:04:05.123456Z */
    const uint64_t ft = 132224078451234560ull;
    eb_record_begin(c, id, ft);
    eb_fragment(c);
    if (def) {
        eb_template_ref(c, 1, def);
    } else {
        def = eb_template_begin(c, 1);
        std_body(c);
        eb_template_end(c, def);
    }
    static const uint8_t sid[] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
    eb_values(c, 11);
    eb_desc(c, eb_utf16_size("Test-Provider", 1), 0x01);
    eb_desc(c, 2, 0x06);
    eb_desc(c, 8, 0x11);
    eb_desc(c, 8, 0x0a);
    eb_desc(c, 0, 0x00);
    eb_desc(c, 4, 0x08);
    eb_desc(c, eb_utf16_size("Security", 1), 0x01);
    eb_desc(c, sizeof sid, 0x13);
    eb_desc(c, eb_utf16_size(image, 1), 0x01);
    eb_desc(c, eb_utf16_size("Evil", 1), 0x01);
    eb_desc(c, 4, 0x08);
    eb_utf16(c, "Test-Provider", 1);
    eb_u16(c, 4688);
    eb_u64(c, ft);
    eb_u64(c, id);
    eb_u32(c, 1234);
    eb_utf16(c, "Security", 1);
    eb_bytes(c, sid, sizeof sid);
    eb_utf16(c, image, 1);
    eb_utf16(c, "Evil", 1);
    eb_u32(c, 3);
    eb_eof(c);
    eb_record_end(c);
    return def;
}

void eb_chunk_finish(eb_chunk *c)
{
    uint8_t *h = c->d;
    memcpy(h, "ElfChnk", 8);
    for (int i = 0; i < 8; i++) {
        h[8 + i] = (uint8_t)(c->first_id >> (8 * i));
        h[16 + i] = (uint8_t)(c->last_id >> (8 * i));
        h[24 + i] = (uint8_t)(c->first_id >> (8 * i));
        h[32 + i] = (uint8_t)(c->last_id >> (8 * i));
    }
    eb_put32(c, 40, 128);
    eb_put32(c, 44, c->last_rec);
    eb_put32(c, 48, c->pos);
    eb_put32(c, 52, eb_crc32(h + 512, c->pos - 512));
    uint8_t tmp[120 + 384];
    memcpy(tmp, h, 120);
    memcpy(tmp + 120, h + 128, 384);
    eb_put32(c, 124, eb_crc32(tmp, sizeof tmp));
}

uint8_t *eb_file(eb_chunk *const *chunks, int n, size_t *len)
{
    *len = 4096 + (size_t)n * 65536;
    uint8_t *f = calloc(1, *len);
    if (!f)
        abort();
    memcpy(f, "ElfFile", 8);
    f[16] = (uint8_t)(n - 1); /* last chunk number */
    f[32] = 128;              /* header size */
    f[36] = 2;                /* minor version */
    f[38] = 3;                /* major version */
    f[41] = 0x10;             /* header block size 4096 */
    f[42] = (uint8_t)n;       /* chunk count */
    uint32_t crc = eb_crc32(f, 120);
    for (int i = 0; i < 4; i++)
        f[124 + i] = (uint8_t)(crc >> (8 * i));
    for (int i = 0; i < n; i++)
        memcpy(f + 4096 + (size_t)i * 65536, chunks[i]->d, 65536);
    return f;
}

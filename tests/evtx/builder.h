/*
 * builder.h - a tiny writer of EVTX files for tests, fuzz seeds and benchmarks.
 *
 * It writes what vigil's reader reads: a file header, 64 KiB chunks with correct checksums,
 * records, and Binary XML with inline names and inline template definitions. Tests then
 * break what they want (a checksum, an offset, a size) with the helpers or by poking bytes.
 * Every value is written little-endian; strings are given as ASCII and written as UTF-16.
 */
#ifndef VG_TEST_EVTX_BUILDER_H
#define VG_TEST_EVTX_BUILDER_H

#include <stddef.h>
#include <stdint.h>

typedef struct eb_chunk {
    uint8_t d[65536];
    uint32_t pos;       /* next byte to write */
    uint32_t rec_start; /* offset of the record being written */
    uint32_t last_rec;  /* offset of the last finished record */
    uint64_t first_id, last_id;
    int n_records;
    struct eb_name {
        const char *s;
        uint32_t off;
    } names[256];
    int n_names;
} eb_chunk;

void eb_chunk_init(eb_chunk *c);
void eb_u8(eb_chunk *c, uint8_t v);
void eb_u16(eb_chunk *c, uint16_t v);
void eb_u32(eb_chunk *c, uint32_t v);
void eb_u64(eb_chunk *c, uint64_t v);
void eb_bytes(eb_chunk *c, const void *p, size_t n);
void eb_put32(eb_chunk *c, uint32_t at, uint32_t v);

/* Records: begin writes the header, end the trailing size copy. */
void eb_record_begin(eb_chunk *c, uint64_t id, uint64_t filetime);
void eb_record_end(eb_chunk *c);

/* Binary XML tokens. A name is written inline the first time, by reference afterwards. */
void eb_name(eb_chunk *c, const char *name);
void eb_fragment(eb_chunk *c); /* 0x0f 01 01 00 */
void eb_open(eb_chunk *c, const char *name, int has_attrs);
void eb_attr(eb_chunk *c, const char *name);
void eb_text(eb_chunk *c, const char *text); /* value token, UTF-16 string */
void eb_subst(eb_chunk *c, uint16_t id, uint8_t type, int optional);
void eb_charref(eb_chunk *c, uint16_t ch);
void eb_close_start(eb_chunk *c); /* 0x02 */
void eb_close_empty(eb_chunk *c); /* 0x03 */
void eb_end(eb_chunk *c);         /* 0x04 */
void eb_eof(eb_chunk *c);         /* 0x00 */

/* A template instance whose definition follows inline; returns the definition's offset. Write
 * the body (a fragment, elements, eof) and then call eb_template_end(). */
uint32_t eb_template_begin(eb_chunk *c, uint32_t id);
void eb_template_end(eb_chunk *c, uint32_t def);
/* A template instance that refers to the definition at def. */
void eb_template_ref(eb_chunk *c, uint32_t id, uint32_t def);

/* Substitution values: eb_values(c, n) then n descriptors via eb_desc(), then the data. */
void eb_values(eb_chunk *c, uint32_t n);
void eb_desc(eb_chunk *c, uint16_t size, uint8_t type);
/* UTF-16 of s, with a NUL terminator when nul; returns the byte size. */
uint16_t eb_utf16_size(const char *s, int nul);
void eb_utf16(eb_chunk *c, const char *s, int nul);

/* The standard test event (see builder.c): a template with System and EventData, instanced
 * inline if def is 0, else by reference; returns the definition's offset. */
uint32_t eb_std_record(eb_chunk *c, uint64_t id, uint32_t def, const char *image);

/* Fill in the chunk header and both checksums. */
void eb_chunk_finish(eb_chunk *c);

/* A whole file: header + n chunks. *len receives the size; free() the result. */
uint8_t *eb_file(eb_chunk *const *chunks, int n, size_t *len);

uint32_t eb_crc32(const uint8_t *p, size_t n);

#endif

/*
 * input.h - what the input layer (input.c) and zip archives (zip.c) share.
 *
 * vg_input_open() hands a file that starts with a zip local-file signature to zip.c, which
 * walks the archive's members in order and reads each one that holds JSON lines or EVTX
 * through an input of its own, named "archive.zip:member" so diagnostics point into it. A
 * JSON-lines member is streamed: input.c's line reader takes its bytes from the member
 * (vg__zip_read and vg__zip_error, like zlib's gzread and gzerror) instead of a file. An EVTX
 * member, which needs random access, is read into memory.
 */
#ifndef VG_INPUT_H
#define VG_INPUT_H

#include "../base/base.h"

/* The first four bytes of a zip archive: a local file header, or the end of the central
 * directory of an archive without members. */
#define VG__ZIP_MAGIC       "PK\x03\x04"
#define VG__ZIP_MAGIC_EMPTY "PK\x05\x06"

typedef struct vg__zip vg__zip;               /* an archive being read member by member */
typedef struct vg__zip_member vg__zip_member; /* the bytes of one member, streamed */

/* Open the archive at path. Problems go to diags (an archive that cannot be opened is an
 * error naming it). */
int vg__zip_open(const char *path, vg_json_form form, vg_diags *diags, vg__zip **out);
/* Next event of the archive (members one after another): 1, 0 at the end, <0 on error. */
int vg__zip_next(vg__zip *z, vg_event *ev, vg_input_info *info);
int vg__zip_json(vg__zip *z, const char **json, size_t *len);
void vg__zip_close(vg__zip *z);

/* A member's bytes, for input.c's line reader: like gzread (up to n bytes into buf, 0 when
 * nothing is left or on an error) and gzerror (*err nonzero after an error). */
size_t vg__zip_read(vg__zip_member *m, char *buf, size_t n);
const char *vg__zip_error(vg__zip_member *m, int *err);

/* An input over a member (input.c): EVTX when evtx is not NULL (a buffer that must outlive
 * the input), else JSON lines read from m. name labels events and diagnostics. */
int vg__input_open_member(const char *name, vg_json_form form, vg_diags *diags, vg__zip_member *m,
                          const void *evtx, size_t evtx_len, vg_input **out);

#endif

/*
 * error.c - messages and names for the VG_ERR_* codes.
 *
 * Both tables are generated from VG_ERRNO_MAP in vigil.h, so a new code needs one line there
 * and nothing here.
 */
#include "base.h"

#define MSG_(name, msg)  msg,
#define NAME_(name, msg) "VG_ERR_" #name,
static const char *const messages[] = {VG_ERRNO_MAP(MSG_)};
static const char *const names[] = {VG_ERRNO_MAP(NAME_)};
#undef MSG_
#undef NAME_

_Static_assert(VG_ARRAY_LEN(messages) == (size_t)(VG_ERR_LAST_ - VG_ERR_FIRST_ - 1),
               "error table out of sync with the enum");

static int slot(int code)
{
    if (code <= VG_ERR_FIRST_ || code >= VG_ERR_LAST_)
        return -1;
    return code - VG_ERR_FIRST_ - 1;
}

const char *vg_strerror(int code)
{
    if (code == 0)
        return "success";
    int i = slot(code);
    return i < 0 ? "unknown error" : messages[i];
}

const char *vg_errname(int code)
{
    if (code == 0)
        return "VG_OK";
    int i = slot(code);
    return i < 0 ? "VG_ERR_UNKNOWN" : names[i];
}

const char *vg_version(void)
{
    return VG_VERSION_STRING;
}

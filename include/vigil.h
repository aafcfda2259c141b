/*
 * vigil.h - the one public header of libvigil, the ATT&CK-driven detection library.
 *
 * Everything the CLI and the server use is declared here; nothing else under src/ is public.
 * Conventions, stated once:
 *   - Functions return 0 on success or a negative VG_ERR_* code; results come back through
 *     out-parameters. vg_strerror() and vg_errname() describe a code.
 *   - Handles are opaque. Every new/load function documents who owns what it returns;
 *     every _free function accepts NULL.
 *   - Strings handed out by the library are NUL-terminated and owned by the handle they came
 *     from; they stay valid until that handle is freed.
 *   - The library never prints and never exits. Problems with input are collected as
 *     diagnostic records (vg_diag) that callers render (the CLI adds a caret line).
 */
#ifndef VIGIL_H
#define VIGIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VG_VERSION_MAJOR  0
#define VG_VERSION_MINOR  1
#define VG_VERSION_PATCH  0
#define VG_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* One list generates the enum, vg_strerror() and vg_errname(). Codes are negative. */
#define VG_ERRNO_MAP(X)                                                                            \
    X(NOMEM, "out of memory")                                                                      \
    X(INVAL, "invalid argument")                                                                   \
    X(IO, "input/output error")                                                                    \
    X(NOENT, "no such file or object")                                                             \
    X(SYNTAX, "syntax error")                                                                      \
    X(TYPE, "value has the wrong type")                                                            \
    X(RANGE, "value out of range")                                                                 \
    X(LIMIT, "a configured limit was exceeded")                                                    \
    X(REF, "dangling reference")                                                                   \
    X(DUP, "duplicate definition")                                                                 \
    X(UNSUPPORTED, "unsupported feature")                                                          \
    X(TRUNCATED, "input is truncated")                                                             \
    X(CORRUPT, "input is corrupt")                                                                 \
    X(AMBIGUOUS, "ambiguous name")

typedef enum {
    VG_OK = 0,
#define VG_ERR_ENUM_(name, msg) VG_ERR_##name,
    VG_ERR_FIRST_ = -1000,
    VG_ERRNO_MAP(VG_ERR_ENUM_)
#undef VG_ERR_ENUM_
        VG_ERR_LAST_
} vg_errcode;

/* Human-readable message for a code ("out of memory"); never NULL. */
const char *vg_strerror(int code);
/* Symbolic name for a code ("VG_ERR_NOMEM"); never NULL. */
const char *vg_errname(int code);

/* Library version string, e.g. "0.1.0". */
const char *vg_version(void);

/* ------------------------------------------------------------------------------------------ */
/* Diagnostics                                                                                 */
/* ------------------------------------------------------------------------------------------ */

typedef enum {
    VG_SEV_NOTE,
    VG_SEV_WARNING,
    VG_SEV_ERROR,
} vg_severity;

/* One problem found in an input. Fields that do not apply are 0 / NULL.
 * line and col are 1-based; offset is the byte offset from the start of the input. */
typedef struct vg_diag {
    int code;             /* VG_ERR_* */
    vg_severity severity; /* note, warning or error */
    const char *file;     /* input name as given, or NULL */
    uint32_t line;        /* 1-based, 0 if unknown */
    uint32_t col;         /* 1-based, 0 if unknown */
    uint64_t offset;      /* byte offset, or record number where the input has records */
    const char *object;   /* rule id / STIX id / record id the problem belongs to, or NULL */
    const char *message;  /* what is wrong, never NULL */
} vg_diag;

/* A growable list of diagnostics. Owned by the caller; loaders append to it. */
typedef struct vg_diags vg_diags;

/* New empty list, or NULL when out of memory. Free with vg_diags_free(). */
vg_diags *vg_diags_new(void);
void vg_diags_free(vg_diags *d);
size_t vg_diags_count(const vg_diags *d);
/* The i-th record (0-based), owned by the list; NULL if i is out of range. */
const vg_diag *vg_diags_get(const vg_diags *d, size_t i);
/* Number of records at or above a severity. */
size_t vg_diags_count_at(const vg_diags *d, vg_severity min);
void vg_diags_clear(vg_diags *d);

/* ------------------------------------------------------------------------------------------ */
/* ATT&CK knowledge base                                                                       */
/* ------------------------------------------------------------------------------------------ */

typedef enum {
    VG_ATTACK_MATRIX,
    VG_ATTACK_TACTIC,
    VG_ATTACK_TECHNIQUE, /* techniques and sub-techniques (see VG_ATTACK_F_SUBTECHNIQUE) */
    VG_ATTACK_GROUP,
    VG_ATTACK_SOFTWARE, /* malware and tools (see VG_ATTACK_F_TOOL) */
    VG_ATTACK_CAMPAIGN,
    VG_ATTACK_MITIGATION,
    VG_ATTACK_DATA_SOURCE,
    VG_ATTACK_DATA_COMPONENT,
    VG_ATTACK_DETECTION_STRATEGY,
    VG_ATTACK_ANALYTIC,
    VG_ATTACK_KIND_COUNT,
} vg_attack_kind;

/* Object flags. */
enum {
    VG_ATTACK_F_REVOKED = 1u << 0,
    VG_ATTACK_F_DEPRECATED = 1u << 1,
    VG_ATTACK_F_SUBTECHNIQUE = 1u << 2,
    VG_ATTACK_F_TOOL = 1u << 3, /* software that is a tool rather than malware */
};

/* Domains, as bits. */
enum {
    VG_DOMAIN_ENTERPRISE = 1u << 0,
    VG_DOMAIN_MOBILE = 1u << 1,
    VG_DOMAIN_ICS = 1u << 2,
};

/* Relationship types. The first six are STIX relationship objects; the rest are references
 * held inside objects and are exposed as edges so that one walk finds everything. */
typedef enum {
    VG_REL_USES,
    VG_REL_MITIGATES,
    VG_REL_DETECTS,
    VG_REL_SUBTECHNIQUE_OF,
    VG_REL_REVOKED_BY,
    VG_REL_ATTRIBUTED_TO,
    VG_REL_HAS_ANALYTIC,   /* detection strategy -> analytic (x_mitre_analytic_refs) */
    VG_REL_COMPONENT_OF,   /* data component -> data source (x_mitre_data_source_ref) */
    VG_REL_ANALYTIC_READS, /* analytic -> data component (log source references) */
    VG_REL_COUNT,
} vg_attack_rel;

typedef struct vg_attack_obj vg_attack_obj;

/* An edge from or to an object. */
typedef struct vg_attack_edge {
    vg_attack_rel rel;
    const vg_attack_obj *other;
} vg_attack_edge;

/* A log source named by an analytic (x_mitre_log_source_references) or a data component
 * (x_mitre_log_sources). component is NULL for the latter or when the reference dangles. */
typedef struct vg_attack_logsrc {
    const vg_attack_obj *component;
    const char *name;    /* e.g. "WinEventLog:Security" */
    const char *channel; /* e.g. "EventCode=4688" */
} vg_attack_logsrc;

/* A knowledge-base object. Read-only; owned by the knowledge base it came from. */
struct vg_attack_obj {
    vg_attack_kind kind;
    uint32_t index;        /* position in vg_attack_at() order */
    uint32_t flags;        /* VG_ATTACK_F_* */
    uint32_t domains;      /* VG_DOMAIN_* bits */
    uint64_t platforms;    /* bit i set: platform vg_attack_platform_name(kb, i) */
    const char *stix_id;   /* "attack-pattern--..." */
    const char *attack_id; /* "T1059.001", "TA0002", "G0016", ...; "" when the object has none */
    const char *name;
    const char *url;                     /* attack.mitre.org page, or "" */
    const char *shortname;               /* tactics: "execution"; others "" */
    const char *version;                 /* x_mitre_version, or "" */
    const char *modified;                /* STIX modified timestamp, or "" */
    const vg_attack_obj *parent;         /* sub-technique's technique, else NULL */
    const vg_attack_obj *revoked_by;     /* direct replacement of a revoked object, else NULL */
    const vg_attack_obj *const *tactics; /* techniques: tactics from kill-chain phases */
    size_t n_tactics;                    /*   in matrix order */
    const char *const *aliases;          /* groups, software, campaigns */
    size_t n_aliases;
    const vg_attack_edge *out; /* edges where this object is the source */
    size_t n_out;
    const vg_attack_edge *in; /* edges where this object is the target */
    size_t n_in;
    const vg_attack_logsrc *logsrc; /* analytics and data components */
    size_t n_logsrc;
};

typedef struct vg_attack vg_attack;

/* Counts of what a knowledge base holds (deprecated and revoked objects included). */
typedef struct vg_attack_stats {
    size_t objects; /* all modelled objects */
    size_t kind[VG_ATTACK_KIND_COUNT];
    size_t subtechniques;
    size_t revoked;
    size_t deprecated;
    size_t rel[VG_REL_COUNT];
    size_t bundles; /* number of bundles loaded */
} vg_attack_stats;

/* New empty knowledge base, or NULL when out of memory. Free with vg_attack_free(). */
vg_attack *vg_attack_new(void);
void vg_attack_free(vg_attack *kb);

/* Load a STIX 2.x bundle from memory and merge it into kb. name labels diagnostics (a file
 * name). Problems are appended to diags (may be NULL). Objects that are malformed are skipped
 * with a diagnostic naming their STIX id; a bundle that is not JSON or not a bundle fails with
 * VG_ERR_SYNTAX / VG_ERR_TYPE and leaves kb unchanged. The buffer is not retained. */
int vg_attack_load_buffer(vg_attack *kb, const char *buf, size_t len, const char *name,
                          vg_diags *diags);
/* Same, reading a file. */
int vg_attack_load_file(vg_attack *kb, const char *path, vg_diags *diags);
/* Load the catalogue compiled into the binary (enterprise, mobile and ICS facts). */
int vg_attack_load_embedded(vg_attack *kb, vg_diags *diags);

/* After the last load: resolve references, order tactics, build indexes. Loading again after
 * this is allowed (it finalizes again). Dangling references become warnings. */
int vg_attack_finalize(vg_attack *kb, vg_diags *diags);

void vg_attack_stats_get(const vg_attack *kb, vg_attack_stats *out);

/* "ATT&CK v18.1" style label of the newest loaded bundle (from its x_mitre_version / matrix),
 * and whether it came from the embedded catalogue. Never NULL. */
const char *vg_attack_version(const vg_attack *kb);
int vg_attack_is_embedded(const vg_attack *kb);
/* MITRE's attribution notice, to print with every output derived from ATT&CK. */
const char *vg_attack_notice(void);

size_t vg_attack_count(const vg_attack *kb);
const vg_attack_obj *vg_attack_at(const vg_attack *kb, size_t i);

/* Platform names by bit index; NULL past the end. */
const char *vg_attack_platform_name(const vg_attack *kb, unsigned bit);
/* Bit for a platform name (case-insensitive), or -1. */
int vg_attack_platform_bit(const vg_attack *kb, const char *name);

/* Tactics of a domain in matrix order. Returns the count; *out points into kb. */
size_t vg_attack_tactics(const vg_attack *kb, uint32_t domain, const vg_attack_obj *const **out);

/* Find by ATT&CK ID, STIX id, name or alias, case-insensitively. kind_mask limits the kinds
 * searched (bit 1u<<kind; 0 = all). On success *out is the object as named; revoked objects
 * are returned as is, use vg_attack_resolve() to follow the revocation chain.
 * Returns VG_ERR_NOENT if nothing matches, VG_ERR_AMBIGUOUS if a name names several objects
 * of different kinds (the first is still returned). */
int vg_attack_find(const vg_attack *kb, const char *text, uint32_t kind_mask,
                   const vg_attack_obj **out);
/* All objects whose ID, name or alias equals text (case-insensitive), best first (ID matches,
 * then live objects, then kind order, then load order; docs/attack.md). Writes up to cap
 * pointers; returns the total count. */
size_t vg_attack_find_all(const vg_attack *kb, const char *text, uint32_t kind_mask,
                          const vg_attack_obj **out, size_t cap);
/* Follow revoked-by edges to the live replacement (the object itself when not revoked, or when
 * the chain does not end within VG_ATTACK_MAX_REVOKE_CHAIN hops, e.g. a cycle). */
const vg_attack_obj *vg_attack_resolve(const vg_attack_obj *obj);

/* Substring search over IDs, names and aliases (case-insensitive). Calls fn for each match in
 * index order; stops early if fn returns non-zero. Returns the number of matches seen. */
size_t vg_attack_search(const vg_attack *kb, const char *text, uint32_t kind_mask,
                        int (*fn)(const vg_attack_obj *obj, void *ud), void *ud);

/* ---- Sigma-style tags across ATT&CK versions ---- */

typedef enum {
    VG_TAG_TACTIC,
    VG_TAG_TECHNIQUE,
    VG_TAG_GROUP,
    VG_TAG_SOFTWARE,
    VG_TAG_CAMPAIGN,
    VG_TAG_MITIGATION,
    VG_TAG_DATA_SOURCE,
    VG_TAG_OTHER, /* not an ATT&CK tag (cve.*, car.*, detection.*, ...) */
} vg_tag_class;

/* How a tag resolved. */
typedef enum {
    VG_TAG_EXACT,   /* the loaded ATT&CK knows it as written */
    VG_TAG_MAPPED,  /* known after the version crosswalk (see docs/attack.md) */
    VG_TAG_REVOKED, /* known, revoked; obj is the replacement */
    VG_TAG_UNKNOWN, /* well-formed ATT&CK tag the loaded version does not know */
    VG_TAG_INVALID, /* starts with "attack." but is not a valid ATT&CK tag */
    VG_TAG_NOT_ATTACK,
} vg_tag_status;

#define VG_TAG_MAX_OBJS 4
typedef struct vg_tag_result {
    vg_tag_class cls;
    vg_tag_status status;
    size_t n_objs; /* resolved objects (a tactic tag may map to more than one) */
    const vg_attack_obj *objs[VG_TAG_MAX_OBJS];
    char note[160]; /* why it mapped, or why it did not resolve */
} vg_tag_result;

/* Resolve one tag ("attack.t1059.001", "attack.stealth", "attack.g0016", ...) against kb.
 * hint: the techniques the same rule is tagged with (may be NULL), used to pick a tactic when a
 * tactic was split between versions. Never fails; the status says what happened. */
void vg_attack_resolve_tag(const vg_attack *kb, const char *tag, const vg_attack_obj *const *hint,
                           size_t n_hint, vg_tag_result *out);

/* Export the facts of kb as a compact STIX bundle without descriptions (the format of the
 * embedded catalogue). *out is malloc'ed; the caller frees it. */
int vg_attack_export_catalogue(const vg_attack *kb, char **out, size_t *out_len);

/* ------------------------------------------------------------------------------------------ */
/* Events                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* A string view: not NUL-terminated unless stated. */
typedef struct vg_str {
    const char *ptr;
    size_t len;
} vg_str;

typedef enum {
    VG_VAL_STRING,
    VG_VAL_NUMBER, /* the number's text as written */
    VG_VAL_BOOL,   /* "true" / "false" */
    VG_VAL_NULL,
} vg_value_type;

/* An event: an ordered list of (name, value) fields. A name may repeat (multi-valued fields,
 * e.g. a JSON array). Field names are looked up case-insensitively. The event owns copies of
 * everything added; vg_event_clear() keeps its memory for reuse. */
typedef struct vg_event vg_event;

vg_event *vg_event_new(void);
void vg_event_free(vg_event *ev);
void vg_event_clear(vg_event *ev);
/* Copies name and value. Returns 0, VG_ERR_LIMIT (too many fields) or VG_ERR_NOMEM. */
int vg_event_add(vg_event *ev, const char *name, size_t nlen, const char *value, size_t vlen,
                 vg_value_type type);
size_t vg_event_count(const vg_event *ev);
/* The i-th field; views stay valid until the event is cleared or freed. */
int vg_event_field(const vg_event *ev, size_t i, vg_str *name, vg_str *value, vg_value_type *type);
/* First field named name (case-insensitive); returns its index or -1. */
long vg_event_find(const vg_event *ev, const char *name, size_t nlen);

typedef enum {
    VG_JSON_AUTO,  /* per line: the evtx nested form if it has Event.System, else flat */
    VG_JSON_FLAT,  /* top-level keys are fields; nested objects become dotted names */
    VG_JSON_EVTX,  /* the Rust evtx crate's form: Event.System, Event.EventData/UserData */
    VG_JSON_ECS,   /* Winlogbeat / Elastic Common Schema: winlog.*, event.code, host.name */
    VG_JSON_NXLOG, /* NXLog im_msvistalog: flat, with SourceName, Hostname, RecordNumber */
} vg_json_form;

/* The form vg_event_from_json() used for the last document it read (never VG_JSON_AUTO). */
vg_json_form vg_event_form(const vg_event *ev);
/* Form names: "auto", "flat", "evtx", "ecs", "nxlog". */
const char *vg_json_form_name(vg_json_form f);
int vg_json_form_parse(const char *name, vg_json_form *out);

/* Replace ev's fields with those of one JSON document. On VG_ERR_SYNTAX, *err_off is the byte
 * offset of the problem and err (errcap bytes) the reason. ECS and NXLog documents keep their
 * own fields and gain the Sigma Windows names where those are missing (Channel, EventID,
 * Computer, Provider_Name, EventRecordID, and winlog.event_data.X as X); docs/inputs.md. */
int vg_event_from_json(vg_event *ev, const char *text, size_t len, vg_json_form form,
                       size_t *err_off, char *err, size_t errcap);

/* The event's time as written, from the first of TimeCreated_SystemTime, SystemTime,
 * @timestamp, EventTime, UtcTime, timestamp; {NULL, 0} if none. */
vg_str vg_event_time(const vg_event *ev);
/* Copy the time into buf as UTC ISO 8601 "YYYY-MM-DDTHH:MM:SS.ffffffZ" when it parses (space
 * or T separator, optional fraction and Z/offset), else as written; "" when absent. Returns
 * the length. */
size_t vg_event_time_iso(const vg_event *ev, char *buf, size_t cap);
/* Value of the first field named name, or {NULL, 0}. */
vg_str vg_event_get(const vg_event *ev, const char *name);

/* ------------------------------------------------------------------------------------------ */
/* Data inventory: what logs really contain                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Counts events per (computer, channel, event ID) with first and last time, and per
 * (channel, event ID) how many events carry each field (its fill rate). */
typedef struct vg_inventory vg_inventory;

typedef struct vg_inventory_source {
    const char *channel;
    const char *event_id;
    uint64_t events;
    const char *first, *last; /* ISO times, "" if the events had none */
    size_t n_hosts;
    const char *const *hosts; /* computers seen, sorted */
    const uint64_t *host_events;
    size_t n_fields;
    const char *const *fields;    /* field names in first-seen order */
    const uint64_t *field_events; /* events carrying each field (non-empty value) */
} vg_inventory_source;

vg_inventory *vg_inventory_new(void);
void vg_inventory_free(vg_inventory *inv);
int vg_inventory_add(vg_inventory *inv, const vg_event *ev);
/* Add everything src counted to dst (inventories built by several threads). */
int vg_inventory_merge(vg_inventory *dst, const vg_inventory *src);
/* Sources sorted by channel then event ID (numerically). Views are owned by the inventory and
 * valid until the next add or free. */
size_t vg_inventory_count(const vg_inventory *inv);
int vg_inventory_source_get(vg_inventory *inv, size_t i, vg_inventory_source *out);

/* ------------------------------------------------------------------------------------------ */
/* Inputs: EVTX files, JSON lines (plain or gzip) and zip archives of them, event by event   */
/* ------------------------------------------------------------------------------------------ */

typedef struct vg_input vg_input;

typedef enum {
    VG_INPUT_EVTX,
    VG_INPUT_JSONL,
    VG_INPUT_ZIP, /* an archive (vg_input_kind_of); its events are EVTX or JSONL */
} vg_input_kind;

/* Where the current event came from. */
typedef struct vg_input_info {
    vg_input_kind kind;
    const char *file;   /* the path as given ("-" for standard input), "archive.zip:member"
                           for a member of an archive; owned by the input, valid until the
                           next vg_input_next() */
    uint64_t record_id; /* the event's EventRecordID field, else the EVTX record number, or 0 */
    uint64_t line;      /* JSON lines: 1-based line number; EVTX: 0 */
    uint64_t offset;    /* byte offset of the record or line in the (uncompressed) input */
} vg_input_info;

/* Open path ("-" = standard input): an EVTX file when it starts with the EVTX signature, a
 * zip archive when it starts with PK\3\4 (each member holding EVTX or JSON lines is read in
 * turn as if it were a file named "archive.zip:member"; other members are skipped with a
 * note), otherwise JSON lines, gzip-compressed or not, in the given form (VG_JSON_AUTO detects
 * it per line). Problems are appended to diags (may be NULL; it must outlive the input): a
 * malformed line is a warning with file, line and column, a damaged archive member an error
 * naming it, and reading goes on. *out is owned by the caller: vg_input_close() it. */
int vg_input_open(const char *path, vg_json_form form, vg_diags *diags, vg_input **out);
/* Next event into ev. Returns 1, 0 at the end, or a negative VG_ERR_* that ends the input. */
int vg_input_next(vg_input *in, vg_event *ev, vg_input_info *info);
/* The current event as one line of JSON (EVTX records rendered in the evtx crate's form);
 * owned by the input, valid until the next call. */
int vg_input_json(vg_input *in, const char **json, size_t *len);
vg_input_kind vg_input_kind_of(const vg_input *in);
void vg_input_close(vg_input *in);

/* Reading one large file with several threads. vg_input_split cuts a plain (uncompressed,
 * seekable) JSON-lines file into at most `parts` ranges that begin at line starts: start[k]
 * is each range's byte offset, lines[k] the number of lines before it (so line numbers stay
 * those of the whole file); *n is how many ranges there are (fewer for a small file). An
 * EVTX file is cut between whole chunks into ranges with about as many bytes of records each
 * (lines[k] 0; a file of one chunk is one range). Returns VG_ERR_INVAL for anything else (zip,
 * gzip, standard input), VG_ERR_IO / VG_ERR_NOENT when it cannot be read.
 * vg_input_open_range opens [start, end) of such a file (end 0: to the end; for EVTX both 0
 * or chunk starts, else VG_ERR_INVAL) as vg_input_open would open the whole file; events,
 * diagnostics and vg_input_info name the file and its true line numbers, record numbers and
 * offsets (a damaged EVTX file header is reported by the range that starts at 0 only). */
int vg_input_split(const char *path, unsigned parts, uint64_t *start, uint64_t *lines, unsigned *n);
int vg_input_open_range(const char *path, vg_json_form form, uint64_t start, uint64_t end,
                        uint64_t lines_before, vg_diags *diags, vg_input **out);

/* ------------------------------------------------------------------------------------------ */
/* Log-source profiles                                                                         */
/* ------------------------------------------------------------------------------------------ */

/* A profile routes Sigma log sources (product, category, service) to the events that carry
 * them (channel, provider, event IDs) and maps Sigma field names to the events' names. One or
 * more named profiles are built in: "sysmon", "windows" (native auditing), "both" (default). */
typedef struct vg_profile vg_profile;

/* name is a built-in profile name or the path of a profile YAML file (docs/profiles.md).
 * *out is owned by the caller; free with vg_profile_free(). */
int vg_profile_load(const char *name, vg_profile **out, vg_diags *diags);
void vg_profile_free(vg_profile *p);
const char *vg_profile_name(const vg_profile *p);

/* ------------------------------------------------------------------------------------------ */
/* Sigma rules                                                                                 */
/* ------------------------------------------------------------------------------------------ */

typedef enum {
    VG_RULE_DETECTION,
    VG_RULE_FILTER,      /* a v2 meta-filter applied to other rules */
    VG_RULE_CORRELATION, /* parsed and validated; evaluated by the risk engine */
} vg_rule_kind;

typedef enum {
    VG_LEVEL_NONE,
    VG_LEVEL_INFORMATIONAL,
    VG_LEVEL_LOW,
    VG_LEVEL_MEDIUM,
    VG_LEVEL_HIGH,
    VG_LEVEL_CRITICAL,
} vg_level;

/* A compiled rule's metadata. Read-only; owned by its ruleset. Absent strings are "". */
typedef struct vg_rule {
    vg_rule_kind kind;
    uint32_t index; /* position in the ruleset */
    const char *id, *name, *title, *status, *description, *author, *date, *modified;
    vg_level level;
    const char *file; /* as given */
    uint32_t line;    /* first line of the rule's document */
    const char *product, *category, *service;
    const char *const *tags;
    size_t n_tags;
    const vg_attack_obj *const *tactics; /* from tactic tags and the techniques' tactics */
    size_t n_tactics;
    const vg_attack_obj *const *techniques;
    size_t n_techniques;
    const char *const *unresolved_tags; /* ATT&CK tags the knowledge base does not know */
    size_t n_unresolved;
    const char *const *references;
    size_t n_references;
    const char *const *falsepositives;
    size_t n_falsepositives;
    const char *const *fields;
    size_t n_fields;
    int routed; /* the profile knows this rule's log source; unrouted rules never match */
    const char *correlation_type; /* correlations: "event_count", ...; else "" */
} vg_rule;

typedef struct vg_ruleset vg_ruleset;

/* New empty ruleset. kb resolves ATT&CK tags (may be NULL: tags are then kept unresolved);
 * profile routes log sources (may be NULL: the built-in "both"). Both must outlive the ruleset.
 * Free with vg_ruleset_free(). */
vg_ruleset *vg_ruleset_new(const vg_attack *kb, const vg_profile *profile);
void vg_ruleset_free(vg_ruleset *rs);

/* Values for %placeholders% used with the expand modifier: a YAML map name -> list. */
int vg_ruleset_load_placeholders(vg_ruleset *rs, const char *path, vg_diags *diags);

/* Compile every rule document in a buffer / a file / a file or folder (recursively, *.yml and
 * *.yaml). A rule that fails to compile is skipped with an error diagnostic (file, line,
 * column, rule id, reason); the others still load. Returns 0, or a negative code only for
 * failures that stop everything (I/O on the path itself, out of memory). */
int vg_ruleset_add_buffer(vg_ruleset *rs, const char *buf, size_t len, const char *name,
                          vg_diags *diags);
int vg_ruleset_add_path(vg_ruleset *rs, const char *path, vg_diags *diags);
/* Threads that read and compile a folder's rule files in vg_ruleset_add_path: 0 (the default)
 * one per online CPU, at most 8; 1 only the calling thread. The rules, diagnostics and their
 * order are the same for every count. Returns 0 or VG_ERR_INVAL (n < 0). */
int vg_ruleset_set_load_threads(vg_ruleset *rs, int n);
/* Compile vigil's own starter rule pack (rules/starter/, compiled into the binary): one
 * technique in each ATT&CK tactic, the default rules of `vigil scan`. */
int vg_ruleset_add_starter(vg_ruleset *rs, vg_diags *diags);

/* After the last add: apply filters to the rules they name, check correlation references.
 * The ruleset is immutable afterwards and may be shared by threads. */
int vg_ruleset_finalize(vg_ruleset *rs, vg_diags *diags);

size_t vg_ruleset_count(const vg_ruleset *rs);
const vg_rule *vg_ruleset_rule(const vg_ruleset *rs, size_t i);
/* By id or name; NULL if absent. */
const vg_rule *vg_ruleset_find(const vg_ruleset *rs, const char *id_or_name);

/* Per-thread evaluation state. */
typedef struct vg_matcher vg_matcher;
vg_matcher *vg_matcher_new(const vg_ruleset *rs);
void vg_matcher_free(vg_matcher *m);

/* Evaluate the detection rules on ev; calls fn for each match in rule order (a non-zero
 * return stops early). Returns the number of matches or a negative code. By default only the
 * rules the index cannot rule out are evaluated (docs/speed.md); the result is identical to
 * evaluating every rule, which vg_matcher_set_exact(m, 1) does instead (for checking). */
typedef int (*vg_match_fn)(const vg_rule *rule, void *ud);
int vg_matcher_run(vg_matcher *m, const vg_event *ev, vg_match_fn fn, void *ud);
int vg_matcher_set_exact(vg_matcher *m, int exact);
/* Keep the compiled literal databases of the index in dir (created by the caller) so that the
 * next run with the same rules loads them instead of compiling them again; a damaged or stale
 * file is ignored and rewritten. Call before the first vg_matcher_run. NULL turns it off. */
int vg_ruleset_set_cache_dir(vg_ruleset *rs, const char *dir);
/* Does one rule match ev? 1, 0 or a negative code. If why is not NULL, *why receives a
 * malloc'ed explanation: the log-source branch, each search identifier's truth value and, for
 * those that matched, the field, modifiers and value that matched. */
int vg_matcher_test(vg_matcher *m, const vg_rule *rule, const vg_event *ev, char **why);

const char *vg_level_name(vg_level l);

/* ------------------------------------------------------------------------------------------ */
/* Store: scan results in SQLite (docs/store.md has the schema)                                */
/* ------------------------------------------------------------------------------------------ */

#define VG_STORE_SCHEMA_VERSION 2 /* 1: scans, rules, matches, inventory; 2: + risk tables */

typedef struct vg_store vg_store;

/* Open or create the database at path and bring its schema to VG_STORE_SCHEMA_VERSION; a
 * database written by a newer vigil is refused (VG_ERR_UNSUPPORTED). *out is owned by the
 * caller: vg_store_close() it. */
int vg_store_open(const char *path, vg_store **out, vg_diags *diags);
void vg_store_close(vg_store *st);

/* A scan appends: begin gives its id, then rules, matches and inventory rows are added, and
 * end records the totals and commits. Nothing of a scan is visible before end. */
int vg_store_scan_begin(vg_store *st, const char *command_line, int64_t *scan_id);
int vg_store_add_rule(vg_store *st, const vg_rule *rule);

typedef struct vg_store_match {
    int64_t scan_id;
    const char *time; /* ISO 8601 UTC, or "" */
    const char *computer, *channel, *event_id;
    uint64_t record_id;
    const vg_rule *rule;
    const char *file;
    uint64_t line, offset;
    const char *event_json; /* the whole event, one line of JSON */
    size_t event_json_len;
} vg_store_match;
int vg_store_add_match(vg_store *st, const vg_store_match *m);
int vg_store_add_inventory(vg_store *st, int64_t scan_id, vg_inventory *inv);
/* Add the stored inventory of one scan (scan_id), or of every scan (0), to inv: events per
 * source and host with their time range, and per field the events that carried it. *scans
 * is the number of finished scans it came from (0: nothing was stored). */
int vg_store_load_inventory(vg_store *st, int64_t scan_id, vg_inventory *inv, size_t *scans);
int vg_store_scan_end(vg_store *st, int64_t scan_id, uint64_t files, uint64_t events,
                      uint64_t matches);

/* ------------------------------------------------------------------------------------------ */
/* EVTX (Windows XML event logs)                                                               */
/* ------------------------------------------------------------------------------------------ */

/* A reader of one EVTX file. Damaged input never stops it: a chunk whose header fails its
 * checks is skipped, a chunk whose data checksum fails has its records validated one by one,
 * a broken record is skipped, a truncated file yields what it holds; each problem is one
 * diagnostic with the file, object "chunk N" (0-based) and the byte offset in the file.
 * docs/evtx.md describes what is validated and the JSON form. */
typedef struct vg_evtx vg_evtx;

/* Where a record came from. */
typedef struct vg_evtx_record_info {
    uint64_t record_id; /* EventRecordID */
    uint64_t timestamp; /* when written: FILETIME, 100 ns units since 1601-01-01 UTC */
    uint64_t chunk;     /* 0-based chunk index */
    uint64_t offset;    /* byte offset of the record in the file */
} vg_evtx_record_info;

/* Open a file (mapped read-only). *out is owned by the caller: vg_evtx_close() it. Problems
 * go to diags (may be NULL; it must outlive the reader). Returns 0, VG_ERR_NOENT / VG_ERR_IO
 * (unreadable), VG_ERR_SYNTAX (not an EVTX file), VG_ERR_LIMIT (larger than 64 GiB) or
 * VG_ERR_NOMEM; on failure *out is NULL. A file shorter than its header opens with a warning
 * and holds no records. */
int vg_evtx_open(const char *path, vg_diags *diags, vg_evtx **out);
/* Same over a buffer, which is not copied and must outlive the reader. name labels
 * diagnostics (may be NULL). */
int vg_evtx_open_buffer(const void *buf, size_t len, const char *name, vg_diags *diags,
                        vg_evtx **out);

/* Read the next intact record. If ev is not NULL it is refilled with the record's fields,
 * named as vg_event_from_json(..., VG_JSON_EVTX) names them in the record's JSON: System
 * children by name (EventID, Channel, Computer, ...), attributes as ELEMENT_ATTR
 * (Provider_Name, TimeCreated_SystemTime, Execution_ProcessID, Security_UserID), EventData
 * Data by their Name, UserData leaves by name, spaces removed. info (may be NULL) receives
 * where the record came from. Returns 1 with a record, 0 after the last one, or a negative
 * VG_ERR_* (VG_ERR_NOMEM) that ends reading. */
int vg_evtx_next(vg_evtx *r, vg_event *ev, vg_evtx_record_info *info);

/* The record last returned by vg_evtx_next() as one line of JSON (no newline) in the form the
 * Rust evtx crate prints: {"Event":{"#attributes":{"xmlns":...},"System":{...},
 * "EventData":{...}}}. *json is owned by the reader and valid until the next call on it.
 * Returns 0, VG_ERR_INVAL (no current record), VG_ERR_LIMIT (the record renders to more than
 * the output limit) or VG_ERR_NOMEM. */
int vg_evtx_record_json(vg_evtx *r, const char **json, size_t *len);

/* Release the reader and its mapping. Accepts NULL. */
void vg_evtx_close(vg_evtx *r);

/* ---- end of EVTX ---- */

/* ------------------------------------------------------------------------------------------ */
/* Risk: risk events, risk factors, incident rules, notables, Sigma correlations               */
/* (docs/risk.md; implementation in src/risk/)                                                 */
/* ------------------------------------------------------------------------------------------ */

/* What a risk event is raised against. */
typedef enum {
    VG_RISK_SYSTEM, /* a host: the event's Computer / host name */
    VG_RISK_USER,   /* an account: the user fields the event type carries */
    VG_RISK_OTHER,
} vg_risk_object_type;

/* "system", "user", "other". */
const char *vg_risk_object_type_name(vg_risk_object_type t);

/* Base scores, score overrides, risk factors, object and threat-object fields, capping,
 * retention, the asset and identity inventories and the incident rules, in one handle. */
typedef struct vg_risk_config vg_risk_config;

/* New configuration holding the built-in defaults: the texts of data/risk/risk.yml and
 * data/risk/incident-rules.yml (vg_risk_default_text()). Free with vg_risk_config_free().
 * Returns 0, VG_ERR_NOMEM. */
int vg_risk_config_new(vg_risk_config **out);
void vg_risk_config_free(vg_risk_config *c);
/* Replace the sections a risk configuration YAML file names (base_scores, score_overrides,
 * factors, objects, threat_objects, capping, retention_days). Problems go to diags with file,
 * line and column; on an error the configuration is unchanged and VG_ERR_SYNTAX / VG_ERR_TYPE /
 * VG_ERR_RANGE / VG_ERR_IO is returned. */
int vg_risk_config_load(vg_risk_config *c, const char *path, vg_diags *diags);
/* Replace the incident rules with those of a YAML file (the same errors). */
int vg_risk_config_load_rules(vg_risk_config *c, const char *path, vg_diags *diags);
/* Add an asset (systems) or identity (users) inventory CSV: a header line naming the columns
 * name (or asset / identity / pattern), priority (low, medium, high, critical), category
 * ("|"-separated), bunit, watchlist (true/false). A name may hold * and ? wildcards. */
int vg_risk_config_load_assets(vg_risk_config *c, const char *path, vg_diags *diags);
int vg_risk_config_load_identities(vg_risk_config *c, const char *path, vg_diags *diags);
/* The built-in texts: which = 0 the risk configuration, 1 the incident rules. */
const char *vg_risk_default_text(int which);
/* Number of incident rules, and retention in days (0 = keep everything). */
size_t vg_risk_config_rule_count(const vg_risk_config *c);
int vg_risk_config_retention_days(const vg_risk_config *c);

/* One risk event. Strings are owned by whoever handed the event out and valid for the
 * duration stated there. Scores are in points, rounded to 0.01. */
typedef struct vg_risk_event {
    int64_t id;                      /* store row id, or arrival number; 0 if none */
    int64_t time_ms;                 /* event time, milliseconds since 1970-01-01 UTC */
    const char *time;                /* the same as ISO 8601 UTC */
    const char *object;              /* risk object: host or account name */
    vg_risk_object_type object_type; /* system, user, other */
    const char *rule_id;             /* the source rule */
    const char *rule_title;
    const char *tactics;    /* ATT&CK tactic short names, comma-separated ("" if none) */
    const char *techniques; /* ATT&CK technique IDs, comma-separated */
    const char *threats;    /* threat objects as a JSON object ({"process":...}), or "{}" */
    const char *ref;        /* the alert it came from: "file:line", "match 12", ... */
    double base_score;      /* from the rule's level or an override */
    double score;           /* calculated: base x multipliers + additions */
    const char *arithmetic; /* how: "73 x 1.5 (admin user) + 5 (contractor) = 114.5" */
} vg_risk_event;

/* An alert, the input of risk scoring: a rule that matched an event. */
typedef struct vg_alert {
    const char *rule_id, *rule_title;
    vg_level level;
    const char *const *tags; /* the rule's tags (for score overrides); may be NULL */
    size_t n_tags;
    const char *tactics;    /* comma-separated short names; may be NULL */
    const char *techniques; /* comma-separated IDs; may be NULL */
    const vg_event *event;  /* the event that matched: objects, time, threat objects */
    const char *time;       /* event time as written; NULL = taken from event */
    const char *ref;        /* where the alert came from; may be NULL */
} vg_alert;

/* Called once per risk event; the event and its strings are valid during the call only. A
 * non-zero return stops and is returned. */
typedef int (*vg_risk_event_fn)(const vg_risk_event *re, void *ud);

/* Turn an alert into risk events: one per risk object the event names (system from the
 * configured host fields, user from the configured user fields, service accounts in
 * objects.ignore_users left out), each with the base score of the rule's level or override,
 * the risk factors applied, the rule's tactics and techniques and the threat objects found.
 * An alert without an event time raises nothing. Returns the number of risk events, or a
 * negative code. */
int vg_risk_score_alert(const vg_risk_config *c, const vg_alert *a, vg_risk_event_fn fn, void *ud);

/* Parse an ISO 8601 time ("2026-11-02T09:12:03.250Z", space separator, fraction, Z or
 * +hh:mm offset) into milliseconds since the epoch. Returns 0 or VG_ERR_SYNTAX. */
int vg_risk_parse_time(const char *s, size_t len, int64_t *ms);
/* Milliseconds since the epoch as ISO 8601 UTC ("2026-11-02T09:12:03.250Z"; 25 bytes). */
void vg_risk_format_time(int64_t ms, char *buf, size_t cap);

/* A notable: an incident rule's condition held for one risk object inside one window. All
 * pointers are owned by the engine that raised it and valid during the vg_notable_fn call. */
typedef struct vg_notable_rule {
    const char *rule_id, *rule_title;
    size_t events;
    double sum;     /* sum of the calculated scores of its events in the window */
    double max;     /* the largest single score */
    double counted; /* min(sum, cap x max) when capping is on, else sum */
    int capped;     /* counted < sum */
} vg_notable_rule;

typedef struct vg_notable {
    const char *id;            /* stable: hash of incident rule, object and window start */
    const char *incident_rule; /* the incident rule's id */
    const char *title;
    const char *severity; /* "low", "medium", "high", "critical" */
    const char *object;
    vg_risk_object_type object_type;
    int64_t window_start_ms, window_end_ms; /* the window: start + timespan */
    int64_t trigger_ms;                     /* when the condition first held */
    int64_t window_ms;                      /* the incident rule's timespan */
    double score;                           /* sum of the rules' counted scores */
    size_t n_tactics, n_techniques;
    const char *tactics, *techniques; /* distinct, comma-separated, in first-seen order */
    const vg_notable_rule *rules;     /* per source rule, in first-seen order */
    size_t n_rules;
    const vg_risk_event *const *events; /* the contributing risk events, in time order */
    size_t n_events;
    double cap; /* the capping multiplier (3), 0 when capping is off */
    /* the object as its events wrote it (CORP\alice, alice@corp.local for the user alice),
     * each spelling once, first seen first */
    const char *const *object_forms;
    size_t n_object_forms;
} vg_notable;

typedef int (*vg_notable_fn)(const vg_notable *n, void *ud);

/* The incident-rule evaluator. Risk events are added in any order; run sorts them per object
 * by event time and slides each incident rule's window over them. */
typedef struct vg_risk_engine vg_risk_engine;

/* c must outlive the engine. NULL when out of memory. */
vg_risk_engine *vg_risk_engine_new(const vg_risk_config *c);
void vg_risk_engine_free(vg_risk_engine *e);
/* Copy one risk event in. With calculate set, score and arithmetic are computed from
 * base_score and the configuration's factors (re->score and re->arithmetic are ignored).
 * Returns 0, VG_ERR_INVAL (no object or time) or VG_ERR_NOMEM. */
int vg_risk_engine_add(vg_risk_engine *e, const vg_risk_event *re, int calculate);
size_t vg_risk_engine_count(const vg_risk_engine *e);
/* The i-th risk event in (object, time, arrival) order; valid until the next add or free. */
const vg_risk_event *vg_risk_engine_event(vg_risk_engine *e, size_t i);
/* Evaluate every incident rule for every object; fn gets each notable in (object, rule,
 * window) order. Returns the number of notables or a negative code. May be run again after
 * more adds: it starts from scratch. On an engine fed with vg_risk_engine_push, the same as
 * vg_risk_engine_flush. */
int vg_risk_engine_run(vg_risk_engine *e, vg_notable_fn fn, void *ud);

/* Incremental evaluation: an engine is used either with add / run (batch) or with push /
 * flush (mixing them returns VG_ERR_INVAL). What a push can change: */
typedef enum {
    VG_NOTABLE_RAISED,    /* a condition just held: a new notable, with its events so far */
    VG_NOTABLE_WITHDRAWN, /* late events moved the window of a notable raised before: that
                           * notable is gone (only id, incident_rule, object, object_type and
                           * the window are set) */
} vg_notable_change;
typedef int (*vg_notable_change_fn)(vg_notable_change what, const vg_notable *n, void *ud);

/* Add one risk event (as vg_risk_engine_add) and evaluate the incident rules for its object at
 * once: fn (may be NULL) hears of every notable raised or withdrawn by it. Events may come in
 * any order. One that is earlier than its object's latest event re-evaluates that object from
 * the last notable before it; when many late events come for one object, re-evaluation is
 * batched (each waits until the work it costs is at most 8 times the events that arrived since)
 * so that the total stays linear, and those notables are raised a little later (at the latest
 * by vg_risk_engine_flush). Returns 0 or a negative code (fn's non-zero return, negated). */
int vg_risk_engine_push(vg_risk_engine *e, const vg_risk_event *re, int calculate,
                        vg_notable_change_fn fn, void *ud);
/* Settle every late event and hand every notable of the events pushed so far to fn, in
 * (object, rule, window) order: exactly the notables vg_risk_engine_run would give for the
 * same events added in the same order. More events may be pushed afterwards. Returns the
 * number of notables or a negative code. */
int vg_risk_engine_flush(vg_risk_engine *e, vg_notable_fn fn, void *ud);

/* A notable as text (title, window, score arithmetic, timeline of up to max_events events,
 * with the total count) or as one JSON object. *out is malloc'ed; the caller frees it. */
int vg_notable_format(const vg_notable *n, int json, size_t max_events, char **out);

/* ---- Sigma correlations ---- */

/* Evaluates the correlation rules of a finalized ruleset (event_count, value_count, temporal,
 * temporal_ordered, value_sum, value_avg, value_percentile) over the alerts of the rules they
 * reference. */
typedef struct vg_correlator vg_correlator;

/* rs must outlive the correlator. Correlations that cannot be evaluated are reported in diags
 * and skipped. Returns 0 or VG_ERR_NOMEM; *out is the caller's to free. */
int vg_correlator_new(const vg_ruleset *rs, vg_correlator **out, vg_diags *diags);
void vg_correlator_free(vg_correlator *c);
size_t vg_correlator_count(const vg_correlator *c);
/* Whether matches of a detection rule are alerts of their own: 0 when every correlation that
 * references it says generate: false (the default), else 1. */
int vg_correlator_generates(const vg_correlator *c, const vg_rule *rule);
/* Feed one alert: the rule that matched, the event and a reference the caller chooses (a
 * store match id). Alerts of rules no correlation references are ignored; so are events
 * without a time. The fields the correlations read are copied. */
int vg_correlator_add(vg_correlator *c, const vg_rule *rule, const vg_event *ev, int64_t ref);

typedef struct vg_corr_match {
    const vg_rule *rule;      /* the correlation rule */
    int64_t start_ms, end_ms; /* first and last contributing alert */
    const char *group;        /* "User=alice, Computer=WKS-1" ("" without group-by) */
    double value;             /* count, distinct count, sum, average or percentile */
    const int64_t *refs;      /* the contributing alerts' references, in time order */
    size_t n_refs;
} vg_corr_match;

/* Evaluate: per correlation, per group, alerts in time order; a window holds alerts at most
 * timespan apart (last - first <= timespan); when the condition holds the match is reported
 * and its alerts are consumed. fn gets matches in (rule, group, time) order. Returns the
 * number of matches or a negative code. */
int vg_correlator_run(vg_correlator *c, int (*fn)(const vg_corr_match *m, void *ud), void *ud);

/* ---- risk in the store (schema version 2: risk_events, correlations, notables) ---- */

/* The store's schema version since the risk tables were added; vg_store_open() migrates
 * version 1 databases to it (the v1 tables are unchanged). */
#define VG_STORE_RISK_SCHEMA_VERSION 2

typedef struct vg_risk_update {
    size_t alerts;       /* matches read that had not been scored yet */
    size_t risk_events;  /* risk events appended */
    size_t correlations; /* new correlation matches (each also an alert) */
    size_t pruned;       /* risk events removed by retention */
} vg_risk_update;

/* Score the store's matches that have not been scored yet (and, when rs holds correlation
 * rules, evaluate the correlations over all stored matches and score their new matches),
 * appending risk events; then apply retention. In one transaction. */
int vg_store_risk_update(vg_store *st, const vg_risk_config *c, const vg_ruleset *rs,
                         vg_risk_update *out, vg_diags *diags);
/* Add the stored risk events (of one object, or all when object is NULL) to an engine with
 * vg_risk_engine_add. An object is looked up by its normalised name (alice finds CORP\alice
 * and alice@corp.local, with the engine's configuration), as a user or as a system. */
int vg_store_risk_load(vg_store *st, vg_risk_engine *e, const char *object);
/* Every stored risk event, in the order they were stored; the event and its strings are valid
 * during the call. A non-zero return of fn stops and is returned. */
int vg_store_risk_each(vg_store *st, vg_risk_event_fn fn, void *ud);

/* Risk while scanning (vigil scan --risk): call each of these inside the scan's transaction
 * (between vg_store_scan_begin and vg_store_scan_end), so that a later vg_store_risk_update
 * finds nothing new to do and its notables are the same. */
/* Score the match stored by the vg_store_add_match call just before (it must have succeeded)
 * exactly as vg_store_risk_update would (the rule's stored facts, the stored event and the
 * reference file:line): its risk events are stored and handed to fn (may be NULL), and the
 * match is marked as scored. With score 0 it is only marked (the rule's matches raise no risk
 * of their own: a correlation references it with generate: false). Returns the number of risk
 * events or a negative code. */
int vg_store_risk_score_last(vg_store *st, const vg_risk_config *c, int score, vg_risk_event_fn fn,
                             void *ud);
/* Evaluate the Sigma correlations of rs over every stored match, as vg_store_risk_update does:
 * new correlation matches are stored and scored, and their risk events handed to fn. *added:
 * the new correlation matches. */
int vg_store_risk_correlate(vg_store *st, const vg_risk_config *c, const vg_ruleset *rs,
                            vg_risk_event_fn fn, void *ud, size_t *added, vg_diags *diags);
/* Apply retention (risk events older than the newest minus retention_days are deleted). */
int vg_store_risk_retain(vg_store *st, const vg_risk_config *c, size_t *pruned);

/* Record the notables of a run: notables with a new id are inserted (new_count counts them),
 * known ones are updated keeping their first-raised time, and stored notables the run no
 * longer raises (their window moved after late events) are removed. begin and end make a
 * savepoint: inside a scan's transaction they are part of it, else a transaction of their
 * own. */
int vg_store_notables_begin(vg_store *st);
int vg_store_notable_put(vg_store *st, const vg_notable *n, int *is_new);
int vg_store_notables_end(vg_store *st);

typedef struct vg_store_notable {
    const char *id, *raised, *incident_rule, *title, *severity, *object, *object_type;
    const char *window_start, *window_end;
    double score;
    int64_t rules, tactics, techniques, events;
    const char *text, *json; /* vg_notable_format() of the notable (100 events at most) */
} vg_store_notable;
/* Stored notables, newest window first; id (may be NULL) selects one by id or id prefix. */
int vg_store_notables(vg_store *st, const char *id, int (*fn)(const vg_store_notable *n, void *ud),
                      void *ud);

/* ---- end of Risk ---- */

/* ------------------------------------------------------------------------------------------ */
/* Coverage: rule and technique statuses against ATT&CK, and reports (docs/coverage.md)       */
/* ------------------------------------------------------------------------------------------ */

/* Status of one detection rule:
 *   ACTIVE      deployed, and its log source is present with the fields its condition needs;
 *   AVAILABLE   its data is present but it is not deployed;
 *   NEEDS_DATA  its log source, or a field it reads, is missing (vg_cov_rule.missing says
 *               which), whether deployed or not.
 * Validated is a separate mark: the rule fired on labelled attack data for one of its
 * techniques (vg_coverage_mark_validated). */
typedef enum {
    VG_COV_ACTIVE,
    VG_COV_AVAILABLE,
    VG_COV_NEEDS_DATA,
    VG_COV_STATUS_COUNT,
} vg_cov_status;

/* What a map is coloured by: the number of rules (rolled up) of a technique that are in a
 * status, or all of them (TOTAL). */
typedef enum {
    VG_COV_BY_TOTAL,
    VG_COV_BY_ACTIVE,
    VG_COV_BY_AVAILABLE,
    VG_COV_BY_NEEDS_DATA,
    VG_COV_BY_VALIDATED,
    VG_COV_BY_COUNT,
} vg_cov_measure;

/* How data presence is known. */
typedef enum {
    VG_COV_DATA_ASSUMED,  /* no inventory given: every rule whose log source is routed has data */
    VG_COV_DATA_OBSERVED, /* from vg_inventory (logs that were read) */
    VG_COV_DATA_DECLARED, /* from a declared inventory (YAML) */
} vg_cov_data_mode;

typedef struct vg_coverage vg_coverage;

typedef struct vg_cov_rule {
    const vg_rule *rule;
    vg_cov_status status;
    int deployed;
    int validated;
    const char *source;  /* the data that feeds it ("Security 4688"), or "" */
    const char *missing; /* NEEDS_DATA: what is missing, e.g. "fields OriginalFileName in
                            Microsoft-Windows-Sysmon/Operational 1"; else "" */
} vg_cov_rule;

/* A technique or sub-technique. Counts are rolled up: a parent counts its own rules and those
 * of its sub-techniques, each rule once. */
typedef struct vg_cov_tech {
    const vg_attack_obj *tech;
    size_t n[VG_COV_STATUS_COUNT]; /* rules per status */
    size_t total;                  /* rules */
    size_t validated;              /* validated rules */
    int tech_validated;            /* detected on labelled data (even by a rule tagged otherwise) */
    size_t n_own;                  /* rules tagged with this very technique */
    const vg_cov_rule *const *rules; /* rolled-up rules, own first */
    size_t n_rules;
} vg_cov_tech;

/* Techniques of a tactic or platform: the parents (sub-techniques rolled up), live ones of the
 * domain. covered = with at least one rule; pct_active = 100 * active / techniques. */
typedef struct vg_cov_tally {
    const vg_attack_obj *tactic; /* NULL for platform tallies */
    const char *name;            /* tactic or platform name */
    size_t techniques, covered, active, available, needs_data, validated;
    double pct_active;
} vg_cov_tally;

/* New coverage of rs (which must be finalized) against kb, for one domain (VG_DOMAIN_*; the
 * enterprise matrix when 0). Both must outlive it. NULL when out of memory. */
vg_coverage *vg_coverage_new(const vg_attack *kb, const vg_ruleset *rs, uint32_t domain);
void vg_coverage_free(vg_coverage *c);

/* Deployment: once any rule is enabled, only enabled rules are deployed (default: all).
 * text is a rule id, name or title; VG_ERR_NOENT when the ruleset has no such rule. */
int vg_coverage_enable(vg_coverage *c, const char *text);
/* Observed data: every source of inv is present with the fields it carries. inv must outlive
 * the coverage until vg_coverage_compute() returns. */
int vg_coverage_add_inventory(vg_coverage *c, vg_inventory *inv);
/* Declared data: one (channel, event ID) source; event_id "" = any event of the channel;
 * fields NULL = every field is assumed present. Copied. */
int vg_coverage_declare(vg_coverage *c, const char *channel, const char *event_id,
                        const char *const *fields, size_t n_fields);
/* A declared inventory file (YAML, docs/coverage.md): sources with channel, event_ids and
 * optional fields. group selects one host group of the file (NULL: the top-level sources and
 * every group). Problems go to diags. */
int vg_coverage_load_inventory(vg_coverage *c, const char *path, const char *group,
                               vg_diags *diags);
/* Evidence: rule (may be NULL) fired on data labelled with technique tech. */
int vg_coverage_mark_validated(vg_coverage *c, const vg_rule *rule, const vg_attack_obj *tech);

/* Compute statuses and tallies (again after changes). */
int vg_coverage_compute(vg_coverage *c);

vg_cov_data_mode vg_coverage_data_mode(const vg_coverage *c);
const vg_attack *vg_coverage_kb(const vg_coverage *c);
uint32_t vg_coverage_domain(const vg_coverage *c);
/* Detection rules in ruleset order. */
size_t vg_coverage_rules(const vg_coverage *c, const vg_cov_rule **out);
/* Every live technique and sub-technique of the domain, plus any other a rule is tagged with,
 * sorted by ATT&CK ID. */
size_t vg_coverage_techniques(const vg_coverage *c, const vg_cov_tech *const **out);
/* The entry of a technique, or NULL. */
const vg_cov_tech *vg_coverage_tech(const vg_coverage *c, const vg_attack_obj *tech);
/* One matrix column: the parent techniques of a tactic, sorted by name. Writes up to cap;
 * returns the total. */
size_t vg_coverage_column(const vg_coverage *c, const vg_attack_obj *tactic,
                          const vg_cov_tech **out, size_t cap);
/* Per tactic in matrix order, and per platform of the domain that has techniques. */
size_t vg_coverage_tactics(const vg_coverage *c, const vg_cov_tally **out);
size_t vg_coverage_platforms(const vg_coverage *c, const vg_cov_tally **out);
/* The whole domain as one tally. */
void vg_coverage_overall(const vg_coverage *c, vg_cov_tally *out);

/* Score of a technique under a measure (a count of rules; VALIDATED counts 1 for a technique
 * detected on labelled data without a validated rule of its own). */
size_t vg_cov_score(const vg_cov_tech *t, vg_cov_measure m);
const char *vg_cov_status_name(vg_cov_status s); /* "active", "available", "needs-data" */
const char *vg_cov_measure_name(vg_cov_measure m);
int vg_cov_measure_parse(const char *name, vg_cov_measure *out); /* VG_ERR_INVAL if unknown */
/* Cell colour as "#rrggbb" for a score under a measure (grey for 0). */
const char *vg_cov_color(vg_cov_measure m, size_t score);

/* ---- reports: each renders into a malloc'ed, NUL-terminated *out the caller frees ---- */

typedef struct vg_report_opts {
    vg_cov_measure by;    /* colouring */
    const char *title;    /* NULL: "vigil coverage" */
    const char *platform; /* only techniques of this platform (NULL: all) */
} vg_report_opts;

/* ATT&CK Navigator layer format 4.5 (scores, colours, comments listing the rules, metadata,
 * links). */
int vg_report_navigator(const vg_coverage *c, const vg_report_opts *o, char **out, size_t *len);
/* The matrix as a standalone SVG. */
int vg_report_svg(const vg_coverage *c, const vg_report_opts *o, char **out, size_t *len);
/* A self-contained HTML report: figures, matrix, bar chart and radar by tactic, sankey from
 * data source to tactic to technique, and the rules table. No scripts, no external files. */
int vg_report_html(const vg_coverage *c, const vg_report_opts *o, char **out, size_t *len);
/* One row per rule and technique (CSV), or the whole coverage (JSON, docs/coverage.md). */
int vg_report_csv(const vg_coverage *c, char **out, size_t *len);
int vg_report_json(const vg_coverage *c, char **out, size_t *len);

/* Compare two coverage JSON files of vg_report_json (A before, B after): overall and
 * per-tactic figures, techniques whose rule counts changed (gains and losses of an active
 * rule), rules whose status changed, appeared or disappeared. Written to *out (malloc'ed) as
 * text, or with json set as one JSON object ("vigil_coverage_diff": 1, docs/coverage.md).
 * Returns 0, or a negative code with a diagnostic when a file cannot be read or is not such a
 * file. */
int vg_coverage_diff(const char *path_a, const char *path_b, int json, char **out, size_t *len,
                     vg_diags *diags);

/* ---- threat-informed gaps (src/coverage/gaps.c, docs/coverage.md) ---- */

/* The best a technique reaches, weakest first. */
typedef enum {
    VG_GAP_NONE,       /* no rule */
    VG_GAP_NEEDS_DATA, /* rules, all needing data */
    VG_GAP_AVAILABLE,  /* a rule has its data but is not deployed */
    VG_GAP_ACTIVE,     /* an active rule */
    VG_GAP_VALIDATED,  /* detected on labelled attack data */
} vg_gap_level;

/* One technique used by the actors. */
typedef struct vg_gap {
    const vg_attack_obj *tech; /* live (revoked ones are replaced) */
    const vg_cov_tech *cov;    /* its coverage entry, or NULL */
    vg_gap_level level;
    const vg_attack_obj *const *users; /* actors using it, in the order they were added */
    size_t n_users;
    unsigned weight;        /* asset weight: 1 without assets; else the highest criticality of
                               an asset on one of its platforms (0: none) */
    unsigned long priority; /* n_users * weight */
} vg_gap;

typedef struct vg_gaps vg_gaps;

/* Gaps against a computed coverage c (which must outlive them). NULL when out of memory. */
vg_gaps *vg_gaps_new(const vg_coverage *c);
void vg_gaps_free(vg_gaps *g);
/* A group, campaign or software (VG_ERR_INVAL otherwise); a group brings the techniques of the
 * campaigns attributed to it. Revoked actors count as their replacement. */
int vg_gaps_add_actor(vg_gaps *g, const vg_attack_obj *actor);
/* An asset on an ATT&CK platform (VG_ERR_NOENT for an unknown platform), criticality 1-5. */
int vg_gaps_add_asset(vg_gaps *g, const char *name, const char *platform, unsigned criticality);
/* Assets from a CSV file with a header naming the columns asset, platform and criticality
 * (1-5 or low, medium, high, critical); '#' lines are comments (docs/coverage.md). */
int vg_gaps_load_assets(vg_gaps *g, const char *path, vg_diags *diags);
/* Rank: gaps (below active) first, then priority, then weakest level, then ATT&CK ID. */
int vg_gaps_compute(vg_gaps *g);
size_t vg_gaps_list(const vg_gaps *g, const vg_gap **out);
size_t vg_gaps_actors(const vg_gaps *g, const vg_attack_obj *const **out);
size_t vg_gaps_n_assets(const vg_gaps *g);
const vg_coverage *vg_gaps_coverage(const vg_gaps *g);
const char *vg_gap_level_name(vg_gap_level l); /* "none", "needs-data", ... "validated" */
/* The ranked list as JSON, and a Navigator layer 4.5 overlay: score = actors using the
 * technique, colour = our level, comment = who uses it and our rules. */
int vg_report_gaps_json(const vg_gaps *g, char **out, size_t *len);
int vg_report_gaps_navigator(const vg_gaps *g, char **out, size_t *len);

/* ---- data needs: what data to onboard (src/coverage/needs.c, next.c, sources.c) ---- */

/* Facts about where Windows events come from: per channel its provider, hosts and how it is
 * turned on; per event ID what it records and the audit subcategory, Sysmon configuration
 * element or policy that produces it; how to get fields that are off by default; and the
 * log-source names ATT&CK's analytics use for the channel (data/sources/windows.yml, built
 * in; docs/coverage.md describes the format). */
typedef struct vg_sources vg_sources;

/* path NULL: the built-in file. Every problem (YAML syntax, unknown key, missing 'channel' or
 * 'enable', an event ID that is not a number, an ID listed twice for a channel) is an error in
 * diags with file, line and column; then VG_ERR_SYNTAX or VG_ERR_TYPE is returned and *out is
 * NULL. *out is owned by the caller. */
int vg_sources_load(const char *path, vg_sources **out, vg_diags *diags);
void vg_sources_free(vg_sources *s);

/* What the facts say about one source. Strings are owned by the facts; "" when not said. */
typedef struct vg_source_facts {
    const char *provider;
    const char *what;   /* what the event records ("" for a whole channel) */
    const char *enable; /* how to turn it on: the event's own entry, else the channel's */
    const char *hosts;  /* which hosts write it */
    int known_event;    /* the event ID has an entry of its own */
} vg_source_facts;

/* Facts for (channel, event_id) (event_id "" = the whole channel; channel compared without
 * case). VG_ERR_NOENT when the channel is not in the facts (*out is then all ""). */
int vg_sources_lookup(const vg_sources *s, const char *channel, const char *event_id,
                      vg_source_facts *out);
/* How to get a field of (channel, event_id) that is off by default, or NULL. */
const char *vg_sources_field_note(const vg_sources *s, const char *channel, const char *event_id,
                                  const char *field);

/* Whether a source that could be onboarded is in the data now. */
typedef enum {
    VG_NEED_ABSENT,  /* no event of it was observed or declared */
    VG_NEED_PARTIAL, /* present, without fields that rules read (missing_fields) */
    VG_NEED_PRESENT, /* present with the fields the rules read */
    VG_NEED_UNKNOWN, /* no data was given (assumed coverage): counted as absent */
} vg_need_presence;

/* A log source: a channel and an event ID ("" = every event of the channel), as the profile
 * routes rules' log sources or as ATT&CK's analytics name it. */
typedef struct vg_need_source {
    const char *channel, *event_id;
    const char *key; /* "Security 4688", "Microsoft-Windows-Sysmon/Operational 13" */
    vg_source_facts facts;
    int facts_known; /* the channel is in the facts */
    vg_need_presence presence;
    const char *missing_fields;    /* PARTIAL: ", "-separated; else "" */
    const char *field_notes;       /* PARTIAL: how to get the missing fields ("; "-separated) */
    const char *const *logsources; /* Sigma log sources routed to it ("windows/process_creation") */
    size_t n_logsources;
    int named_by_attack;             /* an ATT&CK analytic of a selected technique names it */
    const vg_cov_rule *const *rules; /* every rule whose log source it can feed */
    size_t n_rules;
    /* for the selected techniques (vg_needs_compute): */
    size_t unlock_rules; /* their deployed rules needing data that it alone would make active */
    const vg_attack_obj *const *unlock_techs; /* their techniques it alone would make active */
    size_t n_unlock_techs;
} vg_need_source;

/* A log source named by one of ATT&CK's analytics for a technique. */
typedef struct vg_need_attack_src {
    const vg_attack_obj *strategy; /* the detection strategy */
    const vg_attack_obj *analytic;
    const vg_attack_obj *component; /* the data component, or NULL */
    /* as ATT&CK writes them: "WinEventLog:Security", "EventCode=4698" */
    const char *name, *channel;
    const vg_need_source *const *sources; /* the Windows sources they mean (none when unknown) */
    size_t n_sources;
} vg_need_attack_src;

/* One rule of a technique, now and once the sources that feed it are onboarded. */
typedef struct vg_need_rule {
    const vg_cov_rule *rule;
    vg_cov_status now, after;
    const vg_need_source *const *fed_by; /* sources that feed it, each one alone */
    size_t n_fed_by;
} vg_need_rule;

/* A selected technique. */
typedef struct vg_need_tech {
    const vg_attack_obj *tech;
    vg_gap_level now, after; /* after: once every source feeding one of its rules is onboarded */
    const vg_attack_obj *const *users; /* the given actors using it */
    size_t n_users;
    const vg_attack_obj *const *components; /* data components ATT&CK's analytics read */
    size_t n_components;
    const vg_need_attack_src *attack; /* log sources ATT&CK's analytics name */
    size_t n_attack;
    const vg_need_source *const *sources; /* those and the ones its rules' log sources route to,
                                             the sources unlocking most first */
    size_t n_sources;
    const vg_need_rule *rules; /* its rules, rolled up as in the coverage */
    size_t n_rules;
} vg_need_tech;

typedef struct vg_needs vg_needs;

/* Data needs against a computed coverage c, with facts s; both must outlive the result. What
 * is present is the coverage's observed or declared data; when the coverage assumes data (none
 * was given) nothing counts as present (VG_NEED_UNKNOWN). NULL when out of memory. */
vg_needs *vg_needs_new(const vg_coverage *c, const vg_sources *s);
void vg_needs_free(vg_needs *n);
/* Select a technique (a revoked one counts as its replacement; VG_ERR_INVAL if not one). */
int vg_needs_add_technique(vg_needs *n, const vg_attack_obj *tech);
/* Select the techniques a group (with its campaigns), campaign or software uses, as vg_gaps
 * counts them; they also weight vg_needs_next(). VG_ERR_INVAL if not an actor. */
int vg_needs_add_actor(vg_needs *n, const vg_attack_obj *actor);
/* Select every live technique and sub-technique of the domain with no rule or only rules
 * needing data (with no data given: every one without an active rule). */
int vg_needs_add_gaps(vg_needs *n);
int vg_needs_compute(vg_needs *n);
/* Selected techniques: in the order given, actors' in vg_gaps order, gaps by ATT&CK ID. */
size_t vg_needs_techniques(const vg_needs *n, const vg_need_tech **out);
/* The sources of the selected techniques, the ones unlocking most techniques (then rules)
 * first, then by channel and event ID. */
size_t vg_needs_sources(const vg_needs *n, const vg_need_source *const **out);
size_t vg_needs_actors(const vg_needs *n, const vg_attack_obj *const **out);
const vg_coverage *vg_needs_coverage(const vg_needs *n);
const char *vg_need_presence_name(vg_need_presence p); /* "absent", "partial", ... */

/* One step of the greedy ranking of sources not yet present. */
typedef struct vg_next_step {
    const vg_need_source *source;
    size_t techniques, rules; /* techniques gaining their first active rule; rules of the
                                 counted techniques made active */
    unsigned long weight;     /* those techniques weighted by the actors using them (= techniques
                                 without actors) */
    size_t cum_techniques, cum_rules;
    unsigned long cum_weight;
    const vg_attack_obj *const *gained; /* the techniques, by ATT&CK ID */
    size_t n_gained;
} vg_next_step;

/* Rank the sources that are absent or partial by what they add, greedily: each step takes the
 * source that makes the most weight of techniques active (then the most of their rules, then
 * channel and event ID order) given the steps before it. Techniques counted: those the actors use
 * when actors were added (weight = actors using it), else every live parent technique of the domain
 * (weight 1). Stops after max steps (0 = no limit) or when nothing more is gained. Needs
 * vg_needs_compute() first; the steps are owned by n (valid until the next call or the free). */
int vg_needs_next(vg_needs *n, size_t max, const vg_next_step **out, size_t *count);
/* Before any step: techniques counted, their total weight, those already active, and the active
 * rules of the counted techniques. */
void vg_needs_next_base(const vg_needs *n, size_t *techniques, unsigned long *weight,
                        size_t *active, unsigned long *active_weight, size_t *active_rules);

/* Reports (malloc'ed *out). Markdown: a short justification for IT operations (what to enable,
 * where, and why: the techniques and rules it unlocks, the actors using them). JSON of the
 * needs and of the ranking (docs/coverage.md). */
int vg_report_needs_markdown(const vg_needs *n, char **out, size_t *len);
int vg_report_needs_json(const vg_needs *n, char **out, size_t *len);
int vg_report_next_json(const vg_needs *n, const vg_next_step *steps, size_t count, char **out,
                        size_t *len);

/* ---- validation manifests (src/coverage/manifest.c, docs/coverage.md) ---- */

/* One entry: a file or folder of recorded attacks and what it contains. */
typedef struct vg_manifest_entry {
    const char *path;                   /* resolved against the base */
    const char *written;                /* as written in the manifest */
    const vg_attack_obj *const *labels; /* techniques, then tactics (live objects) */
    size_t n_labels;
    uint32_t line; /* of 'path' in the manifest */
} vg_manifest_entry;

typedef struct vg_manifest vg_manifest;

/* Read a manifest (YAML: optional 'base', 'entries' of {path, techniques, tactics}). Paths are
 * relative to base when given, else to the file's 'base' (relative to the manifest's folder),
 * else to the manifest's folder. Unknown labels are errors in diags (VG_ERR_TYPE). */
int vg_manifest_load(const vg_attack *kb, const char *path, const char *base, vg_manifest **out,
                     vg_diags *diags);
size_t vg_manifest_entries(const vg_manifest *m, const vg_manifest_entry **out);
void vg_manifest_free(vg_manifest *m);
/* Does a rule that fired count as detecting label? A tactic: the rule has that tactic. A
 * technique: the rule is tagged with it, one of its sub-techniques, or its parent. */
int vg_manifest_rule_detects(const vg_rule *rule, const vg_attack_obj *label);

/* ---- baselines (src/coverage/baseline.c, docs/coverage.md) ---- */

/* What a baseline requirement is about. */
typedef enum {
    VG_BASELINE_TACTIC, /* a share of a tactic's techniques (or the whole matrix's) covered */
    VG_BASELINE_SOURCE, /* a log source (channel, event ID) present, with fields */
    VG_BASELINE_GROUP,  /* a share of the techniques a group, campaign or software uses covered */
} vg_baseline_kind;

/* A field a source requirement names, and what the data shows (after a check). */
typedef struct vg_baseline_field {
    const char *name;
    uint64_t events; /* observed events of the source carrying it with a value */
    int declared;    /* a declared source names it (or declares every field) */
    int pass;
} vg_baseline_field;

/* A technique a group requirement counts whose coverage is below the measure. */
typedef struct vg_baseline_tech {
    const vg_attack_obj *tech;
    vg_gap_level level;
} vg_baseline_tech;

/* One requirement as written, and its result after vg_baseline_check(). Shares are in
 * hundredths of a percent (1000 = 10%). Strings and arrays are owned by the baseline; results
 * stay valid until the next check or the free. */
typedef struct vg_baseline_item {
    vg_baseline_kind kind;
    uint32_t line, col;  /* where the requirement is written in the baseline */
    const char *written; /* the tactic, group or channel as written */
    /* tactic and group requirements */
    const vg_attack_obj *obj; /* the tactic (NULL: the whole matrix, written "all") or actor */
    int validated;            /* measure: validated techniques instead of active ones */
    unsigned required;        /* minimum share */
    /* source requirements */
    const char *channel;
    const char *event_id; /* "" = any event of the channel */
    unsigned min_fill;    /* share of the events a field must be in; 0 = at least one event */
    const vg_baseline_field *fields;
    size_t n_fields;
    /* results */
    int pass;
    size_t covered, techniques; /* tactic, group: techniques reaching the measure / counted */
    unsigned reached;           /* covered / techniques, rounded down (pass: reached >= required) */
    const vg_baseline_tech *uncovered; /* group: the techniques below the measure, weakest first */
    size_t n_uncovered;
    uint64_t events;         /* source: observed events of the source */
    uint64_t channel_events; /* source: observed events of the channel, any event ID */
    int declared;            /* source: a declared source provides it */
    const char *reason;      /* why it passed or failed, one line */
} vg_baseline_item;

typedef struct vg_baseline vg_baseline;

/* Read a baseline (YAML: 'name', 'description', 'measure', 'tactics', 'sources', 'groups';
 * docs/coverage.md). Tactics are resolved in the enterprise matrix, groups, campaigns and
 * software through kb (which must outlive the baseline). Every problem (broken YAML, unknown key,
 * tactic or group, bad percentage or event ID) is an error in diags with file, line and column;
 * then VG_ERR_SYNTAX or VG_ERR_TYPE is returned and *out is NULL. *out is owned by the caller. */
int vg_baseline_load(const vg_attack *kb, const char *path, vg_baseline **out, vg_diags *diags);
/* Same from memory; name labels diagnostics. The buffer is not retained. */
int vg_baseline_load_buffer(const vg_attack *kb, const char *buf, size_t len, const char *name,
                            vg_baseline **out, vg_diags *diags);
void vg_baseline_free(vg_baseline *b);
/* The baseline's 'name', or "". */
const char *vg_baseline_name(const vg_baseline *b);
/* Check every requirement: tactics and groups against the computed coverage c (which must
 * outlive the results), sources against the observed inventory inv (may be NULL) and the
 * sources declared to c (vg_coverage_declare / vg_coverage_load_inventory). Returns the number
 * of requirements that failed, or a negative code. */
int vg_baseline_check(vg_baseline *b, const vg_coverage *c, vg_inventory *inv);
/* Requirements in the order they are written. */
size_t vg_baseline_items(const vg_baseline *b, const vg_baseline_item **out);
/* A share in hundredths of a percent as text without the sign: "10", "12.5", "5.88". buf
 * holds at least 8 bytes. */
const char *vg_baseline_share(unsigned share, char *buf, size_t cap);
/* The checked baseline as JSON (docs/coverage.md); c is the coverage it was checked against. */
int vg_report_baseline_json(const vg_baseline *b, const vg_coverage *c, char **out, size_t *len);

/* ---- end of Coverage ---- */

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_H */

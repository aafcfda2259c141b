/*
 * cmd_attack.c - `vigil attack ...`: the ATT&CK knowledge base from the command line.
 *
 * info, show, search, matrix, group and export-catalogue. Each loads the knowledge base once
 * (the --attack files or the embedded catalogue), answers from it, and ends text output with
 * MITRE's attribution notice; JSON output carries the notice in an "attribution" field.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const kind_names[] = {
    [VG_ATTACK_MATRIX] = "matrix",
    [VG_ATTACK_TACTIC] = "tactic",
    [VG_ATTACK_TECHNIQUE] = "technique",
    [VG_ATTACK_GROUP] = "group",
    [VG_ATTACK_SOFTWARE] = "software",
    [VG_ATTACK_CAMPAIGN] = "campaign",
    [VG_ATTACK_MITIGATION] = "mitigation",
    [VG_ATTACK_DATA_SOURCE] = "data-source",
    [VG_ATTACK_DATA_COMPONENT] = "data-component",
    [VG_ATTACK_DETECTION_STRATEGY] = "detection-strategy",
    [VG_ATTACK_ANALYTIC] = "analytic",
};
static const char *const kind_plural[] = {
    [VG_ATTACK_MATRIX] = "matrices",
    [VG_ATTACK_TACTIC] = "tactics",
    [VG_ATTACK_TECHNIQUE] = "techniques",
    [VG_ATTACK_GROUP] = "groups",
    [VG_ATTACK_SOFTWARE] = "software",
    [VG_ATTACK_CAMPAIGN] = "campaigns",
    [VG_ATTACK_MITIGATION] = "mitigations",
    [VG_ATTACK_DATA_SOURCE] = "data sources",
    [VG_ATTACK_DATA_COMPONENT] = "data components",
    [VG_ATTACK_DETECTION_STRATEGY] = "detection strategies",
    [VG_ATTACK_ANALYTIC] = "analytics",
};
static const char *const rel_names[] = {
    [VG_REL_USES] = "uses",
    [VG_REL_MITIGATES] = "mitigates",
    [VG_REL_DETECTS] = "detects",
    [VG_REL_SUBTECHNIQUE_OF] = "subtechnique-of",
    [VG_REL_REVOKED_BY] = "revoked-by",
    [VG_REL_ATTRIBUTED_TO] = "attributed-to",
    [VG_REL_HAS_ANALYTIC] = "has-analytic",
    [VG_REL_COMPONENT_OF] = "component-of",
    [VG_REL_ANALYTIC_READS] = "analytic-reads",
};
static const char *const domain_names[] = {"enterprise", "mobile", "ics"};

static void notice(const cli_opts *o)
{
    if (!o->quiet)
        printf("\n%s\n", vg_attack_notice());
}

vg_attack *cli_load_attack(const cli_opts *o)
{
    vg_attack *kb = vg_attack_new();
    vg_diags *d = vg_diags_new();
    int rc = kb && d ? 0 : VG_ERR_NOMEM;
    if (!rc && o->n_attack_files == 0)
        rc = vg_attack_load_embedded(kb, d);
    for (int i = 0; !rc && i < o->n_attack_files; i++)
        rc = vg_attack_load_file(kb, o->attack_files[i], d);
    if (!rc && !vg_diags_count_at(d, VG_SEV_ERROR)) /* failing anyway: no knock-on warnings */
        rc = vg_attack_finalize(kb, d);
    /* warnings are shown unless quiet; errors always, and an invalid object fails the load:
     * answers from a silently partial knowledge base would look complete */
    size_t errors = rc ? 0 : vg_diags_count_at(d, VG_SEV_ERROR);
    if (rc || errors || !o->quiet)
        cli_print_diags(d, stderr, 0);
    vg_diags_free(d);
    if (rc || errors) {
        if (rc)
            fprintf(stderr, "vigil: cannot load ATT&CK: %s\n", vg_strerror(rc));
        else
            fprintf(stderr, "vigil: cannot load ATT&CK: %zu invalid object%s; see above\n", errors,
                    errors == 1 ? "" : "s");
        vg_attack_free(kb);
        return NULL;
    }
    return kb;
}

static int parse_kind(const char *s)
{
    for (size_t i = 0; i < VG_ATTACK_KIND_COUNT; i++)
        if (strcmp(s, kind_names[i]) == 0)
            return (int)i;
    return -1;
}

static uint32_t parse_domain(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, domain_names[i]) == 0)
            return 1u << i;
    return 0;
}

/* ---------------------------------------------------------------- info */

static size_t count_kind_domain(const vg_attack *kb, vg_attack_kind k, uint32_t dom, int sub)
{
    size_t n = 0;
    for (size_t i = 0; i < vg_attack_count(kb); i++) {
        const vg_attack_obj *ob = vg_attack_at(kb, i);
        if (ob->kind == k && (!dom || (ob->domains & dom)) &&
            (!sub || (ob->flags & VG_ATTACK_F_SUBTECHNIQUE)))
            n++;
    }
    return n;
}

static int attack_info(vg_attack *kb, const cli_opts *o)
{
    vg_attack_stats st;
    vg_attack_stats_get(kb, &st);
    if (o->json) {
        jw w;
        jw_init(&w, stdout);
        jw_obj(&w);
        jw_kstr(&w, "version", vg_attack_version(kb));
        jw_kstr(&w, "source", vg_attack_is_embedded(kb) ? "embedded" : "files");
        jw_key(&w, "files");
        jw_arr(&w);
        for (int i = 0; i < o->n_attack_files; i++)
            jw_str(&w, o->attack_files[i]);
        jw_end(&w, ']');
        jw_kint(&w, "objects", (long long)st.objects);
        jw_key(&w, "kinds");
        jw_obj(&w);
        for (int k = 0; k < VG_ATTACK_KIND_COUNT; k++) {
            jw_key(&w, kind_names[k]);
            jw_obj(&w);
            jw_kint(&w, "total", (long long)st.kind[k]);
            for (int d = 0; d < 3; d++)
                jw_kint(&w, domain_names[d],
                        (long long)count_kind_domain(kb, (vg_attack_kind)k, 1u << d, 0));
            jw_end(&w, '}');
        }
        jw_end(&w, '}');
        jw_kint(&w, "subtechniques", (long long)st.subtechniques);
        jw_kint(&w, "revoked", (long long)st.revoked);
        jw_kint(&w, "deprecated", (long long)st.deprecated);
        jw_key(&w, "relationships");
        jw_obj(&w);
        for (int r = 0; r < VG_REL_COUNT; r++)
            jw_kint(&w, rel_names[r], (long long)st.rel[r]);
        jw_end(&w, '}');
        jw_kstr(&w, "attribution", vg_attack_notice());
        jw_end(&w, '}');
        return EXIT_OK;
    }
    printf("%s, from %s\n\n", vg_attack_version(kb),
           vg_attack_is_embedded(kb) ? "the embedded catalogue" : "--attack files");
    printf("%-22s %8s %11s %8s %8s\n", "", "total", "enterprise", "mobile", "ics");
    for (int k = VG_ATTACK_TACTIC; k < VG_ATTACK_KIND_COUNT; k++) {
        printf("%-22s %8zu", kind_plural[k], st.kind[k]);
        for (int d = 0; d < 3; d++)
            printf(" %*zu", d == 0 ? 11 : 8, count_kind_domain(kb, (vg_attack_kind)k, 1u << d, 0));
        printf("\n");
        if (k == VG_ATTACK_TECHNIQUE) {
            printf("%-22s %8zu", "  of which sub-", st.subtechniques);
            for (int d = 0; d < 3; d++)
                printf(" %*zu", d == 0 ? 11 : 8,
                       count_kind_domain(kb, VG_ATTACK_TECHNIQUE, 1u << d, 1));
            printf("\n");
        }
    }
    printf("\nrelationships:");
    for (int r = 0; r < VG_REL_COUNT; r++)
        printf("%s %s %zu", r ? "," : "", rel_names[r], st.rel[r]);
    printf("\nrevoked objects: %zu, deprecated: %zu\n", st.revoked, st.deprecated);
    notice(o);
    return EXIT_OK;
}

/* ---------------------------------------------------------------- show */

static const char *label(const vg_attack_obj *ob)
{
    static char buf[4][320];
    static int slot;
    char *b = buf[slot++ & 3];
    if (*ob->attack_id)
        snprintf(b, sizeof buf[0], "%s %s", ob->attack_id, ob->name);
    else
        snprintf(b, sizeof buf[0], "%s", ob->name);
    return b;
}

static const char *kind_label(const vg_attack_obj *ob)
{
    if (ob->kind == VG_ATTACK_TECHNIQUE && (ob->flags & VG_ATTACK_F_SUBTECHNIQUE))
        return "sub-technique";
    if (ob->kind == VG_ATTACK_SOFTWARE)
        return ob->flags & VG_ATTACK_F_TOOL ? "software (tool)" : "software (malware)";
    return kind_names[ob->kind];
}

/* Platform names of ob joined with ", " into buf. */
static const char *platform_list(const vg_attack *kb, const vg_attack_obj *ob, char *buf,
                                 size_t cap)
{
    size_t n = 0;
    buf[0] = 0;
    for (unsigned b = 0; b < 64 && n < cap; b++)
        if ((ob->platforms & (1ull << b)) && vg_attack_platform_name(kb, b))
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? ", " : "",
                                  vg_attack_platform_name(kb, b));
    return buf;
}

/* Edges of one relationship and direction, listed under a heading. */
static void print_edges(const vg_attack_obj *ob, vg_attack_rel rel, int incoming,
                        vg_attack_kind kind, const char *heading)
{
    const vg_attack_edge *e = incoming ? ob->in : ob->out;
    size_t n = incoming ? ob->n_in : ob->n_out, shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].rel != rel || e[i].other->kind != kind)
            continue;
        if (!shown++)
            printf("%s:\n", heading);
        printf("  %s%s\n", label(e[i].other),
               e[i].other->flags & VG_ATTACK_F_REVOKED      ? " (revoked)"
               : e[i].other->flags & VG_ATTACK_F_DEPRECATED ? " (deprecated)"
                                                            : "");
    }
}

static void json_edges(jw *w, const vg_attack_obj *ob)
{
    jw_key(w, "relations");
    jw_arr(w);
    for (int dir = 0; dir < 2; dir++) {
        const vg_attack_edge *e = dir ? ob->in : ob->out;
        size_t n = dir ? ob->n_in : ob->n_out;
        for (size_t i = 0; i < n; i++) {
            jw_obj(w);
            jw_kstr(w, "relation", rel_names[e[i].rel]);
            jw_kstr(w, "direction", dir ? "in" : "out");
            jw_kstr(w, "kind", kind_names[e[i].other->kind]);
            jw_kstr(w, "id", e[i].other->attack_id);
            jw_kstr(w, "name", e[i].other->name);
            jw_end(w, '}');
        }
    }
    jw_end(w, ']');
}

static void json_obj(jw *w, const vg_attack *kb, const vg_attack_obj *ob)
{
    jw_obj(w);
    jw_kstr(w, "id", ob->attack_id);
    jw_kstr(w, "stix_id", ob->stix_id);
    jw_kstr(w, "kind", kind_names[ob->kind]);
    jw_kstr(w, "name", ob->name);
    jw_kstr(w, "url", ob->url);
    jw_key(w, "subtechnique");
    jw_bool(w, (ob->flags & VG_ATTACK_F_SUBTECHNIQUE) != 0);
    jw_key(w, "revoked");
    jw_bool(w, (ob->flags & VG_ATTACK_F_REVOKED) != 0);
    jw_key(w, "deprecated");
    jw_bool(w, (ob->flags & VG_ATTACK_F_DEPRECATED) != 0);
    if (*ob->shortname)
        jw_kstr(w, "shortname", ob->shortname);
    jw_key(w, "domains");
    jw_arr(w);
    for (int d = 0; d < 3; d++)
        if (ob->domains & (1u << d))
            jw_str(w, domain_names[d]);
    jw_end(w, ']');
    jw_key(w, "platforms");
    jw_arr(w);
    for (unsigned b = 0; b < 64; b++)
        if ((ob->platforms & (1ull << b)) && vg_attack_platform_name(kb, b))
            jw_str(w, vg_attack_platform_name(kb, b));
    jw_end(w, ']');
    jw_key(w, "tactics");
    jw_arr(w);
    for (size_t i = 0; i < ob->n_tactics; i++)
        jw_str(w, ob->tactics[i]->shortname);
    jw_end(w, ']');
    jw_key(w, "aliases");
    jw_arr(w);
    for (size_t i = 0; i < ob->n_aliases; i++)
        jw_str(w, ob->aliases[i]);
    jw_end(w, ']');
    if (ob->parent)
        jw_kstr(w, "parent", ob->parent->attack_id);
    if (ob->revoked_by)
        jw_kstr(w, "revoked_by", ob->revoked_by->attack_id);
    if (ob->n_logsrc) {
        jw_key(w, "log_sources");
        jw_arr(w);
        for (size_t i = 0; i < ob->n_logsrc; i++) {
            jw_obj(w);
            jw_kstr(w, "name", ob->logsrc[i].name);
            jw_kstr(w, "channel", ob->logsrc[i].channel);
            if (ob->logsrc[i].component)
                jw_kstr(w, "data_component", ob->logsrc[i].component->attack_id);
            jw_end(w, '}');
        }
        jw_end(w, ']');
    }
    json_edges(w, ob);
    jw_end(w, '}');
}

static void show_text(const vg_attack *kb, const vg_attack_obj *ob)
{
    printf("%s\n", label(ob));
    printf("  kind:       %s\n", kind_label(ob));
    if (ob->parent)
        printf("  parent:     %s\n", label(ob->parent));
    if (*ob->shortname)
        printf("  shortname:  %s\n", ob->shortname);
    if (*ob->url)
        printf("  url:        %s\n", ob->url);
    printf("  domains:   ");
    for (int d = 0; d < 3; d++)
        if (ob->domains & (1u << d))
            printf(" %s", domain_names[d]);
    printf("\n");
    if (ob->n_tactics) {
        printf("  tactics:    ");
        for (size_t i = 0; i < ob->n_tactics; i++)
            printf("%s%s", i ? ", " : "", label(ob->tactics[i]));
        printf("\n");
    }
    if (ob->platforms) {
        char buf[1024];
        printf("  platforms:  %s\n", platform_list(kb, ob, buf, sizeof buf));
    }
    if (ob->n_aliases) {
        printf("  aliases:    ");
        for (size_t i = 0; i < ob->n_aliases; i++)
            printf("%s%s", i ? ", " : "", ob->aliases[i]);
        printf("\n");
    }
    if (ob->flags & VG_ATTACK_F_DEPRECATED)
        printf("  status:     deprecated\n");
    if (ob->flags & VG_ATTACK_F_REVOKED)
        printf("  status:     revoked%s%s\n", ob->revoked_by ? ", replaced by " : "",
               ob->revoked_by ? label(ob->revoked_by) : "");
    for (size_t i = 0; i < ob->n_logsrc; i++)
        printf("  %s %s%s%s\n", i ? "           " : "log source:", ob->logsrc[i].name,
               *ob->logsrc[i].channel ? " / " : "", ob->logsrc[i].channel);
    print_edges(ob, VG_REL_SUBTECHNIQUE_OF, 1, VG_ATTACK_TECHNIQUE, "sub-techniques");
    print_edges(ob, VG_REL_USES, 0, VG_ATTACK_TECHNIQUE, "techniques used");
    print_edges(ob, VG_REL_USES, 0, VG_ATTACK_SOFTWARE, "software used");
    print_edges(ob, VG_REL_ATTRIBUTED_TO, 0, VG_ATTACK_GROUP, "attributed to");
    print_edges(ob, VG_REL_ATTRIBUTED_TO, 1, VG_ATTACK_CAMPAIGN, "campaigns");
    print_edges(ob, VG_REL_USES, 1, VG_ATTACK_GROUP, "used by groups");
    print_edges(ob, VG_REL_USES, 1, VG_ATTACK_SOFTWARE, "used by software");
    print_edges(ob, VG_REL_USES, 1, VG_ATTACK_CAMPAIGN, "used in campaigns");
    print_edges(ob, VG_REL_MITIGATES, 1, VG_ATTACK_MITIGATION, "mitigations");
    print_edges(ob, VG_REL_MITIGATES, 0, VG_ATTACK_TECHNIQUE, "mitigates");
    print_edges(ob, VG_REL_DETECTS, 1, VG_ATTACK_DETECTION_STRATEGY, "detection strategies");
    print_edges(ob, VG_REL_DETECTS, 0, VG_ATTACK_TECHNIQUE, "detects");
    print_edges(ob, VG_REL_HAS_ANALYTIC, 0, VG_ATTACK_ANALYTIC, "analytics");
    print_edges(ob, VG_REL_HAS_ANALYTIC, 1, VG_ATTACK_DETECTION_STRATEGY, "detection strategy");
    print_edges(ob, VG_REL_ANALYTIC_READS, 1, VG_ATTACK_ANALYTIC, "read by analytics");
    print_edges(ob, VG_REL_COMPONENT_OF, 1, VG_ATTACK_DATA_COMPONENT, "data components");
    print_edges(ob, VG_REL_COMPONENT_OF, 0, VG_ATTACK_DATA_SOURCE, "data source");
}

static int attack_show(vg_attack *kb, const char *what, const cli_opts *o)
{
    const vg_attack_obj *all[16];
    size_t n = vg_attack_find_all(kb, what, 0, all, 16);
    if (!n) {
        fprintf(stderr,
                "vigil: '%s' is not an ATT&CK ID, name or alias in %s; "
                "'vigil attack search' finds partial matches\n",
                what, vg_attack_version(kb));
        return EXIT_INPUT;
    }
    const vg_attack_obj *ob = all[0];
    const vg_attack_obj *live = vg_attack_resolve(ob);
    if (o->json) {
        jw w;
        jw_init(&w, stdout);
        jw_obj(&w);
        jw_kstr(&w, "query", what);
        jw_key(&w, "result");
        json_obj(&w, kb, ob);
        if (live != ob) {
            jw_key(&w, "replacement");
            json_obj(&w, kb, live);
        }
        jw_key(&w, "other_matches");
        jw_arr(&w);
        for (size_t i = 1; i < n && i < 16; i++)
            jw_str(&w, label(all[i]));
        jw_end(&w, ']');
        jw_kstr(&w, "attribution", vg_attack_notice());
        jw_end(&w, '}');
        return EXIT_OK;
    }
    show_text(kb, ob);
    if (live != ob) {
        printf("\nnote: %s is revoked; its replacement is %s\n\n", ob->attack_id, label(live));
        show_text(kb, live);
    }
    if (n > 1) {
        printf("\nalso named '%s':\n", what);
        for (size_t i = 1; i < n && i < 16; i++)
            printf("  %s (%s)\n", label(all[i]), kind_label(all[i]));
    }
    notice(o);
    return EXIT_OK;
}

/* ---------------------------------------------------------------- search */

typedef struct search_ctx {
    const cli_opts *o;
    jw w;
} search_ctx;

static int search_hit(const vg_attack_obj *ob, void *ud)
{
    search_ctx *c = ud;
    if (c->o->json) {
        jw_obj(&c->w);
        jw_kstr(&c->w, "id", ob->attack_id);
        jw_kstr(&c->w, "kind", kind_names[ob->kind]);
        jw_kstr(&c->w, "name", ob->name);
        jw_key(&c->w, "revoked");
        jw_bool(&c->w, (ob->flags & VG_ATTACK_F_REVOKED) != 0);
        jw_key(&c->w, "deprecated");
        jw_bool(&c->w, (ob->flags & VG_ATTACK_F_DEPRECATED) != 0);
        jw_end(&c->w, '}');
    } else {
        printf("%-12s %-19s %s%s\n", ob->attack_id, kind_label(ob), ob->name,
               ob->flags & VG_ATTACK_F_REVOKED      ? " (revoked)"
               : ob->flags & VG_ATTACK_F_DEPRECATED ? " (deprecated)"
                                                    : "");
    }
    return 0;
}

static int attack_search(vg_attack *kb, const char *text, uint32_t mask, const cli_opts *o)
{
    search_ctx c = {o, {0}};
    jw_init(&c.w, stdout);
    if (o->json) {
        jw_obj(&c.w);
        jw_kstr(&c.w, "query", text);
        jw_key(&c.w, "results");
        jw_arr(&c.w);
    }
    size_t n = vg_attack_search(kb, text, mask, search_hit, &c);
    if (o->json) {
        jw_end(&c.w, ']');
        jw_kstr(&c.w, "attribution", vg_attack_notice());
        jw_end(&c.w, '}');
    } else {
        printf("%zu match%s\n", n, n == 1 ? "" : "es");
        notice(o);
    }
    return EXIT_OK;
}

/* ---------------------------------------------------------------- matrix */

static int live(const vg_attack_obj *ob)
{
    return !(ob->flags & (VG_ATTACK_F_REVOKED | VG_ATTACK_F_DEPRECATED));
}

static size_t count_subs(const vg_attack_obj *t, uint64_t pmask)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_in; i++)
        if (t->in[i].rel == VG_REL_SUBTECHNIQUE_OF && live(t->in[i].other) &&
            (!pmask || (t->in[i].other->platforms & pmask)))
            n++;
    return n;
}

static int by_name(const void *a, const void *b)
{
    const vg_attack_obj *x = *(const vg_attack_obj *const *)a,
                        *y = *(const vg_attack_obj *const *)b;
    return strcmp(x->name, y->name);
}

/* Live parent techniques of tactic t (filtered by platform), sorted by name. */
static size_t column(const vg_attack *kb, const vg_attack_obj *t, uint64_t pmask,
                     const vg_attack_obj **out)
{
    size_t n = 0;
    for (size_t i = 0; i < vg_attack_count(kb); i++) {
        const vg_attack_obj *ob = vg_attack_at(kb, i);
        if (ob->kind != VG_ATTACK_TECHNIQUE || !live(ob) || (ob->flags & VG_ATTACK_F_SUBTECHNIQUE))
            continue;
        if (pmask && !(ob->platforms & pmask))
            continue;
        for (size_t k = 0; k < ob->n_tactics; k++)
            if (ob->tactics[k] == t)
                out[n++] = ob;
    }
    qsort(out, n, sizeof *out, by_name);
    return n;
}

/* Word-wrap s into at most maxl lines of width w; returns the number of lines. The last
 * line is clipped with an ellipsis by cli_put_cell when the text does not fit. */
static int wrap(const char *s, int w, int maxl, char lines[][256])
{
    int n = 0;
    while (*s && n < maxl) {
        size_t len = strlen(s), cut = len;
        if ((int)len > w && n < maxl - 1) {
            cut = (size_t)w;
            while (cut > 0 && s[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = (size_t)w;
        }
        if (cut > 255)
            cut = 255;
        memcpy(lines[n], s, cut);
        lines[n][cut] = 0;
        n++;
        s += cut;
        while (*s == ' ')
            s++;
    }
    return n;
}

#define CELL_LINES 3

static void matrix_text(const vg_attack *kb, uint32_t dom, const char *platform,
                        const vg_attack_obj *const *tac, size_t nt, const vg_attack_obj ***cols,
                        const size_t *ncol, size_t rows, uint64_t pmask, int width)
{
    int cw = nt ? (width - (int)nt + 1) / (int)nt : 10;
    if (cw < 8)
        cw = 8;
    printf("%s - %s matrix%s%s\n\n", vg_attack_version(kb),
           domain_names[dom == VG_DOMAIN_MOBILE ? 1
                        : dom == VG_DOMAIN_ICS  ? 2
                                                : 0],
           platform ? ", platform " : "", platform ? platform : "");
    static char text[64][CELL_LINES][256];
    int nl[64];
    /* header: tactic name (wrapped to two lines), then ID and technique count */
    int hl = 0;
    for (size_t c = 0; c < nt; c++) {
        nl[c] = wrap(tac[c]->name, cw, 2, text[c]);
        snprintf(text[c][nl[c]], 256, "%s (%zu)", tac[c]->attack_id, ncol[c]);
        nl[c]++;
        if (nl[c] > hl)
            hl = nl[c];
    }
    for (int l = 0; l < hl; l++) {
        for (size_t c = 0; c < nt; c++) {
            /* keep the ID line last in every header */
            int k = l - (hl - nl[c]);
            const char *t = k == nl[c] - 1 ? text[c][nl[c] - 1] : (l < nl[c] - 1) ? text[c][l] : "";
            cli_put_cell(stdout, t, cw, c + 1 < nt);
            if (c + 1 < nt)
                fputc(' ', stdout);
        }
        fputc('\n', stdout);
    }
    for (size_t c = 0; c < nt; c++) {
        for (int k = 0; k < cw; k++)
            fputs("\xe2\x94\x80", stdout);
        if (c + 1 < nt)
            fputc(' ', stdout);
    }
    fputc('\n', stdout);
    char first[256];
    for (size_t r = 0; r < rows; r++) {
        int h = 0;
        for (size_t c = 0; c < nt; c++) {
            nl[c] = 0;
            if (r >= ncol[c])
                continue;
            size_t subs = count_subs(cols[c][r], pmask);
            if (subs)
                snprintf(first, sizeof first, "%s [%zu] %s", cols[c][r]->attack_id, subs,
                         cols[c][r]->name);
            else
                snprintf(first, sizeof first, "%s %s", cols[c][r]->attack_id, cols[c][r]->name);
            nl[c] = wrap(first, cw, CELL_LINES, text[c]);
            if (nl[c] > h)
                h = nl[c];
        }
        for (int l = 0; l < h; l++) {
            for (size_t c = 0; c < nt; c++) {
                cli_put_cell(stdout, l < nl[c] ? text[c][l] : "", cw, c + 1 < nt);
                if (c + 1 < nt)
                    fputc(' ', stdout);
            }
            fputc('\n', stdout);
        }
    }
}

static int attack_matrix(vg_attack *kb, uint32_t dom, const char *platform, const cli_opts *o)
{
    uint64_t pmask = 0;
    if (platform) {
        int bit = vg_attack_platform_bit(kb, platform);
        if (bit < 0) {
            fprintf(stderr, "vigil: unknown platform '%s'; known:", platform);
            for (unsigned b = 0; vg_attack_platform_name(kb, b); b++)
                fprintf(stderr, "%s %s", b ? "," : "", vg_attack_platform_name(kb, b));
            fprintf(stderr, "\n");
            return EXIT_USAGE;
        }
        pmask = 1ull << bit;
    }
    const vg_attack_obj *const *tac;
    size_t nt = vg_attack_tactics(kb, dom, &tac);
    size_t cap = vg_attack_count(kb);
    const vg_attack_obj **cols[64];
    size_t ncol[64] = {0}, rows = 0;
    if (nt > 64)
        nt = 64;
    for (size_t c = 0; c < nt; c++) {
        cols[c] = malloc((cap + 1) * sizeof **cols);
        if (!cols[c]) {
            for (size_t k = 0; k < c; k++)
                free(cols[k]);
            fprintf(stderr, "vigil: out of memory\n");
            return EXIT_INPUT;
        }
        ncol[c] = column(kb, tac[c], pmask, cols[c]);
        if (ncol[c] > rows)
            rows = ncol[c];
    }
    if (o->json) {
        jw w;
        jw_init(&w, stdout);
        jw_obj(&w);
        jw_kstr(&w, "version", vg_attack_version(kb));
        jw_kstr(&w, "domain",
                domain_names[dom == VG_DOMAIN_MOBILE ? 1
                             : dom == VG_DOMAIN_ICS  ? 2
                                                     : 0]);
        jw_kstr(&w, "platform", platform ? platform : "");
        jw_key(&w, "tactics");
        jw_arr(&w);
        for (size_t c = 0; c < nt; c++) {
            jw_obj(&w);
            jw_kstr(&w, "id", tac[c]->attack_id);
            jw_kstr(&w, "name", tac[c]->name);
            jw_kstr(&w, "shortname", tac[c]->shortname);
            jw_key(&w, "techniques");
            jw_arr(&w);
            for (size_t r = 0; r < ncol[c]; r++) {
                jw_obj(&w);
                jw_kstr(&w, "id", cols[c][r]->attack_id);
                jw_kstr(&w, "name", cols[c][r]->name);
                jw_kint(&w, "subtechniques", (long long)count_subs(cols[c][r], pmask));
                jw_end(&w, '}');
            }
            jw_end(&w, ']');
            jw_end(&w, '}');
        }
        jw_end(&w, ']');
        jw_kstr(&w, "attribution", vg_attack_notice());
        jw_end(&w, '}');
    } else {
        matrix_text(kb, dom, platform, tac, nt, cols, ncol, rows, pmask, o->width);
        printf("\nEach cell: technique ID [number of sub-techniques] and name.\n");
        notice(o);
    }
    for (size_t c = 0; c < nt; c++)
        free(cols[c]);
    return EXIT_OK;
}

/* ---------------------------------------------------------------- group */

typedef struct use {
    const vg_attack_obj *tech;
    const vg_attack_obj *via; /* NULL = direct */
} use;

static void add_uses(const vg_attack_obj *src, const vg_attack_obj *via, use *u, size_t *n,
                     size_t cap)
{
    for (size_t i = 0; i < src->n_out; i++) {
        if (src->out[i].rel != VG_REL_USES || src->out[i].other->kind != VG_ATTACK_TECHNIQUE)
            continue;
        const vg_attack_obj *t = src->out[i].other;
        int dup = 0;
        for (size_t k = 0; k < *n && !dup; k++)
            dup = u[k].tech == t;
        if (!dup && *n < cap)
            u[(*n)++] = (use){t, via};
    }
}

static int attack_group(vg_attack *kb, const char *what, const cli_opts *o)
{
    const vg_attack_obj *g = NULL;
    uint32_t mask =
        (1u << VG_ATTACK_GROUP) | (1u << VG_ATTACK_CAMPAIGN) | (1u << VG_ATTACK_SOFTWARE);
    vg_attack_find(kb, what, mask, &g); /* an ambiguous name still sets g */
    if (!g) {
        const vg_attack_obj *other = NULL;
        vg_attack_find(kb, what, 0, &other);
        if (other)
            fprintf(stderr, "vigil: %s (%s) is not a group, campaign or software\n", label(other),
                    kind_label(other));
        else
            fprintf(stderr, "vigil: '%s' is not a group, campaign or software in %s\n", what,
                    vg_attack_version(kb));
        return EXIT_INPUT;
    }
    if (vg_attack_resolve(g) != g) {
        fprintf(stderr, "note: %s is revoked; showing its replacement %s\n", label(g),
                label(vg_attack_resolve(g)));
        g = vg_attack_resolve(g);
    }
    size_t cap = vg_attack_count(kb), n = 0;
    use *u = malloc((cap + 1) * sizeof *u);
    if (!u)
        return EXIT_INPUT;
    add_uses(g, NULL, u, &n, cap);
    for (size_t i = 0; i < g->n_in; i++) /* campaigns attributed to the group */
        if (g->in[i].rel == VG_REL_ATTRIBUTED_TO && g->in[i].other->kind == VG_ATTACK_CAMPAIGN)
            add_uses(g->in[i].other, g->in[i].other, u, &n, cap);
    const vg_attack_obj *const *tac;
    size_t nt = vg_attack_tactics(kb, VG_DOMAIN_ENTERPRISE, &tac);
    jw w;
    jw_init(&w, stdout);
    if (o->json) {
        jw_obj(&w);
        jw_kstr(&w, "id", g->attack_id);
        jw_kstr(&w, "name", g->name);
        jw_kstr(&w, "kind", kind_names[g->kind]);
        jw_key(&w, "techniques");
        jw_arr(&w);
        for (size_t i = 0; i < n; i++) {
            jw_obj(&w);
            jw_kstr(&w, "id", u[i].tech->attack_id);
            jw_kstr(&w, "name", u[i].tech->name);
            jw_key(&w, "tactics");
            jw_arr(&w);
            for (size_t k = 0; k < u[i].tech->n_tactics; k++)
                jw_str(&w, u[i].tech->tactics[k]->shortname);
            jw_end(&w, ']');
            jw_kstr(&w, "via", u[i].via ? u[i].via->attack_id : "direct");
            jw_end(&w, '}');
        }
        jw_end(&w, ']');
        jw_key(&w, "software");
        jw_arr(&w);
        for (size_t i = 0; i < g->n_out; i++)
            if (g->out[i].rel == VG_REL_USES && g->out[i].other->kind == VG_ATTACK_SOFTWARE)
                jw_str(&w, g->out[i].other->attack_id);
        jw_end(&w, ']');
        jw_kstr(&w, "attribution", vg_attack_notice());
        jw_end(&w, '}');
        free(u);
        return EXIT_OK;
    }
    printf("%s (%s): %zu technique%s\n", label(g), kind_label(g), n, n == 1 ? "" : "s");
    for (size_t c = 0; c < nt; c++) {
        int head = 0;
        for (size_t i = 0; i < n; i++) {
            int in_tac = 0;
            for (size_t k = 0; k < u[i].tech->n_tactics; k++)
                in_tac |= u[i].tech->tactics[k] == tac[c];
            if (!in_tac)
                continue;
            if (!head++)
                printf("\n%s\n", label(tac[c]));
            printf("  %-10s %s%s%s%s\n", u[i].tech->attack_id, u[i].tech->name,
                   u[i].via ? "  (via " : "", u[i].via ? u[i].via->attack_id : "",
                   u[i].via ? ")" : "");
        }
    }
    print_edges(g, VG_REL_USES, 0, VG_ATTACK_SOFTWARE, "\nsoftware used");
    free(u);
    notice(o);
    return EXIT_OK;
}

/* ---------------------------------------------------------------- dispatch */

int cmd_attack(int argc, char **argv, cli_opts *o)
{
    if (argc >= 2 && strcmp(argv[1], "--help") == 0)
        return cli_help("attack", stdout);
    if (argc < 2) {
        cli_usage_error("attack", "attack needs a command: info, show, search, matrix, group "
                                  "or export-catalogue");
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    static const char *const subs[] = {"info",   "show",  "search",
                                       "matrix", "group", "export-catalogue"};
    /* what the one argument of show, search and group is, for "missing argument" */
    static const char *const sub_arg[] = {
        NULL, "an ID or a name", "a text to search for", NULL, "a group, campaign or software",
        NULL};
    int which = -1;
    for (int i = 0; i < (int)(sizeof subs / sizeof subs[0]); i++)
        if (strcmp(sub, subs[i]) == 0)
            which = i;
    if (which < 0) {
        cli_usage_error("attack", "unknown attack command '%s'", sub);
        return EXIT_USAGE;
    }
    const char *arg = NULL, *platform = NULL;
    uint32_t dom = VG_DOMAIN_ENTERPRISE, mask = 0;
    char cmdname[64];
    snprintf(cmdname, sizeof cmdname, "attack %s", sub);
    int positional = 0; /* after "--" */
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!positional && strcmp(a, "--") == 0) {
            positional = 1;
            continue;
        }
        if (positional || a[0] != '-' || !a[1]) {
            if (arg) {
                cli_usage_error(cmdname, "unexpected argument '%s'", a);
                return EXIT_USAGE;
            }
            arg = a;
            continue;
        }
        if (strcmp(a, "--help") == 0)
            return cli_help(cmdname, stdout);
        int valued = strcmp(a, "--domain") == 0 || strcmp(a, "--platform") == 0 ||
                     strcmp(a, "--width") == 0 || strcmp(a, "--kind") == 0;
        if (valued && !v) {
            cli_usage_error(cmdname, "%s needs a value", a);
            return EXIT_USAGE;
        }
        if (strcmp(a, "--domain") == 0) {
            dom = parse_domain(argv[++i]);
            if (!dom) {
                cli_usage_error(cmdname, "unknown domain '%s' (expected enterprise, mobile or ics)",
                                v);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--platform") == 0) {
            platform = argv[++i];
        } else if (strcmp(a, "--width") == 0) {
            char *end;
            long w = strtol(argv[++i], &end, 10);
            if (*end || end == v || w < 40 || w > 1000) {
                cli_usage_error(cmdname, "--width needs 40 to 1000 columns, not '%s'", v);
                return EXIT_USAGE;
            }
            o->width = (int)w;
        } else if (strcmp(a, "--kind") == 0) {
            int k = parse_kind(argv[++i]);
            if (k < 0) {
                char known[256] = "";
                for (size_t n = 0, j = 0; j < VG_ATTACK_KIND_COUNT && n < sizeof known; j++)
                    n += (size_t)snprintf(known + n, sizeof known - n, "%s%s", j ? ", " : "",
                                          kind_names[j]);
                cli_usage_error(cmdname, "unknown kind '%s' (expected %s)", v, known);
                return EXIT_USAGE;
            }
            mask |= 1u << k;
        } else {
            cli_usage_error(cmdname, "unknown option '%s'", a);
            return EXIT_USAGE;
        }
    }
    if (sub_arg[which] && !arg) {
        cli_usage_error(cmdname, "%s needs %s", cmdname, sub_arg[which]);
        return EXIT_USAGE;
    }
    if (!sub_arg[which] && arg) {
        cli_usage_error(cmdname, "unexpected argument '%s'", arg);
        return EXIT_USAGE;
    }
    if (which == 5 && o->n_attack_files == 0) {
        cli_usage_error(cmdname, "export-catalogue needs --attack FILE");
        return EXIT_USAGE;
    }
    vg_attack *kb = cli_load_attack(o);
    if (!kb)
        return EXIT_INPUT;
    int rc = EXIT_OK;
    switch (which) {
    case 0:
        rc = attack_info(kb, o);
        break;
    case 1:
        rc = attack_show(kb, arg, o);
        break;
    case 2:
        rc = attack_search(kb, arg, mask, o);
        break;
    case 3:
        rc = attack_matrix(kb, dom, platform, o);
        break;
    case 4:
        rc = attack_group(kb, arg, o);
        break;
    case 5: {
        char *out;
        size_t len;
        if (vg_attack_export_catalogue(kb, &out, &len)) {
            rc = EXIT_INPUT;
            break;
        }
        fwrite(out, 1, len, stdout);
        free(out);
        break;
    }
    }
    vg_attack_free(kb);
    return rc;
}

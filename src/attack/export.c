/*
 * export.c - writes the facts of a knowledge base as a compact STIX bundle.
 *
 * This is the generator of the embedded catalogue (data/attack-catalogue.json): IDs, names,
 * URLs, flags, platforms, domains, kill-chain phases, aliases, matrix tactic order,
 * relationships, analytic and data-component log sources. Descriptions, citations and every
 * other field are left out. The output is itself a STIX bundle, so the embedded catalogue goes
 * through the very loader that reads MITRE's files, and carries MITRE's marking statement.
 */
#include <stdlib.h>
#include <string.h>

#include "attack.h"

static const char *stix_type(const vg_attack_obj *o)
{
    static const char *const t[] = {
        [VG_ATTACK_MATRIX] = "x-mitre-matrix",
        [VG_ATTACK_TACTIC] = "x-mitre-tactic",
        [VG_ATTACK_TECHNIQUE] = "attack-pattern",
        [VG_ATTACK_GROUP] = "intrusion-set",
        [VG_ATTACK_SOFTWARE] = "malware",
        [VG_ATTACK_CAMPAIGN] = "campaign",
        [VG_ATTACK_MITIGATION] = "course-of-action",
        [VG_ATTACK_DATA_SOURCE] = "x-mitre-data-source",
        [VG_ATTACK_DATA_COMPONENT] = "x-mitre-data-component",
        [VG_ATTACK_DETECTION_STRATEGY] = "x-mitre-detection-strategy",
        [VG_ATTACK_ANALYTIC] = "x-mitre-analytic",
    };
    if (o->kind == VG_ATTACK_SOFTWARE && (o->flags & VG_ATTACK_F_TOOL))
        return "tool";
    return t[o->kind];
}

static const char *const domain_names[] = {"enterprise-attack", "mobile-attack", "ics-attack"};
static const char *const chain_names[] = {"mitre-attack", "mitre-mobile-attack",
                                          "mitre-ics-attack"};
static const char *const rel_names[] = {"uses",       "mitigates",    "detects", "subtechnique-of",
                                        "revoked-by", "attributed-to"};

static void key_str(vg__buf *b, const char *k, const char *v)
{
    vg__buf_printf(b, ",\"%s\":", k);
    vg__buf_json_str(b, v, strlen(v));
}

static void str_list(vg__buf *b, const char *k, const char *const *v, size_t n)
{
    if (!n)
        return;
    vg__buf_printf(b, ",\"%s\":[", k);
    for (size_t i = 0; i < n; i++) {
        if (i)
            vg__buf_addc(b, ',');
        vg__buf_json_str(b, v[i], strlen(v[i]));
    }
    vg__buf_addc(b, ']');
}

static void logsrc(vg__buf *b, const char *key, const vg__aobj *o, int with_ref)
{
    if (!o->n_rawsrc)
        return;
    vg__buf_printf(b, ",\"%s\":[", key);
    for (size_t i = 0; i < o->n_rawsrc; i++) {
        vg__buf_adds(b, i ? ",{" : "{");
        vg__buf_adds(b, "\"name\":");
        vg__buf_json_str(b, o->rawsrc[i].name, strlen(o->rawsrc[i].name));
        key_str(b, "channel", o->rawsrc[i].channel);
        if (with_ref && o->rawsrc[i].component_ref)
            key_str(b, "x_mitre_data_component_ref", o->rawsrc[i].component_ref);
        vg__buf_addc(b, '}');
    }
    vg__buf_addc(b, ']');
}

static void export_obj(const vg_attack *kb, vg__buf *b, const vg__aobj *o)
{
    const vg_attack_obj *p = &o->pub;
    vg__buf_adds(b, ",\n{\"type\":");
    vg__buf_json_str(b, stix_type(p), strlen(stix_type(p)));
    key_str(b, "id", p->stix_id);
    key_str(b, "name", p->name);
    if (*p->attack_id || *p->url) {
        vg__buf_adds(b, ",\"external_references\":[{\"source_name\":\"mitre-attack\"");
        key_str(b, "external_id", p->attack_id);
        key_str(b, "url", p->url);
        vg__buf_adds(b, "}]");
    }
    if (p->flags & VG_ATTACK_F_REVOKED)
        vg__buf_adds(b, ",\"revoked\":true");
    if (p->flags & VG_ATTACK_F_DEPRECATED)
        vg__buf_adds(b, ",\"x_mitre_deprecated\":true");
    if (p->flags & VG_ATTACK_F_SUBTECHNIQUE)
        vg__buf_adds(b, ",\"x_mitre_is_subtechnique\":true");
    if (*p->version)
        key_str(b, "x_mitre_version", p->version);
    if (*p->modified)
        key_str(b, "modified", p->modified);
    if (*p->shortname || p->kind == VG_ATTACK_TACTIC) /* required of tactics, even if empty */
        key_str(b, "x_mitre_shortname", p->shortname);
    const char *doms[3];
    size_t nd = 0;
    for (int s = 0; s < 3; s++)
        if (p->domains & (1u << s))
            doms[nd++] = domain_names[s];
    str_list(b, "x_mitre_domains", doms, nd);
    const char *plats[VG_ATTACK_MAX_PLATFORMS];
    size_t np = 0;
    for (unsigned i = 0; i < kb->n_platforms; i++)
        if (p->platforms & (1ull << i))
            plats[np++] = kb->platforms[i];
    str_list(b, "x_mitre_platforms", plats, np);
    if (o->n_phases) {
        vg__buf_adds(b, ",\"kill_chain_phases\":[");
        for (size_t i = 0; i < o->n_phases; i++) {
            vg__buf_printf(b, "%s{\"kill_chain_name\":\"%s\"", i ? "," : "",
                           chain_names[vg__domain_slot(o->phases[i].domain)]);
            key_str(b, "phase_name", o->phases[i].name);
            vg__buf_addc(b, '}');
        }
        vg__buf_addc(b, ']');
    }
    str_list(b, p->kind == VG_ATTACK_SOFTWARE ? "x_mitre_aliases" : "aliases", o->aliases,
             o->n_aliases);
    if (p->kind == VG_ATTACK_MATRIX)
        str_list(b, "tactic_refs", o->refs, o->n_refs);
    if (p->kind == VG_ATTACK_DETECTION_STRATEGY)
        str_list(b, "x_mitre_analytic_refs", o->refs, o->n_refs);
    if (o->data_source_ref && *o->data_source_ref)
        key_str(b, "x_mitre_data_source_ref", o->data_source_ref);
    logsrc(b,
           p->kind == VG_ATTACK_ANALYTIC ? "x_mitre_log_source_references" : "x_mitre_log_sources",
           o, p->kind == VG_ATTACK_ANALYTIC);
    vg__buf_addc(b, '}');
}

int vg_attack_export_catalogue(const vg_attack *kb, char **out, size_t *out_len)
{
    if (!kb || !out)
        return VG_ERR_INVAL;
    vg__buf b;
    vg__buf_init(&b);
    vg__buf_adds(&b, "{\"type\":\"bundle\",\"id\":\"bundle--vigil-attack-catalogue\","
                     "\"spec_version\":\"2.1\",\"objects\":[\n");
    vg__buf_adds(&b, "{\"type\":\"marking-definition\",\"id\":\"marking-definition--"
                     "fa42a846-8d90-4e51-bc29-71d5b4802168\",\"definition_type\":\"statement\","
                     "\"definition\":{\"statement\":");
    const char *n = vg_attack_notice();
    vg__buf_json_str(&b, n, strlen(n));
    vg__buf_adds(&b, "}}");
    for (size_t i = 0; i < kb->objs.len; i++)
        export_obj(kb, &b, vg__aobj_at(kb, i));
    const vg__rawrel *r = kb->rels.ptr;
    for (size_t i = 0; i < kb->rels.len; i++) {
        vg__buf_adds(&b, ",\n{\"type\":\"relationship\"");
        key_str(&b, "id", r[i].id);
        key_str(&b, "relationship_type", rel_names[r[i].rel]);
        key_str(&b, "source_ref", r[i].src);
        key_str(&b, "target_ref", r[i].dst);
        vg__buf_addc(&b, '}');
    }
    vg__buf_adds(&b, "\n]}\n");
    *out = vg__buf_take(&b, out_len);
    return *out ? 0 : VG_ERR_NOMEM;
}

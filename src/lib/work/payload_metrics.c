/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The payload kinds' names and the list of metrics a payload's parser
 * fills (<ktstr/payload.h>).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/payload.h>

static const char *const kind_names[KT_PAYLOAD__COUNT] = {
    [KT_PAYLOAD_GENERIC] = "generic",
    [KT_PAYLOAD_STRESS_NG] = "stress-ng",
    [KT_PAYLOAD_CYCLICTEST] = "cyclictest",
    [KT_PAYLOAD_RT_APP] = "rt-app",
    [KT_PAYLOAD_SCHBENCH] = "schbench",
};

const char *kt_payload_kind_name(enum kt_payload_kind k)
{
	return (unsigned)k < KT_PAYLOAD__COUNT ? kind_names[k] : "unknown";
}

int kt_payload_kind_parse(const char *name, enum kt_payload_kind *out)
{
	for (int k = 0; name && k < KT_PAYLOAD__COUNT; k++) {
		if (!strcmp(name, kind_names[k])) {
			*out = k;
			return 0;
		}
	}
	return kt_err(EINVAL,
		      "unknown payload kind \"%s\" (expected one of generic, "
		      "stress-ng, cyclictest, rt-app, schbench)",
		      name ? name : "(null)");
}

const struct kt_payload_metric *
kt_payload_metrics_get(const struct kt_payload_metrics *m, const char *name)
{
	for (size_t i = 0; i < m->nr; i++)
		if (!strcmp(m->v[i].name, name))
			return &m->v[i];
	return NULL;
}

int kt_payload_metrics_set(struct kt_payload_metrics *m, const char *name,
			   const char *unit, double value,
			   bool higher_is_better)
{
	struct kt_payload_metric *p =
	    (struct kt_payload_metric *)kt_payload_metrics_get(m, name);

	if (!p) {
		p = realloc(m->v, (m->nr + 1) * sizeof(*p));
		if (!p)
			return kt_err(ENOMEM,
				      "payload metric %s: out of memory", name);
		m->v = p;
		p = &m->v[m->nr++];
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", name);
	}
	snprintf(p->unit, sizeof(p->unit), "%s", unit ? unit : "");
	p->value = value;
	p->higher_is_better = higher_is_better;
	return 0;
}

void kt_payload_metrics_free(struct kt_payload_metrics *m)
{
	free(m->v);
	m->v = NULL;
	m->nr = 0;
}

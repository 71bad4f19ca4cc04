/* SPDX-License-Identifier: GPL-2.0-only */
/* Building the guest->host protocol messages (boot, topo, result, ...). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include <ktstr/common.h>
#include <ktstr/cpuset.h>

#include "msg.h"

static json_t *msg_new(const char *type)
{
	json_t *m = json_object();

	if (m && json_object_set_new(m, "type", json_string(type))) {
		json_decref(m);
		return NULL;
	}
	return m;
}

/* Set key to v (stolen); on failure drop m and return NULL. */
static json_t *msg_set(json_t *m, const char *key, json_t *v)
{
	if (!m) {
		json_decref(v);
		return NULL;
	}
	if (!v || json_object_set_new(m, key, v)) {
		json_decref(m);
		return NULL;
	}
	return m;
}

json_t *kt_msg_boot(uint64_t uptime_ms, const char *kernel, int cpus)
{
	json_t *m = msg_new("boot");

	m = msg_set(m, "uptime_ms", json_integer((json_int_t)uptime_ms));
	m = msg_set(m, "kernel", json_string(kernel ? kernel : ""));
	return msg_set(m, "cpus", json_integer(cpus));
}

static int append_cpulist(json_t *arr, const struct kt_cpuset *s)
{
	char buf[8192];

	kt_cpuset_format(s, buf, sizeof(buf));
	return json_array_append_new(arr, json_string(buf));
}

static json_t *sibling_groups(const struct kt_topo *t)
{
	struct kt_cpuset seen;
	json_t *arr = json_array();
	int cpu;

	if (!arr)
		return NULL;
	kt_cpuset_zero(&seen);
	kt_cpuset_for_each (cpu, &t->online) {
		const struct kt_cpuset *sib;

		if (cpu >= t->max_cpu || kt_cpuset_test(&seen, cpu))
			continue;
		sib = &t->cpus[cpu].siblings;
		if (kt_cpuset_empty(sib)) {
			/* No SMT information: the CPU is its own core. */
			struct kt_cpuset one;

			kt_cpuset_zero(&one);
			kt_cpuset_set(&one, cpu);
			kt_cpuset_or(&seen, &one);
			if (append_cpulist(arr, &one))
				goto fail;
			continue;
		}
		kt_cpuset_or(&seen, sib);
		if (append_cpulist(arr, sib))
			goto fail;
	}
	return arr;
fail:
	json_decref(arr);
	return NULL;
}

json_t *kt_msg_topo(const struct kt_topo *t)
{
	json_t *m = msg_new("topo");
	json_t *llcs = json_array(), *nodes = json_array();
	char name[128];
	bool ok = llcs && nodes;

	kt_topo_name(t, name, sizeof(name));
	for (int i = 0; ok && i < t->nr_llcs; i++)
		ok = !append_cpulist(llcs, &t->llcs[i].cpus);
	for (int i = 0; ok && i < t->nr_nodes; i++)
		ok = !append_cpulist(nodes, &t->nodes[i].cpus);
	if (!ok) {
		json_decref(llcs);
		json_decref(nodes);
		json_decref(m);
		return NULL;
	}
	m = msg_set(m, "topo", json_string(name));
	m = msg_set(m, "llcs", llcs);
	m = msg_set(m, "nodes", nodes);
	return msg_set(m, "siblings", sibling_groups(t));
}

json_t *kt_msg_result(const struct kt_result *r)
{
	return msg_set(msg_new("result"), "result", kt_result_to_json(r));
}

json_t *kt_msg_error(const char *msg)
{
	return msg_set(msg_new("error"), "msg", json_string(msg ? msg : ""));
}

json_t *kt_msg_exit(int code, int status)
{
	json_t *m = msg_set(msg_new("exit"), "code", json_integer(code));

	if (status >= 0)
		m = msg_set(m, "status", json_integer(status));
	return m;
}

int kt_parse_uptime_ms(const char *text, uint64_t *out)
{
	const char *p = text;
	uint64_t sec = 0, ms = 0;
	int digits = 0;

	if (!isdigit((unsigned char)*p))
		return kt_err(EINVAL, "uptime: cannot parse \"%.32s\"", text);
	while (isdigit((unsigned char)*p)) {
		if (sec > UINT64_MAX / 10 / 1000)
			return kt_err(EINVAL, "uptime: \"%.32s\" too large",
				      text);
		sec = sec * 10 + (uint64_t)(*p++ - '0');
	}
	if (*p == '.') {
		p++;
		for (; isdigit((unsigned char)*p); p++) {
			if (digits < 3) {
				ms = ms * 10 + (uint64_t)(*p - '0');
				digits++;
			}
		}
	}
	for (; digits < 3; digits++)
		ms *= 10;
	if (*p && *p != ' ' && *p != '\n')
		return kt_err(EINVAL, "uptime: cannot parse \"%.32s\"", text);
	*out = sec * 1000 + ms;
	return 0;
}

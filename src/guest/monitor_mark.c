/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's side of the host monitor (docs/monitor.md). The host reads
 * the guest's runqueues out of its RAM and needs two things only the
 * guest knows: where the kernel's symbols are (Debian's image package
 * ships a stub System.map, so they come from /proc/kallsyms, sent once as
 * `ksyms`), and which scenario and step run. The second is written into
 * the kernel's own memory, init_uts_ns's domainname (unused in the guest:
 * no NIS), as "ktstr:<step>:<scenario>", by a thread that polls the ops
 * engine's current_step every 50 ms. The host reads it with every sample,
 * so a mark needs no channel round trip and stays readable when the
 * guest's userspace is wedged.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "sysinit.h"
#include "monitor_mark.h"

#define MARK_POLL_NS KT_MS(50) /* half the host's sampling interval */

static pthread_mutex_t mark_lock = PTHREAD_MUTEX_INITIALIZER;
static char mark_scenario[48];
static unsigned mark_gen; /* bumped when the scenario changes */
static atomic_ushort *mark_step;

static void write_mark(unsigned step, const char *scenario)
{
	char buf[65];
	int n = snprintf(buf, sizeof(buf), "ktstr:%u:%s", step, scenario);

	if (n > 64)
		n = 64;
	if (setdomainname(buf, (size_t)n))
		kt_guest_log("monitor mark: setdomainname: %m");
}

static void *mark_thread(void *arg)
{
	unsigned last_step = ~0u, last_gen = ~0u;

	(void)arg;
	for (;;) {
		unsigned step = atomic_load(mark_step), gen;
		char sc[sizeof(mark_scenario)];

		pthread_mutex_lock(&mark_lock);
		gen = mark_gen;
		memcpy(sc, mark_scenario, sizeof(sc));
		pthread_mutex_unlock(&mark_lock);
		if (step != last_step || gen != last_gen)
			write_mark(step, sc);
		last_step = step;
		last_gen = gen;
		kt_sleep(MARK_POLL_NS);
	}
	return NULL;
}

void kt_guest_monitor_scenario(const char *name)
{
	pthread_mutex_lock(&mark_lock);
	snprintf(mark_scenario, sizeof(mark_scenario), "%s", name ? name : "");
	mark_gen++;
	pthread_mutex_unlock(&mark_lock);
}

/* {"type": "ksyms", "syms": {...}} with the plan's symbols found. */
static json_t *ksyms_msg(const struct kt_plan *p)
{
	json_t *syms = json_object();
	char line[512], name[256], type;
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f || !syms) {
		kt_guest_log("monitor: /proc/kallsyms: %m");
		if (f)
			fclose(f);
		json_decref(syms);
		return NULL;
	}
	while (json_object_size(syms) < p->nr_monitor_symbols &&
	       fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		for (size_t i = 0; i < p->nr_monitor_symbols; i++)
			if (!strcmp(name, p->monitor_symbols[i]) &&
			    !json_object_get(syms, name))
				json_object_set_new(syms, name,
						    json_sprintf("%llx", addr));
	}
	fclose(f);
	return json_pack("{s:s, s:o}", "type", "ksyms", "syms", syms);
}

void kt_guest_monitor_begin(const struct kt_plan *p, atomic_ushort *step,
			    void (*send)(json_t *m))
{
	pthread_t t;
	json_t *m;

	if (!p->nr_monitor_symbols)
		return;
	m = ksyms_msg(p);
	if (m)
		send(m);
	mark_step = step;
	write_mark(0, "");
	if (pthread_create(&t, NULL, mark_thread, NULL))
		kt_guest_log("monitor mark: no thread: %m");
	else
		pthread_detach(t);
}

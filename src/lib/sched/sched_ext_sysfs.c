/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the running kernel's sched_ext says about itself in sysfs: whether
 * a BPF scheduler is attached and in which mode (switch_all), and the
 * event counters of the root scheduler (root/events: one "SCX_EV_NAME
 * value" line each), which the runner reads before and after a scenario.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ktstr/sched.h>

#include "core/small_file.h"

#define SCX_DIR "/sys/kernel/sched_ext"

static void scx_path(const char *root, const char *file, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s/%s", root && strcmp(root, "/") ? root : "",
		 SCX_DIR, file);
}

bool kt_scx_attached(const char *root, int *switch_all)
{
	char path[4200], buf[64];

	if (switch_all)
		*switch_all = -1;
	scx_path(root, "state", path, sizeof(path));
	if (kt_read_small(path, buf, sizeof(buf)) || strncmp(buf, "enabled", 7))
		return false;
	scx_path(root, "switch_all", path, sizeof(path));
	if (switch_all && !kt_read_small(path, buf, sizeof(buf)))
		*switch_all = atoi(buf) ? 1 : 0;
	return true;
}

int kt_scx_events_read(const char *root, struct kt_scx_events *out)
{
	char path[4200], *text = NULL, *line, *save = NULL;
	int err;

	out->nr = 0;
	scx_path(root, "root/events", path, sizeof(path));
	err = kt_read_all(path, &text);
	if (err)
		return kt_err(err, "read %s: %s", path, strerror(-err));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct kt_scx_event *e = &out->ev[out->nr];
		char name[sizeof(e->name)];
		uint64_t v;

		if (out->nr >= KT_SCX_EVENTS_MAX)
			break;
		if (sscanf(line, "%47s %" SCNu64, name, &v) != 2)
			continue;
		/* "SCX_EV_SELECT_CPU_FALLBACK" -> "SELECT_CPU_FALLBACK" */
		snprintf(e->name, sizeof(e->name), "%s",
			 strncmp(name, "SCX_EV_", 7) ? name : name + 7);
		e->value = v;
		out->nr++;
	}
	free(text);
	return 0;
}

uint64_t kt_scx_events_get(const struct kt_scx_events *e, const char *name)
{
	for (size_t i = 0; i < e->nr; i++)
		if (!strcasecmp(e->ev[i].name, name))
			return e->ev[i].value;
	return 0;
}

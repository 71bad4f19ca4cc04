/* SPDX-License-Identifier: GPL-2.0-only */
/* What a sidecar says about the host that ran the VM: CPU model, online
 * cores and the host kernel. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>

#include "results/results_priv.h"

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[512];

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon += 1 + (colon[1] == ' ');
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

json_t *kt_host_info_json(const char *accel)
{
	struct utsname u;
	char model[256];

	cpu_model(model, sizeof(model));
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	return json_pack("{s:s, s:I, s:s?, s:s}", "cpu_model", model, "cores",
			 (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "accel",
			 accel, "kernel", u.release);
}

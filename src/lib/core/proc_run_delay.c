/* SPDX-License-Identifier: GPL-2.0-only */
/* The run delay of a process's threads, from /proc/PID/task/TID/schedstat
 * ("<on-cpu ns> <run-delay ns> <timeslices>"). */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "core/proc_run_delay.h"
#include "core/small_file.h"

int kt_proc_run_delay_ns(pid_t pid, uint64_t *ns)
{
	char dir[64], path[128], text[128];
	struct dirent *e;
	uint64_t sum = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		uint64_t on, wait;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%.20s/schedstat", dir,
			 e->d_name);
		/* a thread that just ended has no file: skip it */
		if (!kt_read_small(path, text, sizeof(text)) &&
		    sscanf(text, "%" SCNu64 " %" SCNu64, &on, &wait) == 2)
			sum += wait;
	}
	closedir(d);
	*ns = sum;
	return 0;
}

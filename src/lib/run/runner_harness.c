/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The harness's footing for a run (kt_harness_begin/end, runner.h): its
 * own threads in SCHED_FIFO with reset-on-fork, and the vCPU probe.
 *
 * Why FIFO: under a sched_ext scheduler that stops dispatching, every
 * task it manages stops, the harness included; the stall would then be
 * seen only once the kernel's watchdog ejects the scheduler, or never.
 * The RT class ranks above sched_ext, so a FIFO harness keeps watching.
 * Its priority stays below the probe's so the probe still measures
 * vCPUs, not the harness.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/runner.h>

#include "probe/vcpu_probe.h"

#define HARNESS_PRIO 98

static unsigned depth;
static struct kt_probe *probe;
static bool shared_probe;

void kt_harness_shared_probe(bool shared)
{
	shared_probe = shared;
}

void kt_harness_begin(FILE *warn)
{
	struct sched_param sp = {.sched_priority = HARNESS_PRIO};
	struct kt_err_saved e;

	if (depth++)
		return;
	kt_err_save(&e);
	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) &&
	    warn)
		fprintf(warn,
			"ktstr: warning: the harness stays a normal task "
			"(SCHED_FIFO: %s): a scheduler that stops running "
			"tasks stops it too\n",
			strerror(errno));
	if (!kt_probe_current() &&
	    kt_probe_start(&(struct kt_probe_opts){.shared = shared_probe},
			   &probe) &&
	    warn)
		fprintf(warn,
			"ktstr: warning: no vCPU probe (%s): gaps cannot be "
			"told from host stalls\n",
			kt_last_error());
	kt_err_restore(&e);
}

void kt_harness_end(void)
{
	if (!depth || --depth)
		return;
	kt_probe_stop(probe);
	probe = NULL;
}

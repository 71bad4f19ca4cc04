/* SPDX-License-Identifier: GPL-2.0-only */
/* Admission of parallel test jobs (-j N): what a job costs in host CPUs
 * and whether it may start next to the jobs already running. */
#include <ktstr/test_runner.h>

unsigned kt_test_cost(unsigned vcpus, enum kt_accel accel, bool host_only,
		      unsigned host_cpus)
{
	if (host_only)
		return host_cpus ? host_cpus : 1;
	if (accel == KT_ACCEL_TCG || accel == KT_ACCEL_AUTO)
		return 1;
	return vcpus ? vcpus : 1;
}

bool kt_test_admit(unsigned running, unsigned running_cost, unsigned cost,
		   unsigned max_jobs, unsigned budget)
{
	if (!running)
		return true;
	if (running >= max_jobs)
		return false;
	return running_cost + cost <= budget;
}

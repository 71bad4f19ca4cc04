/* SPDX-License-Identifier: GPL-2.0-only */
/* A SCHED_FIFO 50 spinner pinned to one CPU for 300 ms (fifo_hog.h). */
#include "fifo_hog.h"

#include <pthread.h>
#include <sched.h>

#include <ktstr/common.h>

static void *hog(void *arg)
{
	uint64_t end = kt_now_ns() + KT_MS(300);

	(void)arg;
	while (kt_now_ns() < end)
		;
	return NULL;
}

int kt_test_fifo_hog(int cpu, uint64_t *from, uint64_t *to)
{
	struct sched_param sp = {.sched_priority = 50};
	pthread_attr_t at;
	pthread_t t;
	cpu_set_t cs;
	int err;

	CPU_ZERO(&cs);
	CPU_SET(cpu, &cs);
	pthread_attr_init(&at);
	pthread_attr_setaffinity_np(&at, sizeof(cs), &cs);
	pthread_attr_setinheritsched(&at, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&at, SCHED_FIFO);
	pthread_attr_setschedparam(&at, &sp);
	*from = kt_now_ns();
	err = pthread_create(&t, &at, hog, NULL);
	pthread_attr_destroy(&at);
	if (err)
		return err;
	pthread_join(t, NULL);
	*to = kt_now_ns();
	return 0;
}

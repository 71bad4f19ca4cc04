/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Threads mode of a kt_workload: its workers are threads of one forked
 * process instead of one process each. The process starts a thread per
 * worker; each thread sets itself up exactly as a forked worker does
 * (affinity, scheduling policy, memory policy and the kind's setup all act
 * on the calling thread), waits at the same gate and writes the same
 * report in shared memory, with its own tid and the shared tgid. Telemetry
 * is per thread already (CLOCK_THREAD_CPUTIME_ID, /proc/thread-self/
 * schedstat and sched, sched_getaffinity(0)).
 *
 * What differs: a setup or loop failure ends only that thread (its state
 * says FAILED or EXITED; the process carries on), the parent stops each
 * thread with tgkill(2), and cgroups move the whole process (any tid
 * written to cgroup.procs moves its thread group). The process exits once
 * every thread has ended.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "workload_priv.h"

struct wl_thread {
	struct kt_workload *w;
	size_t index;
	const volatile int *stop;
	pthread_t th;
	bool started;
};

static void *thread_main(void *arg)
{
	struct wl_thread *t = arg;
	struct kt_work_run run;
	struct kt_tel tel;

	if (kt_wl_worker_setup(t->w, t->index, &run, &tel, t->stop)) {
		kt_wl_set_state(t->w, t->index, KT_WL_FAILED);
		return NULL;
	}
	if (kt_wl_worker_run(t->w, t->index, &run, &tel))
		kt_wl_set_state(t->w, t->index, KT_WL_EXITED);
	else
		kt_wl_set_state(t->w, t->index, KT_WL_DONE);
	return NULL;
}

/* A worker whose thread could not be created fails its setup. */
static void no_thread(struct kt_workload *w, size_t i, int err)
{
	snprintf(w->reports[i].error, sizeof(w->reports[i].error),
		 "threads mode: pthread_create for worker %zu: %s", i,
		 strerror(err));
	kt_wl_set_state(w, i, KT_WL_FAILED);
}

void kt_wl_threads_main(struct kt_workload *w, const volatile int *stop)
{
	struct wl_thread *t = calloc(w->nr, sizeof(*t));
	pthread_attr_t attr;
	size_t i;
	int err;

	if (!t) {
		for (i = 0; i < w->nr; i++)
			no_thread(w, i, ENOMEM);
		_exit(2);
	}
	pthread_attr_init(&attr);
	/* The loops keep little on the stack: 1 MiB is plenty and keeps a
	 * 1024-worker process's reservations small. */
	pthread_attr_setstacksize(&attr, 1024 * 1024);
	for (i = 0; i < w->nr; i++) {
		t[i] = (struct wl_thread){.w = w, .index = i, .stop = stop};
		err = pthread_create(&t[i].th, &attr, thread_main, &t[i]);
		if (err)
			no_thread(w, i, err);
		t[i].started = !err;
	}
	pthread_attr_destroy(&attr);
	for (i = 0; i < w->nr; i++)
		if (t[i].started)
			pthread_join(t[i].th, NULL);
	free(t);
	_exit(0);
}

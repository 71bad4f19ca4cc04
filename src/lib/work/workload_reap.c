/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reaping worker processes, with a bound. A worker that the scheduler under
 * test never runs cannot act on SIGKILL either (the signal is taken on the
 * way back to user space), so waiting for it would hold the verdict until
 * the kernel ejects the scheduler, or forever. After the bound, such a
 * process goes to the orphan list: it is reaped without blocking whenever
 * the workload layer runs again, and kt_workload_reap_orphans() lets the
 * runner wait for the rest at the end of a run.
 *
 * Only our own children are reaped, by PID (never waitpid(-1)): the
 * scheduler under test is a child of the same process.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <ktstr/common.h>

#include "workload_priv.h"

#define ORPHANS_MAX 4096

static pid_t orphans[ORPHANS_MAX];
static size_t nr_orphans;

static void record_status(struct kt_wl_child *c, int st)
{
	c->reaped = true;
	c->status = st;
}

bool kt_wl_reap_nohang(struct kt_wl_child *c)
{
	int st;
	pid_t r;

	while (!c->reaped) {
		r = waitpid(c->pid, &st, WNOHANG);
		if (r == c->pid) {
			/* A traced child reports its stops too: not an exit. */
			if (WIFEXITED(st) || WIFSIGNALED(st))
				record_status(c, st);
			else
				continue;
		} else if (r < 0 && errno == EINTR) {
			continue;
		} else if (r < 0) {
			c->reaped = c->lost = true;
		}
		break;
	}
	return c->reaped;
}

/* Reap the orphans that have died meanwhile; true when none is left. */
static bool reap_orphans_nohang(void)
{
	size_t i = 0;

	while (i < nr_orphans) {
		int st;
		pid_t r = waitpid(orphans[i], &st, WNOHANG);

		if (r == orphans[i] || (r < 0 && errno == ECHILD))
			orphans[i] = orphans[--nr_orphans];
		else
			i++;
	}
	return nr_orphans == 0;
}

static void adopt(struct kt_wl_child *c)
{
	if (nr_orphans < ORPHANS_MAX)
		orphans[nr_orphans++] = c->pid;
	/* else: left to init's reaping when we exit (a guest's PID 1 exits
	 * by powering off) */
	c->reaped = c->stuck = true;
	c->status = 0;
}

size_t kt_wl_reap_all(struct kt_workload *w, uint64_t ns)
{
	uint64_t deadline = kt_now_ns() + ns, pause = KT_MS(1);
	size_t i, left, adopted = 0;

	reap_orphans_nohang();
	for (;;) {
		left = 0;
		for (i = 0; i < w->forked; i++)
			left += !kt_wl_reap_nohang(&w->kids[i]);
		if (!left || kt_now_ns() >= deadline)
			break;
		kt_sleep(pause);
		if (pause < KT_MS(20))
			pause *= 2;
	}
	for (i = 0; left && i < w->forked; i++) {
		if (w->kids[i].reaped)
			continue;
		adopt(&w->kids[i]);
		adopted++;
	}
	return adopted;
}

size_t kt_wl_kill_and_reap(struct kt_workload *w, uint64_t ns)
{
	for (size_t i = 0; i < w->forked; i++)
		if (!w->kids[i].reaped)
			kill(w->kids[i].pid, SIGKILL);
	return kt_wl_reap_all(w, ns);
}

size_t kt_workload_reap_orphans(uint64_t ns)
{
	uint64_t deadline = kt_now_ns() + ns;

	while (!reap_orphans_nohang() && kt_now_ns() < deadline)
		kt_sleep(KT_MS(20));
	return nr_orphans;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The job pool of kt_test_main: runs the selected tests in forked children
 * (kt_job_child), at most -j N at once within the host's CPU budget
 * (kt_test_admit), collects each child's record from its pipe, and prints
 * the TAP lines in registration order as soon as they can be. A stop
 * signal is passed on to the running children and the tests not started
 * are reported as not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testmain.h"

/* The pool's state across its rounds of start / wait / print. */
struct pool {
	const struct kt_pool_opts *o;
	struct kt_job *jobs;
	size_t n;
	unsigned budget; /* online CPUs */
	unsigned running, running_cost;
	size_t done, printed;
	bool forwarded;
	struct pollfd *pfd; /* one per running job */
	struct kt_job **pj;
	int err;
};

static void progress(const struct kt_pool_opts *o, const char *fmt, ...)
    KT_PRINTF(2, 3);
static void progress(const struct kt_pool_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", o->prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int start_job(const struct kt_pool_opts *o, struct kt_job *j)
{
	struct kt_topo_spec spec = kt_test_topo(j->t);
	char topo[64];
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return kt_err(errno, "pipe: %s", strerror(errno));
	fflush(NULL);
	j->pid = fork();
	if (j->pid < 0) {
		int err = errno;

		close(p[0]);
		close(p[1]);
		return kt_err(err, "fork: %s", strerror(err));
	}
	if (j->pid == 0) {
		close(p[0]);
		kt_job_child(j->t, o->job, p[1]);
	}
	close(p[1]);
	j->fd = p[0];
	j->started = true;
	kt_topo_spec_name(&spec, topo, sizeof(topo));
	progress(o, "%s: started (%s)", j->t->name,
		 j->t->host_only ? "host" : topo);
	return 0;
}

/* Read what the child sent; true once it is finished (EOF). */
static bool drain(struct kt_job *j)
{
	for (;;) {
		ssize_t n;

		if (j->cap - j->len < 4096) {
			size_t cap = j->cap ? j->cap * 2 : 16384;
			char *b = realloc(j->buf, cap);

			if (!b)
				return false; /* retried on the next poll */
			j->buf = b;
			j->cap = cap;
		}
		n = read(j->fd, j->buf + j->len, j->cap - j->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno != EAGAIN;
		if (n == 0)
			return true;
		j->len += (size_t)n;
		if (j->len < j->cap - 1)
			return false; /* more may come later */
	}
}

/* The record of a child that sent none: how it ended. */
static void record_lost(struct kt_job *j, int st)
{
	char msg[256];

	if (WIFSIGNALED(st))
		snprintf(msg, sizeof(msg),
			 "the test's runner process was killed by signal %d "
			 "(%s)",
			 WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(msg, sizeof(msg),
			 "the test's runner process exited with status %d "
			 "without a record",
			 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	j->rec.verdict = KT_VERDICT_INFRA;
	j->rec.reason = strdup(msg);
}

static void finish_job(const struct kt_pool_opts *o, struct kt_job *j)
{
	const char *why;
	int st = 0;

	close(j->fd);
	j->fd = -1;
	while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR)
		;
	j->done = true;
	if (j->buf)
		j->buf[j->len] = '\0';
	if (!j->buf || !j->len || kt_job_parse(j->buf, &j->rec))
		record_lost(j, st);
	free(j->buf);
	j->buf = NULL;
	switch (kt_test_judge(j->rec.verdict, j->rec.expect_err, &why)) {
	case KT_TEST_PASSED:
		progress(o, "%s: ok (%s%s) in %.1fs", j->t->name,
			 kt_verdict_name(j->rec.verdict),
			 j->rec.expect_err ? ", expected an error" : "",
			 j->rec.seconds);
		break;
	case KT_TEST_SKIPPED:
		progress(o, "%s: skipped", j->t->name);
		break;
	case KT_TEST_FAILED:
		progress(o, "%s: FAILED (%s) in %.1fs", j->t->name,
			 kt_verdict_name(j->rec.verdict), j->rec.seconds);
		break;
	case KT_TEST_INCONCLUSIVE:
		progress(o, "%s: INCONCLUSIVE in %.1fs", j->t->name,
			 j->rec.seconds);
		break;
	}
}

/* Start what fits, first pending test first (backfill). */
static void start_ready(struct pool *p)
{
	for (size_t i = 0; i < p->n && !*p->o->stop && !p->err; i++) {
		struct kt_job *j = &p->jobs[i];

		if (j->started || j->done)
			continue;
		if (!kt_test_admit(p->running, p->running_cost, j->cost,
				   p->o->max_jobs, p->budget))
			continue;
		p->err = start_job(p->o, j);
		if (p->err)
			break;
		p->running++;
		p->running_cost += j->cost;
	}
}

/* After a stop signal or a failure, once nothing runs: every test not
 * started is done, as "not run: WHY". */
static void give_up_pending(struct pool *p)
{
	char why[512], msg[600];

	if (*p->o->stop)
		snprintf(why, sizeof(why), "interrupted by %s",
			 strsignal(*p->o->stop));
	else
		snprintf(why, sizeof(why), "%s", kt_last_error());
	snprintf(msg, sizeof(msg), "not run: %s", why);
	for (size_t i = 0; i < p->n; i++) {
		struct kt_job *j = &p->jobs[i];

		if (j->started || j->done)
			continue;
		j->done = true;
		j->rec.verdict = KT_VERDICT_INFRA;
		j->rec.reason = strdup(msg);
		p->done++;
	}
}

/* Wait up to 200 ms for running children and finish those that ended. */
static void wait_some(struct pool *p)
{
	size_t np = 0;
	int r;

	for (size_t i = 0; i < p->n; i++)
		if (p->jobs[i].started && !p->jobs[i].done) {
			p->pfd[np] = (struct pollfd){.fd = p->jobs[i].fd,
						     .events = POLLIN};
			p->pj[np++] = &p->jobs[i];
		}
	if (!np)
		return;
	r = poll(p->pfd, np, 200);
	if (r < 0 && errno != EINTR) {
		p->err = kt_err(errno, "poll: %s", strerror(errno));
		r = 0;
	}
	for (size_t k = 0; r > 0 && k < np; k++) {
		if (!p->pfd[k].revents || !drain(p->pj[k]))
			continue;
		finish_job(p->o, p->pj[k]);
		p->running--;
		p->running_cost -= p->pj[k]->cost;
		p->done++;
	}
}

/* TAP lines in registration order, as soon as they can be. */
static void print_ready(struct pool *p, struct kt_test_totals *tot)
{
	while (p->printed < p->n && p->jobs[p->printed].done) {
		kt_tap_print(stdout, (unsigned)p->printed + 1,
			     &p->jobs[p->printed].rec);
		kt_test_totals_add(tot, &p->jobs[p->printed].rec);
		p->printed++;
	}
	fflush(stdout);
}

int kt_job_pool_run(const struct kt_pool_opts *o, struct kt_job *jobs, size_t n,
		    struct kt_test_totals *tot)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	struct pool p = {
	    .o = o,
	    .jobs = jobs,
	    .n = n,
	    .budget = online > 0 ? (unsigned)online : 1,
	    .pfd = calloc(n ? n : 1, sizeof(*p.pfd)),
	    .pj = calloc(n ? n : 1, sizeof(*p.pj)),
	};

	if (!p.pfd || !p.pj) {
		free(p.pfd);
		free(p.pj);
		return kt_err(ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		struct kt_topo_spec spec = kt_test_topo(jobs[i].t);

		jobs[i].cost =
		    kt_test_cost(kt_topo_spec_cpus(&spec), o->job->accel,
				 jobs[i].t->host_only, p.budget);
	}
	while (p.done < n) {
		start_ready(&p);
		if (*o->stop && !p.forwarded) {
			/* pass the stop signal on to the children, once */
			for (size_t i = 0; i < n; i++)
				if (jobs[i].started && !jobs[i].done)
					kill(jobs[i].pid, SIGTERM);
			p.forwarded = true;
		}
		if ((*o->stop || p.err) && !p.running)
			give_up_pending(&p);
		wait_some(&p);
		print_ready(&p, tot);
	}
	free(p.pfd);
	free(p.pj);
	return p.err;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The gauntlet's process pool (see <ktstr/gauntlet.h>): posix_spawn with
 * the log as stdout and stderr, SIGCHLD/SIGINT/SIGTERM taken with
 * sigwaitinfo so no signal is lost between a check and a wait, and the
 * budget guard before each start.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ktstr/gauntlet.h>

extern char **environ;

#define MAX_RUNNING 256

struct pool {
	struct kt_pool_job *jobs;
	size_t nr, next;
	const struct kt_pool_opts *o;
	pid_t pid[MAX_RUNNING];
	size_t idx[MAX_RUNNING];
	double t0[MAX_RUNNING];
	unsigned running, lanes;
	double start, est_done, real_done; /* for the budget's scale */
	bool stop;
};

static double now_s(void)
{
	return kt_now_ns() / 1e9;
}

static int spawn(struct kt_pool_job *j, const sigset_t *mask, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t dfl;
	int err;

	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGCHLD);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, j->log,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	posix_spawnattr_setsigmask(&at, mask);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
					  POSIX_SPAWN_SETSIGDEF);
	err = posix_spawn(pid, j->argv[0], &fa, &at, j->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (err)
		return kt_err(err, "gauntlet: start %s (log %s): %s",
			      j->argv[0], j->log, strerror(err));
	return 0;
}

/* Would job j, started now, end within the budget? */
static bool fits(const struct pool *p, const struct kt_pool_job *j)
{
	double scale = p->est_done > 0 ? p->real_done / p->est_done : 1.0;

	if (!p->o->budget_s)
		return true;
	if (scale < 1.0)
		scale = 1.0;
	return now_s() - p->start + j->estimate_s * scale <= p->o->budget_s;
}

static int start_more(struct pool *p, const sigset_t *orig)
{
	while (!p->stop && p->running < p->lanes && p->next < p->nr) {
		struct kt_pool_job *j = &p->jobs[p->next];
		unsigned slot = 0;
		int err;

		if (!fits(p, j)) {
			p->stop = true;
			break;
		}
		while (p->pid[slot])
			slot++;
		err = spawn(j, orig, &p->pid[slot]);
		if (err) {
			p->pid[slot] = 0;
			p->stop = true;
			return err;
		}
		j->started = true;
		p->idx[slot] = p->next++;
		p->t0[slot] = now_s();
		p->running++;
	}
	return 0;
}

static void reap(struct pool *p)
{
	for (unsigned s = 0; s < p->lanes; s++) {
		struct kt_pool_job *j;
		int st;

		if (!p->pid[s] || waitpid(p->pid[s], &st, WNOHANG) <= 0)
			continue;
		p->pid[s] = 0;
		p->running--;
		j = &p->jobs[p->idx[s]];
		j->seconds = now_s() - p->t0[s];
		j->exit_code =
		    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		p->est_done += j->estimate_s;
		p->real_done += j->seconds;
		if (p->o->on_done)
			p->o->on_done(j, p->idx[s], p->o->arg);
	}
}

static void interrupt(struct pool *p, bool *interrupted)
{
	if (*interrupted)
		return;
	*interrupted = true;
	p->stop = true;
	for (unsigned s = 0; s < p->lanes; s++)
		if (p->pid[s])
			kill(p->pid[s], SIGINT);
}

int kt_pool_run(struct kt_pool_job *jobs, size_t nr,
		const struct kt_pool_opts *o, bool *interrupted)
{
	struct pool p = {.jobs = jobs, .nr = nr, .o = o, .start = now_s()};
	sigset_t wait_set, orig;
	int err = 0;

	p.lanes = o->jobs ? o->jobs : 1;
	if (p.lanes > MAX_RUNNING)
		p.lanes = MAX_RUNNING;
	*interrupted = false;
	sigemptyset(&wait_set);
	sigaddset(&wait_set, SIGCHLD);
	sigaddset(&wait_set, SIGINT);
	sigaddset(&wait_set, SIGTERM);
	sigprocmask(SIG_BLOCK, &wait_set, &orig);
	err = start_more(&p, &orig);
	while (p.running) {
		siginfo_t si;

		if (sigwaitinfo(&wait_set, &si) < 0)
			continue;
		if (si.si_signo == SIGINT || si.si_signo == SIGTERM)
			interrupt(&p, interrupted);
		reap(&p);
		if (!err)
			err = start_more(&p, &orig);
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return err;
}

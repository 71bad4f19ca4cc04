/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_workload: forks one process per worker (cgroups act on PIDs), holds
 * them at a start gate, stops them, reaps them and hands back their reports.
 *
 * One MAP_SHARED|MAP_ANONYMOUS region holds a small header (gate, ready
 * count, stop flag: all futex-sized words), one setup state word per worker
 * and the kt_worker_report array the caller gets back. The gate and the
 * ready count are futexes on that shared mapping rather than pipes, so no
 * file descriptor of this workload leaks into workers forked later by
 * another workload (a gate pipe's write end held open by such a child would
 * keep "close to open" from ever working).
 *
 * Worker life: PR_SET_PDEATHSIG(SIGKILL) (no orphans), SIGUSR1 handler that
 * sets a stop flag (installed without SA_RESTART, so a blocking sleep is
 * cut short), affinity, scheduling policy, per-kind setup, "ready", wait at
 * the gate, run, write the final telemetry, _exit(0). A setup failure
 * writes its reason into report->error and exits (KT_WORKER_NOT_STARTED).
 * spawn() returns only once every worker is ready or dead, so SIGUSR1 never
 * meets a worker without its handler.
 *
 * PR_SET_PDEATHSIG fires when the forking *thread* exits, so spawn from a
 * thread that outlives the workload.
 *
 * Grouped kinds (PipeIo, FutexPingPong, MutexContention, ...) need a
 * worker count that divides into whole groups (kt_work_check); their
 * shared futex words and pipes are made before the first fork
 * (work_groups.c) and the parent closes its pipe ends once all are forked.
 *
 * Workers stay in the caller's process group; the parent signals them by
 * PID, which is safe because a PID is only released when we reap it.
 * Every path (collect, free, spawn failure) kills and reaps what is left,
 * with a bound (workload_reap.c): a worker the scheduler under test never
 * runs cannot die either, and must not hold the verdict.
 *
 * Around the run, /proc/stat is read at the gate and at the stop (each
 * CPU's idle time, for the work-conservation check); live workloads are
 * registered for the stall watch (workload_watch.c).
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/workload.h>

#include "mem_policy.h"
#include "sched_policy.h"
#include "work_groups.h"
#include "work_kinds.h"
#include "worker_telemetry.h"

#include "workload_priv.h"

static void to_cpu_set(const struct kt_cpuset *s, cpu_set_t *cs)
{
	int cpu;

	CPU_ZERO(cs);
	kt_cpuset_for_each (cpu, s) {
		if (cpu < CPU_SETSIZE)
			CPU_SET(cpu, cs);
	}
}

/* ---- the worker process ---- */

static volatile sig_atomic_t kt_wl_child_stop;

static void on_sigusr1(int sig)
{
	(void)sig;
	kt_wl_child_stop = 1;
}

void kt_wl_set_state(struct kt_workload *w, size_t i, uint32_t st)
{
	__atomic_store_n(&w->sh->state[i], st, __ATOMIC_RELEASE);
	if (st == KT_WL_READY || st == KT_WL_FAILED) {
		__atomic_add_fetch(&w->sh->ready, 1, __ATOMIC_RELEASE);
		kt_futex_wake(&w->sh->ready, INT_MAX);
	}
}

static __attribute__((noreturn)) void child_fail(struct kt_workload *w,
						 size_t i)
{
	kt_wl_set_state(w, i, KT_WL_FAILED);
	_exit(KT_WL_EXIT_SETUP);
}

static void child_signals(void)
{
	static const int dfl[] = {SIGINT,  SIGTERM, SIGHUP,
				  SIGQUIT, SIGUSR2, SIGALRM};
	struct sigaction sa;
	sigset_t none;
	size_t k;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	/* Never run the parent's handlers in a worker. */
	for (k = 0; k < KT_ARRAY_SIZE(dfl); k++)
		sigaction(dfl[k], &sa, NULL);
	sa.sa_handler = on_sigusr1; /* no SA_RESTART: cut sleeps short */
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The memory policy of worker i: set, then read back for the report. */
static int worker_mempol(struct kt_workload *w, struct kt_worker_report *rep)
{
	const struct kt_mem_policy *m = &w->cfg.mem_policy;

	if (m->kind == KT_MPOL_DEFAULT)
		return 0;
	if (kt_mempol_apply(m, rep->error, sizeof(rep->error)))
		return -1;
	rep->mem_checked =
	    !kt_mempol_read(&rep->mem_mode_seen, &rep->mem_nodes_seen);
	return 0;
}

int kt_wl_worker_setup(struct kt_workload *w, size_t i, struct kt_work_run *run,
		       struct kt_tel *tel, const volatile int *local_stop)
{
	struct kt_worker_report *rep = &w->reports[i];

	rep->spawn_ns = kt_tel_mono_ns(); /* before anything of its own */
	*run = (struct kt_work_run){
	    .work = w->work,
	    .tel = tel,
	    .shared_stop = &w->sh->stop,
	    .local_stop = local_stop,
	};
	kt_work_run_init(run);
	run->index = i;
	run->nr_workers = w->nr;
	run->mem_policy = w->cfg.mem_policy;
	rep->tid = (pid_t)syscall(SYS_gettid);
	rep->tgid = getpid();
	if (w->cfg.threads)
		kt_work_groups_pick(&w->groups, i, run);
	else
		kt_work_groups_attach(&w->groups, i, run);

	if (w->cfg.has_affinity) {
		cpu_set_t cs;

		to_cpu_set(&w->cfg.affinity, &cs);
		if (sched_setaffinity(0, sizeof(cs), &cs)) {
			snprintf(rep->error, sizeof(rep->error),
				 "sched_setaffinity %.48s: %s",
				 kt_cpuset_str(&w->cfg.affinity, 0),
				 strerror(errno));
			return -1;
		}
	}
	if (kt_policy_apply(&w->cfg.policy, rep->error, sizeof(rep->error)))
		return -1;
	if (worker_mempol(w, rep))
		return -1;
	return kt_work_setup(run, rep->error, sizeof(rep->error)) ? -1 : 0;
}

int kt_wl_worker_run(struct kt_workload *w, size_t i, struct kt_work_run *run,
		     struct kt_tel *tel)
{
	struct kt_worker_report *rep = &w->reports[i];
	int rc;

	kt_wl_set_state(w, i, KT_WL_READY);
	while (!__atomic_load_n(&w->sh->gate, __ATOMIC_ACQUIRE))
		kt_futex_wait(&w->sh->gate, 0, 0);

	/* The wait between the gate opening and this worker's first run is
	 * the scheduler's doing: it counts as wall time and as a gap. */
	kt_tel_begin(tel, rep,
		     __atomic_load_n(&w->sh->gate_ns, __ATOMIC_ACQUIRE));
	rc = kt_work_loop(run);
	kt_tel_end(tel);
	rep->policy_seen = kt_policy_seen();
	rep->policy_known = rep->policy_seen >= 0;
	kt_work_teardown(run);
	return rc;
}

static __attribute__((noreturn)) void child_main(struct kt_workload *w,
						 size_t i, pid_t parent)
{
	struct kt_work_run run;
	struct kt_tel tel;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) /* the parent died before prctl */
		_exit(KT_WL_EXIT_SETUP);
	child_signals();
	if (w->cfg.threads)
		kt_wl_threads_main(w, &kt_wl_child_stop);
	if (kt_wl_worker_setup(w, i, &run, &tel, &kt_wl_child_stop))
		child_fail(w, i);
	if (kt_wl_worker_run(w, i, &run, &tel))
		_exit(KT_WL_EXIT_FAILED);
	kt_wl_set_state(w, i, KT_WL_DONE);
	_exit(KT_WL_EXIT_OK);
}

/* ---- parent side ---- */

void kt_wl_signal(struct kt_workload *w, size_t i, int sig)
{
	struct kt_wl_child *c = kt_wl_kid(w, i);
	pid_t tid;

	if (c->reaped || !c->pid)
		return;
	tid = w->cfg.threads ? kt_workload_pid(w, i) : 0;
	/* A thread that has not written its tid yet gets it process-wide
	 * (the stop flag is the process's). */
	if (tid > 0)
		syscall(SYS_tgkill, c->pid, tid, sig);
	else
		kill(c->pid, sig);
}

static int check_config(const struct kt_workload_config *cfg)
{
	const struct kt_sched_policy *p = &cfg->policy;

	if (cfg->num_workers > KT_WL_MAX_WORKERS)
		return kt_err(EINVAL,
			      "workload: num_workers %u: more than the limit "
			      "of %d",
			      cfg->num_workers, KT_WL_MAX_WORKERS);
	if (kt_policy_check(p))
		return kt_err_wrap(EINVAL, "workload");
	if (kt_mempol_check(&cfg->mem_policy, 0))
		return kt_err_wrap(EINVAL, "workload");
	if (cfg->has_affinity && kt_cpuset_empty(&cfg->affinity))
		return kt_err(EINVAL,
			      "workload: affinity: has_affinity is set but "
			      "the CPU set is empty");
	/* Parameters, and that grouped kinds divide into whole groups. */
	return kt_work_check(&cfg->work, cfg->num_workers);
}

static size_t reports_offset(size_t nr)
{
	size_t off = sizeof(struct kt_wl_shared) + nr * sizeof(uint32_t);

	return (off + 63) & ~(size_t)63;
}

/* Wait until every forked worker is at the gate, failed setup, or died. */
static int wait_ready(struct kt_workload *w)
{
	uint64_t deadline = kt_now_ns() + KT_WL_READY_TIMEOUT;
	size_t i, pending;
	uint32_t seen;
	int rc;

	for (;;) {
		seen = __atomic_load_n(&w->sh->ready, __ATOMIC_ACQUIRE);
		pending = 0;
		for (i = 0; i < kt_wl_nr_born(w); i++) {
			siginfo_t si;

			if (__atomic_load_n(&w->sh->state[i],
					    __ATOMIC_ACQUIRE) != KT_WL_NEW)
				continue;
			memset(&si, 0, sizeof(si));
			rc = waitid(P_PID, (id_t)kt_wl_kid(w, i)->pid, &si,
				    WEXITED | WNOHANG | WNOWAIT);
			if ((rc == 0 && si.si_pid) ||
			    (rc < 0 && errno == ECHILD))
				continue; /* died during setup */
			pending++;
		}
		if (!pending)
			return 0;
		if (kt_now_ns() > deadline)
			return kt_err(ETIMEDOUT,
				      "workload: wait for %zu of %zu workers "
				      "to reach the start gate: timed out "
				      "after 60 s",
				      pending, kt_wl_nr_born(w));
		kt_futex_wait(&w->sh->ready, seen, KT_MS(20));
	}
}

/* The handle: the config with its defaults, the resolved work, its groups.
 * *out is set (for the caller to free) even when the groups fail. */
static int workload_new(const struct kt_workload_config *cfg,
			struct kt_workload **out)
{
	struct kt_workload *w = calloc(1, sizeof(*w));

	*out = w;
	if (!w)
		return kt_err(ENOMEM, "workload: allocate handle: %s",
			      strerror(ENOMEM));
	w->cfg = *cfg;
	w->nr = cfg->num_workers ? cfg->num_workers : 1;
	if (!w->cfg.stop_deadline_ns)
		w->cfg.stop_deadline_ns = KT_WL_DEFAULT_DEADLINE;
	w->work = cfg->work;
	kt_work_resolve(&w->work);
	return kt_work_groups_init(&w->groups, &w->work, w->nr);
}

/* The child table and the shared map: header, states, fresh reports. */
static int map_shared(struct kt_workload *w)
{
	size_t i;
	int err;

	w->kids = calloc(kt_wl_nr_procs(w), sizeof(*w->kids));
	w->map_len =
	    reports_offset(w->nr) + w->nr * sizeof(struct kt_worker_report);
	w->map = mmap(NULL, w->map_len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!w->kids || w->map == MAP_FAILED) {
		err = w->map == MAP_FAILED ? errno : ENOMEM;
		if (w->map == MAP_FAILED)
			w->map = NULL;
		return kt_err(err,
			      "workload: allocate %zu bytes of shared memory "
			      "for %zu workers: %s",
			      w->map_len, w->nr, strerror(err));
	}
	w->sh = w->map;
	w->reports =
	    (struct kt_worker_report *)((char *)w->map + reports_offset(w->nr));
	for (i = 0; i < w->nr; i++) {
		struct kt_worker_report *r = &w->reports[i];

		kt_hist_init(&r->wake_latency);
		r->max_gap_cpu = -1;
		r->cur_cpu = -1;
		r->ext = -1;
		r->kind = w->work.kind;
		r->policy = w->cfg.policy.kind;
		r->exit = KT_WORKER_NOT_STARTED;
		r->mem_policy = w->cfg.mem_policy;
		if (r->policy == KT_POLICY_DEADLINE) {
			r->dl_runtime_ns = w->cfg.policy.runtime_ns;
			r->dl_period_ns = w->cfg.policy.period_ns;
		}
	}
	return 0;
}

/* Fork every worker (each runs child_main), then drop the parent's pipe
 * ends: only workers hold them, so a pair sees its partner's EOF. */
static int fork_workers(struct kt_workload *w)
{
	pid_t parent = getpid();
	size_t i;
	int err;

	for (i = 0; i < kt_wl_nr_procs(w); i++) {
		pid_t pid = fork();

		if (pid < 0) {
			err = errno;
			return kt_err(err,
				      "workload: fork worker %zu of %zu: %s", i,
				      w->nr, strerror(err));
		}
		if (pid == 0)
			child_main(w, i, parent);
		w->kids[i].pid = pid;
		w->forked++;
		if (w->cfg.threads)
			continue; /* each thread writes its own tid */
		w->reports[i].tid = pid;
		w->reports[i].tgid = pid;
	}
	kt_work_groups_close_fds(&w->groups);
	return 0;
}

int kt_workload_spawn(const struct kt_workload_config *cfg,
		      struct kt_workload **out)
{
	struct kt_workload *w = NULL;
	struct kt_err_saved e;
	int err;

	if (!cfg || !out)
		return kt_err(EINVAL, "workload: spawn: NULL %s",
			      !cfg ? "config" : "output pointer");
	*out = NULL;
	err = check_config(cfg);
	if (err)
		return err;
	err = workload_new(cfg, &w);
	if (!err)
		kt_wl_register(w);
	err = err ?: map_shared(w);
	err = err ?: fork_workers(w);
	err = err ?: wait_ready(w);
	if (err) {
		/* Kill and reap whatever was forked; keep the message. */
		kt_err_save(&e);
		kt_workload_free(w);
		kt_err_restore(&e);
		return err;
	}
	*out = w;
	return 0;
}

size_t kt_workload_nr(const struct kt_workload *w)
{
	return w ? w->nr : 0;
}

pid_t kt_workload_pid(const struct kt_workload *w, size_t i)
{
	if (!w || i >= w->nr)
		return -1;
	if (w->cfg.threads) /* known once the worker is set up */
		return __atomic_load_n(&w->reports[i].tid, __ATOMIC_ACQUIRE);
	return w->kids[i].pid;
}

bool kt_workload_worker_set_up(const struct kt_workload *w, size_t i)
{
	uint32_t st;

	if (!w || i >= w->nr)
		return false;
	st = __atomic_load_n(&w->sh->state[i], __ATOMIC_ACQUIRE);
	return st != KT_WL_NEW && st != KT_WL_FAILED;
}

int kt_workload_start(struct kt_workload *w)
{
	if (!w)
		return kt_err(EINVAL, "workload: start: NULL handle");
	if (!w->started) {
		kt_wl_snapshot_cpus(w, 0);
		__atomic_store_n(&w->sh->gate_ns, kt_now_ns(),
				 __ATOMIC_RELEASE);
		__atomic_store_n(&w->sh->gate, 1, __ATOMIC_RELEASE);
		kt_futex_wake(&w->sh->gate, INT_MAX);
		w->started = true;
	}
	return 0;
}

int kt_workload_set_affinity(struct kt_workload *w, size_t i,
			     const struct kt_cpuset *cpus)
{
	cpu_set_t cs;
	int err;

	if (!w || !cpus)
		return kt_err(EINVAL, "workload: set affinity: NULL %s",
			      !w ? "handle" : "CPU set");
	if (i >= w->nr)
		return kt_err(EINVAL,
			      "workload: set affinity of worker %zu: index out "
			      "of range (%zu workers)",
			      i, w->nr);
	if (kt_cpuset_empty(cpus))
		return kt_err(EINVAL,
			      "workload: set affinity of worker %zu: empty CPU "
			      "set",
			      i);
	if (kt_wl_kid(w, i)->reaped || kt_workload_pid(w, i) <= 0)
		return kt_err(ESRCH,
			      "workload: set affinity of worker %zu: the "
			      "worker has already been reaped",
			      i);
	to_cpu_set(cpus, &cs);
	w->placement_changed = true;
	if (sched_setaffinity(kt_workload_pid(w, i), sizeof(cs), &cs)) {
		err = errno;
		return kt_err(
		    err,
		    "workload: worker %zu (pid %d): sched_setaffinity "
		    "%s: %s%s",
		    i, (int)kt_workload_pid(w, i), kt_cpuset_str(cpus, 0),
		    strerror(err),
		    err == EBUSY && w->cfg.policy.kind == KT_POLICY_DEADLINE
			? " (the kernel refuses a SCHED_DEADLINE task an "
			  "affinity narrower than its root domain; leave "
			  "Deadline workers' affinity Inherit)"
			: "");
	}
	return 0;
}

uint64_t kt_workload_iterations(const struct kt_workload *w)
{
	uint64_t sum = 0;
	size_t i;

	if (!w)
		return 0;
	for (i = 0; i < w->nr; i++)
		sum += __atomic_load_n(&w->reports[i].iterations,
				       __ATOMIC_RELAXED);
	return sum;
}

uint64_t kt_workload_worker_iterations(const struct kt_workload *w, size_t i)
{
	if (!w || i >= w->nr)
		return 0;
	return __atomic_load_n(&w->reports[i].iterations, __ATOMIC_RELAXED);
}

static void fill_exit(struct kt_workload *w, size_t i, bool killed)
{
	struct kt_worker_report *r = &w->reports[i];
	struct kt_wl_child *c = kt_wl_kid(w, i);
	uint32_t st = __atomic_load_n(&w->sh->state[i], __ATOMIC_ACQUIRE);

	r->exit_code = 0;
	r->exit_signal = 0;
	if (c->stuck) {
		/* killed, and still not dead when we stopped waiting */
		r->exit = KT_WORKER_TIMED_OUT;
		r->exit_signal = SIGKILL;
		return;
	}
	if (c->lost) {
		/* No status (SIGCHLD ignored?): trust the worker's own word. */
		if (st == KT_WL_DONE) {
			r->exit = KT_WORKER_OK;
			return;
		}
		if (st == KT_WL_FAILED) {
			r->exit = KT_WORKER_NOT_STARTED;
			return;
		}
		r->exit = KT_WORKER_EXITED;
		r->exit_code = -1;
		if (!r->error[0])
			snprintf(r->error, sizeof(r->error),
				 "waitpid %d: reaped elsewhere, exit status "
				 "unknown",
				 (int)c->pid);
		return;
	}
	if (w->cfg.threads && st == KT_WL_DONE) {
		r->exit = KT_WORKER_OK; /* its report was complete */
		return;
	}
	if (WIFSIGNALED(c->status)) {
		r->exit_signal = WTERMSIG(c->status);
		r->exit = killed && r->exit_signal == SIGKILL
			      ? KT_WORKER_TIMED_OUT
			      : KT_WORKER_SIGNALED;
		return;
	}
	r->exit_code =
	    st == KT_WL_EXITED ? KT_WL_EXIT_FAILED : WEXITSTATUS(c->status);
	if (st == KT_WL_FAILED)
		r->exit = KT_WORKER_NOT_STARTED;
	else if (st == KT_WL_DONE && r->exit_code == KT_WL_EXIT_OK)
		r->exit = KT_WORKER_OK;
	else
		r->exit = KT_WORKER_EXITED;
}

/*
 * A worker killed in the middle of a gap never closed it: close it at the
 * kill, so a worker the scheduler kept off the CPU until the end shows
 * that gap (a worker that never ran after the gate shows it from there).
 */
static void close_killed_gap(struct kt_workload *w, size_t i, uint64_t at)
{
	struct kt_worker_report *r = &w->reports[i];
	uint64_t start = __atomic_load_n(&r->progress_ns, __ATOMIC_RELAXED);

	if (__atomic_load_n(&w->sh->state[i], __ATOMIC_ACQUIRE) !=
		KT_WL_READY ||
	    __atomic_load_n(&r->in_block, __ATOMIC_RELAXED))
		return;
	if (!r->gate_ns)
		r->gate_ns = __atomic_load_n(&w->sh->gate_ns, __ATOMIC_ACQUIRE);
	if (!start)
		start = r->gate_ns;
	kt_report_note_gap(r, start, at, r->cur_cpu, r->cur_cpu);
}

/* Ask every worker to stop; wait for them until the stop deadline. */
static void request_stop(struct kt_workload *w)
{
	uint64_t deadline, pause = KT_MS(1), now;
	size_t i, left;

	/* Stop before the gate opens: a never-started worker does no work. */
	__atomic_store_n(&w->sh->stop, 1, __ATOMIC_RELEASE);
	kt_workload_start(w);
	for (i = 0; i < w->nr; i++) {
		kt_wl_signal(w, i, SIGUSR1);
		if (!kt_wl_kid(w, i)->reaped)
			kill(kt_wl_kid(w, i)->pid, SIGCONT);
	}
	deadline = kt_wl_stop_deadline(w);
	for (;;) {
		left = 0;
		for (i = 0; i < w->forked; i++)
			left += !kt_wl_reap_nohang(&w->kids[i]);
		now = kt_now_ns();
		if (!left || now >= deadline)
			break;
		kt_sleep(pause < deadline - now ? pause : deadline - now);
		if (pause < KT_MS(20))
			pause *= 2;
	}
}

int kt_workload_stop_and_collect(struct kt_workload *w,
				 const struct kt_worker_report **reports,
				 size_t *nr)
{
	uint64_t kill_at;
	bool *killed;
	size_t i;

	if (!w || !reports || !nr)
		return kt_err(EINVAL, "workload: stop and collect: NULL %s",
			      !w ? "handle" : "output pointer");
	if (w->collected)
		goto out;
	killed = calloc(kt_wl_nr_procs(w), sizeof(*killed));
	if (!killed)
		return kt_err(ENOMEM, "workload: stop and collect: %s",
			      strerror(ENOMEM));
	if (w->started)
		kt_wl_snapshot_cpus(w, 1);
	request_stop(w);
	kill_at = kt_now_ns();
	for (i = 0; i < w->forked; i++) {
		if (w->kids[i].reaped)
			continue;
		killed[i] = true;
		kill(w->kids[i].pid, SIGKILL);
	}
	kt_wl_reap_all(w, kt_wl_reap_bound());
	for (i = 0; i < w->nr; i++) {
		bool k = killed[w->cfg.threads ? 0 : i];

		fill_exit(w, i, k);
		if (k)
			close_killed_gap(w, i, kill_at);
	}
	free(killed);
	w->collected = true;
out:
	*reports = w->reports;
	*nr = w->nr;
	return 0;
}

void kt_workload_free(struct kt_workload *w)
{
	if (!w)
		return;
	kt_wl_unregister(w);
	if (w->kids)
		kt_wl_kill_and_reap(w, kt_wl_reap_bound());
	if (w->map)
		munmap(w->map, w->map_len);
	kt_work_groups_free(&w->groups);
	free(w->stat);
	free(w->kids);
	free(w);
}

void kt_workload_freep(struct kt_workload **w)
{
	if (w && *w) {
		kt_workload_free(*w);
		*w = NULL;
	}
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checking that an op really took effect on a real cgroup hierarchy: the
 * cgroup directory exists (or is gone), cpuset.cpus.effective holds the
 * cpuset that was written (or cpuset.cpus is empty after a clear), the
 * workers' tids are listed in the cgroup's cgroup.threads (a thread of a
 * threads-mode workload is not in cgroup.procs), and their CPU affinity
 * follows a SetAffinity. A missing effect is an INFRA detail (an affinity
 * that escaped is ISOLATION). With a double (no parent path) nothing is
 * checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops_engine.h"
#include "scenario/scenario_util.h"
#include "core/small_file.h"

static bool real(const struct ops_run *r, char *path, size_t len,
		 const char *name, const char *file)
{
	const char *parent;

	if (!kt_ctx_real_cgroups(r->ctx))
		return false;
	parent = r->ctx->cgroups->parent(r->ctx->cgroups);
	if (name[0])
		snprintf(path, len, "%s/%s%s%s", parent, name, file ? "/" : "",
			 file ? file : "");
	else
		snprintf(path, len, "%s%s%s", parent, file ? "/" : "",
			 file ? file : "");
	return true;
}

void kt_ops_verify_exists(struct ops_run *r, const char *name, bool want,
			  const char *after)
{
	char path[4096];
	struct stat st;
	bool there;

	if (!real(r, path, sizeof(path), name, NULL))
		return;
	if (!want && kt_cgroup_removal_deferred())
		return; /* after a stall: removed at the end of the run */
	there = !stat(path, &st);
	if (there != want)
		kt_result_add(r->res, KT_DETAIL_INFRA, "cgroup %s %s after %s",
			      path, there ? "still exists" : "does not exist",
			      after);
}

void kt_ops_verify_cpuset(struct ops_run *r, const struct ops_cg *cg,
			  const char *after)
{
	char path[4096], text[8192];
	struct kt_cpuset got;
	int err;

	if (!real(r, path, sizeof(path), cg->name,
		  cg->has_cpuset ? "cpuset.cpus.effective" : "cpuset.cpus"))
		return;
	err = kt_read_small(path, text, sizeof(text));
	if (!err && kt_cpuset_parse(text, &got))
		err = -EINVAL;
	if (err) {
		kt_result_add(r->res, KT_DETAIL_INFRA, "read %s after %s: %s",
			      path, after, strerror(-err));
		return;
	}
	if (cg->has_cpuset && !kt_cpuset_equal(&got, &cg->cpuset))
		kt_result_add(r->res, KT_DETAIL_INFRA,
			      "cgroup %s: cpuset.cpus.effective is [%s] after "
			      "%s, expected [%s]",
			      cg->name, kt_cpuset_str(&got, 0), after,
			      kt_cpuset_str(&cg->cpuset, 1));
	if (!cg->has_cpuset && !kt_cpuset_empty(&got))
		kt_result_add(r->res, KT_DETAIL_INFRA,
			      "cgroup %s: cpuset.cpus is [%s] after %s, "
			      "expected it empty",
			      cg->name, kt_cpuset_str(&got, 0), after);
}

static bool listed(const char *procs, pid_t pid)
{
	const char *p = procs;

	while (*p) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (v == pid)
			return true;
		p = end;
		while (*p == '\n')
			p++;
	}
	return false;
}

void kt_ops_verify_members(struct ops_run *r, const struct ops_wl *w,
			   const char *after)
{
	char path[4096];
	char *procs;
	int err;

	if (!w->running || !w->cgroup[0] ||
	    !real(r, path, sizeof(path), w->cgroup, "cgroup.threads"))
		return;
	procs = malloc(1 << 16);
	if (!procs)
		return;
	err = kt_read_small(path, procs, 1 << 16);
	for (size_t i = 0; !err && i < kt_workload_nr(w->wl); i++) {
		pid_t pid = kt_workload_pid(w->wl, i);

		/* a worker that died, or failed its setup, has its report
		 * say why */
		if (!listed(procs, pid) &&
		    kt_workload_worker_set_up(w->wl, i) && !kill(pid, 0))
			kt_result_add(r->res, KT_DETAIL_INFRA,
				      "tid %d is not in %s after %s", (int)pid,
				      path, after);
	}
	if (err)
		kt_result_add(r->res, KT_DETAIL_INFRA, "read %s after %s: %s",
			      path, after, strerror(-err));
	free(procs);
}

void kt_ops_verify_affinity(struct ops_run *r, const struct ops_wl *w,
			    const struct kt_affinity_mode *m,
			    const struct kt_cpuset *limit, const char *after)
{
	struct kt_cpuset want;

	if (m->kind == KT_AFFINITY_MODE_NONE)
		return;
	if (m->kind == KT_AFFINITY_MODE_SINGLE) {
		kt_cpuset_zero(&want);
		kt_cpuset_set(&want, m->cpu);
	} else {
		want = m->cpus;
	}
	if (limit) {
		struct kt_cpuset both = want;

		kt_cpuset_and(&both, limit);
		if (!kt_cpuset_empty(&both))
			want = both;
	}
	kt_check_confined(r->ctx,
			  &(struct kt_handle){.cgroup = w->cgroup, .wl = w->wl},
			  &want, after, r->res);
}

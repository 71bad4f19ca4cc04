/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cgroup controllers in cgroup defs: the knobs' text forms and range
 * checks (cpu.weight, cpu.max, cpu.idle, cpuset.cpus.partition), writing
 * them to a def's cgroup through the cgroup manager (which verifies each
 * by reading it back), and the window the controller checks judge: the
 * cpu.stat of every cgroup when a step's hold starts and when it ends,
 * fed to the weighted-fairness and bandwidth checks (result/check_cgctl.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops_engine.h"
#include "core/small_file.h"
#include "scenario/scenario_util.h"

#define DFL_PERIOD_US 100000
#define MIN_US	      1000
#define MAX_PERIOD_US 1000000
#define MAX_QUOTA_US  (UINT64_MAX / 1000 / 2) /* the kernel's ns bound */
#define MAX_WEIGHT    10000

/* ---- text forms and checks ---- */

static int parse_us(const char *s, const char *what, const char *text,
		    uint64_t *out, const char **end)
{
	char *e;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &e, 10);
	if (e == s || errno || *s == '-')
		return kt_err(EINVAL,
			      "cpu.max \"%s\": the %s is not a number of "
			      "microseconds (want \"QUOTA [PERIOD]\" or \"max "
			      "[PERIOD]\")",
			      text, what);
	*out = v;
	*end = e;
	return 0;
}

static int check_max(const struct kt_cpu_max *m, const char *text)
{
	uint64_t p = m->period_us ? m->period_us : DFL_PERIOD_US;

	if (m->quota_us != KT_CPU_MAX_INF &&
	    (m->quota_us < MIN_US || m->quota_us > MAX_QUOTA_US))
		return kt_err(EINVAL,
			      "cpu.max \"%s\": quota %" PRIu64 " us is out "
			      "of range (1000 us or more, or \"max\")",
			      text, m->quota_us);
	if (p < MIN_US || p > MAX_PERIOD_US)
		return kt_err(EINVAL,
			      "cpu.max \"%s\": period %" PRIu64 " us is out "
			      "of range (1000..1000000 us)",
			      text, p);
	return 0;
}

int kt_cpu_max_parse(const char *text, struct kt_cpu_max *out)
{
	struct kt_cpu_max m = {0};
	const char *s = text ? text : "";
	int err = 0;

	s += strspn(s, " ");
	if (!strncmp(s, "max", 3)) {
		m.quota_us = KT_CPU_MAX_INF;
		s += 3;
	} else {
		err = parse_us(s, "quota", text, &m.quota_us, &s);
	}
	s += strspn(s, " ");
	if (!err && *s) {
		err = parse_us(s, "period", text, &m.period_us, &s);
		if (!err && !m.period_us)
			err = kt_err(EINVAL,
				     "cpu.max \"%s\": period 0 us is out of "
				     "range (1000..1000000 us)",
				     text);
	}
	s += strspn(s, " ");
	if (!err && *s)
		err = kt_err(EINVAL,
			     "cpu.max \"%s\": unexpected \"%s\" (want "
			     "\"QUOTA [PERIOD]\" or \"max [PERIOD]\")",
			     text, s);
	if (!err && !m.quota_us)
		err = kt_err(EINVAL,
			     "cpu.max \"%s\": quota 0 is out of range "
			     "(1000 us or more, or \"max\")",
			     text);
	err = err ?: check_max(&m, text);
	if (!err)
		*out = m;
	return err;
}

int kt_cpu_max_format(const struct kt_cpu_max *m, char *buf, size_t len)
{
	uint64_t p = m->period_us ? m->period_us : DFL_PERIOD_US;

	if (m->quota_us == KT_CPU_MAX_INF)
		return snprintf(buf, len, "max %" PRIu64, p);
	return snprintf(buf, len, "%" PRIu64 " %" PRIu64, m->quota_us, p);
}

static const char *const partition_names[] = {
    [KT_PARTITION_ROOT] = "root",
    [KT_PARTITION_ISOLATED] = "isolated",
};

const char *kt_partition_name(enum kt_partition p)
{
	if (p <= KT_PARTITION_NONE || p > KT_PARTITION_ISOLATED)
		return NULL;
	return partition_names[p];
}

int kt_partition_parse(const char *name, enum kt_partition *out)
{
	for (int p = KT_PARTITION_ROOT; p <= KT_PARTITION_ISOLATED; p++) {
		if (name && !strcmp(name, partition_names[p])) {
			*out = (enum kt_partition)p;
			return 0;
		}
	}
	return kt_err(EINVAL,
		      "cpuset.cpus.partition \"%s\": want \"root\" or "
		      "\"isolated\"",
		      name ? name : "(null)");
}

int kt_cgroup_def_check_ctrl(const struct kt_cgroup_def *def)
{
	char text[64];

	if (def->cpu_weight > MAX_WEIGHT)
		return kt_err(EINVAL,
			      "cpu.weight %u is out of range (1..10000)",
			      def->cpu_weight);
	if (def->cpu_max.quota_us) {
		kt_cpu_max_format(&def->cpu_max, text, sizeof(text));
		if (check_max(&def->cpu_max, text))
			return -EINVAL;
	} else if (def->cpu_max.period_us) {
		return kt_err(EINVAL,
			      "cpu.max: a period (%" PRIu64 " us) without a "
			      "quota (give a quota, or KT_CPU_MAX_INF)",
			      def->cpu_max.period_us);
	}
	if (def->partition != KT_PARTITION_NONE &&
	    !kt_partition_name(def->partition))
		return kt_err(EINVAL, "cpuset.cpus.partition: unknown kind %d",
			      (int)def->partition);
	if (def->partition != KT_PARTITION_NONE &&
	    def->cpuset.kind == KT_CPUSET_KIND_NONE)
		return kt_err(EINVAL,
			      "cpuset.cpus.partition \"%s\" needs a cpuset "
			      "(a partition is made of the cgroup's CPUs)",
			      kt_partition_name(def->partition));
	return 0;
}

/* ---- applying a def's knobs ---- */

static int set_one(struct ops_run *r, const char *cg, const char *file,
		   const char *val)
{
	const struct kt_cgroup_ops *cgs = r->ctx->cgroups;

	if (!cgs->set_ctrl)
		return kt_err(EOPNOTSUPP,
			      "%s \"%s\": this cgroup manager cannot set "
			      "controller files",
			      file, val);
	return cgs->set_ctrl(cgs, cg, file, val);
}

int kt_ops_apply_ctrl(struct ops_run *r, struct ops_cg *cg,
		      const struct kt_cgroup_def *def)
{
	char val[64];
	int err = 0;

	if (def->cpu_weight) {
		snprintf(val, sizeof(val), "%u", def->cpu_weight);
		err = set_one(r, cg->name, "cpu.weight", val);
		if (!err)
			cg->cpu_weight = def->cpu_weight;
	}
	if (!err && def->cpu_max.quota_us) {
		kt_cpu_max_format(&def->cpu_max, val, sizeof(val));
		err = set_one(r, cg->name, "cpu.max", val);
		if (!err)
			cg->cpu_max = def->cpu_max;
	}
	if (!err && def->cpu_idle.set)
		err = set_one(r, cg->name, "cpu.idle",
			      def->cpu_idle.val ? "1" : "0");
	if (!err && def->partition != KT_PARTITION_NONE)
		err = set_one(r, cg->name, "cpuset.cpus.partition",
			      kt_partition_name(def->partition));
	return err;
}

/* ---- the measured window ---- */

static int read_stat(const struct ops_run *r, const char *name,
		     struct kt_cg_cpu_stat *out)
{
	char path[4096], text[1024];
	const char *parent = r->ctx->cgroups->parent(r->ctx->cgroups);
	int err;

	snprintf(path, sizeof(path), "%s/%s/cpu.stat", parent, name);
	err = kt_read_small(path, text, sizeof(text));
	return err ? err : kt_cg_cpu_stat_parse(text, out);
}

/* Does any cgroup of the run have a knob the window's checks judge? */
static bool any_judged_knob(const struct ops_run *r)
{
	for (size_t i = 0; i < r->nr_cgs; i++)
		if (r->cgs[i].cpu_weight || r->cgs[i].cpu_max.quota_us)
			return true;
	return false;
}

/*
 * Only a run with cpu.weight or cpu.max reads cpu.stat: reading it flushes
 * the kernel's per-CPU statistics, and doing that at every step's start and
 * end doubled the off-CPU spread of plain SpinWait cgroups under TCG
 * (ops_remove_midrun, 1n2l2c1t, 3 s, EEVDF: the worse cgroup's spread over
 * 12 runs averaged 7.6% with the reads and 2.6% without; 15% fails).
 */
void kt_ops_ctrl_begin(struct ops_run *r)
{
	bool judged = kt_ctx_real_cgroups(r->ctx) && any_judged_knob(r);

	r->window_ns = kt_now_ns();
	for (size_t i = 0; i < r->nr_cgs; i++) {
		struct ops_cg *cg = &r->cgs[i];

		cg->stat_ok = judged && !read_stat(r, cg->name, &cg->stat0);
	}
}

/* Running workers of cgroup name: their count, and whether any block. */
static unsigned workers_of(const struct ops_run *r, const char *name,
			   bool *blocks)
{
	unsigned n = 0;

	for (size_t i = 0; i < r->nr_wls; i++) {
		const struct ops_wl *w = &r->wls[i];

		if (!w->running || strcmp(w->cgroup, name))
			continue;
		n += (unsigned)kt_workload_nr(w->wl);
		*blocks |= w->blocks;
	}
	return n;
}

static bool same_parent(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	size_t la = sa ? (size_t)(sa - a) : 0, lb = sb ? (size_t)(sb - b) : 0;

	return la == lb && !strncmp(a, b, la);
}

/* Do a and b compete for the same CPUs (siblings, the same cpuset)? */
static bool same_pool(const struct ops_cg *a, const struct ops_cg *b)
{
	if (!same_parent(a->name, b->name) || a->has_cpuset != b->has_cpuset)
		return false;
	return !a->has_cpuset || kt_cpuset_equal(&a->cpuset, &b->cpuset);
}

static double cpu_max_cpus(const struct kt_cpu_max *m)
{
	uint64_t p = m->period_us ? m->period_us : DFL_PERIOD_US;

	if (!m->quota_us || m->quota_us == KT_CPU_MAX_INF)
		return 1e9;
	return (double)m->quota_us / (double)p;
}

/* Judge the pool of cgroup first (which has a weight); mark its members
 * done. */
static void judge_pool(struct ops_run *r, size_t first, const uint64_t *used,
		       bool *done)
{
	struct kt_cgroup_cpu *cpu = calloc(r->nr_cgs, sizeof(*cpu));
	const struct ops_cg *f = &r->cgs[first];
	const char *blocker = NULL;
	size_t n = 0;

	for (size_t i = 0; cpu && i < r->nr_cgs; i++) {
		const struct ops_cg *cg = &r->cgs[i];
		bool blocks = false;
		unsigned nw;

		if (done[i] || !cg->stat_ok || !same_pool(f, cg))
			continue;
		done[i] = true;
		nw = workers_of(r, cg->name, &blocks);
		if (!nw)
			continue;
		if (blocks)
			blocker = cg->name;
		cpu[n++] = (struct kt_cgroup_cpu){
		    .cgroup = cg->name,
		    .weight = cg->cpu_weight ? cg->cpu_weight : 100,
		    .demand = nw < cpu_max_cpus(&cg->cpu_max)
				  ? nw
				  : cpu_max_cpus(&cg->cpu_max),
		    .usage_us = used[i],
		};
	}
	if (blocker)
		kt_result_add(r->res, KT_DETAIL_NOTE,
			      "weighted fairness of %s and the cgroups on its "
			      "CPUs not judged: the workers of %s block, so "
			      "their CPU demand is not known",
			      f->name, blocker);
	else if (cpu)
		kt_check_weight_shares(
		    cpu, n,
		    f->has_cpuset ? kt_cpuset_count(&f->cpuset)
				  : r->ctx->topo->nr_cpus,
		    r->assert->max_weight_err_pct.val, r->res);
	free(cpu);
}

static void judge_bandwidth(struct ops_run *r, const struct ops_cg *cg,
			    const struct kt_cg_cpu_stat *d, uint64_t window_us)
{
	uint64_t p =
	    cg->cpu_max.period_us ? cg->cpu_max.period_us : DFL_PERIOD_US;

	if (!cg->cpu_max.quota_us || cg->cpu_max.quota_us == KT_CPU_MAX_INF ||
	    !r->assert->max_bw_excess_pct.set)
		return;
	kt_check_bandwidth(cg->name, cg->cpu_max.quota_us, p, window_us, d,
			   r->assert->max_bw_excess_pct.val, r->res);
}

void kt_ops_ctrl_end(struct ops_run *r)
{
	uint64_t window_us = (kt_now_ns() - r->window_ns) / 1000;
	uint64_t *used = calloc(r->nr_cgs ? r->nr_cgs : 1, sizeof(*used));
	bool *done = calloc(r->nr_cgs ? r->nr_cgs : 1, sizeof(*done));

	for (size_t i = 0; used && done && i < r->nr_cgs; i++) {
		struct ops_cg *cg = &r->cgs[i];
		struct kt_cg_cpu_stat now, d;

		if (!cg->stat_ok)
			continue;
		if (read_stat(r, cg->name, &now)) {
			cg->stat_ok = false;
			continue;
		}
		d = (struct kt_cg_cpu_stat){
		    .usage_us = now.usage_us - cg->stat0.usage_us,
		    .nr_periods = now.nr_periods - cg->stat0.nr_periods,
		    .nr_throttled = now.nr_throttled - cg->stat0.nr_throttled,
		    .throttled_us = now.throttled_us - cg->stat0.throttled_us,
		};
		used[i] = d.usage_us;
		judge_bandwidth(r, cg, &d, window_us);
	}
	for (size_t i = 0; used && done && r->ctx->topo && i < r->nr_cgs; i++)
		if (!done[i] && r->cgs[i].stat_ok && r->cgs[i].cpu_weight &&
		    r->assert->max_weight_err_pct.set)
			judge_pool(r, i, used, done);
	free(used);
	free(done);
}

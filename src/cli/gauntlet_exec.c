/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running the gauntlet's plan: one `ktstr vm --results DIR` child per
 * variant and run (its output in DIR/logs/), a few at a time within the
 * budget; progress lines as they end, the measured VMs folded into the
 * cost model, then the variant x scenario matrix and the JUnit file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/results.h>
#include <ktstr/test_runner.h>

#include "cli_util.h"
#include "gauntlet_plan.h"
#include "vm_replay.h"

#define CMD "gauntlet"

struct exec {
	struct g_args *a;
	struct g_plan *p;
	struct kt_pool_job *jobs;
	struct kt_cli_argv *argv;
	char (*logs)[PATH_MAX];
	char (*labels)[320];
	size_t nr, done;
	struct kt_results res; /* the sidecars of this run */
	enum kt_verdict worst;
};

/* The `ktstr vm` arguments of variant v: its options through the same
 * builder a sidecar's replay uses, with --results DIR after "vm". */
static int job_argv(struct exec *e, const struct kt_variant *v,
		    const char *self, struct kt_cli_argv *out)
{
	const struct g_plan *p = e->p;
	struct kt_cli_sched sched = e->a->sched;
	struct kt_vm_opts o = {
	    .topo = p->specs[v->idx[KT_DIM_PRESET]],
	    .kernel = p->kernels[v->idx[KT_DIM_KERNEL]],
	    .memory_mb = e->a->memory_mb,
	    .accel = e->a->accel,
	    .boot = e->a->boot,
	    .scenarios = p->sc.names,
	    .nr_scenarios = p->sc.nr_names,
	    .scenario_files = p->sc.paths,
	    .nr_scenario_files = p->sc.nr_files,
	    .duration_ns = e->a->duration_ns,
	    .workers = e->a->workers,
	    .keep_going = e->a->keep_going,
	    .work_type = p->work[v->idx[KT_DIM_WORK_TYPE]],
	};
	struct kt_cli_argv vm = {0};
	int err;

	sched.mask = p->masks[v->idx[KT_DIM_PROFILE]];
	err = kt_cli_vm_replay_args(&o, &sched, &vm);
	err = err ?: kt_cli_argv_push(out, self);
	err = err ?: kt_cli_argv_push(out, vm.v[0]);
	err = err ?: kt_cli_argv_push(out, "--results");
	err = err ?: kt_cli_argv_push(out, e->a->results);
	for (size_t i = 1; !err && i < vm.nr; i++)
		err = kt_cli_argv_push(out, vm.v[i]);
	kt_cli_argv_free(&vm);
	return err;
}

/* The sidecar path a `ktstr vm` child printed into its log. */
static bool sidecar_of(const char *log, char *path, size_t len)
{
	static const char tag[] = "ktstr vm: sidecar ";
	FILE *f = fopen(log, "re");
	char line[4096];
	bool found = false;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, tag, sizeof(tag) - 1)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(path, len, "%s", line + sizeof(tag) - 1);
			found = true;
		}
	if (f)
		fclose(f);
	return found;
}

static void learn(struct exec *e, const struct kt_sidecar *s)
{
	json_t *rep = json_object_get(s->root, "report"), *r;
	double scen = 0;
	size_t i, n = json_array_size(json_object_get(rep, "results"));

	json_array_foreach(json_object_get(rep, "results"), i, r) scen +=
	    json_number_value(json_object_get(r, "duration_ns")) / 1e9;
	if (json_is_true(json_object_get(rep, "booted")))
		kt_vm_cost_learn(
		    &e->p->cost,
		    (unsigned)json_integer_value(
			json_object_get(rep, "guest_cpus")),
		    json_number_value(json_object_get(rep, "boot_ms")) / 1e3,
		    json_number_value(json_object_get(rep, "wall_ms")) / 1e3, n,
		    scen);
}

static void on_done(struct kt_pool_job *j, size_t i, void *arg)
{
	struct exec *e = arg;
	char path[4096];
	struct kt_sidecar s, *grown;
	const char *verdict = "INFRA (no sidecar)";
	int v = KT_VERDICT_INFRA;

	if (sidecar_of(j->log, path, sizeof(path)) &&
	    !kt_sidecar_load(path, &s)) {
		grown = realloc(e->res.s, (e->res.nr + 1) * sizeof(s));
		if (grown) {
			learn(e, &s);
			e->res.s = grown;
			e->res.s[e->res.nr++] = s;
			verdict = kt_sidecar_str(
			    json_object_get(s.root, "report"), "verdict");
			v = kt_verdict_parse(verdict);
		} else {
			kt_sidecar_free(&s);
		}
	}
	if (j->exit_code == 130)
		verdict = "interrupted";
	if (v < 0 || j->exit_code == 2 || j->exit_code >= 128)
		v = KT_VERDICT_INFRA;
	e->worst =
	    (enum kt_verdict)v > e->worst ? (enum kt_verdict)v : e->worst;
	fprintf(stderr, "[%zu/%zu] %s: %s (exit %d, %.1f s; log %s)\n",
		++e->done, e->nr, e->labels[i], verdict, j->exit_code,
		j->seconds, j->log);
}

static int make_dirs(const char *dir)
{
	char logs[PATH_MAX];

	snprintf(logs, sizeof(logs), "%s/logs", dir);
	if ((mkdir(dir, 0755) && errno != EEXIST) ||
	    (mkdir(logs, 0755) && errno != EEXIST)) {
		fprintf(stderr, "ktstr gauntlet: --results %s: %s\n", dir,
			strerror(errno));
		return KT_EXIT_USAGE;
	}
	return 0;
}

static void slug(const char *label, char *out, size_t len)
{
	size_t i = 0;

	for (; label[i] && i + 1 < len; i++)
		out[i] = (label[i] == ' ' || label[i] == '/') ? '.' : label[i];
	out[i] = '\0';
}

static int build_jobs(struct exec *e)
{
	unsigned runs = e->a->runs ? e->a->runs : 1;
	char self[PATH_MAX], name[256];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return KT_EXIT_INFRA;
	self[n] = '\0';
	e->nr = e->p->nr_fit * runs;
	e->jobs = calloc(e->nr + 1, sizeof(*e->jobs));
	e->argv = calloc(e->nr + 1, sizeof(*e->argv));
	e->logs = calloc(e->nr + 1, sizeof(*e->logs));
	e->labels = calloc(e->nr + 1, sizeof(*e->labels));
	if (!e->jobs || !e->argv || !e->logs || !e->labels)
		return KT_EXIT_INFRA;
	for (size_t i = 0; i < e->nr; i++) {
		const struct kt_variant *v = &e->p->order[i / runs];

		kt_g_variant_label(e->p, e->a, v, name, sizeof(name));
		snprintf(e->labels[i], sizeof(e->labels[i]), "%s run %zu", name,
			 i % runs + 1);
		slug(name, name, sizeof(name));
		snprintf(e->logs[i], sizeof(e->logs[i]),
			 "%s/logs/%s.v%zu.r%zu.log", e->a->results, name,
			 i / runs + 1, i % runs + 1);
		if (job_argv(e, v, self, &e->argv[i])) {
			fprintf(stderr, "ktstr gauntlet: %s\n",
				kt_last_error());
			return KT_EXIT_INFRA;
		}
		e->jobs[i] = (struct kt_pool_job){
		    .argv = e->argv[i].v,
		    .log = e->logs[i],
		    .estimate_s = kt_g_vm_cost(e->p, e->a, v),
		};
	}
	return 0;
}

/* The first detail of a result, or its skip reason (malloc'd, or NULL). */
static char *first_evidence(const json_t *r)
{
	const char *msg = json_string_value(json_object_get(
	    json_array_get(json_object_get(r, "details"), 0), "msg"));

	if (!msg)
		msg = json_string_value(json_object_get(r, "skip_reason"));
	return msg ? strdup(msg) : NULL;
}

/* One JUnit case per scenario result of each sidecar. */
static int write_junit(const struct exec *e, const char *file)
{
	struct kt_test_record *recs = NULL;
	size_t nr = 0, cap = 0;
	FILE *f;
	int err;

	for (size_t i = 0; i < e->res.nr; i++) {
		const struct kt_sidecar *s = &e->res.s[i];
		json_t *r, *rs = json_object_get(
			       json_object_get(s->root, "report"), "results");
		size_t k;

		json_array_foreach(rs, k, r)
		{
			char name[1024];
			int v = kt_verdict_parse(kt_sidecar_str(r, "verdict"));

			if (nr == cap) {
				cap = cap ? 2 * cap : 64;
				recs = realloc(recs, cap * sizeof(*recs));
				if (!recs)
					return KT_EXIT_INFRA;
			}
			snprintf(name, sizeof(name), "%s [%s] %s",
				 kt_sidecar_str(r, "scenario"), s->variant,
				 strrchr(s->path, '/') + 1);
			recs[nr++] = (struct kt_test_record){
			    .name = strdup(name),
			    .verdict = v < 0 ? KT_VERDICT_INFRA : v,
			    .reason = first_evidence(r),
			    .seconds = json_number_value(
					   json_object_get(r, "duration_ns")) /
				       1e9,
			};
		}
	}
	f = fopen(file, "we");
	err = f ? kt_junit_write(f, "ktstr gauntlet", recs, nr) : -errno;
	if (f && fclose(f))
		err = -errno;
	for (size_t i = 0; i < nr; i++) {
		free((char *)recs[i].name);
		free(recs[i].reason);
	}
	free(recs);
	if (err)
		fprintf(stderr, "ktstr gauntlet: --junit %s: %s\n", file,
			f ? kt_last_error() : strerror(-err));
	return err ? KT_EXIT_INFRA : 0;
}

static void exec_free(struct exec *e)
{
	for (size_t i = 0; e->argv && i < e->nr; i++)
		kt_cli_argv_free(&e->argv[i]);
	free(e->argv);
	free(e->jobs);
	free(e->logs);
	free(e->labels);
	kt_results_free(&e->res);
}

static int finish(struct exec *e, bool interrupted)
{
	size_t not_run = 0;
	int rc;

	for (size_t i = 0; i < e->nr; i++)
		not_run += !e->jobs[i].started;
	if (not_run)
		fprintf(stderr, "ktstr gauntlet: %zu VM(s) not started: %s\n",
			not_run,
			interrupted ? "interrupted"
				    : "the budget ran out (the measured VMs "
				      "were slower than estimated)");
	if (e->res.nr) {
		printf("\n");
		kt_results_print_matrix(&e->res, stdout);
	}
	fflush(stdout);
	if (kt_vm_cost_save(e->p->cost_file,
			    e->p->accel == KT_ACCEL_KVM ? "kvm" : "tcg",
			    &e->p->cost))
		fprintf(stderr, "ktstr gauntlet: %s\n", kt_last_error());
	rc = kt_verdict_exit_code(e->worst);
	if (e->a->junit && write_junit(e, e->a->junit) && !rc)
		rc = KT_EXIT_INFRA;
	return interrupted ? 130 : rc;
}

int kt_g_exec(struct g_args *a, struct g_plan *p)
{
	struct exec e = {.a = a, .p = p, .worst = KT_VERDICT_PASS};
	struct kt_pool_opts po = {
	    .jobs = a->jobs,
	    .budget_s = a->budget_ns / 1e9,
	    .on_done = on_done,
	    .arg = &e,
	};
	bool interrupted = false;
	int rc = make_dirs(a->results);

	rc = rc ?: build_jobs(&e);
	if (!rc && kt_pool_run(e.jobs, e.nr, &po, &interrupted)) {
		fprintf(stderr, "ktstr gauntlet: %s\n", kt_last_error());
		e.worst = KT_VERDICT_INFRA;
	}
	if (!rc)
		rc = finish(&e, interrupted);
	exec_free(&e);
	return rc;
}

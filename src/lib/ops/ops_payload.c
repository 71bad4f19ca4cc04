/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ops engine's binary payloads: RunPayload starts a program in one of
 * the run's cgroups (work/payload_proc.c), WaitPayload and KillPayload end
 * it, and so does the teardown of the owner of its cgroup. When a payload
 * ends, its output is parsed by kind into the result's metrics, its bounds
 * are checked, and an exit it was not stopped into that is not 0 is a FAIL
 * with the tail of its output.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/wait_status.h"
#include "ops_engine.h"
#include "work/payload_proc.h"

#define TAIL_LINES	    12
#define KT_PAYLOAD_WAIT_MIN KT_SEC(5)
#define MAX_ARGS	    256

struct ops_pl {
	char *name, *cgroup;
	unsigned owner; /* the owner of its cgroup */
	bool running;
	const struct kt_payload_spec *spec;
	struct kt_payload_proc proc;
};

int kt_ops_payload_check(const struct kt_op *op)
{
	const struct kt_payload_spec *s = &op->payload;
	const char *what = kt_op_kind_name(op->kind);

	if (!s->name || !s->name[0])
		return kt_err(EINVAL, "%s: no payload name", what);
	if (op->kind != KT_OP_KIND_RUN_PAYLOAD)
		return 0;
	if (!s->program || !s->program[0])
		return kt_err(EINVAL, "%s %s: no program", what, s->name);
	if ((unsigned)s->kind >= KT_PAYLOAD__COUNT)
		return kt_err(EINVAL, "%s %s: unknown kind %d", what, s->name,
			      (int)s->kind);
	for (size_t i = 0; i < s->bounds.nr; i++) {
		const struct kt_payload_bound *b = &s->bounds.v[i];

		if (!b->metric || !b->metric[0] || (!b->has_min && !b->has_max))
			return kt_err(EINVAL,
				      "%s %s: bound %zu: needs a metric and a "
				      "min or a max",
				      what, s->name, i);
		if (b->has_min && b->has_max && b->min > b->max)
			return kt_err(EINVAL,
				      "%s %s: bound on %s: min %g > max %g",
				      what, s->name, b->metric, b->min, b->max);
	}
	return 0;
}

bool kt_ops_payload_fits(const struct kt_op *op, struct kt_result *res)
{
	char path[4096];

	if (!kt_payload_resolve(op->payload.program, path, sizeof(path)))
		return true;
	kt_result_skip(res, "payload %s: %s", op->payload.name,
		       kt_last_error());
	return false;
}

static struct ops_pl *find_pl(struct ops_run *r, const char *name)
{
	for (size_t i = 0; i < r->nr_pls; i++)
		if (!strcmp(r->pls[i].name, name))
			return &r->pls[i];
	return NULL;
}

static bool has_arg(const char *const *args, const char *a, const char *b)
{
	for (size_t i = 0; args && args[i]; i++)
		if (!strcmp(args[i], a) || !strcmp(args[i], b) ||
		    !strncmp(args[i], "--yaml=", 7))
			return true;
	return false;
}

/* argv: the program as named, its args, and what its kind needs. */
static int build_argv(const struct kt_payload_spec *s, const char **argv)
{
	size_t n = 0;

	argv[n++] = s->program;
	for (size_t i = 0; s->args && s->args[i]; i++) {
		if (n + 4 >= MAX_ARGS)
			return kt_err(E2BIG, "payload %s: more than %d args",
				      s->name, MAX_ARGS - 4);
		argv[n++] = s->args[i];
	}
	if (s->kind == KT_PAYLOAD_STRESS_NG &&
	    !has_arg(s->args, "--yaml", "-Y")) {
		argv[n++] = "--metrics";
		argv[n++] = "--yaml";
		argv[n++] = "stress-ng.yaml";
	}
	argv[n] = NULL;
	return 0;
}

static int add_pl(struct ops_run *r, const struct kt_op *op, unsigned owner,
		  struct ops_pl **out)
{
	struct ops_pl *n = realloc(r->pls, (r->nr_pls + 1) * sizeof(*n));

	if (!n)
		return kt_err(ENOMEM, "payload: out of memory");
	r->pls = n;
	n = &r->pls[r->nr_pls];
	*n = (struct ops_pl){.name = strdup(op->payload.name),
			     .cgroup = strdup(op->cgroup),
			     .owner = owner,
			     .spec = &op->payload,
			     .proc = {.gate = -1}};
	if (!n->name || !n->cgroup) {
		free(n->name);
		free(n->cgroup);
		return kt_err(ENOMEM, "payload: out of memory");
	}
	r->nr_pls++;
	*out = n;
	return 0;
}

static int run_payload(struct ops_run *r, const struct kt_op *op,
		       unsigned owner)
{
	const struct kt_cgroup_ops *cgs = r->ctx->cgroups;
	const char *argv[MAX_ARGS];
	char path[4096];
	struct ops_pl *pl = NULL;
	int err;

	if (find_pl(r, op->payload.name))
		return kt_err(EEXIST, "payload %s: the name is taken",
			      op->payload.name);
	err = kt_payload_resolve(op->payload.program, path, sizeof(path));
	err = err ?: build_argv(&op->payload, argv);
	err = err ?: add_pl(r, op, owner, &pl);
	if (err)
		return err;
	err = kt_payload_proc_spawn(path, argv, op->payload.input, &pl->proc);
	if (!err)
		err = cgs->move_task(cgs, op->cgroup, pl->proc.pid);
	if (!err)
		err = kt_payload_proc_release(&pl->proc);
	pl->running = !err;
	return err ? kt_err_wrap(err, "payload %s", pl->name) : 0;
}

/* ---- the end of a payload ---- */

static int parse_rt_app_logs(const struct ops_pl *pl,
			     struct kt_payload_metrics *m);

static int parse(const struct ops_pl *pl, struct kt_payload_metrics *m)
{
	const char *file = pl->spec->kind == KT_PAYLOAD_STRESS_NG
			       ? "stress-ng.yaml"
			       : KT_PAYLOAD_OUTPUT;
	char *text;
	int err;

	if (pl->spec->kind == KT_PAYLOAD_GENERIC)
		return 0;
	if (pl->spec->kind == KT_PAYLOAD_RT_APP)
		return parse_rt_app_logs(pl, m);
	text = kt_payload_proc_read(&pl->proc, file);
	if (!text)
		return kt_err(ENOENT, "no %s in its directory", file);
	switch (pl->spec->kind) {
	case KT_PAYLOAD_STRESS_NG:
		err = kt_payload_parse_stress_ng(text, m);
		break;
	case KT_PAYLOAD_CYCLICTEST:
		err = kt_payload_parse_cyclictest(text, m);
		break;
	default:
		err = kt_payload_parse_schbench(text, m);
		break;
	}
	free(text);
	return err;
}

/* rt-app writes <log_basename>-<task>-<n>.log per thread into its logdir
 * (the payload's directory when the config says "./"). */
static int parse_rt_app_logs(const struct ops_pl *pl,
			     struct kt_payload_metrics *m)
{
	DIR *d = opendir(pl->proc.dir);
	struct dirent *e;
	size_t logs = 0;
	int err = 0;

	if (!d)
		return kt_err(errno, "open %s: %s", pl->proc.dir,
			      strerror(errno));
	while (!err && (e = readdir(d))) {
		size_t len = strlen(e->d_name), skip;
		char task[64], *text;

		if (len < 5 || strcmp(e->d_name + len - 4, ".log"))
			continue;
		/* "rt-app-periodic-0.log" -> "periodic-0" */
		skip = len > 11 && !strncmp(e->d_name, "rt-app-", 7) ? 7 : 0;
		snprintf(task, sizeof(task), "%.*s", (int)(len - 4 - skip),
			 e->d_name + skip);
		text = kt_payload_proc_read(&pl->proc, e->d_name);
		err = text ? kt_payload_parse_rt_app_log(text, task, m)
			   : kt_err(EIO, "read %s", e->d_name);
		free(text);
		logs++;
	}
	closedir(d);
	if (!err && !logs)
		err = kt_err(ENOENT, "no rt-app *.log file (set the config's "
				     "\"logdir\" to \"./\")");
	return err;
}

static void check_bounds(struct ops_run *r, const struct ops_pl *pl,
			 const struct kt_payload_metrics *m)
{
	for (size_t i = 0; i < pl->spec->bounds.nr; i++) {
		const struct kt_payload_bound *b = &pl->spec->bounds.v[i];
		const struct kt_payload_metric *v =
		    kt_payload_metrics_get(m, b->metric);

		if (!v)
			kt_result_add(r->res, KT_DETAIL_PAYLOAD,
				      "payload %s: no metric %s to check "
				      "(its %s output gave %zu others)",
				      pl->name, b->metric,
				      kt_payload_kind_name(pl->spec->kind),
				      m->nr);
		else if (b->has_min && !(v->value >= b->min))
			kt_result_add(r->res, KT_DETAIL_PAYLOAD,
				      "payload %s: %s %.6g %s below its "
				      "minimum %.6g",
				      pl->name, b->metric, v->value, v->unit,
				      b->min);
		else if (b->has_max && !(v->value <= b->max))
			kt_result_add(r->res, KT_DETAIL_PAYLOAD,
				      "payload %s: %s %.6g %s above its "
				      "maximum %.6g",
				      pl->name, b->metric, v->value, v->unit,
				      b->max);
	}
}

/* The last lines of its output, each indented under the detail. */
static void indented_tail(const struct ops_pl *pl, char *out, size_t len)
{
	char raw[1536];
	size_t n = 0;

	kt_payload_proc_tail(&pl->proc, TAIL_LINES, raw, sizeof(raw));
	out[0] = '\0';
	for (const char *p = raw; *p && n + 8 < len;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		n += (size_t)snprintf(out + n, len - n, "%s    %.*s",
				      n ? "\n" : "", (int)l, p);
		p = nl ? nl + 1 : p + l;
	}
}

/*
 * The payload has ended (stopped says why when ktstr stopped it; fail:
 * that is a failure). Metrics, bounds, the exit, then its files go.
 */
static void finish(struct ops_run *r, struct ops_pl *pl, const char *stopped,
		   bool fail)
{
	struct kt_payload_metrics m = {0};
	int st = pl->proc.status;
	bool clean = !stopped && WIFEXITED(st) && !WEXITSTATUS(st);
	char how[96], tail[2048];
	int err;

	pl->running = false;
	kt_wait_status_text(st, how, sizeof(how));
	indented_tail(pl, tail, sizeof(tail));
	err = parse(pl, &m);
	if (err)
		kt_result_add(
		    r->res, clean ? KT_DETAIL_PAYLOAD : KT_DETAIL_NOTE,
		    "payload %s (%s): no metrics: %s", pl->name,
		    kt_payload_kind_name(pl->spec->kind), kt_last_error());
	for (size_t i = 0; !err && i < m.nr; i++)
		kt_result_add_metric(r->res, pl->name, m.v[i].name, m.v[i].unit,
				     m.v[i].value, m.v[i].higher_is_better);
	if (!err)
		check_bounds(r, pl, &m);
	if (stopped && !fail)
		kt_result_add(r->res, KT_DETAIL_NOTE, "payload %s (%s) %s",
			      pl->name, pl->spec->program, stopped);
	else if (stopped)
		kt_result_add(r->res, KT_DETAIL_PAYLOAD,
			      "payload %s (%s) %s; last output:\n%s", pl->name,
			      pl->spec->program, stopped,
			      tail[0] ? tail : "    (none)");
	else if (!clean)
		kt_result_add(r->res, KT_DETAIL_PAYLOAD,
			      "payload %s (%s) %s; last output:\n%s", pl->name,
			      pl->spec->program, how,
			      tail[0] ? tail : "    (none)");
	kt_payload_metrics_free(&m);
	kt_payload_proc_free(&pl->proc);
}

static void stop_pl(struct ops_run *r, struct ops_pl *pl, const char *why,
		    bool fail)
{
	if (!pl->running)
		return;
	if (kt_payload_proc_wait(&pl->proc, 0) == 0 && pl->proc.exited) {
		finish(r, pl, NULL, false); /* it ended on its own meanwhile */
		return;
	}
	kt_payload_proc_kill(&pl->proc);
	finish(r, pl, why, fail);
}

static int wait_payload(struct ops_run *r, struct ops_pl *pl)
{
	uint64_t end = r->start_ns + r->ctx->duration, now = kt_now_ns();
	uint64_t left = end > now ? end - now : 0;
	char why[128];

	/* a wait at the very end still lets the program finish and write
	 * what it measured: under TCG, rt-app took over 2 s beyond its own
	 * 1 s run (exec, loading, parsing, thread setup) */
	if (left < KT_PAYLOAD_WAIT_MIN)
		left = KT_PAYLOAD_WAIT_MIN;
	if (!kt_payload_proc_wait(&pl->proc, left)) {
		finish(r, pl, NULL, false);
		return 0;
	}
	snprintf(why, sizeof(why),
		 "was still running %.1fs later, at the end of the scenario's "
		 "time: stopped",
		 (double)left / 1e9);
	stop_pl(r, pl, why, true);
	return 0;
}

int kt_ops_payload_op(struct ops_run *r, const struct kt_op *op,
		      unsigned cg_owner)
{
	struct ops_pl *pl;

	if (op->kind == KT_OP_KIND_RUN_PAYLOAD)
		return run_payload(r, op, cg_owner);
	pl = find_pl(r, op->payload.name);
	if (!pl)
		return kt_err(ENOENT, "no payload %s in this scenario",
			      op->payload.name);
	if (!pl->running)
		return 0; /* it ended already: its verdict is in */
	if (op->kind == KT_OP_KIND_WAIT_PAYLOAD)
		return wait_payload(r, pl);
	stop_pl(r, pl, "stopped by KillPayload", false);
	return 0;
}

void kt_ops_payload_teardown(struct ops_run *r, unsigned owner)
{
	for (size_t i = 0; i < r->nr_pls; i++)
		if (r->pls[i].owner == owner)
			stop_pl(r, &r->pls[i], "stopped at the end of its step",
				false);
}

void kt_ops_payload_stop_cgroup(struct ops_run *r, const char *cgroup)
{
	for (size_t i = 0; i < r->nr_pls; i++)
		if (!strcmp(r->pls[i].cgroup, cgroup))
			stop_pl(r, &r->pls[i], "stopped with its cgroup",
				false);
}

void kt_ops_payload_free(struct ops_run *r)
{
	for (size_t i = 0; i < r->nr_pls; i++) {
		kt_payload_proc_free(&r->pls[i].proc);
		free(r->pls[i].name);
		free(r->pls[i].cgroup);
	}
	free(r->pls);
	r->pls = NULL;
	r->nr_pls = 0;
}

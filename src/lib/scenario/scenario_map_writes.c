/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A test's declared BPF map writes (<ktstr/map_write.h>) around its
 * scenario: refused at once when there is no scheduler to write to;
 * with wait_for_map_write applied before the scenario starts (so before
 * any worker), otherwise by a thread while it starts; every write
 * recorded in the result.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/map_write.h>
#include <ktstr/scenario.h>
#include <ktstr/sched.h>

struct kt_map_writes_run {
	pthread_t thread;
	struct kt_map_writes writes;
	size_t done; /* writes applied, records in recs */
	struct kt_map_write_record *recs;
	int err;
	char msg[KT_ERR_MAX];
};

bool kt_map_writes_possible(const struct kt_ctx *ctx)
{
	return ctx->sched_pid > 0 || kt_scx_attached(NULL, NULL);
}

/* Apply every write in order, stopping at the first error. */
static int apply_all(struct kt_map_writes_run *run, bool before_work)
{
	char name[128];

	for (size_t i = 0; i < run->writes.nr; i++) {
		struct kt_map_write_record *rec = &run->recs[i];
		int err = kt_map_write_apply(&run->writes.w[i],
					     KT_MAP_WRITE_WAIT_NS, rec);

		if (err) {
			kt_map_write_name(&run->writes.w[i], name,
					  sizeof(name));
			return kt_err_wrap(err, "map write %s", name);
		}
		rec->before_work = before_work;
		run->done = i + 1;
	}
	return 0;
}

static void *writer(void *arg)
{
	struct kt_map_writes_run *run = arg;

	run->err = apply_all(run, false);
	if (run->err)
		snprintf(run->msg, sizeof(run->msg), "%s", kt_last_error());
	return NULL;
}

static void records_to(struct kt_map_writes_run *run, struct kt_result *res)
{
	for (size_t i = 0; i < run->done; i++)
		kt_result_add_map_write(res, &run->recs[i]);
}

static void run_free(struct kt_map_writes_run *run)
{
	free(run->recs);
	free(run);
}

static int no_sched(const struct kt_map_write *w)
{
	char name[128];

	kt_map_write_name(w, name, sizeof(name));
	return kt_err(ESRCH,
		      "map write %s: no sched_ext scheduler to write to (this "
		      "run is under EEVDF); run it with --scheduler (a "
		      "sched_ext scheduler such as build/scx-ktstr)",
		      name);
}

int kt_map_writes_begin(const struct kt_ctx *ctx, struct kt_map_writes writes,
			bool wait, struct kt_result *res,
			struct kt_map_writes_run **out)
{
	struct kt_map_writes_run *run;
	int err;

	*out = NULL;
	if (!writes.nr)
		return 0;
	if (!kt_map_writes_possible(ctx))
		return no_sched(&writes.w[0]);
	run = calloc(1, sizeof(*run));
	if (run)
		run->recs = calloc(writes.nr, sizeof(*run->recs));
	if (!run || !run->recs) {
		free(run);
		return kt_err(ENOMEM, "map writes: out of memory");
	}
	run->writes = writes;
	if (wait) {
		err = apply_all(run, true);
		records_to(run, res);
		run_free(run);
		return err;
	}
	err = pthread_create(&run->thread, NULL, writer, run);
	if (err) {
		run_free(run);
		return kt_err(err, "map writes: start a thread: %s",
			      strerror(err));
	}
	*out = run;
	return 0;
}

void kt_map_writes_end(struct kt_map_writes_run *run, struct kt_result *res)
{
	if (!run)
		return;
	pthread_join(run->thread, NULL);
	records_to(run, res);
	if (run->err)
		kt_result_add(res, KT_DETAIL_INFRA, "%s", run->msg);
	run_free(run);
}

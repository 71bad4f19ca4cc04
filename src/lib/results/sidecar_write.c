/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writing one sidecar (see <ktstr/results.h>): the variant with the
 * sha256 of the kernel image and the scheduler binary, the host, the
 * version and times, the replay arguments, the VM report and each
 * scenario's metrics; created exclusively under the first free run
 * number.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/version.h>

#include "core/json_file.h"
#include "core/sha256_file.h"
#include "results/results_priv.h"

#define MAX_RUN 100000

static json_t *iso_time(const struct timespec *t)
{
	struct tm tm;
	char buf[64];

	if (!t->tv_sec || !gmtime_r(&t->tv_sec, &tm))
		return json_null();
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, t->tv_nsec / 1000000);
	return json_string(buf);
}

static json_t *strs_json(const char *const *v, size_t nr)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < nr; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *sched_json(const struct kt_sidecar_opts *o, char *label,
			  size_t len)
{
	const struct kt_sched_def *d = o->sched;
	char hex[KT_SHA256_HEX_LEN], profile[256];
	char **argv = NULL;
	size_t nr = 0;
	json_t *j;

	snprintf(label, len, "eevdf");
	if (!d || kt_sched_def_is_eevdf(d))
		return json_null();
	if (kt_sched_label(d, o->sched_flags, label, len) < 0 ||
	    kt_sched_profile_name(d, o->sched_flags, profile, sizeof(profile)) <
		0)
		return NULL;
	if (kt_sha256_file(d->binary, hex) ||
	    kt_sched_argv(d, o->sched_flags, o->sched_extra_args, &argv, &nr))
		return NULL;
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "name", d->name,
		      "label", label, "profile", profile, "binary", d->binary,
		      "sha256", hex, "args",
		      strs_json((const char *const *)argv, nr));
	kt_sched_argv_free(argv);
	return j;
}

static json_t *metrics_json(const json_t *results)
{
	json_t *all = json_object(), *r;
	size_t i;

	json_array_foreach(results, i, r)
	{
		const char *name = kt_sidecar_str(r, "scenario");
		struct kt_metrics m;
		json_t *o = json_object();

		kt_metrics_of_result(r, &m);
		for (int k = 0; k < KT_METRIC__COUNT; k++)
			if (m.has[k])
				json_object_set_new(o, kt_metric_desc(k)->name,
						    json_real(m.v[k]));
		json_object_set_new(all, name, o);
	}
	return all;
}

static json_t *variant_json(const struct kt_sidecar_opts *o,
			    const struct kt_vm_result *r, const char *hex,
			    char *label, size_t len)
{
	json_t *sched = sched_json(o, label, len);

	if (!sched)
		return NULL;
	/* duration_s null: each scenario ran its own default */
	return json_pack(
	    "{s:s?, s:s, s:s, s:s?, s:{s:s?, s:s, s:s}, s:o, "
	    "s:o}",
	    "preset", o->preset, "topo", o->topo, "sched", label, "work_type",
	    o->work_type, "kernel", "release", r->kernel_release, "image",
	    o->kernel, "sha256", hex, "scheduler", sched, "duration_s",
	    o->duration_ns ? json_real((double)o->duration_ns / 1e9)
			   : json_null());
}

static json_t *sidecar_json(const struct kt_sidecar_opts *o,
			    const struct kt_vm_result *r, const char *hex,
			    char *label, size_t len)
{
	json_t *report = kt_vm_result_to_json(r), *variant, *j;

	variant = variant_json(o, r, hex, label, len);
	if (!report || !variant) {
		json_decref(report);
		json_decref(variant);
		return NULL;
	}
	json_object_set_new(report, "topo", json_string(o->topo));
	j = json_pack(
	    "{s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:{s:o}}", "format",
	    KT_SIDECAR_FORMAT, "ktstr_version", KTSTR_VERSION, "started",
	    iso_time(&o->started), "finished", iso_time(&o->finished),
	    "variant", variant, "host", kt_host_info_json(r->accel), "metrics",
	    metrics_json(json_object_get(report, "results")), "replay", "args",
	    strs_json(o->replay_args, o->nr_replay_args));
	if (j) {
		/* the host monitor's samples: a key of its own, not twice */
		json_object_set(j, "monitor",
				json_object_get(report, "monitor"));
		json_object_del(report, "monitor");
		json_object_set_new(j, "report", report);
	} else {
		json_decref(report);
	}
	return j;
}

/* link tmp to the first free dir/base.rN.json; path gets it. */
static int place(const char *dir, const char *tmp, const char *base, json_t *j,
		 char *path, size_t len)
{
	for (int n = 1; n <= MAX_RUN; n++) {
		snprintf(path, len, "%s/%s.r%d.json", dir, base, n);
		if (!link(tmp, path))
			return 0;
		if (errno != EEXIST)
			return kt_err(errno, "results %s: link %s: %s", dir,
				      path, strerror(errno));
	}
	(void)j;
	return kt_err(EEXIST, "results %s: %d runs of %s already", dir, MAX_RUN,
		      base);
}

int kt_sidecar_write(const char *dir, const struct kt_sidecar_opts *o,
		     const struct kt_vm_result *r, char *path, size_t len)
{
	char hex[KT_SHA256_HEX_LEN], label[256], base[512], tmp[4096];
	json_t *j;
	int err;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return kt_err(errno, "results %s: mkdir: %s", dir,
			      strerror(errno));
	err = kt_sha256_file(o->kernel, hex);
	if (err)
		return kt_err_wrap(err, "results %s", dir);
	j = sidecar_json(o, r, hex, label, sizeof(label));
	if (!j)
		return kt_err(ENOMEM, "results %s: sidecar: %s", dir,
			      kt_last_error());
	snprintf(base, sizeof(base), "%s.%s%s%s.k%.8s",
		 o->preset ? o->preset : o->topo, label,
		 o->work_type ? "." : "", o->work_type ? o->work_type : "",
		 hex);
	err = kt_json_write_temp(dir, ".sidecar.", j, tmp, sizeof(tmp));
	if (err)
		err = kt_err_wrap(err, "results %s", dir);
	if (!err) {
		err = place(dir, tmp, base, j, path, len);
		unlink(tmp);
	}
	json_decref(j);
	return err;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Is the VM a sidecar describes still the one its files would run? The
 * kernel image and the scheduler binary against their recorded sha256. */
#include <errno.h>
#include <string.h>

#include "core/sha256_file.h"
#include "results/results_priv.h"

static int same(const char *sidecar, const char *what, const json_t *o,
		const char *path_key)
{
	const char *path = json_string_value(json_object_get(o, path_key));
	const char *want = json_string_value(json_object_get(o, "sha256"));
	char hex[KT_SHA256_HEX_LEN];

	if (!path || !want)
		return kt_err(EINVAL, "sidecar %s: no %s path and sha256",
			      sidecar, what);
	if (kt_sha256_file(path, hex))
		return kt_err_wrap(ENOENT, "replay %s: the %s is gone", sidecar,
				   what);
	if (strcmp(hex, want))
		return kt_err(ESTALE,
			      "replay %s: the %s %s changed since the run "
			      "(sha256 was %.12s..., is %.12s...): restore it "
			      "to replay exactly that variant",
			      sidecar, what, path, want, hex);
	return 0;
}

int kt_sidecar_verify(const struct kt_sidecar *s)
{
	const json_t *v = json_object_get(s->root, "variant");
	const json_t *sched = json_object_get(v, "scheduler");
	int err = same(s->path, "kernel image", json_object_get(v, "kernel"),
		       "image");

	if (!err && json_is_object(sched))
		err = same(s->path, "scheduler binary", sched, "binary");
	return err;
}

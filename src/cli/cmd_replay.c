/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr replay SIDECAR`: rerun exactly the VM a sidecar describes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ktstr/results.h>

#include "cli_util.h"
#include "commands.h"
#include "vm_replay.h"

struct replay_args {
	const char *results, *json_path;
};

static const struct kt_cli_opt replay_opts[] = {
    KT_CLI_STRING("results", 0, "DIR", struct replay_args, results,
		  "write the rerun's sidecar into DIR"),
    KT_CLI_STRING("json", 0, "FILE", struct replay_args, json_path,
		  "write the rerun's VM report as JSON"),
    {0},
};

static const struct kt_cli_group replay_group = {.opts = replay_opts};

static const struct kt_cli_cmd replay_cmd = {
    .name = "ktstr replay",
    .operands = "SIDECAR",
    .about = "Rerun exactly the VM a sidecar describes: the same topology, "
	     "kernel image, scheduler binary, arguments and flags, work-type "
	     "override, duration and scenarios (`ktstr vm` with the "
	     "sidecar's replay arguments). The kernel image and the "
	     "scheduler binary must still have the sha256 the sidecar "
	     "recorded.",
    .exit = "those of `ktstr vm`; 2 also when the sidecar is unreadable "
	    "or a file changed since the run",
};

static int build(const struct kt_sidecar *s, const struct replay_args *a,
		 struct kt_cli_argv *out)
{
	json_t *args =
	    json_object_get(json_object_get(s->root, "replay"), "args");
	size_t n = json_array_size(args);
	int err = 0;

	if (!n ||
	    strcmp(json_string_value(json_array_get(args, 0)) ?: "", "vm"))
		return kt_err(EINVAL, "sidecar %s: no replay arguments",
			      s->path);
	err = kt_cli_argv_push(out, "vm");
	if (!err && a->results)
		err = kt_cli_argv_push(out, "--results")
			  ?: kt_cli_argv_push(out, a->results);
	if (!err && a->json_path)
		err = kt_cli_argv_push(out, "--json")
			  ?: kt_cli_argv_push(out, a->json_path);
	for (size_t i = 1; !err && i < n; i++) {
		const char *w = json_string_value(json_array_get(args, i));

		err = w ? kt_cli_argv_push(out, w)
			: kt_err(EINVAL,
				 "sidecar %s: replay.args[%zu] is not "
				 "a string",
				 s->path, i);
	}
	return err;
}

/* kt_cmd_vm on a copy of the word array: its option parser moves the
 * operands to the front over the option words, so the array it had no
 * longer holds each allocated word once (free the originals from vm). */
static int run_vm(const struct kt_cli_argv *vm)
{
	char **v = calloc(vm->nr + 1, sizeof(*v));
	int rc;

	if (!v) {
		fprintf(stderr, "ktstr replay: out of memory\n");
		return KT_EXIT_INFRA;
	}
	memcpy(v, vm->v, vm->nr * sizeof(*v));
	rc = kt_cmd_vm((int)vm->nr, v);
	free(v);
	return rc;
}

int kt_cmd_replay(int argc, char **argv)
{
	struct replay_args a = {0};
	const struct kt_cli_bind binds[] = {{&replay_group, &a}, {0}};
	struct kt_cli_argv vm = {0};
	struct kt_sidecar s;
	int nr, rc;

	if (!kt_cli_args(&replay_cmd, binds, argc, argv, &nr, &rc))
		return rc;
	if (nr != 1)
		return kt_cli_usage_error("replay",
					  "expected one SIDECAR file");
	if (kt_sidecar_load(argv[1], &s))
		return kt_cli_usage_error("replay", "%s", kt_last_error());
	if (kt_sidecar_verify(&s) || build(&s, &a, &vm))
		rc = kt_cli_usage_error("replay", "%s", kt_last_error());
	if (!rc) {
		fprintf(stderr, "ktstr replay: ktstr");
		for (size_t i = 0; i < vm.nr; i++)
			fprintf(stderr, " %s", vm.v[i]);
		fprintf(stderr, "\n");
		rc = run_vm(&vm);
	}
	kt_cli_argv_free(&vm);
	kt_sidecar_free(&s);
	return rc;
}

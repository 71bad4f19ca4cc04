/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduler options of `ktstr vm`: --scheduler PATH|JSON (a JSON
 * definition or a bare binary), --sched-arg ARG (repeatable) and --flags
 * a,b; everything is checked on the host before anything boots.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <ktstr/common.h>

#include "cli_util.h"
#include "sched_args.h"

static const struct kt_cli_opt sched_opts[] = {
    KT_CLI_STRING("scheduler", 0, "F", struct kt_cli_sched, arg,
		  "the scheduler under test: a JSON definition "
		  "(docs/scheduler.md) or a binary; default EEVDF"),
    KT_CLI_STRINGS("sched-arg", 0, "ARG", struct kt_cli_sched, extra,
		   "one more argument for the scheduler"),
    KT_CLI_STRING("flags", 0, "A,B", struct kt_cli_sched, flags,
		  "the scheduler's flags to switch on (a profile)"),
    {0},
};

const struct kt_cli_group kt_cli_sched_group = {
    .title = "scheduler options",
    .opts = sched_opts,
};

static int check_file(const char *cmd, const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return kt_cli_usage_error(cmd, "%s %s: %s", what, path,
					  strerror(errno));
	if (!S_ISREG(st.st_mode))
		return kt_cli_usage_error(cmd, "%s %s: not a regular file",
					  what, path);
	return 0;
}

int kt_cli_sched_resolve(const char *cmd, struct kt_cli_sched *s)
{
	int err;

	if (!s->arg) {
		if (s->flags || s->extra.nr)
			return kt_cli_usage_error(
			    cmd, "--flags and --sched-arg need "
				 "--scheduler");
		return 0;
	}
	if (check_file(cmd, "--scheduler", s->arg))
		return KT_EXIT_USAGE;
	if (kt_sched_file_is_json(s->arg))
		err = kt_sched_def_load(s->arg, &s->def);
	else
		err = kt_sched_def_from_binary(&s->def, s->arg);
	if (err)
		return kt_cli_usage_error(cmd, "--scheduler: %s",
					  kt_last_error());
	s->has_def = true;
	if (s->def.binary && check_file(cmd, "scheduler binary", s->def.binary))
		return KT_EXIT_USAGE;
	if (kt_sched_def_is_eevdf(&s->def) && (s->flags || s->extra.nr))
		return kt_cli_usage_error(
		    cmd,
		    "scheduler %s has no binary (EEVDF): "
		    "--flags and --sched-arg do not apply",
		    s->def.name);
	if (kt_sched_flags_parse(&s->def, s->flags, &s->mask))
		return kt_cli_usage_error(cmd, "--flags: %s", kt_last_error());
	return 0;
}

void kt_cli_sched_apply(const struct kt_cli_sched *s, struct kt_vm_opts *o)
{
	if (!s->has_def)
		return;
	o->sched = &s->def;
	o->sched_flags = s->mask;
	o->sched_extra_args = s->extra.nr ? s->extra.v : NULL;
}

void kt_cli_sched_free(struct kt_cli_sched *s)
{
	kt_cli_strings_free(&s->extra);
	if (s->has_def)
		kt_sched_def_free(&s->def);
	s->has_def = false;
}

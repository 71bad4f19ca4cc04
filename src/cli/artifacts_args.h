/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a VM run's artifacts (flight-recorder traces, scheduler dumps)
 * go: --artifacts DIR, else beside --json FILE (FILE's directory,
 * "<stem>.artifacts"), else inside --results DIR ("DIR/artifacts"), else
 * a fresh "ktstr-artifacts.XXXXXX" under $TMPDIR (or /tmp). The directory
 * is made only when a first artifact arrives, so a passing run leaves
 * none (docs/recorder.md).
 */
#ifndef KTSTR_CLI_ARTIFACTS_ARGS_H
#define KTSTR_CLI_ARTIFACTS_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <ktstr/vm.h>

/*
 * The artifacts directory of a run (see above) into buf; *fresh = it is
 * a mkdtemp template. -ENAMETOOLONG with a message.
 */
int kt_cli_artifacts_dir(const char *dir, const char *json_path,
			 const char *results_dir, char *buf, size_t len,
			 bool *fresh);

/*
 * Check before anything boots that dir can take artifacts: it, or the
 * first of its parents that exists when up to levels of its trailing
 * names are still to be made (1: DIR or its parent; 2 under --results
 * DIR, which is made too), is a writable directory. A fresh template
 * ("X.XXXXXX") is checked with levels 1. Prints "PROG: OPT DIR: why"
 * (prog: "ktstr vm"; opt: the option that named it) and returns
 * KT_EXIT_USAGE; 0 when fine.
 */
int kt_cli_artifacts_check(const char *prog, const char *opt, const char *dir,
			   unsigned levels);

/* "  artifact KIND: PATH" for each artifact of scenario in res. */
void kt_cli_artifacts_print(const struct kt_vm_result *res,
			    const char *scenario, FILE *f);

#endif

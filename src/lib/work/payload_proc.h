/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One payload process (payload_proc.c): a program started in its own
 * directory and process group with stdout+stderr captured to a file,
 * held at a gate until it is in its cgroup, waited for with a deadline,
 * stopped with SIGTERM then SIGKILL, and its files read back.
 */
#ifndef KTSTR_WORK_PAYLOAD_PROC_H
#define KTSTR_WORK_PAYLOAD_PROC_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include <ktstr/payload.h>

/* The file in a payload's directory that holds its stdout and stderr. */
#define KT_PAYLOAD_OUTPUT "ktstr-output.txt"

struct kt_payload_proc {
	pid_t pid; /* 0: not started */
	int gate;  /* write end of the gate pipe, -1 once released */
	char dir[PATH_MAX];
	bool exited;
	int status;  /* waitpid status once exited */
	bool killed; /* kt_payload_proc_kill() sent a signal */
};

/*
 * Make the directory, write input (NULL = none) into it, fork the child
 * (own process group, SCHED_OTHER, cwd = dir, stdin /dev/null, output to
 * KT_PAYLOAD_OUTPUT) and leave it waiting at the gate. argv[0] is shown,
 * path is executed.
 */
int kt_payload_proc_spawn(const char *path, const char *const *argv,
			  const char *input, struct kt_payload_proc *p);
/* Let the child exec. */
int kt_payload_proc_release(struct kt_payload_proc *p);
/* Wait up to timeout_ns for the exit: 0 exited, -ETIMEDOUT still running. */
int kt_payload_proc_wait(struct kt_payload_proc *p, uint64_t timeout_ns);
/* SIGTERM to the group, up to 1 s, then SIGKILL; reaps it. */
void kt_payload_proc_kill(struct kt_payload_proc *p);
/* A file of its directory as text (malloc'd, NUL-terminated), or NULL. */
char *kt_payload_proc_read(const struct kt_payload_proc *p, const char *name);
/* The last `lines` lines of its output into buf ("" when none). */
void kt_payload_proc_tail(const struct kt_payload_proc *p, unsigned lines,
			  char *buf, size_t len);
/* Kill it if it runs, remove its directory. */
void kt_payload_proc_free(struct kt_payload_proc *p);

#endif

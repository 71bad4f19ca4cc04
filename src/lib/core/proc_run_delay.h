/* SPDX-License-Identifier: GPL-2.0-only */
/* How long a process's threads waited for a CPU (schedstat run delay):
 * how the host treated a QEMU process. */
#ifndef KTSTR_PROC_RUN_DELAY_H
#define KTSTR_PROC_RUN_DELAY_H

#include <stdint.h>
#include <sys/types.h>

/* The sum over pid's live threads of /proc/PID/task/TID/schedstat's
 * second field (ns runnable but not running); 0 or -errno (no such
 * process, no schedstat). No message. */
int kt_proc_run_delay_ns(pid_t pid, uint64_t *ns);

#endif

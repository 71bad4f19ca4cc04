/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PID-1 system setup and teardown: console on stdio, the guest's mounts,
 * cgroup controllers, progress lines, power-off.
 */
#ifndef KTSTR_GUEST_SYSINIT_H
#define KTSTR_GUEST_SYSINIT_H

#include <stddef.h>

#include <ktstr/common.h>

/* Print "ktstr-init: <msg>" on the console (stderr). */
void kt_guest_log(const char *fmt, ...) KT_PRINTF(1, 2);

/*
 * Mount proc, sysfs and devtmpfs, put /dev/console on fds 0-2, then mount
 * cgroup2, debugfs, tracefs, bpffs, devpts and the tmpfs instances.
 * Optional mounts that fail are logged only. Returns 0, or -errno for the
 * first essential mount that failed (proc, sysfs, devtmpfs, cgroup2) with
 * a message in kt_last_error().
 */
int kt_guest_mount_all(void);

/* Write "+cpu +cpuset" (ctrls) to <cgroup_root>/cgroup.subtree_control. */
int kt_guest_enable_controllers(const char *cgroup_root, const char *ctrls);

/* The environment the plan runs in (PATH=/bin:/include, HOME, TERM). */
void kt_guest_setenv(void);

/* Reap every exited child without blocking; returns how many. */
int kt_guest_reap(void);

/* sync() and power off; never returns. In a process other than PID 1
 * (a forked child that got here by mistake) it only _exits(3). */
_Noreturn void kt_guest_poweroff(void);

#endif

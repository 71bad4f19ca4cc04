/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shell mode of the guest: busybox applet links, a one-shot command or an
 * interactive shell on the console, run as child processes of PID 1.
 */
#ifndef KTSTR_GUEST_SHELL_H
#define KTSTR_GUEST_SHELL_H

#define KT_GUEST_BUSYBOX "/bin/busybox"
#define KT_GUEST_SH	 "/bin/sh"

/* /bin/busybox --install -s /bin; 0 or -errno with a message. */
int kt_guest_busybox_install(void);

/*
 * Run /bin/sh -c cmd (cmd NULL: an interactive /bin/sh as session leader
 * with /dev/console as its controlling terminal) and wait for it, reaping
 * any orphans that exit meanwhile. *status gets the wait status. 0 or
 * -errno with a message.
 */
int kt_guest_shell_run(const char *cmd, int *status);

/* Protocol exit code of a shell's wait status: 0 -> 0, else 1. */
int kt_guest_shell_exit_code(int status);
/* The shell-style status of a wait status: 0..255, or 128+N for signal N. */
int kt_guest_shell_status(int status);

#endif

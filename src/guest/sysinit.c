/* SPDX-License-Identifier: GPL-2.0-only */
/* PID-1 setup: console, mounts, cgroup controllers, environment, power-off. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sysinit.h"

struct guest_mount {
	const char *source;
	const char *target;
	const char *fstype;
	unsigned long flags;
	const char *data;
	bool essential;
};

#define NSD (MS_NOSUID | MS_NODEV)

/* Before the console: what /dev/console and the port finder need. */
static const struct guest_mount early_mounts[] = {
    {"proc", "/proc", "proc", NSD | MS_NOEXEC, NULL, true},
    {"sysfs", "/sys", "sysfs", NSD | MS_NOEXEC, NULL, true},
    {"devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755", true},
};

static const struct guest_mount late_mounts[] = {
    {"cgroup2", "/sys/fs/cgroup", "cgroup2", NSD | MS_NOEXEC, NULL, true},
    {"debugfs", "/sys/kernel/debug", "debugfs", NSD | MS_NOEXEC, NULL, false},
    {"tracefs", "/sys/kernel/tracing", "tracefs", NSD | MS_NOEXEC, NULL, false},
    {"bpf", "/sys/fs/bpf", "bpf", NSD | MS_NOEXEC, "mode=0700", false},
    {"devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
     "mode=0620,ptmxmode=0666", false},
    {"tmpfs", "/tmp", "tmpfs", NSD, "mode=1777", false},
    {"tmpfs", "/run", "tmpfs", NSD, "mode=0755", false},
    {"tmpfs", "/dev/shm", "tmpfs", NSD, "mode=1777", false},
};

void kt_guest_log(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fflush(stdout); /* keep report and progress lines in order */
	fprintf(stderr, "ktstr-init: %s\n", buf);
}

static int do_mount(const struct guest_mount *m)
{
	if (mkdir(m->target, 0755) && errno != EEXIST)
		return -errno;
	if (mount(m->source, m->target, m->fstype, m->flags, m->data)) {
		/* Already mounted (e.g. devtmpfs automount) is fine. */
		if (errno == EBUSY)
			return 0;
		return -errno;
	}
	return 0;
}

static int mount_list(const struct guest_mount *list, size_t n)
{
	int first = 0;

	for (size_t i = 0; i < n; i++) {
		const struct guest_mount *m = &list[i];
		int err = do_mount(m);

		if (!err)
			continue;
		kt_guest_log("mount %s on %s: %s%s", m->fstype, m->target,
			     strerror(-err), m->essential ? "" : " (ignored)");
		if (m->essential && !first)
			first = kt_err(-err, "mount %s on %s: %s", m->fstype,
				       m->target, strerror(-err));
	}
	return first;
}

/* stdio on /dev/console, whatever the kernel left us with. */
static void open_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i); /* dup2 clears FD_CLOEXEC on i */
	if (fd > 2)
		close(fd);
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
}

int kt_guest_mount_all(void)
{
	int err, err2;

	err = mount_list(early_mounts, KT_ARRAY_SIZE(early_mounts));
	open_console();
	err2 = mount_list(late_mounts, KT_ARRAY_SIZE(late_mounts));
	if (err) {
		/* Report the first essential failure; re-log it on the console
		 * that may not have existed when it happened. */
		kt_guest_log("%s", kt_last_error());
		return err;
	}
	return err2;
}

int kt_guest_enable_controllers(const char *cgroup_root, const char *ctrls)
{
	char path[512];
	size_t len = strlen(ctrls);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", cgroup_root);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return kt_err(errno, "cgroup: open %s: %s", path,
			      strerror(errno));
	do {
		n = write(fd, ctrls, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = errno;

		close(fd);
		return kt_err(e, "cgroup: write \"%s\" to %s: %s", ctrls, path,
			      strerror(e));
	}
	close(fd);
	if ((size_t)n != len)
		return kt_err(EIO, "cgroup: short write of \"%s\" to %s", ctrls,
			      path);
	return 0;
}

void kt_guest_setenv(void)
{
	setenv("PATH", "/bin:/include", 1);
	setenv("HOME", "/", 1);
	setenv("TERM", "linux", 0);
}

int kt_guest_reap(void)
{
	int n = 0, st;

	while (waitpid(-1, &st, WNOHANG) > 0)
		n++;
	return n;
}

_Noreturn void kt_guest_poweroff(void)
{
	if (getpid() != 1)
		_exit(KT_EXIT_INFRA);
	fflush(NULL);
	sync();
	reboot(RB_POWER_OFF);
	/* Still here: nothing else is safe for PID 1 than waiting. */
	kt_guest_log("power off: %s; halting", strerror(errno));
	for (;;)
		pause();
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Shell mode: busybox links, `sh -c CMD` or an interactive console shell. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "shell.h"
#include "sysinit.h"

extern char **environ;

/* In the child: a clean signal state, then a session on the console. */
static void child_setup(bool own_tty)
{
	sigset_t none;
	int fd;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (!own_tty)
		return;
	setsid();
	fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		return;
	/* Controlling terminal for job control and ^C. */
	ioctl(fd, TIOCSCTTY, 1);
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/* Wait for pid, reaping whatever else exits first (orphans end up here). */
static int wait_for(pid_t pid, const char *what, int *status)
{
	for (;;) {
		int st;
		pid_t w = wait(&st);

		if (w == pid) {
			*status = st;
			return 0;
		}
		if (w < 0 && errno != EINTR)
			return kt_err(errno, "%s: wait: %s", what,
				      strerror(errno));
	}
}

static int spawn_wait(char *const argv[], bool own_tty, int *status)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return kt_err(errno, "%s: fork: %s", argv[0], strerror(errno));
	if (pid == 0) {
		child_setup(own_tty);
		execve(argv[0], argv, environ);
		fprintf(stderr, "ktstr-init: exec %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	return wait_for(pid, argv[0], status);
}

static void describe(const char *what, int st)
{
	if (WIFEXITED(st))
		kt_guest_log("%s exited with status %d", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		kt_guest_log("%s killed by signal %d (%s)", what, WTERMSIG(st),
			     strsignal(WTERMSIG(st)));
}

int kt_guest_busybox_install(void)
{
	char *argv[] = {KT_GUEST_BUSYBOX, "--install", "-s", "/bin", NULL};
	int st, err;

	if (access(KT_GUEST_BUSYBOX, X_OK))
		return kt_err(errno,
			      "shell: %s: %s (shell mode needs busybox in the "
			      "initramfs)",
			      KT_GUEST_BUSYBOX, strerror(errno));
	err = spawn_wait(argv, false, &st);
	if (err)
		return err;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		describe(KT_GUEST_BUSYBOX " --install", st);
		return kt_err(EIO, "shell: %s --install -s /bin failed",
			      KT_GUEST_BUSYBOX);
	}
	return 0;
}

int kt_guest_shell_run(const char *cmd, int *status)
{
	char *argv_cmd[] = {KT_GUEST_SH, "-c", (char *)cmd, NULL};
	char *argv_int[] = {KT_GUEST_SH, NULL};
	int err;

	if (cmd) {
		char line[512];
		size_t i;

		/* One console line, so the host can find where output starts.
		 */
		for (i = 0; cmd[i] && i < sizeof(line) - 1; i++)
			line[i] =
			    cmd[i] == '\n' || cmd[i] == '\r' ? ' ' : cmd[i];
		line[i] = '\0';
		kt_guest_log("running: %s%s", line, cmd[i] ? "..." : "");
	} else
		kt_guest_log("interactive shell on the console; exit it to "
			     "power off");
	err = spawn_wait(cmd ? argv_cmd : argv_int, !cmd, status);
	if (!err)
		describe(cmd ? "command" : "shell", *status);
	return err;
}

int kt_guest_shell_exit_code(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int kt_guest_shell_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

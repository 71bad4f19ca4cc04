/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A payload's process: its private directory (mkdtemp), the output file,
 * the fork held at a gate pipe until the caller has moved it into its
 * cgroup, exec, wait with a deadline, SIGTERM/SIGKILL of its whole
 * process group (stress-ng and rt-app fork or spawn their own workers)
 * and the files it left.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "payload_proc.h"

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 32];
	size_t len = strlen(text);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return kt_err(e, "payload: write %s: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

static __attribute__((noreturn)) void child(const char *path,
					    const char *const *argv,
					    const char *dir, int out, int gate)
{
	struct sched_param sp = {0};
	sigset_t none;
	char c;
	int in = open("/dev/null", O_RDONLY);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sched_setscheduler(0, SCHED_OTHER, &sp);
	if (in >= 0)
		dup2(in, 0);
	dup2(out, 1);
	dup2(out, 2);
	if (read(gate, &c, 1) != 1)
		_exit(126); /* the parent gave up before the release */
	if (chdir(dir))
		dprintf(2, "ktstr: chdir %s: %s\n", dir, strerror(errno));
	else
		execv(path, (char *const *)argv);
	dprintf(2, "ktstr: exec %s: %s\n", path, strerror(errno));
	_exit(127);
}

int kt_payload_proc_spawn(const char *path, const char *const *argv,
			  const char *input, struct kt_payload_proc *p)
{
	char out_path[PATH_MAX + 32];
	int gate[2], out, err;

	memset(p, 0, sizeof(*p));
	p->gate = -1;
	snprintf(p->dir, sizeof(p->dir), "/tmp/ktstr-payload-XXXXXX");
	if (!mkdtemp(p->dir)) {
		p->dir[0] = '\0';
		return kt_err(errno, "payload %s: mkdtemp: %s", argv[0],
			      strerror(errno));
	}
	err = input ? write_file(p->dir, KT_PAYLOAD_INPUT_FILE, input) : 0;
	if (err)
		return err;
	snprintf(out_path, sizeof(out_path), "%s/" KT_PAYLOAD_OUTPUT, p->dir);
	out = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0)
		return kt_err(errno, "payload %s: create %s: %s", argv[0],
			      out_path, strerror(errno));
	if (pipe2(gate, O_CLOEXEC)) {
		close(out);
		return kt_err(errno, "payload %s: pipe: %s", argv[0],
			      strerror(errno));
	}
	p->pid = fork();
	if (p->pid == 0)
		child(path, argv, p->dir, out, gate[0]);
	err = p->pid < 0 ? errno : 0;
	close(out);
	close(gate[0]);
	if (err) {
		p->pid = 0;
		close(gate[1]);
		return kt_err(err, "payload %s: fork: %s", argv[0],
			      strerror(err));
	}
	setpgid(p->pid, p->pid); /* no race with the child's own call */
	p->gate = gate[1];
	return 0;
}

int kt_payload_proc_release(struct kt_payload_proc *p)
{
	int err = 0;

	if (p->gate < 0)
		return 0;
	if (write(p->gate, "g", 1) != 1)
		err = kt_err(errno, "payload: release pid %d: %s", (int)p->pid,
			     strerror(errno));
	close(p->gate);
	p->gate = -1;
	return err;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int kt_payload_proc_wait(struct kt_payload_proc *p, uint64_t timeout_ns)
{
	uint64_t end = now_ns() + timeout_ns;

	while (p->pid && !p->exited) {
		pid_t r = waitpid(p->pid, &p->status, WNOHANG);

		if (r == p->pid || (r < 0 && errno != EINTR)) {
			p->exited = true;
			break;
		}
		if (now_ns() >= end)
			return -ETIMEDOUT;
		usleep(10000);
	}
	return 0;
}

void kt_payload_proc_kill(struct kt_payload_proc *p)
{
	if (!p->pid || p->exited)
		return;
	if (p->gate >= 0) { /* a gated child exits at a closed gate */
		close(p->gate);
		p->gate = -1;
	}
	p->killed = true;
	kill(-p->pid, SIGTERM);
	if (kt_payload_proc_wait(p, 1000000000ull)) {
		kill(-p->pid, SIGKILL);
		kt_payload_proc_wait(p, 5000000000ull);
	}
	/* what the group left behind (children that ignored SIGTERM) */
	kill(-p->pid, SIGKILL);
}

char *kt_payload_proc_read(const struct kt_payload_proc *p, const char *name)
{
	char path[PATH_MAX + 64], *buf = NULL;
	size_t len = 0;
	FILE *f, *m;

	snprintf(path, sizeof(path), "%s/%s", p->dir, name);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	if (m) {
		char chunk[8192];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			fwrite(chunk, 1, n, m);
		fclose(m);
	}
	fclose(f);
	return buf;
}

void kt_payload_proc_tail(const struct kt_payload_proc *p, unsigned lines,
			  char *buf, size_t len)
{
	char *text = kt_payload_proc_read(p, KT_PAYLOAD_OUTPUT);
	size_t n = text ? strlen(text) : 0;
	const char *start = text;

	buf[0] = '\0';
	if (!text)
		return;
	while (n && text[n - 1] == '\n')
		text[--n] = '\0';
	for (size_t i = n; i-- > 0;) {
		if (text[i] == '\n' && !--lines) {
			start = text + i + 1;
			break;
		}
	}
	/* the end of the output matters most: keep the last len-1 bytes */
	if (strlen(start) >= len)
		start += strlen(start) - (len - 1);
	snprintf(buf, len, "%s", start);
	free(text);
}

void kt_payload_proc_free(struct kt_payload_proc *p)
{
	DIR *d;
	struct dirent *e;

	kt_payload_proc_kill(p);
	if (p->gate >= 0)
		close(p->gate);
	p->gate = -1;
	if (!p->dir[0])
		return;
	d = opendir(p->dir);
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	rmdir(p->dir);
	p->dir[0] = '\0';
}

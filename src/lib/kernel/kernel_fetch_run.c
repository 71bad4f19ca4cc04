/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The plumbing of a kernel fetch: paths that must fit, directories, log
 * tails for messages, and running apt-get, apt-cache and dpkg-deb (C
 * locale, stderr in a log, killed on SIGINT/SIGTERM/SIGHUP, which turn
 * the fetch into -EINTR).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel_fetch.h"

extern char **environ;

static volatile sig_atomic_t fetch_signal;

static void on_signal(int sig)
{
	fetch_signal = sig;
}

static const int caught[KT_FETCH_NR_SIGNALS] = {SIGINT, SIGTERM, SIGHUP};

void kt_fetch_catch_signals(struct kt_fetch *f)
{
	struct sigaction sa = {.sa_handler = on_signal};

	fetch_signal = 0;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < KT_ARRAY_SIZE(caught); i++)
		sigaction(caught[i], &sa, &f->old[i]);
}

void kt_fetch_restore_signals(struct kt_fetch *f)
{
	for (size_t i = 0; i < KT_ARRAY_SIZE(caught); i++)
		sigaction(caught[i], &f->old[i], NULL);
}

int kt_fetch_interrupted(void)
{
	if (!fetch_signal)
		return 0;
	return kt_err(EINTR,
		      "kernel fetch: interrupted by %s; temp files "
		      "removed",
		      strsignal(fetch_signal));
}

int kt_fetch_fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return kt_err(ENAMETOOLONG,
			      "kernel fetch: path too long: "
			      "%.200s",
			      buf);
	return 0;
}

int kt_fetch_mkdir_p(const char *path)
{
	char p[KT_FETCH_PATH_LEN];
	int err;

	err = kt_fetch_fmt(p, sizeof(p), "%s", path);
	if (err)
		return err;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		goto fail;
	return 0;
fail:
	err = errno;
	return kt_err(err, "mkdir %s: %s", p, strerror(err));
}

/* Copy s into d (size n), truncating; no format-truncation warnings. */
void kt_fetch_scopy(char *d, size_t n, const char *s)
{
	size_t m = strnlen(s, n - 1);

	memcpy(d, s, m);
	d[m] = '\0';
}

/* The last lines of a log file (at most len-1 bytes), for error messages. */
void kt_fetch_log_tail(const char *log, char *out, size_t len)
{
	char buf[4096];
	size_t n, start;
	FILE *fp;

	out[0] = '\0';
	fp = fopen(log, "re");
	if (!fp)
		return;
	if (fseek(fp, 0, SEEK_END) == 0) {
		long size = ftell(fp);

		if (size > (long)(len - 1))
			fseek(fp, size - (long)(len - 1), SEEK_SET);
		else
			rewind(fp);
	}
	n = fread(buf, 1, sizeof(buf) - 1 < len - 1 ? sizeof(buf) - 1 : len - 1,
		  fp);
	fclose(fp);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	start = 0;
	if (n == len - 1) { /* cut: start at a line boundary */
		char *nl = strchr(buf, '\n');

		if (nl)
			start = (size_t)(nl + 1 - buf);
	}
	kt_fetch_scopy(out, len, buf + start);
}

/* environ with LC_ALL=C first, so apt's output is not translated. */
static char **c_locale_env(void)
{
	size_t n = 0, j = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	env[j++] = "LC_ALL=C";
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LC_ALL=", 7) &&
		    strncmp(environ[i], "LANGUAGE=", 9))
			env[j++] = environ[i];
	return env;
}

/* "apt-cache show pkg" from argv: the program and its non-option words. */
static void describe(char *const argv[], char *buf, size_t len)
{
	size_t used = 0;
	int words = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i] && words < 4; i++) {
		int w;

		if (i && !strcmp(argv[i], "-o") && argv[i + 1]) {
			i++;
			continue;
		}
		if (i && argv[i][0] == '-')
			continue;
		w = snprintf(buf + used, len - used, "%s%s", i ? " " : "",
			     argv[i]);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
		words++;
	}
}

int kt_fetch_run(struct kt_fetch *f, const char *name, char *const argv[],
		 const char *cwd, const char *out)
{
	posix_spawn_file_actions_t fa;
	char log[KT_FETCH_PATH_LEN + 64], tail[1200], desc[512];
	int err, status = 0;
	char **env;
	pid_t pid;

	err = kt_fetch_interrupted();
	if (err)
		return err;
	err = kt_fetch_fmt(log, sizeof(log), "%s/%s.log", f->tmp, name);
	if (err)
		return err;
	env = c_locale_env();
	if (!env)
		return kt_err(ENOMEM, "kernel fetch: %s: out of memory", name);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, log,
					 O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (out)
		posix_spawn_file_actions_addopen(
		    &fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	else
		posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	if (err)
		return kt_err(err, "kernel fetch: start %s: %s", argv[0],
			      strerror(err));
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			err = errno;
			return kt_err(err, "kernel fetch: wait for %s: %s",
				      argv[0], strerror(err));
		}
		if (fetch_signal)
			kill(pid, SIGTERM);
	}
	err = kt_fetch_interrupted();
	if (err)
		return err;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	kt_fetch_log_tail(log, tail, sizeof(tail));
	describe(argv, desc, sizeof(desc));
	if (WIFEXITED(status))
		return kt_err(EIO, "kernel fetch: %s failed (exit %d): %s",
			      desc, WEXITSTATUS(status),
			      tail[0] ? tail : "no output");
	return kt_err(EIO, "kernel fetch: %s killed by %s: %s", desc,
		      strsignal(WTERMSIG(status)),
		      tail[0] ? tail : "no output");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Running the ktstr command from a unit test (ktstr_bin_util.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktstr_bin_util.h"

static void slurp(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < len && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
}

int kt_run_ktstr(const char *const *env, char *out, size_t out_len, char *err,
		 size_t err_len, const char *first, va_list ap)
{
	const char *bin = getenv("KTSTR_BIN");
	char *argv[32];
	int o[2], e[2], status, n = 0;
	pid_t pid;

	assert_non_null(bin);
	argv[n++] = (char *)bin;
	for (const char *a = first; a && n < 31; a = va_arg(ap, const char *))
		argv[n++] = (char *)a;
	argv[n] = NULL;
	assert_int_equal(pipe(o), 0);
	assert_int_equal(pipe(e), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(e[0]);
		for (size_t i = 0; env && env[i] && env[i + 1]; i += 2)
			setenv(env[i], env[i + 1], 1);
		execv(bin, argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	/* Outputs here are small; read stdout fully, then stderr. */
	slurp(o[0], out, out_len);
	slurp(e[0], err, err_len);
	close(o[0]);
	close(e[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

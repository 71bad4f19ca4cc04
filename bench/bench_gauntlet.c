/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Benchmark: gauntlet throughput on this machine, in variants per hour.
 * Runs `ktstr gauntlet steady --presets tiny,llc,numa --duration D`
 * (EEVDF, three VMs, -j as the gauntlet picks) into a temp results
 * directory and prints its wall time, the VMs' own boot and wall times
 * from the sidecars, and variants per hour = 3600 x variants / wall.
 * Prints numbers only: it never fails on speed; no kernel or a failing
 * gauntlet is exit 0 with "skipped: ..." (exit 1 only when it could not
 * start at all).
 *
 * usage: bench_gauntlet [--duration S]
 * env: KTSTR_BIN (default ../ktstr next to this binary), KTSTR_KERNEL,
 * KTSTR_ACCEL as for ktstr.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include <ktstr/results.h>

extern char **environ;

#define PRESETS	    "tiny,llc,numa"
#define NR_VARIANTS 3

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void find_ktstr(const char *argv0, char *out, size_t len)
{
	char self[PATH_MAX - 16];
	ssize_t n;

	if (getenv("KTSTR_BIN")) {
		snprintf(out, len, "%s", getenv("KTSTR_BIN"));
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	if (n <= 0)
		snprintf(self, sizeof(self), "%s", argv0);
	*strrchr(self, '/') = '\0';
	snprintf(out, len, "%s/../ktstr", self);
}

static int run(char **argv, const char *log)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, err;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		return -err;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void per_vm(const char *dir)
{
	const char *dirs[] = {dir};
	struct kt_results r;

	if (kt_results_load(dirs, 1, &r))
		return;
	for (size_t i = 0; i < r.nr; i++) {
		json_t *rep = json_object_get(r.s[i].root, "report");

		printf(
		    "  %-40s boot %5.2f s, VM %5.2f s\n", r.s[i].variant,
		    json_integer_value(json_object_get(rep, "boot_ms")) / 1e3,
		    json_integer_value(json_object_get(rep, "wall_ms")) / 1e3);
	}
	kt_results_free(&r);
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void show_tail(const char *log)
{
	FILE *f = fopen(log, "r");
	char line[512];
	long n = 0;

	while (f && fgets(line, sizeof(line), f))
		if (n++ < 40)
			printf("  | %s", line);
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	const char *dur =
	    argc == 3 && !strcmp(argv[1], "--duration") ? argv[2] : "1";
	char ktstr[PATH_MAX], dir[PATH_MAX], res[PATH_MAX + 8],
	    log[PATH_MAX + 8];
	char *args[] = {ktstr,	 "gauntlet",   "steady",    "--presets",
			PRESETS, "--duration", (char *)dur, "--budget",
			"30m",	 "--results",  res,	    NULL};
	double t0, wall;
	int rc;

	if (argc != 1 && argc != 3) {
		fprintf(stderr, "usage: bench_gauntlet [--duration S]\n");
		return 2;
	}
	find_ktstr(argv[0], ktstr, sizeof(ktstr));
	snprintf(dir, sizeof(dir), "%s/ktstr-bench-g.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (access(ktstr, X_OK) || !mkdtemp(dir)) {
		fprintf(stderr, "bench_gauntlet: %s: %s\n", ktstr,
			strerror(errno));
		return 1;
	}
	snprintf(res, sizeof(res), "%s/r", dir);
	snprintf(log, sizeof(log), "%s/log", dir);
	printf("gauntlet throughput: steady, presets %s, %s s, EEVDF\n",
	       PRESETS, dur);
	t0 = now_s();
	rc = run(args, log);
	wall = now_s() - t0;
	if (rc) {
		printf("skipped: the gauntlet exited %d\n", rc);
		show_tail(log);
	} else {
		per_vm(res);
		printf(
		    "  wall %.1f s for %d variants: %.0f variants per hour\n",
		    wall, NR_VARIANTS, 3600.0 * NR_VARIANTS / wall);
	}
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

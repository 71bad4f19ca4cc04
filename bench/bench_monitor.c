/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Benchmark: what the host-side monitor (docs/monitor.md) gives and costs.
 * It runs `ktstr vm --topo T --duration D --json FILE steady` (default
 * 1n2l2c1t: 4 vCPUs, 3 s) in pairs, one VM with the monitor and one with
 * --no-monitor, the order alternating pair by pair (on-off, off-on, ...)
 * so a drift of the host's load hits both sides alike. From each run's
 * --json: the monitor's samples per second per CPU (`rate_per_cpu`; the
 * issue asks >= 9 in a 4-vCPU TCG guest), the sampler thread's own host
 * CPU time (`host_cpu_ms`) and the SpinWait work rate (the workers' units
 * over their wall time, summed). Around each run, getrusage
 * (RUSAGE_CHILDREN) gives the CPU time of the `ktstr vm` child with the
 * QEMU it reaps (the vCPU threads, the sampler, the rest of ktstr): the
 * sampler's share of it bounds what it can take from the vCPUs on a host
 * where it competes with them (the issue asks <= 2% of the SpinWait
 * rate). The work rates with and without the monitor, their ratio and
 * its per-pair spread are printed too, with the VM-to-VM noise beside
 * them. It never fails on speed: no kernel, QEMU or ktstr is "skipped"
 * with exit 0; exit 1 only if a VM could not run.
 *
 * usage: bench_monitor [-n PAIRS] [--topo SHAPE] [--duration S]
 * env: KTSTR_BENCH_MONITOR_PAIRS (default 3), KTSTR_BIN (default ../ktstr
 * next to this binary), KTSTR_KERNEL, KTSTR_QEMU, KTSTR_ACCEL as for
 * ktstr.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/kernel.h>

#include "bench_host.h"

#define MAX_PAIRS     20
#define DEFAULT_PAIRS 3

struct bench {
	char ktstr[PATH_MAX], kernel[PATH_MAX], dir[PATH_MAX];
	const char *topo;
	double duration_s;
	unsigned pairs;
};

/* One VM run, from its --json and its rusage. */
struct run {
	bool monitor;
	int rc;
	bool mon_enabled;
	double wall_s, host_wait_s;
	double units_per_s; /* SpinWait: sum over workers of units / wall */
	double rate_per_cpu, sampler_ms;
	double cpu_s; /* `ktstr vm` + QEMU: user + system */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* The temp dir with the runs' JSON, logs and any artifacts under it. */
static void remove_dir(struct bench *b)
{
	if (b->dir[0])
		nftw(b->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	b->dir[0] = '\0';
}

static double cpu_secs(const struct rusage *u)
{
	return (double)u->ru_utime.tv_sec + u->ru_utime.tv_usec / 1e6 +
	       (double)u->ru_stime.tv_sec + u->ru_stime.tv_usec / 1e6;
}

/* The SpinWait work rate: every worker's units over its wall time. */
static double work_rate(json_t *results)
{
	json_t *res, *w;
	size_t i, k;
	double sum = 0;

	json_array_foreach(results, i, res)
	{
		json_array_foreach(json_object_get(res, "workers"), k, w)
		{
			double units = (double)json_integer_value(
			    json_object_get(w, "work_units"));
			double wall = (double)json_integer_value(
			    json_object_get(w, "wall_time_ns"));

			if (wall > 0)
				sum += units / (wall / 1e9);
		}
	}
	return sum;
}

/* What the run's --json says; false when it has no result. */
static bool read_report(const char *path, struct run *r)
{
	json_t *j = json_load_file(path, 0, NULL), *mon;
	bool ok;

	if (!j)
		return false;
	r->wall_s = json_integer_value(json_object_get(j, "wall_ms")) / 1e3;
	r->host_wait_s =
	    json_integer_value(json_object_get(j, "host_wait_ms")) / 1e3;
	r->units_per_s = work_rate(json_object_get(j, "results"));
	mon = json_object_get(j, "monitor");
	r->mon_enabled = json_is_true(json_object_get(mon, "enabled"));
	r->rate_per_cpu =
	    json_number_value(json_object_get(mon, "rate_per_cpu"));
	r->sampler_ms = json_number_value(json_object_get(mon, "host_cpu_ms"));
	ok = json_array_size(json_object_get(j, "results")) > 0;
	json_decref(j);
	return ok;
}

/* The last 2 KiB of a log on stderr. */
static void show_tail(const char *path)
{
	char buf[2048];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		if (!fseek(f, -(long)sizeof(buf), SEEK_END) || !fseek(f, 0, 0))
			n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	fprintf(stderr, "%.*s\n", (int)n, buf);
}

/* Start `ktstr vm ... steady` with its output in log; the pid or < 0. */
static pid_t spawn_vm(const struct bench *b, bool monitor, const char *json,
		      const char *log)
{
	char dur[32];
	/* "--no-monitor steady" or "steady" */
	char *argv[] = {(char *)b->ktstr,
			"vm",
			"--topo",
			(char *)b->topo,
			"--duration",
			dur,
			"--kernel",
			(char *)b->kernel,
			"--json",
			(char *)json,
			"--quiet",
			monitor ? "steady" : "--no-monitor",
			monitor ? NULL : "steady",
			NULL};
	pid_t parent = getpid(), pid;
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	snprintf(dur, sizeof(dur), "%g", b->duration_s);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		dprintf(fd, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		pid = -errno;
	close(fd);
	return pid;
}

/* One VM: false if it could not run (the log's tail says why). */
static bool run_vm(const struct bench *b, bool monitor, struct run *r)
{
	char json[PATH_MAX + 16], log[PATH_MAX + 16];
	struct rusage u0, u1;
	int status = 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->monitor = monitor;
	snprintf(json, sizeof(json), "%s/vm.json", b->dir);
	snprintf(log, sizeof(log), "%s/vm.log", b->dir);
	unlink(json);
	getrusage(RUSAGE_CHILDREN, &u0);
	pid = spawn_vm(b, monitor, json, log);
	if (pid < 0) {
		fprintf(stderr, "bench_monitor: run %s: %s\n", b->ktstr,
			strerror((int)-pid));
		return false;
	}
	/* A ^C reaches ktstr too (same process group); a SIGTERM to us is
	 * passed on. Either way ktstr ends its QEMU and cleans up. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		if (stop_signal == SIGTERM)
			kill(pid, SIGTERM);
	getrusage(RUSAGE_CHILDREN, &u1);
	r->cpu_s = cpu_secs(&u1) - cpu_secs(&u0);
	r->rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	/* FAIL (a scheduler verdict) and INCONCLUSIVE (a host stall on a
	 * loaded host) still ran the workers: the rates count. */
	if ((r->rc == KT_EXIT_PASS || r->rc == KT_EXIT_FAIL ||
	     r->rc == KT_EXIT_INCONCLUSIVE) &&
	    read_report(json, r))
		return true;
	fprintf(stderr,
		"bench_monitor: ktstr vm%s ended %d without a result%s; the "
		"end of its output:\n",
		monitor ? "" : " --no-monitor", r->rc,
		stop_signal ? " (interrupted)" : "");
	show_tail(log);
	return false;
}

static void print_run(unsigned i, const struct run *r)
{
	printf("  run %2u %-12s rc %d, wall %5.1f s, host wait %4.1f s, "
	       "SpinWait %.4g units/s, CPU (ktstr vm + QEMU) %.1f s",
	       i, r->monitor ? "monitor" : "--no-monitor", r->rc, r->wall_s,
	       r->host_wait_s, r->units_per_s, r->cpu_s);
	if (r->monitor && r->mon_enabled)
		printf(", %.2f samples/s per CPU, sampler %.1f ms",
		       r->rate_per_cpu, r->sampler_ms);
	else if (r->monitor)
		printf(", monitor NOT enabled (see its --json reason)");
	printf("\n");
}

/* Samples per second per CPU and the sampler's share of the CPU time. */
static void report_sampler(const struct run *runs, unsigned n)
{
	double rate[2 * MAX_PAIRS], share[2 * MAX_PAIRS], ms = 0, cpu = 0;
	double mrate, mshare;
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct run *r = &runs[i];

		if (!r->monitor || !r->mon_enabled)
			continue;
		rate[k] = r->rate_per_cpu;
		share[k] = r->cpu_s > r->sampler_ms / 1e3
			       ? 100.0 * r->sampler_ms /
				     (1e3 * r->cpu_s - r->sampler_ms)
			       : 0;
		ms += r->sampler_ms;
		cpu += r->cpu_s;
		k++;
	}
	if (!k) {
		printf("sampling rate: no run had the monitor enabled\n");
		return;
	}
	mrate = median(rate, k); /* sorts */
	mshare = median(share, k);
	printf("sampling rate: %.2f samples/s per CPU (median of %u runs, "
	       "%.2f-%.2f; the issue asks >= 9 in a 4-vCPU TCG guest)\n",
	       mrate, k, rate[0], rate[k - 1]);
	printf("sampler's host CPU: %.1f ms per run against %.1f s of QEMU and "
	       "the rest of ktstr vm: %.4f%% (median %.4f%%, max %.4f%%); "
	       "that bounds what it can take from the vCPUs on a host where "
	       "it competes with them (the issue asks <= 2%%)\n",
	       ms / k, cpu / k - ms / k / 1e3, 100.0 * ms / (1e3 * cpu - ms),
	       mshare, share[k - 1]);
}

static double spread_pct(const double *v, unsigned n)
{
	double lo = v[0], hi = v[0];

	for (unsigned i = 1; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	return lo > 0 ? 100.0 * (hi / lo - 1) : 0;
}

/* The SpinWait rates with and without the monitor, pair by pair. */
static void report_rates(const struct run *runs, unsigned pairs)
{
	double on[MAX_PAIRS], off[MAX_PAIRS], ratio[MAX_PAIRS];
	double son = 0, soff = 0, cpu_on = 0, cpu_off = 0, spread;
	double wall_on = 0, wall_off = 0;

	printf("SpinWait work rate, per pair (on/off):");
	for (unsigned p = 0; p < pairs; p++) {
		const struct run *a = &runs[2 * p], *b = &runs[2 * p + 1];
		const struct run *m = a->monitor ? a : b,
				 *x = a->monitor ? b : a;

		on[p] = m->units_per_s;
		off[p] = x->units_per_s;
		ratio[p] = off[p] > 0 ? 100.0 * on[p] / off[p] : 0;
		son += on[p];
		soff += off[p];
		cpu_on += m->cpu_s;
		cpu_off += x->cpu_s;
		wall_on += m->wall_s;
		wall_off += x->wall_s;
		printf(" %.1f%%", ratio[p]);
	}
	printf("\n");
	spread = spread_pct(ratio, pairs);
	printf("SpinWait work rate: %.4g units/s with the monitor, %.4g with "
	       "--no-monitor: on/off = %.1f%% (per-pair median %.1f%%, "
	       "spread %.1f%%); per run, wall %.1f s vs %.1f s (the "
	       "monitored guest reads /proc/kallsyms at boot), CPU of ktstr vm "
	       "+ QEMU %.1f s vs %.1f s\n",
	       son / pairs, soff / pairs, soff > 0 ? 100.0 * son / soff : 0,
	       median(ratio, pairs), spread, wall_on / pairs, wall_off / pairs,
	       cpu_on / pairs, cpu_off / pairs);
	printf("VM-to-VM noise: the --no-monitor runs differ by %.1f%% "
	       "(max/min), the monitored ones by %.1f%%. VM-to-VM noise on a "
	       "shared host (other VMs, TCG, boot order) is large: a ratio of "
	       "a few VMs resolves no cost below it, and the sampler's CPU "
	       "share above is the tighter bound on the 2%%\n",
	       spread_pct(off, pairs), spread_pct(on, pairs));
}

/* ktstr ($KTSTR_BIN or ../ktstr), the kernel, QEMU; false = skip. */
static bool find_tools(struct bench *b)
{
	char qemu[PATH_MAX];
	const char *env = getenv("KTSTR_BIN");
	char self[PATH_MAX - 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char config[PATH_MAX];

	if (n <= 0 || n == (ssize_t)sizeof(self) - 1)
		snprintf(self, sizeof(self), ".");
	else
		self[n] = '\0';
	if (strrchr(self, '/'))
		*strrchr(self, '/') = '\0';
	if (env && *env)
		snprintf(b->ktstr, sizeof(b->ktstr), "%s", env);
	else
		snprintf(b->ktstr, sizeof(b->ktstr), "%s/../ktstr", self);
	if (kt_kernel_resolve(NULL, b->kernel, sizeof(b->kernel), config,
			      sizeof(config))) {
		printf("bench_monitor: %s\nskipped: no kernel\n",
		       kt_last_error());
		return false;
	}
	if (!bench_find_qemu(qemu, sizeof(qemu))) {
		printf("bench_monitor: QEMU not found (qemu-system-x86 package "
		       "or KTSTR_QEMU)\nskipped: no QEMU\n");
		return false;
	}
	if (access(b->ktstr, X_OK)) {
		printf("bench_monitor: need %s (`make bench` builds it; "
		       "KTSTR_BIN overrides)\nskipped: not built\n",
		       b->ktstr);
		return false;
	}
	return true;
}

/* The pairs, on-off then off-on...; 0, or 1 if a VM could not run. */
static int run_pairs(struct bench *b)
{
	struct run runs[2 * MAX_PAIRS];
	unsigned n = 0;

	printf("bench_monitor: %u pairs of `ktstr vm --topo %s --duration %g "
	       "steady`, with the monitor and with --no-monitor, the order "
	       "alternating\n  kernel %s\n",
	       b->pairs, b->topo, b->duration_s, b->kernel);
	for (unsigned p = 0; p < b->pairs; p++) {
		for (unsigned k = 0; k < 2; k++, n++) {
			bool monitor = p % 2 == k;

			if (stop_signal || !run_vm(b, monitor, &runs[n]))
				return 1;
			print_run(n + 1, &runs[n]);
		}
	}
	report_sampler(runs, n);
	report_rates(runs, b->pairs);
	return 0;
}

static unsigned pairs_default(void)
{
	const char *env = getenv("KTSTR_BENCH_MONITOR_PAIRS");
	char *end;
	long v;

	if (!env || !*env)
		return DEFAULT_PAIRS;
	v = strtol(env, &end, 10);
	return *end || v < 1 || v > MAX_PAIRS ? DEFAULT_PAIRS : (unsigned)v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"topo", required_argument, NULL, 't'},
	    {"duration", required_argument, NULL, 'd'},
	    {0},
	};
	struct bench b = {.topo = "1n2l2c1t", .duration_s = 3.0};
	struct sigaction sa = {.sa_handler = on_signal};
	const char *tmp = getenv("TMPDIR");
	char *end;
	long v;
	int c, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	b.pairs = pairs_default();
	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > MAX_PAIRS)
				goto usage;
			b.pairs = (unsigned)v;
			break;
		case 't':
			b.topo = optarg;
			break;
		case 'd':
			b.duration_s = strtod(optarg, &end);
			if (*end || !(b.duration_s >= 1 && b.duration_s <= 60))
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind < argc)
		goto usage;
	if (!find_tools(&b))
		return 0;
	snprintf(b.dir, sizeof(b.dir), "%s/ktstr-bench-monitor.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(b.dir)) {
		fprintf(stderr, "bench_monitor: mkdtemp %s: %s\n", b.dir,
			strerror(errno));
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = run_pairs(&b);
	remove_dir(&b);
	return rc;
usage:
	fprintf(stderr,
		"usage: bench_monitor [-n PAIRS (1-%d)] [--topo SHAPE] "
		"[--duration S (1-60)]\n",
		MAX_PAIRS);
	return KT_EXIT_USAGE;
}

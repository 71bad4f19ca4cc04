/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Benchmark: what `ktstr vm` costs on top of a bare kernel boot. Each run
 * (1) boots the kernel with bare_init (a static /init that powers off at
 * once, built next to this binary) in a cpio from the same writer, with
 * the same QEMU argv builder, topology, memory and accelerator as `ktstr
 * vm`, timed from QEMU spawn to QEMU exit: once from the bzImage and,
 * when the kernel has a PVH vmlinux (kt_vm_boot_image), once through the
 * PVH entry; and (2) runs `ktstr vm --topo T --duration D steady`, timed
 * around the whole command. The three alternate within each run, so a
 * change in host load hits them alike. It prints every run, the medians,
 * overhead = (ktstr - D) / bare bzImage - 1 against the aim of at most
 * 15%, and the ratio (ktstr - the scenario's own time from the --json
 * report) / bare boot, against the bare bzImage boot (the aim: at most
 * 0.9) and against the bare PVH boot (what is left to win on the same
 * boot path). Context, not verdicts: it never fails on speed; no kernel
 * or no QEMU is "skipped" with exit 0; exit 1 only if a boot could not
 * run at all.
 *
 * usage: bench_vm_boot [-n RUNS] [--topo SHAPE] [--duration S]
 * env: KTSTR_BENCH_RUNS (default 3), KTSTR_BIN (default ../ktstr next to
 * this binary), KTSTR_KERNEL, KTSTR_QEMU, KTSTR_ACCEL, KTSTR_BOOT as for
 * ktstr.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/kernel.h>
#include <ktstr/vm.h>

#include "bench_host.h"
#include "vm/boot_image.h"
#include "vm/console_scan.h"
#include "vm/cpio.h"
#include "vm/qemu_cmd.h"
#include "vm/strv.h"

#define MAX_RUNS     50
#define AIM_PCT	     15.0
#define AIM_RATIO    0.9
#define BARE_TIMEOUT KT_SEC(120)
#define POLL_NS	     KT_MS(1)

extern char **environ;

struct bench {
	struct kt_topo_spec topo;
	const char *topo_name;
	double duration_s;
	unsigned runs;
	enum kt_accel accel;
	char kernel[PATH_MAX], config[PATH_MAX], qemu[PATH_MAX];
	char vmlinux[PATH_MAX]; /* the PVH vmlinux, or "" */
	char ktstr[PATH_MAX], init[PATH_MAX];
	char dir[512]; /* mkdtemp; "" when none */
};

/* One ktstr run, as its --json report tells it. */
struct ktstr_run {
	double total_s; /* around the command */
	double boot_s;	/* QEMU start -> guest `boot` message */
	double wall_s;	/* QEMU start -> QEMU end */
	double scen_s;	/* the scenarios' own time (results' duration_ns) */
	char boot[16];	/* "pvh" or "bzimage", as the report says */
	int rc;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, unsigned n)
{
	double s[MAX_RUNS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void path_in(const struct bench *b, char *out, size_t len,
		    const char *name)
{
	snprintf(out, len, "%s/%s", b->dir, name);
}

/* The temp dir is flat: remove its files, then it. */
static void remove_dir(struct bench *b)
{
	DIR *d;
	struct dirent *e;

	if (!b->dir[0])
		return;
	d = opendir(b->dir);
	if (d) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(b->dir);
	b->dir[0] = '\0';
}

/* bare_init next to this binary; ktstr from $KTSTR_BIN or ../ktstr. */
static int find_binaries(struct bench *b)
{
	char self[PATH_MAX - 32], *slash; /* room for "/bare_init" */
	const char *env = getenv("KTSTR_BIN");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0 || n == (ssize_t)sizeof(self) - 1)
		return -ENAMETOOLONG;
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	snprintf(b->init, sizeof(b->init), "%s/bare_init", self);
	if (env && *env)
		snprintf(b->ktstr, sizeof(b->ktstr), "%s", env);
	else
		snprintf(b->ktstr, sizeof(b->ktstr), "%s/../ktstr", self);
	return 0;
}

/*
 * fork + execve argv with stdin from /dev/null and stdout/stderr to log.
 * The child dies with deathsig if we do; own_group keeps a terminal ^C
 * from reaching it (we end it ourselves).
 */
static pid_t spawn(char **argv, const char *log, int deathsig, bool own_group)
{
	pid_t parent = getpid(), pid;
	int logfd, nullfd;

	logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (logfd < 0)
		return -errno;
	nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nullfd < 0) {
		close(logfd);
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, deathsig);
		if (getppid() != parent)
			_exit(127);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (own_group)
			setpgid(0, 0);
		dup2(nullfd, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		execve(argv[0], argv, environ);
		dprintf(logfd, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		pid = -errno;
	close(logfd);
	close(nullfd);
	return pid;
}

/*
 * Wait for pid; *end_ns is when it was reaped (1 ms resolution). On a
 * signal or after timeout_ns, end it with stop_sig (then SIGKILL after
 * 10 s) and return -EINTR / -ETIMEDOUT.
 */
static int wait_child(pid_t pid, uint64_t timeout_ns, int stop_sig, int *status,
		      uint64_t *end_ns)
{
	uint64_t t0 = kt_now_ns(), deadline = t0 + timeout_ns;
	int err = 0;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		*end_ns = kt_now_ns();
		if (r == pid)
			return err;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (!err && (stop_signal || *end_ns > deadline)) {
			err = stop_signal ? -EINTR : -ETIMEDOUT;
			kill(pid, stop_sig);
			deadline = *end_ns + KT_SEC(10);
		} else if (err && *end_ns > deadline) {
			kill(pid, SIGKILL);
		}
		kt_sleep(POLL_NS);
	}
}

/* The last lines of a log file on stderr, to say why a run failed. */
static void show_tail(const char *what, const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[8192];
	size_t n = 0;
	char *tail;

	if (f) {
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	tail = kt_console_tail(buf, n, 15);
	fprintf(stderr, "--- %s (%s), last lines:\n%s\n", what, path,
		tail ? tail : "");
	free(tail);
}

/* The bare initramfs: /dev/console (as ktstr's has) and /init. */
static int write_bare_initrd(const struct bench *b, const char *out)
{
	struct kt_cpio *c;
	FILE *f = fopen(out, "wxe");
	int err;

	if (!f)
		return kt_err(errno, "create %s: %s", out, strerror(errno));
	err = kt_cpio_new(f, &c);
	if (!err) {
		err = kt_cpio_node(c, "/dev/console", S_IFCHR, 0600, 5, 1);
		err = err ?: kt_cpio_file_from_path(c, "/init", 0755, b->init);
		if (err)
			kt_cpio_free(c);
		else
			err = kt_cpio_finish(c);
	}
	if (fclose(f) && !err)
		err = kt_err(EIO, "writing %s failed", out);
	return err;
}

/* One bare boot of image: seconds from QEMU spawn to exit, or < 0. */
static double bare_boot(const struct bench *b, const char *image)
{
	char initrd[PATH_MAX], console[PATH_MAX], channel[PATH_MAX];
	char log[PATH_MAX];
	struct kt_qemu_opts q = {
	    .topo = b->topo,
	    .qemu = b->qemu,
	    .kernel = image,
	    .initrd = initrd,
	    .console_path = console,
	    .channel_path = channel,
	    .accel = b->accel,
	};
	struct kt_console_scan scan = {0};
	struct kt_strv argv = {0};
	uint64_t t0, t1;
	int err, status = 0;
	pid_t pid;

	path_in(b, initrd, sizeof(initrd), "bare.cpio");
	path_in(b, console, sizeof(console), "bare.console");
	path_in(b, channel, sizeof(channel), "bare.channel");
	path_in(b, log, sizeof(log), "bare.qemu.log");
	/* Fresh files each run, as ktstr's are. */
	unlink(initrd);
	unlink(console);
	unlink(channel);
	err = write_bare_initrd(b, initrd);
	err = err ?: kt_qemu_argv(&q, &argv);
	if (err) {
		fprintf(stderr, "bench_vm_boot: bare boot: %s\n",
			kt_last_error());
		kt_strv_free(&argv);
		return -1;
	}
	t0 = kt_now_ns();
	pid = spawn(argv.v, log, SIGKILL, true);
	kt_strv_free(&argv);
	if (pid < 0) {
		fprintf(stderr, "bench_vm_boot: spawn QEMU: %s\n",
			strerror((int)-pid));
		return -1;
	}
	err = wait_child(pid, BARE_TIMEOUT, SIGKILL, &status, &t1);
	if (err) {
		fprintf(stderr, "bench_vm_boot: bare boot %s\n",
			err == -EINTR ? "interrupted" : "timed out");
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench_vm_boot: bare boot: QEMU failed\n");
		show_tail("QEMU log", log);
		return -1;
	}
	/* With panic=-1 -no-reboot a crashed init also ends QEMU with 0. */
	if (!kt_console_scan_file(console, &scan) &&
	    kt_console_is_crash(scan.kind)) {
		fprintf(stderr, "bench_vm_boot: bare boot crashed: %s\n",
			scan.first_hit ? scan.first_hit : "");
		kt_console_scan_free(&scan);
		return -1;
	}
	kt_console_scan_free(&scan);
	return secs(t1 - t0);
}

/* boot_ms, wall_ms, the boot image and the scenarios' time from ktstr's
 * --json report; 0 or "?" when missing. */
static void read_report(const char *path, struct ktstr_run *r)
{
	json_t *j = json_load_file(path, 0, NULL), *res;
	const char *boot;
	size_t i;

	snprintf(r->boot, sizeof(r->boot), "?");
	if (!j)
		return;
	r->boot_s = json_integer_value(json_object_get(j, "boot_ms")) / 1e3;
	r->wall_s = json_integer_value(json_object_get(j, "wall_ms")) / 1e3;
	boot = json_string_value(json_object_get(j, "boot"));
	if (boot)
		snprintf(r->boot, sizeof(r->boot), "%s", boot);
	json_array_foreach(json_object_get(j, "results"), i, res) r->scen_s +=
	    json_integer_value(json_object_get(res, "duration_ns")) / 1e9;
	json_decref(j);
}

/* One `ktstr vm ... steady` run; false if it could not run. */
static bool ktstr_run(const struct bench *b, struct ktstr_run *r)
{
	char json[PATH_MAX], log[PATH_MAX], dur[32];
	char *argv[] = {(char *)b->ktstr,
			"vm",
			"--topo",
			(char *)b->topo_name,
			"--duration",
			dur,
			"--kernel",
			(char *)b->kernel,
			"--json",
			json,
			"--quiet",
			"steady",
			NULL};
	uint64_t t0, t1;
	int err, status = 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	snprintf(dur, sizeof(dur), "%g", b->duration_s);
	path_in(b, json, sizeof(json), "ktstr.json");
	path_in(b, log, sizeof(log), "ktstr.log");
	unlink(json);
	t0 = kt_now_ns();
	/* SIGTERM, not SIGKILL: ktstr then ends its QEMU and cleans up. */
	pid = spawn(argv, log, SIGTERM, false);
	if (pid < 0) {
		fprintf(stderr, "bench_vm_boot: spawn %s: %s\n", b->ktstr,
			strerror((int)-pid));
		return false;
	}
	/* ktstr has its own boot and run watchdogs; this is a backstop. */
	err = wait_child(pid, KT_SEC(600), SIGTERM, &status, &t1);
	if (err) {
		fprintf(stderr, "bench_vm_boot: ktstr vm %s\n",
			err == -EINTR ? "interrupted" : "timed out");
		return false;
	}
	r->total_s = secs(t1 - t0);
	r->rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	/* 1 is a scheduler verdict: the timing still counts. */
	if (r->rc != KT_EXIT_PASS && r->rc != KT_EXIT_FAIL) {
		fprintf(stderr, "bench_vm_boot: ktstr vm exited %d\n", r->rc);
		show_tail("ktstr vm output", log);
		return false;
	}
	read_report(json, r);
	return true;
}

static int parse_args(int argc, char **argv, struct bench *b)
{
	static const struct option opts[] = {
	    {"runs", required_argument, NULL, 'n'},
	    {"topo", required_argument, NULL, 't'},
	    {"duration", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *runs = getenv("KTSTR_BENCH_RUNS");
	char *end;
	long n;
	int c;

	b->topo_name = "1n1l2c1t";
	b->duration_s = 1.0;
	while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			runs = optarg;
			break;
		case 't':
			b->topo_name = optarg;
			break;
		case 'd':
			b->duration_s = strtod(optarg, &end);
			if (*end || !(b->duration_s >= 0.01) ||
			    b->duration_s > 3600)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	n = runs && *runs ? strtol(runs, &end, 10) : 3;
	if ((runs && *runs && *end) || n < 1 || n > MAX_RUNS || optind < argc)
		goto usage;
	b->runs = (unsigned)n;
	if (kt_topo_spec_parse(b->topo_name, &b->topo)) {
		fprintf(stderr, "bench_vm_boot: %s\n", kt_last_error());
		return -EINVAL;
	}
	return 0;
usage:
	fprintf(stderr,
		"usage: bench_vm_boot [-n RUNS (1-%d)] [--topo SHAPE] "
		"[--duration S]\n"
		"env: KTSTR_BENCH_RUNS, KTSTR_BIN, KTSTR_KERNEL, "
		"KTSTR_QEMU, KTSTR_ACCEL\n",
		MAX_RUNS);
	return -EINVAL;
}

/* The PVH vmlinux `ktstr vm` would boot at this memory, or "" (with a
 * line saying why). */
static void find_vmlinux(struct bench *b)
{
	unsigned mb = kt_vm_default_memory_mb(&b->topo, 0);
	enum kt_vm_boot chosen;

	kt_vm_boot_image(b->kernel, KT_VM_BOOT_PVH, mb, 0, b->vmlinux,
			 sizeof(b->vmlinux), &chosen);
	if (chosen != KT_VM_BOOT_PVH)
		b->vmlinux[0] = '\0';
}

/* Everything a run needs, or a "skipped" line (returns 1). */
static int prepare(struct bench *b)
{
	const char *tmp = getenv("TMPDIR");

	if (kt_kernel_resolve(NULL, b->kernel, sizeof(b->kernel), b->config,
			      sizeof(b->config))) {
		printf("bench_vm_boot: %s\nskipped: no kernel\n",
		       kt_last_error());
		return 1;
	}
	if (!bench_find_qemu(b->qemu, sizeof(b->qemu))) {
		printf("bench_vm_boot: QEMU not found (qemu-system-x86 "
		       "package or KTSTR_QEMU)\nskipped: no QEMU\n");
		return 1;
	}
	if (find_binaries(b) || access(b->init, R_OK) ||
	    access(b->ktstr, X_OK)) {
		printf("bench_vm_boot: need %s and %s (`make bench` builds "
		       "them; KTSTR_BIN overrides ktstr)\nskipped: not built\n",
		       b->init, b->ktstr);
		return 1;
	}
	b->accel = kt_accel_detect();
	find_vmlinux(b);
	snprintf(b->dir, sizeof(b->dir), "%s/ktstr-bench.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(b->dir)) {
		fprintf(stderr, "bench_vm_boot: mkdtemp %s: %s\n", b->dir,
			strerror(errno));
		b->dir[0] = '\0';
		return -1;
	}
	return 0;
}

/* Other VMs or builds on the host skew both sides: say how busy it is. */
static void print_host(void)
{
	char load[64] = "?";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (!fgets(load, sizeof(load), f))
			snprintf(load, sizeof(load), "?");
		fclose(f);
	}
	load[strcspn(load, "\n")] = '\0';
	printf("  host   %ld CPUs, loadavg %s\n", sysconf(_SC_NPROCESSORS_ONLN),
	       load);
}

/* The bare boots of every run, by image. */
struct bare {
	double bz[MAX_RUNS];
	double pvh[MAX_RUNS]; /* 0 without a PVH vmlinux */
};

static void print_ratio(const char *what, double num, double den, bool aim)
{
	double r = den > 0 ? num / den : 0;

	printf("ratio to bare %-7s %6.3f  = %.3f / %.3f", what, r, num, den);
	if (aim)
		printf(" (aim: at most %.1f; %s)", AIM_RATIO,
		       r <= AIM_RATIO ? "within" : "above");
	printf("\n");
}

static void report(const struct bench *b, const struct bare *bare,
		   const double *kt, const struct ktstr_run *runs)
{
	double boot[MAX_RUNS], qemu[MAX_RUNS], setup[MAX_RUNS], net[MAX_RUNS];
	double mb = median(bare->bz, b->runs), mk = median(kt, b->runs);
	double over = mb > 0 ? ((mk - b->duration_s) / mb - 1) * 100 : 0;
	double mnet;

	for (unsigned i = 0; i < b->runs; i++) {
		boot[i] = runs[i].boot_s;
		qemu[i] = runs[i].wall_s;
		setup[i] = runs[i].total_s - runs[i].wall_s;
		net[i] = runs[i].total_s - runs[i].scen_s;
	}
	mnet = median(net, b->runs);
	printf("median bare boot    %7.3f s  (bzImage)\n", mb);
	if (b->vmlinux[0])
		printf("median bare PVH     %7.3f s\n",
		       median(bare->pvh, b->runs));
	printf("median ktstr vm     %7.3f s  (before QEMU %.3f s, guest up "
	       "%.3f s, QEMU total %.3f s)\n",
	       mk, median(setup, b->runs), median(boot, b->runs),
	       median(qemu, b->runs));
	printf("overhead            %+6.1f%%  = (%.3f - %.3f) / %.3f - 1 "
	       "(aim: at most %.0f%%; %s)\n",
	       over, mk, b->duration_s, mb, AIM_PCT,
	       over <= AIM_PCT ? "within" : "above");
	printf("median ktstr vm minus its scenario time %.3f s (booted %s)\n",
	       mnet, runs[0].boot);
	print_ratio("bzImage", mnet, mb, true);
	if (b->vmlinux[0])
		print_ratio("PVH", mnet, median(bare->pvh, b->runs), false);
}

/* One round: bare bzImage, bare PVH, ktstr; false if one failed. */
static bool one_round(struct bench *b, unsigned i, struct bare *bare,
		      struct ktstr_run *run)
{
	bare->bz[i] = bare_boot(b, b->kernel);
	if (bare->bz[i] < 0)
		return false;
	bare->pvh[i] = 0;
	if (b->vmlinux[0]) {
		bare->pvh[i] = bare_boot(b, b->vmlinux);
		if (bare->pvh[i] < 0)
			return false;
	}
	if (!ktstr_run(b, run))
		return false;
	printf("run %u: bare bzImage %6.3f s | bare PVH %6.3f s | ktstr vm "
	       "%6.3f s (%s, guest up %.3f s, QEMU total %.3f s, scenario "
	       "%.3f s%s)\n",
	       i + 1, bare->bz[i], bare->pvh[i], run->total_s, run->boot,
	       run->boot_s, run->wall_s, run->scen_s,
	       run->rc ? ", verdict FAIL" : "");
	return true;
}

int main(int argc, char **argv)
{
	struct bench b = {0};
	struct bare bare;
	double kt[MAX_RUNS];
	struct ktstr_run runs[MAX_RUNS];
	struct sigaction sa = {.sa_handler = on_signal};
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv, &b))
		return KT_EXIT_USAGE;
	err = prepare(&b);
	if (err)
		return err > 0 ? 0 : 1;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	printf("bench_vm_boot: topo %s, %s, %u MB, scenario steady %g s, %u "
	       "runs\n  kernel %s\n  PVH    %s\n  ktstr  %s\n",
	       b.topo_name, kt_accel_name(b.accel),
	       kt_vm_default_memory_mb(&b.topo, 0), b.duration_s, b.runs,
	       b.kernel, b.vmlinux[0] ? b.vmlinux : "(none)", b.ktstr);
	print_host();
	/* Interleaved, so a change in host load hits every side alike. */
	for (unsigned i = 0; i < b.runs; i++) {
		if (!one_round(&b, i, &bare, &runs[i])) {
			remove_dir(&b);
			return stop_signal ? 130 : 1;
		}
		kt[i] = runs[i].total_s;
	}
	report(&b, &bare, kt, runs);
	remove_dir(&b);
	return 0;
}

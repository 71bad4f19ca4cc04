/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Benchmark: what SpinWait's telemetry costs inside a guest, where it
 * matters (emulated clocks, emulated CPUs). It boots one VM (`ktstr shell
 * --topo 1n2l2c1t`, so 4 vCPUs) with this binary included and runs itself
 * there with --guest: on every vCPU one pinned worker, half of them a bare
 * loop of the spin unit (kt_spin_units(KT_SPIN_BATCH) and nothing else),
 * the other half SpinWait workers, at the same time, then with the halves
 * swapped. Running both at once, on alternate vCPUs, lets a change in host
 * load hit both sides alike. It prints the units/s of both sides, their
 * ratio and the guest's clocksource. Then the vCPU probe's cost: SpinWait
 * on every vCPU with the probe off and on, alternating, and the ratio of
 * their rates. Then the flight recorder's cost (docs/recorder.md): SpinWait
 * on every vCPU with the recorder's tracefs instance recording
 * (kt_recorder_start: the events and buffer of a `ktstr vm` run) and not,
 * alternating, once with one pinned worker per vCPU and once with two (the
 * kernel switches between them every slice, so there are events to
 * record): both rates, their ratio, each round's ratio and the events a
 * second it recorded. It never fails on speed: no kernel or no QEMU is
 * "skipped" with exit 0; exit 1 only if the VM could not run.
 *
 * usage: bench_vm_spin [--topo SHAPE] [--seconds S] [--rounds N]
 * env: KTSTR_BIN (default ../ktstr next to this binary), KTSTR_KERNEL,
 * KTSTR_QEMU, KTSTR_ACCEL as for ktstr.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/cpuset.h>
#include <ktstr/kernel.h>
#include <ktstr/workload.h>

#include "../src/guest/recorder.h"
#include "core/small_file.h"
#include "bench_host.h"
#include "probe/vcpu_probe.h"
#include "work/work_kinds.h"

#define CLOCKSOURCE                                                            \
	"/sys/devices/system/clocksource/clocksource0/current_clocksource"
#define MAX_CPUS 64

/* Shared with the bare-loop children (MAP_SHARED, made before fork). */
struct shared {
	uint32_t go, stop;
	struct {
		uint64_t units, ns;
	} bare[MAX_CPUS];
};

struct totals {
	double bare, spin; /* units/s summed over rounds and workers */
	unsigned nbare, nspin;
	uint64_t max_gap_ns;
};

/* ---- guest side ---- */

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	sched_setaffinity(0, sizeof(s), &s);
}

static _Noreturn void bare_child(struct shared *sh, int cpu)
{
	uint64_t units = 0, t0;

	pin(cpu);
	while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
		kt_futex_wait(&sh->go, 0, KT_MS(50));
	t0 = kt_now_ns();
	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED))
		units += kt_spin_units(KT_SPIN_BATCH);
	sh->bare[cpu].ns = kt_now_ns() - t0;
	sh->bare[cpu].units = units;
	_exit(0);
}

/* One placement: bare loops on the CPUs of parity `bare_parity`, SpinWait
 * on the others, for ns. */
static int run_placement(struct shared *sh, int ncpu, int bare_parity,
			 uint64_t ns, struct totals *t)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config cfg = {0};
	const struct kt_worker_report *r;
	double bare = 0, spin = 0;
	pid_t pids[MAX_CPUS];
	int nb = 0, nspin = 0, cpu, err, spin_cpu[MAX_CPUS];
	size_t nr, i;

	memset(sh, 0, sizeof(*sh));
	for (cpu = 0; cpu < ncpu; cpu++)
		if (cpu % 2 != bare_parity)
			spin_cpu[nspin++] = cpu;
	cfg.num_workers = (unsigned)nspin;
	cfg.work = KT_WORK(KT_WORK_SPIN_WAIT);
	if (kt_workload_spawn(&cfg, &w))
		return -1;
	for (i = 0; i < (size_t)nspin; i++) {
		struct kt_cpuset cs = {0};

		kt_cpuset_set(&cs, spin_cpu[i]);
		if (kt_workload_set_affinity(w, i, &cs))
			return -1;
	}
	for (cpu = 0; cpu < ncpu; cpu++) {
		if (cpu % 2 != bare_parity)
			continue;
		fflush(NULL);
		pids[nb] = fork();
		if (pids[nb] < 0)
			return kt_err(errno, "fork: %s", strerror(errno));
		if (!pids[nb])
			bare_child(sh, cpu);
		nb++;
	}
	__atomic_store_n(&sh->go, 1, __ATOMIC_RELEASE);
	kt_futex_wake(&sh->go, INT_MAX);
	err = kt_workload_start(w);
	kt_sleep(ns);
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	err = err ?: kt_workload_stop_and_collect(w, &r, &nr);
	for (i = 0; i < (size_t)nb; i++)
		waitpid(pids[i], NULL, 0);
	if (err)
		return err;
	printf("  bare loop on");
	for (cpu = 0; cpu < ncpu; cpu++) {
		double u;

		if (cpu % 2 != bare_parity || !sh->bare[cpu].ns)
			continue;
		u = sh->bare[cpu].units / (sh->bare[cpu].ns / 1e9);
		printf(" cpu%d %.3g", cpu, u);
		bare += u;
		t->nbare++;
	}
	printf(" | SpinWait on");
	for (i = 0; i < nr; i++) {
		double u = r[i].wall_time_ns
			       ? r[i].work_units / (r[i].wall_time_ns / 1e9)
			       : 0;

		printf(" cpu%d %.3g", spin_cpu[i], u);
		spin += u;
		t->nspin++;
		if (r[i].max_gap_ns > t->max_gap_ns)
			t->max_gap_ns = r[i].max_gap_ns;
	}
	printf(" units/s | SpinWait/bare %.1f%%\n",
	       bare > 0 ? 100.0 * spin / bare : 0);
	t->bare += bare;
	t->spin += spin;
	return 0;
}

/* SpinWait on every vCPU for ns, per_cpu workers pinned to each (more
 * than one: the kernel switches between them every slice): units/s per
 * worker. */
static double spinwait_rate(int ncpu, int per_cpu, uint64_t ns)
{
	_cleanup_(kt_workload_freep) struct kt_workload *w = NULL;
	struct kt_workload_config cfg = {.num_workers =
					     (unsigned)(ncpu * per_cpu),
					 .work = KT_WORK(KT_WORK_SPIN_WAIT)};
	const struct kt_worker_report *r;
	double sum = 0;
	size_t nr;

	if (kt_workload_spawn(&cfg, &w))
		return -1;
	for (int i = 0; i < ncpu * per_cpu; i++) {
		struct kt_cpuset cs = {0};

		kt_cpuset_set(&cs, i % ncpu);
		if (kt_workload_set_affinity(w, (size_t)i, &cs))
			return -1;
	}
	if (kt_workload_start(w))
		return -1;
	kt_sleep(ns);
	if (kt_workload_stop_and_collect(w, &r, &nr))
		return -1;
	for (size_t i = 0; i < nr; i++)
		if (r[i].wall_time_ns)
			sum += r[i].work_units / (r[i].wall_time_ns / 1e9);
	return nr ? sum / (double)nr : 0;
}

/* One phase of the probe's cost: SpinWait with the probe on or off. */
static double probe_phase(int ncpu, uint64_t ns, bool on, bool shared)
{
	struct kt_probe *p = NULL;
	double rate;

	if (on && kt_probe_start(&(struct kt_probe_opts){.shared = shared}, &p))
		return -1;
	rate = spinwait_rate(ncpu, 1, ns);
	kt_probe_stop(p);
	return rate;
}

/*
 * The probe's cost: SpinWait on every vCPU with the probe off and on in
 * short phases, ordered off-on-on-off so a drift of the host's load over
 * a round hits both sides alike.
 */
static int probe_cost(int ncpu, double secs, unsigned rounds, bool shared)
{
	static const bool order[] = {false, true, true, false};
	uint64_t ns = (uint64_t)(secs * 1e9 / 2);
	double sum[2] = {0, 0};

	for (unsigned i = 0; i < 2 * rounds; i++) {
		for (size_t k = 0; k < KT_ARRAY_SIZE(order); k++) {
			double r = probe_phase(ncpu, ns, order[k], shared);

			if (r < 0)
				return -1;
			sum[order[k]] += r;
		}
	}
	printf("vCPU probe (%s): SpinWait %.3g units/s per vCPU with it, "
	       "%.3g without: with/without = %.1f%% (period %llu ms)\n",
	       shared ? "one thread for all vCPUs, as under TCG"
		      : "one thread per vCPU, as under KVM",
	       sum[1] / (4 * rounds), sum[0] / (4 * rounds),
	       sum[0] > 0 ? 100.0 * sum[1] / sum[0] : 0,
	       (unsigned long long)(KT_PROBE_PERIOD_NS / 1000000));
	return 0;
}

/* Events the recorder's instance took so far, over all CPUs: those in
 * the buffer plus those it overwrote (per_cpu/cpuN/stats). */
static uint64_t recorder_events(int ncpu)
{
	uint64_t sum = 0;

	for (int cpu = 0; cpu < ncpu; cpu++) {
		char path[256], stats[1024], *p;

		snprintf(path, sizeof(path),
			 "%s/instances/%s/per_cpu/cpu%d/stats",
			 KT_RECORDER_TRACEFS, KT_RECORDER_INSTANCE, cpu);
		if (kt_read_small(path, stats, sizeof(stats)))
			continue;
		p = strstr(stats, "entries:");
		sum += p ? strtoull(p + 8, NULL, 10) : 0;
		p = strstr(stats, "\noverrun:");
		sum += p ? strtoull(p + 9, NULL, 10) : 0;
	}
	return sum;
}

/* One phase of the recorder's cost: SpinWait with the flight recorder
 * recording (kt_recorder_start: the instance, events and buffer of a
 * `ktstr vm` run) or not; *events += what it recorded. */
static double recorder_phase(int ncpu, int per_cpu, uint64_t ns, bool on,
			     uint64_t *events)
{
	double rate;

	if (on && kt_recorder_start(NULL))
		return -1;
	rate = spinwait_rate(ncpu, per_cpu, ns);
	if (on) {
		*events += recorder_events(ncpu);
		kt_recorder_stop();
	}
	return rate;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The flight recorder's cost: SpinWait on every vCPU (per_cpu pinned
 * workers on each) with the recorder off and on in short phases, ordered
 * off-on-on-off in each round as the probe's; each round's on/off ratio.
 */
static int recorder_cost(int ncpu, int per_cpu, double secs, unsigned rounds)
{
	static const bool order[] = {false, true, true, false};
	uint64_t ns = (uint64_t)(secs * 1e9 / 2), events = 0;
	double sum[2] = {0, 0}, ratio[2 * 20];
	unsigned n = 2 * rounds;

	printf("flight recorder, SpinWait x%d per vCPU (pinned%s), "
	       "%u rounds of off-on-on-off x %g s:\n",
	       per_cpu, per_cpu > 1 ? ", time-sliced" : "", n, secs / 2);
	for (unsigned i = 0; i < n; i++) {
		double round[2] = {0, 0};

		for (size_t k = 0; k < KT_ARRAY_SIZE(order); k++) {
			double r = recorder_phase(ncpu, per_cpu, ns, order[k],
						  &events);

			if (r < 0)
				return -1;
			round[order[k]] += r;
		}
		ratio[i] = round[0] > 0 ? 100.0 * round[1] / round[0] : 0;
		printf("  round %u: off %.4g, on %.4g units/s per worker: "
		       "on/off %.1f%%\n",
		       i + 1, round[0] / 2, round[1] / 2, ratio[i]);
		sum[0] += round[0];
		sum[1] += round[1];
	}
	qsort(ratio, n, sizeof(*ratio), cmp_double);
	printf("flight recorder (x%d per vCPU): SpinWait %.4g units/s per "
	       "worker recording, %.4g not: on/off = %.1f%% (per-round "
	       "%.1f-%.1f%%, median %.1f%%); %.0f events/s recorded, "
	       "buffer %u KiB a CPU\n",
	       per_cpu, sum[1] / (2 * n), sum[0] / (2 * n),
	       sum[0] > 0 ? 100.0 * sum[1] / sum[0] : 0, ratio[0], ratio[n - 1],
	       n % 2 ? ratio[n / 2] : (ratio[n / 2 - 1] + ratio[n / 2]) / 2,
	       (double)events / (secs * n), kt_recorder_buffer_kb(ncpu));
	return 0;
}

static int guest_main(double secs, unsigned rounds)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct totals t = {0};
	struct shared *sh;
	char cs[64] = "?";
	FILE *f;

	if (ncpu < 2 || ncpu > MAX_CPUS) {
		fprintf(stderr, "bench_vm_spin: needs 2-%d CPUs, has %d\n",
			MAX_CPUS, ncpu);
		return 1;
	}
	f = fopen(CLOCKSOURCE, "r");
	if (f) {
		if (!fgets(cs, sizeof(cs), f))
			snprintf(cs, sizeof(cs), "?");
		fclose(f);
	}
	cs[strcspn(cs, "\n")] = '\0';
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("bench_vm_spin: mmap");
		return 1;
	}
	printf("guest: %d vCPUs, clocksource %s; spin unit %d iterations, a "
	       "SpinWait checkpoint every %d units\n",
	       ncpu, cs, KT_SPIN_ITERS, KT_SPIN_BATCH);
	for (unsigned i = 0; i < rounds; i++) {
		for (int parity = 0; parity < 2; parity++) {
			if (run_placement(sh, ncpu, parity,
					  (uint64_t)(secs * 1e9), &t)) {
				fprintf(stderr, "bench_vm_spin: %s\n",
					kt_last_error());
				return 1;
			}
		}
	}
	printf("bare loop: %.3g units/s per vCPU\n",
	       t.nbare ? t.bare / t.nbare : 0);
	printf("SpinWait:  %.3g units/s per vCPU (max gap %.1f ms)\n",
	       t.nspin ? t.spin / t.nspin : 0, t.max_gap_ns / 1e6);
	printf("spinwait/bare = %.1f%%\n",
	       t.bare > 0 && t.nspin
		   ? 100.0 * (t.spin / t.nspin) / (t.bare / t.nbare)
		   : 0);
	if (probe_cost(ncpu, secs, rounds, true) ||
	    probe_cost(ncpu, secs, rounds, false)) {
		fprintf(stderr, "bench_vm_spin: probe: %s\n", kt_last_error());
		return 1;
	}
	if (recorder_cost(ncpu, 1, secs, rounds) ||
	    recorder_cost(ncpu, 2, secs, rounds)) {
		fprintf(stderr, "bench_vm_spin: recorder: %s\n",
			kt_last_error());
		return 1;
	}
	return 0;
}

/* ---- host side ---- */

static int host_main(const char *topo, double secs, unsigned rounds)
{
	char qemu[PATH_MAX];
	char self[PATH_MAX], ktstr[PATH_MAX], kernel[PATH_MAX];
	char config[PATH_MAX], exec[256];
	const char *env = getenv("KTSTR_BIN");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int status;
	pid_t pid;

	if (n <= 0 || n == (ssize_t)sizeof(self) - 1) {
		fprintf(stderr, "bench_vm_spin: cannot find myself\n");
		return 1;
	}
	self[n] = '\0';
	if (env && *env)
		snprintf(ktstr, sizeof(ktstr), "%s", env);
	else
		snprintf(ktstr, sizeof(ktstr), "%.*s/../ktstr",
			 (int)(strrchr(self, '/') - self), self);
	if (kt_kernel_resolve(NULL, kernel, sizeof(kernel), config,
			      sizeof(config))) {
		printf("bench_vm_spin: %s\nskipped: no kernel\n",
		       kt_last_error());
		return 0;
	}
	if (!bench_find_qemu(qemu, sizeof(qemu))) {
		printf("bench_vm_spin: QEMU not found (qemu-system-x86 package "
		       "or KTSTR_QEMU)\nskipped: no QEMU\n");
		return 0;
	}
	if (access(ktstr, X_OK)) {
		printf("bench_vm_spin: need %s (`make bench` builds it; "
		       "KTSTR_BIN overrides)\nskipped: not built\n",
		       ktstr);
		return 0;
	}
	snprintf(exec, sizeof(exec), "%s --guest --seconds %g --rounds %u",
		 strrchr(self, '/') + 1, secs, rounds);
	printf("bench_vm_spin: topo %s, %u rounds x 2 placements x %g s\n"
	       "  kernel %s\n",
	       topo, rounds, secs, kernel);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execl(ktstr, ktstr, "shell", "--quiet", "--topo", topo,
		      "--kernel", kernel, "--include", self, "--exec", exec,
		      (char *)NULL);
		fprintf(stderr, "bench_vm_spin: exec %s: %s\n", ktstr,
			strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		fprintf(stderr, "bench_vm_spin: cannot run %s\n", ktstr);
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench_vm_spin: ktstr shell failed (%d)\n",
			WIFEXITED(status) ? WEXITSTATUS(status) : 128);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"guest", no_argument, NULL, 'g'},
	    {"topo", required_argument, NULL, 't'},
	    {"seconds", required_argument, NULL, 's'},
	    {"rounds", required_argument, NULL, 'r'},
	    {0},
	};
	const char *topo = "1n2l2c1t";
	double secs = 2.0;
	long rounds = 2;
	bool guest = false;
	char *end;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			guest = true;
			break;
		case 't':
			topo = optarg;
			break;
		case 's':
			secs = strtod(optarg, &end);
			if (*end || !(secs >= 0.1 && secs <= 60))
				goto usage;
			break;
		case 'r':
			rounds = strtol(optarg, &end, 10);
			if (*end || rounds < 1 || rounds > 20)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind < argc)
		goto usage;
	return guest ? guest_main(secs, (unsigned)rounds)
		     : host_main(topo, secs, (unsigned)rounds);
usage:
	fprintf(stderr, "usage: bench_vm_spin [--topo SHAPE] [--seconds S "
			"(0.1-60)] [--rounds N (1-20)]\n");
	return KT_EXIT_USAGE;
}

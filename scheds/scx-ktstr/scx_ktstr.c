/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scx-ktstr: the loader of ktstr's fixture scheduler (scx_ktstr.bpf.c).
 * Parses the fault-knob options, sets the .rodata knobs and the watchdog
 * timeout, loads and attaches the struct_ops, then polls every 100 ms:
 * flips the time-based .bss knobs (--stall-after, --crash-after) and
 * watches the exit record the BPF side fills in (UEI). Static binary, run
 * inside ktstr's guest.
 *
 * Output (stdout, line-buffered): "scx-ktstr: attached ..." once attached;
 * "scx-ktstr: stall injected" / "crash injected" when a knob fires; at the
 * end "EXIT: <reason> (<msg>) on CPU <n>; kind=<NAME>(<n>) code=<c>" and a
 * counters line. The kernel's debug dump, libbpf's messages and errors go to
 * stderr.
 *
 * Exit status: 0 detached cleanly (SIGINT/SIGTERM, or the kernel unregistered
 * it without an error: sysrq-S, ...); 1 the kernel ejected it with an error
 * (stall, scx_bpf_error, ...); 2 usage error; 3 failed to open, load (the
 * verifier's message is printed) or attach. (The kernel's example loaders exit
 * 0 even after an error exit; judge a run from the kernel's state and log.)
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <scx/common.h>

#include "scx_ktstr.skel.h"

#define PROG		      "scx-ktstr"
#define POLL_MS		      100
#define DFL_TIMEOUT_MS	      5000
#define MAX_TIMEOUT_MS	      30000 /* the kernel's SCX_WATCHDOG_MAX_TIMEOUT */
#define KERNEL_DFL_TIMEOUT_MS 30000
#define LOG_KEEP	      (64 * 1024)
#define CGROUP_NAME_MAX	      64 /* the BPF side's CGROUP_NAME_LEN */

enum {
	EXIT_CLEAN = 0,
	EXIT_EJECTED = 1,
	EXIT_USAGE = 2,
	EXIT_LOAD = 3,
};

struct opts {
	unsigned int timeout_ms;
	double stall_after; /* seconds; < 0 = off */
	double crash_after;
	const char *starve_cgroup;
	unsigned int starve_period_ms;
	unsigned int starve_hold_ms;
	unsigned int slow_interval_ms;
	bool slow, single_cpu, scattershot, partial, fail_verify, verbose;
	bool no_hotplug_ops;
	bool ignore_cgroup_weights;
};

static volatile sig_atomic_t stop_signal;

/* The tail of libbpf's warnings: the verifier log of a failed load. */
static char warn_log[LOG_KEEP];
static size_t warn_len;
static bool verbose;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void keep_warning(const char *s)
{
	size_t n = strlen(s);

	if (n >= sizeof(warn_log)) {
		s += n - (sizeof(warn_log) - 1);
		n = sizeof(warn_log) - 1;
	}
	if (warn_len + n >= sizeof(warn_log)) {
		size_t drop = warn_len + n - (sizeof(warn_log) - 1);

		memmove(warn_log, warn_log + drop, warn_len - drop);
		warn_len -= drop;
	}
	memcpy(warn_log + warn_len, s, n);
	warn_len += n;
	warn_log[warn_len] = '\0';
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char buf[4096];

	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (level == LIBBPF_WARN)
		keep_warning(buf);
	return fputs(buf, stderr);
}

/*
 * The verifier's verdict: the last line of the last program load log that
 * libbpf printed, before the "processed N insns" summary.
 */
static void print_verifier_verdict(void)
{
	char *begin = NULL, *end, *line, *last = NULL, *save = NULL;

	for (char *p = warn_log; (p = strstr(p, "-- BEGIN PROG LOAD LOG --"));
	     p++)
		begin = p;
	if (!begin)
		return;
	end = strstr(begin, "-- END PROG LOAD LOG --");
	if (end)
		*end = '\0';
	for (line = strtok_r(begin, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "PROG LOAD LOG") ||
		    !strncmp(line, "processed ", 10) ||
		    !strncmp(line, "verification time", 17) ||
		    !strncmp(line, "stack depth", 11) || !line[0])
			continue;
		last = line;
	}
	if (last)
		fprintf(stderr, "%s: verifier: %s\n", PROG, last);
}

/*
 * The options: one table drives getopt_long, the parsing into struct opts
 * and --help (whose defaults and ranges are written out: keep them in step
 * with DFL_*, MAX_TIMEOUT_MS and parse()'s defaults). Every value is checked
 * as it is parsed; check_opts() then checks the combinations.
 */
enum opt_kind {
	OPT_FLAG, /* bool, no value */
	OPT_UINT, /* unsigned int, min..max */
	OPT_SECS, /* double seconds, 0..86400 */
	OPT_NAME, /* a cgroup's leaf name */
	OPT_HELP,
};

struct opt_def {
	const char *name; /* long option, without "--" */
	char short_name;  /* or 0 */
	enum opt_kind kind;
	size_t off; /* of the field in struct opts */
	unsigned int min, max;
	const char *arg;  /* --help: the value's name */
	const char *help; /* --help: what it does */
};

#define AT(f) offsetof(struct opts, f)

static const struct opt_def opt_defs[] = {
    {"timeout-ms", 0, OPT_UINT, AT(timeout_ms), 0, MAX_TIMEOUT_MS, "N",
     "watchdog timeout (ops.timeout_ms), 0..30000; 0 = the kernel's 30 s "
     "(default 5000)"},
    {"stall-after", 0, OPT_SECS, AT(stall_after), 0, 0, "S",
     "after S seconds, dispatch stops moving tasks (watchdog ejects: "
     "runnable task stall)"},
    {"crash-after", 0, OPT_SECS, AT(crash_after), 0, 0, "S",
     "after S seconds, scx_bpf_error(\"ktstr: injected crash\")"},
    {"starve-cgroup", 0, OPT_NAME, AT(starve_cgroup), 0, 0, "NAME",
     "hold back tasks of cgroups whose leaf name is NAME ..."},
    {"starve-period-ms", 0, OPT_UINT, AT(starve_period_ms), 0, 3600000, "P",
     "... in every period of P ms (default 4000)"},
    {"starve-hold-ms", 0, OPT_UINT, AT(starve_hold_ms), 0, 3600000, "H",
     "... for H ms (default 3000; must be < P and < the watchdog timeout)"},
    {"slow", 0, OPT_FLAG, AT(slow), 0, 0, NULL,
     "each CPU skips every dispatch but one per interval (queue in FIFO "
     "order)"},
    {"slow-interval-ms", 0, OPT_UINT, AT(slow_interval_ms), 1, 10000, "N",
     "... the interval (default 500; gaps of seconds: raise --timeout-ms)"},
    {"single-cpu", 0, OPT_FLAG, AT(single_cpu), 0, 0, NULL,
     "run every task on the lowest CPU it may use; the other CPUs idle "
     "(work conservation lost, no stall)"},
    {"scattershot", 0, OPT_FLAG, AT(scattershot), 0, 0, NULL,
     "move each task to another CPU at every enqueue, with 0.5 ms slices "
     "(migration storm)"},
    {"partial", 0, OPT_FLAG, AT(partial), 0, 0, NULL,
     "SCX_OPS_SWITCH_PARTIAL: schedule only SCHED_EXT tasks, leave the "
     "rest to the fair class"},
    {"fail-verify", 0, OPT_FLAG, AT(fail_verify), 0, 0, NULL,
     "load a variant the verifier rejects (exits 3)"},
    {"no-hotplug-ops", 0, OPT_FLAG, AT(no_hotplug_ops), 0, 0, NULL,
     "leave out ops.cpu_online/cpu_offline: the kernel ejects the "
     "scheduler at the first CPU hotplug event"},
    {"ignore-cgroup-weights", 0, OPT_FLAG, AT(ignore_cgroup_weights), 0, 0,
     NULL,
     "a global FIFO: every task alike, cpu.weight ignored (default: virtual "
     "time scaled by the cgroup's weight)"},
    {"verbose", 'v', OPT_FLAG, AT(verbose), 0, 0, NULL, "libbpf debug output"},
    {"help", 'h', OPT_HELP, 0, 0, 0, NULL, "this text"},
};

#define NR_OPTS (sizeof(opt_defs) / sizeof(opt_defs[0]))

static void usage(FILE *fp)
{
	char left[32];

	fprintf(fp, "usage: " PROG " [OPTIONS]\n"
		    "ktstr's fixture sched_ext scheduler (ops.name \"ktstr\"): "
		    "one shared queue in virtual time that honours cgroup "
		    "weights, with fault knobs.\n\n");
	for (size_t i = 0; i < NR_OPTS; i++) {
		const struct opt_def *d = &opt_defs[i];

		if (d->short_name)
			snprintf(left, sizeof(left), "-%c, --%s", d->short_name,
				 d->name);
		else
			snprintf(left, sizeof(left), "--%s%s%s", d->name,
				 d->arg ? " " : "", d->arg ?: "");
		fprintf(fp, "  %-22s %s\n", left, d->help);
	}
	fprintf(fp,
		"\n"
		"S may be fractional (0 = right after attach). Prints \"" PROG
		": attached\" once attached and \"EXIT: <reason> (<msg>) ...\" "
		"when the scheduler exits.\n"
		"Exit status: 0 detached (SIGINT/SIGTERM or a non-error "
		"unregistration), 1 ejected with an error,\n"
		"2 usage error, 3 open/load/attach failed.\n");
}

static int bad_arg(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "%s: --%s '%s': %s (see --help)\n", PROG, opt, val,
		why);
	return -EINVAL;
}

static int parse_uint(const struct opt_def *d, const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < d->min ||
	    v > d->max) {
		char why[64];

		snprintf(why, sizeof(why), "want an integer %u..%u", d->min,
			 d->max);
		return bad_arg(d->name, s, why);
	}
	*out = v;
	return 0;
}

static int parse_secs(const struct opt_def *d, const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0 && v <= 86400))
		return bad_arg(d->name, s, "want seconds, 0..86400");
	*out = v;
	return 0;
}

static int parse_name(const struct opt_def *d, const char *s, const char **out)
{
	if (!s[0] || strlen(s) >= CGROUP_NAME_MAX || strchr(s, '/'))
		return bad_arg(d->name, s,
			       "want a cgroup's leaf name (1-63 characters, no "
			       "'/')");
	*out = s;
	return 0;
}

/* Set the field of @d in @o from @arg (NULL for a flag). */
static int set_opt(const struct opt_def *d, const char *arg, struct opts *o)
{
	void *field = (char *)o + d->off;

	switch (d->kind) {
	case OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case OPT_UINT:
		return parse_uint(d, arg, field);
	case OPT_SECS:
		return parse_secs(d, arg, field);
	case OPT_NAME:
		return parse_name(d, arg, field);
	case OPT_HELP:
		usage(stdout);
		exit(EXIT_CLEAN);
	}
	return -EINVAL;
}

/* The combinations: the starve period and hold, exclusive knobs. */
static int check_opts(const struct opts *o)
{
	unsigned int timeout = o->timeout_ms ?: KERNEL_DFL_TIMEOUT_MS;

	if (o->single_cpu && o->scattershot) {
		fprintf(stderr,
			"%s: --single-cpu and --scattershot exclude each "
			"other\n",
			PROG);
		return -EINVAL;
	}
	if (!o->starve_cgroup)
		return 0;
	if (!o->starve_period_ms || !o->starve_hold_ms ||
	    o->starve_hold_ms >= o->starve_period_ms) {
		fprintf(stderr,
			"%s: --starve-hold-ms %u must be > 0 and shorter than "
			"--starve-period-ms %u\n",
			PROG, o->starve_hold_ms, o->starve_period_ms);
		return -EINVAL;
	}
	if (o->starve_hold_ms >= timeout) {
		fprintf(stderr,
			"%s: --starve-hold-ms %u must be shorter than the "
			"watchdog timeout (%u ms), or the watchdog ejects the "
			"scheduler; raise --timeout-ms\n",
			PROG, o->starve_hold_ms, timeout);
		return -EINVAL;
	}
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	struct option lo[NR_OPTS + 1] = {{0}};
	char shorts[2 * NR_OPTS + 1] = "", *sp = shorts;
	int c, err = 0;

	for (size_t i = 0; i < NR_OPTS; i++) {
		const struct opt_def *d = &opt_defs[i];
		bool has_arg = d->kind != OPT_FLAG && d->kind != OPT_HELP;

		lo[i] = (struct option){d->name, has_arg, NULL, 256 + (int)i};
		if (d->short_name) {
			*sp++ = d->short_name;
			if (has_arg)
				*sp++ = ':';
		}
	}
	*o = (struct opts){
	    .timeout_ms = DFL_TIMEOUT_MS,
	    .stall_after = -1,
	    .crash_after = -1,
	    .starve_period_ms = 4000,
	    .starve_hold_ms = 3000,
	    .slow_interval_ms = 500,
	};
	opterr = 0;
	while (!err && (c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct opt_def *d = NULL;

		for (size_t i = 0; i < NR_OPTS && !d; i++)
			if (c == 256 + (int)i || c == opt_defs[i].short_name)
				d = &opt_defs[i];
		if (!d) {
			fprintf(stderr,
				"%s: unknown option or missing value: '%s' "
				"(see --help)\n",
				PROG, argv[optind - 1]);
			return -EINVAL;
		}
		err = set_opt(d, optarg, o);
	}
	if (err)
		return err;
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n",
			PROG, argv[optind]);
		return -EINVAL;
	}
	return check_opts(o);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case 0:
		return "NONE";
	case 1:
		return "DONE";
	case 64:
		return "UNREG";
	case 65:
		return "UNREG_BPF";
	case 66:
		return "UNREG_KERN";
	case 67:
		return "SYSRQ";
	case 1024:
		return "ERROR";
	case 1025:
		return "ERROR_BPF";
	case 1026:
		return "ERROR_STALL";
	default:
		return "UNKNOWN";
	}
}

/* Print the exit record; return the exit status it stands for. */
static int report_exit(struct scx_ktstr *skel)
{
	struct user_exit_info *uei = &skel->data->uei;
	const char *dump = skel->data_uei_dump->uei_dump;

	if (dump[0]) {
		fprintf(stderr, "%s: DEBUG DUMP\n%s\n%s: END DEBUG DUMP\n",
			PROG, dump, PROG);
	}
	printf("EXIT: %s", uei->reason[0] ? uei->reason : "(no reason)");
	if (uei->msg[0])
		printf(" (%s)", uei->msg);
	if (uei->exit_cpu >= 0)
		printf(" on CPU %d", uei->exit_cpu);
	printf("; kind=%s(%d) code=%lld\n", kind_name(uei->kind), uei->kind,
	       (long long)uei->exit_code);
	return uei->kind >= 1024 ? EXIT_EJECTED : EXIT_CLEAN;
}

static void print_counters(struct scx_ktstr *skel)
{
	printf("%s: enqueued=%llu dispatched=%llu skipped=%llu held=%llu "
	       "scattered=%llu single=%llu enq_last=%llu weighted=%llu\n",
	       PROG, (unsigned long long)skel->bss->nr_enqueued,
	       (unsigned long long)skel->bss->nr_dispatched,
	       (unsigned long long)skel->bss->nr_skipped,
	       (unsigned long long)skel->bss->nr_held,
	       (unsigned long long)skel->bss->nr_scattered,
	       (unsigned long long)skel->bss->nr_single,
	       (unsigned long long)skel->bss->nr_enq_last,
	       (unsigned long long)skel->bss->nr_weighted);
	printf("%s: cpu_online=%llu cpu_offline=%llu\n", PROG,
	       (unsigned long long)skel->bss->nr_cpu_online,
	       (unsigned long long)skel->bss->nr_cpu_offline);
}

/* The knobs and ops fields, before load. */
static int set_rodata(struct scx_ktstr *skel, const struct opts *o)
{
	struct scx_ktstr__rodata *ro = skel->rodata;
	__u64 partial;

	skel->struct_ops.ktstr_ops->timeout_ms = o->timeout_ms;
	/* From the running kernel's BTF: 0 if it has no such flag. */
	partial = o->partial ? SCX_OPS_SWITCH_PARTIAL : 0;
	if (o->partial && !partial) {
		fprintf(stderr,
			"%s: this kernel has no SCX_OPS_SWITCH_PARTIAL\n",
			PROG);
		return -EOPNOTSUPP;
	}
	skel->struct_ops.ktstr_ops->flags |= partial;
	if (o->no_hotplug_ops) {
		skel->struct_ops.ktstr_ops->cpu_online = NULL;
		skel->struct_ops.ktstr_ops->cpu_offline = NULL;
	}
	ro->slow = o->slow;
	ro->slow_interval_ns = (__u64)o->slow_interval_ms * 1000000ULL;
	ro->single_cpu = o->single_cpu;
	ro->scattershot = o->scattershot;
	ro->fail_verify = o->fail_verify;
	ro->ignore_cgroup_weights = o->ignore_cgroup_weights;
	if (o->starve_cgroup) {
		ro->starve = true;
		snprintf((char *)ro->starve_cgroup, sizeof(ro->starve_cgroup),
			 "%s", o->starve_cgroup);
		ro->starve_period_ns = o->starve_period_ms * 1000000ULL;
		ro->starve_hold_ns = o->starve_hold_ms * 1000000ULL;
	}
	return 0;
}

/* Detach (if still attached), wait briefly for the exit record. */
static void detach(struct bpf_link **link, struct scx_ktstr *skel)
{
	bpf_link__destroy(*link);
	*link = NULL;
	for (int i = 0; i < 50 && !UEI_EXITED(skel, uei); i++)
		usleep(20000);
}

static int run(struct scx_ktstr *skel, const struct opts *o)
{
	struct bpf_link *link;
	double t0, t;
	bool stalled = false, crashed = false;
	int err;

	link = bpf_map__attach_struct_ops(skel->maps.ktstr_ops);
	if (!link) {
		err = -errno;
		fprintf(stderr, "%s: attach failed: %s%s\n", PROG,
			strerror(-err),
			err == -EBUSY || err == -EEXIST
			    ? " (another sched_ext scheduler is loaded?)"
			    : "");
		return EXIT_LOAD;
	}
	t0 = now_s();
	printf("%s: attached (timeout_ms=%u%s%s%s%s", PROG, o->timeout_ms,
	       o->slow ? " slow" : "", o->single_cpu ? " single-cpu" : "",
	       o->scattershot ? " scattershot" : "",
	       o->partial ? " partial" : "");
	printf("%s%s%s%s%s)\n", o->starve_cgroup ? " starve-cgroup=" : "",
	       o->starve_cgroup ?: "",
	       o->stall_after >= 0 ? " stall-after" : "",
	       o->no_hotplug_ops ? " no-hotplug-ops" : "",
	       o->ignore_cgroup_weights ? " ignore-cgroup-weights" : "");

	while (!stop_signal && !UEI_EXITED(skel, uei)) {
		t = now_s() - t0;
		if (!stalled && o->stall_after >= 0 && t >= o->stall_after) {
			skel->bss->stall = 1;
			stalled = true;
			printf("%s: stall injected at +%.1fs\n", PROG, t);
		}
		if (!crashed && o->crash_after >= 0 && t >= o->crash_after) {
			skel->bss->crash = 1;
			crashed = true;
			printf("%s: crash injected at +%.1fs\n", PROG, t);
		}
		usleep(POLL_MS * 1000);
	}
	if (stop_signal && !UEI_EXITED(skel, uei))
		printf("%s: %s, detaching\n", PROG, strsignal(stop_signal));
	detach(&link, skel);
	if (!UEI_EXITED(skel, uei)) {
		printf("EXIT: (no exit record from the kernel); kind=NONE(0) "
		       "code=0\n");
		print_counters(skel);
		return stop_signal ? EXIT_CLEAN : EXIT_EJECTED;
	}
	err = report_exit(skel);
	print_counters(skel);
	return err;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct scx_ktstr *skel;
	struct opts o;
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse(argc, argv, &o))
		return EXIT_USAGE;
	verbose = o.verbose;
	libbpf_set_print(libbpf_print);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	skel = scx_ktstr__open();
	if (!skel) {
		fprintf(stderr, "%s: open BPF object failed: %s\n", PROG,
			strerror(errno));
		return EXIT_LOAD;
	}
	if (set_rodata(skel, &o)) {
		scx_ktstr__destroy(skel);
		return EXIT_LOAD;
	}
	SCX_ENUM_INIT(skel);
	UEI_SET_SIZE(skel, ktstr_ops, uei);

	err = scx_ktstr__load(skel);
	if (err) {
		fprintf(stderr, "%s: load failed: %s\n", PROG, strerror(-err));
		print_verifier_verdict();
		scx_ktstr__destroy(skel);
		return EXIT_LOAD;
	}
	err = run(skel, &o);
	scx_ktstr__destroy(skel);
	return err;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kt_vm_run(): one VM from start to end. A private temp dir holds the
 * initramfs, the console log, the channel file and QEMU's own output;
 * QEMU runs as a child (its own process group, killed if we die) while
 * the channel is polled, two watchdogs run (boot, then the whole plan) and
 * SIGINT/SIGTERM end it early. How it ended is then classified by
 * vm_end.c. The temp dir and the QEMU process are gone on every return
 * path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ktstr/runner.h>
#include <ktstr/sched.h>

#include "boot_image.h"
#include "core/proc_run_delay.h"
#include "initramfs.h"
#include "monitor_priv.h"
#include "qemu_cmd.h"
#include "strv.h"
#include "vm_internal.h"
#include "vm_plan.h"

extern char **environ;

#define POLL_NS		   KT_MS(50)
#define EXIT_GRACE_NS	   KT_SEC(15)
#define RUN_DELAY_EVERY_NS KT_MS(200)

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct vm_run {
	const struct kt_vm_opts *o;
	struct kt_vm_result *res;
	char dir[4096];
	char initrd[4200], console[4200], channel[4200], qlog[4200];
	char qemu[4096];
	char image[4200]; /* what -kernel names: the vmlinux or bzImage */
	char topo[64];
	struct sigaction old_int, old_term;
	bool signals_set;
	pid_t pid;
	int status;
	bool exited;
	struct kt_vm_chan ch;
	uint64_t run_delay_ns; /* QEMU's threads, as last sampled */
	uint64_t sampled_ns;
	struct kt_vm_monitor mon;
};

static void install_signals(struct vm_run *v)
{
	struct sigaction sa = {0};

	stop_signal = 0;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &v->old_int);
	sigaction(SIGTERM, &sa, &v->old_term);
	v->signals_set = true;
}

static void restore_signals(struct vm_run *v)
{
	if (!v->signals_set)
		return;
	sigaction(SIGINT, &v->old_int, NULL);
	sigaction(SIGTERM, &v->old_term, NULL);
	v->signals_set = false;
}

static void remove_dir(const char *dir)
{
	DIR *d;
	struct dirent *e;

	if (!dir[0])
		return;
	d = opendir(dir);
	if (d) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

/* $KTSTR_QEMU, or qemu-system-x86_64 found in $PATH. */
static int find_qemu(const struct kt_vm_opts *o, char *out, size_t len)
{
	const char *name = o->qemu ? o->qemu : getenv("KTSTR_QEMU");
	const char *path = getenv("PATH");
	char *copy, *save = NULL;

	if (!name || !*name)
		name = "qemu-system-x86_64";
	if (strchr(name, '/')) {
		if (access(name, X_OK))
			return kt_err(ENOENT, "QEMU %s: %s", name,
				      strerror(errno));
		snprintf(out, len, "%s", name);
		return 0;
	}
	copy = strdup(path && *path ? path : "/usr/bin:/bin");
	if (!copy)
		return kt_err(ENOMEM, "out of memory");
	for (char *d = strtok_r(copy, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", d, name);
		if (!access(out, X_OK)) {
			free(copy);
			return 0;
		}
	}
	free(copy);
	return kt_err(ENOENT,
		      "%s not found in PATH (install Debian's "
		      "qemu-system-x86 or set KTSTR_QEMU)",
		      name);
}

/* Quick checks of a kernel image: a regular readable file holding a
 * bzImage ("HdrS" at 0x202) or an ELF; -EINVAL/-errno with a message. */
static int check_kernel(const char *path)
{
	unsigned char buf[0x206];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kt_err(errno, "kernel %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return kt_err(EINVAL, "kernel %s: not a regular file", path);
	}
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n >= 4 && !memcmp(buf, "\177ELF", 4))
		return 0;
	if (n == (ssize_t)sizeof(buf) && !memcmp(buf + 0x202, "HdrS", 4))
		return 0;
	return kt_err(EINVAL,
		      "kernel %s: not a bzImage (no \"HdrS\" boot header) "
		      "nor an ELF vmlinux",
		      path);
}

static int make_dir(struct vm_run *v)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(v->dir, sizeof(v->dir), "%s/ktstr-vm.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(v->dir)) {
		int err = errno;

		v->dir[0] = '\0';
		return kt_err(err, "VM temp dir under %s: %s",
			      tmp && *tmp ? tmp : "/tmp", strerror(err));
	}
	snprintf(v->initrd, sizeof(v->initrd), "%s/initramfs.cpio", v->dir);
	snprintf(v->console, sizeof(v->console), "%s/console", v->dir);
	snprintf(v->channel, sizeof(v->channel), "%s/channel", v->dir);
	snprintf(v->qlog, sizeof(v->qlog), "%s/qemu.log", v->dir);
	return 0;
}

static int write_initramfs(struct vm_run *v, enum kt_accel accel)
{
	const struct kt_vm_opts *o = v->o;
	struct kt_vm_opts resolved = *o; /* the plan names the accelerator */
	struct kt_initramfs_opts io = {
	    .scheduler =
		o->sched && o->sched->binary ? o->sched->binary : o->scheduler,
	    .includes = o->includes,
	    .nr_includes = o->nr_includes,
	    .scenario_files = o->scenario_files,
	    .nr_scenario_files = o->nr_scenario_files,
	};
	const char **payloads = calloc(o->nr_payloads + 1, sizeof(char *));
	char *plan;
	int err;

	resolved.accel = accel;
	resolved.no_monitor = !kt_vm_monitor_fds(&v->mon);
	plan = payloads ? kt_vm_plan_json(&resolved) : NULL;
	if (!plan) {
		free(payloads);
		return -ENOMEM;
	}
	for (size_t i = 0; i < o->nr_payloads; i++)
		payloads[i] = o->payloads[i].path;
	io.payloads = payloads;
	io.nr_payloads = o->nr_payloads;
	io.plan_json = plan;
	if (o->mode == KT_VM_SHELL)
		io.busybox = o->busybox ? o->busybox : "/bin/busybox";
	err = kt_initramfs_write(&io, v->initrd);
	free(payloads);
	free(plan);
	return err;
}

/* In QEMU's child: the monitor's memfds stay open across execve. */
static void keep_fds(const int *fds, unsigned numa)
{
	for (unsigned i = 0; fds && i < (numa ? numa : 1); i++)
		fcntl(fds[i], F_SETFD, 0);
}

static int spawn(struct vm_run *v, char **argv)
{
	bool interactive = v->o->mode == KT_VM_SHELL && !v->o->exec;
	pid_t parent = getpid();
	int logfd, nullfd = -1;

	logfd = open(v->qlog, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (logfd < 0)
		return kt_err(errno, "create %s: %s", v->qlog, strerror(errno));
	if (!interactive) {
		nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (nullfd < 0) {
			close(logfd);
			return kt_err(errno, "open /dev/null: %s",
				      strerror(errno));
		}
	}
	fflush(NULL);
	v->pid = fork();
	if (v->pid < 0) {
		int err = errno;

		close(logfd);
		if (nullfd >= 0)
			close(nullfd);
		return kt_err(err, "fork for QEMU: %s", strerror(err));
	}
	if (v->pid == 0) {
		/* QEMU must not outlive us, even if we are SIGKILLed. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (!interactive) {
			/* Our own group: a terminal ^C reaches ktstr,
			 * which then ends QEMU in order. */
			setpgid(0, 0);
			dup2(nullfd, 0);
			dup2(logfd, 1);
		}
		dup2(logfd, 2);
		keep_fds(kt_vm_monitor_fds(&v->mon), v->o->topo.numa);
		execve(argv[0], argv, environ);
		dprintf(logfd, "ktstr: exec %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(logfd);
	if (nullfd >= 0)
		close(nullfd);
	return 0;
}

static void kill_qemu(struct vm_run *v)
{
	if (v->pid <= 0 || v->exited)
		return;
	kill(v->pid, SIGKILL);
	while (waitpid(v->pid, &v->status, 0) < 0 && errno == EINTR)
		;
	v->exited = true;
}

static bool reap(struct vm_run *v)
{
	if (!v->exited && waitpid(v->pid, &v->status, WNOHANG) == v->pid)
		v->exited = true;
	return v->exited;
}

static uint64_t boot_timeout(const struct kt_vm_opts *o)
{
	unsigned cpus = kt_topo_spec_cpus(&o->topo);

	if (o->boot_timeout_ns)
		return o->boot_timeout_ns;
	return KT_SEC(60) + (cpus > 4 ? KT_SEC(5) * (cpus - 4) : 0);
}

static uint64_t run_timeout(const struct kt_vm_opts *o)
{
	uint64_t d =
	    o->duration_ns ? o->duration_ns : KT_RUN_DEFAULT_DURATION_NS;
	size_t n =
	    o->nr_scenarios + o->nr_scenario_files ?: 10; /* the default set */

	if (o->run_timeout_ns)
		return o->run_timeout_ns;
	if (o->wedge_after_ns) /* a wedged guest never reports: end it */
		return o->wedge_after_ns + KT_SEC(20);
	switch (o->mode) {
	case KT_VM_PANIC:
		return KT_SEC(60);
	case KT_VM_TEST:
		return d + KT_SEC(15) + KT_SEC(60);
	case KT_VM_SHELL:
		return o->exec ? KT_SEC(600) : UINT64_MAX / 2;
	case KT_VM_RUN:
	default:
		/* Each scenario: its duration plus setup/teardown/settle. */
		return (d + KT_SEC(15)) * n + KT_SEC(60);
	}
}

/* QEMU is gone: how did the run end (vm_end.c)? */
static void classify(struct vm_run *v, bool timed_out, uint64_t limit_ns)
{
	const struct kt_vm_end_facts facts = {
	    .console_path = v->console,
	    .qemu_log = v->qlog,
	    .running = v->ch.running,
	    .topo = v->topo,
	    .wait_status = v->status,
	    .stop_signal = stop_signal,
	    .timed_out = timed_out,
	    .limit_ns = limit_ns,
	};

	kt_vm_classify(v->o, &facts, v->res);
}

static void progress(struct vm_run *v, const char *fmt, ...) KT_PRINTF(2, 3);
static void progress(struct vm_run *v, const char *fmt, ...)
{
	va_list ap;

	if (v->o->quiet)
		return;
	va_start(ap, fmt);
	fputs("ktstr: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* How long QEMU's threads have waited for a host CPU so far (sampled
 * every RUN_DELAY_EVERY_NS: the last sample before QEMU exits is what the
 * result reports; a thread that ended takes its share with it). */
static void sample_run_delay(struct vm_run *v, uint64_t now)
{
	uint64_t ns;

	if (now - v->sampled_ns < RUN_DELAY_EVERY_NS)
		return;
	v->sampled_ns = now;
	if (!kt_proc_run_delay_ns(v->pid, &ns) && ns > v->run_delay_ns)
		v->run_delay_ns = ns;
}

/* Poll until QEMU ends, a watchdog fires or a signal arrives. */
static int supervise(struct vm_run *v)
{
	struct kt_vm_result *res = v->res;
	uint64_t t0 = v->ch.t0_ns, boot_limit = boot_timeout(v->o);
	uint64_t run_limit = run_timeout(v->o), exit_at = 0, limit = 0;
	bool timed_out = false, announced = false;
	int err = 0;

	for (;;) {
		uint64_t now;
		bool ended = reap(v);

		err = kt_vm_chan_poll(&v->ch, res);
		if (err)
			break;
		now = kt_now_ns();
		if (res->booted && !announced) {
			announced = true;
			progress(
			    v, "guest up after %.1f s (kernel %s, %u cpus)",
			    (double)res->boot_ms / 1000.0,
			    res->kernel_release ? res->kernel_release : "?",
			    res->guest_cpus);
		}
		if (ended)
			break;
		sample_run_delay(v, now);
		if (stop_signal)
			break;
		if (res->has_exit && !exit_at)
			exit_at = now;
		if (exit_at && now - exit_at > EXIT_GRACE_NS)
			break; /* powered off in spirit; QEMU lingers */
		if (!res->booted && now - t0 > boot_limit) {
			timed_out = true;
			limit = boot_limit;
			break;
		}
		if (res->booted && !res->has_exit &&
		    now - t0 > res->boot_ms * 1000000ULL + run_limit) {
			timed_out = true;
			limit = res->boot_ms * 1000000ULL + run_limit;
			break;
		}
		kt_sleep(POLL_NS);
	}
	kill_qemu(v);
	kt_vm_monitor_stop(&v->mon);
	res->wall_ms = (kt_now_ns() - t0) / 1000000;
	res->host_wait_ms = v->run_delay_ns / 1000000;
	/* QEMU is gone: whatever it wrote last is in the file now. */
	if (!err)
		err = kt_vm_chan_poll(&v->ch, res);
	if (err)
		return err;
	classify(v, timed_out, limit);
	return 0;
}

/* The kernel command line extras: the caller's, then the scheduler's
 * sysctl.K=V words and kernel args. *out = NULL when there are none of
 * the scheduler's. */
static int sched_append(const struct kt_vm_opts *o, char **out)
{
	char *sa;
	int n;

	*out = NULL;
	if (!o->sched)
		return 0;
	sa = kt_sched_kernel_append(o->sched);
	if (!sa)
		return -ENOMEM;
	if (!*sa) {
		free(sa);
		return 0;
	}
	n = asprintf(out, "%s%s%s", o->extra_append ? o->extra_append : "",
		     o->extra_append ? " " : "", sa);
	free(sa);
	if (n < 0) {
		*out = NULL;
		return kt_err(ENOMEM, "out of memory");
	}
	return 0;
}

/* The image QEMU boots (boot_image.c), with the initramfs written. */
static void choose_image(struct vm_run *v, unsigned memory_mb)
{
	struct stat st;
	uint64_t initrd = stat(v->initrd, &st) ? 0 : (uint64_t)st.st_size;

	kt_vm_boot_image(v->o->kernel, v->o->boot, memory_mb, initrd, v->image,
			 sizeof(v->image), &v->res->boot);
}

static int run(struct vm_run *v)
{
	const struct kt_vm_opts *o = v->o;
	struct kt_strv argv = {0};
	char *append = NULL, *mon_append = NULL;
	struct kt_qemu_opts q = {
	    .topo = o->topo,
	    .kernel = v->image,
	    .initrd = v->initrd,
	    .memory_mb = o->memory_mb
			     ? o->memory_mb
			     : kt_vm_default_memory_mb(&o->topo, o->workers),
	    .console_path = v->console,
	    .console_stdio = o->mode == KT_VM_SHELL && !o->exec,
	    .channel_path = v->channel,
	    .extra_append = o->extra_append,
	};
	int err;

	err = kt_topo_spec_validate(&o->topo);
	if (err)
		return err;
	kt_topo_spec_name(&o->topo, v->topo, sizeof(v->topo));
	if (!o->kernel)
		return kt_err(EINVAL, "VM: no kernel given");
	err = check_kernel(o->kernel);
	err = err ?: find_qemu(o, v->qemu, sizeof(v->qemu));
	if (err)
		return err;
	q.qemu = v->qemu;
	q.accel = o->accel == KT_ACCEL_AUTO ? kt_accel_detect() : o->accel;
	v->res->accel = strdup(kt_accel_name(q.accel));

	install_signals(v);
	err = make_dir(v);
	err = err
		  ?: kt_vm_monitor_setup(&v->mon, o, q.memory_mb,
					 &v->res->monitor);
	err = err ?: write_initramfs(v, q.accel);
	if (!err && stop_signal)
		err = kt_err(EINTR, "VM: interrupted while preparing");
	if (err)
		return err;
	choose_image(v, q.memory_mb);
	v->res->memory_mb = q.memory_mb;
	v->ch.fd =
	    open(v->channel, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (v->ch.fd < 0)
		return kt_err(errno, "create %s: %s", v->channel,
			      strerror(errno));
	err = sched_append(o, &append);
	if (append)
		q.extra_append = append;
	err = err ?: kt_vm_monitor_append(&v->mon, q.extra_append, &mon_append);
	if (mon_append)
		q.extra_append = mon_append;
	q.mem_fds = kt_vm_monitor_fds(&v->mon);
	err = err ?: kt_qemu_argv(&q, &argv);
	free(append);
	free(mon_append);
	if (err) {
		kt_strv_free(&argv);
		return err;
	}
	progress(v, "booting %s (%u vCPUs, %s, %u MB, %s %s) ...", v->topo,
		 kt_topo_spec_cpus(&o->topo), kt_accel_name(q.accel),
		 q.memory_mb, kt_vm_boot_name(v->res->boot), v->image);
	v->ch.t0_ns = kt_now_ns();
	err = spawn(v, argv.v);
	kt_strv_free(&argv);
	err = err ?: kt_vm_monitor_start(&v->mon, v->ch.t0_ns);
	if (err)
		return err;
	return supervise(v);
}

int kt_vm_run(const struct kt_vm_opts *o, struct kt_vm_result *res)
{
	struct vm_run *v = calloc(1, sizeof(*v));
	int err;

	memset(res, 0, sizeof(*res));
	res->guest_status = -1;
	if (!v)
		return kt_err(ENOMEM, "out of memory");
	v->o = o;
	v->res = res;
	v->ch.fd = -1;
	v->ch.topo_label = v->topo;
	v->ch.monitor = &v->mon;
	v->ch.art_dir = o->artifacts_dir;
	v->ch.art_fresh = o->artifacts_fresh;
	err = run(v);
	kill_qemu(v);
	kt_vm_monitor_free(&v->mon);
	if (v->ch.fd >= 0)
		close(v->ch.fd);
	kt_vm_chan_free(&v->ch);
	remove_dir(v->dir);
	restore_signals(v);
	free(v);
	if (err) {
		kt_vm_result_free(res);
		res->guest_status = -1;
	}
	return err;
}

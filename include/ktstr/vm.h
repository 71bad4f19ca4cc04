/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of a ktstr VM as a library user sees it: kt_vm_run()
 * boots one VM for a topology (the accelerator chosen so KVM is used only
 * where it can really run a guest), supervises it and returns its results
 * with the end classified (exit, crash in the console, timeout...). The
 * QEMU command line, the initramfs (cpio, ELF closure), the console scan
 * and the run plan are private to src/lib/vm/. The host<->guest protocol
 * is docs/protocol.md.
 */
#ifndef KTSTR_VM_H
#define KTSTR_VM_H

#include <ktstr/common.h>
#include <ktstr/monitor.h>
#include <ktstr/result.h>
#include <ktstr/topo.h>

struct kt_sched_def;

/* A list of strings in a result: v[0..nr), v[nr] is always NULL. Read
 * only here; kt_vm_result_free() frees the lists of a result. */
struct kt_strv {
	size_t nr;
	size_t cap;
	char **v;
};

/* ---- accelerator ---- */

enum kt_accel {
	KT_ACCEL_AUTO = 0,  /* decide with kt_accel_detect() */
	KT_ACCEL_TCG,	    /* emulation, tcg,thread=single */
	KT_ACCEL_TCG_MULTI, /* emulation, tcg,thread=multi (may Oops guests) */
	KT_ACCEL_KVM,
};
const char *kt_accel_name(enum kt_accel a); /* "tcg", "tcg-multi", "kvm" */
/* "auto", "tcg", "tcg-multi" (or "mttcg"), "kvm"; -EINVAL otherwise. */
int kt_accel_parse(const char *s, enum kt_accel *out);

/*
 * The accelerator to use on this host: KTSTR_ACCEL (tcg|tcg-multi|kvm|auto)
 * when set, else KVM when /dev/kvm opens, the backend is a vendor module
 * (kvm_intel / kvm_amd, not kvm_pvm) and a tiny probe guest runs to its
 * hlt; otherwise TCG. The first call prints one line on stderr when it
 * falls back to TCG although /dev/kvm exists; the decision is cached.
 */
enum kt_accel kt_accel_detect(void);

/* ---- boot image ---- */

/*
 * Which image QEMU boots. The bzImage decompresses itself in the guest,
 * which under TCG takes 0.6-1.3 s of a boot (docs/emulation.md); the
 * uncompressed vmlinux (extracted once and kept, kt_kernel_vmlinux()) is
 * booted through its PVH entry instead. PVH needs the vmlinux to carry
 * the PVH entry note (CONFIG_PVH=y) and to fit in guest RAM with the
 * initramfs; otherwise the bzImage boots (said on stderr when PVH was
 * asked for).
 */
enum kt_vm_boot {
	KT_VM_BOOT_AUTO = 0, /* $KTSTR_BOOT, else PVH when possible */
	KT_VM_BOOT_PVH,	     /* PVH; the bzImage (with a line why) if not */
	KT_VM_BOOT_BZIMAGE,  /* the bzImage */
};
const char *kt_vm_boot_name(enum kt_vm_boot b); /* "auto", "pvh", ... */
/* "auto", "pvh", "bzimage"; -EINVAL otherwise. */
int kt_vm_boot_parse(const char *s, enum kt_vm_boot *out);

/* ---- console classification ---- */

/* What the guest's console showed, ordered by severity. */
enum kt_console_kind {
	KT_CONSOLE_CLEAN = 0,
	KT_CONSOLE_SCHED_DISABLED, /* sched_ext: BPF scheduler "x" disabled */
	KT_CONSOLE_BUG,		   /* BUG: ... */
	KT_CONSOLE_OOPS,	   /* Oops: ... */
	KT_CONSOLE_PANIC,	   /* Kernel panic - not syncing */
};
const char *kt_console_kind_name(enum kt_console_kind k);
static inline bool kt_console_is_crash(enum kt_console_kind k)
{
	return k >= KT_CONSOLE_BUG;
}

/* ---- running a VM ---- */

enum kt_vm_mode {
	KT_VM_RUN = 0, /* run scenarios, collect results */
	KT_VM_SHELL,   /* busybox shell: exec one command or interactive */
	KT_VM_PANIC,   /* guest panics on purpose after boot (harness tests) */
	KT_VM_TEST,    /* run one KTSTR_TEST of the init binary (o->test) */
};

/*
 * The guest RAM of a VM whose options leave memory_mb at 0, in MB:
 *
 *   max(256, 128 * nodes, 192 + 16 * cpus + 8 * (workers - 2 if above 2))
 *
 * rounded up to a multiple of the node count so every NUMA node gets the
 * same share. Measured with the 7.2 cloud kernel at 4 vCPUs and 256 MB:
 * the booted kernel leaves 173 MB available and the default set's
 * largest scenario (oversubscribed, 64 workers) takes 16 MB of it (0.25
 * MB a worker); it, page_fault_churn, fan_out_compute and fork_exit_churn
 * also ran at 128 MB. So: 192 MB for the kernel (its loaded image is 72
 * MB, whether booted from the bzImage or the PVH vmlinux) and the
 * initramfs; 16 MB per vCPU for the kernel's per-CPU data and the workers
 * that scenarios size by CPU count; 256 MB at least (1-4 vCPUs); 128 MB
 * per node, so node 0 holds the kernel image; and, with more workers per
 * cgroup than the default 2 (workers, 0 = default), 1 MB for each further
 * worker in up to 8 cgroups. 1-4 vCPUs get 256 MB, 8 get 320 MB, 16 get
 * 448 MB.
 */
unsigned kt_vm_default_memory_mb(const struct kt_topo_spec *spec,
				 unsigned workers);
#define KT_VM_MEM_MIN_MB	256
#define KT_VM_MEM_NODE_MIN_MB	128
#define KT_VM_MEM_BASE_MB	192
#define KT_VM_MEM_PER_CPU_MB	16
#define KT_VM_MEM_PER_WORKER_MB 1
#define KT_VM_MEM_CGROUPS	8
#define KT_VM_MEM_DFL_WORKERS	2

/* One payload binary a run needs: the program as the scenario names it
 * ("stress-ng") and the host file it resolved to ("/usr/bin/stress-ng"). */
struct kt_vm_payload {
	const char *program;
	const char *path;
};

struct kt_vm_opts {
	struct kt_topo_spec topo;
	const char *kernel;   /* required */
	unsigned memory_mb;   /* 0 = kt_vm_default_memory_mb(topo, workers) */
	enum kt_accel accel;  /* AUTO = kt_accel_detect() */
	enum kt_vm_boot boot; /* AUTO = $KTSTR_BOOT, else PVH if possible */
	enum kt_vm_mode mode;
	const char *const *scenarios; /* none = the guest's default set */
	size_t nr_scenarios;
	/* Scenario files (host paths, checked by the caller) that go into
	 * the initramfs and run after the scenarios; with files and no
	 * names, no default set runs. */
	const char *const *scenario_files;
	size_t nr_scenario_files;
	uint64_t duration_ns; /* per scenario; 0 = KT_RUN_DEFAULT_DURATION_NS */
	unsigned workers;     /* per cgroup; 0 = default */
	bool keep_going;      /* scenarios run their full duration even when
			       * a worker stalls (no end at the evidence) */
	const char *work_type; /* work kind for swappable cgroups (the
				* gauntlet's override); NULL = none */
	const char *exec;      /* shell: one command; NULL = interactive */
	const char *test;      /* test mode: the registered test's name */
	const char *const *includes; /* files -> /include/ */
	size_t nr_includes;
	const char *scheduler; /* binary -> /ktstr/scheduler (optional) */
	/* The scheduler under test (<ktstr/sched.h>); NULL = `scheduler`
	 * alone as a bare binary, or EEVDF. Its binary goes in as
	 * /ktstr/scheduler, its sysctls and kernel args onto the kernel
	 * command line, and a "sched" object into the plan. */
	const struct kt_sched_def *sched;
	uint32_t sched_flags;		     /* kt_sched_mask: active flags */
	const char *const *sched_extra_args; /* NULL-terminated, or NULL */
	const char *busybox; /* NULL = /bin/busybox in shell mode */
	const char *extra_append;
	const char *qemu;	  /* NULL = $KTSTR_QEMU or qemu-system-x86_64 */
	uint64_t boot_timeout_ns; /* 0 = 60 s up to 4 vCPUs, +5 s per more */
	uint64_t run_timeout_ns;  /* after boot; 0 = from the plan */
	bool quiet;		  /* no progress lines on stderr */
	bool capture_console;	  /* keep the console text in the result */
	/* Binaries of the scenarios' payloads (<ktstr/payload.h>): each goes
	 * into the initramfs at its host path with its shared libraries, and
	 * the plan's "payloads" maps the program name to it. */
	const struct kt_vm_payload *payloads;
	size_t nr_payloads;
	/* The host-side monitor (<ktstr/monitor.h>, docs/monitor.md) samples
	 * the guest's runqueues in scenario runs unless this is set. */
	bool no_monitor;
	/* (self-test) the guest wedges its userspace this long into the
	 * run: SCHED_FIFO-99 spinners on every CPU, RT throttling and the
	 * fair server off; the run watchdog then ends the VM 20 s later. */
	uint64_t wedge_after_ns;
	/* The flight recorder (docs/recorder.md): no_trace turns it off in
	 * the guest. Artifacts the guest sends (traces, dumps) are written
	 * into artifacts_dir (created at the first one; NULL = dropped); with
	 * artifacts_fresh it is a mkdtemp template ("/tmp/x.XXXXXX") made
	 * into a fresh directory at the first artifact. */
	bool no_trace;
	const char *artifacts_dir;
	bool artifacts_fresh;
};

enum kt_vm_end {
	KT_VM_END_EXIT = 0,    /* the guest sent `exit` and powered off */
	KT_VM_END_CRASH,       /* panic / Oops / BUG: in the console */
	KT_VM_END_BOOT_FAILED, /* QEMU ended (or failed) before `boot` */
	KT_VM_END_DIED,	       /* QEMU ended after boot without `exit` */
	KT_VM_END_TIMEOUT,     /* watchdog killed QEMU */
	KT_VM_END_INTERRUPTED, /* SIGINT/SIGTERM: QEMU killed */
};
const char *kt_vm_end_name(enum kt_vm_end e);

/* What the guest reported in its `topo` message. */
struct kt_vm_guest_topo {
	char *shape;	     /* "1n2l2c1t" or "irregular(...)" */
	struct kt_strv llcs; /* cpulists, in the guest's order */
	struct kt_strv nodes;
	struct kt_strv siblings;
};

/* What the guest said about the scheduler (sched_attached/sched_exit). */
struct kt_vm_sched {
	bool attached;
	char *name;
	int pid;
	uint64_t after_ms; /* start -> attached */
	bool exited;	   /* a sched_exit arrived */
	char *phase;	   /* "start", "attach", "run", "stop" */
	uint64_t at_ms;
	bool ejected;
	char *reason;
	struct kt_strv kernel_lines;
	struct kt_strv log_tail;
	/* the kernel's debug dump of the ejection (sched_exit's "dump"), or
	 * NULL; the same dump is in the SCHED result's dumps */
	struct kt_result_dump *dump;
};

/* A file the guest sent (`artifact` message), as written on the host. */
struct kt_vm_artifact {
	char *scenario; /* the result it belongs to ("" = the run's) */
	char *kind;	/* "trace", "dump", ... */
	char *path;	/* where it was written */
	size_t bytes;
};

struct kt_vm_result {
	enum kt_vm_end end;
	enum kt_verdict verdict; /* worst of everything below */
	int exit_code;		 /* process exit code to use */
	char *reason; /* one line when end != EXIT (or guest error) */
	enum kt_console_kind console_kind;
	char *console_excerpt; /* crash excerpt or console tail, or NULL */
	int signo;	       /* INTERRUPTED: the signal */
	bool booted;
	uint64_t boot_ms; /* host: QEMU start -> `boot` message */
	uint64_t wall_ms; /* host: QEMU start -> end */
	/* host: how long QEMU's threads sat runnable without a host CPU
	 * (schedstat run delay, sampled every 200 ms): the host's load on
	 * this VM, which compare weighs (docs/gauntlet.md) */
	uint64_t host_wait_ms;
	char *kernel_release; /* from `boot` */
	unsigned guest_cpus;
	bool has_topo;
	struct kt_vm_guest_topo guest_topo;
	bool has_exit;
	int guest_code;	       /* `exit` code */
	int guest_status;      /* `exit` status (shell), -1 unknown */
	struct kt_strv errors; /* `error` messages */
	size_t nr_results;
	struct kt_result *results; /* `result` messages (+ a synthesized
				    * INFRA one when the VM failed) */
	char *accel;		   /* "tcg", "kvm" */
	enum kt_vm_boot boot;	   /* what booted: PVH or BZIMAGE */
	unsigned memory_mb;	   /* the guest's RAM */
	char *console_text;	   /* whole console, with capture_console */
	struct kt_vm_sched sched;  /* scheduler messages, if any */
	struct kt_monitor monitor; /* the host monitor's samples */
	size_t nr_artifacts;	   /* files written to artifacts_dir */
	struct kt_vm_artifact *artifacts;
	struct kt_strv artifact_errors; /* files that could not be written */
};

/* The first artifact of kind for scenario in res, or NULL. */
const struct kt_vm_artifact *kt_vm_artifact_find(const struct kt_vm_result *res,
						 const char *scenario,
						 const char *kind);

/*
 * Boot one VM as described, supervise it (boot and run watchdogs,
 * SIGINT/SIGTERM) and fill res. Returns 0 when res describes the run
 * (whatever the verdict), negative errno when the run could not be set up
 * at all (bad kernel, no QEMU binary...): nothing is left behind either
 * way (no QEMU process, no temp dir).
 */
int kt_vm_run(const struct kt_vm_opts *o, struct kt_vm_result *res);
void kt_vm_result_free(struct kt_vm_result *res);
/*
 * The host monitor's kt_assert limits applied to every result of res
 * (kt_monitor_judge): assert_of gives the merged layer of a scenario
 * (NULL: no limits). res's verdict and exit code follow a result that
 * got worse. 0 or -ENOMEM.
 */
int kt_vm_monitor_judge(
    struct kt_vm_result *res,
    const struct kt_assert *(*assert_of)(const char *scenario, void *arg),
    void *arg);
/* JSON: {topo, end, verdict, exit_code, reason, accel, boot ("pvh" or
 * "bzimage"), memory_mb, boot_ms, wall_ms, guest_topo, results: [...],
 * console_excerpt, ..., monitor (kt_monitor_to_json)} */
struct json_t *kt_vm_result_to_json(const struct kt_vm_result *res);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of a ktstr VM: the QEMU command line for a topology, the
 * accelerator choice (KVM only where it can really run a guest), the
 * initramfs (cpio newc + the shared-library closure of the binaries in it),
 * console classification, and kt_vm_run(), which boots one VM, supervises
 * it and returns its results. The host<->guest protocol is
 * docs/protocol.md.
 */
#ifndef KTSTR_VM_H
#define KTSTR_VM_H

#include <stdio.h>
#include <sys/types.h>

#include <ktstr/common.h>
#include <ktstr/result.h>
#include <ktstr/topo.h>

struct kt_sched_def;

/* ---- string vectors (argv, path lists); v[nr] is always NULL ---- */

struct kt_strv {
	size_t nr;
	size_t cap;
	char **v;
};

int kt_strv_push(struct kt_strv *sv, const char *s);
int kt_strv_pushf(struct kt_strv *sv, const char *fmt, ...) KT_PRINTF(2, 3);
bool kt_strv_contains(const struct kt_strv *sv, const char *s);
void kt_strv_free(struct kt_strv *sv); /* frees the strings; sv reusable */

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

/* ---- QEMU command line ---- */

struct kt_qemu_opts {
	struct kt_topo_spec topo;
	const char *qemu;	  /* binary; NULL = "qemu-system-x86_64" */
	const char *kernel;	  /* bzImage (or PVH vmlinux) */
	const char *initrd;	  /* cpio archive */
	unsigned memory_mb;	  /* 0 = kt_vm_default_memory_mb() */
	const char *console_path; /* ttyS0 -> this file */
	bool console_stdio;	  /* ttyS0 on stdio (mon:stdio), interactive */
	const char *channel_path; /* virtio-serial org.ktstr.0 -> this file */
	enum kt_accel accel;	  /* AUTO is treated as TCG (no probing) */
	const char *extra_append; /* appended to the kernel command line */
};

/* max(512, 256 + 64 * cpus) MB, rounded up to a multiple of the node
 * count so every NUMA node gets the same share. */
unsigned kt_vm_default_memory_mb(const struct kt_topo_spec *spec);

/*
 * Build QEMU's argv (argv[0] = the binary) into out (appends). Layout: one
 * socket per LLC (-smp N,sockets=llcs,cores=C,threads=T), -cpu
 * Skylake-Client when threads > 1, and with numa > 1 one memory backend +
 * -numa node per node covering its llcs/numa sockets (memory split
 * evenly); with one node no -numa options are given (the guest then sees
 * one node holding every CPU and all memory, which is the same view).
 */
int kt_qemu_argv(const struct kt_qemu_opts *o, struct kt_strv *out);

/* The fixed kernel command line (before extra_append). */
#define KT_VM_BASE_APPEND                                                      \
	"console=ttyS0 panic=-1 rdinit=/init loglevel=4 "                      \
	"sysctl.kernel.sched_schedstats=1"

/* ---- cpio newc writer ---- */

struct kt_cpio;

/* Write an archive to f (not closed by the writer). Names are stored
 * without the leading '/'; missing parent directories are added (0755). */
int kt_cpio_new(FILE *f, struct kt_cpio **out);
int kt_cpio_dir(struct kt_cpio *c, const char *path, mode_t perm);
int kt_cpio_file(struct kt_cpio *c, const char *path, mode_t perm,
		 const void *data, size_t len);
/* Copy the file at src (symlinks followed); perm 0 = the source's. */
int kt_cpio_file_from_path(struct kt_cpio *c, const char *path, mode_t perm,
			   const char *src);
int kt_cpio_symlink(struct kt_cpio *c, const char *path, const char *target);
/* type is S_IFCHR or S_IFBLK */
int kt_cpio_node(struct kt_cpio *c, const char *path, mode_t type, mode_t perm,
		 unsigned major, unsigned minor);
bool kt_cpio_has(const struct kt_cpio *c, const char *path);
/* Write the TRAILER!!! entry and flush; the writer is freed either way. */
int kt_cpio_finish(struct kt_cpio *c);
void kt_cpio_free(struct kt_cpio *c); /* abandon without a trailer */

/* ---- ELF shared-library closure ---- */

/*
 * The files the dynamic loader needs to start the ELF binary at path:
 * its PT_INTERP and every DT_NEEDED library, recursively, resolved like
 * ld.so (DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH with $ORIGIN, then the
 * default directories). Absolute paths are appended to out (no
 * duplicates); a static binary appends nothing. An unresolvable library
 * is -ENOENT naming it; a non-ELF file is -ENOEXEC.
 */
int kt_elf_closure(const char *path, struct kt_strv *out);

/* ---- initramfs ---- */

/* Where the scheduler under test lives in the guest. */
#define KT_VM_SCHED_PATH "/ktstr/scheduler"
/* Scenario files travel as KT_VM_SCENARIO_DIR/<index>.json. */
#define KT_VM_SCENARIO_DIR "/ktstr/scenarios"

struct kt_initramfs_opts {
	const char *init_path;	     /* NULL = /proc/self/exe */
	const char *plan_json;	     /* -> /ktstr/plan.json */
	const char *scheduler;	     /* optional -> /ktstr/scheduler */
	const char *const *includes; /* files -> /include/<basename> */
	size_t nr_includes;
	/* scenario files -> KT_VM_SCENARIO_DIR/<index>.json */
	const char *const *scenario_files;
	size_t nr_scenario_files;
	const char *busybox; /* optional -> /bin/busybox */
};

/* Write the whole initramfs (uncompressed newc) to out_path. Binaries
 * that are dynamic bring their libraries at the same absolute paths. */
int kt_initramfs_write(const struct kt_initramfs_opts *o, const char *out_path);

/* ---- console classification ---- */

/* Ordered by severity. */
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

struct kt_console_scan {
	enum kt_console_kind kind; /* the most severe hit */
	int first_line;		   /* 1-based line of the first hit, 0 none */
	char *first_hit;	   /* that line (timestamp kept), NULL none */
	char *excerpt;		   /* lines around the first hit, NULL none */
};

/* Scan console text (CRs ignored). The excerpt holds up to 10 lines
 * before and 20 after the first hit of the most severe class present
 * (crash hits take precedence over sched_ext lines). */
int kt_console_scan_text(const char *text, size_t len,
			 struct kt_console_scan *out);
int kt_console_scan_file(const char *path, struct kt_console_scan *out);
void kt_console_scan_free(struct kt_console_scan *s);
/* The last n lines of text, CRs removed (malloc'd). */
char *kt_console_tail(const char *text, size_t len, unsigned n);

/* ---- running a VM ---- */

enum kt_vm_mode {
	KT_VM_RUN = 0, /* run scenarios, collect results */
	KT_VM_SHELL,   /* busybox shell: exec one command or interactive */
	KT_VM_PANIC,   /* guest panics on purpose after boot (harness tests) */
	KT_VM_TEST,    /* run one KTSTR_TEST of the init binary (o->test) */
};

struct kt_vm_opts {
	struct kt_topo_spec topo;
	const char *kernel;  /* required */
	unsigned memory_mb;  /* 0 = default */
	enum kt_accel accel; /* AUTO = kt_accel_detect() */
	enum kt_vm_mode mode;
	const char *const *scenarios; /* none = the guest's default set */
	size_t nr_scenarios;
	/* Scenario files (host paths, checked by the caller) that go into
	 * the initramfs and run after the scenarios; with files and no
	 * names, no default set runs. */
	const char *const *scenario_files;
	size_t nr_scenario_files;
	uint64_t duration_ns; /* per scenario; 0 = 2 s */
	unsigned workers;     /* per cgroup; 0 = default */
	const char *exec;     /* shell: one command; NULL = interactive */
	const char *test;     /* test mode: the registered test's name */
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
	uint64_t boot_ms;     /* host: QEMU start -> `boot` message */
	uint64_t wall_ms;     /* host: QEMU start -> end */
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
	char *console_text;	   /* whole console, with capture_console */
	struct kt_vm_sched sched;  /* scheduler messages, if any */
};

/*
 * Boot one VM as described, supervise it (boot and run watchdogs,
 * SIGINT/SIGTERM) and fill res. Returns 0 when res describes the run
 * (whatever the verdict), negative errno when the run could not be set up
 * at all (bad kernel, no QEMU binary...): nothing is left behind either
 * way (no QEMU process, no temp dir).
 */
int kt_vm_run(const struct kt_vm_opts *o, struct kt_vm_result *res);
void kt_vm_result_free(struct kt_vm_result *res);
/* JSON: {topo, end, verdict, exit_code, reason, boot_ms, guest_topo,
 * results: [...], console_excerpt} */
struct json_t *kt_vm_result_to_json(const struct kt_vm_result *res);

/* The run plan (docs/protocol.md) for o, as compact JSON text. */
char *kt_vm_plan_json(const struct kt_vm_opts *o);

/* Quick checks of a kernel image: a regular readable file holding a
 * bzImage ("HdrS" at 0x202) or an ELF; -EINVAL/-errno with a message. */
int kt_vm_check_kernel(const char *path);

#endif

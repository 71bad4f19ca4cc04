/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared between the VM supervisor's files (not a public API). */
#ifndef KTSTR_VM_INTERNAL_H
#define KTSTR_VM_INTERNAL_H

#include <jansson.h>

#include <ktstr/vm.h>

struct kt_vm_monitor;
struct kt_vm_art_rx;

/* Channel reader state: bytes not yet ending in '\n'. */
struct kt_vm_chan {
	int fd;
	char *buf;
	size_t len, cap;
	char *running; /* scenario started and not yet reported */
	const char *topo_label;
	uint64_t t0_ns;
	struct kt_vm_monitor *monitor; /* gets `ksyms`; NULL = none */
	/* artifacts (vm_artifact.c): where they go (kt_vm_opts), the fresh
	 * directory once made, the one being received */
	const char *art_dir;
	bool art_fresh;
	char art_made[4096];
	struct kt_vm_art_rx *art_rx;
};

/*
 * One `artifact` message (vm_artifact.c): its chunk is added to the file
 * being received; the last chunk writes the file into the artifacts
 * directory (whole or not at all) and adds it to res->artifacts. A
 * malformed or out-of-order chunk drops the file and says why in
 * res->artifact_errors. Returns 0, or -ENOMEM.
 */
int kt_vm_art_chunk(struct kt_vm_chan *ch, struct kt_vm_result *res,
		    const json_t *m);
/* Drop a file still being received (the VM ended in the middle). */
void kt_vm_art_rx_free(struct kt_vm_chan *ch);
/*
 * The file name of an artifact: "<scenario>-<variant>.<suffix>", with
 * ".<n>" before the suffix when n > 1; characters other than letters,
 * digits and "._+-" become '_', an empty scenario is "run". -ENAMETOOLONG.
 */
int kt_vm_artifact_name(const char *scenario, const char *variant,
			const char *suffix, unsigned n, char *buf, size_t len);
/* Free res's artifacts list and artifact errors. */
void kt_vm_artifacts_free(struct kt_vm_result *res);
/* [{"scenario", "kind", "path", "bytes"}, ...] */
json_t *kt_vm_artifacts_json(const struct kt_vm_result *res);

/* Read what the channel file gained and handle every complete line.
 * Returns 0, or -errno on a read error. */
int kt_vm_chan_poll(struct kt_vm_chan *ch, struct kt_vm_result *res);
void kt_vm_chan_free(struct kt_vm_chan *ch);

/* What the supervisor knows once QEMU is gone. */
struct kt_vm_end_facts {
	const char *console_path; /* the guest's console log */
	const char *qemu_log;	  /* QEMU's own output */
	const char *running; /* a scenario started, not reported; or NULL */
	const char *topo;    /* the topology's name */
	int wait_status;     /* QEMU's, from waitpid() */
	int stop_signal;     /* the SIGINT/SIGTERM that stopped us, or 0 */
	bool timed_out;	     /* a watchdog fired after limit_ns */
	uint64_t limit_ns;
};

/*
 * Fill res with how the run ended (vm_end.c): end, verdict, reason,
 * console kind, excerpt and text, exit code, and an INFRA result naming
 * the failure when the VM failed.
 */
void kt_vm_classify(const struct kt_vm_opts *o, const struct kt_vm_end_facts *f,
		    struct kt_vm_result *res);

#endif

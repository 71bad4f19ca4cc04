/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BPF map writes into the running sched_ext scheduler: a test declares
 * them (struct kt_map_write) and they are applied in the guest after the
 * scheduler attached, or mid-run by the WriteMap op (<ktstr/ops.h>), so a
 * test can flip a knob of the scheduler under test.
 *
 *	KT_MAP_WRITE_FIELD(".bss", "stall", 1)     the .bss variable stall
 *	KT_MAP_WRITE_AT(".bss", 4, 4, 1)	      4 bytes at offset 4
 *	KT_MAP_WRITE_FIELD("knobs", "mode", 2, .key = 3)  element 3's member
 *
 * The map is found among the maps used by the attached scheduler's
 * programs: the BPF_PROG_TYPE_STRUCT_OPS programs that implement
 * sched_ext_ops (only one sched_ext scheduler can be attached). A field
 * is found through the map's BTF (a datasec's variable, or a struct
 * value's member). See docs/map-writes.md.
 */
#ifndef KTSTR_MAP_WRITE_H
#define KTSTR_MAP_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kt_map_write {
	/* the map: its exact name ("scx_ktstr.bss"), or a suffix starting
	 * with '.' (".bss", ".data") that exactly one map name ends with */
	const char *map;
	uint32_t key; /* the element (ARRAY index); 0 for a datasec map */
	/* the value: a named field (datasec variable or struct member) ... */
	const char *field;
	/* ... or, with field NULL, width bytes at offset. width is 1, 2, 4
	 * or 8; with a field it is 0 (the field's size) or that size */
	uint32_t offset;
	unsigned width;
	uint64_t value; /* must fit the width */
};

/* Initializers (braced, so they also fit a static KTSTR_TEST descriptor):
 * inside KT_MAP_WRITES(...) or `struct kt_map_write w = KT_MAP_WRITE_...`. */
#define KT_MAP_WRITE_FIELD(m, f, v, ...)                                       \
	{                                                                      \
		.map = (m), .field = (f), .value = (v), __VA_ARGS__            \
	}
#define KT_MAP_WRITE_AT(m, off, w, v, ...)                                     \
	{                                                                      \
		.map = (m), .offset = (off), .width = (w), .value = (v),       \
		__VA_ARGS__                                                    \
	}

struct kt_map_writes {
	size_t nr;
	const struct kt_map_write *w;
};
/* KT_MAP_WRITES(KT_MAP_WRITE_FIELD(".bss", "stall", 1)); zero = none */
#define KT_MAP_WRITES(...)                                                     \
	((struct kt_map_writes){                                               \
	    .nr = sizeof((struct kt_map_write[]){__VA_ARGS__}) /               \
		  sizeof(struct kt_map_write),                                 \
	    .w = (struct kt_map_write[]){__VA_ARGS__}})

/* How long a write waits for the scheduler's map to appear. */
#define KT_MAP_WRITE_WAIT_NS (10ULL * 1000 * 1000 * 1000)

/*
 * The checks that need no kernel: a map name of 1..15 characters (a
 * kernel object name; a suffix counts its '.'), a field of 1..63
 * characters or a width of 1, 2, 4 or 8, a width a field's size may
 * match, and a value that fits the width. -EINVAL with a message naming
 * the write ("map write .bss:stall: ...").
 */
int kt_map_write_check(const struct kt_map_write *w);
/* "scx_ktstr.bss[0].stall = 1", ".bss[0]+4/4 = 1" */
int kt_map_write_name(const struct kt_map_write *w, char *buf, size_t len);
/* Does the kernel's map name match w->map (exact, or its '.' suffix)? */
bool kt_map_name_matches(const char *pattern, const char *name);

/*
 * Apply w to the attached sched_ext scheduler's map, waiting up to
 * wait_ns for the scheduler to attach and the map to appear (polling
 * every 50 ms). A field write changes only the field's bytes: in place
 * through mmap for a BPF_F_MMAPABLE map (.bss, .data), else by
 * lookup-modify-update of the element. rec (may be NULL) gets the map,
 * the old and new value and the CLOCK_MONOTONIC time of the write.
 * Errors (-ENOENT / -EINVAL / -errno), each naming the map and the fix:
 * no sched_ext scheduler attached, no such map among the scheduler's
 * (the names found are listed), a name more than one map has, a field
 * the map's BTF does not have (its fields are listed), a key past the
 * array, a width past the value, a frozen (read-only) map.
 */
struct kt_map_write_record;
int kt_map_write_apply(const struct kt_map_write *w, uint64_t wait_ns,
		       struct kt_map_write_record *rec);

/* ---- declared writes around a scenario (scenario_map_writes.c) ---- */

struct kt_ctx;
struct kt_result;
struct kt_map_writes_run;

/*
 * Is there a sched_ext scheduler to write to: one under test
 * (ctx->sched_pid) or one attached now? False under EEVDF.
 */
bool kt_map_writes_possible(const struct kt_ctx *ctx);
/*
 * Start applying a test's declared writes. None: nothing (*out NULL).
 * With no scheduler (EEVDF): -ESRCH naming the first write and the fix.
 * With wait (wait_for_map_write): each is applied now, before the caller
 * starts any worker, and an error is returned (the test must not run);
 * without: a thread applies them while the scenario starts. Each write
 * applied becomes a record in res (CLOCK_MONOTONIC at_ns).
 */
int kt_map_writes_begin(const struct kt_ctx *ctx, struct kt_map_writes writes,
			bool wait, struct kt_result *res,
			struct kt_map_writes_run **out);
/* Join the thread (if any): its records and errors (INFRA) go to res. */
void kt_map_writes_end(struct kt_map_writes_run *run, struct kt_result *res);

#endif

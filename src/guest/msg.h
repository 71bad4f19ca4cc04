/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest->host messages of docs/protocol.md as jansson objects: each
 * builder returns a new reference ({"type": ..., fields}) or NULL when out
 * of memory. Pure functions, no I/O.
 */
#ifndef KTSTR_GUEST_MSG_H
#define KTSTR_GUEST_MSG_H

#include <stdint.h>

#include <jansson.h>

#include <ktstr/result.h>
#include <ktstr/topo.h>

json_t *kt_msg_boot(uint64_t uptime_ms, const char *kernel, int cpus);
/* topo (shape name), llcs, nodes and siblings (one cpulist per core). */
json_t *kt_msg_topo(const struct kt_topo *t);
json_t *kt_msg_result(const struct kt_result *r);
json_t *kt_msg_error(const char *msg);
/* status >= 0 (shell mode: the raw 0..255, 128+N for signal N) is added
 * as "status"; -1 leaves it out. */
json_t *kt_msg_exit(int code, int status);

/* Parse /proc/uptime text ("12.34 5.67\n") into milliseconds; -EINVAL. */
int kt_parse_uptime_ms(const char *text, uint64_t *out);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sending a file to the host (an "artifact": a flight-recorder trace, a
 * scheduler dump) over the channel as `artifact` messages
 * (docs/protocol.md). The host writes it into its --artifacts directory
 * as <scenario>-<variant>.<suffix> and names the path in its report.
 *
 * Any part of the guest may call kt_guest_send_artifact() once init has
 * attached the channel; the calls are serialised, so a file's chunks are
 * never interleaved with another file's. Send a scenario's artifacts
 * before its `result` message: the host's BUG SUMMARY names those.
 */
#ifndef KTSTR_GUEST_ARTIFACT_H
#define KTSTR_GUEST_ARTIFACT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Raw bytes per message: a chunk's JSON line stays well under 256 KiB. */
#define KT_ARTIFACT_CHUNK 49152

/*
 * Init: the channel's fd (-1 = none: sends fail with -ENOTCONN) and the
 * run's variant for file names ("scx-ktstr-1n1l2c1t"; copied; NULL =
 * none).
 */
void kt_guest_artifact_attach(int fd, const char *variant);

/*
 * Send len bytes of data as one artifact: scenario (the result it belongs
 * to, "" = the run's), kind ("trace", "dump", ...: what it is), suffix
 * (the file name's extension, NULL = kind). Text goes as JSON text,
 * anything that is not UTF-8 as base64; in chunks of KT_ARTIFACT_CHUNK.
 * 0, or -errno with a message (kt_last_error()).
 */
int kt_guest_send_artifact(const char *scenario, const char *kind,
			   const char *suffix, const void *data, size_t len);

/* One chunk as a message (pure; for tests): {"type": "artifact", "id",
 * "scenario", "kind", "suffix", "variant", "seq", "last", "size",
 * "encoding", "data"}. NULL when out of memory. */
struct kt_artifact_chunk {
	unsigned id, seq;
	bool last;
	const char *scenario, *kind, *suffix, *variant;
	size_t size; /* the whole artifact's bytes */
	const char *data;
	size_t len; /* this chunk's bytes */
};
json_t *kt_msg_artifact(const struct kt_artifact_chunk *c);

#endif

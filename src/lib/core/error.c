/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-thread last-error message (recording, wrapping with a prefix,
 * keeping it across cleanup), and the monotonic clock/sleep helpers.
 *
 * Every message is formatted into a local buffer first and copied into
 * the slot afterwards, so an argument may be kt_last_error() itself.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <ktstr/common.h>

static _Thread_local char kt_errbuf[KT_ERR_MAX];

const char *kt_last_error(void)
{
	return kt_errbuf[0] ? kt_errbuf : "no error recorded";
}

static int record(int err, const char *msg)
{
	if (err < 0)
		err = -err;
	memcpy(kt_errbuf, msg, strlen(msg) + 1);
	errno = err;
	return -err;
}

int kt_err(int err, const char *fmt, ...)
{
	char msg[KT_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return record(err, msg);
}

int kt_err_wrap(int err, const char *fmt, ...)
{
	char prefix[KT_ERR_MAX], msg[KT_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	/* Cut at KT_ERR_MAX - 1 characters like every message. */
	if (snprintf(msg, sizeof(msg), "%s%s%s", prefix,
		     kt_errbuf[0] ? ": " : "", kt_errbuf) < 0)
		msg[0] = '\0';
	return record(err, msg);
}

void kt_err_save(struct kt_err_saved *s)
{
	s->err = errno;
	memcpy(s->msg, kt_errbuf, sizeof(s->msg));
}

int kt_err_restore(const struct kt_err_saved *s)
{
	memcpy(kt_errbuf, s->msg, sizeof(kt_errbuf));
	errno = s->err;
	return -s->err;
}

void kt_clear_error(void)
{
	kt_errbuf[0] = '\0';
}

uint64_t kt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void kt_sleep(uint64_t ns)
{
	struct timespec ts = {
	    .tv_sec = (time_t)(ns / 1000000000ULL),
	    .tv_nsec = (long)(ns % 1000000000ULL),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

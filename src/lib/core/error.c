/* SPDX-License-Identifier: GPL-2.0-only */
/* The per-thread last-error message, and the monotonic clock/sleep helpers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <ktstr/common.h>

static _Thread_local char kt_errbuf[1024];

const char *kt_last_error(void)
{
	return kt_errbuf[0] ? kt_errbuf : "no error recorded";
}

int kt_err(int err, const char *fmt, ...)
{
	va_list ap;

	if (err < 0)
		err = -err;
	va_start(ap, fmt);
	vsnprintf(kt_errbuf, sizeof(kt_errbuf), fmt, ap);
	va_end(ap);
	errno = err;
	return -err;
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

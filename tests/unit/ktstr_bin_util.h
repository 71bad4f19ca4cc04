/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running the ktstr command from a unit test (KTSTR_BIN names the
 * binary) and capturing what it prints.
 */
#ifndef KTSTR_TEST_KTSTR_BIN_UTIL_H
#define KTSTR_TEST_KTSTR_BIN_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Run KTSTR_BIN with the words first, then ap's up to a NULL (at most
 * 30); env is NULL or NAME, VALUE, ..., NULL to set in the child. Stdout
 * goes into out, stderr into err (each NUL-terminated, cut to fit). The
 * exit status; a cmocka failure when the binary cannot be run or does not
 * exit normally.
 */
int kt_run_ktstr(const char *const *env, char *out, size_t out_len, char *err,
		 size_t err_len, const char *first, va_list ap);

#endif

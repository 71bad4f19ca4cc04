/* SPDX-License-Identifier: GPL-2.0-only */
/* A check for the harness's own KTSTR_TEST bodies: a false condition is
 * recorded as an INFRA detail (the harness itself misbehaved). */
#ifndef KTSTR_KTEST_CHECK_H
#define KTSTR_KTEST_CHECK_H

#include <ktstr/result.h>

#define KTEST_CHECK(res, cond)                                                 \
	do {                                                                   \
		if (!(cond))                                                   \
			kt_result_add((res), KT_DETAIL_INFRA,                  \
				      "check failed at %s:%d: %s", __FILE__,   \
				      __LINE__, #cond);                        \
	} while (0)

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal helpers shared by the canned scenario files. */
#ifndef KTSTR_SCENARIO_UTIL_H
#define KTSTR_SCENARIO_UTIL_H

#include <ktstr/scenario.h>

/*
 * Hold for ns; when the hold ends early, record why in res (scheduler gone:
 * SCHEDULER detail; stop request: INFRA detail; a stall: a NOTE with the
 * evidence, once). Returns false when the scenario should wind down now.
 */
bool kt_hold_or_record(const struct kt_ctx *ctx, uint64_t ns,
		       struct kt_result *res);

/* Does ctx drive real cgroups (not the no-op double)? */
bool kt_ctx_real_cgroups(const struct kt_ctx *ctx);

/*
 * Verify every worker of handle h may run only on CPUs of want (when
 * confined) or may run on some CPU outside old (when released). Adds an
 * ISOLATION detail per worker that does not match. Real cgroups only.
 */
void kt_check_confined(const struct kt_ctx *ctx, const struct kt_handle *h,
		       const struct kt_cpuset *want, const char *when,
		       struct kt_result *res);
void kt_check_released(const struct kt_ctx *ctx, const struct kt_handle *h,
		       const struct kt_cpuset *old, const char *when,
		       struct kt_result *res);

#endif

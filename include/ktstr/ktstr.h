/* SPDX-License-Identifier: GPL-2.0-only */
/* The test-author API of libktstr: include this one header. */
#ifndef KTSTR_KTSTR_H
#define KTSTR_KTSTR_H

#include <ktstr/common.h>
#include <ktstr/cpuset.h>
#include <ktstr/topo.h>
#include <ktstr/hist.h>
#include <ktstr/workload.h>
#include <ktstr/cgroup.h>
#include <ktstr/check.h>
#include <ktstr/result.h>
#include <ktstr/scenario.h>
#include <ktstr/ops.h>
#include <ktstr/runner.h>
#include <ktstr/test.h>

#endif

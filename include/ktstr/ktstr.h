/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test-author API of libktstr: include this one header. It brings
 * every public header and needs no third-party header (the JSON functions
 * name jansson's values as struct json_t, see common.h); a unit test
 * compiles it with a <jansson.h> that is an #error.
 */
#ifndef KTSTR_KTSTR_H
#define KTSTR_KTSTR_H

/* the library's version, vocabulary, topology, cgroups, workers */
#include <ktstr/version.h>
#include <ktstr/common.h>
#include <ktstr/cpuset.h>
#include <ktstr/topo.h>
#include <ktstr/hist.h>
#include <ktstr/workload.h>
#include <ktstr/cgroup.h>

/* checks, results, the scheduler under test */
#include <ktstr/check.h>
#include <ktstr/result.h>
#include <ktstr/sched.h>

/* scenarios: the Ctx helpers, ops/steps, scenario files, the runner */
#include <ktstr/scenario.h>
#include <ktstr/ops.h>
#include <ktstr/scenario_file.h>
#include <ktstr/runner.h>

/* KTSTR_TEST registration and the test binary's runner */
#include <ktstr/test.h>
#include <ktstr/test_runner.h>

/* the host side: guest kernels and VMs */
#include <ktstr/kernel.h>
#include <ktstr/vm.h>

/* the picture of a run (HTML + SVG) */
#include <ktstr/timeline_html.h>

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for kernel config lookups and the sched_ext requirement. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/kernel.h>

#include "kernel/kernel_config.h"

#include "kernel_fixture.h"

static char dir[64], cfg[128];

static const char config_text[] =
    "#\n"
    "# Automatically generated file; DO NOT EDIT.\n"
    "#\n"
    "CONFIG_CC_VERSION_TEXT=\"gcc (Debian 15.2.0-1) 15.2.0\"\n"
    "CONFIG_SCHED_CLASS_EXT=y\n"
    "CONFIG_VIRTIO_MMIO=m\n"
    "# CONFIG_NET_9P is not set\n"
    "CONFIG_HZ=250\n"
    "CONFIG_BPF=y\n"
    "CONFIG_BPF_JIT=n\n"
    "CONFIG_DEBUG_INFO_BTF=y\n"
    "CONFIG_DEBUG_INFO_BTF=m\n"
    "CONFIG_EXT_GROUP_SCHED=y\r\n";

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/kt-test-kcfg-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(cfg, sizeof(cfg), "%s/config", dir);
	return kt_fx_write(cfg, config_text);
}

static int teardown(void **state)
{
	(void)state;
	return kt_fx_rmtree(dir);
}

static void test_lookup(void **state)
{
	(void)state;
	assert_int_equal(kt_kernel_config_has(cfg, "CONFIG_SCHED_CLASS_EXT"),
			 KT_KCONFIG_Y);
	assert_int_equal(kt_kernel_config_has(cfg, "SCHED_CLASS_EXT"),
			 KT_KCONFIG_Y);
	assert_int_equal(kt_kernel_config_has(cfg, "VIRTIO_MMIO"),
			 KT_KCONFIG_M);
	assert_int_equal(kt_kernel_config_has(cfg, "NET_9P"),
			 KT_KCONFIG_NOT_SET);
	assert_int_equal(kt_kernel_config_has(cfg, "NO_SUCH_OPTION"),
			 KT_KCONFIG_NOT_SET);
	assert_int_equal(kt_kernel_config_has(cfg, "HZ"), KT_KCONFIG_VALUE);
	assert_int_equal(kt_kernel_config_has(cfg, "CC_VERSION_TEXT"),
			 KT_KCONFIG_VALUE);
	assert_int_equal(kt_kernel_config_has(cfg, "BPF_JIT"),
			 KT_KCONFIG_NOT_SET);
	/* A prefix of a longer symbol does not match. */
	assert_int_equal(kt_kernel_config_has(cfg, "BP"), KT_KCONFIG_NOT_SET);
	assert_int_equal(kt_kernel_config_has(cfg, "SCHED_CLASS"),
			 KT_KCONFIG_NOT_SET);
	/* The last assignment wins; CRLF line ends are tolerated. */
	assert_int_equal(kt_kernel_config_has(cfg, "DEBUG_INFO_BTF"),
			 KT_KCONFIG_M);
	assert_int_equal(kt_kernel_config_has(cfg, "EXT_GROUP_SCHED"),
			 KT_KCONFIG_Y);
}

static void test_missing_file(void **state)
{
	char p[160];

	(void)state;
	snprintf(p, sizeof(p), "%s/nope", dir);
	assert_int_equal(kt_kernel_config_has(p, "SCHED_CLASS_EXT"), -ENOENT);
	assert_non_null(strstr(kt_last_error(), p));
	assert_non_null(strstr(kt_last_error(), "no such file"));
	assert_int_equal(kt_kernel_config_check_scx(p), -ENOENT);
}

static void check_scx_fails(const char *text, const char *why)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/config-bad", dir);
	assert_int_equal(kt_fx_write(p, text), 0);
	assert_int_equal(kt_kernel_config_check_scx(p), -EINVAL);
	assert_non_null(strstr(kt_last_error(), p));
	assert_non_null(
	    strstr(kt_last_error(), "has no CONFIG_SCHED_CLASS_EXT=y"));
	assert_non_null(strstr(kt_last_error(),
			       "this kernel cannot run sched_ext schedulers; "
			       "use `ktstr kernel fetch` or build with"));
	assert_non_null(strstr(kt_last_error(), why));
}

static void test_check_scx(void **state)
{
	(void)state;
	assert_int_equal(kt_kernel_config_check_scx(cfg), 0);
	check_scx_fails("# CONFIG_SCHED_CLASS_EXT is not set\n", "not set");
	check_scx_fails("CONFIG_BPF=y\n", "not set");
	check_scx_fails("CONFIG_SCHED_CLASS_EXT=m\n", "=m");
	check_scx_fails("CONFIG_SCHED_CLASS_EXT=y\nCONFIG_SCHED_CLASS_EXT=n\n",
			"not set");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_check_scx),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

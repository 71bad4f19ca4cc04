/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the kernel cache: list, path, clean, kernel resolution. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/kernel.h>

#include "kernel_fixture.h"

static char root[64];

static const char *at(const char *fmt, ...) KT_PRINTF(1, 2);

static const char *at(const char *fmt, ...)
{
	static char p[8][512];
	static int n;
	char rel[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	n = (n + 1) % 8;
	snprintf(p[n], sizeof(p[n]), "%s/%s", root, rel);
	return p[n];
}

static void assert_msg_has(const char *needle)
{
	if (!strstr(kt_last_error(), needle))
		fail_msg("error '%s' lacks '%s'", kt_last_error(), needle);
}

static void make_entry(const char *release, bool vmlinuz, bool valid, bool btf,
		       const char *config)
{
	struct kt_fx_bz bz = {
	    .release = release, .payload = "x", .payload_len = 1};

	assert_int_equal(kt_fx_mkdirs(at("kernels/%s", release)), 0);
	if (vmlinuz && valid)
		assert_int_equal(
		    kt_fx_bzimage(at("kernels/%s/vmlinuz", release), &bz), 0);
	else if (vmlinuz)
		assert_int_equal(kt_fx_write(at("kernels/%s/vmlinuz", release),
					     "this is a vmlinux, honest\n"),
				 0);
	if (btf)
		assert_int_equal(
		    kt_fx_write(at("kernels/%s/btf", release), "\x9f\xeb"), 0);
	if (config)
		assert_int_equal(
		    kt_fx_write(at("kernels/%s/config", release), config), 0);
}

static pid_t dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

static int setup(void **state)
{
	char pid[32];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/kt-test-kcache-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	setenv("KTSTR_CACHE_DIR", root, 1);
	unsetenv("KTSTR_KERNEL");
	make_entry("6.9.0-a", true, true, true, "CONFIG_SCHED_CLASS_EXT=y\n");
	make_entry("6.10.2-b", true, true, true, "CONFIG_SCHED_CLASS_EXT=y\n");
	make_entry("6.10.10-c", true, true, false, NULL);
	make_entry("7.0-corrupt", true, false, true, NULL);
	make_entry("7.1-missing", false, false, true, NULL);
	/* A stale temp dir of a dead fetch and a live one of ours. */
	kt_fx_mkdirs(at("kernels/.tmp-stale1"));
	snprintf(pid, sizeof(pid), "%d\n", (int)dead_pid());
	kt_fx_write(at("kernels/.tmp-stale1/owner.pid"), pid);
	kt_fx_mkdirs(at("kernels/.tmp-live01"));
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	kt_fx_write(at("kernels/.tmp-live01/owner.pid"), pid);
	/* A plain file in kernels/ is ignored. */
	kt_fx_write(at("kernels/README"), "not an entry\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("KTSTR_CACHE_DIR");
	return kt_fx_rmtree(root);
}

static void test_cache_root(void **state)
{
	const char *home = getenv("HOME");
	char buf[256], saved[256];

	(void)state;
	snprintf(saved, sizeof(saved), "%s", home ? home : "");
	assert_int_equal(kt_kernel_cache_root(buf, sizeof(buf)), 0);
	assert_string_equal(buf, root);
	unsetenv("KTSTR_CACHE_DIR");
	setenv("XDG_CACHE_HOME", "/xdg/cache", 1);
	assert_int_equal(kt_kernel_cache_root(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/xdg/cache/ktstr");
	setenv("XDG_CACHE_HOME", "relative/ignored", 1);
	setenv("HOME", "/home/tester", 1);
	assert_int_equal(kt_kernel_cache_root(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/home/tester/.cache/ktstr");
	unsetenv("HOME");
	assert_int_equal(kt_kernel_cache_root(buf, sizeof(buf)), -ENOENT);
	if (saved[0])
		setenv("HOME", saved, 1);
	unsetenv("XDG_CACHE_HOME");
	setenv("KTSTR_CACHE_DIR", root, 1);
}

static void test_list(void **state)
{
	static const char *const order[] = {"7.1-missing", "7.0-corrupt",
					    "6.10.10-c", "6.10.2-b", "6.9.0-a"};
	struct kt_kernel_entry *v;
	size_t n;

	(void)state;
	assert_int_equal(kt_kernel_cache_list(NULL, &v, &n), 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v[i].release, order[i]);
	assert_true(v[0].corrupt);
	assert_string_equal(v[0].reason, "missing vmlinuz");
	assert_true(v[1].corrupt);
	assert_non_null(strstr(v[1].reason, "vmlinuz is too small"));
	assert_false(v[2].corrupt);
	assert_false(v[2].has_btf);
	assert_false(v[2].has_config);
	assert_false(v[3].corrupt);
	assert_true(v[3].has_btf);
	assert_true(v[3].has_config);
	assert_true(v[4].size > 2048);
	assert_string_equal(v[4].dir, at("kernels/6.9.0-a"));
	free(v);

	/* A root without a kernels dir has no entries, not an error. */
	assert_int_equal(kt_kernel_cache_list("/nonexistent-kt", &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
}

static void test_path(void **state)
{
	char buf[512];

	(void)state;
	/* The newest intact entry; corrupt ones are skipped. */
	assert_int_equal(kt_kernel_cache_path(NULL, NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, at("kernels/6.10.10-c/vmlinuz"));
	assert_int_equal(
	    kt_kernel_cache_path(NULL, "6.9.0-a", buf, sizeof(buf)), 0);
	assert_string_equal(buf, at("kernels/6.9.0-a/vmlinuz"));
	assert_int_equal(
	    kt_kernel_cache_path(NULL, "5.0-none", buf, sizeof(buf)), -ENOENT);
	assert_msg_has("kernel release 5.0-none is not cached");
	assert_msg_has("6.10.10-c");
	assert_int_equal(
	    kt_kernel_cache_path(NULL, "7.0-corrupt", buf, sizeof(buf)),
	    -EINVAL);
	assert_msg_has("corrupt");
}

static void test_resolve(void **state)
{
	char path[512], config[512];
	struct kt_fx_bz bz = {.payload = "x", .payload_len = 1};

	(void)state;
	/* Nothing given: the newest cache entry, no config beside it. */
	assert_int_equal(
	    kt_kernel_resolve(NULL, path, sizeof(path), config, sizeof(config)),
	    0);
	assert_string_equal(path, at("kernels/6.10.10-c/vmlinuz"));
	assert_string_equal(config, "");

	/* $KTSTR_KERNEL names a release; its config comes along. */
	setenv("KTSTR_KERNEL", "6.9.0-a", 1);
	assert_int_equal(
	    kt_kernel_resolve(NULL, path, sizeof(path), config, sizeof(config)),
	    0);
	assert_string_equal(path, at("kernels/6.9.0-a/vmlinuz"));
	assert_string_equal(config, at("kernels/6.9.0-a/config"));

	/* --kernel beats the environment; a directory works too. */
	assert_int_equal(kt_kernel_resolve(at("kernels/6.10.2-b"), path,
					   sizeof(path), config,
					   sizeof(config)),
			 0);
	assert_string_equal(path, at("kernels/6.10.2-b/vmlinuz"));
	unsetenv("KTSTR_KERNEL");

	/* A bzImage path with a config lacking sched_ext. */
	kt_fx_mkdirs(at("custom"));
	assert_int_equal(kt_fx_bzimage(at("custom/bzImage"), &bz), 0);
	kt_fx_write(at("custom/config"),
		    "# CONFIG_SCHED_CLASS_EXT is not set\n");
	assert_int_equal(kt_kernel_resolve(at("custom/bzImage"), path,
					   sizeof(path), config,
					   sizeof(config)),
			 -EINVAL);
	assert_msg_has("has no CONFIG_SCHED_CLASS_EXT=y");
	assert_string_equal(path, "");

	/* A source tree: arch/x86/boot/bzImage with .config at the top. */
	kt_fx_mkdirs(at("linux/arch/x86/boot"));
	assert_int_equal(kt_fx_bzimage(at("linux/arch/x86/boot/bzImage"), &bz),
			 0);
	kt_fx_write(at("linux/.config"), "CONFIG_SCHED_CLASS_EXT=y\n");
	assert_int_equal(kt_kernel_resolve(at("linux"), path, sizeof(path),
					   config, sizeof(config)),
			 0);
	assert_string_equal(path, at("linux/arch/x86/boot/bzImage"));
	assert_string_equal(config, at("linux/.config"));

	/* Bad input fails before anything boots. */
	assert_int_equal(kt_kernel_resolve(at("kernels/7.0-corrupt/vmlinuz"),
					   path, sizeof(path), config,
					   sizeof(config)),
			 -EINVAL);
	assert_msg_has("too small");
	assert_int_equal(kt_kernel_resolve(at("nope/bzImage"), path,
					   sizeof(path), config,
					   sizeof(config)),
			 -ENOENT);
	assert_msg_has("no such file");
	assert_int_equal(kt_kernel_resolve("5.0-none", path, sizeof(path),
					   config, sizeof(config)),
			 -ENOENT);
	assert_msg_has("kernel 5.0-none (--kernel): no such file; kernel "
		       "release 5.0-none is not cached");
}

static void test_clean_keep_one(void **state)
{
	struct kt_kernel_entry *v;
	unsigned int removed;
	struct stat st;
	size_t n;

	(void)state;
	assert_int_equal(kt_kernel_cache_clean(NULL, 1, &removed), 0);
	/* 2 corrupt + 2 older intact entries + 1 stale temp dir */
	assert_int_equal(removed, 5);
	assert_int_equal(kt_kernel_cache_list(NULL, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].release, "6.10.10-c");
	free(v);
	assert_int_not_equal(stat(at("kernels/.tmp-stale1"), &st), 0);
	assert_int_equal(stat(at("kernels/.tmp-live01"), &st), 0);
}

static void test_missing_kernel(void **state)
{
	char path[512], config[512];
	unsigned int removed;

	(void)state;
	assert_int_equal(kt_kernel_cache_clean(NULL, 0, &removed), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(
	    kt_kernel_resolve(NULL, path, sizeof(path), config, sizeof(config)),
	    -ENOENT);
	assert_string_equal(kt_last_error(),
			    "no kernel: run `ktstr kernel fetch` or pass "
			    "--kernel PATH");
	setenv("KTSTR_CACHE_DIR", "/nonexistent-kt-cache", 1);
	assert_int_equal(
	    kt_kernel_resolve("", path, sizeof(path), config, sizeof(config)),
	    -ENOENT);
	assert_msg_has("no kernel: run `ktstr kernel fetch`");
	setenv("KTSTR_CACHE_DIR", root, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cache_root),
	    cmocka_unit_test(test_list),
	    cmocka_unit_test(test_path),
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_clean_keep_one),
	    cmocka_unit_test(test_missing_kernel),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

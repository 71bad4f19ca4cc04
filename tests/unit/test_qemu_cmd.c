/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the QEMU command line: exact argv per topology, memory
 * sizing and split, SMT CPU model, NUMA node ranges, error cases. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/vm.h>

#include "vm/qemu_cmd.h"
#include "vm/strv.h"

#define END ((const char *)NULL)

static const struct kt_qemu_opts base = {
    .kernel = "/k/vmlinuz",
    .initrd = "/t/initramfs.cpio",
    .console_path = "/t/console",
    .channel_path = "/t/channel",
    .accel = KT_ACCEL_TCG,
};

/* The argv for topo, compared one word at a time with the NULL-ended
 * list of middle words (everything after "-m" up to "-serial"). */
static void check_argv(const char *topo, unsigned memory_mb, ...)
{
	struct kt_qemu_opts o = base;
	struct kt_strv a = {0};
	const char *head[] = {
	    "qemu-system-x86_64", "-machine", "pc",   "-accel",
	    "tcg,thread=single",  "-display", "none", "-nodefaults",
	    "-no-reboot",	  "-m",
	};
	const char *tail[] = {
	    "-serial",
	    "file:/t/console",
	    "-device",
	    "virtio-serial-pci,id=ktser",
	    "-chardev",
	    "file,id=ktchan,path=/t/channel",
	    "-device",
	    "virtserialport,bus=ktser.0,chardev=ktchan,name=org.ktstr.0",
	    "-kernel",
	    "/k/vmlinuz",
	    "-initrd",
	    "/t/initramfs.cpio",
	    "-append",
	    KT_VM_BASE_APPEND " " KT_VM_TCG_APPEND,
	};
	char mem[16];
	size_t i = 0;
	va_list ap;

	assert_int_equal(kt_topo_spec_parse(topo, &o.topo), 0);
	o.memory_mb = memory_mb;
	assert_int_equal(kt_qemu_argv(&o, &a), 0);
	for (size_t k = 0; k < KT_ARRAY_SIZE(head); k++, i++) {
		assert_true(i < a.nr);
		assert_string_equal(a.v[i], head[k]);
	}
	/* the -m value */
	snprintf(mem, sizeof(mem), "%u",
		 memory_mb ? memory_mb : kt_vm_default_memory_mb(&o.topo, 0));
	assert_string_equal(a.v[i++], mem);
	va_start(ap, memory_mb);
	for (const char *w = va_arg(ap, const char *); w;
	     w = va_arg(ap, const char *), i++) {
		assert_true(i < a.nr);
		assert_string_equal(a.v[i], w);
	}
	va_end(ap);
	for (size_t k = 0; k < KT_ARRAY_SIZE(tail); k++, i++) {
		assert_true(i < a.nr);
		assert_string_equal(a.v[i], tail[k]);
	}
	assert_int_equal(i, a.nr);
	assert_null(a.v[a.nr]);
	kt_strv_free(&a);
}

static void test_1n1l2c1t(void **state)
{
	(void)state;
	check_argv("1n1l2c1t", 0, "-smp", "2,sockets=1,cores=2,threads=1", END);
}

static void test_1n2l2c1t(void **state)
{
	(void)state;
	/* two LLCs = two sockets, one node: no -numa options */
	check_argv("1n2l2c1t", 0, "-smp", "4,sockets=2,cores=2,threads=1", END);
}

static void test_2n2l1c1t(void **state)
{
	(void)state;
	check_argv("2n2l1c1t", 0, "-smp", "2,sockets=2,cores=1,threads=1",
		   "-object", "memory-backend-ram,id=m0,size=128M", "-numa",
		   "node,nodeid=0,cpus=0,memdev=m0", "-object",
		   "memory-backend-ram,id=m1,size=128M", "-numa",
		   "node,nodeid=1,cpus=1,memdev=m1", END);
}

static void test_1n1l2c2t(void **state)
{
	(void)state;
	/* SMT needs an Intel model: the default AMD one shows L2 per thread */
	check_argv("1n1l2c2t", 0, "-smp", "4,sockets=1,cores=2,threads=2",
		   "-cpu", "Skylake-Client", END);
}

static void test_2n4l2c2t_ranges_and_split(void **state)
{
	(void)state;
	/* 16 vCPUs: 192 + 16*16 = 448 MB, 224 per node; node 0 holds
	 * sockets 0-1 (cpus 0-7), node 1 sockets 2-3 (cpus 8-15) */
	check_argv("2n4l2c2t", 0, "-smp", "16,sockets=4,cores=2,threads=2",
		   "-cpu", "Skylake-Client", "-object",
		   "memory-backend-ram,id=m0,size=224M", "-numa",
		   "node,nodeid=0,cpus=0-7,memdev=m0", "-object",
		   "memory-backend-ram,id=m1,size=224M", "-numa",
		   "node,nodeid=1,cpus=8-15,memdev=m1", END);
	check_argv("2n2l1c1t", 2048, "-smp", "2,sockets=2,cores=1,threads=1",
		   "-object", "memory-backend-ram,id=m0,size=1024M", "-numa",
		   "node,nodeid=0,cpus=0,memdev=m0", "-object",
		   "memory-backend-ram,id=m1,size=1024M", "-numa",
		   "node,nodeid=1,cpus=1,memdev=m1", END);
}

static unsigned dfl_mb(const char *topo, unsigned workers)
{
	struct kt_topo_spec s;

	assert_int_equal(kt_topo_spec_parse(topo, &s), 0);
	return kt_vm_default_memory_mb(&s, workers);
}

static void test_default_memory(void **state)
{
	(void)state;
	/* 256 at least: 1-4 vCPUs (a 4-vCPU default set runs in 256) */
	assert_int_equal(dfl_mb("1n1l1c1t", 0), 256);
	assert_int_equal(dfl_mb("1n1l2c1t", 0), 256);
	assert_int_equal(dfl_mb("1n2l2c1t", 0), 256);
	assert_int_equal(dfl_mb("2n2l2c1t", 0), 256); /* 128 per node */
	/* then 192 + 16 per vCPU */
	assert_int_equal(dfl_mb("1n2l4c1t", 0), 320);
	assert_int_equal(dfl_mb("2n4l2c2t", 0), 448);
	/* 128 per node at least: 3 nodes x 1 CPU get 384 */
	assert_int_equal(dfl_mb("3n3l1c1t", 0), 384);
	/* 5 nodes x 8 CPUs: 192 + 640 = 832 rounds up to 835 (167 each) */
	assert_int_equal(dfl_mb("5n5l8c1t", 0), 835);
	assert_int_equal(835 % 5, 0);
	/* workers per cgroup: the default (0 or 2) adds nothing, each one
	 * above it 1 MB in up to 8 cgroups */
	assert_int_equal(dfl_mb("1n2l2c1t", 2), 256);
	assert_int_equal(dfl_mb("1n2l2c1t", 3), 264);
	assert_int_equal(dfl_mb("1n2l2c1t", 32), 256 + 8 * 30);
	/* the node split stays even with workers */
	assert_int_equal(dfl_mb("3n3l3c1t", 7) % 3, 0);
}

static void test_accel_and_append(void **state)
{
	struct kt_qemu_opts o = base;
	struct kt_strv a = {0};

	(void)state;
	o.topo = KT_TOPO(1, 1, 1, 1);
	o.accel = KT_ACCEL_KVM;
	o.extra_append = "nokaslr";
	o.qemu = "/opt/q";
	assert_int_equal(kt_qemu_argv(&o, &a), 0);
	assert_string_equal(a.v[0], "/opt/q");
	assert_string_equal(a.v[4], "kvm");
	assert_string_equal(a.v[a.nr - 1], KT_VM_BASE_APPEND " nokaslr");
	kt_strv_free(&a);

	o.accel = KT_ACCEL_TCG_MULTI;
	assert_int_equal(kt_qemu_argv(&o, &a), 0);
	assert_string_equal(a.v[4], "tcg,thread=multi");
	assert_string_equal(a.v[a.nr - 1],
			    KT_VM_BASE_APPEND " " KT_VM_TCG_APPEND " nokaslr");
	kt_strv_free(&a);

	/* AUTO reaches the command line only as TCG (no probing there) */
	o.accel = KT_ACCEL_AUTO;
	o.extra_append = "";
	assert_int_equal(kt_qemu_argv(&o, &a), 0);
	assert_string_equal(a.v[4], "tcg,thread=single");
	assert_string_equal(a.v[a.nr - 1],
			    KT_VM_BASE_APPEND " " KT_VM_TCG_APPEND);
	kt_strv_free(&a);
}

static void test_console_stdio_and_comma(void **state)
{
	struct kt_qemu_opts o = base;
	struct kt_strv a = {0};

	(void)state;
	o.topo = KT_TOPO(1, 1, 1, 1);
	o.console_stdio = true;
	o.channel_path = "/t/a,b/channel";
	assert_int_equal(kt_qemu_argv(&o, &a), 0);
	assert_true(kt_strv_contains(&a, "mon:stdio"));
	assert_false(kt_strv_contains(&a, "file:/t/console"));
	/* QemuOpts: ',' in a value is written ',,' */
	assert_true(
	    kt_strv_contains(&a, "file,id=ktchan,path=/t/a,,b/channel"));
	kt_strv_free(&a);
}

static void test_errors(void **state)
{
	struct kt_qemu_opts o = base;
	struct kt_strv a = {0};

	(void)state;
	o.topo = KT_TOPO(2, 2, 1, 1);
	o.memory_mb = 513; /* does not split over 2 nodes */
	assert_int_equal(kt_qemu_argv(&o, &a), -EINVAL);
	assert_non_null(strstr(kt_last_error(), "513"));
	kt_strv_free(&a);

	o.memory_mb = 0;
	o.topo = KT_TOPO(2, 3, 1, 1); /* llcs not a multiple of numa */
	assert_int_equal(kt_qemu_argv(&o, &a), -EINVAL);
	kt_strv_free(&a);

	o.topo = KT_TOPO(1, 1, 1, 1);
	o.kernel = NULL;
	assert_int_equal(kt_qemu_argv(&o, &a), -EINVAL);
	kt_strv_free(&a);
}

/* The host monitor's shared RAM: one memory-backend-file per node on the
 * memfd QEMU inherits (mem-path /proc/self/fd/N, share=on); without NUMA
 * the machine names the one backend. */
static void test_monitor_backends(void **state)
{
	struct kt_qemu_opts o = base;
	const int fds[] = {7, 9};
	struct kt_strv a = {0};

	(void)state;
	o.mem_fds = fds;
	o.topo = KT_TOPO(1, 1, 2, 1);
	o.memory_mb = 256;
	assert_int_equal(kt_qemu_argv(&o, &a), 0);
	assert_string_equal(a.v[2], "pc,memory-backend=m0");
	assert_string_equal(a.v[3], "-object");
	assert_string_equal(a.v[4], "memory-backend-file,id=m0,size=256M,"
				    "mem-path=/proc/self/fd/7,share=on");
	kt_strv_free(&a);

	o.topo = KT_TOPO(2, 2, 1, 1);
	assert_int_equal(kt_qemu_argv(&o, &a), 0);
	assert_string_equal(a.v[2], "pc");
	for (size_t i = 0, seen = 0; i < a.nr; i++) {
		if (!strncmp(a.v[i], "memory-backend-file", 19)) {
			char want[128];

			snprintf(want, sizeof(want),
				 "memory-backend-file,id=m%zu,size=128M,"
				 "mem-path=/proc/self/fd/%d,share=on",
				 seen, fds[seen]);
			assert_string_equal(a.v[i], want);
			seen++;
		}
		assert_true(seen <= 2);
		if (i == a.nr - 1)
			assert_int_equal(seen, 2);
	}
	kt_strv_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_1n1l2c1t),
	    cmocka_unit_test(test_1n2l2c1t),
	    cmocka_unit_test(test_2n2l1c1t),
	    cmocka_unit_test(test_1n1l2c2t),
	    cmocka_unit_test(test_2n4l2c2t_ranges_and_split),
	    cmocka_unit_test(test_default_memory),
	    cmocka_unit_test(test_accel_and_append),
	    cmocka_unit_test(test_console_stdio_and_comma),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_monitor_backends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

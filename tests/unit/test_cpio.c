/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the cpio newc writer (parsed back here: names, modes,
 * sizes, contents, padding, trailer), the ELF closure and the initramfs. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <ktstr/vm.h>

#include "vm/cpio.h"
#include "vm/elf_deps.h"
#include "vm/initramfs.h"
#include "vm/strv.h"

struct entry {
	char name[256];
	unsigned mode, nlink, size, rmaj, rmin;
	const unsigned char *data;
};

static unsigned hex8(const char *p)
{
	char buf[9];

	memcpy(buf, p, 8);
	buf[8] = '\0';
	for (int i = 0; i < 8; i++)
		assert_non_null(strchr("0123456789ABCDEF", buf[i]));
	return (unsigned)strtoul(buf, NULL, 16);
}

/* Parse a whole newc archive strictly; returns the entry count
 * (trailer excluded) and checks every padding rule on the way. */
static size_t parse(const unsigned char *a, size_t len, struct entry *e,
		    size_t max)
{
	size_t off = 0, n = 0;

	for (;;) {
		struct entry cur = {0};
		unsigned namesize;

		assert_int_equal(off % 4, 0);
		assert_true(off + 110 <= len);
		assert_memory_equal(a + off, "070701", 6);
		cur.mode = hex8((const char *)a + off + 14);
		cur.nlink = hex8((const char *)a + off + 38);
		cur.size = hex8((const char *)a + off + 54);
		cur.rmaj = hex8((const char *)a + off + 78);
		cur.rmin = hex8((const char *)a + off + 86);
		namesize = hex8((const char *)a + off + 94);
		assert_int_equal(hex8((const char *)a + off + 102), 0);
		assert_true(namesize > 1 && namesize < sizeof(cur.name));
		assert_true(off + 110 + namesize <= len);
		assert_int_equal(a[off + 110 + namesize - 1], '\0');
		memcpy(cur.name, a + off + 110, namesize);
		off += 110 + namesize;
		for (; off % 4; off++)
			assert_int_equal(a[off], 0); /* name padding */
		cur.data = a + off;
		assert_true(off + cur.size <= len);
		off += cur.size;
		for (; off % 4; off++)
			assert_int_equal(a[off], 0); /* data padding */
		if (!strcmp(cur.name, "TRAILER!!!")) {
			assert_int_equal(cur.size, 0);
			assert_int_equal(off, len); /* nothing after it */
			return n;
		}
		assert_true(n < max);
		e[n++] = cur;
	}
}

static const struct entry *find(const struct entry *e, size_t n,
				const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e[i].name, name))
			return &e[i];
	fail_msg("no entry %s in the archive", name);
	return NULL;
}

static void test_roundtrip(void **state)
{
	char src[] = "/tmp/kt-cpio-src.XXXXXX";
	static const char payload[] = "0123456789abcdefg"; /* 17 bytes */
	struct entry e[32];
	struct kt_cpio *c;
	char *buf = NULL;
	size_t len = 0, n;
	const struct entry *x;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(src);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "hello\n", 6), 6);
	close(fd);
	chmod(src, 0751);

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(kt_cpio_new(f, &c), 0);
	assert_int_equal(kt_cpio_dir(c, "/dev", 0755), 0);
	assert_int_equal(kt_cpio_node(c, "/dev/console", S_IFCHR, 0600, 5, 1),
			 0);
	assert_int_equal(kt_cpio_node(c, "/dev/null", S_IFCHR, 0666, 1, 3), 0);
	/* parents "a" and "a/b" are added on demand */
	assert_int_equal(kt_cpio_file(c, "/a/b/c.txt", 0644, payload, 17), 0);
	assert_int_equal(kt_cpio_file(c, "empty", 0600, NULL, 0), 0);
	assert_int_equal(kt_cpio_file_from_path(c, "/bin/x", 0, src), 0);
	assert_int_equal(kt_cpio_symlink(c, "/lib64", "lib"), 0);
	assert_true(kt_cpio_has(c, "/a/b"));
	assert_true(kt_cpio_has(c, "a//b/"));
	assert_false(kt_cpio_has(c, "/nope"));
	/* duplicates and the root are refused */
	assert_int_equal(kt_cpio_file(c, "a/b/c.txt", 0644, "x", 1), -EEXIST);
	assert_int_equal(kt_cpio_dir(c, "/", 0755), -EINVAL);
	assert_int_equal(kt_cpio_node(c, "/dev/x", S_IFREG, 0600, 1, 1),
			 -EINVAL);
	assert_int_equal(kt_cpio_finish(c), 0);
	fclose(f);
	unlink(src);

	n = parse((unsigned char *)buf, len, e, KT_ARRAY_SIZE(e));
	assert_int_equal(n, 10);
	assert_string_equal(e[0].name, "dev"); /* no leading '/' */
	assert_int_equal(e[0].mode, S_IFDIR | 0755);
	assert_int_equal(e[0].nlink, 2);

	x = find(e, n, "dev/console");
	assert_int_equal(x->mode, S_IFCHR | 0600);
	assert_int_equal(x->rmaj, 5);
	assert_int_equal(x->rmin, 1);
	x = find(e, n, "dev/null");
	assert_int_equal(x->mode, S_IFCHR | 0666);
	assert_int_equal(x->rmaj, 1);
	assert_int_equal(x->rmin, 3);

	assert_int_equal(find(e, n, "a")->mode, S_IFDIR | 0755);
	assert_int_equal(find(e, n, "a/b")->mode, S_IFDIR | 0755);
	assert_true(find(e, n, "a") < find(e, n, "a/b/c.txt"));
	x = find(e, n, "a/b/c.txt");
	assert_int_equal(x->mode, S_IFREG | 0644);
	assert_int_equal(x->size, 17);
	assert_memory_equal(x->data, payload, 17);
	assert_int_equal(find(e, n, "empty")->size, 0);

	x = find(e, n, "bin/x");
	assert_int_equal(x->mode, S_IFREG | 0751); /* the source's mode */
	assert_int_equal(x->size, 6);
	assert_memory_equal(x->data, "hello\n", 6);

	x = find(e, n, "lib64");
	assert_int_equal(x->mode, S_IFLNK | 0777);
	assert_int_equal(x->size, 3);
	assert_memory_equal(x->data, "lib", 3);
	free(buf);
}

static void test_missing_source(void **state)
{
	struct kt_cpio *c;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(kt_cpio_new(f, &c), 0);
	assert_int_equal(kt_cpio_file_from_path(c, "x", 0, "/nonexistent/kt"),
			 -ENOENT);
	assert_non_null(strstr(kt_last_error(), "/nonexistent/kt"));
	kt_cpio_free(c);
	fclose(f);
	free(buf);
}

static void test_elf_closure(void **state)
{
	char self[4096];
	struct kt_strv libs = {0};
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	bool libc = false;

	(void)state;
	assert_true(n > 0);
	self[n] = '\0';
	/* This test binary is dynamic (cmocka, jansson, libc). */
	assert_int_equal(kt_elf_closure(self, &libs), 0);
	assert_true(libs.nr >= 3);
	assert_non_null(strstr(libs.v[0], "ld-linux")); /* PT_INTERP */
	for (size_t i = 0; i < libs.nr; i++) {
		assert_int_equal(libs.v[i][0], '/');
		assert_int_equal(access(libs.v[i], R_OK), 0);
		if (strstr(libs.v[i], "/libc.so.6"))
			libc = true;
	}
	assert_true(libc);
	kt_strv_free(&libs);

	assert_int_equal(kt_elf_closure("/etc/hostname", &libs), -ENOEXEC);
	assert_int_equal(libs.nr, 0);
}

static void test_initramfs(void **state)
{
	char dir[] = "/tmp/kt-initramfs.XXXXXX", out[64];
	struct entry e[256];
	struct stat st;
	char *buf;
	size_t n;
	FILE *f;
	const struct entry *x;
	char *sh = realpath("/bin/sh", NULL);
	struct kt_initramfs_opts o = {
	    .plan_json = "{\"version\":1}",
	    .payloads = (const char *const[]){sh},
	    .nr_payloads = 1,
	};
	bool libgcc = false;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/i.cpio", dir);
	assert_int_equal(kt_initramfs_write(&o, out), 0);
	/* O_EXCL: never overwrite */
	assert_int_equal(kt_initramfs_write(&o, out), -EEXIST);
	assert_int_equal(stat(out, &st), 0);
	buf = malloc((size_t)st.st_size);
	f = fopen(out, "r");
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, f),
			 (size_t)st.st_size);
	fclose(f);
	unlink(out);
	rmdir(dir);

	n = parse((unsigned char *)buf, (size_t)st.st_size, e,
		  KT_ARRAY_SIZE(e));
	x = find(e, n, "init");
	assert_int_equal(x->mode, S_IFREG | 0755);
	assert_memory_equal(x->data, "\177ELF", 4);
	x = find(e, n, "ktstr/plan.json");
	assert_int_equal(x->size, 13);
	assert_memory_equal(x->data, "{\"version\":1}", 13);
	assert_int_equal(find(e, n, "dev/console")->mode, S_IFCHR | 0600);
	assert_int_equal(find(e, n, "dev/null")->rmaj, 1);
	for (const char *const *d =
		 (const char *const[]){"proc", "sys", "tmp", "run", NULL};
	     *d; d++)
		assert_int_equal(find(e, n, *d)->mode, S_IFDIR | 0755);
	/* /init is this dynamic test binary: its loader comes along */
	x = find(e, n, "lib64/ld-linux-x86-64.so.2");
	assert_memory_equal(x->data, "\177ELF", 4);
	/* a payload binary keeps its host path; libgcc_s (glibc dlopens it
	 * when a thread exits) goes beside libc */
	x = find(e, n, sh + 1);
	assert_int_equal(x->mode, S_IFREG | 0755);
	assert_memory_equal(x->data, "\177ELF", 4);
	for (size_t i = 0; i < n; i++)
		libgcc |= strstr(e[i].name, "/libgcc_s.so.1") != NULL;
	assert_true(libgcc);
	free(sh);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_missing_source),
	    cmocka_unit_test(test_elf_closure),
	    cmocka_unit_test(test_initramfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the guest channel (src/guest/channel.c): the port finder
 * against a fake /sys/class/virtio-ports tree, and the JSON-lines writer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#include "../../src/guest/channel.h"

struct fake {
	char root[64]; /* fake sysfs root */
	char dev[80];  /* fake /dev */
};

static void mkdirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A port directory; name NULL = no name file (an unnamed port). */
static void add_port(struct fake *fk, const char *port, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/sys/class/virtio-ports/%s", fk->root,
		 port);
	mkdirs(path);
	if (name) {
		strcat(path, "/name");
		write_file(path, name);
	}
}

static int setup(void **state)
{
	struct fake *fk = calloc(1, sizeof(*fk));
	char path[PATH_MAX];

	if (!fk)
		return -1;
	snprintf(fk->root, sizeof(fk->root), "/tmp/kt-chan-XXXXXX");
	if (!mkdtemp(fk->root))
		return -1;
	snprintf(fk->dev, sizeof(fk->dev), "%s/dev", fk->root);
	mkdirs(fk->dev);
	snprintf(path, sizeof(path), "%s/sys/class/virtio-ports", fk->root);
	mkdirs(path);
	*state = fk;
	return 0;
}

static void rm_tree(const char *path)
{
	char sub[PATH_MAX];
	struct stat st;

	if (lstat(path, &st))
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			rm_tree(sub);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static int teardown(void **state)
{
	struct fake *fk = *state;

	rm_tree(fk->root);
	free(fk);
	return 0;
}

static void test_find_named_port(void **state)
{
	struct fake *fk = *state;
	char port[32];

	add_port(fk, "vport0p0", NULL); /* port 0 of a console device */
	add_port(fk, "vport0p1", "some.other\n");
	add_port(fk, "vport1p1", "org.ktstr.0\n");
	add_port(fk, "vport1p2", "org.ktstr.00\n"); /* prefix match only */
	assert_int_equal(
	    kt_chan_find(fk->root, KT_CHAN_NAME, port, sizeof(port)), 0);
	assert_string_equal(port, "vport1p1");

	/* The other name is found too: the match is on the whole value. */
	assert_int_equal(
	    kt_chan_find(fk->root, "some.other", port, sizeof(port)), 0);
	assert_string_equal(port, "vport0p1");
	assert_int_equal(
	    kt_chan_find(fk->root, "org.ktstr", port, sizeof(port)), -ENOENT);
}

static void test_find_first_in_order(void **state)
{
	struct fake *fk = *state;
	char port[32];

	/* Created out of order: the answer is the first by name. */
	add_port(fk, "vport3p1", "org.ktstr.0");
	add_port(fk, "vport2p1", "org.ktstr.0");
	assert_int_equal(
	    kt_chan_find(fk->root, KT_CHAN_NAME, port, sizeof(port)), 0);
	assert_string_equal(port, "vport2p1");

	/* Too small a buffer for the port name. */
	assert_int_equal(kt_chan_find(fk->root, KT_CHAN_NAME, port, 4),
			 -ENAMETOOLONG);
}

static void test_find_missing(void **state)
{
	struct fake *fk = *state;
	char port[32], root[128];

	add_port(fk, "vport0p1", "org.other");
	assert_int_equal(
	    kt_chan_find(fk->root, KT_CHAN_NAME, port, sizeof(port)), -ENOENT);
	assert_non_null(strstr(kt_last_error(), "org.ktstr.0"));

	/* No virtio-ports directory at all (no virtio-console driver). */
	snprintf(root, sizeof(root), "%s/nothing", fk->root);
	assert_int_equal(kt_chan_find(root, KT_CHAN_NAME, port, sizeof(port)),
			 -ENOENT);
	assert_non_null(strstr(kt_last_error(), "virtio-ports"));

	/* kt_chan_open gives up after its wait with the finder's error. */
	uint64_t t0 = kt_now_ns();

	assert_int_equal(kt_chan_open(fk->root, fk->dev, KT_CHAN_NAME, 100),
			 -ENOENT);
	assert_true(kt_now_ns() - t0 >= KT_MS(100));
}

static char *slurp(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static void test_open_and_send(void **state)
{
	struct fake *fk = *state;
	char devpath[PATH_MAX];
	json_t *m;
	int fd;

	add_port(fk, "vport0p1", "org.ktstr.0\n");
	/* The "device" is a regular file in the fake /dev. */
	snprintf(devpath, sizeof(devpath), "%s/vport0p1", fk->dev);
	write_file(devpath, "");

	fd = kt_chan_open(fk->root, fk->dev, KT_CHAN_NAME, 0);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);

	m = json_pack("{s:s, s:i, s:[s,s]}", "type", "boot", "cpus", 2, "l",
		      "0-1", "2\n3");
	assert_int_equal(kt_chan_send(fd, m), 0);
	json_decref(m);
	assert_int_equal(
	    kt_chan_send_steal(fd, json_pack("{s:s, s:s}", "type", "error",
					     "msg", "caf\xc3\xa9")),
	    0);
	assert_int_equal(kt_chan_send_steal(fd, NULL), -ENOMEM);
	kt_chan_close(fd);

	/* One compact object per line; embedded newlines stay escaped. */
	assert_string_equal(slurp(devpath),
			    "{\"type\":\"boot\",\"cpus\":2,\"l\":[\"0-1\","
			    "\"2\\n3\"]}\n"
			    "{\"type\":\"error\",\"msg\":\"caf\\u00E9\"}\n");
}

static void test_open_missing_node(void **state)
{
	struct fake *fk = *state;

	/* sysfs names the port but /dev has no node for it. */
	add_port(fk, "vport0p1", "org.ktstr.0\n");
	assert_int_equal(kt_chan_open(fk->root, fk->dev, KT_CHAN_NAME, 50),
			 -ENOENT);
	assert_non_null(strstr(kt_last_error(), "vport0p1"));
}

static void test_write_all_pipe(void **state)
{
	int p[2];
	static char big[200000], back[200000];
	size_t got = 0;
	pid_t pid;

	(void)state;
	/* More than a pipe buffer through a non-blocking pipe: the writer
	 * must retry EAGAIN and short writes until everything is through. */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		_exit(kt_chan_write_all(p[1], big, sizeof(big)) ? 1 : 0);
	}
	close(p[1]);
	while (got < sizeof(back)) {
		ssize_t n = read(p[0], back + got, sizeof(back) - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(p[0]);
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(got, sizeof(big));
	assert_memory_equal(back, big, sizeof(big));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_find_named_port, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_find_first_in_order, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_find_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_and_send, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_open_missing_node, setup,
					    teardown),
	    cmocka_unit_test(test_write_all_pipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

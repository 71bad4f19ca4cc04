/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Accelerator choice: KVM only where /dev/kvm can really run a standard
 * guest. Some hosts expose /dev/kvm through a paravirtual backend
 * (kvm_pvm) that cannot boot a normal kernel (emulation failure in the
 * decompressor, then a hang), so the vendor module must be present and a
 * tiny probe guest (real mode: mov ax,0x1234; hlt) must reach its hlt
 * with the expected register, in a child process bounded by a timeout.
 * Everything else uses TCG. KTSTR_ACCEL overrides; the decision is cached.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ktstr/vm.h>

#define PROBE_TIMEOUT_MS 2000

const char *kt_accel_name(enum kt_accel a)
{
	switch (a) {
	case KT_ACCEL_AUTO:
		return "auto";
	case KT_ACCEL_TCG:
		return "tcg";
	case KT_ACCEL_TCG_MULTI:
		return "tcg-multi";
	case KT_ACCEL_KVM:
		return "kvm";
	}
	return "?";
}

int kt_accel_parse(const char *s, enum kt_accel *out)
{
	if (!strcmp(s, "auto"))
		*out = KT_ACCEL_AUTO;
	else if (!strcmp(s, "tcg"))
		*out = KT_ACCEL_TCG;
	else if (!strcmp(s, "tcg-multi") || !strcmp(s, "mttcg"))
		*out = KT_ACCEL_TCG_MULTI;
	else if (!strcmp(s, "kvm"))
		*out = KT_ACCEL_KVM;
	else
		return kt_err(EINVAL,
			      "accelerator '%s': expected auto, tcg, "
			      "tcg-multi or kvm",
			      s);
	return 0;
}

static bool module_loaded(const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return stat(path, &st) == 0;
}

/* Runs in the probe child: 0 when the guest reached hlt correctly. */
static int probe_guest(int kvm)
{
	static const unsigned char code[] = {
	    0xb8, 0x34, 0x12, /* mov ax, 0x1234 */
	    0xf4,	      /* hlt */
	};
	struct kvm_userspace_memory_region region = {0};
	struct kvm_sregs sregs;
	struct kvm_regs regs = {0};
	struct kvm_run *run;
	int vm, vcpu, mmap_size;
	void *mem;

	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return 10;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return 11;
	mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 12;
	memcpy((char *)mem + 0x1000, code, sizeof(code));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = 0x10000;
	region.userspace_addr = (unsigned long)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return 13;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return 14;
	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size <= 0)
		return 15;
	run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	if (run == MAP_FAILED)
		return 16;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return 17;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return 18;
	regs.rip = 0x1000;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return 19;
	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		return 20;
	if (run->exit_reason != KVM_EXIT_HLT)
		return 21;
	if (ioctl(vcpu, KVM_GET_REGS, &regs) < 0)
		return 22;
	return (regs.rax & 0xffff) == 0x1234 ? 0 : 23;
}

/* Fork a child for the probe so a hang or crash costs only the child. */
static bool probe_runs_guest(char *why, size_t len)
{
	uint64_t deadline = kt_now_ns() + KT_MS(PROBE_TIMEOUT_MS);
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "probe fork failed: %s", strerror(errno));
		return false;
	}
	if (pid == 0) {
		int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

		alarm(PROBE_TIMEOUT_MS / 1000 + 1);
		_exit(kvm < 0 ? 9 : probe_guest(kvm));
	}
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			snprintf(why, len, "probe wait failed: %s",
				 strerror(errno));
			return false;
		}
		if (kt_now_ns() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(why, len,
				 "probe guest did not halt within "
				 "%d ms",
				 PROBE_TIMEOUT_MS);
			return false;
		}
		kt_sleep(KT_MS(10));
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFEXITED(status))
		snprintf(why, len, "probe guest failed (step %d)",
			 WEXITSTATUS(status));
	else
		snprintf(why, len, "probe guest died (signal %d)",
			 WTERMSIG(status));
	return false;
}

static enum kt_accel detect(void)
{
	const char *env = getenv("KTSTR_ACCEL");
	char why[160];
	enum kt_accel a;
	int fd;

	if (env && *env) {
		if (kt_accel_parse(env, &a) < 0)
			fprintf(stderr, "ktstr: ignoring KTSTR_ACCEL: %s\n",
				kt_last_error());
		else if (a != KT_ACCEL_AUTO)
			return a;
	}
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return KT_ACCEL_TCG; /* no KVM at all: nothing to say */
	close(fd);

	if (module_loaded("kvm_pvm") && !module_loaded("kvm_intel") &&
	    !module_loaded("kvm_amd"))
		snprintf(why, sizeof(why), "its backend is kvm_pvm");
	else if (!module_loaded("kvm_intel") && !module_loaded("kvm_amd"))
		snprintf(why, sizeof(why),
			 "neither kvm_intel nor kvm_amd is "
			 "loaded");
	else if (probe_runs_guest(why, sizeof(why)))
		return KT_ACCEL_KVM;
	fprintf(stderr,
		"ktstr: /dev/kvm cannot run a standard guest here (%s); "
		"using TCG emulation\n",
		why);
	return KT_ACCEL_TCG;
}

enum kt_accel kt_accel_detect(void)
{
	static enum kt_accel cached = KT_ACCEL_AUTO;

	if (cached == KT_ACCEL_AUTO)
		cached = detect();
	return cached;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which kernel image QEMU boots. Under TCG the bzImage's decompressor is
 * slow (0.6-1.3 s of a boot, docs/emulation.md), so by default a VM boots
 * the uncompressed vmlinux through its PVH entry: the ELF is kept beside
 * the bzImage (kernel/vmlinux_cache.c) and used only when it has the PVH
 * entry note and fits in guest RAM with the initrd. Anything else (no
 * zstd payload, a kernel without CONFIG_PVH, a full disk, --memory too
 * small) boots the bzImage instead; that is said on stderr only when PVH
 * was asked for by name (--boot pvh, KTSTR_BOOT=pvh).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/kernel.h>

#include "boot_image.h"
#include "kernel/pvh.h"

const char *kt_vm_boot_name(enum kt_vm_boot b)
{
	switch (b) {
	case KT_VM_BOOT_AUTO:
		return "auto";
	case KT_VM_BOOT_PVH:
		return "pvh";
	case KT_VM_BOOT_BZIMAGE:
		return "bzimage";
	}
	return "?";
}

int kt_vm_boot_parse(const char *s, enum kt_vm_boot *out)
{
	if (!strcmp(s, "auto"))
		*out = KT_VM_BOOT_AUTO;
	else if (!strcmp(s, "pvh"))
		*out = KT_VM_BOOT_PVH;
	else if (!strcmp(s, "bzimage"))
		*out = KT_VM_BOOT_BZIMAGE;
	else
		return kt_err(EINVAL,
			      "boot image '%s': expected auto, pvh or bzimage",
			      s);
	return 0;
}

enum kt_vm_boot kt_vm_boot_decide(const struct kt_boot_facts *f, char *why,
				  size_t len)
{
	uint64_t need;

	if (len)
		why[0] = '\0';
	if (f->want == KT_VM_BOOT_BZIMAGE)
		return KT_VM_BOOT_BZIMAGE;
	if (f->vmlinux_err) {
		snprintf(why, len, "%s",
			 f->vmlinux_why && *f->vmlinux_why
			     ? f->vmlinux_why
			     : "no uncompressed vmlinux");
		return KT_VM_BOOT_BZIMAGE;
	}
	if (!f->has_entry) {
		snprintf(why, len,
			 "the vmlinux has no PVH entry note "
			 "(XEN_ELFNOTE_PHYS32_ENTRY; CONFIG_PVH is off)");
		return KT_VM_BOOT_BZIMAGE;
	}
	need = (f->load_end + f->initrd_bytes + (1ULL << 20) - 1) >> 20;
	need += KT_PVH_SPARE_MB;
	if (need > f->memory_mb) {
		snprintf(
		    why, len,
		    "the vmlinux (loaded up to %llu MB), the initramfs "
		    "and %u MB to run in need %llu MB; the guest has %u MB",
		    (unsigned long long)(f->load_end >> 20), KT_PVH_SPARE_MB,
		    (unsigned long long)need, f->memory_mb);
		return KT_VM_BOOT_BZIMAGE;
	}
	return KT_VM_BOOT_PVH;
}

/* want AUTO: $KTSTR_BOOT when it names a choice. */
static enum kt_vm_boot wanted(enum kt_vm_boot want)
{
	const char *env = getenv("KTSTR_BOOT");
	enum kt_vm_boot b;

	if (want != KT_VM_BOOT_AUTO || !env || !*env)
		return want;
	if (kt_vm_boot_parse(env, &b) < 0) {
		fprintf(stderr, "ktstr: ignoring KTSTR_BOOT: %s\n",
			kt_last_error());
		return want;
	}
	return b;
}

static bool is_elf(const char *path)
{
	unsigned char m[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool elf;

	if (fd < 0)
		return false;
	elf = pread(fd, m, sizeof(m), 0) == 4 && !memcmp(m, "\177ELF", 4);
	close(fd);
	return elf;
}

void kt_vm_boot_image(const char *kernel, enum kt_vm_boot want,
		      unsigned memory_mb, uint64_t initrd_bytes, char *path,
		      size_t len, enum kt_vm_boot *chosen)
{
	static bool said;
	struct kt_boot_facts f = {
	    .want = wanted(want),
	    .initrd_bytes = initrd_bytes,
	    .memory_mb = memory_mb,
	};
	char vmlinux[PATH_MAX], why[512];
	struct kt_pvh_info pvh;
	struct kt_err_saved saved;

	snprintf(path, len, "%s", kernel);
	if (is_elf(kernel)) {
		*chosen = KT_VM_BOOT_PVH; /* a vmlinux given as the kernel */
		return;
	}
	kt_err_save(&saved);
	if (f.want != KT_VM_BOOT_BZIMAGE) {
		f.vmlinux_err =
		    kt_kernel_vmlinux(kernel, vmlinux, sizeof(vmlinux));
		f.vmlinux_err = f.vmlinux_err ?: kt_pvh_probe(vmlinux, &pvh);
		f.vmlinux_why = kt_last_error();
		f.has_entry = !f.vmlinux_err && pvh.has_entry;
		f.load_end = f.vmlinux_err ? 0 : pvh.load_end;
	}
	*chosen = kt_vm_boot_decide(&f, why, sizeof(why));
	if (*chosen == KT_VM_BOOT_PVH)
		snprintf(path, len, "%s", vmlinux);
	else if (f.want == KT_VM_BOOT_PVH &&
		 !__atomic_exchange_n(&said, true, __ATOMIC_RELAXED))
		fprintf(stderr,
			"ktstr: PVH boot not possible: %s; booting the "
			"bzImage %s\n",
			why, kernel);
	kt_err_restore(&saved); /* a fallback is not an error */
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PVH entry of an uncompressed vmlinux. QEMU boots an ELF given as
 * -kernel only through the PVH boot protocol, and only when the ELF has
 * the Xen note XEN_ELFNOTE_PHYS32_ENTRY (type 18, owner "Xen") in a
 * PT_NOTE segment (Linux emits it with CONFIG_PVH=y); without it QEMU
 * refuses the image. This file finds that note and the end of the PT_LOAD
 * segments, which must fit in guest RAM (QEMU copies them there).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "pvh.h"

static uint64_t le(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Walk the notes of one PT_NOTE segment [p, p + len). */
static void scan_notes(const unsigned char *p, size_t len,
		       struct kt_pvh_info *info)
{
	size_t off = 0;

	while (len - off >= 12) {
		uint64_t namesz = le(p + off, 4), descsz = le(p + off + 4, 4);
		uint64_t type = le(p + off + 8, 4);
		uint64_t name_pad = (namesz + 3) & ~3ULL;
		uint64_t desc_pad = (descsz + 3) & ~3ULL;
		const unsigned char *name = p + off + 12, *desc;

		if (name_pad > len - off - 12 ||
		    desc_pad > len - off - 12 - name_pad)
			return; /* truncated: nothing more to trust */
		desc = name + name_pad;
		if (namesz == 4 && !memcmp(name, "Xen", 4) &&
		    type == KT_XEN_ELFNOTE_PHYS32_ENTRY &&
		    (descsz == 4 || descsz == 8)) {
			info->entry = le(desc, descsz);
			info->has_entry = info->entry < (1ULL << 32);
		}
		off += 12 + name_pad + desc_pad;
	}
}

static int check_ehdr(const unsigned char *p, size_t len)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)p;

	if (len < sizeof(*eh) || memcmp(p, ELFMAG, SELFMAG))
		return kt_err(EINVAL, "not an ELF file");
	if (p[EI_CLASS] != ELFCLASS64 || p[EI_DATA] != ELFDATA2LSB)
		return kt_err(EINVAL, "not a little-endian ELF64 file");
	if (eh->e_machine != EM_X86_64)
		return kt_err(EINVAL, "not an x86-64 ELF (e_machine %u)",
			      eh->e_machine);
	if (!eh->e_phoff || !eh->e_phnum ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff % 8)
		return kt_err(EINVAL, "ELF file has no usable program "
				      "headers");
	if (eh->e_phoff > len ||
	    (len - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		return kt_err(EINVAL, "ELF program headers lie outside the "
				      "file");
	return 0;
}

int kt_pvh_parse(const void *elf, size_t len, struct kt_pvh_info *info)
{
	const unsigned char *p = elf;
	const Elf64_Phdr *ph;
	int err;

	memset(info, 0, sizeof(*info));
	err = check_ehdr(p, len);
	if (err)
		return err;
	ph = (const Elf64_Phdr *)(p + ((const Elf64_Ehdr *)p)->e_phoff);
	for (unsigned i = 0; i < ((const Elf64_Ehdr *)p)->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD) {
			uint64_t end = ph[i].p_paddr + ph[i].p_memsz;

			if (end < ph[i].p_paddr)
				return kt_err(EINVAL,
					      "ELF segment %u wraps "
					      "around",
					      i);
			if (end > info->load_end)
				info->load_end = end;
		} else if (ph[i].p_type == PT_NOTE) {
			if (ph[i].p_offset > len ||
			    ph[i].p_filesz > len - ph[i].p_offset)
				return kt_err(EINVAL,
					      "ELF note segment %u lies "
					      "outside the file",
					      i);
			scan_notes(p + ph[i].p_offset, ph[i].p_filesz, info);
		}
	}
	return 0;
}

int kt_pvh_probe(const char *path, struct kt_pvh_info *info)
{
	struct stat st;
	void *m;
	int fd, err;

	memset(info, 0, sizeof(*info));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kt_err(errno, "vmlinux %s: open: %s", path,
			      strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return kt_err(EINVAL,
			      "vmlinux %s: not a non-empty regular file", path);
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	err = m == MAP_FAILED ? errno : 0;
	close(fd);
	if (err)
		return kt_err(err, "vmlinux %s: mmap: %s", path, strerror(err));
	err = kt_pvh_parse(m, (size_t)st.st_size, info);
	munmap(m, (size_t)st.st_size);
	if (err)
		return kt_err_wrap(err, "vmlinux %s", path);
	return 0;
}

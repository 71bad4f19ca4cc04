/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86 bzImage: boot-header validation, the release string, the zstd
 * compressed vmlinux ELF inside it and that ELF's .BTF section.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <ktstr/common.h>

#include "bzimage.h"

/* Offsets in the x86 boot protocol header (Documentation/arch/x86/boot). */
#define BZ_SETUP_SECTS	  0x1f1
#define BZ_BOOT_FLAG	  0x1fe
#define BZ_HEADER	  0x202
#define BZ_VERSION	  0x206
#define BZ_KERNEL_VERSION 0x20e
#define BZ_LOADFLAGS	  0x211
#define BZ_PAYLOAD_OFFSET 0x248
#define BZ_PAYLOAD_LENGTH 0x24c
#define BZ_MIN_SIZE	  1024
#define BZ_MAX_VMLINUX	  (2ULL << 30)

static const unsigned char zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* A read-only mapping of a whole file. */
struct mapped {
	unsigned char *p;
	size_t len;
};

static void unmap(struct mapped *m)
{
	if (m->p && m->len)
		munmap(m->p, m->len);
	m->p = NULL;
}

static int map_file(const char *path, struct mapped *m, const char *what)
{
	struct stat st;
	int fd, err;

	m->p = NULL;
	m->len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT)
			return kt_err(err, "%s %s: no such file", what, path);
		return kt_err(err, "%s %s: open: %s", what, path,
			      strerror(err));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		return kt_err(err, "%s %s: not a regular file", what, path);
	}
	m->len = (size_t)st.st_size;
	if (m->len) {
		m->p = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m->p == MAP_FAILED) {
			err = errno;
			m->p = NULL;
			close(fd);
			return kt_err(err, "%s %s: mmap: %s", what, path,
				      strerror(err));
		}
	}
	close(fd);
	return 0;
}

static int check_header(const char *path, const unsigned char *p, size_t len,
			struct kt_bzimage_info *info)
{
	uint64_t pm_start, end;
	uint16_t kv;

	memset(info, 0, sizeof(*info));
	info->file_size = len;
	if (len == 0)
		return kt_err(EINVAL,
			      "kernel %s is empty (0 bytes), not a Linux "
			      "bzImage",
			      path);
	if (len < BZ_MIN_SIZE)
		return kt_err(EINVAL,
			      "kernel %s is too small to be a Linux bzImage "
			      "(%zu bytes)",
			      path, len);
	if (memcmp(p + BZ_HEADER, "HdrS", 4))
		return kt_err(
		    EINVAL,
		    "kernel %s is not a Linux bzImage (no HdrS header "
		    "at offset 0x202); pass the kernel image "
		    "(vmlinuz/bzImage), not vmlinux or a .deb",
		    path);
	if (get16(p + BZ_BOOT_FLAG) != 0xaa55)
		return kt_err(EINVAL,
			      "kernel %s is not a Linux bzImage (no 0x55AA "
			      "boot-sector signature at offset 510)",
			      path);
	info->protocol = get16(p + BZ_VERSION);
	if (info->protocol < 0x0206)
		return kt_err(EINVAL,
			      "kernel %s: boot protocol %u.%02u is too old "
			      "(need 2.06 or newer)",
			      path, info->protocol >> 8, info->protocol & 0xff);
	if (!(p[BZ_LOADFLAGS] & 1))
		return kt_err(EINVAL,
			      "kernel %s is a zImage loaded low (loadflags bit "
			      "0 clear), not a bzImage",
			      path);
	info->setup_sects = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4;
	pm_start = ((uint64_t)info->setup_sects + 1) * 512;
	if (pm_start >= len)
		return kt_err(
		    EINVAL,
		    "kernel %s is truncated: %zu bytes, but the setup "
		    "code alone is %llu bytes",
		    path, len, (unsigned long long)pm_start);
	if (info->protocol >= 0x0208) {
		info->payload_offset = pm_start + get32(p + BZ_PAYLOAD_OFFSET);
		info->payload_length = get32(p + BZ_PAYLOAD_LENGTH);
		end = info->payload_offset + info->payload_length;
		if (end > len)
			return kt_err(
			    EINVAL,
			    "kernel %s is truncated: its payload ends "
			    "at byte %llu but the file has %zu bytes",
			    path, (unsigned long long)end, len);
	}
	kv = get16(p + BZ_KERNEL_VERSION);
	if (kv && (uint64_t)kv + 0x200 < pm_start) {
		const char *s = (const char *)p + kv + 0x200;
		size_t max = pm_start - kv - 0x200, i;

		for (i = 0; i < max && i < sizeof(info->release) - 1; i++) {
			if (s[i] == '\0' || s[i] == ' ' || s[i] == '\n')
				break;
			if (s[i] < 0x21 || s[i] > 0x7e) {
				i = 0; /* not text: no release known */
				break;
			}
		}
		memcpy(info->release, s, i);
		info->release[i] = '\0';
	}
	return 0;
}

int kt_bzimage_probe(const char *path, struct kt_bzimage_info *info)
{
	struct kt_bzimage_info tmp;
	struct mapped m;
	int err;

	err = map_file(path, &m, "kernel");
	if (err)
		return err;
	err = check_header(path, m.p, m.len, info ? info : &tmp);
	unmap(&m);
	return err;
}

static const char *payload_kind(const unsigned char *p, size_t len)
{
	if (len >= 2 && p[0] == 0x1f && (p[1] == 0x8b || p[1] == 0x9e))
		return "gzip";
	if (len >= 6 && !memcmp(p,
				"\xfd"
				"7zXZ\0",
				6))
		return "xz";
	if (len >= 3 && !memcmp(p, "BZh", 3))
		return "bzip2";
	if (len >= 4 && !memcmp(p, "\x02\x21\x4c\x18", 4))
		return "lz4";
	if (len >= 3 && !memcmp(p, "\x89LZO", 3))
		return "lzo";
	if (len >= 3 && !memcmp(p, "\x5d\x00\x00", 3))
		return "lzma";
	return "an unknown format";
}

static int zstd_frame(const char *path, const unsigned char *in, size_t in_len,
		      void **out, size_t *out_len)
{
	unsigned long long hint = ZSTD_getFrameContentSize(in, in_len);
	ZSTD_inBuffer ib = {in, in_len, 0};
	ZSTD_outBuffer ob = {NULL, 0, 0};
	ZSTD_DCtx *dctx;
	size_t ret, cap;
	int err = 0;

	if (hint == ZSTD_CONTENTSIZE_UNKNOWN ||
	    hint == ZSTD_CONTENTSIZE_ERROR || hint > BZ_MAX_VMLINUX)
		hint = in_len >= 4 ? get32(in + in_len - 4) : 0;
	cap = hint && hint <= BZ_MAX_VMLINUX ? (size_t)hint + 4096
					     : in_len * 4 + 4096;
	dctx = ZSTD_createDCtx();
	if (!dctx)
		return kt_err(ENOMEM, "kernel %s: zstd context: out of memory",
			      path);
	ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 31);
	ob.dst = malloc(cap);
	ob.size = cap;
	if (!ob.dst) {
		err = kt_err(ENOMEM,
			     "kernel %s: %zu bytes for vmlinux: out of "
			     "memory",
			     path, cap);
		goto out;
	}
	for (;;) {
		if (ob.pos == ob.size) {
			void *n;

			if (ob.size >= BZ_MAX_VMLINUX) {
				err = kt_err(EFBIG,
					     "kernel %s: vmlinux is larger "
					     "than 2 GiB",
					     path);
				goto out;
			}
			n = realloc(ob.dst, ob.size * 2);
			if (!n) {
				err = kt_err(ENOMEM,
					     "kernel %s: growing vmlinux "
					     "buffer: out of memory",
					     path);
				goto out;
			}
			ob.dst = n;
			ob.size *= 2;
		}
		ret = ZSTD_decompressStream(dctx, &ob, &ib);
		if (ZSTD_isError(ret)) {
			err = kt_err(EINVAL,
				     "kernel %s: zstd payload is corrupt: %s",
				     path, ZSTD_getErrorName(ret));
			goto out;
		}
		if (ret == 0)
			break; /* frame done; anything after it is ignored */
		if (ib.pos == ib.size && ob.pos < ob.size) {
			err = kt_err(EINVAL,
				     "kernel %s: zstd payload is truncated",
				     path);
			goto out;
		}
	}
	*out = ob.dst;
	*out_len = ob.pos;
	ob.dst = NULL;
out:
	free(ob.dst);
	ZSTD_freeDCtx(dctx);
	return err;
}

int kt_bzimage_vmlinux(const char *path, void **elf, size_t *len)
{
	struct kt_bzimage_info info;
	const unsigned char *pl;
	struct mapped m;
	size_t pl_len;
	int err;

	*elf = NULL;
	*len = 0;
	err = map_file(path, &m, "kernel");
	if (err)
		return err;
	err = check_header(path, m.p, m.len, &info);
	if (err)
		goto out;
	if (info.payload_length) {
		pl = m.p + info.payload_offset;
		pl_len = info.payload_length;
	} else {
		/* No payload fields (protocol < 2.08): scan for zstd. */
		pl = memmem(m.p, m.len, zstd_magic, sizeof(zstd_magic));
		pl_len = pl ? m.len - (size_t)(pl - m.p) : 0;
		if (!pl) {
			err = kt_err(EINVAL,
				     "kernel %s: no zstd-compressed vmlinux "
				     "found in the image",
				     path);
			goto out;
		}
	}
	if (pl_len < sizeof(zstd_magic) || memcmp(pl, zstd_magic, 4)) {
		err = kt_err(EINVAL,
			     "kernel %s: the embedded vmlinux is compressed "
			     "with %s; only zstd (CONFIG_KERNEL_ZSTD) is "
			     "supported",
			     path, payload_kind(pl, pl_len));
		goto out;
	}
	err = zstd_frame(path, pl, pl_len, elf, len);
	if (err)
		goto out;
	if (*len < SELFMAG || memcmp(*elf, ELFMAG, SELFMAG)) {
		free(*elf);
		*elf = NULL;
		*len = 0;
		err = kt_err(EINVAL,
			     "kernel %s: the decompressed payload is not an "
			     "ELF vmlinux",
			     path);
	}
out:
	unmap(&m);
	return err;
}

static int write_file(const char *out_path, const void *data, size_t len)
{
	const char *p = data;
	int fd, err;

	fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = errno;
		return kt_err(err, "write %s: open: %s", out_path,
			      strerror(err));
	}
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			close(fd);
			unlink(out_path);
			return kt_err(err, "write %s: %s", out_path,
				      strerror(err));
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		err = errno;
		unlink(out_path);
		return kt_err(err, "write %s: %s", out_path, strerror(err));
	}
	return 0;
}

int kt_bzimage_extract_vmlinux(const char *path, const char *out_path)
{
	size_t len;
	void *elf;
	int err;

	err = kt_bzimage_vmlinux(path, &elf, &len);
	if (err)
		return err;
	err = write_file(out_path, elf, len);
	free(elf);
	return err;
}

int kt_elf_section(const void *elf, size_t len, const char *name,
		   const void **data, size_t *size)
{
	const unsigned char *p = elf;
	const Elf64_Ehdr *eh = elf;
	const Elf64_Shdr *sh, *strtab;
	uint64_t shnum, shstrndx, i;

	if (len < sizeof(*eh) || memcmp(p, ELFMAG, SELFMAG))
		return kt_err(EINVAL, "not an ELF file");
	if (p[EI_CLASS] != ELFCLASS64 || p[EI_DATA] != ELFDATA2LSB)
		return kt_err(EINVAL, "not a little-endian ELF64 file");
	if (!eh->e_shoff || eh->e_shentsize != sizeof(Elf64_Shdr))
		return kt_err(EINVAL, "ELF file has no section headers");
	if (eh->e_shoff > len || len - eh->e_shoff < sizeof(Elf64_Shdr))
		return kt_err(EINVAL, "ELF section headers lie outside the "
				      "file");
	sh = (const Elf64_Shdr *)(p + eh->e_shoff);
	shnum = eh->e_shnum ? eh->e_shnum : sh[0].sh_size;
	shstrndx =
	    eh->e_shstrndx == SHN_XINDEX ? sh[0].sh_link : eh->e_shstrndx;
	if (shnum > (len - eh->e_shoff) / sizeof(Elf64_Shdr))
		return kt_err(EINVAL, "ELF section headers lie outside the "
				      "file");
	if (shstrndx >= shnum)
		return kt_err(EINVAL, "ELF section name table index is out "
				      "of range");
	strtab = &sh[shstrndx];
	if (strtab->sh_offset > len ||
	    strtab->sh_size > len - strtab->sh_offset)
		return kt_err(EINVAL, "ELF section name table lies outside "
				      "the file");
	for (i = 0; i < shnum; i++) {
		const char *sname = (const char *)p + strtab->sh_offset;
		size_t left;

		if (sh[i].sh_name >= strtab->sh_size)
			continue;
		sname += sh[i].sh_name;
		left = strtab->sh_size - sh[i].sh_name;
		if (strnlen(sname, left) == left || strcmp(sname, name))
			continue;
		if (sh[i].sh_type == SHT_NOBITS)
			return kt_err(EINVAL, "ELF section %s has no file data",
				      name);
		if (sh[i].sh_offset > len ||
		    sh[i].sh_size > len - sh[i].sh_offset)
			return kt_err(EINVAL,
				      "ELF section %s lies outside the "
				      "file",
				      name);
		*data = p + sh[i].sh_offset;
		*size = sh[i].sh_size;
		return 0;
	}
	return kt_err(ENOENT, "ELF file has no %s section", name);
}

int kt_elf_extract_section(const char *elf_path, const char *name,
			   const char *out_path)
{
	const void *data;
	struct mapped m;
	size_t size;
	int err;

	err = map_file(elf_path, &m, "ELF");
	if (err)
		return err;
	err = kt_elf_section(m.p, m.len, name, &data, &size);
	if (err)
		err = kt_err_wrap(err, "ELF %s", elf_path);
	else
		err = write_file(out_path, data, size);
	unmap(&m);
	return err;
}

int kt_bzimage_extract_btf(const char *path, const char *out_path)
{
	const unsigned char *btf;
	const void *data;
	size_t len, size;
	void *elf;
	int err;

	err = kt_bzimage_vmlinux(path, &elf, &len);
	if (err)
		return err;
	err = kt_elf_section(elf, len, ".BTF", &data, &size);
	if (err) {
		err = kt_err(err, "kernel %s: vmlinux: %s%s", path,
			     kt_last_error(),
			     err == -ENOENT ? " (built without "
					      "CONFIG_DEBUG_INFO_BTF?)"
					    : "");
		goto out;
	}
	btf = data;
	if (size < 2 || get16(btf) != KT_BTF_MAGIC) {
		err = kt_err(EINVAL,
			     "kernel %s: the .BTF section does not start with "
			     "the BTF magic 0xEB9F",
			     path);
		goto out;
	}
	err = write_file(out_path, data, size);
out:
	free(elf);
	return err;
}

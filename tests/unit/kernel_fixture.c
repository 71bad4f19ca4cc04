/* SPDX-License-Identifier: GPL-2.0-only */
/* Fabricated kernel images for unit tests: ELF64 with .BTF or with
 * program headers and notes, bzImages. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "kernel_fixture.h"

const unsigned char kt_fx_btf[64] = {0x9f, 0xeb, 1,   0, 24, 0, 0, 0,
				     'b',  't',	 'f', 1, 2,  3, 4, 5};

size_t kt_fx_elf(unsigned char *buf, size_t cap, const void *btf, size_t len)
{
	static const char names[] = "\0.text\0.BTF\0.shstrtab\0";
	static const unsigned char text[16] = {0x90, 0x90, 0xc3};
	size_t off = sizeof(Elf64_Ehdr), text_off, btf_off, str_off, sh_off;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr *sh;
	int nsec = btf ? 4 : 3, i = 1;

	if (cap < off + sizeof(text) + len + sizeof(names) + 8 +
		      (size_t)nsec * sizeof(Elf64_Shdr))
		return 0;
	memset(buf, 0, cap);
	text_off = off;
	memcpy(buf + off, text, sizeof(text));
	off += sizeof(text);
	btf_off = off;
	if (btf)
		memcpy(buf + off, btf, len);
	off += btf ? len : 0;
	str_off = off;
	memcpy(buf + off, names, sizeof(names));
	off += sizeof(names);
	off = (off + 7) & ~(size_t)7;
	sh_off = off;
	sh = (Elf64_Shdr *)(buf + sh_off);
	sh[i].sh_name = 1; /* .text */
	sh[i].sh_type = SHT_PROGBITS;
	sh[i].sh_offset = text_off;
	sh[i++].sh_size = sizeof(text);
	if (btf) {
		sh[i].sh_name = 7; /* .BTF */
		sh[i].sh_type = SHT_PROGBITS;
		sh[i].sh_offset = btf_off;
		sh[i++].sh_size = len;
	}
	sh[i].sh_name = 12; /* .shstrtab */
	sh[i].sh_type = SHT_STRTAB;
	sh[i].sh_offset = str_off;
	sh[i].sh_size = sizeof(names);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_shoff = sh_off;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = (uint16_t)nsec;
	eh->e_shstrndx = (uint16_t)i;
	return sh_off + (size_t)nsec * sizeof(Elf64_Shdr);
}

size_t kt_fx_elf_notes(unsigned char *buf, size_t cap, uint64_t load_paddr,
		       uint64_t load_memsz, const struct kt_fx_note *notes,
		       size_t nr)
{
	size_t off = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr), start;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));

	if (cap < off + 16)
		return 0;
	memset(buf, 0, cap);
	memcpy(buf + off, "\x90\x90\xc3", 3); /* the "image" */
	off += 16;
	start = off;
	for (size_t i = 0; i < nr; i++) {
		uint32_t nsz = (uint32_t)strlen(notes[i].name) + 1;
		size_t need =
		    12 + ((nsz + 3u) & ~3u) + ((notes[i].desc_len + 3u) & ~3u);

		if (off + need > cap)
			return 0;
		memcpy(buf + off, &nsz, 4);
		memcpy(buf + off + 4, &notes[i].desc_len, 4);
		memcpy(buf + off + 8, &notes[i].type, 4);
		memcpy(buf + off + 12, notes[i].name, nsz);
		memcpy(buf + off + 12 + ((nsz + 3u) & ~3u), notes[i].desc,
		       notes[i].desc_len);
		off += need;
	}
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = nr ? 2 : 1;
	ph[0].p_type = PT_LOAD;
	ph[0].p_offset = sizeof(*eh) + 2 * sizeof(Elf64_Phdr);
	ph[0].p_paddr = load_paddr;
	ph[0].p_filesz = 16;
	ph[0].p_memsz = load_memsz;
	ph[1].p_type = PT_NOTE;
	ph[1].p_offset = start;
	ph[1].p_filesz = off - start;
	return off;
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

int kt_fx_bzimage(const char *path, const struct kt_fx_bz *bz)
{
	const size_t setup_sects = 3, pm = (setup_sects + 1) * 512;
	const size_t pl_off = 0x100; /* payload offset after pm */
	size_t pl_len = bz->payload_len, total;
	unsigned char *img, *pl = NULL;
	int fd, err = 0;

	if (bz->zstd && bz->payload) {
		size_t bound = ZSTD_compressBound(bz->payload_len);

		pl = malloc(bound);
		if (!pl)
			return -ENOMEM;
		pl_len =
		    ZSTD_compress(pl, bound, bz->payload, bz->payload_len, 3);
		if (ZSTD_isError(pl_len)) {
			free(pl);
			return -EINVAL;
		}
	}
	/* The kernel appends the uncompressed size after the payload. */
	total = pm + pl_off + pl_len + 4;
	img = calloc(1, total);
	if (!img) {
		free(pl);
		return -ENOMEM;
	}
	img[0x1f1] = (unsigned char)setup_sects;
	put16(img + 0x1fe, 0xaa55);
	memcpy(img + 0x202, "HdrS", 4);
	put16(img + 0x206, bz->protocol ? bz->protocol : 0x020f);
	img[0x211] = bz->zimage ? 0 : 1;
	if (bz->release) {
		put16(img + 0x20e, 0x300 - 0x200);
		snprintf((char *)img + 0x300, 0x100, "%s (fx@test) #1 SMP",
			 bz->release);
	}
	put32(img + 0x248, (uint32_t)pl_off);
	put32(img + 0x24c, (uint32_t)(pl_len + bz->extra_payload));
	if (bz->payload)
		memcpy(img + pm + pl_off, pl ? pl : bz->payload, pl_len);
	put32(img + pm + pl_off + pl_len, (uint32_t)bz->payload_len);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, img, total) != (ssize_t)total)
		err = -errno;
	if (fd >= 0)
		close(fd);
	free(img);
	free(pl);
	return err;
}

int kt_fx_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

int kt_fx_mkdirs(const char *path)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(p, 0755) && errno != EEXIST ? -errno : 0;
}

static int rm_cb(const char *p, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

int kt_fx_rmtree(const char *path)
{
	return nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS) ? -errno : 0;
}

char *kt_fx_read(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (fstat(fileno(f), &st)) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf) {
		*len = fread(buf, 1, (size_t)st.st_size, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shared-library closure of an ELF binary, resolved the way ld.so
 * does without its cache: PT_INTERP, then every DT_NEEDED searched in
 * DT_RPATH (only when there is no DT_RUNPATH), LD_LIBRARY_PATH,
 * DT_RUNPATH ($ORIGIN expanded) and the default directories, recursively.
 * Only 64-bit little-endian ELF (the x86-64 guest) is handled.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_deps.h"
#include "strv.h"

static const char *const default_dirs[] = {
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu",
    "/lib64",
    "/usr/lib64",
    "/lib",
    "/usr/lib",
};

struct elf_info {
	char *interp;
	struct kt_strv needed;
	char *rpath;
	char *runpath;
};

static void elf_info_free(struct elf_info *e)
{
	free(e->interp);
	free(e->rpath);
	free(e->runpath);
	kt_strv_free(&e->needed);
}

/* File offset of virtual address va (through the PT_LOAD segments). */
static bool va_to_off(const Elf64_Phdr *ph, unsigned n, uint64_t va,
		      uint64_t *off)
{
	for (unsigned i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && va >= ph[i].p_vaddr &&
		    va < ph[i].p_vaddr + ph[i].p_filesz) {
			*off = va - ph[i].p_vaddr + ph[i].p_offset;
			return true;
		}
	return false;
}

static char *str_at(const char *m, size_t size, uint64_t off)
{
	if (off >= size || !memchr(m + off, '\0', size - off))
		return NULL;
	return strdup(m + off);
}

static int parse_elf(const char *path, const char *m, size_t size,
		     struct elf_info *e)
{
	const Elf64_Ehdr *eh = (const void *)m;
	const Elf64_Phdr *ph;
	const Elf64_Dyn *dyn = NULL;
	uint64_t strtab = 0, strsz = 0, stroff, ndyn = 0;
	int err = 0;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return kt_err(ENOEXEC, "%s is not an ELF file", path);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return kt_err(ENOEXEC, "%s is not a 64-bit little-endian ELF",
			      path);
	if (eh->e_phoff > size || eh->e_phentsize != sizeof(*ph) ||
	    eh->e_phnum > (size - eh->e_phoff) / sizeof(*ph))
		return kt_err(ENOEXEC, "%s: bad program headers", path);
	ph = (const void *)(m + eh->e_phoff);

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP) {
			if (ph[i].p_offset >= size ||
			    ph[i].p_filesz > size - ph[i].p_offset)
				return kt_err(ENOEXEC, "%s: bad PT_INTERP",
					      path);
			e->interp = strndup(m + ph[i].p_offset, ph[i].p_filesz);
			if (!e->interp)
				return kt_err(ENOMEM, "out of memory");
		} else if (ph[i].p_type == PT_DYNAMIC) {
			if (ph[i].p_offset >= size ||
			    ph[i].p_filesz > size - ph[i].p_offset)
				return kt_err(ENOEXEC, "%s: bad PT_DYNAMIC",
					      path);
			dyn = (const void *)(m + ph[i].p_offset);
			ndyn = ph[i].p_filesz / sizeof(*dyn);
		}
	}
	if (!dyn)
		return 0; /* static */

	for (uint64_t i = 0; i < ndyn && dyn[i].d_tag != DT_NULL; i++) {
		if (dyn[i].d_tag == DT_STRTAB)
			strtab = dyn[i].d_un.d_ptr;
		else if (dyn[i].d_tag == DT_STRSZ)
			strsz = dyn[i].d_un.d_val;
	}
	if (!strtab || !va_to_off(ph, eh->e_phnum, strtab, &stroff) ||
	    stroff >= size)
		return kt_err(ENOEXEC, "%s: no usable DT_STRTAB", path);
	if (strsz && strsz < size - stroff)
		size = stroff + strsz; /* bound the string lookups */

	for (uint64_t i = 0; i < ndyn && dyn[i].d_tag != DT_NULL && !err; i++) {
		uint64_t off = stroff + dyn[i].d_un.d_val;
		char *s;

		if (dyn[i].d_tag != DT_NEEDED && dyn[i].d_tag != DT_RPATH &&
		    dyn[i].d_tag != DT_RUNPATH)
			continue;
		s = str_at(m, size, off);
		if (!s)
			return kt_err(ENOEXEC, "%s: bad dynamic string", path);
		if (dyn[i].d_tag == DT_NEEDED) {
			err = kt_strv_push(&e->needed, s);
			free(s);
		} else if (dyn[i].d_tag == DT_RPATH) {
			free(e->rpath);
			e->rpath = s;
		} else {
			free(e->runpath);
			e->runpath = s;
		}
	}
	return err;
}

static int read_elf(const char *path, struct elf_info *e)
{
	struct stat st;
	void *m;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kt_err(errno, "open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return kt_err(ENOEXEC, "%s is not a regular non-empty file",
			      path);
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return kt_err(errno, "mmap %s: %s", path, strerror(errno));
	err = parse_elf(path, m, (size_t)st.st_size, e);
	munmap(m, (size_t)st.st_size);
	return err;
}

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Search a ':'-separated list (with $ORIGIN / ${ORIGIN}) for lib. */
static char *search_list(const char *list, const char *origin, const char *lib)
{
	char *copy, *save = NULL, *dir, *found = NULL;

	if (!list || !*list)
		return NULL;
	copy = strdup(list);
	if (!copy)
		return NULL;
	for (dir = strtok_r(copy, ":;", &save); dir && !found;
	     dir = strtok_r(NULL, ":;", &save)) {
		const char *rest = NULL;
		char *cand;

		if (!strncmp(dir, "$ORIGIN", 7))
			rest = dir + 7;
		else if (!strncmp(dir, "${ORIGIN}", 9))
			rest = dir + 9;
		if (rest) {
			if (asprintf(&cand, "%s%s/%s", origin, rest, lib) < 0)
				break;
		} else if (asprintf(&cand, "%s/%s", dir, lib) < 0) {
			break;
		}
		if (is_file(cand))
			found = cand;
		else
			free(cand);
	}
	free(copy);
	return found;
}

static char *resolve(const struct elf_info *e, const char *origin,
		     const char *lib)
{
	char *p;

	if (strchr(lib, '/'))
		return is_file(lib) ? strdup(lib) : NULL;
	if (!e->runpath && (p = search_list(e->rpath, origin, lib)))
		return p;
	if ((p = search_list(getenv("LD_LIBRARY_PATH"), origin, lib)))
		return p;
	if ((p = search_list(e->runpath, origin, lib)))
		return p;
	for (size_t i = 0; i < KT_ARRAY_SIZE(default_dirs); i++) {
		if (asprintf(&p, "%s/%s", default_dirs[i], lib) < 0)
			return NULL;
		if (is_file(p))
			return p;
		free(p);
	}
	return NULL;
}

static int closure(const char *path, struct kt_strv *out, int depth)
{
	struct elf_info e = {0};
	char *dup, *origin;
	int err;

	if (depth > 32)
		return kt_err(ELOOP, "%s: library dependencies nest too deep",
			      path);
	err = read_elf(path, &e);
	if (err)
		goto out;
	if (e.interp && !kt_strv_contains(out, e.interp)) {
		if (!is_file(e.interp)) {
			err = kt_err(ENOENT,
				     "%s: its interpreter %s is "
				     "missing",
				     path, e.interp);
			goto out;
		}
		err = kt_strv_push(out, e.interp);
		if (err)
			goto out;
	}
	dup = strdup(path);
	if (!dup) {
		err = kt_err(ENOMEM, "out of memory");
		goto out;
	}
	origin = dirname(dup);
	for (size_t i = 0; i < e.needed.nr && !err; i++) {
		char *lib = resolve(&e, origin, e.needed.v[i]);

		if (!lib) {
			err = kt_err(ENOENT,
				     "%s needs %s, which was not found in its "
				     "rpath/runpath, LD_LIBRARY_PATH or the "
				     "default library directories",
				     path, e.needed.v[i]);
			break;
		}
		if (!kt_strv_contains(out, lib)) {
			err = kt_strv_push(out, lib);
			err = err ?: closure(lib, out, depth + 1);
		}
		free(lib);
	}
	free(dup);
out:
	elf_info_free(&e);
	return err;
}

int kt_elf_closure(const char *path, struct kt_strv *out)
{
	return closure(path, out, 0);
}

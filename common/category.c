/* category.c - which category a mapping belongs to.
 *
 * The rules, and the kernel/glibc facts behind them:
 * - The kernel names its special mappings in brackets: [heap] is the brk
 *   area (glibc's main arena), [stack] the main thread's stack ([stack:TID]
 *   on kernels before 4.5), [vdso]/[vvar]/[vvar_vclock]/[vsyscall]/
 *   [vectors]/[uprobes] are kernel pages mapped into every process.
 * - [anon:NAME] is a private anonymous region named with
 *   prctl(PR_SET_VMA_ANON_NAME); [anon_shmem:NAME] the shared variant.
 * - A mapping with no name is anonymous: glibc's non-main arenas, thread
 *   stacks (pthread mmaps them, they carry no [stack] name) and mallocs
 *   above M_MMAP_THRESHOLD. Shared ('s') ones are shared memory.
 * - Shared anonymous memory is shmem-backed and shows a file name:
 *   "/dev/zero (deleted)" (MAP_SHARED|MAP_ANONYMOUS, or MAP_SHARED of
 *   /dev/zero), "/SYSV%08x" for SysV
 *   segments, "/memfd:NAME (deleted)" for memfd_create(), and files under
 *   /dev/shm (POSIX shm_open). hugetlbfs mappings carry VmFlags "ht".
 * - A private mapping of /dev/zero (the old way to get anonymous memory:
 *   "rw-p ... /dev/zero", not deleted) is made anonymous by the kernel
 *   (mmap_zero: vma_set_anonymous): private anonymous memory, not shmem.
 * - The executable is recognised by path or by (device, inode) against
 *   /proc/PID/exe; shared objects by a name ending in .so or holding .so.
 * - Any other path is a mapped file; an unknown bracketed name is kernel-
 *   made anonymous memory, so it goes by sharing to anon or shmem. */
#include <string.h>
#include "smapwatch/category.h"

static const char *const sw_category_names[SW_CAT_COUNT] = {
	"heap", "stack", "anon", "shmem", "binary", "libs", "files", "kernel",
};

const char *sw_category_name(sw_category c)
{
	return (unsigned)c < SW_CAT_COUNT ? sw_category_names[c] : NULL;
}

int sw_category_lookup(const char *name)
{
	for (int c = 0; c < SW_CAT_COUNT; c++)
		if (strcmp(name, sw_category_names[c]) == 0)
			return c;
	return -1;
}

static int name_is(const char *n, size_t len, const char *lit)
{
	size_t l = strlen(lit);
	return len == l && memcmp(n, lit, l) == 0;
}

static int has_prefix(const char *n, size_t len, const char *lit)
{
	size_t l = strlen(lit);
	return len >= l && memcmp(n, lit, l) == 0;
}

size_t sw_name_strip_deleted(const char *name, size_t len)
{
	static const char del[] = " (deleted)";
	size_t l = sizeof(del) - 1;
	if (len >= l && memcmp(name + len - l, del, l) == 0)
		return len - l;
	return len;
}

int sw_is_named_anon(const char *name, size_t len, const char **sub,
		     size_t *sub_len)
{
	if (len < 7 || !has_prefix(name, len, "[anon:") || name[len - 1] != ']')
		return 0;
	*sub = name + 6;
	*sub_len = len - 7;
	return 1;
}

static int is_shared(const sw_mapping *m)
{
	return m->perms[3] == 's';
}

static sw_category classify_bracketed(const char *n, size_t len,
				      const sw_mapping *m)
{
	static const char *const kernel[] = {
		"[vdso]", "[vvar]", "[vvar_vclock]", "[vsyscall]", "[vectors]",
		"[uprobes]",
	};
	if (name_is(n, len, "[heap]"))
		return SW_CAT_HEAP;
	if (name_is(n, len, "[stack]") || has_prefix(n, len, "[stack:"))
		return SW_CAT_STACK;
	for (size_t i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++)
		if (name_is(n, len, kernel[i]))
			return SW_CAT_KERNEL;
	if (has_prefix(n, len, "[anon_shmem:"))
		return SW_CAT_SHMEM;
	return is_shared(m) ? SW_CAT_SHMEM : SW_CAT_ANON;
}

static int is_hugetlb(const char *vmflags)
{
	for (const char *f = vmflags; f && *f; f++)
		if (f[0] == 'h' && f[1] == 't' && (f == vmflags || f[-1] == ' ') &&
		    (f[2] == ' ' || f[2] == '\0'))
			return 1;
	return 0;
}

static int is_shmem_path(const char *n, size_t len)
{
	return name_is(n, len, "/dev/zero") || has_prefix(n, len, "/SYSV") ||
	       has_prefix(n, len, "/memfd:") || has_prefix(n, len, "/dev/shm/");
}

static int is_exe(const sw_mapping *m, const char *n, size_t len,
		  const sw_exe_id *exe)
{
	if (!exe)
		return 0;
	if (exe->path && len == exe->path_len && memcmp(n, exe->path, len) == 0)
		return 1;
	return exe->inode && m->inode == exe->inode &&
	       m->dev_major == exe->dev_major && m->dev_minor == exe->dev_minor;
}

/* "libc.so.6", "x.cpython-311-x86_64-linux-gnu.so", "ld-linux.so.2". */
static int is_shared_object(const char *n, size_t len)
{
	const char *base = n;
	for (size_t i = 0; i < len; i++)
		if (n[i] == '/')
			base = n + i + 1;
	size_t bl = len - (size_t)(base - n);
	if (bl >= 3 && memcmp(base + bl - 3, ".so", 3) == 0)
		return 1;
	for (size_t i = 0; i + 4 <= bl; i++)
		if (memcmp(base + i, ".so.", 4) == 0)
			return 1;
	return 0;
}

sw_category sw_classify(const sw_mapping *m, const sw_exe_id *exe)
{
	const char *n = m->name;
	size_t len = m->name_len;
	if (len == 0)
		return is_shared(m) ? SW_CAT_SHMEM : SW_CAT_ANON;
	if (n[0] == '[')
		return classify_bracketed(n, len, m);
	len = sw_name_strip_deleted(n, len);
	if (!is_shared(m) && name_is(n, len, "/dev/zero"))
		return SW_CAT_ANON;
	if (is_hugetlb(m->vmflags) || is_shmem_path(n, len))
		return SW_CAT_SHMEM;
	if (is_exe(m, n, len, exe))
		return SW_CAT_BINARY;
	if (is_shared_object(n, len))
		return SW_CAT_LIBS;
	return SW_CAT_FILES;
}

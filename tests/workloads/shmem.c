/* shmem.c - every kind of shared memory a process can map: a memfd, a
 * MAP_SHARED|MAP_ANONYMOUS region, a SysV segment, a /dev/shm file; plus a
 * private region named with PR_SET_VMA_ANON_NAME (a no-op on kernels
 * without CONFIG_ANON_VMA_NAME: it then stays unnamed). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include "wl_common.h"

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#endif
#ifndef PR_SET_VMA_ANON_NAME
#define PR_SET_VMA_ANON_NAME 0
#endif

#define LEN (64 * 1024)

static void *map_fd(int fd)
{
	if (fd < 0 || ftruncate(fd, LEN))
		return MAP_FAILED;
	return mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
}

static void *sysv_segment(void)
{
	int id = shmget(IPC_PRIVATE, LEN, IPC_CREAT | 0600);
	if (id < 0)
		return MAP_FAILED;
	void *p = shmat(id, NULL, 0);
	shmctl(id, IPC_RMID, NULL); /* gone with the last detach */
	return p == (void *)-1 ? MAP_FAILED : p;
}

int main(void)
{
	char shm_path[64];
	snprintf(shm_path, sizeof(shm_path), "/dev/shm/smapwatch-wl-%d",
		 (int)getpid());
	int mfd = memfd_create("smapwatch-memfd", MFD_CLOEXEC);
	int sfd = open(shm_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	void *memfd = map_fd(mfd), *devshm = map_fd(sfd);
	void *shanon = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	void *priv = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *sysv = sysv_segment();
	if (memfd == MAP_FAILED || devshm == MAP_FAILED ||
	    shanon == MAP_FAILED || priv == MAP_FAILED || sysv == MAP_FAILED) {
		perror("shmem: setup");
		unlink(shm_path);
		return 1;
	}
	/* EINVAL: a kernel without CONFIG_ANON_VMA_NAME; the region then
	 * stays an unnamed private mapping, which is what smaps shows */
	if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)priv, LEN,
		  (unsigned long)"smapwatch-named") && errno != EINVAL)
		fprintf(stderr, "shmem: PR_SET_VMA_ANON_NAME: %s\n",
			strerror(errno));
	wl_touch(memfd, LEN, 1);
	wl_touch(devshm, LEN / 2, 2);
	wl_touch(shanon, LEN, 3);
	wl_touch(priv, LEN / 4, 4);
	wl_touch(sysv, LEN, 5);
	wl_ready_and_wait();
	unlink(shm_path);
	shmdt(sysv);
	return 0;
}

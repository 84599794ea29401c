/* threads.c - a process with NTHREADS threads. Each thread's stack is an
 * unnamed private mapping (only the main thread's is [stack]) and each
 * thread's malloc gets its own arena, also unnamed. */
#include <pthread.h>
#include <stdlib.h>
#include "wl_common.h"

#define NTHREADS 4
#define STACK_TOUCH (64 * 1024)

static pthread_barrier_t ready, done;

static void *worker(void *arg)
{
	volatile char stack[STACK_TOUCH];
	char *heap = malloc(32 * 1024);
	(void)arg;
	for (size_t i = 0; i < sizeof(stack); i += 512)
		stack[i] = (char)i;
	if (heap)
		wl_touch(heap, 32 * 1024, 3);
	pthread_barrier_wait(&ready);
	pthread_barrier_wait(&done);
	free(heap);
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];
	pthread_barrier_init(&ready, NULL, NTHREADS + 1);
	pthread_barrier_init(&done, NULL, NTHREADS + 1);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, NULL)) {
			fputs("threads: pthread_create failed\n", stderr);
			return 1;
		}
	pthread_barrier_wait(&ready);
	wl_ready_and_wait();
	pthread_barrier_wait(&done);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&ready);
	pthread_barrier_destroy(&done);
	return 0;
}

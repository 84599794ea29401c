#ifndef LIVE_CHILD_H
#define LIVE_CHILD_H
#define LIVE_HEAP_BYTES (3u << 20)
#define LIVE_ANON_BYTES (8u << 20)
#define LIVE_SHM_BYTES (1u << 20)
/* /dev/zero mapped MAP_PRIVATE (anonymous memory the old way) and
 * MAP_SHARED (shmem): sizes no other mapping of the child has. */
#define LIVE_ZERO_PRIVATE_BYTES (5u << 20)
#define LIVE_ZERO_SHARED_BYTES (6u << 20)
#endif

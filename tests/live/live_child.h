#ifndef LIVE_CHILD_H
#define LIVE_CHILD_H
#define LIVE_HEAP_BYTES (3u << 20)
#define LIVE_ANON_BYTES (8u << 20)
#define LIVE_SHM_BYTES (1u << 20)
#endif

#!/usr/bin/env python3
"""pysaw.py - a Python program whose memory is a sawtooth made by its
garbage collector: each round (--period seconds) it builds a list of
--swing KiB of objects tied into a reference cycle (so only gc frees it)
over --rise seconds, then drops it and runs gc.collect(), and idles for
the rest of the round. With --rate above 0 it also keeps --rate KiB/s of
bytes objects for good (a rising floor: a leak).

    pysaw.py [--comm NAME] [--seconds N] [--rate KIB_PER_S]
             [--swing KIB] [--period S] [--rise S]

Prints "ready PID" once running. Its objects are 256 KiB or more, so
glibc malloc maps each one (anon) and unmaps it when it is freed; the
mmap threshold is pinned with mallopt, or glibc would raise it past them
at the first free and serve the next rounds from the heap. Measured with
1000-byte objects in the heap instead: the heap's floor crept up ~900 KiB
every other round and fell back by up to 10 MiB at once (malloc's own
fragmentation), which no leak signal can tell from the program's."""
import argparse
import ctypes
import gc
import os
import sys
import time

M_MMAP_THRESHOLD = -3
OBJ = 256 * 1024                             # bytes per swing object

p = argparse.ArgumentParser()
p.add_argument("--comm")
p.add_argument("--seconds", type=float, default=0)
p.add_argument("--rate", type=float, default=0)
p.add_argument("--swing", type=float, default=16384)
p.add_argument("--period", type=float, default=2)
p.add_argument("--rise", type=float, default=0)     # 0: the whole period
a = p.parse_args()
libc = ctypes.CDLL(None)
libc.mallopt(M_MMAP_THRESHOLD, 128 * 1024)
if a.comm:
    libc.prctl(15, a.comm.encode()[:15], 0, 0, 0)  # PR_SET_NAME

ticks = max(2, int(a.period * 10))
rise = min(ticks - 1, int(a.rise * 10) or ticks - 1)
per_tick = max(1, int(a.swing * 1024 / OBJ / rise))
round_leak = int(a.rate * 1024 * ticks / 10)
kept = []
print("ready", os.getpid(), flush=True)
start = time.monotonic()
batch = None
k = 0
while not a.seconds or k < a.seconds * 10:
    at = k % ticks
    if at == 0:
        if round_leak:
            kept.append(bytes([k & 0xff]) * round_leak)
        batch = [None] * (per_tick * ticks + 1)
        batch[-1] = batch         # a cycle: refcounting alone cannot free it
    if at == rise:
        batch = None
        gc.collect()
    elif at < rise:
        for i in range(at * per_tick, (at + 1) * per_tick):
            batch[i] = bytes([at]) * OBJ
    k += 1
    time.sleep(max(0, start + k / 10 - time.monotonic()))
sys.exit(0)

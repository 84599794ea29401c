#!/usr/bin/env python3
"""pysaw.py - a Python program whose memory is a sawtooth made by its
garbage collector: each round it rebuilds a list of --swing KiB of
objects tied into a reference cycle (so only gc frees it), then drops it
and runs gc.collect(). With --rate above 0 it also keeps --rate KiB/s of
bytes objects for good (a rising floor: a leak).

    pysaw.py [--comm NAME] [--seconds N] [--rate KIB_PER_S]
             [--swing KIB] [--period S]

Prints "ready PID" once running. Both parts are glibc malloc's objects
(over pymalloc's 512 bytes, under malloc's mmap threshold): the heap. Measured with --rate 0: the heap's
floor itself creeps up by ~900 KiB every other round for some 10 s and
falls back (malloc's own fragmentation), a real program's noise.
"""
import argparse
import ctypes
import gc
import os
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("--comm")
p.add_argument("--seconds", type=float, default=0)
p.add_argument("--rate", type=float, default=0)
p.add_argument("--swing", type=float, default=16384)
p.add_argument("--period", type=float, default=2)
a = p.parse_args()
libc = ctypes.CDLL(None)
if a.comm:
    libc.prctl(15, a.comm.encode()[:15], 0, 0, 0)  # PR_SET_NAME

OBJ = 1000                                   # bytes per swing object
ticks = max(2, int(a.period * 10))
per_tick = int(a.swing * 1024 / OBJ / ticks)
leak = int(a.rate * 1024 / 10)
kept = []
print("ready", os.getpid(), flush=True)
start = time.monotonic()
batch = None
k = 0
while not a.seconds or k < a.seconds * 10:
    at = k % ticks
    if at == 0:
        # the round's leak first, below the batch, so that freeing the
        # batch frees the top of the heap and malloc gives it back
        # (in 4 KiB objects: heap, as the batch; one big object would
        # be mmapped, in anon)
        kept.extend(bytes([k & 0xff]) * 4096
                    for _ in range(leak * ticks // 4096))
        # its slots made at once: a list grown by appends would leave its
        # old arrays as holes in the heap
        batch = [None] * (per_tick * ticks + 1)
        batch[-1] = batch         # a cycle: refcounting alone cannot free it
    if at == ticks - 1:
        batch = None
        gc.collect()
    else:
        for i in range(at * per_tick, (at + 1) * per_tick):
            batch[i] = bytes([at]) * OBJ
    k += 1
    time.sleep(max(0, start + k / 10 - time.monotonic()))
sys.exit(0)

# plugins/collectd/collectd.mk - build/smaps.so (see issue 3)

# plugins/netdata/netdata.mk - build/smaps.plugin (see issue 4)

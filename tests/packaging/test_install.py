"""test_install.py - the .debs installed on this machine with apt-get:
smaps.plugin gets its capabilities from the postinst (setuid root when
setcap fails; and again by its file trigger when netdata-core chowns
plugins.d), the command and the man pages are where users look."""
import os
import re

import pytest

import pkgharness as h


def test_apt_get_install(install_state):
    assert install_state.rc == 0, "apt-get install ./smapwatch " \
        "./collectd-plugin-smaps ./netdata-plugin-smaps: %s" % \
        install_state.out[-2000:]


def test_maintainer_scripts_quiet_without_systemd(installed):
    assert not re.search(r"systemctl|invoke-rc|System has not been booted",
                         installed.out), \
        "maintainer scripts quiet without systemd: %s" % installed.out[-800:]


def test_postinst_gives_the_plugin_its_capabilities(installed):
    s = installed
    grp = s.plugin_gid == h.group_id("netdata")
    assert s.plugin_mode == "-rwxr-xr--" and s.plugin_uid == 0 and grp \
        and s.plugin_caps == h.CAPS, "postinst: smaps.plugin root:netdata " \
        "0754 with %s: mode %s uid %d gid %d caps %r" % (
            h.CAPS, s.plugin_mode, s.plugin_uid, s.plugin_gid, s.plugin_caps)


def test_apps_plugin_capabilities_untouched(installed):
    before = installed.before.get(h.APPS)
    if before is None:
        pytest.skip("%s not installed: nothing to compare" % h.APPS)
    assert installed.apps_caps == before[-1], "apps.plugin's capabilities " \
        "untouched: %r -> %r" % (before[-1], installed.apps_caps)


def test_usr_bin_smapwatch_runs(installed):
    rc, out = h.run(["smapwatch", str(os.getpid())])
    assert rc == 0 and "total" in out, \
        "/usr/bin/smapwatch runs: exit %d: %s" % (rc, out[-400:])


def test_man_finds_the_packaged_page(installed):
    rc, out = h.run(["man", "-w", "collectd-smaps"])
    assert rc == 0 and out.strip() == \
        "/usr/share/man/man5/collectd-smaps.5.gz", \
        "man collectd-smaps finds the packaged page: exit %d: %r" % (rc, out)


def test_postinst_without_setcap_sets_setuid(installed, postinst_reruns):
    r = postinst_reruns
    assert r.nosetcap_rc == 0 and r.nosetcap_mode == "-rwsr-xr--" \
        and r.nosetcap_caps == "", "postinst without setcap: setuid root, " \
        "4754, no capabilities: rc %d mode %s caps %r %s" % (
            r.nosetcap_rc, r.nosetcap_mode, r.nosetcap_caps, r.nosetcap_out)


def test_postinst_again_with_setcap_drops_setuid(installed, postinst_reruns):
    r = postinst_reruns
    assert r.again_rc == 0 and r.again_mode == "-rwxr-xr--" \
        and r.again_caps == h.CAPS, "postinst again with setcap: 0754, no " \
        "setuid, %s: rc %d mode %s caps %r %s" % (
            h.CAPS, r.again_rc, r.again_mode, r.again_caps, r.again_out)


def test_trigger_sets_capabilities_after_chown(installed, postinst_reruns):
    r = postinst_reruns
    assert r.chown_caps == "" and r.trigger_rc == 0 and r.pending_rc == 0 \
        and r.trigger_caps == h.CAPS, "after a chown of plugins.d " \
        "(netdata-core's postinst), the file trigger sets the capabilities " \
        "again: caps after chown %r, now %r; %s %s" % (
            r.chown_caps, r.trigger_caps, r.trigger_out, r.pending_out)

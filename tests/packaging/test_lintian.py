"""test_lintian.py - lintian on the .changes, with --pedantic and the
experimental tags, prints no tag that is not overridden (every override in
packaging/debian carries its justification)."""
import os
import re
import time

import pkgharness as h


def test_lintian_no_tag_but_overridden_ones(tmp, debs):
    changes = [x for x in os.listdir(tmp) if x.endswith(".changes")]
    assert changes, "a .changes file in %s" % tmp
    t = time.monotonic()
    rc, out = h.run(["lintian", "--display-info", "--pedantic",
                     "--display-experimental", "--show-overrides"]
                    + [os.path.join(tmp, c) for c in changes])
    h.info("lintian: %.1f s" % (time.monotonic() - t))
    lines = [x for x in out.splitlines() if "root privileges" not in x]
    tags = [x for x in lines if re.match(r"[EWIPX]: ", x)]
    overridden = [x for x in lines if x.startswith("O: ")]
    for x in overridden:
        h.info("lintian override " + x[3:])
    assert not tags and rc == 0, "lintian --pedantic -E: no tag but " \
        "overridden ones (%d overrides, each with a comment):\n%s" % (
            len(overridden), "\n".join(tags) or "exit %d" % rc)

"""test_streaming.py - smaps.plugin on a child Netdata that streams to a
parent (issue 19, item 7; the `stream` fixture of conftest.py): through
the parent's API only, the child is there, its smaps charts are, with
their `group` label and dimensions and every text as sent, and their
values are the child's; the parent raises smaps_group_leak_heap on the
leaking group (CRITICAL, at the leak's rate), not on the stable one.
About 20 s."""

import pytest

from conftest import RATE_KIB, note
from ndharness import texts_differ


def test_only_durations_of_the_health_file_shortened(stream):
    changed = stream.health_changed
    assert changed and all("every" in a or "lookup" in a for a, _ in changed), (
        "only every/lookup lines of the shipped health file shortened: %r"
        % [a for a, _ in changed if "every" not in a and "lookup" not in a][:3])


def test_parent_shows_the_childs_charts(stream):
    # the fixture waited 30 s at most for them (it fails every test else)
    assert stream.charts_at is not None and stream.charts_at <= 30, (
        "the parent shows the child's smaps charts (%r s)" % stream.charts_at)


@pytest.mark.parametrize("group", ["leak", "stable"])
def test_pss_chart_label_family_dimensions(stream, group):
    c = stream.stored["smaps.%s_pss" % group]
    labels = c.get("chart_labels") or c.get("labels") or {}
    dims = sorted(c.get("dimensions", {}))
    assert (labels.get("group"), c.get("family"), dims) == (group, group, sorted(
        ["heap", "stack", "anon", "shmem", "binary", "libs", "files", "kernel"])), (
        "on the parent, smaps.%s_pss has label group=%s, its family and "
        "dimensions: %r %r %r" % (group, group, labels, c.get("family"), dims))


def test_texts_as_sent(stream):
    n, differ = texts_differ(stream.sent, stream.stored)
    charts = len([c for c in stream.sent if c.startswith("smaps.")])
    note("%d texts of the child's %d charts compared on the parent" % (n, len(stream.sent)))
    assert charts == 2 * 27 and not differ, (
        "on the parent, %d texts of the child's %d smaps charts (want 54) as "
        "sent; (chart, what, sent, stored): %r" % (n, charts, differ[:3]))


def test_parent_collects_no_smaps_chart_itself(stream):
    mine = [k for k in stream.local if k.startswith("smaps.")]
    assert not mine, (
        "the parent itself collects no smaps chart (they are the child's): %r"
        % mine[:3])


def test_parent_raises_the_leak_alarm(stream):
    assert stream.crit_at is not None, (
        "the parent raises the child's smaps_group_leak_heap to CRITICAL within "
        "40 s of the child's start (never; leak %d B/s; last read: %r at %r B/s)"
        % (RATE_KIB << 10, stream.leak_last.get("status"), stream.leak_last.get("value")))


def test_leak_alarm_value_is_the_leak_rate(stream):
    if stream.crit_at is None:
        pytest.fail("no CRITICAL reading to judge (test_parent_raises_the_leak_alarm)")
    v = stream.leak["value"]
    assert abs(v - (RATE_KIB << 10)) < 0.15 * (RATE_KIB << 10), (
        "its value is the child's leak rate: %r B/s, want %d +-15%%"
        % (v, RATE_KIB << 10))


def test_stable_groups_alarm_never_raised(stream):
    seen = stream.stable_seen
    assert seen and seen <= {"CLEAR", "UNINITIALIZED", "UNDEFINED"}, (
        "the stable group's leak alarm on the parent never raised: %r" % seen)


def test_childs_heap_figures_on_the_parent(stream):
    rows = stream.heap_rows
    assert rows and all(r[1] and r[1] > 4 for r in rows), (
        "the child's heap figures on the parent (MiB, want > 4): %r" % rows)


def test_child_runs_no_health_engine(stream):
    assert "enabled = no" in stream.child_conf.split("[health]")[1][:40], (
        "the child runs no health engine: the alarms are the parent's")


def test_child_ran_the_plugin_without_errors(stream):
    bad, started = stream.child_log
    # the sender's own line while it connects, not about the plugin
    bad = [l for l in bad if "not ready - collected metrics are not sent" not in l]
    assert started and not bad, (
        "the child ran the plugin without errors (start line seen: %r): %r"
        % (started, bad[:3]))

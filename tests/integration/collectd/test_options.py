"""The case instance (cdconfigs.CASE_CONF): option names in any case,
Fields and Categories choosing what is sent, and the defaults' tiering
(FullInterval 60 at Interval 1: smaps read once, on the first interval,
then only status) with the plugin's own cost."""
from cdharness import quiet_log


def test_lower_case_option_names(side):
    """process, PROCESSMATCH, maxsubtotals 1, mapsinterval 0..."""
    c = side.case
    v = c.csv_last("smaps-swidle", "memory-total_rss")
    libs = [t for t in c.csv_files().get("smaps-swidle", ())
            if t.startswith("memory-lib_") and t.endswith("_rss")]
    swm = c.csv_last("smaps-swm", "ps_count")
    assert v and v[0] > 0 and len(libs) == 1 and swm == [1.0, 1.0], \
        "lower-case option names accepted: total_rss %s, lib sub-totals " \
        "%s (1 wanted), swm ps_count %s" % (v, libs, swm)


def test_fields_and_categories_chosen(side):
    """fields "RSS" "pss", CATEGORIES "heap total": memory and count of
    heap and total, rss and pss only."""
    have = side.case.csv_files().get("smaps-swidle", set())
    mem = sorted(t for t in have if t.startswith(("memory-", "count-"))
                 and "lib_" not in t)
    assert mem == ["count-heap_vmas", "count-total_vmas", "memory-heap_pss",
                   "memory-heap_rss", "memory-total_pss",
                   "memory-total_rss"], \
        "lower-case fields/CATEGORIES: memory and count of heap and total, " \
        "rss and pss only: got %s" % mem


def test_subtotals_get_chosen_fields(side):
    have = side.case.csv_files().get("smaps-swidle", set())
    libs = sorted(t for t in have if "lib_" in t)
    assert len(libs) == 2 and libs[0].endswith("_pss") and \
        libs[1].endswith("_rss"), "fields: sub-totals get the chosen " \
        "fields (rss, pss): got %s" % libs


def test_case_quiet_log(side):
    quiet_log(side.case, "case")


def test_tiering_one_full_read(side):
    full = [v[0] for _, v in side.case.csv_series("smaps_self",
                                                  "count-full_reads")]
    assert len(full) >= 4 and full[0] == 2 and not any(full[1:]), \
        "tiering: one full read per process first, none after " \
        "(FullInterval 60): full_reads per interval %s" % full


def test_tiering_status_every_interval(side):
    status = [v[0] for _, v in side.case.csv_series("smaps_self",
                                                    "count-status_reads")]
    assert len(status) >= 4 and set(status) == {2.0}, \
        "tiering: every interval reads each process's status (2): " \
        "status_reads per interval %s" % status


def test_tiering_figures_age(side):
    age = [v[0] for _, v in side.case.csv_series("smaps-swidle",
                                                 "duration-figures_age")]
    assert age[:4] == [0.0, 1.0, 2.0, 3.0], "tiering: figures_age counts " \
        "the seconds since the read (Interval 1): figures_age %s" % age


def test_tiering_status_rss_fresh(side):
    c = side.case
    srss = c.csv_last("smaps-swm", "ps_rss")
    first = c.csv_series("smaps-swm", "ps_rss")
    assert srss and first and srss[0] > first[0][1][0], \
        "tiering: status Rss of the growing process is fresh: status_rss " \
        "first %s, last %s" % (first[:1], srss)


def test_own_cost_bytes_read(side):
    bytes_read = side.case.csv_series("smaps_self", "bytes-smaps_read")
    assert bytes_read and bytes_read[0][1][0] > 0 and \
        not any(v[0] for _, v in bytes_read[1:]), \
        "own cost: smaps bytes read on the full read only: bytes_read %s" % (
            [v[0] for _, v in bytes_read])

"""Tests of bench/report, the renderer of the benchmarks' rows: `python3 -m unittest bench/report_test.py`."""

import importlib.machinery
import importlib.util
import pathlib
import unittest

_path = pathlib.Path(__file__).with_name("report")
_loader = importlib.machinery.SourceFileLoader("report", str(_path))
_spec = importlib.util.spec_from_loader("report", _loader)
report = importlib.util.module_from_spec(_spec)
_loader.exec_module(report)


def run(series, round_, wall, rss=1024, **more):
    return {"kind": "run", "part": "p", "series": series, "round": round_, "wall_s": wall,
            "rss_kib": rss, "cpu_s": 0.5, **more}


class SeriesTable(unittest.TestCase):
    def test_medians_minimums_and_peaks_come_from_the_runs(self):
        rows = [run("a", 1, 3.0, rss=2048), run("a", 2, 1.0, rss=4096), run("a", 3, 2.0),
                {"kind": "series", "part": "p", "series": "a", "label": "tool a"}]
        out = report.render(rows)
        self.assertIn("| tool a | 2.000 s | 1.000 s | 3.000 1.000 2.000 | 4.0 MiB | 0.500 s |", out)

    def test_registry_columns_appear_only_with_registry_figures(self):
        plain = report.render([run("a", 1, 1.0),
                               {"kind": "series", "part": "p", "series": "a", "label": "a"}])
        self.assertNotIn("registry CPU", plain)
        with_registry = report.render([
            run("a", 1, 1.0, registry_cpu_s=0.25, requests="2 (GET 2)"),
            {"kind": "series", "part": "p", "series": "a", "label": "a"}])
        self.assertIn("| 0.250 s | 2 (GET 2) |", with_registry)

    def test_a_series_without_runs_says_so(self):
        out = report.render([run("a", 1, 1.0),
                             {"kind": "series", "part": "p", "series": "a", "label": "a"},
                             {"kind": "series", "part": "p", "series": "b", "label": "b"}])
        self.assertIn("| b | not run |", out)


class Judgements(unittest.TestCase):
    rows = [run("a", 1, 1.1), run("a", 2, 1.3), run("b", 1, 1.0), run("b", 2, 1.0)]

    def test_a_ratio_over_its_target_is_missed(self):
        out = report.render(self.rows + [
            {"kind": "compare", "part": "p", "a": "a", "b": "b", "label": "a / b", "target": 1.1,
             "rounds": True}])
        self.assertIn("- a / b: **1.20x** (target ≤ 1.10x: MISSED); round by round: 1.10 1.30 (median 1.20)", out)

    def test_a_ratio_within_its_target_is_met(self):
        out = report.render(self.rows + [
            {"kind": "compare", "part": "p", "a": "a", "b": "b", "label": "a / b", "target": 1.25}])
        self.assertIn("(target ≤ 1.25x: met)", out)

    def test_limits_on_wall_and_on_memory_per_byte(self):
        out = report.render(self.rows + [
            {"kind": "limit", "part": "p", "series": "b", "measure": "wall", "below": 1.0,
             "label": "b"},
            {"kind": "limit", "part": "p", "series": "a", "measure": "rss_per_bytes", "below": 3,
             "per_bytes": 1024 * 1024, "label": "a"}])
        self.assertIn("- b: **1.000 s** (target < 1.0 s: MISSED)", out)
        self.assertIn("- a: **1.00x (1.0 MiB peak, the file 1.0 MiB)** (target < 3x the file: met)", out)


class Cells(unittest.TestCase):
    def test_units(self):
        self.assertEqual(report.cell({"s": 1.23456}), "1.235 s")
        self.assertEqual(report.cell({"ms": 12.34}), "12.3 ms")
        self.assertEqual(report.cell({"ms": 812.5}), "812 ms")
        self.assertEqual(report.cell({"kib": 3584}), "3.5 MiB")
        self.assertEqual(report.cell({"x": 1.016}), "1.02x")
        self.assertEqual(report.cell({"spread_ms": [30, 10, 20]}), "20 (10-30) ms")
        self.assertEqual(report.cell({"below": [1600, 1500, "ms"]}), "< 1500 ms: MISSED")
        self.assertEqual(report.cell({"s": None}), "n/a")

    def test_an_unknown_unit_is_an_error(self):
        with self.assertRaises(ValueError):
            report.cell({"furlongs": 3})

    def test_values_fill_a_note(self):
        out = report.render([{"kind": "note", "part": "p", "text": "took {t} for {n} files",
                              "values": {"t": {"s": 2}, "n": 200}}])
        self.assertEqual(out, "- took 2.000 s for 200 files\n")


class Layout(unittest.TestCase):
    def test_a_table_of_cells_then_prose(self):
        out = report.render([
            {"kind": "title", "part": "p", "text": "T"},
            {"kind": "table", "part": "p", "columns": ["what", "time"]},
            {"kind": "row", "part": "p", "cells": ["load", {"s": 1}]},
            {"kind": "note", "part": "p", "text": "n"},
            {"kind": "text", "part": "p", "text": "after"}])
        self.assertEqual(out, "### T\n\n| what | time |\n|---|---|\n| load | 1.000 s |\n\n- n\n\nafter\n")

    def test_a_row_outside_a_table_is_refused(self):
        with self.assertRaises(ValueError):
            report.render([{"kind": "row", "part": "p", "cells": ["x"]}])


if __name__ == "__main__":
    unittest.main()

#pragma once
// Helpers shared by the test suites: where the golden data and outputs live, and skipping.

#include <QString>
#include <functional>

namespace sam3::test {

// Golden folder from $SAM3_GOLDEN_DIR; empty when unset or missing.
QString goldenDir();
// Folder for files a test leaves behind for people to look at (screenshots, logs).
QString outputDir();
// Debian's Python with torch (from $SAM3_PYTHON), empty when absent.
QString systemPython();
bool pythonHasTorch();

// Writes the tiny SAM3 fixture bundle (tools/make_fixture_bundle.py) into `dir`, with a text
// encoder when the golden tokenizer vocabulary is available. Returns "" or the failure.
QString makeFixtureBundle(const QString& dir, bool withVariants = false);
bool fixtureHasText(const QString& dir);

// The message of the exception `f` throws (c10::Error without its native backtrace), or an
// empty string when it throws nothing.
QString errorOf(const std::function<void()>& f);

}  // namespace sam3::test

// Skips the current test function with a message when the golden data is absent.
#define SAM3_REQUIRE_GOLDEN(dir)                                                            \
  const QString dir = sam3::test::goldenDir();                                              \
  if (dir.isEmpty()) QSKIP("golden data folder not found (set SAM3_GOLDEN_DIR); skipped")

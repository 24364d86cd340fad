#pragma once
// The window's command-line options, declared once: the application parses them and the launcher
// answers --help with them (without starting the application).

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace sam3::app {

struct AppOptions {
  AppOptions();
  // Adds --help, --version, the options below and the positional arguments to `parser`.
  void addTo(QCommandLineParser& parser) const;

  QCommandLineOption sample, screenshot, bundle, device, precision, classic, demo, maxPixels;
};

}  // namespace sam3::app

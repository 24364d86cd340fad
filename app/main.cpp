// SAM3 Annotate entry point: the composition root. Parses the command line, sets up logging and
// the engine, then starts the GUI.

#include <cstdio>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QMessageBox>
#include <QTimer>
#include <memory>

#include "app/AppOptions.h"
#include "app/HeadlessCommands.h"
#include "engine/platform/EngineInit.h"
#include "engine/platform/OpenMpWaitPolicy.h"
#include "ui/support/AppLogging.h"
#include "ui/support/Settings.h"
#include "ui/MainWindow.h"
#include "ui/canvas/ImageCanvas.h"

#ifndef SAM3_VERSION
#define SAM3_VERSION "0.0.0"
#endif

namespace {

// --help and --version must work without a display, so they get a QCoreApplication.
bool needsGui(int argc, char* argv[]) {
  for (int i = 1; i < argc; ++i) {
    const QByteArray arg(argv[i]);
    if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" || arg == "--version") {
      return false;
    }
  }
  return true;
}

}  // namespace

// The window's options as this run's settings: they override what the user chose in the
// window without being written (a `--device cuda` test run no longer changed the next start).
// 0, or the exit status after a message on stderr.
int applyForThisRun(const QCommandLineParser& parser, const sam3::app::AppOptions& options) {
  namespace settings = sam3::ui::settings;
  if (parser.isSet(options.device) && !settings::engineDevice().overrideForThisRun(parser.value(options.device).toLower())) {
    std::fprintf(stderr, "sam3-annotate: --device takes auto, cpu or cuda, not '%s'\n", qPrintable(parser.value(options.device)));
    return 2;
  }
  if (parser.isSet(options.precision) && !settings::enginePrecision().overrideForThisRun(parser.value(options.precision).toLower())) {
    std::fprintf(stderr, "sam3-annotate: --precision takes auto, fp32 or bf16, not '%s'\n", qPrintable(parser.value(options.precision)));
    return 2;
  }
  if (parser.isSet(options.maxPixels)) {
    bool ok = false;
    const qlonglong pixels = parser.value(options.maxPixels).toLongLong(&ok);
    if (!ok || !settings::maxImagePixels().overrideForThisRun(pixels)) {
      std::fprintf(stderr, "sam3-annotate: --max-pixels needs a whole number of pixels from 1\n");
      return 2;
    }
  }
  if (parser.isSet(options.classic)) settings::engineBundle().overrideForThisRun(QString());
  return 0;
}

int main(int argc, char* argv[]) {
  // Only what runs models re-executes for libgomp's setting: the file commands start at once.
  if (sam3::app::usesModels(argc, argv)) sam3::platform::preferShortOpenMpSpin(argc, argv);
  if (sam3::app::isHeadlessCommand(argc, argv)) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sam3-annotate"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SAM3_VERSION));
    return sam3::app::runHeadlessCommand(QCoreApplication::arguments());
  }
  const std::unique_ptr<QCoreApplication> app(needsGui(argc, argv) ? new QApplication(argc, argv)
                                                                    : new QCoreApplication(argc, argv));
  QApplication::setApplicationName(QStringLiteral("sam3-annotate"));
  QApplication::setOrganizationName(QStringLiteral("sam3-annotate"));
  QApplication::setApplicationDisplayName(QStringLiteral("SAM3 Annotate"));
  QApplication::setApplicationVersion(QStringLiteral(SAM3_VERSION));
  QApplication::setDesktopFileName(QStringLiteral("sam3-annotate"));

  QCommandLineParser parser;
  const sam3::app::AppOptions options;
  options.addTo(parser);
  parser.process(*app);

  const QString logPath = sam3::ui::installLogging();
  qCInfo(lcApp).noquote() << "SAM3 Annotate" << QApplication::applicationVersion() << "log:" << logPath;
  const sam3::platform::EngineEnvironment env = sam3::platform::initializeEngine();

  if (const int status = applyForThisRun(parser, options); status != 0) return status;
  sam3::ui::MainWindow window;
  if (parser.isSet(options.bundle)) window.loadBundle(parser.value(options.bundle));
  bool opened = false;
  const QStringList positional = parser.positionalArguments();
  QString openError;
  if (!positional.isEmpty()) {
    opened = window.openPath(positional.first(), &openError);
    if (!opened) qCCritical(lcApp).noquote() << openError;
  }
  if (!opened && positional.isEmpty() && !parser.isSet(options.sample) && !parser.isSet(options.screenshot)) {
    // The last session ended without saving journaled edits: offer them back.
    opened = window.offerCrashRecovery();
  }
  if (!opened && parser.isSet(options.sample)) {
    opened = window.openSample(parser.value(options.sample).toInt());
  }
  if (!opened && positional.isEmpty()) window.openSample(0);  // first run shows something useful
  window.show();
  if (parser.isSet(options.demo)) window.setDemoMode(true);
  // Said in the window, not only on the console (a second instance on a folder opened empty).
  if (!openError.isEmpty() && !parser.isSet(options.screenshot)) {
    QTimer::singleShot(0, &window, [&window, openError, path = positional.first()] {
      QMessageBox::warning(&window, QApplication::translate("main", "Cannot open %1").arg(QDir::toNativeSeparators(path)), openError);
    });
  }

  if (parser.isSet(options.screenshot)) {
    const QString target = parser.value(options.screenshot);
    QTimer::singleShot(0, &window, [&window, target] {
      // Texts set while starting (the engine's "image ready in …") are laid out by posted events:
      // grabbing before them showed a label cut to a fragment ("ir") at the status bar's end.
      QCoreApplication::sendPostedEvents();
      QCoreApplication::processEvents();
      const bool saved = window.grab().save(target);
      qCInfo(lcApp).noquote() << (saved ? "screenshot saved to" : "cannot save screenshot to") << target;
      QApplication::exit(saved ? 0 : 1);
    });
  }
  if (!env.opsRegistered) qCCritical(lcApp).noquote() << QString::fromStdString(env.opsError);
  return app->exec();
}

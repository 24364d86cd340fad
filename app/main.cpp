// SAM3 Annotate entry point: the composition root. Parses the command line, sets up logging and
// the engine, then starts the GUI.

#include <cstdio>
#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>
#include <memory>

#include "app/HeadlessCommands.h"
#include "engine/system/EngineInit.h"
#include "engine/system/OpenMpWaitPolicy.h"
#include "ui/AppLogging.h"
#include "ui/ImageFolder.h"
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

int main(int argc, char* argv[]) {
  // Only what runs models re-executes for libgomp's setting: the file commands start at once.
  if (sam3::app::usesModels(argc, argv)) sam3::preferShortOpenMpSpin(argc, argv);
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
  parser.setApplicationDescription(QApplication::translate(
      "main", "Label images with points, boxes and brushes using Segment Anything Model 3."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("path"),
                               QApplication::translate("main", "Image, folder of images or project (*.sam3proj) to open."),
                               QStringLiteral("[path]"));
  const QCommandLineOption sampleOption(
      QStringLiteral("sample"),
      QApplication::translate("main", "Open bundled sample image <n> (0 or 1)."),
      QStringLiteral("n"));
  const QCommandLineOption screenshotOption(
      QStringLiteral("screenshot"),
      QApplication::translate("main", "Render the window to <png> once shown, then quit."),
      QStringLiteral("png"));
  const QCommandLineOption bundleOption(
      QStringLiteral("bundle"),
      QApplication::translate("main", "Use the SAM3 model bundle in <dir> (falls back to the classic engine, saying why)."),
      QStringLiteral("dir"));
  const QCommandLineOption deviceOption(
      QStringLiteral("device"), QApplication::translate("main", "Device for SAM3: auto, cpu or cuda (default: auto)."),
      QStringLiteral("device"));
  const QCommandLineOption classicOption(QStringLiteral("classic"),
                                         QApplication::translate("main", "Start with the classic engine even if a bundle was used last time."));
  const QCommandLineOption demoOption(
      QStringLiteral("demo"), QApplication::translate("main", "Demo mode: full screen, big buttons, sample images, one-click reset."));
  parser.addOption(sampleOption);
  parser.addOption(screenshotOption);
  parser.addOption(bundleOption);
  parser.addOption(deviceOption);
  parser.addOption(classicOption);
  parser.addOption(demoOption);
  const QCommandLineOption maxPixelsOption(
      QStringLiteral("max-pixels"),
      QApplication::translate("main", "Refuse images above <n> pixels before decoding them (remembered; default 400000000)."),
      QStringLiteral("n"));
  parser.addOption(maxPixelsOption);
  parser.addPositionalArgument(
      QStringLiteral("commands"),
      QApplication::translate("main", "Headless commands (each has --help): validate-coco FILE; "
                                      "export --project P --format coco|coco-polygons|yolo-seg|png|instance-png --out OUT; "
                                      "import-coco --project P --coco FILE; "
                                      "segment --image IMG [--bundle DIR] --point x,y,1 | --box x0,y0,x1,y1 [--find-similar] --out PNG."),
      QStringLiteral("[command ...]"));
  parser.process(*app);

  const QString logPath = sam3::ui::installLogging();
  qCInfo(lcApp).noquote() << "SAM3 Annotate" << QApplication::applicationVersion() << "log:" << logPath;
  const sam3::EngineEnvironment env = sam3::initializeEngine();

  if (parser.isSet(deviceOption)) QSettings().setValue(QStringLiteral("engine/device"), parser.value(deviceOption));
  if (parser.isSet(maxPixelsOption)) {
    bool ok = false;
    const qlonglong pixels = parser.value(maxPixelsOption).toLongLong(&ok);
    if (!ok || pixels < 1) {
      std::fprintf(stderr, "sam3-annotate: --max-pixels needs a whole number of pixels from 1\n");
      return 2;
    }
    sam3::ui::ImageFolder::setMaxPixels(pixels);
  }
  if (parser.isSet(classicOption)) QSettings().remove(QStringLiteral("engine/bundle"));
  sam3::ui::MainWindow window;
  if (parser.isSet(bundleOption)) window.loadBundle(parser.value(bundleOption));
  bool opened = false;
  const QStringList positional = parser.positionalArguments();
  if (!positional.isEmpty()) {
    QString error;
    opened = window.openPath(positional.first(), &error);
    if (!opened) qCCritical(lcApp).noquote() << error;
  }
  if (!opened && positional.isEmpty() && !parser.isSet(sampleOption) && !parser.isSet(screenshotOption)) {
    // The last session ended without saving journaled edits: offer them back.
    opened = window.offerCrashRecovery([&window] {
      return QMessageBox::question(&window, QApplication::translate("main", "Recover unsaved work?"),
                                   QApplication::translate("main", "SAM3 Annotate was not closed normally last time. "
                                                                   "Recover the edits that were not saved?")) == QMessageBox::Yes;
    });
  }
  if (!opened && parser.isSet(sampleOption)) {
    opened = window.openSample(parser.value(sampleOption).toInt());
  }
  if (!opened && positional.isEmpty()) window.openSample(0);  // first run shows something useful
  window.show();
  if (parser.isSet(demoOption)) window.setDemoMode(true);

  if (parser.isSet(screenshotOption)) {
    const QString target = parser.value(screenshotOption);
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

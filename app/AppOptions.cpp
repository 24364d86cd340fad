#include "app/AppOptions.h"

#include <QCoreApplication>

namespace sam3::app {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("main", text); }
}  // namespace

AppOptions::AppOptions()
    : sample(QStringLiteral("sample"), tr("Open bundled sample image <n> (0 or 1)."), QStringLiteral("n")),
      screenshot(QStringLiteral("screenshot"), tr("Render the window to <png> once shown, then quit."), QStringLiteral("png")),
      bundle(QStringLiteral("bundle"), tr("Use the SAM3 model bundle in <dir> (falls back to the classic engine, saying why)."),
             QStringLiteral("dir")),
      device(QStringLiteral("device"), tr("Device for SAM3: auto, cpu or cuda (default: auto)."), QStringLiteral("device")),
      precision(QStringLiteral("precision"),
                tr("Precision of SAM3's heavy graphs: auto (bf16 where the CPU or GPU does it natively), fp32 or bf16 "
                   "(default: auto)."),
                QStringLiteral("precision")),
      classic(QStringLiteral("classic"), tr("Start with the classic engine even if a bundle was used last time.")),
      demo(QStringLiteral("demo"), tr("Demo mode: full screen, big buttons, sample images, one-click reset.")),
      maxPixels(QStringLiteral("max-pixels"),
                tr("Refuse images above <n> pixels before decoding them (remembered; default 400000000)."), QStringLiteral("n")) {}

void AppOptions::addTo(QCommandLineParser& parser) const {
  parser.setApplicationDescription(tr("Label images with points, boxes and brushes using Segment Anything Model 3."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("path"), tr("Image, folder of images or project (*.sam3proj) to open."),
                               QStringLiteral("[path]"));
  for (const QCommandLineOption& option : {sample, screenshot, bundle, device, precision, classic, demo, maxPixels}) parser.addOption(option);
  parser.addPositionalArgument(
      QStringLiteral("commands"),
      tr("Headless commands (each has --help): validate-coco FILE; "
         "export --project P --format coco|coco-polygons|coco-results|yolo-seg|labelme|labelme-polygons|voc|png|instance-png --out OUT; "
         "import-coco --project P --coco FILE; import-labelme --project P --folder DIR; import-yolo --project P --images DIR; "
         "segment --image IMG [--bundle DIR] --point x,y,1 | --box x0,y0,x1,y1 [--find-similar] --out PNG; "
         "label-folder."),
      QStringLiteral("[command ...]"));
}

}  // namespace sam3::app

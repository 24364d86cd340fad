#include "app/FileCommands.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>

#include "engine/io/AtomicFile.h"
#include "engine/io/CocoImport.h"
#include "engine/io/CocoValidator.h"
#include "engine/io/Labelme.h"
#include "engine/io/ProjectFile.h"
#include "engine/io/YoloImport.h"
#include "engine/workflow/ProjectExport.h"

namespace sam3::app {
namespace {

const QStringList kFileCommands = {QStringLiteral("validate-coco"), QStringLiteral("export"), QStringLiteral("import-coco"),
                                   QStringLiteral("import-labelme"), QStringLiteral("import-yolo")};

void print(const QString& line) { std::fprintf(stdout, "%s\n", qPrintable(line)); }
void printError(const QString& line) { std::fprintf(stderr, "sam3-annotate: %s\n", qPrintable(line)); }

int printProblems(const std::vector<io::CocoProblem>& problems) {
  int errors = 0;
  for (const io::CocoProblem& p : problems) {
    const bool isError = p.severity == io::CocoProblem::Severity::Error;
    errors += isError;
    print(QStringLiteral("%1 %2: %3").arg(isError ? QStringLiteral("ERROR  ") : QStringLiteral("WARNING"),
                                          QString::fromStdString(p.path), QString::fromStdString(p.message)));
  }
  return errors;
}

nlohmann::json readJson(const QString& path) {
  const std::string bytes = io::readWholeFile(path.toStdString());
  try {
    return nlohmann::json::parse(bytes);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(path.toStdString() + " is not valid JSON (byte " + std::to_string(e.byte) + ")");
  }
}

int validateCoco(QCommandLineParser& parser, const QStringList& arguments) {
  parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("COCO JSON file to check."));
  parser.process(arguments);
  if (parser.positionalArguments().size() != 2) {
    printError(QStringLiteral("usage: sam3-annotate validate-coco FILE"));
    return 2;
  }
  const auto problems = io::validateCoco(readJson(parser.positionalArguments().at(1)));
  const int errors = printProblems(problems);
  print(QStringLiteral("%1 error(s), %2 warning(s)").arg(errors).arg(int(problems.size()) - errors));
  return errors == 0 ? 0 : 1;
}

int exportProject(QCommandLineParser& parser, const QStringList& arguments) {
  const QString formats = QString::fromStdString(workflow::exportFormatIds("|"));
  const QCommandLineOption project(QStringLiteral("project"), QStringLiteral("Project file (*.sam3proj)."), QStringLiteral("file"));
  const QCommandLineOption format(QStringLiteral("format"),
                                  QStringLiteral("coco (RLE), coco-polygons, coco-results (detections with scores), labelme "
                                                 "(edited objects as masks), labelme-polygons, yolo-seg, voc (Pascal VOC "
                                                 "segmentation PNGs), png (one per object) or instance-png."),
                                  QStringLiteral("format"), QStringLiteral("coco"));
  const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Output file (coco) or folder (other formats)."),
                               QStringLiteral("path"));
  const QCommandLineOption imageRoot(QStringLiteral("image-root"),
                                     QStringLiteral("coco, coco-polygons: file_name relative to this folder (default: the "
                                                    "images' common folder; what a loader is given as its image root)."),
                                     QStringLiteral("folder"));
  const QCommandLineOption absolute(QStringLiteral("absolute-paths"), QStringLiteral("coco, coco-polygons: absolute file_name values."));
  parser.addOptions({project, format, out, imageRoot, absolute});
  parser.process(arguments);
  if (!parser.isSet(project) || !parser.isSet(out)) {
    printError(QStringLiteral("usage: sam3-annotate export --project P --format %1 --out OUT").arg(formats));
    return 2;
  }
  const std::optional<workflow::ExportFormat> kind = workflow::exportFormatById(parser.value(format).toStdString());
  if (!kind) {
    printError(QStringLiteral("unknown format '%1' (one of %2)").arg(parser.value(format), formats));
    return 2;
  }
  QElapsedTimer timer;
  timer.start();
  workflow::ExportRequest request;
  request.format = *kind;
  request.target = parser.value(out).toStdString();
  request.projectFolder = QFileInfo(parser.value(project)).absolutePath().toStdString();
  if (parser.isSet(absolute)) request.imageRoot = std::string();
  if (parser.isSet(imageRoot) && !parser.isSet(absolute)) request.imageRoot = QFileInfo(parser.value(imageRoot)).absoluteFilePath().toStdString();
  const workflow::ExportOutcome outcome = workflow::exportProject(io::loadProject(parser.value(project).toStdString()), request);
  if (!outcome.status.ok()) {
    printError(QString::fromStdString(outcome.status.message));
    return 1;
  }
  print(QString::fromStdString(outcome.summary));
  printProblems(outcome.warnings);
  print(QStringLiteral("export took %1 ms").arg(timer.elapsed()));
  return 0;
}

int importCoco(QCommandLineParser& parser, const QStringList& arguments) {
  const QCommandLineOption project(QStringLiteral("project"),
                                   QStringLiteral("Project file to import into (created when it does not exist)."),
                                   QStringLiteral("file"));
  const QCommandLineOption coco(QStringLiteral("coco"), QStringLiteral("COCO JSON file."), QStringLiteral("file"));
  parser.addOptions({project, coco});
  parser.process(arguments);
  if (!parser.isSet(project) || !parser.isSet(coco)) {
    printError(QStringLiteral("usage: sam3-annotate import-coco --project P --coco FILE"));
    return 2;
  }
  const std::string projectPath = parser.value(project).toStdString();
  annotation::Project document =
      QFileInfo::exists(parser.value(project)) ? io::loadProject(projectPath) : annotation::Project();
  const io::CocoImportReport report = io::importCoco(readJson(parser.value(coco)), document);
  const int errors = printProblems(report.problems);
  io::saveProject(document, projectPath);
  print(QStringLiteral("imported %1 objects (%2 box-only); images: %3 added, %4 matched; categories: %5 added, %6 matched; "
                       "%7 problem(s)")
            .arg(report.objectsAdded).arg(report.boxesOnly).arg(report.imagesAdded).arg(report.imagesMatched)
            .arg(report.categoriesAdded).arg(report.categoriesMatched).arg(errors));
  return errors == 0 ? 0 : 1;
}

// Loads the project (or starts one), runs `import`, reports, saves.
int importInto(const QString& projectPath, const std::function<io::InterchangeReport(annotation::Project&)>& import) {
  annotation::Project document = QFileInfo::exists(projectPath) ? io::loadProject(projectPath.toStdString()) : annotation::Project();
  const io::InterchangeReport report = import(document);
  const int errors = printProblems(report.problems);
  io::saveProject(document, projectPath.toStdString());
  print(QStringLiteral("read %1 file(s): imported %2 objects; images: %3 added, %4 matched; %5 classes added; %6 skipped, "
                       "%7 problem(s)")
            .arg(report.files).arg(report.objectsAdded).arg(report.imagesAdded).arg(report.imagesMatched)
            .arg(report.categoriesAdded).arg(report.skipped).arg(errors));
  return errors == 0 ? 0 : 1;
}

int importLabelme(QCommandLineParser& parser, const QStringList& arguments) {
  const QCommandLineOption project(QStringLiteral("project"), QStringLiteral("Project file (created when it does not exist)."),
                                   QStringLiteral("file"));
  const QCommandLineOption folder(QStringLiteral("folder"), QStringLiteral("Folder of labelme / X-AnyLabeling JSON files."),
                                  QStringLiteral("dir"));
  parser.addOptions({project, folder});
  parser.process(arguments);
  if (!parser.isSet(project) || !parser.isSet(folder)) {
    printError(QStringLiteral("usage: sam3-annotate import-labelme --project P --folder DIR"));
    return 2;
  }
  if (!QFileInfo(parser.value(folder)).isDir()) throw std::runtime_error(parser.value(folder).toStdString() + " is not a folder");
  return importInto(parser.value(project),
                    [&](annotation::Project& p) { return io::importLabelmeFolder(parser.value(folder).toStdString(), p); });
}

int importYolo(QCommandLineParser& parser, const QStringList& arguments) {
  const QCommandLineOption project(QStringLiteral("project"), QStringLiteral("Project file (created when it does not exist)."),
                                   QStringLiteral("file"));
  const QCommandLineOption images(QStringLiteral("images"), QStringLiteral("Folder of the images."), QStringLiteral("dir"));
  const QCommandLineOption labels(QStringLiteral("labels"), QStringLiteral("Folder of the label .txt files (default: --images)."),
                                  QStringLiteral("dir"));
  const QCommandLineOption classes(QStringLiteral("classes"), QStringLiteral("Class names, one per line (default: LABELS/classes.txt)."),
                                   QStringLiteral("file"));
  parser.addOptions({project, images, labels, classes});
  parser.process(arguments);
  if (!parser.isSet(project) || !parser.isSet(images)) {
    printError(QStringLiteral("usage: sam3-annotate import-yolo --project P --images DIR [--labels DIR] [--classes FILE]"));
    return 2;
  }
  const QString labelsFolder = parser.isSet(labels) ? parser.value(labels) : parser.value(images);
  for (const QString& dir : {parser.value(images), labelsFolder})
    if (!QFileInfo(dir).isDir()) throw std::runtime_error(dir.toStdString() + " is not a folder");
  return importInto(parser.value(project), [&](annotation::Project& p) {
    return io::importYoloSegmentation(parser.value(images).toStdString(), labelsFolder.toStdString(),
                                      parser.value(classes).toStdString(), p);
  });
}

}  // namespace

QStringList fileCommands() { return kFileCommands; }

int runFileCommand(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.addHelpOption();
  const QString command = arguments.value(1);
  parser.addPositionalArgument(QStringLiteral("command"), kFileCommands.join(QStringLiteral(", ")));
  parser.setApplicationDescription(QStringLiteral("sam3-annotate %1").arg(command));
  try {
    if (command == QLatin1String("validate-coco")) return validateCoco(parser, arguments);
    if (command == QLatin1String("export")) return exportProject(parser, arguments);
    if (command == QLatin1String("import-coco")) return importCoco(parser, arguments);
    if (command == QLatin1String("import-labelme")) return importLabelme(parser, arguments);
    if (command == QLatin1String("import-yolo")) return importYolo(parser, arguments);
  } catch (const std::exception& e) {
    printError(QString::fromUtf8(e.what()));
    return 1;
  }
  printError(QStringLiteral("unknown command '%1'").arg(command));
  return 2;
}

}  // namespace sam3::app

// The annotation document and its file: round trips, atomic saves that keep the old file on
// failure, clear errors for malformed files (with JSON paths), journal replay, and a bounded
// mutation fuzz of the project reader.

#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "support/TestSupport.h"
#include <filesystem>
#include <fstream>
#include <random>

#include "engine/io/AtomicFile.h"
#include "engine/io/ImageFiles.h"
#include "engine/io/ProjectCodec.h"
#include "engine/io/ProjectFile.h"
#include "engine/io/ProjectJournal.h"
#include "support/SampleProject.h"

using namespace sam3;
using sam3::test::errorOf;

class TestProject : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void imageFilesListedInNaturalOrder() {
    // One list for the GUI's folder, the batch and the CLI: readable images only, img2 before
    // img10, case and leading zeros ignored.
    QTemporaryDir dir;
    for (const char* name : {"img10.png", "img2.PNG", "IMG1.jpg", "img02b.webp", "notes.txt", "img3.gif"}) {
      std::ofstream(dir.filePath(QString::fromLatin1(name)).toStdString()) << "x";
    }
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("img4.png")));  // a folder, not an image
    std::vector<std::string> names;
    for (const std::string& path : io::listImageFiles(dir.path().toStdString())) names.push_back(std::filesystem::path(path).filename().string());
    QCOMPARE(names, (std::vector<std::string>{"IMG1.jpg", "img2.PNG", "img02b.webp", "img10.png"}));
    QVERIFY(io::naturalLess("a9", "a10") && !io::naturalLess("a10", "a9") && !io::naturalLess("a07", "a7"));
    QVERIFY(io::listImageFiles(dir.filePath(QStringLiteral("missing")).toStdString()).empty());
  }

  void idsStartAtOneAndStayUnique() {
    annotation::Project p = test::makeSampleProject();
    QCOMPARE(p.categories().begin()->first, 1);
    QCOMPARE(p.objects().begin()->first, int64_t(1));
    QVERIFY(p.removeObject(2));
    annotation::AnnotationObject o = *p.object(1);
    o.id = 0;
    QCOMPARE(p.putObject(o), int64_t(4));  // ids are never reused
    QVERIFY(!p.removeCategory(1));          // still used by an object
    QVERIFY(errorOf([&] { p.putCategory({0, "cat", {}, ""}); }).contains(QStringLiteral("exists")));
    o.imageId = 99;
    QVERIFY(errorOf([&] { p.putObject(o); }).contains(QStringLiteral("unknown image")));
    QVERIFY(p.imageByFileName("b.jpg") && p.imageByFileName("/elsewhere/b.jpg"));
    QVERIFY(p.removeImage(1));
    QCOMPARE(p.objects().size(), size_t(1));  // its objects went with it
  }

  void classPhrasesSplitOnCommas() {
    annotation::Category c{1, " car ", {}, "", ""};
    QCOMPARE(annotation::conceptPhrases(c), (std::vector<std::string>{"car"}));  // the name, trimmed
    c.phrase = "car, van ,, car,  pickup truck ";
    QCOMPARE(annotation::conceptPhrases(c), (std::vector<std::string>{"car", "van", "pickup truck"}));
    c.phrase = " , ";
    QCOMPARE(annotation::conceptPhrases(c), (std::vector<std::string>{"car"}));  // nothing usable: the name
    c.name = "  ";
    QVERIFY(annotation::conceptPhrases(c).empty());
  }

  void saveLoadRoundTrip() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("p.sam3proj")).toStdString();
    const annotation::Project p = test::makeSampleProject();
    io::saveProject(p, path);
    QVERIFY(io::loadProject(path) == p);
    QCOMPARE(io::loadProject(path).categoryByName("dog")->phrase, std::string("dog, puppy"));
    struct stat st {};
    QCOMPARE(::stat(path.c_str(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), 0644);
    // An image inside the project folder is stored relative to it.
    annotation::Project withAbsolute = p;
    annotation::ImageRecord image = *withAbsolute.image(1);
    image.path = dir.filePath(QStringLiteral("photos/a.png")).toStdString();
    withAbsolute.putImage(image);
    io::saveProject(withAbsolute, path);
    QCOMPARE(io::loadProject(path).image(1)->path, std::string("photos/a.png"));
  }

  void failedSaveKeepsTheOldFile() {
    if (::geteuid() == 0) {
      // Root ignores directory permissions; use a path whose folder does not exist instead.
      const QString error = errorOf([] { io::saveProject(test::makeSampleProject(), "/nonexistent-dir/p.sam3proj"); });
      QVERIFY2(error.contains(QStringLiteral("cannot save /nonexistent-dir/p.sam3proj")), qPrintable(error));
    }
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("p.sam3proj")).toStdString();
    io::saveProject(test::makeSampleProject(), path);
    const std::string before = io::readWholeFile(path);
    // A folder in the way of the temporary file's rename target makes the rename fail.
    const std::string blocked = dir.filePath(QStringLiteral("blocked.sam3proj")).toStdString();
    QVERIFY(QDir().mkpath(QString::fromStdString(blocked + "/inner")));
    QVERIFY(!errorOf([&] { io::saveProject(test::makeSampleProject(), blocked); }).isEmpty());
    QCOMPARE(io::readWholeFile(path), before);
    QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.tmp-*")}, QDir::Files).size(), 0);  // no debris
  }

  void malformedFilesGiveClearErrors_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not json") << QByteArray("{\"format\": ") << "not valid JSON";
    QTest::newRow("not a project") << QByteArray("{\"format\":\"x\",\"version\":1}") << "not a SAM3 Annotate project";
    QTest::newRow("future version") << QByteArray("{\"format\":\"sam3-annotate-project\",\"version\":99,\"categories\":[],\"images\":[],\"objects\":[]}") << "newer SAM3 Annotate";
    QTest::newRow("wrong type") << QByteArray("{\"format\":\"sam3-annotate-project\",\"version\":1,\"categories\":{},\"images\":[],\"objects\":[]}") << "$.categories: expected an array";
    QTest::newRow("negative size") << QByteArray("{\"format\":\"sam3-annotate-project\",\"version\":1,\"categories\":[],\"images\":[{\"id\":1,\"path\":\"a\",\"width\":-3,\"height\":4}],\"objects\":[]}") << "images[0]: width and height must be positive";
    QTest::newRow("rle sum") << QByteArray("{\"format\":\"sam3-annotate-project\",\"version\":1,\"categories\":[{\"id\":1,\"name\":\"c\"}],\"images\":[{\"id\":1,\"path\":\"a\",\"width\":4,\"height\":4}],\"objects\":[{\"id\":1,\"image_id\":1,\"category_id\":1,\"mask\":{\"size\":[4,4],\"counts\":\"S1\"}}]}") << "objects[0].mask.counts";
    QTest::newRow("id zero") << QByteArray("{\"format\":\"sam3-annotate-project\",\"version\":1,\"categories\":[{\"id\":0,\"name\":\"c\"}],\"images\":[],\"objects\":[]}") << "categories[0].id: ids start at 1";
    QTest::newRow("duplicate id") << QByteArray("{\"format\":\"sam3-annotate-project\",\"version\":1,\"categories\":[{\"id\":1,\"name\":\"c\"},{\"id\":1,\"name\":\"d\"}],\"images\":[],\"objects\":[]}") << "duplicate id";
  }

  void malformedFilesGiveClearErrors() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("bad.sam3proj")).toStdString();
    std::ofstream(path) << content.constData();
    const QString error = errorOf([&] { io::loadProject(path); });
    QVERIFY2(error.contains(expected), qPrintable(QStringLiteral("got: ") + error));
  }

  void journalReplaysEditsAndToleratesATornTail() {
    QTemporaryDir dir;
    const std::string project = dir.filePath(QStringLiteral("p.sam3proj")).toStdString();
    const std::string journalPath = io::ProjectJournal::pathFor(project);
    annotation::Project saved = test::makeSampleProject();
    io::saveProject(saved, project);
    annotation::Project live = saved;
    {
      io::ProjectJournal journal(journalPath);
      annotation::AnnotationObject o = *live.object(1);
      o.id = 0;
      o.categoryId = 2;
      o.id = live.putObject(o);
      journal.putObject(*live.object(o.id));
      live.removeObject(2);
      journal.removeObject(2);
      annotation::ImageRecord image = *live.image(1);
      image.status = annotation::ImageStatus::Done;
      live.putImage(image);
      journal.putImage(image);
      journal.flush();
    }
    std::ofstream(journalPath, std::ios::app) << "{\"op\":\"put_obj";  // a write cut short by a crash
    QVERIFY(io::ProjectJournal::hasEntries(journalPath));
    annotation::Project recovered = io::loadProject(project);
    const auto result = io::ProjectJournal::replay(journalPath, recovered);
    QCOMPARE(result.applied, size_t(3));
    QVERIFY(result.truncatedTail);
    QVERIFY(result.problems.empty());
    QVERIFY(recovered == live);
    // Replaying twice changes nothing (entries are idempotent).
    io::ProjectJournal::replay(journalPath, recovered);
    QVERIFY(recovered == live);
    io::ProjectJournal(journalPath).clear();
    QVERIFY(!io::ProjectJournal::hasEntries(journalPath));
  }

  // Random byte flips in a valid project file: loads, or fails with an exception. No crash.
  void readerMutationFuzz() {
    std::mt19937 rng(2024);
    const std::string good = io::toJson(test::makeSampleProject()).dump();
    int rejected = 0;
    for (int i = 0; i < 3000; ++i) {
      std::string s = good;
      for (int f = 0; f < 1 + int(rng() % 4); ++f) s[rng() % s.size()] = "0123456789{}[],:\"-ex9 "[rng() % 23];
      try {
        io::projectFromJson(nlohmann::json::parse(s));
      } catch (const std::exception&) {
        ++rejected;
      }
    }
    QVERIFY(rejected > 500);
  }
};

QTEST_GUILESS_MAIN(TestProject)
#include "tst_project.moc"

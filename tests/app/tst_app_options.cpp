// The window's command-line options as a user types them: they hold for that run and are
// never written to the user's settings (a `--device cuda` run used to change every later start),
// and a bad value is refused with its name before any window opens.
#include <QProcess>
#include <QProcessEnvironment>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

class TestAppOptions : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    m_app = qEnvironmentVariable("SAM3_APP");
    if (m_app.isEmpty()) QSKIP("SAM3_APP not set");
  }

  void optionsHoldForTheRunAndAreNotWritten() {
    QTemporaryDir home;
    const QString config = home.filePath(QStringLiteral("config/sam3-annotate/sam3-annotate.conf"));
    {
      QSettings stored(config, QSettings::IniFormat);
      stored.setValue(QStringLiteral("engine/device"), QStringLiteral("cuda"));
      stored.setValue(QStringLiteral("engine/precision"), QStringLiteral("bf16"));
      stored.setValue(QStringLiteral("engine/bundle"), home.filePath(QStringLiteral("missing.sam3bundle")));
      stored.setValue(QStringLiteral("images/maxPixels"), 123456789);
    }
    const QString shot = home.filePath(QStringLiteral("shot.png"));
    QString output;
    QCOMPARE(run(home,
                 {QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--precision"), QStringLiteral("fp32"),
                  QStringLiteral("--max-pixels"), QStringLiteral("5000000"), QStringLiteral("--classic"), QStringLiteral("--sample"),
                  QStringLiteral("0"), QStringLiteral("--screenshot"), shot},
                 output),
             0);
    QVERIFY2(QFileInfo::exists(shot), qPrintable(output));
    QSettings after(config, QSettings::IniFormat);
    QCOMPARE(after.value(QStringLiteral("engine/device")).toString(), QStringLiteral("cuda"));
    QCOMPARE(after.value(QStringLiteral("engine/precision")).toString(), QStringLiteral("bf16"));
    QCOMPARE(after.value(QStringLiteral("engine/bundle")).toString(), home.filePath(QStringLiteral("missing.sam3bundle")));
    QCOMPARE(after.value(QStringLiteral("images/maxPixels")).toLongLong(), 123456789LL);
  }

  void aBadValueIsNamedAndNothingOpens() {
    QTemporaryDir home;
    const QString shot = home.filePath(QStringLiteral("shot.png"));
    QString output;
    QCOMPARE(run(home, {QStringLiteral("--device"), QStringLiteral("tpu"), QStringLiteral("--screenshot"), shot}, output), 2);
    QVERIFY2(output.contains(QStringLiteral("--device takes auto, cpu or cuda, not 'tpu'")), qPrintable(output));
    QCOMPARE(run(home, {QStringLiteral("--precision"), QStringLiteral("fp8"), QStringLiteral("--screenshot"), shot}, output), 2);
    QVERIFY2(output.contains(QStringLiteral("--precision takes auto, fp32 or bf16, not 'fp8'")), qPrintable(output));
    QCOMPARE(run(home, {QStringLiteral("--max-pixels"), QStringLiteral("0"), QStringLiteral("--screenshot"), shot}, output), 2);
    QVERIFY2(output.contains(QStringLiteral("--max-pixels needs a whole number")), qPrintable(output));
    QVERIFY(!QFileInfo::exists(shot));
  }

 private:
  int run(const QTemporaryDir& home, const QStringList& args, QString& output) const {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(m_app, args);
    if (!process.waitForFinished(120000)) return -1;
    output = QString::fromUtf8(process.readAll());
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
  }

  QString m_app;
};

QTEST_MAIN(TestAppOptions)
#include "tst_app_options.moc"

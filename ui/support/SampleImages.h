#pragma once
// The sample images bundled as Qt resources.

#include <QString>
#include <QStringList>

namespace sam3::ui {

struct SampleImage {
  QString resourcePath;
  QString title;
};

QList<SampleImage> sampleImages();

}  // namespace sam3::ui

#include "ui/support/SampleImages.h"

#include <QCoreApplication>

namespace sam3::ui {

QList<SampleImage> sampleImages() {
  return {
      {QStringLiteral(":/images/sample_shapes.png"),
       QCoreApplication::translate("SampleImages", "Shapes: repeated objects, a ring, touching neighbours")},
      {QStringLiteral(":/images/sample_tiles.png"),
       QCoreApplication::translate("SampleImages", "Tiles: a grid of similar objects")},
  };
}

}  // namespace sam3::ui

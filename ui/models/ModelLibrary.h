#pragma once
// The model bundles the app knows: every *.sam3bundle in the models folder
// (~/.local/share/sam3-annotate/models) and the ones used recently (setting bundles/recent),
// each with what its manifest says; and checking a bundle's files against their sha256 with
// progress (the model manager's Verify).

#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <vector>

#include "engine/segment/Cancel.h"

namespace sam3::ui {

struct ModelEntry {
  QString directory;
  QString name;
  qint64 bytes = 0;        // the listed files together
  QString targetLibtorch;  // "1.13" or "2.x"
  bool devicePortable = false;  // runs on a GPU
  bool text = false;            // has a text encoder (find by text)
  QString error;                // the manifest cannot be read
};

class ModelLibrary {
 public:
  static QString modelsFolder();
  static std::vector<ModelEntry> scan();  // models folder first, then recent ones, no duplicates
  static ModelEntry describe(const QString& directory);
  static void rememberUsed(const QString& directory);  // most recent first, ten kept

  // "" when every file matches the manifest, else what does not. `progress(done, total)` gets
  // bytes hashed so far; `cancel` stops between chunks ("cancelled").
  static QString verify(const QString& directory, const std::function<void(qint64, qint64)>& progress,
                        const segment::CancelToken& cancel);
};

}  // namespace sam3::ui
